"""Words for the codes the youth page shows: event kinds, correction kinds, register reasons."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from .rules import REASON_LABELS, Decision, explain

EVENT_LABELS: dict[str, Any] = {
    "register.entered": _("Entered the register"),
    "register.left": _("Left the register"),
    "register.correction": _("Manual correction"),
    "register.school_report": _("Leaving report from the school"),
    "register.moved": _("Moved to another municipality"),
    "imports.population": _("Population data changed"),
    "imports.school": _("School data changed"),
    "imports.protection": _("Protection marking changed by an import"),
    "outreach.contact": _("Contact attempt"),
    "outreach.reply": _("Reply from the youth"),
    "outreach.reply_handled": _("Reply handled"),
    "outreach.phone_updated": _("Phone number updated"),
    "outreach.assigned": _("Coach assigned"),
    "outreach.first_meeting": _("First meeting"),
    "outreach.meeting_booked": _("First meeting booked"),
    "outreach.step_done": _("Contact-chain step done"),
    "outreach.concern_feedback": _("Feedback on a concern report"),
    "outreach.declined": _("Declined support"),
    "messaging.letter": _("Letter sent"),
    "messaging.postcard": _("Postcard sent"),
    "messaging.sms": _("SMS sent"),
    "messaging.email": _("E-mail sent"),
    "casework.mapping": _("Mapping"),
    "casework.plan_created": _("Action plan created"),
    "casework.plan_revised": _("Action plan revised"),
    "casework.occupation": _("Occupation recorded"),
    "casework.journal": _("Journal entry"),
    "casework.evaluation": _("Measure evaluated"),
    "casework.consent": _("Consent recorded"),
    "casework.consent_withdrawn": _("Consent withdrawn"),
    "casework.referral": _("Referred to a partner"),
    "casework.referral_answered": _("A partner answered a referral"),
    "casework.closed": _("Case closed"),
    "casework.reopened": _("Case reopened"),
    "casework.declined": _("Declined support, re-contact planned"),
    "casework.next_step": _("Next step agreed at a meeting"),
    "meetings.review_decision": _("Decision at the team's case review"),
    "meetings.discussed": _("Discussed at a network meeting, with consent"),
    "meetings.meeting_decision": _("Decision at a network meeting"),
}

CORRECTION_LABELS: dict[str, Any] = {
    "equivalent_education": _("Degree from abroad or equivalent education completed"),
    "moved_in": _("Moved in, not yet in the population data"),
    "degree_checked": _("Degree checked"),
    "enrolment": _("Enrolment added"),
}

APPLIED_LABELS: dict[str, Any] = {
    "interruption": _("The enrolment was marked as interrupted"),
    "new_enrolment": _("An interrupted enrolment was recorded"),
    "none": _("Change of school: the register facts were not changed"),
}


def reason_label(code: str) -> str:
    if not code:
        return ""
    return str(REASON_LABELS.get(code, code))


def explain_status(youth: Any) -> str:
    """A sentence answering "why is this youth in (or out of) the register?"."""
    if not youth.register_reason:
        return str(_("The register has not evaluated this youth yet."))
    if youth.register_since is None:  # a reason set by hand without a date: say what we know
        return reason_label(youth.register_reason)
    return str(explain(Decision(in_target_group=youth.in_target_group, reason=youth.register_reason,
                                since=youth.register_since, extended=youth.register_extended)))


def event_label(kind: str) -> str:
    label = EVENT_LABELS.get(kind)
    if label is not None:
        return str(label)
    app = kind.split(".", 1)[0] if kind else ""
    return str(_("Event (%(app)s)") % {"app": app or "–"})


def event_detail(kind: str, data: dict) -> str:
    """A short readable detail line. Never shows free text but the correction's own reason."""
    data = data or {}
    if kind in ("register.entered", "register.left"):
        return reason_label(str(data.get("reason", "")))
    if kind == "register.correction":
        label = CORRECTION_LABELS.get(str(data.get("kind", "")), data.get("kind", ""))
        return f"{label}: {data.get('reason', '')}".strip(": ")
    if kind == "register.moved":
        return f"{data.get('from', '')} → {data.get('to', '')}"
    if kind == "imports.protection":
        from .models import Protection

        levels = dict(Protection.choices)
        return f"{levels.get(data.get('from', ''), '')} → {levels.get(data.get('to', ''), '')}"
    if kind == "register.school_report":
        from .models import LeavingReason

        reason = dict(LeavingReason.choices).get(data.get("reason"), "")
        applied = APPLIED_LABELS.get(str(data.get("applied", "")), "")
        return " – ".join(str(p) for p in (reason, applied) if p)
    return ""


def parse_day(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None
