"""Reads of meetings, always scoped by the access policy (kaa.accounts.policy).

The team's case review reuses the two computations of what is due: the contact chain's
(``deadlines.compute``, read from its memo ``OutreachSnapshot`` through
``kaa.outreach.selectors.memo_summaries``) and the case's (``kaa.casework.selectors.facts_for`` over
``casework.due.due_items``). Nothing here decides what is due; it only picks, from what they say, the
youths worth discussing this week.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from kaa.accounts.models import Membership, Role
from kaa.accounts.policy import (
    CASEWORKER_ROLES,
    meeting_municipality_ids,
    review_team_or_404,
    review_teams,
    review_youths,
    visible_youths,
)
from kaa.casework import due
from kaa.casework.models import Case, CaseStatus, Measure, Partner
from kaa.casework.selectors import DUE_YOUTH_FIELDS, consent_valid, facts_for
from kaa.organisations.models import Team
from kaa.outreach import deadlines
from kaa.outreach.selectors import Summary, chain_specs, memo_summaries, with_memo
from kaa.register.models import Youth, YouthEvent

from . import cycle
from .labels import NEW, OUTREACH_OVERDUE, reason_label
from .models import CaseReview, FollowUp, Meeting, MeetingKind, MeetingYouth, ReviewDecision

REVIEW_WEEK_DAYS = 6  # "this week": the review day and the six days before it
# Due items of the case that are reasons to discuss a youth whether or not they are overdue.
ALWAYS = (due.CLOSING_PROPOSAL, due.NO_CONTACT, due.MEASURE_ENDING, due.TURNING_20)
NEW_EVENT_KINDS = (deadlines.ENTERED, deadlines.ASSIGNED)
# What the review reads of a team's hundreds of youths: the case facts' fields (``DUE_YOUTH_FIELDS``), the
# chain's inputs and the record scope's fields (the memo's), and the names the page shows.
REVIEW_YOUTH_FIELDS = (*DUE_YOUTH_FIELDS, "register_since", "coach_id", "team_id", "protection", "coach__username",
                       "coach__first_name", "coach__last_name")


# --- The team's case review -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    code: str
    due: datetime.date | None = None
    overdue: bool = False
    detail: str = ""  # a step's name or a measure's code

    @property
    def label(self) -> str:
        return reason_label(self.code)


@dataclass
class Proposal:
    youth: Youth
    reasons: list[Reason] = field(default_factory=list)
    decision: ReviewDecision | None = None

    @property
    def codes(self) -> list[str]:
        return sorted({r.code for r in self.reasons})


def teams(*, user: Any) -> QuerySet[Team]:
    """The teams whose case review the user takes part in, with their latest review's date."""
    from django.db.models import Max

    return (
        review_teams(user, Team.objects.select_related("municipality"))
        .annotate(last_review=Max("case_reviews__held_on"))
        .order_by("municipality__name", "name", "pk")
    )


def team_or_404(*, user: Any, pk: Any, review_on: datetime.date | None = None) -> Team:
    """The team, if the user takes part in its review; with ``review_on``, also the id of its review held
    that day, if any (``review_pk``), read in the same query."""
    qs = Team.objects.select_related("municipality")
    if review_on is not None:
        held = CaseReview.objects.filter(team=OuterRef("pk"), held_on=review_on).order_by("pk")
        qs = qs.annotate(review_pk=Subquery(held.values("pk")[:1]))
    return review_team_or_404(user, pk, qs)


def _new_this_week(on: datetime.date) -> Exists:
    """Whether the youth entered the register or was assigned in the review's week, as a column."""
    since = timezone.make_aware(
        datetime.datetime.combine(on - datetime.timedelta(days=REVIEW_WEEK_DAYS), datetime.time.min)
    )
    until = timezone.make_aware(datetime.datetime.combine(on, datetime.time.max))
    return Exists(
        YouthEvent.objects.filter(
            youth_id=OuterRef("pk"), kind__in=NEW_EVENT_KINDS, occurred_at__gte=since, occurred_at__lte=until
        )
    )


def _reasons(
    summary: Summary | None, step_name: str, items: list[due.DueItem], new: bool, on: datetime.date
) -> list[Reason]:
    reasons = [Reason(NEW)] if new else []
    if summary is not None and summary.next_step and summary.next_due is not None and summary.next_due < on:
        reasons.append(Reason(OUTREACH_OVERDUE, summary.next_due, True, step_name))
    for item in items:
        if item.kind in ALWAYS or item.overdue(on):
            reasons.append(Reason(item.kind, item.due, item.overdue(on), item.measure_code))
    return reasons


def review_youth_queryset(user: Any, team: Team) -> QuerySet[Youth]:
    """The team's youths a review looks at: in the register, or with an open or declined case."""
    return (
        review_youths(user, team, Youth.objects.select_related("municipality", "coach"))
        .filter(Q(in_target_group=True) | Q(case__status__in=[CaseStatus.OPEN, CaseStatus.DECLINED]))
        .order_by("family_name", "given_name", "pk")
    )


def review_proposals(
    *,
    user: Any,
    team: Team,
    on: datetime.date | None = None,
    review: CaseReview | None = None,
    youth_id: int | None = None,
    review_id: int | None = None,
) -> list[Proposal]:
    """The youths the team should discuss on ``on``, each with why; those already decided at ``review``
    (or the review ``review_id``) stay on the list with their decision (``youth_id``: only that youth). A
    fixed number of queries whatever the team's size.

    The youths come in one query with their case, plan and contact-chain snapshot (``OutreachSnapshot``):
    the chain's next step and due date are read from the snapshot where it is current (computed by the
    rules, and stored, where it is not), and the case's facts are computed only for the youths whose case
    can have anything due (``due.STATUSES_WITH_ITEMS``)."""
    on = on or timezone.localdate()
    qs = (review_youth_queryset(user, team).select_related("case", "action_plan").only(*REVIEW_YOUTH_FIELDS)
          .annotate(new=_new_this_week(on)))
    if youth_id is not None:
        qs = qs.filter(pk=youth_id)
    specs = chain_specs({team.municipality_id})
    youths = list(with_memo(qs, specs))
    if missing := {y.municipality_id for y in youths} - specs.keys():  # a youth of another municipality
        specs = {**specs, **chain_specs(missing)}
    summaries = memo_summaries([y for y in youths if y.in_target_group], specs)
    step_names = {(mid, step.code): str(step.name) for mid, spec in specs.items() for step in spec.steps}
    with_items = [y for y in youths if (case := getattr(y, "case", None)) is not None
                  and case.status in due.STATUSES_WITH_ITEMS]
    facts = facts_for(with_items, on=on, with_case=True) if with_items else {}
    review_id = review.pk if review is not None else review_id
    decisions = {}
    if review_id is not None:
        decisions = {d.youth_id: d for d in ReviewDecision.objects.filter(review_id=review_id).select_related("entry")}
    out = []
    for youth in youths:
        summary = summaries.get(youth.pk)
        step_name = step_names.get((youth.municipality_id, summary.next_step), "") if summary else ""
        items = due.due_items(facts[youth.pk][0], on) if youth.pk in facts else []
        reasons = _reasons(summary, step_name, items, youth.new, on)
        if reasons or youth.pk in decisions:
            out.append(Proposal(youth, reasons, decisions.get(youth.pk)))
    out.sort(
        key=lambda p: (
            p.decision is not None,
            -sum(r.overdue for r in p.reasons),
            -len(p.reasons),
            p.youth.family_name,
            p.youth.given_name,
            p.youth.pk,
        )
    )
    return out


def review_for(*, team: Team, on: datetime.date) -> CaseReview | None:
    return CaseReview.objects.filter(team=team, held_on=on).first()


def reviews(*, user: Any, team: Team | None = None) -> QuerySet[CaseReview]:
    """Reviews of the teams the user takes part in, newest first, with their number of decisions."""
    qs = CaseReview.objects.filter(team__in=review_teams(user, Team.objects.all()))
    if team is not None:
        qs = qs.filter(team=team)
    return (
        qs.select_related("team", "team__municipality")
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-pk")
    )


def review_or_404(*, user: Any, pk: Any) -> CaseReview:
    try:
        return reviews(user=user).get(pk=int(pk))
    except (CaseReview.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def review_decisions(*, user: Any, review: CaseReview) -> list[ReviewDecision]:
    """The minutes' decisions on the youths the user sees (a youth moved out of the team stays, if seen)."""
    return list(
        ReviewDecision.objects.filter(review=review, youth__in=visible_youths(user))
        .select_related("youth", "entry", "decided_by")
        .order_by("youth__family_name", "youth__given_name", "pk")
    )


def team_staff(*, team: Team) -> QuerySet:
    """Who may be marked present: the team's caseworkers and the municipality's coordinators."""
    from kaa.accounts.models import User

    ids = Membership.objects.filter(
        Q(team=team, role__in=CASEWORKER_ROLES) | Q(municipality_id=team.municipality_id, role=Role.COORDINATOR)
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "username")


# --- Network meetings and the steering group -----------------------------------------------------------


def meetings(*, user: Any, kind: str = "") -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(municipality_id__in=meeting_municipality_ids(user))
    if kind in MeetingKind.values:
        qs = qs.filter(kind=kind)
    return (
        qs.select_related("municipality")
        .annotate(youth_count=Count("youths", distinct=True))
        .order_by("-held_on", "-pk")
    )


def meeting_or_404(*, user: Any, pk: Any) -> Meeting:
    try:
        return (
            Meeting.objects.filter(municipality_id__in=meeting_municipality_ids(user))
            .select_related("municipality")
            .get(pk=int(pk))
        )
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def meeting_youths(*, user: Any, meeting: Meeting) -> list[MeetingYouth]:
    return list(
        MeetingYouth.objects.filter(meeting=meeting, youth__in=visible_youths(user))
        .select_related("youth", "entry")
        .prefetch_related(Prefetch("consents"))
        .order_by("youth__family_name", "youth__given_name", "pk")
    )


def follow_ups(*, meeting: Meeting) -> list[FollowUp]:
    return list(FollowUp.objects.filter(meeting=meeting).order_by("done_on", "due_on", "pk"))


def partner_choices(*, municipality_id: int) -> QuerySet[Partner]:
    return Partner.objects.filter(municipality_id=municipality_id, active=True).order_by("name", "pk")


def next_meeting_on(*, meeting_kind: str, municipality_id: int, today: datetime.date | None = None) -> datetime.date:
    """The next meeting proposed on the cycle (``cycle``): six weeks for the network, spread over the term
    for the steering group."""
    today = today or timezone.localdate()
    held = list(
        Meeting.objects.filter(municipality_id=municipality_id, kind=meeting_kind).values_list("held_on", flat=True)
    )
    if meeting_kind == MeetingKind.STEERING:
        return cycle.next_steering_meeting(held, today)
    return cycle.next_network_meeting(max((d for d in held if d <= today), default=None), today)


def steering_term(*, municipality_id: int, today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    held = list(
        Meeting.objects.filter(municipality_id=municipality_id, kind=MeetingKind.STEERING).values_list(
            "held_on", flat=True
        )
    )
    return cycle.steering_held_this_term(held, today)


@dataclass(frozen=True)
class Candidate:
    youth: Youth
    missing: list[str]  # the partners present without a valid consent naming them


def candidates(*, user: Any, meeting: Meeting, query: str, limit: int = 20) -> list[Candidate]:
    """Youths of the meeting's municipality the user sees whose name matches, each with the partners it
    lacks a valid consent for (they cannot be added until none is missing)."""
    words = query.split()
    if not words:
        return []
    qs = visible_youths(user).filter(municipality_id=meeting.municipality_id)
    for word in words[:3]:
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    youths = list(qs.select_related("municipality").order_by("family_name", "given_name", "pk")[:limit])
    partners = list(meeting.partners.all())
    return [
        Candidate(y, [p.name for p in partners if consent_valid(youth=y, partner=p, on=meeting.held_on) is None])
        for y in youths
    ]


def steering_figures(*, meeting: Meeting, today: datetime.date | None = None) -> dict:
    """Aggregates for the steering group's minutes (no names): the register, open cases, in a measure."""
    day = today or timezone.localdate()
    mid = meeting.municipality_id
    running = Measure.objects.filter(
        youth__municipality_id=mid, declined=False, waiting=False, end_reason="", start__lte=day
    ).filter(Q(end__isnull=True) | Q(end__gte=day))
    return {
        "in_register": Youth.objects.filter(municipality_id=mid, in_target_group=True).count(),
        "open_cases": Case.objects.filter(youth__municipality_id=mid, status=CaseStatus.OPEN).count(),
        "in_measure": running.values("youth_id").distinct().count(),
    }
