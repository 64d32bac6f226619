"""Words for the pre-submission check's problems (the codes stay in code, the text goes to people)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from . import scb

PROBLEM_LABELS: dict[str, Any] = {
    scb.NO_REASON: _("No valid reason for registration"),
    scb.CODE_NOT_VALID: _("A code that is not valid in the half-year"),
    scb.OTHER_WITHOUT_WHICH: _("A measure coded “other measure” without saying which"),
    scb.END_BEFORE_START: _("A measure that ends before it starts"),
    scb.NO_OCCUPATION_AT_CONTACT: _("Contact made, but no occupation recorded on that day"),
    scb.NEVER_CONTACTED: _("In the register, never contacted and no contact attempt in 30 days"),
}
SEVERITY_LABELS: dict[str, Any] = {scb.ERROR: _("Error"), scb.WARNING: _("Warning")}


def problem_label(kind: str) -> str:
    return str(PROBLEM_LABELS.get(kind, kind))


def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(severity, severity))
