"""Forms of the meetings pages (thin: the rules are in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.casework.forms import apply_errors  # noqa: F401  (the views use it from here)
from kaa.core.forms import SafeForm, SafeModelForm

from .models import Meeting


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DecisionForm(SafeForm):
    text = forms.CharField(
        label=_("Decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Short: what the team decided. It is written in the youth's journal."),
    )
    next_step = forms.CharField(
        label=_("Next step"),
        max_length=200,
        required=False,
        help_text=_("Who does what, for example: call the youth and book a meeting."),
    )
    next_step_on = forms.DateField(
        label=_("Next step by"),
        required=False,
        widget=DateInput(),
        help_text=_("With a date the next step is on the coach's worklist."),
    )


class PresentForm(SafeForm):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    others = forms.CharField(
        label=_("Others present"),
        max_length=300,
        required=False,
        help_text=_("Names of others who took part, separated by commas."),
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = staff
        self.fields["present"].label_from_instance = lambda u: u.get_full_name() or u.username


class MeetingForm(SafeModelForm):
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations taking part"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Meeting
        fields = ["kind", "held_on", "place", "partners", "attendees", "agenda", "minutes"]
        widgets = {
            "held_on": DateInput(),
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, partner_choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = partner_choices


class MeetingDecisionForm(SafeForm):
    text = forms.CharField(label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(SafeForm):
    text = forms.CharField(label=_("What"), max_length=300)
    responsible = forms.CharField(
        label=_("Responsible"), max_length=200, help_text=_("A name: a staff member or a partner's contact person.")
    )
    due_on = forms.DateField(label=_("By"), widget=DateInput())
