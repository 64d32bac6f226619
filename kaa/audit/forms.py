"""The filters of the audit pages: who, what, which youth (record number) and when; and the filter of the
two questions (who has read this youth, what has this user looked at), which an export holds."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.core.widgets import LongSelect

from .models import AuditAction

DEFAULT_DAYS = 365
EXPORT_FORMATS = ("csv", "xlsx")


class AuditFilterForm(forms.Form):
    user = forms.TypedChoiceField(label=_("User"), required=False, coerce=int, empty_value=None,
                                  widget=LongSelect)
    action = forms.ChoiceField(label=_("Action"), required=False, widget=LongSelect)
    youth = forms.IntegerField(label=_("Youth (record number)"), required=False, min_value=1,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                               help_text=_("The number shown after “youth” in the log."))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, staff: Any = None, default_days: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A question over a period ("what has this user looked at") reads the last year unless told otherwise.
        today = timezone.localdate()
        self.default_from = today - datetime.timedelta(days=default_days) if default_days else None
        self.default_to = today if default_days else None
        if staff is None:
            del self.fields["user"]
        else:
            # ``staff``: (id, name) pairs, a county's hundreds of staff (``kaa.audit.views._staff_choices``).
            self.fields["user"].choices = [("", _("All users")), *staff]
        self.fields["action"].choices = [("", _("All actions")), *AuditAction.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of audit_group_page (an invalid one is left out)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        out = {"action": data.get("action") or "", "youth_id": data.get("youth"),
               "date_from": data.get("date_from") or self.default_from,
               "date_to": data.get("date_to") or self.default_to}
        if "user" in self.fields:
            out["user_id"] = data.get("user")
        return out


class AuditQuestionForm(forms.Form):
    """The youth's log: a date range (the last year by default) and an action."""

    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", "class": "ds-input"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", "class": "ds-input"}))
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All actions")), *AuditAction.choices],
                               widget=forms.Select(attrs={"class": "ds-input"}))

    def __init__(self, data=None, *args, **kwargs) -> None:
        today = timezone.localdate()
        self.default_from = today - datetime.timedelta(days=DEFAULT_DAYS)
        self.default_to = today
        if data is not None:
            # Only the filter's own fields: the page number and the export button are not part of it.
            data = {k: data.get(k) for k in ("date_from", "date_to", "action") if data.get(k)}
            data.setdefault("date_from", self.default_from.isoformat())
            data.setdefault("date_to", self.default_to.isoformat())
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments for ``audit_entries``: the defaults (the last year, every action) when the
        form is unbound or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"date_from": data.get("date_from") or self.default_from,
                "date_to": data.get("date_to") or self.default_to,
                "action": data.get("action") or ""}
