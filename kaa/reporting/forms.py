from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.casework.models import Code
from kaa.core.forms import SafeForm, SafeModelForm

from .models import PlanningSettings


class CodeForm(SafeModelForm):
    class Meta:
        model = Code
        fields = ["label_sv", "label_en", "scb_code", "maps_from", "valid_from", "valid_to"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}),
                   "valid_to": forms.DateInput(attrs={"type": "date"})}

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The code cannot stop being valid before it starts."))
        return data


class CodeNewForm(CodeForm):
    """A new row, e.g. when SCB adds a code: its list and internal code are fixed once saved."""

    class Meta(CodeForm.Meta):
        fields = ["kind", "code", *CodeForm.Meta.fields]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") and data.get("code") and Code.objects.filter(kind=data["kind"], code=data["code"]).exists():
            self.add_error("code", _("The list already has this code."))
        return data


class PlanningSettingsForm(SafeModelForm):
    class Meta:
        model = PlanningSettings
        fields = ["fixed_percent", "hours_per_youth", "hours_per_year"]


class WhatIfForm(SafeForm):
    youths = forms.IntegerField(label=_("Number of youths"), min_value=0, max_value=100000)


class FollowUpForm(SafeForm):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the range lies before its start."))
        elif start and end and (end - start).days > 3660:
            self.add_error("end", _("Choose a range of at most ten years."))
        return data


class FollowUpGoalsForm(SafeForm):
    goals_text = forms.CharField(label=_("Our goals for KAA"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 6}))
    work_text = forms.CharField(label=_("How we work towards the goals"), required=False, max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 6}))
