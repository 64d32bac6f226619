"""The coordinator's form for a task of the yearly wheel: what, its rule, the reminder, active or not."""

from __future__ import annotations

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from kaa.core.forms import SafeModelForm

from . import wheel
from .models import WheelTask

MONTH_CHOICES = [(str(m), MONTHS[m]) for m in range(1, 13)]


class WheelTaskForm(SafeModelForm):
    months = forms.MultipleChoiceField(
        label=_("Months"),
        choices=MONTH_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a task on a day of chosen months."),
    )

    class Meta:
        model = WheelTask
        fields = [
            "title",
            "description",
            "kind",
            "anchor",
            "interval_weeks",
            "day_of_month",
            "months",
            "remind_days",
            "active",
        ]
        widgets = {
            "anchor": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk or not self.is_bound:
            self.initial["months"] = sorted(wheel.months_parse(self.instance.months), key=int)
            self.initial["months"] = [str(m) for m in self.initial["months"]]

    def clean_months(self) -> str:
        return wheel.months_text([int(m) for m in self.cleaned_data["months"]])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == wheel.MONTHLY and not data.get("months"):
            self.add_error("months", _("Choose at least one month."))
        return data
