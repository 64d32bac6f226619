"""The audit log's filter: a date range and an action. The same form serves the youth's log
(``register:youth_log``) and the per-user page, and what is shown is what an export holds."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditAction

DEFAULT_DAYS = 365
EXPORT_FORMATS = ("csv", "xlsx")


class AuditFilterForm(forms.Form):
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
