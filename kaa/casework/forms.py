"""Forms of the case-work pages. Choices of codes come from the code table (valid today)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.core.forms import SafeForm, SafeModelForm

from .codes import CodeTable
from .models import (
    Activity,
    CodeKind,
    EvaluationKind,
    GivenBy,
    Happened,
    JournalKind,
    Partner,
    PlanAcceptance,
    ReferralStatus,
    Responsible,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput, **kwargs)


def _text(label: Any, rows: int = 3, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def apply_errors(form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when no field matches)."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = aliases.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class OccupationForm(SafeForm):
    code = forms.ChoiceField(label=_("Occupation"))
    start = _date(_("From"))

    def __init__(self, *args: Any, table: CodeTable, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = table.choices(CodeKind.OCCUPATION)


class MappingForm(SafeForm):
    held_on = _date(_("Held on"))
    place = forms.CharField(label=_("Where (the place the youth chose)"), required=False, max_length=200)
    participants = forms.CharField(label=_("Who took part"), required=False, max_length=300)
    school_worked = _text(_("School: what worked"))
    school_not_worked = _text(_("School: what did not work"))
    interests = _text(_("Interests"))
    wishes = _text(_("Wishes"))
    strengths = _text(_("Strengths"))
    support_needs = _text(_("Needs of support"), help_text=_("In the youth's own words. No diagnoses."))
    obstacles = _text(_("Practical obstacles"), help_text=_("For example travel, money, housing, a computer."))


class PlanForm(SafeForm):
    goal = _text(_("The youth's goal"), rows=3, required=True,
                 help_text=_("In the youth's own words: what do they want to reach?"))
    review_on = _date(_("Review the plan on"), required=False)


class PlanAcceptForm(SafeForm):
    how = forms.ChoiceField(label=_("How the youth accepted the plan"), choices=PlanAcceptance.choices,
                            widget=forms.RadioSelect, initial=PlanAcceptance.SCREEN)


class MeasureForm(SafeForm):
    activity = forms.ModelChoiceField(label=_("From the activity bank"), queryset=Activity.objects.none(),
                                      required=False, empty_label=_("No activity: describe it below"),
                                      help_text=_("The activity's measure code and place are filled in for you."))
    code = forms.ChoiceField(label=_("Measure"), required=False)
    other_which = forms.CharField(label=_("Which other measure?"), required=False, max_length=200,
                                  help_text=_("Only for “other measure”: say what it is."))
    goal = _text(_("Goal and purpose"))
    place = forms.CharField(label=_("Where"), required=False, max_length=200)
    start = _date(_("Start"))
    end = _date(_("End"), required=False)
    responsible = forms.ChoiceField(label=_("Who is responsible"), choices=Responsible.choices,
                                    widget=forms.RadioSelect, initial=Responsible.MUNICIPALITY)
    responsible_other = forms.CharField(label=_("The other actor"), required=False, max_length=200,
                                        help_text=_("For example Arbetsförmedlingen or a folk high school."))
    follow_up_on = _date(_("Follow up on"), required=False)
    evaluate_on = _date(_("Evaluate on"), required=False)
    declined = forms.BooleanField(label=_("Offered, and the youth declined"), required=False)

    def __init__(self, *args: Any, table: CodeTable, activities: Any = None, keep_code: str = "",
                 **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("– from the activity –")),
                                       *table.choices(CodeKind.MEASURE, keep=keep_code)]
        if activities is None:
            del self.fields["activity"]
        else:
            self.fields["activity"].queryset = activities

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("code") and not data.get("activity"):
            self.add_error("code", _("Choose a measure, or an activity from the bank."))
        return data


class MeasureEditForm(MeasureForm):
    end_reason = forms.ChoiceField(label=_("Reason it ended"), required=False)

    def __init__(self, *args: Any, table: CodeTable, keep_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, table=table, activities=None, keep_code=keep_code, **kwargs)
        self.fields["code"].choices = table.choices(CodeKind.MEASURE, keep=keep_code)
        self.fields["end_reason"].choices = [("", _("– still running –")), *table.choices(CodeKind.END_REASON)]


class EvaluationForm(SafeForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvaluationKind.choices)
    on = _date(_("Date"))
    happened = forms.ChoiceField(label=_("Did it happen?"), choices=[("", "–"), *Happened.choices], required=False)
    how_it_went = _text(_("How it went"))
    youth_view = _text(_("The youth's own view"))
    next_step = _text(_("Next step"), rows=2)


class JournalForm(SafeForm):
    kind = forms.ChoiceField(label=_("Kind of entry"), choices=JournalKind.choices, initial=JournalKind.NOTE)
    occurred_on = _date(_("Date"))
    text = forms.CharField(label=_("Entry"), widget=forms.Textarea(attrs={"rows": 8, "data-pnr-warning": "1"}),
                           max_length=10000)
    confidential = forms.BooleanField(
        label=_("Confidential (health, social services)"), required=False,
        help_text=_("Shown only on the youth page, to those who work with the youth and hold the grant."))
    confirm_no_personnummer = forms.BooleanField(
        label=_("The number in the text is not a personal identity number"), required=False)

    def __init__(self, *args: Any, warn: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not warn:
            self.fields["confirm_no_personnummer"].widget = forms.HiddenInput()


class ConsentForm(SafeForm):
    partner_org = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none(), required=False,
                                         empty_label=_("Another partner (write the name below)"),
                                         help_text=_("A referral to a partner needs a consent that names it."))
    partner = forms.CharField(label=_("Other partner"), max_length=200, required=False,
                              help_text=_("Only when the partner is not in the list: a name, or another "
                                          "municipality's four-digit code."))
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    valid_from = _date(_("From"))
    valid_until = _date(_("Until"), required=False)
    given_by = forms.ChoiceField(label=_("Given by"), choices=GivenBy.choices, widget=forms.RadioSelect,
                                 initial=GivenBy.YOUTH)


    def __init__(self, *args: Any, partners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_org"].queryset = partners if partners is not None else Partner.objects.none()


class ReferralForm(SafeForm):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none(),
                                     empty_label=_("Choose a partner"))
    purpose = forms.CharField(label=_("Purpose"), max_length=300,
                              help_text=_("What the youth is referred for, e.g. an assessment or a course."))
    referred_on = _date(_("Date"))

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class ReferralAnswerForm(SafeForm):
    status = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect,
                               choices=[(s.value, s.label) for s in ReferralStatus if s != ReferralStatus.SENT])
    answered_on = _date(_("Date"))
    note = _text(_("Note"), max_length=2000)


class PartnerForm(SafeModelForm):
    class Meta:
        model = Partner
        fields = ["municipality", "name", "kind", "contact", "active"]

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = None
        if self.instance.pk or municipalities.count() == 1:
            self.fields["municipality"].widget = forms.HiddenInput()
            if not self.instance.pk:
                self.initial["municipality"] = municipalities.first().pk

    def validate_unique(self) -> None:
        """The service says it in the user's words (a name the municipality already has)."""


class CloseForm(SafeForm):
    reason = forms.ChoiceField(label=_("Reason"))
    on = _date(_("Date"))
    recontact_on = _date(_("Contact again on"), required=False,
                         help_text=_("Only when the youth declined: the case stays open until then."))

    def __init__(self, *args: Any, table: CodeTable, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = table.choices(CodeKind.CLOSING)


class ActivityForm(SafeModelForm):
    measure_code = forms.ChoiceField(label=_("Measure code"))

    class Meta:
        model = Activity
        fields = ["municipality", "title", "description", "measure_code", "provider", "contact", "capacity",
                  "places_taken_other", "active", "next_start"]
        widgets = {"next_start": DateInput, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, table: CodeTable, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.instance.measure_code if self.instance.pk else ""
        self.fields["measure_code"].choices = table.choices(CodeKind.MEASURE, keep=keep)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = None
        if self.instance.pk or municipalities.count() == 1:
            self.fields["municipality"].widget = forms.HiddenInput()
            if not self.instance.pk:
                self.initial["municipality"] = municipalities.first().pk
