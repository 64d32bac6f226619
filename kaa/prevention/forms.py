"""Forms of preventive work (thin: the services check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.casework.forms import DateInput, MappingForm, apply_errors
from kaa.core.forms import SafeForm
from kaa.register.models import ConsentBy

from .models import MeetingKind, SchoolStage

__all__ = [
    "AttendanceImportForm",
    "MeetingForm",
    "OpenCaseForm",
    "PreventiveMappingForm",
    "SettingsForm",
    "WorkerForm",
    "apply_errors",
]


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput, **kwargs)


class OpenCaseForm(SafeForm):
    given_name = forms.CharField(label=_("First name"), max_length=100)
    family_name = forms.CharField(label=_("Last name"), max_length=100)
    school_unit_name = forms.CharField(label=_("School"), max_length=200, required=False)
    stage = forms.ChoiceField(label=_("School year"), choices=SchoolStage.choices, widget=forms.RadioSelect)
    consent_by = forms.ChoiceField(label=_("Consent given by"), choices=ConsentBy.choices, widget=forms.RadioSelect)
    consent_on = _date(_("Consent given on"))
    consent = forms.BooleanField(
        label=_("The pupil or a guardian consents to preventive work with KAA"),
        help_text=_("Without consent no preventive case is opened. It does not put the pupil in the register."),
        error_messages={"required": _("Consent: a preventive case needs the consent of the pupil or a guardian.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("consent_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class MeetingForm(SafeForm):
    kind = forms.ChoiceField(label=_("Meeting"), choices=MeetingKind.choices, widget=forms.RadioSelect)
    held_on = _date(_("Held on"))
    participants = forms.CharField(
        label=_("Who took part"),
        max_length=300,
        help_text=_("For example: the pupil, a guardian, the mentor, the study counsellor."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    follow_up_on = _date(_("Next follow-up"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class PreventiveMappingForm(MappingForm):
    """The case work's mapping questions, asked from the pupil's perspective with the parents' support."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"]["held_on"] = timezone.localdate()
        super().__init__(*args, **kwargs)
        self.fields["place"].label = _("Where")
        self.fields["participants"].help_text = _("The pupil and who supported them, e.g. a guardian.")
        self.fields["support_needs"].help_text = _("In the pupil's own words. No diagnoses.")


class WorkerForm(SafeForm):
    colleague = forms.TypedChoiceField(label=_("Colleague"), coerce=int)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colleague"].choices = choices


class AttendanceImportForm(SafeForm):
    file = forms.FileField(label=_("File"))
    municipality = forms.ChoiceField(label=_("Municipality"))

    def __init__(self, *args: Any, municipalities: list, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = {m.code: m for m in municipalities}
        self.too_large = too_large
        self.fields["file"].help_text = _(
            "CSV with the columns personnummer;vecka;franvaro_procent;ogiltig_procent, or SS 12000 JSON with "
            "aggregated attendance. At most %(size)s."
        ) % {"size": filesizeformat(settings.KAA_MAX_UPLOAD_BYTES)}
        self.fields["municipality"].choices = [(m.code, str(m)) for m in municipalities]
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0].code
            self.fields["municipality"].widget = forms.HiddenInput()

    def clean(self) -> dict:
        data = super().clean()
        if self.too_large:
            self.add_error(
                "file",
                _("The file is too large: at most %(size)s can be imported at a time.")
                % {"size": filesizeformat(settings.KAA_MAX_UPLOAD_BYTES)},
            )
        data["municipality"] = self.municipalities.get(data.get("municipality", ""))
        return data


class SettingsForm(SafeForm):
    threshold_percent = forms.IntegerField(label=_("Unexcused absence at or above (%)"), min_value=1, max_value=100)
    weeks = forms.IntegerField(label=_("Weeks in a row"), min_value=1, max_value=10)
    keep_weeks = forms.IntegerField(label=_("Keep attendance data (weeks)"), min_value=1, max_value=104)
    thinning_months = forms.IntegerField(label=_("Thin preventive cases after (months)"), min_value=1, max_value=60)
