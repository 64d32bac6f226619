"""The filters of the audit pages: who, what, which youth (record number) and when."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditAction


class AuditFilterForm(forms.Form):
    user = forms.TypedChoiceField(label=_("User"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("Action"), required=False)
    youth = forms.IntegerField(label=_("Youth (record number)"), required=False, min_value=1,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                               help_text=_("The number shown after “youth” in the log."))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is None:
            del self.fields["user"]
        else:
            self.fields["user"].choices = [("", _("All users")), *((u.pk, str(u)) for u in staff)]
        self.fields["action"].choices = [("", _("All actions")), *AuditAction.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of audit_groups (an invalid one is left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        out = {"action": data.get("action") or "", "youth_id": data.get("youth"),
               "date_from": data.get("date_from"), "date_to": data.get("date_to")}
        if "user" in self.fields:
            out["user_id"] = data.get("user")
        return out
