from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportKind


class ImportForm(forms.Form):
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

    def __init__(self, *args, municipalities: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = {m.code: m for m in municipalities}
        self.fields["municipality"].choices = [(m.code, str(m)) for m in municipalities]
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0].code
            self.fields["municipality"].widget = forms.HiddenInput()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == ImportKind.POPULATION and not data.get("municipality"):
            if len(self.municipalities) == 1:
                data["municipality"] = next(iter(self.municipalities))
            else:
                self.add_error("municipality", _("Choose the municipality the population extract is for."))
        return data
