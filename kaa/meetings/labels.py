"""Words for the reasons a youth is proposed at the team's case review (codes are never shown)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaa.casework.labels import due_label

NEW, OUTREACH_OVERDUE = "new", "outreach_overdue"

REASON_LABELS: dict[str, Any] = {
    NEW: _("New this week"),
    OUTREACH_OVERDUE: _("A contact step is overdue"),
}


def reason_label(code: str) -> str:
    """The reason's words: this app's own, or the case work's due item of that kind."""
    if code in REASON_LABELS:
        return str(REASON_LABELS[code])
    return due_label(code)
