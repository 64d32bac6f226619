"""Writes of meetings. Each is one transaction, asks the access policy, appends the youth's events
(ids only) and writes the audit log (field names, never values). A decision on a youth is written
in the youth's journal through case work's own service, and a next step with a date through
``casework.services.next_step_plan`` (a due item on the coach's worklist)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kaa.accounts.policy import case_may_contribute, meeting_municipality_ids, review_teams, review_youths
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework import services as casework
from kaa.casework.models import JournalKind, Partner
from kaa.casework.selectors import consent_valid
from kaa.organisations.models import Team
from kaa.register.models import Youth, YouthEvent

from .models import CaseReview, FollowUp, Meeting, MeetingYouth, ReviewDecision

EV_DECISION = "meetings.review_decision"
EV_DISCUSSED, EV_MEETING_DECISION = "meetings.discussed", "meetings.meeting_decision"
DECISION_LIMIT = 2000
MEETING_FIELDS = ("kind", "held_on", "place", "attendees", "agenda", "minutes")


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _event(youth: Youth, kind: str, user: Any, data: dict) -> YouthEvent:
    return YouthEvent.objects.create(youth=youth, kind=kind, occurred_at=timezone.now(), actor=_actor(user), data=data)


def _audit(
    user: Any,
    action: str,
    object_type: str,
    obj: Any,
    municipality_id: int | None,
    youth: Youth | None = None,
    fields: Iterable[str] = (),
) -> None:
    audit_record(
        user=user,
        action=action,
        object_type=object_type,
        object_id=obj.pk,
        youth_id=youth.pk if youth else None,
        municipality_id=municipality_id,
        fields=list(fields),
    )


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "Y-m-d")


# --- The team's case review ---------------------------------------------------------------------------


@transaction.atomic
def review_open(*, team: Team, user: Any, on: datetime.date | None = None) -> CaseReview:
    """The team's review on ``on`` (today): opened once, then the same one all day."""
    _require(review_teams(user, Team.objects.filter(pk=team.pk)).exists())
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    review, created = CaseReview.objects.get_or_create(team=team, held_on=on, defaults={"created_by": _actor(user)})
    if created:
        _audit(user, AuditAction.CREATE, "case_review", review, team.municipality_id, fields=["held_on"])
    return review


@transaction.atomic
def review_present_set(*, review: CaseReview, user: Any, present: Sequence[Any], others: str = "") -> CaseReview:
    """Who took part: staff of the team (and coordinators), and others by name."""
    _require(review_teams(user, Team.objects.filter(pk=review.team_id)).exists())
    review.present_others = (others or "").strip()[:300]
    review.save(update_fields=["present_others"])
    review.present.set(present)
    _audit(
        user,
        AuditAction.UPDATE,
        "case_review",
        review,
        review.team.municipality_id,
        fields=["present", "present_others"],
    )
    return review


def _decision_text(review: CaseReview, text: str, next_step: str, next_step_on: datetime.date | None) -> str:
    lines = [_("Case review of %(team)s on %(date)s:") % {"team": review.team.name, "date": _day(review.held_on)}, text]
    if next_step or next_step_on:
        step = next_step or _("Follow up")
        lines.append(
            _("Next step: %(step)s") % {"step": step}
            + (" " + _("(by %(date)s)") % {"date": _day(next_step_on)} if next_step_on else "")
        )
    return "\n".join(lines)


@transaction.atomic
def review_decide(
    *,
    review: CaseReview,
    youth: Youth,
    user: Any,
    text: str,
    next_step: str = "",
    next_step_on: datetime.date | None = None,
    reasons: Sequence[str] = (),
) -> ReviewDecision:
    """The team's short decision on a youth: a journal entry, and with a date a next step on the
    worklist (``casework.services.next_step_plan``). One decision per youth and review."""
    _require(review_teams(user, Team.objects.filter(pk=review.team_id)).exists())
    _require(review_youths(user, review.team).filter(pk=youth.pk).exists() and case_may_contribute(user, youth))
    errors: dict = {}
    text, next_step = (text or "").strip(), (next_step or "").strip()
    if not text:
        errors["text"] = _("Write the decision.")
    elif len(text) > DECISION_LIMIT:
        errors["text"] = _("At most %(n)d characters.") % {"n": DECISION_LIMIT}
    if next_step and next_step_on is None:
        errors["next_step_on"] = _("Give the date the next step is due.")
    if next_step_on is not None and next_step_on < timezone.localdate():
        errors["next_step_on"] = _("The date cannot be in the past.")
    if ReviewDecision.objects.filter(review=review, youth=youth).exists():
        errors["text"] = _("The team has already recorded a decision on this youth at this review.")
    if errors:
        raise ValidationError(errors)
    entry = casework.journal_add(
        youth=youth,
        user=user,
        kind=JournalKind.NOTE,
        occurred_on=review.held_on,
        text=_decision_text(review, text, next_step, next_step_on),
    )
    if next_step_on is not None:
        casework.next_step_plan(youth=youth, user=user, due_on=next_step_on, entry=entry)
    try:
        with transaction.atomic():
            decision = ReviewDecision.objects.create(
                review=review,
                youth=youth,
                entry=entry,
                next_step_on=next_step_on,
                reasons=sorted(set(reasons)),
                decided_by=_actor(user),
            )
    except IntegrityError as exc:  # two people saving at once: the first decision stands
        raise ValidationError(
            {"text": _("The team has already recorded a decision on this youth at this review.")}
        ) from exc
    _event(youth, EV_DECISION, user, {"review_id": review.pk, "decision_id": decision.pk, "entry_id": entry.pk})
    _audit(
        user,
        AuditAction.CREATE,
        "review_decision",
        decision,
        youth.municipality_id,
        youth,
        ["text", "reasons"] + (["next_step_on"] if next_step_on else []),
    )
    return decision


# --- Network meetings and the steering group ---------------------------------------------------------------


def _may_keep(user: Any, municipality_id: int) -> bool:
    return municipality_id in meeting_municipality_ids(user)


def _missing_consent(youth: Youth, partners: Iterable[Partner], on: datetime.date) -> list[str]:
    return [p.name for p in partners if consent_valid(youth=youth, partner=p, on=on) is None]


@transaction.atomic
def meeting_save(
    *, meeting: Meeting, user: Any, partners: Sequence[Partner], fields: Iterable[str] = MEETING_FIELDS
) -> Meeting:
    """Create or change a meeting. Every youth already on it must have a valid consent naming every
    partner taking part on its date: a partner (or a date) the consents do not cover is refused."""
    _require(_may_keep(user, meeting.municipality_id))
    errors: dict = {}
    if any(p.municipality_id != meeting.municipality_id for p in partners):
        errors["partners"] = _("Choose partners of the meeting's municipality.")
    if meeting.pk:
        for item in MeetingYouth.objects.filter(meeting=meeting).select_related("youth"):
            missing = _missing_consent(item.youth, partners, meeting.held_on)
            if missing:
                errors["partners"] = _(
                    "A youth on the agenda has no valid consent to share with: %(names)s. "
                    "Remove the partner, or change the date."
                ) % {"names": ", ".join(missing)}
                break
    if errors:
        raise ValidationError(errors)
    created = meeting.pk is None
    if created:
        meeting.created_by = _actor(user)
    meeting.save()
    meeting.partners.set(partners)
    _audit(
        user,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        "meeting",
        meeting,
        meeting.municipality_id,
        fields=sorted(set(fields) | {"partners"}),
    )
    return meeting


@transaction.atomic
def meeting_youth_add(*, meeting: Meeting, youth: Youth, user: Any) -> MeetingYouth:
    """Put a youth on the meeting's agenda: only with a valid consent (on the meeting's date) naming each
    partner taking part; the consents relied on are kept with it."""
    _require(_may_keep(user, meeting.municipality_id) and case_may_contribute(user, youth))
    partners = list(meeting.partners.all())
    if youth.municipality_id != meeting.municipality_id:
        raise ValidationError({"youth": _("The youth belongs to another municipality.")})
    if not partners:
        raise ValidationError({"youth": _("Choose the partners taking part before adding youths.")})
    consents, missing = [], []
    for partner in partners:
        consent = consent_valid(youth=youth, partner=partner, on=meeting.held_on)
        if consent is None:
            missing.append(partner.name)
        else:
            consents.append(consent)
    if missing:
        raise ValidationError(
            {
                "youth": _(
                    "%(name)s has no valid consent to share information with: %(names)s. "
                    "The youth cannot be discussed at this meeting."
                )
                % {"name": youth.full_name, "names": ", ".join(missing)}
            }
        )
    item, created = MeetingYouth.objects.get_or_create(
        meeting=meeting, youth=youth, defaults={"added_by": _actor(user)}
    )
    if not created:
        raise ValidationError({"youth": _("The youth is already on this meeting's agenda.")})
    item.consents.set(consents)
    _event(youth, EV_DISCUSSED, user, {"meeting_id": meeting.pk, "consent_ids": [c.pk for c in consents]})
    _audit(user, AuditAction.CREATE, "meeting_youth", item, meeting.municipality_id, youth, ["consents"])
    return item


@transaction.atomic
def meeting_youth_decide(*, item: MeetingYouth, user: Any, text: str) -> MeetingYouth:
    """What the meeting decided about the youth: a network entry in the youth's journal."""
    meeting = item.meeting
    _require(_may_keep(user, meeting.municipality_id))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the decision.")})
    if len(text) > DECISION_LIMIT:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": DECISION_LIMIT}})
    if meeting.held_on > timezone.localdate():
        raise ValidationError({"text": _("Record the decision on or after the meeting's day.")})
    if item.entry_id is not None:
        raise ValidationError({"text": _("The decision is already recorded; write a correction in the journal.")})
    heading = _("%(meeting)s on %(date)s:") % {"meeting": meeting.get_kind_display(), "date": _day(meeting.held_on)}
    entry = casework.journal_add(
        youth=item.youth, user=user, kind=JournalKind.NETWORK, occurred_on=meeting.held_on, text=f"{heading}\n{text}"
    )
    item.entry = entry
    item.save(update_fields=["entry"])
    _event(item.youth, EV_MEETING_DECISION, user, {"meeting_id": meeting.pk, "entry_id": entry.pk})
    _audit(user, AuditAction.UPDATE, "meeting_youth", item, meeting.municipality_id, item.youth, ["decision"])
    return item


@transaction.atomic
def follow_up_add(*, meeting: Meeting, user: Any, text: str, responsible: str, due_on: datetime.date) -> FollowUp:
    _require(_may_keep(user, meeting.municipality_id))
    errors: dict = {}
    text, responsible = (text or "").strip(), (responsible or "").strip()
    if not text:
        errors["text"] = _("Write what is to be done.")
    if not responsible:
        errors["responsible"] = _("Name who is responsible.")
    if errors:
        raise ValidationError(errors)
    follow_up = FollowUp.objects.create(
        meeting=meeting, text=text[:300], responsible=responsible[:200], due_on=due_on, created_by=_actor(user)
    )
    _audit(
        user,
        AuditAction.CREATE,
        "meeting_follow_up",
        follow_up,
        meeting.municipality_id,
        fields=["text", "responsible", "due_on"],
    )
    return follow_up


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, user: Any, on: datetime.date | None = None) -> FollowUp:
    _require(_may_keep(user, follow_up.meeting.municipality_id))
    follow_up.done_on = on or timezone.localdate()
    follow_up.save(update_fields=["done_on"])
    _audit(
        user, AuditAction.UPDATE, "meeting_follow_up", follow_up, follow_up.meeting.municipality_id, fields=["done_on"]
    )
    return follow_up
