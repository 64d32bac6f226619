"""Writes of case work. Each is one transaction, asks the access policy, appends the youth's
events (ids and codes, never free text) and writes the audit log (field names, never values)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.policy import (
    case_may_contribute,
    case_may_correct_journal,
    case_may_edit_measure,
    case_may_refer,
    case_may_write,
    partner_municipality_ids,
)
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record, audit_youth_view
from kaa.core.logging import PERSONNUMMER_PATTERN
from kaa.register.models import Youth, YouthEvent

from .codes import DECLINED_CLOSING, OTHER_MEASURE, CodeTable
from .models import (
    MAPPING_FIELDS,
    ActionPlan,
    Activity,
    Case,
    CaseStatus,
    Closing,
    CodeKind,
    Consent,
    Evaluation,
    EvaluationKind,
    GivenBy,
    Happened,
    JournalEntry,
    JournalKind,
    Mapping,
    Measure,
    Occupation,
    Partner,
    PartnerKind,
    PlanAcceptance,
    PlanRevision,
    Referral,
    ReferralStatus,
    Responsible,
    Source,
)

CREATE, UPDATE = AuditAction.CREATE, AuditAction.UPDATE

# Event kinds (``casework.*``) on the youth's timeline.
EV_OCCUPATION = "casework.occupation"
EV_MAPPING = "casework.mapping"
EV_PLAN_CREATED, EV_PLAN_REVISED = "casework.plan_created", "casework.plan_revised"
EV_EVALUATION = "casework.evaluation"
EV_JOURNAL = "casework.journal"
EV_CONSENT, EV_CONSENT_WITHDRAWN = "casework.consent", "casework.consent_withdrawn"
EV_REFERRAL, EV_REFERRAL_ANSWERED = "casework.referral", "casework.referral_answered"
EV_CLOSED, EV_REOPENED, EV_DECLINED = "casework.closed", "casework.reopened", "casework.declined"
EV_NEXT_STEP = "casework.next_step"  # a next step with a date agreed at a meeting (due.open_next_step)

PLAN_REVIEW_MONTHS = 3
TEXT_LIMIT = 10000


def has_personnummer(text: str) -> bool:
    """Whether the text holds something written like a personnummer (journal text must not)."""
    return bool(PERSONNUMMER_PATTERN.search(text or ""))


# --- helpers ---------------------------------------------------------------------------------------

def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _event(youth: Youth, kind: str, user: Any, data: dict, at: datetime.datetime | None = None) -> YouthEvent:
    return YouthEvent.objects.create(youth=youth, kind=kind, occurred_at=at or timezone.now(), actor=_actor(user),
                                     data=data)


def _audit(user: Any, action: str, object_type: str, obj: Any, youth: Youth, fields: Iterable[str] = (),
           detail: str = "") -> None:
    audit_record(user=user, action=action, object_type=object_type, object_id=getattr(obj, "pk", obj),
                 youth_id=youth.pk, municipality_id=youth.municipality_id, fields=list(fields), detail=detail)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _day_at(day: datetime.date) -> datetime.datetime:
    """An event for a past day is dated at noon that day (never in the future)."""
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    return min(at, timezone.now())


def _check_code(table: CodeTable, kind: str, code: str, field: str, on: datetime.date, errors: dict) -> None:
    if not table.valid(kind, code, on):
        errors[field] = _("Choose a valid code from the list.")


def _clean_text(value: str | None, field: str, errors: dict, limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    return text


def case_ensure(*, youth: Youth, on: datetime.date | None = None) -> Case:
    """The youth's case, opened by the first act of case work."""
    day = min(on or timezone.localdate(), timezone.localdate())
    case, _created = Case.objects.get_or_create(youth=youth, defaults={"opened_on": day, "status_since": day})
    return case


# --- Occupation ----------------------------------------------------------------------------------------

@transaction.atomic
def occupation_record(*, youth: Youth, user: Any, code: str, start: datetime.date | None = None,
                      source: str = Source.UI, table: CodeTable | None = None) -> Occupation:
    """Record what the youth does from ``start`` (today by default). A second entry for the same day
    corrects that day's entry."""
    _require(case_may_write(user, youth))
    table = table or CodeTable.load()
    start = start or timezone.localdate()
    errors: dict = {}
    _check_code(table, CodeKind.OCCUPATION, code, "code", start, errors)
    if start > timezone.localdate():
        errors["from"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    case_ensure(youth=youth, on=start)
    existing = Occupation.objects.select_for_update().filter(youth=youth, start=start).first()
    if existing is not None:
        existing.code, existing.recorded_by, existing.source = code, _actor(user), source
        existing.save(update_fields=["code", "recorded_by", "source", "updated_at"])
        occupation, action = existing, UPDATE
    else:
        occupation, action = Occupation.objects.create(youth=youth, code=code, start=start, source=source,
                                                       recorded_by=_actor(user)), CREATE
    _event(youth, EV_OCCUPATION, user, {"occupation_id": occupation.pk, "code": code, "from": start.isoformat(),
                                        "corrected": action == UPDATE}, at=_day_at(start))
    _audit(user, action, "occupation", occupation, youth, ["code", "start"])
    return occupation


# --- Mapping -------------------------------------------------------------------------------------------

@transaction.atomic
def mapping_save(*, youth: Youth, user: Any, held_on: datetime.date, **fields: str) -> Mapping:
    """A new version of the mapping conversation; the previous versions stay as they were."""
    _require(case_may_write(user, youth))
    unknown = set(fields) - set(MAPPING_FIELDS)
    if unknown:
        raise TypeError(f"unknown mapping fields: {sorted(unknown)}")
    errors: dict = {}
    values = {name: _clean_text(fields.get(name, ""), name, errors) for name in MAPPING_FIELDS}
    for name in ("place", "participants"):
        if len(values[name]) > Mapping._meta.get_field(name).max_length:
            errors[name] = _("At most %(n)d characters.") % {"n": Mapping._meta.get_field(name).max_length}
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date cannot be in the future.")
    previous = Mapping.objects.filter(youth=youth).order_by("-version").first()
    changed = [name for name in MAPPING_FIELDS if values[name] != (getattr(previous, name) if previous else "")]
    if previous is not None and not changed and previous.held_on == held_on:
        errors["__all__"] = _("Nothing has changed since the last version.")
    if not previous and not any(values.values()):
        errors["__all__"] = _("Write down at least something the youth told you.")
    if errors:
        raise ValidationError(errors)
    case_ensure(youth=youth, on=held_on)
    mapping = Mapping.objects.create(youth=youth, version=(previous.version + 1) if previous else 1,
                                     held_on=held_on, created_by=_actor(user), **values)
    _event(youth, EV_MAPPING, user, {"mapping_id": mapping.pk, "version": mapping.version, "changed": changed},
           at=_day_at(held_on))
    _audit(user, CREATE, "mapping", mapping, youth, [*changed, "held_on"])
    return mapping


# --- The action plan -------------------------------------------------------------------------------

def _plan_for(youth: Youth, user: Any) -> tuple[ActionPlan, bool]:
    plan = ActionPlan.objects.select_for_update().filter(youth=youth).first()
    if plan is not None:
        return plan, False
    today = timezone.localdate()
    from kaa.outreach.deadlines import add_months

    plan = ActionPlan.objects.create(youth=youth, created_by=_actor(user), revision=0,
                                     review_on=add_months(today, PLAN_REVIEW_MONTHS))
    return plan, True


def _revise(plan: ActionPlan, youth: Youth, user: Any, change: str, created: bool,
            measure_id: int | None = None) -> PlanRevision:
    """Keep the plan as it now is as a new revision, and say so on the timeline."""
    plan.revision += 1
    plan.save(update_fields=["revision", "updated_at"])
    snapshot = [m.snapshot() for m in Measure.objects.filter(plan=plan).order_by("start", "pk")]
    revision = PlanRevision.objects.create(plan=plan, number=plan.revision, change=change, goal=plan.goal,
                                           review_on=plan.review_on, measures=snapshot, by=_actor(user))
    data = {"plan_id": plan.pk, "revision": plan.revision, "change": change}
    if measure_id is not None:
        data["measure_id"] = measure_id
    _event(youth, EV_PLAN_CREATED if created else EV_PLAN_REVISED, user, data)
    return revision


@transaction.atomic
def plan_save(*, youth: Youth, user: Any, goal: str, review_on: datetime.date | None = None) -> ActionPlan:
    """Write or revise the youth's goal and the date the plan is next reviewed."""
    _require(case_may_write(user, youth))
    errors: dict = {}
    goal = _clean_text(goal, "goal", errors)
    if review_on is not None and review_on < timezone.localdate() - datetime.timedelta(days=1):
        errors["review_on"] = _("The review date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    case_ensure(youth=youth)
    plan, created = _plan_for(youth, user)
    fields = [name for name, value in (("goal", goal), ("review_on", review_on)) if getattr(plan, name) != value
              and not (name == "review_on" and value is None)]
    if not fields and not created:
        return plan
    plan.goal = goal
    if review_on is not None:
        plan.review_on = review_on
    plan.save(update_fields=["goal", "review_on", "updated_at"])
    _revise(plan, youth, user, "created" if created else "goal", created)
    _audit(user, CREATE if created else UPDATE, "action_plan", plan, youth, fields or ["goal"])
    return plan


@transaction.atomic
def plan_accept(*, youth: Youth, user: Any, how: str = PlanAcceptance.SCREEN,
                on: datetime.date | None = None) -> ActionPlan:
    """The youth accepted the plan as it now is, on screen in a meeting or signed on paper."""
    _require(case_may_write(user, youth))
    if how not in PlanAcceptance.values:
        raise ValidationError({"how": _("Choose how the youth accepted the plan.")})
    plan = ActionPlan.objects.select_for_update().filter(youth=youth).first()
    if plan is None:
        raise ValidationError({"__all__": _("There is no plan to accept yet.")})
    plan.accepted_revision, plan.accepted_on, plan.accepted_how = plan.revision, on or timezone.localdate(), how
    plan.save(update_fields=["accepted_revision", "accepted_on", "accepted_how", "updated_at"])
    _event(youth, EV_PLAN_REVISED, user, {"plan_id": plan.pk, "revision": plan.revision, "change": "accepted",
                                          "how": how})
    _audit(user, UPDATE, "action_plan", plan, youth, ["accepted_on", "accepted_how"])
    return plan


@transaction.atomic
def plan_reviewed(*, youth: Youth, user: Any, next_review_on: datetime.date) -> ActionPlan:
    """The plan was reviewed with the youth; the next review is set."""
    _require(case_may_write(user, youth))
    if next_review_on <= timezone.localdate():
        raise ValidationError({"review_on": _("The next review must be a later date.")})
    plan = ActionPlan.objects.select_for_update().filter(youth=youth).first()
    if plan is None:
        raise ValidationError({"__all__": _("There is no plan to review yet.")})
    plan.review_on = next_review_on
    plan.save(update_fields=["review_on", "updated_at"])
    _revise(plan, youth, user, "reviewed", False)
    _audit(user, UPDATE, "action_plan", plan, youth, ["review_on"])
    return plan


# --- Measures ---------------------------------------------------------------------------------------

def activity_places_taken(activity: Activity, on: datetime.date | None = None) -> int:
    day = on or timezone.localdate()
    running = activity.measures.filter(declined=False, waiting=False, end_reason="").exclude(end__lt=day).count()
    return running + activity.places_taken_other


def activity_is_full(activity: Activity, on: datetime.date | None = None) -> bool:
    return activity.capacity is not None and activity_places_taken(activity, on) >= activity.capacity


def _validate_measure(table: CodeTable, values: dict, errors: dict) -> None:
    start, end = values.get("start"), values.get("end")
    code = values.get("code", "")
    if not isinstance(start, datetime.date):
        errors["start"] = _("Give the start date.")
        start = timezone.localdate()
    if not table.valid(CodeKind.MEASURE, code, start) and not (
            values.get("_keep_code") and table.get(CodeKind.MEASURE, code)):
        errors["code"] = _("Choose a valid code from the list.")
    if code == OTHER_MEASURE and not (values.get("other_which") or "").strip():
        errors["other_which"] = _("Say which measure: “other” tells the statistics nothing.")
    if end is not None and isinstance(start, datetime.date) and end < start:
        errors["end"] = _("The end date cannot be before the start date.")
    responsible = values.get("responsible")
    if responsible not in Responsible.values:
        errors["responsible"] = _("Choose who is responsible.")
    elif responsible == Responsible.OTHER and not (values.get("responsible_other") or "").strip():
        errors["responsible_other"] = _("Name the other actor who is responsible.")
    end_reason = values.get("end_reason") or ""
    if end_reason and not table.get(CodeKind.END_REASON, end_reason):
        errors["end_reason"] = _("Choose a valid code from the list.")
    for name in ("follow_up_on", "evaluate_on"):
        day = values.get(name)
        if day is not None and isinstance(start, datetime.date) and day < start:
            errors[name] = _("The date cannot be before the start date.")
    for name, limit in (("place", 200), ("responsible_other", 200), ("other_which", 200)):
        if len(values.get(name) or "") > limit:
            errors[name] = _("At most %(n)d characters.") % {"n": limit}
    if len(values.get("goal") or "") > TEXT_LIMIT:
        errors["goal"] = _("At most %(n)d characters.") % {"n": TEXT_LIMIT}


@transaction.atomic
def measure_add(*, youth: Youth, user: Any, code: str = "", start: datetime.date, end: datetime.date | None = None,
                declined: bool = False, responsible: str = Responsible.MUNICIPALITY, responsible_other: str = "",
                responsible_staff: Any = None, goal: str = "", place: str = "", activity: Activity | None = None,
                follow_up_on: datetime.date | None = None, evaluate_on: datetime.date | None = None,
                other_which: str = "", table: CodeTable | None = None) -> Measure:
    """Add a measure to the youth's plan (the plan is created or revised). From the bank, the
    activity's measure code, place and provider fill what is left empty; a full activity gives a
    place on its waiting list. ``declined``: offered on ``start`` and turned down."""
    if responsible_staff is None and not case_may_write(user, youth):
        responsible_staff = _actor(user)  # a study counsellor or teacher adds measures they are responsible for
    _require(case_may_edit_measure(user, youth, getattr(responsible_staff, "pk", None)))
    table = table or CodeTable.load()
    errors: dict = {}
    if activity is not None:
        if activity.municipality_id != youth.municipality_id or not activity.active:
            errors["activity"] = _("Choose an active activity of the youth's municipality.")
        code = code or activity.measure_code
        place = place or activity.title
        if responsible == Responsible.OTHER and not responsible_other:
            responsible_other = activity.provider
    values = {"code": code, "start": start, "end": end, "responsible": responsible,
              "responsible_other": responsible_other.strip(), "goal": goal.strip(), "place": place.strip(),
              "follow_up_on": follow_up_on, "evaluate_on": evaluate_on, "other_which": other_which.strip()}
    _validate_measure(table, values, errors)
    if errors:
        raise ValidationError(errors)
    case_ensure(youth=youth, on=start)
    plan, created = _plan_for(youth, user)
    if created:
        _revise(plan, youth, user, "created", True)
    waiting = False
    if activity is not None and not declined:
        Activity.objects.select_for_update().filter(pk=activity.pk).first()  # one waiting-list decision at a time
        waiting = activity_is_full(activity, start)
    measure = Measure.objects.create(plan=plan, youth=youth, declined=declined, waiting=waiting, activity=activity,
                                     responsible_staff=responsible_staff, created_by=_actor(user), **values)
    _revise(plan, youth, user, "measure_declined" if declined else "measure_added", False, measure.pk)
    _audit(user, CREATE, "measure", measure, youth,
           [name for name, value in values.items() if value not in ("", None)] + ["declined"]
           + (["activity"] if activity else []) + (["waiting"] if waiting else []))
    return measure


MEASURE_EDITABLE = ("code", "other_which", "goal", "place", "start", "end", "responsible", "responsible_other",
                    "follow_up_on", "evaluate_on", "end_reason", "declined")


@transaction.atomic
def measure_update(*, measure: Measure, user: Any, table: CodeTable | None = None, **changes: Any) -> Measure:
    """Change a measure (end it with a reason, move its dates …); the plan is revised."""
    youth = measure.youth
    _require(case_may_edit_measure(user, youth, measure.responsible_staff_id))
    unknown = set(changes) - set(MEASURE_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    table = table or CodeTable.load()
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    changed = [name for name, value in changes.items() if getattr(measure, name) != value]
    if not changed:
        return measure
    values = {name: getattr(measure, name) for name in MEASURE_EDITABLE}
    values.update(changes)
    if values.get("end_reason") and values.get("end") is None:
        values["end"] = max(timezone.localdate(), values["start"])
        changed.append("end")
    values["_keep_code"] = "code" not in changes  # a code no longer valid stays on an old measure
    errors: dict = {}
    _validate_measure(table, values, errors)
    if errors:
        raise ValidationError(errors)
    for name in changed:
        setattr(measure, name, values[name])
    measure.save(update_fields=[*changed, "updated_at"])
    change = "measure_ended" if "end_reason" in changed and measure.end_reason else "measure_changed"
    _revise(measure.plan, youth, user, change, False, measure.pk)
    _audit(user, UPDATE, "measure", measure, youth, changed)
    return measure


@transaction.atomic
def measure_give_place(*, measure: Measure, user: Any) -> Measure:
    """A place on the activity freed up: the measure leaves the waiting list."""
    _require(case_may_write(user, measure.youth))
    if not measure.waiting:
        return measure
    if measure.activity is not None and activity_is_full(measure.activity):
        raise ValidationError({"__all__": _("The activity is still full.")})
    measure.waiting = False
    measure.save(update_fields=["waiting", "updated_at"])
    _revise(measure.plan, measure.youth, user, "measure_changed", False, measure.pk)
    _audit(user, UPDATE, "measure", measure, measure.youth, ["waiting"])
    return measure


@transaction.atomic
def measure_evaluate(*, measure: Measure, user: Any, kind: str = "", on: datetime.date | None = None,
                     happened: str = "", how_it_went: str = "", youth_view: str = "",
                     next_step: str = "") -> Evaluation:
    """A follow-up or an evaluation of a measure, during or after it (the youth's own view too)."""
    youth = measure.youth
    _require(case_may_edit_measure(user, youth, measure.responsible_staff_id))
    today = timezone.localdate()
    on = on or today
    kind = kind or (EvaluationKind.AFTER if measure.has_ended(on) else EvaluationKind.DURING)
    errors: dict = {}
    if kind not in EvaluationKind.values:
        errors["kind"] = _("Choose a follow-up or an evaluation.")
    if happened and happened not in Happened.values:
        errors["happened"] = _("Choose whether it happened.")
    if on > today:
        errors["on"] = _("The date cannot be in the future.")
    if measure.declined:
        errors["__all__"] = _("A declined measure is not evaluated.")
    texts = {name: _clean_text(value, name, errors) for name, value in (
        ("how_it_went", how_it_went), ("youth_view", youth_view), ("next_step", next_step))}
    if not (happened or any(texts.values())):
        errors.setdefault("how_it_went", _("Write how it went, or say whether it happened."))
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation.objects.create(measure=measure, kind=kind, on=on, happened=happened, by=_actor(user),
                                           **texts)
    _event(youth, EV_EVALUATION, user, {"measure_id": measure.pk, "evaluation_id": evaluation.pk, "kind": kind,
                                        "date": on.isoformat()}, at=_day_at(on))
    _audit(user, CREATE, "evaluation", evaluation, youth,
           ["kind", "on"] + [name for name, value in texts.items() if value] + (["happened"] if happened else []))
    return evaluation


# --- The activity bank -----------------------------------------------------------------------------

ACTIVITY_FIELDS = ("title", "description", "measure_code", "provider", "contact", "capacity", "places_taken_other",
                   "active", "next_start")


@transaction.atomic
def activity_save(*, activity: Activity, user: Any, fields: Iterable[str] = ACTIVITY_FIELDS,
                  table: CodeTable | None = None) -> Activity:
    """Create or change an activity of the bank (the coordinator's). ``activity`` holds the new values."""
    from kaa.accounts.policy import activity_bank_municipality_ids

    _require(activity.municipality_id in activity_bank_municipality_ids(user))
    table = table or CodeTable.load()
    errors: dict = {}
    if not (activity.title or "").strip():
        errors["title"] = _("Give the activity a title.")
    if not table.get(CodeKind.MEASURE, activity.measure_code):
        errors["measure_code"] = _("Choose a valid code from the list.")
    if errors:
        raise ValidationError(errors)
    creating = activity.pk is None
    activity.full_clean()
    activity.save()
    audit_record(user=user, action=CREATE if creating else UPDATE, object_type="activity", object_id=activity.pk,
                 municipality_id=activity.municipality_id, fields=sorted(fields))
    return activity


# --- Journal ---------------------------------------------------------------------------------------

@transaction.atomic
def journal_add(*, youth: Youth, user: Any, text: str, kind: str = JournalKind.NOTE,
                occurred_on: datetime.date | None = None, confidential: bool = False,
                corrects: JournalEntry | None = None, allow_personnummer: bool = False) -> JournalEntry:
    """A journal entry. Append-only: a correction is a new entry pointing at the corrected one, which
    stays readable. A text written like a personnummer is refused unless the writer confirms it."""
    if corrects is not None:
        _require(case_may_correct_journal(user, youth, corrects.author_id))
    else:
        _require(case_may_contribute(user, youth))
    errors: dict = {}
    text = _clean_text(text, "text", errors)
    occurred_on = occurred_on or timezone.localdate()
    if not text:
        errors["text"] = _("Write the entry.")
    elif has_personnummer(text) and not allow_personnummer:
        errors["text"] = _("The text looks like it holds a personal identity number. Personal identity "
                           "numbers do not belong in the journal: remove it, or confirm that it is not one.")
    if kind not in JournalKind.values:
        errors["kind"] = _("Choose a kind of entry.")
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date cannot be in the future.")
    if corrects is not None and corrects.youth_id != youth.pk:
        errors["corrects"] = _("The corrected entry belongs to another youth.")
    if errors:
        raise ValidationError(errors)
    case_ensure(youth=youth, on=occurred_on)
    # A correction of a confidential entry is confidential too.
    confidential = bool(confidential or (corrects is not None and corrects.confidential))
    entry = JournalEntry.objects.create(youth=youth, kind=kind, occurred_on=occurred_on, text=text,
                                        confidential=confidential, corrects=corrects, author=_actor(user))
    data = {"entry_id": entry.pk, "kind": kind}
    if corrects is not None:
        data["corrects"] = corrects.pk
    _event(youth, EV_JOURNAL, user, data, at=_day_at(occurred_on))
    _audit(user, CREATE, "journal_entry", entry, youth, ["kind", "occurred_on", "text"]
           + (["confidential"] if confidential else []) + (["corrects"] if corrects else []))
    return entry


@transaction.atomic
def next_step_plan(*, youth: Youth, user: Any, due_on: datetime.date, entry: JournalEntry) -> YouthEvent:
    """A next step with a date, agreed at a meeting and written in the journal entry ``entry``: a due
    item on the worklist until someone writes in the journal or reaches the youth (``due.open_next_step``)."""
    _require(case_may_contribute(user, youth))
    if entry.youth_id != youth.pk:
        raise ValidationError({"entry": _("The journal entry belongs to another youth.")})
    if due_on < timezone.localdate():
        raise ValidationError({"next_step_on": _("The date cannot be in the past.")})
    event = _event(youth, EV_NEXT_STEP, user, {"due": due_on.isoformat(), "entry_id": entry.pk})
    _audit(user, CREATE, "next_step", entry, youth, ["next_step_on"])
    return event


# --- Consent ---------------------------------------------------------------------------------------

@transaction.atomic
def consent_record(*, youth: Youth, user: Any, partner: str = "", purpose: str, valid_from: datetime.date,
                   valid_until: datetime.date | None = None, given_by: str = GivenBy.YOUTH,
                   partner_org: Partner | None = None) -> Consent:
    """Consent to share information with a named partner (or municipality) for a purpose.

    ``partner_org`` is a partner picked from the municipality's list; the consent then names it (its
    name is kept as consented to), and referrals to that partner rely on it."""
    _require(case_may_write(user, youth))
    errors: dict = {}
    partner, purpose = (partner or "").strip(), (purpose or "").strip()
    if partner_org is not None:
        if partner_org.municipality_id != youth.municipality_id:
            errors["partner_org"] = _("Choose a partner of the youth's municipality.")
        partner = partner_org.name  # the consent names the partner of the list, as it is called today
    if not partner:
        errors["partner"] = _("Choose a partner from the list or name the partner.")
    elif len(partner) > 200:
        errors["partner"] = _("At most %(n)d characters.") % {"n": 200}
    if not purpose:
        errors["purpose"] = _("Say what the information is shared for.")
    elif len(purpose) > 300:
        errors["purpose"] = _("At most %(n)d characters.") % {"n": 300}
    if given_by not in GivenBy.values:
        errors["given_by"] = _("Choose who gave the consent.")
    elif given_by == GivenBy.GUARDIAN and youth.age_on(valid_from) >= 18:
        errors["given_by"] = _("A youth of 18 or older gives consent themself.")
    if valid_until is not None and valid_until < valid_from:
        errors["until"] = _("The end date cannot be before the start date.")
    if errors:
        raise ValidationError(errors)
    case_ensure(youth=youth, on=valid_from)
    consent = Consent.objects.create(youth=youth, partner=partner, partner_org=partner_org, purpose=purpose,
                                     valid_from=valid_from, valid_until=valid_until, given_by=given_by,
                                     recorded_by=_actor(user))
    data = {"consent_id": consent.pk, "given_by": given_by}
    if partner_org is not None:
        data["partner_id"] = partner_org.pk
    _event(youth, EV_CONSENT, user, data)
    _audit(user, CREATE, "consent", consent, youth, ["partner", "purpose", "valid_from", "given_by"]
           + (["partner_org"] if partner_org else []) + (["valid_until"] if valid_until else []))
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, user: Any, on: datetime.date | None = None) -> Consent:
    """The consent is withdrawn (from ``on``, today by default): nothing more is shared."""
    youth = consent.youth
    _require(case_may_write(user, youth))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        return consent
    consent.withdrawn_on, consent.withdrawn_by = on or timezone.localdate(), _actor(user)
    consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    _event(youth, EV_CONSENT_WITHDRAWN, user, {"consent_id": consent.pk})
    _audit(user, UPDATE, "consent", consent, youth, ["withdrawn_on"])
    return consent


# --- Partners and referrals -----------------------------------------------------------------------

# A new municipality starts with the partners every municipality has (the coordinator adds contacts,
# renames them after the local unit, or turns them off). Names are Swedish proper names, not UI text.
DEFAULT_PARTNERS = [
    ("Arbetsförmedlingen", PartnerKind.EMPLOYMENT_SERVICE),
    ("Socialtjänsten", PartnerKind.SOCIAL_SERVICES),
    ("Försäkringskassan", PartnerKind.SOCIAL_INSURANCE),
    ("Vårdcentralen", PartnerKind.HEALTH_CARE),
    ("Ungdomsmottagningen", PartnerKind.HEALTH_CARE),
    ("Folkhögskolan", PartnerKind.FOLK_HIGH_SCHOOL),
    ("Arbetsmarknadsenheten", PartnerKind.LABOUR_MARKET),
    ("Komvux", PartnerKind.ADULT_EDUCATION),
]
PARTNER_FIELDS = ("name", "kind", "contact", "active")


def partners_seed(*, municipality: Any) -> list[Partner]:
    """The default partners for a municipality that has none yet (idempotent)."""
    if Partner.objects.filter(municipality=municipality).exists():
        return []
    return Partner.objects.bulk_create([Partner(municipality=municipality, name=name, kind=kind)
                                        for name, kind in DEFAULT_PARTNERS])


@transaction.atomic
def partner_save(*, partner: Partner, user: Any, fields: Iterable[str] = PARTNER_FIELDS) -> Partner:
    """Create or change a partner (the coordinator's). ``partner`` holds the new values."""
    _require(partner.municipality_id in partner_municipality_ids(user))
    partner.name = (partner.name or "").strip()
    errors: dict = {}
    if not partner.name:
        errors["name"] = _("Give the partner a name.")
    elif Partner.objects.filter(municipality_id=partner.municipality_id, name__iexact=partner.name).exclude(
            pk=partner.pk).exists():
        errors["name"] = _("The municipality already has a partner named “%(name)s”.") % {"name": partner.name}
    if partner.kind not in PartnerKind.values:
        errors["kind"] = _("Choose a kind of partner.")
    if errors:
        raise ValidationError(errors)
    creating = partner.pk is None
    partner.full_clean()
    partner.save()
    audit_record(user=user, action=CREATE if creating else UPDATE, object_type="partner", object_id=partner.pk,
                 municipality_id=partner.municipality_id, fields=sorted(fields))
    return partner


@transaction.atomic
def referral_add(*, youth: Youth, user: Any, partner: Partner, purpose: str,
                 referred_on: datetime.date | None = None) -> Referral:
    """Refer the youth to a partner (*remiss*). Refused without a consent, valid on the day of the
    referral, to share information with that partner; the case stays with the coach."""
    from .selectors import consent_valid

    _require(case_may_refer(user, youth))
    errors: dict = {}
    purpose = _clean_text(purpose, "purpose", errors, limit=300)
    referred_on = referred_on or timezone.localdate()
    if not purpose:
        errors["purpose"] = _("Say what the referral is for.")
    if referred_on > timezone.localdate():
        errors["referred_on"] = _("The date cannot be in the future.")
    if partner.municipality_id != youth.municipality_id:
        errors["partner"] = _("Choose a partner of the youth's municipality.")
    elif not partner.active:
        errors["partner"] = _("The partner %(partner)s is no longer active.") % {"partner": partner.name}
    consent = None
    if "partner" not in errors and "referred_on" not in errors:
        consent = consent_valid(youth=youth, partner=partner, on=referred_on)
        if consent is None:
            errors["partner"] = _(
                "There is no valid consent to share information with %(partner)s on %(date)s. Record the "
                "youth's consent to share information with %(partner)s first, then make the referral."
            ) % {"partner": partner.name, "date": referred_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    case_ensure(youth=youth, on=referred_on)
    referral = Referral.objects.create(youth=youth, partner=partner, purpose=purpose, referred_on=referred_on,
                                       consent=consent, created_by=_actor(user))
    _event(youth, EV_REFERRAL, user, {"referral_id": referral.pk, "partner_id": partner.pk,
                                      "consent_id": consent.pk}, at=_day_at(referred_on))
    _audit(user, CREATE, "referral", referral, youth, ["partner", "purpose", "referred_on", "consent"])
    return referral


@transaction.atomic
def referral_answer(*, referral: Referral, user: Any, status: str, answered_on: datetime.date | None = None,
                    note: str = "") -> Referral:
    """Record the partner's answer: accepted, declined or done, with the date and a note."""
    youth = referral.youth
    _require(case_may_refer(user, youth))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    errors: dict = {}
    note = _clean_text(note, "answer_note", errors, limit=2000)
    answered_on = answered_on or timezone.localdate()
    if status not in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.DONE):
        errors["status"] = _("Choose the answer: accepted, declined or done.")
    if answered_on > timezone.localdate():
        errors["answered_on"] = _("The date cannot be in the future.")
    elif answered_on < referral.referred_on:
        errors["answered_on"] = _("The answer cannot be dated before the referral (%(date)s).") % {
            "date": referral.referred_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    referral.status, referral.answered_on, referral.answer_note = status, answered_on, note
    referral.answered_by = _actor(user)
    referral.save(update_fields=["status", "answered_on", "answer_note", "answered_by", "updated_at"])
    _event(youth, EV_REFERRAL_ANSWERED, user, {"referral_id": referral.pk, "status": status},
           at=_day_at(answered_on))
    _audit(user, UPDATE, "referral", referral, youth, ["status", "answered_on"] + (["answer_note"] if note else []))
    return referral


# --- Closing and reopening ---------------------------------------------------------------------------

@transaction.atomic
def case_close(*, youth: Youth, user: Any, reason: str, on: datetime.date | None = None,
               recontact_on: datetime.date | None = None, from_proposal: bool = False,
               register_reason: str = "", table: CodeTable | None = None) -> Case:
    """Close the case (*utskrivning*) with a reason code. A youth who declined and is still in the
    target group is not closed: the case stays open with the re-contact date (DOMAIN.md §4)."""
    _require(case_may_write(user, youth))
    table = table or CodeTable.load()
    today = timezone.localdate()
    on = on or today
    errors: dict = {}
    _check_code(table, CodeKind.CLOSING, reason, "reason", on, errors)
    if on > today:
        errors["on"] = _("The date cannot be in the future.")
    declined = reason == DECLINED_CLOSING and youth.in_target_group
    if declined:
        if recontact_on is None:
            from kaa.outreach.deadlines import add_months

            recontact_on = add_months(on, youth.municipality.recontact_months)
        if recontact_on <= on:
            errors["recontact_on"] = _("The re-contact date must come after the refusal.")
    if errors:
        raise ValidationError(errors)
    case = case_ensure(youth=youth, on=on)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"__all__": _("The case is already closed.")})
    if declined:
        case.status, case.status_since, case.recontact_on = CaseStatus.DECLINED, on, recontact_on
        case.status_changed_at = timezone.now()
        case.save(update_fields=["status", "status_since", "recontact_on", "status_changed_at", "updated_at"])
        _event(youth, EV_DECLINED, user, {"recontact_on": recontact_on.isoformat()}, at=_day_at(on))
        _audit(user, UPDATE, "case", case, youth, ["status", "recontact_on"], detail="declined")
        return case
    closing = Closing.objects.create(youth=youth, reason=reason, closed_on=on, by=_actor(user),
                                     from_proposal=from_proposal, register_reason=register_reason)
    case.status, case.status_since, case.recontact_on = CaseStatus.CLOSED, on, None
    case.status_changed_at = timezone.now()
    case.save(update_fields=["status", "status_since", "recontact_on", "status_changed_at", "updated_at"])
    _event(youth, EV_CLOSED, user, {"closing_id": closing.pk, "reason": reason, "date": on.isoformat(),
                                    "from_proposal": from_proposal}, at=_day_at(on))
    _audit(user, UPDATE, "case", case, youth, ["status", "reason", "closed_on"], detail=f"closed:{reason}")
    return case


@transaction.atomic
def case_reopen(*, youth: Youth, user: Any, on: datetime.date | None = None) -> Case:
    """Reopen a closed case (or take up a declined one again); recorded with date and who."""
    _require(case_may_write(user, youth))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    case = Case.objects.select_for_update().filter(youth=youth).first()
    if case is None or case.status == CaseStatus.OPEN:
        raise ValidationError({"__all__": _("The case is open already.")})
    if case.status == CaseStatus.CLOSED:
        closing = Closing.objects.filter(youth=youth, reopened_on__isnull=True).order_by("-closed_on", "-pk").first()
        if closing is not None:
            closing.reopened_on, closing.reopened_by, closing.reopened_at = on, _actor(user), timezone.now()
            closing.save(update_fields=["reopened_on", "reopened_by", "reopened_at"])
    case.status, case.status_since, case.recontact_on = CaseStatus.OPEN, on, None
    case.status_changed_at = timezone.now()
    case.save(update_fields=["status", "status_since", "recontact_on", "status_changed_at", "updated_at"])
    _event(youth, EV_REOPENED, user, {"date": on.isoformat()})
    _audit(user, UPDATE, "case", case, youth, ["status"], detail="reopened")
    return case


def plan_pdf_audit(*, youth: Youth, user: Any) -> None:
    """The plan printed as a PDF: a read of the youth's record (one entry, like every page about a youth)."""
    audit_youth_view(user=user, youth=youth, detail="plan_pdf")

