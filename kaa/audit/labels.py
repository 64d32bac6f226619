"""Words for what the audit log stores as codes (object types, details, fields, channels).

The log keeps codes and ids, never personal data; the audit pages show these words instead of the
codes. An unknown code (an app added later) is shown with its underscores as spaces.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

OBJECT_TYPES: dict[str, Any] = {
    "youth": _("youth record"),
    "enrolment": _("enrolment"),
    "school_report": _("school report"),
    "early_signal": _("early signal"),
    "contact_attempt": _("contact attempt"),
    "contact_chain": _("contact chain"),
    "chain_step": _("contact-chain step"),
    "outreach_step": _("contact-chain step"),
    "first_meeting": _("first meeting"),
    "concern_report": _("concern report"),
    "outreach_reply": _("reply from the youth"),
    "reply": _("reply from the youth"),
    "letter": _("letter"),
    "postcard": _("postcard"),
    "import_run": _("import"),
    "municipality": _("municipality settings"),
    "team": _("team"),
    "user": _("user account"),
    "membership": _("role"),
    "extract": _("the youth's extract (GDPR)"),
    # Thinning (kaa.retention) names the records it removes by these.
    "guardian": _("guardian"),
    "register_period": _("register period"),
    "youth_event": _("timeline event"),
    "reply_code": _("reply code"),
    "referral": _("referral"),
    "consent": _("consent"),
    "evaluation": _("evaluation"),
    "measure": _("measure"),
    "plan_revision": _("plan revision"),
    "action_plan": _("action plan"),
    "mapping": _("mapping"),
    "journal_entry": _("journal entry"),
    "occupation": _("occupation"),
    "letter_batch": _("letter batch"),
    "fraktsedel": _("hand-over document (fraktsedel)"),
    "transfer": _("transfer between municipalities"),
    "review_decision": _("case review decision"),
    "meeting_youth": _("youth on a meeting's agenda"),
    "retention_rule": _("thinning rule"),
    "retention_run": _("thinning run"),
    "audit_log": _("audit log"),
}
# The model whose field names an entry's ``fields`` are, for their verbose names.
MODELS: dict[str, str] = {
    "youth": "register.Youth",
    "enrolment": "register.Enrolment",
    "school_report": "register.SchoolReport",
    "early_signal": "register.EarlySignal",
    "contact_attempt": "outreach.ContactAttempt",
    "contact_chain": "outreach.ContactChain",
    "chain_step": "outreach.ChainStep",
    "first_meeting": "outreach.FirstMeeting",
    "concern_report": "outreach.ConcernReport",
    "municipality": "organisations.Municipality",
    "team": "organisations.Team",
    "user": "accounts.User",
    "membership": "accounts.Membership",
}
FIELDS: dict[str, Any] = {
    "handled": _("handled"),
    "done": _("done"),
    "password": _("password"),
    "consent": _("consent"),
    "concern": _("concern"),
    "applied": _("change applied"),
    "respondent": _("who answered"),
    "best_time": _("best time to call"),
    "meeting_when": _("when to meet"),
    "meeting_where": _("where to meet"),
    "occupation": _("occupation"),
    "occupation_detail": _("occupation, more"),
    "message": _("message"),
    "phone": _("phone"),
    "email": _("e-mail"),
}
CHANNELS: dict[str, Any] = {
    "ui": _("web"),
    "api": _("API"),
    "task": _("background job"),
    "cli": _("command line"),
}
# The audit app sits below the domain apps (ARCHITECTURE.md: layers) and imports none of them: the
# words for their codes are written here, in the same words as the apps use.
CORRECTIONS: dict[str, Any] = {
    "equivalent_education": _("Degree from abroad or equivalent education completed"),
    "moved_in": _("Moved in, not yet in the population data"),
    "degree_checked": _("Degree checked"),
    "enrolment": _("Enrolment added"),
}
PRESETS: dict[str, Any] = {"almhult": _("Älmhult"), "nykoping": _("Nyköping"), "custom": _("Own chain")}
IMPORT_KINDS: dict[str, Any] = {"population": _("Population extract"), "school": _("School data")}
# The kinds of data of kaa.retention's rules, in its words.
THINNING_KINDS: dict[str, Any] = {
    "contact_details": _("contact details"),
    "register_facts": _("school enrolments and leaving reports"),
    "register_history": _("register history and timeline"),
    "outreach": _("outreach"),
    "letters": _("letters"),
    "casework": _("case work"),
    "import_runs": _("import runs"),
    "letter_batches": _("letter batches"),
    "audit": _("audit log"),
}
_SIMPLE_DETAILS: dict[str, Any] = {
    "register_list": _("the register list"),
    "register_list:csv": _("the register list, exported as CSV"),
    "register_list:xlsx": _("the register list, exported as Excel"),
    "register_export": _("register export"),
    "school_report": _("from a school report"),
    "assigned coach,team": _("coach and team assigned"),
    "outreach": _("outreach data"),
    "activated": _("activated"),
    "deactivated": _("deactivated"),
    "letters_held_back": _("letters held back"),
    "youth_list": _("the list of youths"),
    "worklist": _("the worklist"),
}


def _words(code: str) -> str:
    return code.replace("_", " ").replace(":", " ").strip()


def object_label(object_type: str) -> str:
    return str(OBJECT_TYPES.get(object_type, _words(object_type)))


def channel_label(channel: str) -> str:
    return str(CHANNELS.get(channel, _words(channel)))


def field_label(object_type: str, name: str) -> str:
    model = MODELS.get(object_type)
    if model:
        try:
            return str(apps.get_model(model)._meta.get_field(name).verbose_name)
        except (LookupError, FieldDoesNotExist):
            pass
    return str(FIELDS.get(name, _words(name)))


def fields_label(object_type: str, names: list[str]) -> str:
    return ", ".join(field_label(object_type, name) for name in names or ())


def detail_label(detail: str) -> str:
    """"batch:12" -> "letter batch 12", "correction:moved_in" -> "correction: moved in, ..."."""
    if not detail:
        return ""
    if detail in _SIMPLE_DETAILS:
        return str(_SIMPLE_DETAILS[detail])
    if m := re.fullmatch(r"batch:(\d+)(:download)?", detail):
        text = gettext("letter batch %(n)s") % {"n": m.group(1)}
        return text + (", " + gettext("downloaded") if m.group(2) else "")
    if m := re.fullmatch(r"template_version:(\d+)", detail):
        return gettext("a single letter")
    if m := re.fullmatch(r"correction:(\w+)", detail):
        kind = CORRECTIONS.get(m.group(1), _words(m.group(1)))
        return gettext("manual correction: %(kind)s") % {"kind": str(kind).lower()}
    if m := re.match(r"thinning:(\w+)", detail):
        return gettext("thinned by the municipality's rule (%(kind)s)") % {
            "kind": str(THINNING_KINDS.get(m.group(1), _words(m.group(1))))}
    if m := re.fullmatch(r"preset=(\w+)", detail):
        name = PRESETS.get(m.group(1), _words(m.group(1)))
        return gettext("made from the %(preset)s preset") % {"preset": name}
    if m := re.fullmatch(r"(\w+) created=(\d+) changed=(\d+) removed=(\d+)", detail):
        kind = IMPORT_KINDS.get(m.group(1), _words(m.group(1)))
        return gettext("%(kind)s: %(created)s created, %(changed)s changed, %(removed)s removed") % {
            "kind": kind, "created": m.group(2), "changed": m.group(3), "removed": m.group(4)}
    return _words(detail)
