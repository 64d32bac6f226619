"""The youth's extract (*registerutdrag*, GDPR art. 15): everything the installation holds about one youth.

Register facts (personal data, guardians, enrolments, register periods, the timeline of events, school
reports and early signals), outreach (contact attempts, first meetings, concern reports, replies from
the public page), letters sent, case work (the case and its closings, occupation history, mapping
versions, the action plan and its revisions, measures, evaluations, the whole journal INCLUDING
confidential entries, marked as such, consents), emergency accesses, and who has read or changed the
record and when (the audit log).

One builder (``extract_build``) gives the sections; the API answers them as JSON (``as_json``) and the
youth page offers them as a PDF in plain Swedish (``render_extract_pdf``). Producing the extract is a
coordinator's act (``kaa.accounts.policy.extract_youth_or_404``) and is audited (``extract_produce``).
Every section is one query (set-based, bounded whatever the size of the record).

Case work sits above messaging, outreach, register and audit, so this module may read them all.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaa.accounts.models import EmergencyAccess
from kaa.audit.labels import field_label, object_label
from kaa.audit.models import AuditAction, AuditEntry
from kaa.audit.services import audit_record
from kaa.messaging.models import Letter
from kaa.messaging.services import REPLY_EVENT
from kaa.outreach import replies as replies_module
from kaa.outreach.models import ConcernReport, ContactAttempt, FirstMeeting
from kaa.register.labels import event_detail, event_label, reason_label
from kaa.register.models import EarlySignal, Enrolment, Guardian, RegisterPeriod, SchoolReport, Youth, YouthEvent

from .codes import CodeTable
from .labels import revision_label
from .models import (
    ActionPlan,
    Case,
    Closing,
    CodeKind,
    Consent,
    Evaluation,
    JournalEntry,
    Mapping,
    Measure,
    Occupation,
    PlanRevision,
)

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
FONT_DIR = settings.BASE_DIR / "static" / "fonts"


@dataclass
class Item:
    """One value of a row: its key in the JSON, its label and its words in the PDF."""

    key: str
    label: str
    value: Any
    display: str
    in_pdf: bool = True  # the raw data of an event is for the JSON only: its codes are no plain Swedish


@dataclass
class Row:
    items: list[Item] = field(default_factory=list)
    confidential: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {item.key: item.value for item in self.items}


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row]
    note: str = ""


@dataclass
class Extract:
    youth_id: int
    municipality: str
    produced_at: datetime.datetime
    produced_by: str
    sections: list[Section]

    def as_json(self) -> dict[str, Any]:
        """The extract as JSON: one list of objects per section (the personal data one object)."""
        out: dict[str, Any] = {"youth_id": self.youth_id, "municipality": self.municipality,
                               "produced_at": self.produced_at.isoformat(), "produced_by": self.produced_by}
        for section in self.sections:
            rows = [row.as_dict() for row in section.rows]
            out[section.key] = rows[0] if section.key == "personal_data" else rows
        return out


# --- turning values into JSON and words ------------------------------------------------------------

def _json(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def _words(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_words(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list | tuple):
        return ", ".join(_words(v) for v in value) or "–"
    return str(value)


def _person(user: Any) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username()) if hasattr(user, "get_full_name") else str(user)


def _model_row(obj: models.Model, names: list[str], *, words: dict[str, Any] | None = None,
               extra: list[Item] | None = None, confidential: bool = False) -> Row:
    """A row of the model's fields: the field's own (Swedish) name as the label, a choice's label or a
    person's name as the words; ``words`` overrides the words (a code table's label)."""
    words = words or {}
    items = []
    for name in names:
        model_field = obj._meta.get_field(name)
        label = str(model_field.verbose_name)
        if model_field.is_relation:
            related = getattr(obj, name)
            if related is not None and related._meta.label == settings.AUTH_USER_MODEL:
                value: Any = _person(related)
            else:
                value = str(related) if related is not None else None
            shown = _words(value)
        else:
            value = getattr(obj, name)
            shown = _words(value)
            if getattr(model_field, "choices", None) and value not in (None, ""):
                shown = str(getattr(obj, f"get_{name}_display")())
        if name in words:
            shown = _words(words[name])
        items.append(Item(name, label[:1].upper() + label[1:], _json(value), shown))
    return Row(items + (extra or []), confidential=confidential)


def _item(key: str, label: Any, value: Any, shown: Any = None) -> Item:
    return Item(key, str(label), _json(value), _words(value if shown is None else shown))


# --- the sections ----------------------------------------------------------------------------------

YOUTH_FIELDS = [
    "personnummer", "given_name", "family_name", "birth_date", "is_coordination_number", "municipality",
    "in_population", "municipality_code", "registered_from", "immigration_date", "population_status",
    "population_status_date", "protection", "address", "postal_code", "city", "phone", "email", "coach", "team",
    "in_target_group", "register_reason", "register_since", "register_extended", "created_at", "updated_at",
]
ENROLMENT_FIELDS = [
    "school_type", "programme", "school_year", "school_unit_code", "school_unit_name", "equivalent", "start_date",
    "end_date", "interruption_date", "interruption_reported", "result", "result_date", "cancelled", "source",
    "created_at", "updated_at",
]
SCHOOL_REPORT_FIELDS = [
    "created_at", "school_unit_name", "school_unit_code", "class_name", "leaving_date", "reason", "new_school_name",
    "other_reason", "met_kaa", "met_kaa_date", "not_met_reason", "reported_by", "handled_at", "handled_by",
]
EARLY_SIGNAL_FIELDS = ["created_at", "school_unit_name", "concern", "consent", "consent_by", "contact_phone",
                       "status", "reported_by"]
MAPPING_FIELDS = ["version", "held_on", "place", "participants", "school_worked", "school_not_worked", "interests",
                  "wishes", "strengths", "support_needs", "obstacles", "created_by", "created_at"]
MEASURE_FIELDS = ["code", "other_which", "activity", "goal", "place", "start", "end", "responsible",
                  "responsible_other", "responsible_staff", "follow_up_on", "evaluate_on", "end_reason", "declined",
                  "waiting", "created_by", "created_at"]

SECTION_TITLES: dict[str, Any] = {
    "personal_data": gettext_lazy("Personal data"),
    "guardians": gettext_lazy("Guardians"),
    "enrolments": gettext_lazy("Schooling"),
    "register_periods": gettext_lazy("Periods in the register of the activity responsibility"),
    "events": gettext_lazy("Everything that has happened (the record's timeline)"),
    "school_reports": gettext_lazy("Reports from the school"),
    "early_signals": gettext_lazy("Early signals from the school"),
    "contact_attempts": gettext_lazy("Contact attempts"),
    "first_meetings": gettext_lazy("First meetings"),
    "concern_reports": gettext_lazy("Reports of concern to social services"),
    "replies": gettext_lazy("Your replies through the reply page"),
    "letters": gettext_lazy("Letters sent"),
    "case": gettext_lazy("The case"),
    "closings": gettext_lazy("Closings of the case"),
    "occupations": gettext_lazy("Occupation"),
    "mappings": gettext_lazy("Mappings"),
    "action_plan": gettext_lazy("Action plan"),
    "plan_revisions": gettext_lazy("Changes to the action plan"),
    "measures": gettext_lazy("Measures"),
    "evaluations": gettext_lazy("Evaluations of measures"),
    "journal": gettext_lazy("Journal"),
    "consents": gettext_lazy("Consents"),
    "emergency_accesses": gettext_lazy("Emergency accesses"),
    "audit": gettext_lazy("Who has read or changed the record, and when"),
}
SECTION_NOTES: dict[str, Any] = {
    "journal": gettext_lazy("Entries marked confidential hold information covered by secrecy (health, social "
                            "services). They are part of this extract because you have the right to them."),
    "emergency_accesses": gettext_lazy("A staff member outside your team who opened the record for a few hours, "
                                       "with the reason they gave."),
}


def _youth_rows(youth: Youth) -> list[Row]:
    return [_model_row(youth, YOUTH_FIELDS, words={"register_reason": reason_label(youth.register_reason)})]


def _events(youth: Youth) -> tuple[list[Row], list[Row]]:
    events, replies = [], []
    label_on, label_kind = _("When"), _("What")
    for e in YouthEvent.objects.filter(youth=youth).select_related("actor").order_by("occurred_at", "pk"):
        detail = event_detail(e.kind, e.data or {})
        row = Row([_item("occurred_at", label_on, e.occurred_at),
                   _item("kind", label_kind, e.kind, event_label(e.kind)), _item("detail", _("Details"), detail),
                   _item("by", _("By"), _person(e.actor)),
                   Item("data", _("Recorded data"), e.data or {}, "", in_pdf=False)])
        events.append(row)
        if e.kind == REPLY_EVENT:
            answers = {k: v for k, v in (e.data or {}).items() if k != "code_id"}
            replies.append(Row([_item("occurred_at", label_on, e.occurred_at),
                                _item("answers", _("Your answers"), answers, _reply_words(answers))]))
    return events, replies


def _reply_words(answers: dict[str, Any]) -> str:
    """The answers of the reply page in words: what was asked for, then each answer under its name."""
    choices = {**dict(replies_module.KIND_CHOICES), **dict(replies_module.OCCUPATION_CHOICES)}
    parts = []
    for key, value in answers.items():
        shown = choices.get(value, value) if key in ("kind", "occupation") else value
        name = _("What you asked for") if key == "kind" else field_label("reply", key)
        parts.append(f"{name[:1].upper()}{name[1:]}: {_words(shown)}")
    return "\n".join(parts) or "–"


def _letters(youth: Youth) -> list[Row]:
    rows = []
    qs = (Letter.objects.filter(youth=youth).select_related("template_version__template", "created_by")
          .order_by("created_at", "pk"))
    for letter in qs:
        version = letter.template_version
        rows.append(Row([
            _item("sent_at", _("Date"), letter.created_at),
            _item("template", _("Letter"), version.template.code,
                  f"{version.template.get_code_display()}: {version.title}"),
            _item("title", _("Title"), version.title),
            _item("channel", _("Channel"), "post", _("Post")),
            _item("through_skatteverket", _("Sent through Skatteverket"), letter.protected_address),
            _item("printed_by", _("Printed by"), _person(letter.created_by)),
        ]))
    return rows


# Case work's own object types in the audit log (the audit app's labels name those of the apps below it).
CASE_OBJECT_TYPES: dict[str, Any] = {
    "action_plan": gettext_lazy("action plan"),
    "case": gettext_lazy("case"),
    "consent": gettext_lazy("consent"),
    "evaluation": gettext_lazy("evaluation"),
    "journal_entry": gettext_lazy("journal entry"),
    "mapping": gettext_lazy("mapping"),
    "measure": gettext_lazy("measure"),
    "occupation": gettext_lazy("occupation"),
}


def _object_label(object_type: str) -> str:
    found = CASE_OBJECT_TYPES.get(object_type)
    return str(found) if found is not None else object_label(object_type)


def _audit_rows(youth: Youth) -> list[Row]:
    entries = list(AuditEntry.objects.filter(youth_id=youth.pk).order_by("at", "pk"))
    user_ids = {e.user_id for e in entries if e.user_id}
    names = {u.pk: _person(u) for u in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    actions = dict(AuditAction.choices)
    return [Row([
        _item("at", _("When"), e.at),
        _item("user", _("Who"), names.get(e.user_id) or e.username or "", names.get(e.user_id) or e.username
              or _("The system or the youth")),
        _item("action", _("What was done"), e.action, actions.get(e.action, e.action)),
        _item("object_type", _("What"), e.object_type, _object_label(e.object_type)),
    ]) for e in entries]


def extract_build(*, youth: Youth, user: Any = None) -> Extract:
    """Every record the installation holds about the youth, section by section (one query each)."""
    table = CodeTable.load()

    def code(kind: str, value: str) -> str:
        return table.label(kind, value) if value else ""

    events, replies = _events(youth)
    case = Case.objects.filter(youth=youth).first()
    plan = ActionPlan.objects.filter(youth=youth).select_related("created_by").first()
    measures = list(Measure.objects.filter(youth=youth).select_related("activity", "responsible_staff", "created_by")
                    .order_by("start", "pk"))
    measure_names = {m.pk: code(CodeKind.MEASURE, m.code) + (f": {m.other_which}" if m.other_which else "")
                     for m in measures}
    journal = list(JournalEntry.objects.filter(youth=youth).select_related("author").order_by("occurred_on", "pk"))
    confidential_label = _("Yes, confidential")

    sections: dict[str, list[Row]] = {
        "personal_data": _youth_rows(youth),
        "guardians": [_model_row(g, ["position", "name", "phone"]) for g in Guardian.objects.filter(youth=youth)],
        "enrolments": [_model_row(e, ENROLMENT_FIELDS)
                       for e in Enrolment.objects.filter(youth=youth).order_by("start_date", "pk")],
        "register_periods": [
            _model_row(p, ["in_target_group", "reason", "valid_from", "valid_to", "extended", "recorded_at"],
                       words={"reason": reason_label(p.reason)})
            for p in RegisterPeriod.objects.filter(youth=youth).order_by("valid_from", "pk")],
        "events": events,
        "school_reports": [_model_row(r, SCHOOL_REPORT_FIELDS) for r in SchoolReport.objects.filter(youth=youth)
                           .select_related("reported_by", "handled_by").order_by("created_at", "pk")],
        "early_signals": [_model_row(s, EARLY_SIGNAL_FIELDS) for s in EarlySignal.objects.filter(
            personnummer=youth.personnummer, municipality_id=youth.municipality_id)
            .select_related("reported_by").order_by("created_at", "pk")],
        "contact_attempts": [
            _model_row(a, ["at", "channel", "to_guardian", "outcome", "note", "by"])
            for a in ContactAttempt.objects.filter(youth=youth).select_related("by").order_by("at", "pk")],
        "first_meetings": [
            _model_row(m, ["at", "place", "place_note", "colleague", "booked_by"])
            for m in FirstMeeting.objects.filter(youth=youth).select_related("colleague", "booked_by")
            .order_by("at", "pk")],
        "concern_reports": [
            _model_row(c, ["sent_on", "feedback", "feedback_on", "follow_up_on", "by"])
            for c in ConcernReport.objects.filter(youth=youth).select_related("by").order_by("sent_on", "pk")],
        "replies": replies,
        "letters": _letters(youth),
        "case": [_model_row(case, ["status", "opened_on", "status_since", "recontact_on"])] if case else [],
        "closings": [
            _model_row(c, ["closed_on", "reason", "recontact_on", "from_proposal", "by", "reopened_on", "reopened_by"],
                       words={"reason": code(CodeKind.CLOSING, c.reason)})
            for c in Closing.objects.filter(youth=youth).select_related("by", "reopened_by")
            .order_by("closed_on", "pk")],
        "occupations": [
            _model_row(o, ["start", "code", "source", "recorded_by"], words={"code": code(CodeKind.OCCUPATION, o.code)})
            for o in Occupation.objects.filter(youth=youth).select_related("recorded_by").order_by("start", "pk")],
        "mappings": [_model_row(m, MAPPING_FIELDS) for m in Mapping.objects.filter(youth=youth)
                     .select_related("created_by").order_by("version", "pk")],
        "action_plan": [_model_row(plan, ["goal", "review_on", "revision", "accepted_revision", "accepted_on",
                                          "accepted_how", "created_by", "created_at"])] if plan else [],
        "plan_revisions": [
            _model_row(r, ["number", "change", "goal", "review_on", "by", "at"],
                       words={"change": revision_label(r.change)})
            for r in PlanRevision.objects.filter(plan__youth=youth).select_related("by").order_by("number", "pk")],
        "measures": [
            _model_row(m, MEASURE_FIELDS, words={"code": measure_names[m.pk],
                                                 "end_reason": code(CodeKind.END_REASON, m.end_reason)},
                       extra=[_item("id", _("Number"), m.pk)])
            for m in measures],
        "evaluations": [
            _model_row(e, ["kind", "on", "happened", "how_it_went", "youth_view", "next_step", "by"],
                       extra=[_item("measure", _("Measure"), e.measure_id, measure_names.get(e.measure_id, ""))])
            for e in Evaluation.objects.filter(measure__youth=youth).select_related("by").order_by("on", "pk")],
        "journal": [
            _model_row(j, ["occurred_on", "kind", "text", "confidential", "author", "created_at"],
                       words={"confidential": confidential_label if j.confidential else _("No")},
                       extra=[_item("id", _("Number"), j.pk),
                              _item("corrects", _("Corrects entry number"), j.corrects_id)],
                       confidential=j.confidential)
            for j in journal],
        "consents": [
            _model_row(c, ["partner", "purpose", "valid_from", "valid_until", "given_by", "recorded_by",
                           "withdrawn_on", "withdrawn_by"])
            for c in Consent.objects.filter(youth=youth).select_related("recorded_by", "withdrawn_by")
            .order_by("valid_from", "pk")],
        "emergency_accesses": [
            _model_row(g, ["started_at", "expires_at", "user", "reason"])
            for g in EmergencyAccess.objects.filter(youth_id=youth.pk).select_related("user").order_by("started_at")],
        "audit": _audit_rows(youth),
    }
    return Extract(
        youth_id=youth.pk, municipality=youth.municipality.name, produced_at=timezone.now(),
        produced_by=_person(user) if user is not None else "",
        sections=[Section(key, str(SECTION_TITLES[key]), rows, str(SECTION_NOTES.get(key, "")))
                  for key, rows in sections.items()],
    )


def extract_produce(*, user: Any, youth: Youth, output: str) -> Extract:
    """Build the extract for ``user`` and record it in the audit log (an export of the youth's record).
    The caller has asked ``kaa.accounts.policy.extract_youth_or_404``. Always in Swedish."""
    with translation.override("sv"):
        extract = extract_build(youth=youth, user=user)
    audit_record(user=user, action=AuditAction.EXPORT, object_type="extract", object_id=youth.pk,
                 youth_id=youth.pk, municipality_id=youth.municipality_id, detail=output)
    return extract


def render_extract_pdf(extract: Extract, *, youth: Youth) -> bytes:
    """The extract as a PDF in plain Swedish (WeasyPrint, the project's vendored fonts)."""
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_to_string("casework/pdf/extract.html", {
            "extract": extract, "youth_name": youth.full_name,
            "font_regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
            "font_bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
        })
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
