"""Words for case work's codes that are not in the code table: due items, revisions, journal templates."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from . import due

DUE_LABELS: dict[str, Any] = {
    due.CLOSING_PROPOSAL: _("The register says the youth has left: confirm the closing"),
    due.RECONTACT: _("Contact again after the refusal"),
    due.PLAN_REVIEW: _("Review the action plan"),
    due.FOLLOW_UP: _("Follow up the measure"),
    due.EVALUATION: _("Evaluate the measure"),
    due.EVALUATION_AFTER: _("Evaluate the measure that has ended"),
    due.MEASURE_ENDING: _("The measure ends this week"),
    due.TURNING_20: _("Turns 20 soon"),
    due.NO_CONTACT: _("No contact for 30 days"),
    due.NEXT_STEP: _("Next step agreed at a meeting"),
}

REVISION_LABELS: dict[str, Any] = {
    "created": _("Plan created"),
    "goal": _("Goal changed"),
    "reviewed": _("Plan reviewed"),
    "measure_added": _("Measure added"),
    "measure_declined": _("Measure offered and declined"),
    "measure_changed": _("Measure changed"),
    "measure_ended": _("Measure ended"),
    "accepted": _("Accepted by the youth"),
}

# Templates for common entries: headings the writer fills in (DOMAIN.md §5: every contact and meeting).
JOURNAL_TEMPLATES: dict[str, Any] = {
    "meeting": _("Where:\nWho took part:\nWhat we talked about:\nWhat we agreed:\nNext step:"),
    "phone": _("Who called whom:\nWhat it was about:\nWhat we agreed:\nNext step:"),
    "network": _("Partner and contact person:\nWhat it was about (with the youth's consent):\nWhat we agreed:\n"
                 "Next step:"),
}


def due_label(kind: str) -> str:
    return str(DUE_LABELS.get(kind, kind))


def revision_label(change: str) -> str:
    return str(REVISION_LABELS.get(change, change))
