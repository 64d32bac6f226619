from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kaa.core.forms import SafeForm

from .models import ImportKind


def too_large_message(limit: int) -> str:
    return str(_("The file is too large: at most %(size)s can be imported at a time. Split the file, or ask "
                 "the administrator to import it from the command line.") % {"size": filesizeformat(limit)})


class ImportForm(SafeForm):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=ImportKind.choices, widget=forms.RadioSelect,
                             initial=ImportKind.POPULATION)
    file = forms.FileField(label=_("File"), help_text=_(
        "CSV (semicolon or comma separated), Excel (.xlsx) or, for school data, SS 12000 JSON."))
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("The date the extract describes. Default: today."))
    full = forms.BooleanField(label=_("The file is the complete population extract"), required=False, help_text=_(
        "Persons of the municipality missing from the file are then no longer in its population."))
    force = forms.BooleanField(label=_("Allow removing more than 10 percent of the population"), required=False)

    def __init__(self, *args: Any, municipalities: list, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = {m.code: m for m in municipalities}
        self.too_large = too_large
        self.max_bytes = settings.KAA_MAX_UPLOAD_BYTES
        self.fields["file"].help_text = _("%(formats)s At most %(size)s.") % {
            "formats": self.fields["file"].help_text, "size": filesizeformat(self.max_bytes)}
        self.fields["municipality"].choices = [(m.code, str(m)) for m in municipalities]
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0].code
            self.fields["municipality"].widget = forms.HiddenInput()

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if file is not None and file.size > self.max_bytes:
            raise forms.ValidationError(too_large_message(self.max_bytes))
        return file

    def _clean_fields(self) -> None:
        super()._clean_fields()
        if self.too_large:
            # The file was skipped while it arrived: say why instead of "this field is required".
            self._errors.pop("file", None)
            self.add_error("file", too_large_message(self.max_bytes))

    def clean(self) -> dict:
        data = super().clean()
        # Every file is one municipality's: the population extract, and an uploaded school file too.
        if not data.get("municipality"):
            if len(self.municipalities) == 1:
                data["municipality"] = next(iter(self.municipalities))
            else:
                self.add_error("municipality", _("Choose the municipality the file is for."))
        return data
