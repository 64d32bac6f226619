"""Forms of the register pages. Error messages name the field (Swedish through gettext)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.core.forms import SafeForm
from kaa.core.widgets import LongSelect

from .identity import parse_identity
from .labels import reason_label
from .models import ConsentBy, LeavingReason, Result, SchoolType
from .selectors import UNASSIGNED, RegisterFilters

# The reason codes of INTERFACES.md, used when the rules module offers no labels.
REASON_CODES = ("ej_paborjat", "avbrott", "im", "studiebevis", "inflyttad", "ovrigt", "avliden", "utvandrad",
                "fyllt_20", "ej_folkbokford", "skolplikt_ej_fullgjord", "examen", "nationellt_program",
                "anpassad_gymnasieskola", "motsvarande_utbildning", "introduktionsprogram")


def reason_choices() -> list[tuple[str, str]]:
    return [("", _("All reasons")), *[(c, reason_label(c)) for c in REASON_CODES]]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


class RegisterFilterForm(SafeForm):
    """Filters of the register list, in the query string (no personal data here)."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("in", _("In the target group")), ("out", _("Not in the target group")),
        ("extended", _("Extended responsibility (20–24)")), ("all", _("All"))], widget=LongSelect)
    reason = forms.ChoiceField(label=_("Reason"), required=False, widget=LongSelect)
    age_from = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=30)
    age_to = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=30)
    school = forms.ChoiceField(label=_("School (latest enrolment)"), required=False, widget=LongSelect)
    coach = forms.ChoiceField(label=_("Coach"), required=False, widget=LongSelect)
    since_from = _date(_("Since, from"), required=False)
    since_to = _date(_("Since, to"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, schools: list | None = None, coaches: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reason_choices()
        self.fields["school"].choices = [("", _("All schools")), *(schools or [])]
        self.fields["coach"].choices = [("", _("All coaches")), (UNASSIGNED, _("Unassigned")), *(coaches or [])]

    def filters(self, search: str = "") -> RegisterFilters:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "in"
        return RegisterFilters(
            search=search, status="" if status == "all" else status, reason=data.get("reason") or "",
            age_from=data.get("age_from"), age_to=data.get("age_to"), school=data.get("school") or "",
            coach=data.get("coach") or "", since_from=data.get("since_from"), since_to=data.get("since_to"),
            sort=data.get("sort") or "name")


class ReasonMixin(SafeForm):
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=1000, error_messages={
                                 "required": _("Reason for the correction: write why the correction is made.")})


class EquivalentEducationForm(ReasonMixin):
    completed_on = _date(_("Date completed"), error_messages={"required": _("Date completed: enter a date.")})
    school_name = forms.CharField(label=_("School or country"), required=False, max_length=200)
    field_order = ["completed_on", "school_name", "reason"]


class MovedInForm(ReasonMixin):
    registered_from = _date(_("Registered in the municipality from"),
                            error_messages={"required": _("Registered from: enter a date.")})
    municipality_code = forms.RegexField(label=_("Municipality code"), regex=r"^\d{4}$", max_length=4,
                                         error_messages={"invalid": _("Municipality code: enter 4 digits.")})
    field_order = ["registered_from", "municipality_code", "reason"]


class DegreeCheckedForm(ReasonMixin):
    checked_on = _date(_("Checked on"), error_messages={"required": _("Checked on: enter a date.")})
    field_order = ["checked_on", "reason"]


class EnrolmentCorrectionForm(ReasonMixin):
    school_type = forms.ChoiceField(label=_("School type"), choices=SchoolType.choices)
    programme = forms.CharField(label=_("Programme code"), required=False, max_length=12)
    school_year = forms.IntegerField(label=_("School year"), required=False, min_value=0, max_value=10)
    school_unit_name = forms.CharField(label=_("School unit"), required=False, max_length=200)
    school_unit_code = forms.CharField(label=_("School unit code"), required=False, max_length=16)
    equivalent = forms.BooleanField(label=_("Equivalent education"), required=False)
    start_date = _date(_("Start date"), error_messages={"required": _("Start date: enter a date.")})
    end_date = _date(_("End date"), required=False)
    interruption_date = _date(_("Interrupted"), required=False)
    result = forms.ChoiceField(label=_("Result"), required=False, choices=Result.choices)
    result_date = _date(_("Result date"), required=False)
    field_order = ["school_type", "programme", "school_year", "school_unit_name", "school_unit_code", "equivalent",
                   "start_date", "end_date", "interruption_date", "result", "result_date", "reason"]


CORRECTION_FORMS: dict[str, tuple[type[forms.Form], Any]] = {
    "equivalent_education": (EquivalentEducationForm, _("Degree from abroad or equivalent education completed")),
    "moved_in": (MovedInForm, _("Moved in, not yet in the population data")),
    "degree_checked": (DegreeCheckedForm, _("Degree checked")),
    "enrolment": (EnrolmentCorrectionForm, _("Add or correct an enrolment")),
}


class PersonnummerField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Personal identity number"), max_length=13,
                         help_text=_("12 digits, or YYMMDD-NNNN"), **kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        try:
            return parse_identity(value).number
        except ValueError as exc:
            raise forms.ValidationError(
                _("Personal identity number: not a valid personal identity number.")) from exc


class SchoolReportForm(SafeForm):
    """The leaving form (*avgångsanmälan*, seed 001 Bilaga 1)."""

    family_name = forms.CharField(label=_("Last name"), max_length=100)
    given_name = forms.CharField(label=_("First name"), max_length=100)
    personnummer = PersonnummerField()
    class_name = forms.CharField(label=_("Class"), required=False, max_length=20)
    school_unit_name = forms.CharField(label=_("School"), max_length=200)
    school_unit_code = forms.CharField(label=_("School unit code"), required=False, max_length=16)
    leaving_date = _date(_("Leaving date"), error_messages={"required": _("Leaving date: enter a date.")})
    reason = forms.ChoiceField(label=_("Reason for leaving"), choices=LeavingReason.choices,
                               widget=forms.RadioSelect)
    new_school_name = forms.CharField(label=_("Name of the new school"), required=False, max_length=200)
    other_reason = forms.CharField(label=_("Other reason"), required=False, max_length=300)
    met_kaa = forms.TypedChoiceField(label=_("Has the pupil met KAA?"), widget=forms.RadioSelect,
                                     choices=[("yes", _("Yes")), ("no", _("No"))],
                                     coerce=lambda v: v == "yes")
    met_kaa_date = _date(_("Date of the meeting with KAA"), required=False)
    not_met_reason = forms.CharField(label=_("Why the pupil has not met KAA"), required=False, max_length=300)
    protected = forms.BooleanField(
        label=_("The pupil has protected personal data"), required=False,
        help_text=_("Sekretessmarkering, skyddad folkbokföring or a fictitious identity. Only KAA staff with "
                    "the grant for protected identities will see the report."))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reason") == LeavingReason.CHANGE_OF_SCHOOL and not data.get("new_school_name"):
            self.add_error("new_school_name", _("Name of the new school: enter the school."))
        if data.get("reason") == LeavingReason.OTHER and not data.get("other_reason"):
            self.add_error("other_reason", _("Other reason: describe the reason."))
        if data.get("met_kaa") is True and not data.get("met_kaa_date"):
            self.add_error("met_kaa_date", _("Date of the meeting with KAA: enter a date."))
        if data.get("met_kaa") is False and not data.get("not_met_reason"):
            self.add_error("not_met_reason", _("Why the pupil has not met KAA: give a reason."))
        return data


class EarlySignalForm(SafeForm):
    """Signal of a risk of dropping out (*signal om risk för studieavbrott*), consent-based."""

    family_name = forms.CharField(label=_("Last name"), max_length=100)
    given_name = forms.CharField(label=_("First name"), max_length=100)
    personnummer = PersonnummerField()
    school_unit_name = forms.CharField(label=_("School"), max_length=200)
    concern = forms.CharField(label=_("The concern, in short"), max_length=600,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("No health or social-services details."))
    contact_phone = forms.CharField(label=_("Phone to the pupil or guardian"), required=False, max_length=40)
    protected = forms.BooleanField(
        label=_("The pupil has protected personal data"), required=False,
        help_text=_("Sekretessmarkering, skyddad folkbokföring or a fictitious identity. Only KAA staff with "
                    "the grant for protected identities will see the signal."))
    consent_by = forms.ChoiceField(label=_("Consent given by"), choices=ConsentBy.choices, widget=forms.RadioSelect)
    consent = forms.BooleanField(
        label=_("The pupil or a guardian agrees that KAA is told and contacts them"),
        error_messages={"required": _("Consent: an early signal needs the consent of the pupil or a guardian.")})
