"""Writes of the outreach app: chains, contact attempts, meetings, refusals, concern reports,
assignment. Each is one transaction, writes the youth's events and is audited."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.models import Membership
from kaa.accounts.policy import CASEWORKER_ROLES
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record, audit_records
from kaa.core.validators import validate_multiline
from kaa.register.models import Youth, YouthEvent

from . import deadlines
from .models import (
    ChainStep,
    Channel,
    ConcernReport,
    ContactAttempt,
    ContactChain,
    FirstMeeting,
    MeetingPlace,
    Outcome,
    OutreachSnapshot,
    Preset,
)
from .presets import PRESETS, chain_name

FUTURE_TOLERANCE = datetime.timedelta(minutes=10)


CREATE, UPDATE, DELETE = AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE


# --- Chains ------------------------------------------------------------------------------------

def snapshots_follow_chain(municipality_id: int) -> None:
    """After the transaction: bring the municipality's outreach snapshots up to date in the background. A
    changed chain makes every snapshot of the municipality not current (its digest differs); the lists would
    compute them all at once otherwise. Correctness never depends on this task: it only does that work early."""
    from .tasks import refresh_municipality_snapshots

    if not OutreachSnapshot.objects.filter(youth__municipality_id=municipality_id).exists():
        return  # nothing computed yet (a new municipality): nothing to bring up to date
    transaction.on_commit(lambda: refresh_municipality_snapshots.enqueue(municipality_id))


@transaction.atomic
def chain_install_preset(*, municipality: Any, preset: str, user: Any = None, activate: bool = True) -> ContactChain:
    """Create the municipality's chain from a shipped preset (almhult, nykoping)."""
    if preset not in PRESETS:
        raise ValidationError({"preset": _("Unknown preset.")})
    spec = PRESETS[preset]
    if activate:
        ContactChain.objects.filter(municipality=municipality, is_active=True).update(is_active=False)
    chain = ContactChain.objects.create(municipality=municipality, name=chain_name(preset, municipality),
                                        preset=preset, is_active=activate)
    ChainStep.objects.bulk_create([
        ChainStep(chain=chain, order=(i + 1) * 10, **{**step, "name": str(step["name"]),
                                                      "instructions": str(step.get("instructions", ""))})
        for i, step in enumerate(spec["steps"])
    ])
    audit_record(user=user, action=CREATE, object_type="contact_chain", object_id=chain.pk,
                 municipality_id=municipality.pk, detail=f"preset={preset}")
    if activate:
        snapshots_follow_chain(municipality.pk)
    return chain


def chain_ensure(*, municipality: Any) -> ContactChain:
    """The municipality's active chain; the default (Älmhult) preset when it has none.

    Part of setting a municipality up: called when a municipality is created (``signals.py``), so
    reading due dates never has to install one.
    """
    chain = ContactChain.objects.filter(municipality=municipality, is_active=True).first()
    return chain or chain_install_preset(municipality=municipality, preset=Preset.ALMHULT)


@transaction.atomic
def chain_activate(*, chain: ContactChain, user: Any) -> ContactChain:
    ContactChain.objects.filter(municipality_id=chain.municipality_id, is_active=True).exclude(
        pk=chain.pk).update(is_active=False)
    chain.is_active = True
    chain.save(update_fields=["is_active", "updated_at"])
    audit_record(user=user, action=UPDATE, object_type="contact_chain", object_id=chain.pk,
                 municipality_id=chain.municipality_id, fields=["is_active"])
    snapshots_follow_chain(chain.municipality_id)
    return chain


@transaction.atomic
def chain_step_save(*, step: ChainStep, user: Any, fields: Sequence[str]) -> ChainStep:
    """Save a step edited by an administrator. Due dates move with it: they are never stored."""
    creating = step.pk is None
    step.full_clean()
    step.save()
    audit_record(user=user, action=CREATE if creating else UPDATE, object_type="chain_step", object_id=step.pk,
                 municipality_id=step.chain.municipality_id, fields=list(fields))
    if step.chain.is_active:
        snapshots_follow_chain(step.chain.municipality_id)
    return step


@transaction.atomic
def chain_step_delete(*, step: ChainStep, user: Any) -> None:
    audit_record(user=user, action=DELETE, object_type="chain_step", object_id=step.pk,
                 municipality_id=step.chain.municipality_id)
    step.delete()
    if step.chain.is_active:
        snapshots_follow_chain(step.chain.municipality_id)


# --- Contacts ----------------------------------------------------------------------------------

def _event(youth: Youth, kind: str, user: Any, at: datetime.datetime, data: dict) -> YouthEvent:
    actor = user if getattr(user, "is_authenticated", False) else None
    return YouthEvent.objects.create(youth=youth, kind=kind, occurred_at=at, actor=actor, data=data)


def _validate_contact(channel: str, outcome: str, at: Any) -> None:
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = _("Choose a valid channel.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose a valid outcome.")
    if not isinstance(at, datetime.datetime) or timezone.is_naive(at):
        errors["at"] = _("Give the time with its time zone.")
    elif at > timezone.now() + FUTURE_TOLERANCE:
        errors["at"] = _("The time of a contact attempt cannot be in the future.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_record(*, youth: Youth, user: Any, channel: str, at: datetime.datetime, outcome: str,
                   to_guardian: bool = False, note: str = "", source: str = "ui") -> ContactAttempt:
    """Record one contact attempt (*kontaktförsök*) and its event ``outreach.contact``."""
    _validate_contact(channel, outcome, at)
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("The note can be at most 500 characters.")})
    try:
        validate_multiline(note)  # the form checks it too; the API comes here directly
    except ValidationError as exc:
        raise ValidationError({"note": exc.messages}) from exc
    by = user if getattr(user, "is_authenticated", False) else None
    attempt = ContactAttempt.objects.create(youth=youth, channel=channel, at=at, by=by, to_guardian=to_guardian,
                                            outcome=outcome, note=note, source=source)
    # The note stays on the attempt: events carry codes, not free text.
    _event(youth, deadlines.CONTACT, user, at, {
        "attempt_id": attempt.pk, "channel": channel, "outcome": outcome, "to_guardian": bool(to_guardian),
        "source": source})
    audit_record(user=user, action=CREATE, object_type="contact_attempt", object_id=attempt.pk, youth_id=youth.pk,
                 municipality_id=youth.municipality_id,
                 fields=["channel", "at", "outcome", "to_guardian"] + (["note"] if note else []))
    return attempt


@transaction.atomic
def refusal_record(*, youth: Youth, user: Any, at: datetime.datetime, channel: str = Channel.PHONE,
                   to_guardian: bool = False, note: str = "") -> ContactAttempt:
    """The youth declines support: recorded as a contact; re-contact falls due after some months."""
    return contact_record(youth=youth, user=user, channel=channel, at=at, outcome=Outcome.DECLINED,
                          to_guardian=to_guardian, note=note)


@transaction.atomic
def first_meeting_book(*, youth: Youth, user: Any, at: datetime.datetime, place: str, place_note: str = "",
                       colleague: Any = None) -> FirstMeeting:
    """Book the first meeting; a colleague must come along to a meeting in the youth's home."""
    errors = {}
    if place not in MeetingPlace.values:
        errors["place"] = _("Choose where the meeting takes place.")
    if place == MeetingPlace.HOME and colleague is None:
        errors["colleague"] = _("A colleague must come along to a meeting in the youth's home.")
    if colleague is not None and colleague == user:
        errors["colleague"] = _("The colleague must be someone else than you.")
    if not isinstance(at, datetime.datetime) or timezone.is_naive(at):
        errors["at"] = _("Give the date and time of the meeting.")
    if errors:
        raise ValidationError(errors)
    meeting = FirstMeeting.objects.create(youth=youth, at=at, place=place, place_note=place_note.strip(),
                                          colleague=colleague, booked_by=user)
    # The event is dated when it was booked: booking is what ends the outreach phase.
    _event(youth, deadlines.MEETING, user, timezone.now(), {
        "meeting_id": meeting.pk, "place": place, "date": timezone.localtime(at).date().isoformat()})
    audit_record(user=user, action=CREATE, object_type="first_meeting", object_id=meeting.pk, youth_id=youth.pk,
                 municipality_id=youth.municipality_id,
                 fields=["at", "place"] + (["place_note"] if place_note else []) + (["colleague"] if colleague else []))
    return meeting


@transaction.atomic
def concern_report_record(*, youth: Youth, user: Any, sent_on: datetime.date, follow_up_on: datetime.date | None = None,
                          feedback: str = "", feedback_on: datetime.date | None = None) -> ConcernReport:
    """A concern report (*orosanmälan*) sent to social services; counts as the chain's step."""
    if follow_up_on and follow_up_on < sent_on:
        raise ValidationError({"follow_up_on": _("The follow-up date cannot be before the report was sent.")})
    report = ConcernReport.objects.create(youth=youth, sent_on=sent_on, follow_up_on=follow_up_on,
                                          feedback=feedback.strip(), feedback_on=feedback_on, by=user)
    at = timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(12, 0)))
    contact_record(youth=youth, user=user, channel=Channel.CONCERN_REPORT, at=min(at, timezone.now()),
                   outcome=Outcome.SENT)
    audit_record(user=user, action=CREATE, object_type="concern_report", object_id=report.pk, youth_id=youth.pk,
                 municipality_id=youth.municipality_id, fields=["sent_on", "follow_up_on"])
    return report


@transaction.atomic
def concern_report_feedback(*, report: ConcernReport, user: Any, feedback: str, feedback_on: datetime.date,
                            follow_up_on: datetime.date | None = None) -> ConcernReport:
    report.feedback, report.feedback_on, report.follow_up_on = feedback.strip(), feedback_on, follow_up_on
    report.save(update_fields=["feedback", "feedback_on", "follow_up_on", "updated_at"])
    _event(report.youth, "outreach.concern_feedback", user, timezone.now(), {"report_id": report.pk})
    audit_record(user=user, action=UPDATE, object_type="concern_report", object_id=report.pk,
                 youth_id=report.youth_id, municipality_id=report.youth.municipality_id,
                 fields=["feedback", "feedback_on", "follow_up_on"])
    return report


@transaction.atomic
def step_mark_done(*, youth: Youth, user: Any, step_code: str) -> YouthEvent:
    """Mark a step done by hand (a network check, extending the outreach phase)."""
    event = _event(youth, deadlines.STEP_DONE, user, timezone.now(), {"step": step_code})
    audit_record(user=user, action=UPDATE, object_type="outreach_step", object_id=step_code, youth_id=youth.pk,
                 municipality_id=youth.municipality_id, fields=["done"])
    return event


@transaction.atomic
def reply_mark_handled(*, youth: Youth, user: Any, until: datetime.datetime | None = None) -> YouthEvent:
    """Mark the youth's waiting replies handled: those received up to ``until`` (the newest reply the
    user saw), so a reply that arrives meanwhile keeps waiting."""
    data = {"until": until.isoformat()} if until is not None and timezone.is_aware(until) else {}
    event = _event(youth, deadlines.REPLY_HANDLED, user, timezone.now(), data)
    audit_record(user=user, action=UPDATE, object_type="outreach_reply", object_id=youth.pk, youth_id=youth.pk,
                 municipality_id=youth.municipality_id, fields=["handled"])
    return event


PHONE_UPDATED = "outreach.phone_updated"
PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-]+$")


def clean_phone(value: str) -> str:
    """A phone number as typed (digits, spaces, dashes, brackets, a leading +), or ValidationError."""
    phone = " ".join((value or "").split())
    digits = sum(ch.isdigit() for ch in phone)
    if not phone or len(phone) > 40 or not PHONE_CHARS.match(phone) or not 6 <= digits <= 15:
        raise ValidationError({"phone": _("Give a phone number of 6 to 15 digits.")})
    return phone


@transaction.atomic
def youth_phone_update(*, youth: Youth, user: Any, phone: str, source: str = "reply") -> YouthEvent | None:
    """Replace the youth's phone number (e.g. with the one in the youth's reply). The event and the
    audit entry name the field and where the number came from, never the number itself."""
    phone = clean_phone(phone)
    if phone == youth.phone:
        return None
    youth.phone = phone
    youth.save(update_fields=["phone", "updated_at"])
    event = _event(youth, PHONE_UPDATED, user, timezone.now(), {"field": "phone", "source": source})
    audit_record(user=user, action=UPDATE, object_type="youth", object_id=youth.pk, youth_id=youth.pk,
                 municipality_id=youth.municipality_id, fields=["phone"], detail=f"source={source}")
    return event


# --- Assignment --------------------------------------------------------------------------------

def coach_team(coach: Any, municipality_id: int) -> Any:
    membership = Membership.objects.filter(user=coach, municipality_id=municipality_id,
                                           role__in=CASEWORKER_ROLES).select_related("team").first()
    return membership.team if membership else None


@transaction.atomic
def youths_assign(*, youths: Sequence[Youth], coach: Any, user: Any) -> int:
    """Assign youths to a coach (and the coach's team), one or many at once."""
    youths = list(youths)
    if not youths:
        return 0
    memberships = {m.municipality_id: m for m in Membership.objects.filter(
        user=coach, role__in=CASEWORKER_ROLES, municipality_id__in={y.municipality_id for y in youths})}
    missing = [y for y in youths if y.municipality_id not in memberships]
    if missing:
        raise ValidationError({"coach": _("The coach does not work in the youth's municipality.")})
    now = timezone.now()
    actor = user if getattr(user, "is_authenticated", False) else None
    for youth in youths:
        youth.coach = coach
        youth.team_id = memberships[youth.municipality_id].team_id
    Youth.objects.bulk_update(youths, ["coach", "team"])
    YouthEvent.objects.bulk_create([
        YouthEvent(youth=y, kind=deadlines.ASSIGNED, occurred_at=now, actor=actor,
                   data={"coach_id": coach.pk, "team_id": y.team_id}) for y in youths])
    audit_records(user=user, action=UPDATE, object_type="youth", youths=[(y.pk, y.municipality_id) for y in youths],
                  detail="assigned coach,team")
    return len(youths)
