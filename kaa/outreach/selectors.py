"""Reads of the outreach app, always scoped by the user's access (kaa.accounts.policy).

Lists compute every youth's state in a fixed number of queries: the youths (one query), their
events (one query) and the chains with their steps (two), whatever their number (``states_for``);
the due dates themselves are computed by the pure ``deadlines.compute`` from what is loaded here.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from kaa.accounts.models import Membership, Role, User
from kaa.accounts.policy import CASEWORKER_ROLES, Perm, municipality_ids_with, visible_youths
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.organisations.models import Municipality
from kaa.register.models import Youth, YouthEvent

from . import deadlines, replies
from .models import ConcernReport, ContactAttempt, ContactChain, FirstMeeting, OutreachSnapshot, Preset
from .presets import PRESETS

BUCKET_ORDER = {"reply": 0, "overdue": 1, "today": 2, "week": 3}
YOUTH_FIELDS = ("id", "municipality_id", "birth_date", "given_name", "family_name", "in_target_group",
                "register_since", "coach_id", "protection", "phone")
REPLY_FIELDS = ("kind", "respondent", "phone", "email", "best_time", "meeting_when", "meeting_where", "occupation",
                "occupation_detail", "message")


@dataclass(frozen=True)
class Reply:
    """A reply the youth (or a guardian) sent on the public page (``/svar/``), as the coach reads it."""

    at: datetime.datetime
    asks_for_meeting: bool = False
    kind: str = ""  # contact | meeting | occupation
    respondent: str = ""  # youth | guardian
    phone: str = ""
    email: str = ""
    best_time: str = ""
    meeting_when: str = ""
    meeting_where: str = ""
    occupation: str = ""
    occupation_detail: str = ""
    message: str = ""

    @classmethod
    def from_event(cls, ev: deadlines.Ev) -> Reply:
        return cls(at=ev.at, asks_for_meeting=deadlines.asks_for_meeting(ev),
                   **{key: str(ev.data.get(key) or "") for key in REPLY_FIELDS})

    @property
    def kind_label(self) -> str:
        return str(dict(replies.KIND_CHOICES).get(self.kind, ""))

    @property
    def from_guardian(self) -> bool:
        return self.respondent == "guardian"

    @property
    def occupation_label(self) -> str:
        return str(dict(replies.OCCUPATION_CHOICES).get(self.occupation, "")) if self.occupation else ""


def replies_of(state: deadlines.OutreachState) -> list[Reply]:
    """The waiting replies, newest first."""
    return [Reply.from_event(ev) for ev in reversed(state.replies)]


def new_phone(youth: Youth, replies: list[Reply]) -> str:
    """The phone number of the newest reply the youth gave themself, when it is not the one on record."""
    for reply in replies:
        if reply.phone and not reply.from_guardian:
            return reply.phone if reply.phone != youth.phone else ""
    return ""


def reply_panel(youth: Youth, state: deadlines.OutreachState) -> dict | None:
    """What the coach sees of the waiting replies and the actions that follow from them: call the number
    given (at the time given), book the meeting asked for, take the new number, mark them handled."""
    replies = replies_of(state)
    if not replies:
        return None
    return {
        "replies": replies,
        "call": next((r for r in replies if r.phone), None),
        "meeting": next((r for r in replies if r.asks_for_meeting), None),
        "new_phone": new_phone(youth, replies),
        "until": replies[0].at,  # marking handled covers these replies, not one that arrives meanwhile
    }


@dataclass(frozen=True)
class WorkItem:
    youth: Youth
    state: deadlines.OutreachState | None  # None until ``with_states`` (the shown page only)
    bucket: str
    due: datetime.date | None = None

    @property
    def step(self) -> deadlines.StepState | None:
        return self.state.next_step

    @property
    def reply_panel(self) -> dict | None:
        return reply_panel(self.youth, self.state)

    @property
    def guardians(self) -> list:
        """The guardians to call: only while the youth is under 18 today (prefetched by the page)."""
        return list(self.youth.guardians.all()) if self.state.minor else []


def audit_replies_read(user: Any, youths: list[Youth], where: str) -> None:
    """The content of a youth's reply is personal data: every page that shows it says so in the log."""
    if youths:
        audit_records(user=user, action=AuditAction.VIEW, object_type="reply",
                      youths=[(y.pk, y.municipality_id) for y in youths], detail=where)


# --- Loading what the due dates are computed from ------------------------------------------------

def spec_for_chain(chain: ContactChain, municipality: Any) -> deadlines.ChainSpec:
    """A stored chain (its steps prefetched) with the municipality's settings, as the rules see it."""
    steps = tuple(
        deadlines.StepSpec(
            code=s.code, name=s.name, channels=tuple(s.channels.split()), completion=s.completion,
            anchor=s.anchor, anchor_step=s.anchor_step, offset_days=s.offset_days, offset_months=s.offset_months,
            applies_to=s.applies_to, until_contact=s.until_contact, guardian_if_minor=s.guardian_if_minor,
            repetitions=s.repetitions, min_evening=s.min_evening, letter_template=s.letter_template,
            order=s.order)
        for s in chain.steps.all()
    )
    return deadlines.ChainSpec(code=chain.preset if chain.preset != "custom" else chain.name, steps=steps,
                               evening_starts_at=municipality.evening_starts_at,
                               recontact_months=municipality.recontact_months)


def default_spec(municipality: Any) -> deadlines.ChainSpec:
    """The default preset as a spec, unsaved: for a municipality that has no active chain (every
    municipality gets one when it is set up; reading due dates never installs one)."""
    steps = tuple(
        deadlines.StepSpec(**{**{k: v for k, v in step.items() if k != "instructions"}, "name": str(step["name"]),
                              "channels": tuple(step.get("channels", "").split()), "order": (i + 1) * 10})
        for i, step in enumerate(PRESETS[Preset.ALMHULT]["steps"])
    )
    return deadlines.ChainSpec(code=Preset.ALMHULT.value, steps=steps, evening_starts_at=municipality.evening_starts_at,
                               recontact_months=municipality.recontact_months)


def chain_specs(municipality_ids: Iterable[int]) -> dict[int, deadlines.ChainSpec]:
    """The active chain of each municipality, with their steps: two queries (one more when a municipality has none)."""
    ids = set(municipality_ids)
    chains = {c.municipality_id: c for c in ContactChain.objects.filter(
        municipality_id__in=ids, is_active=True).select_related("municipality").prefetch_related("steps")}
    specs = {mid: spec_for_chain(c, c.municipality) for mid, c in chains.items()}
    if ids - chains.keys():
        for municipality in Municipality.objects.filter(pk__in=ids - chains.keys()):
            specs[municipality.pk] = default_spec(municipality)
    return specs


def events_for(youth_ids: Sequence[int]) -> dict[int, list[deadlines.Ev]]:
    """The youths' events that the due dates are computed from, one query."""
    out: dict[int, list[deadlines.Ev]] = {yid: [] for yid in youth_ids}
    rows = YouthEvent.objects.filter(youth_id__in=list(youth_ids), kind__in=deadlines.EVENT_KINDS).values_list(
        "youth_id", "kind", "occurred_at", "data")
    for youth_id, kind, at, data in rows:
        out[youth_id].append(deadlines.Ev(kind, at, data or {}))
    return out


def states_for(youths: Sequence[Youth], specs: dict[int, deadlines.ChainSpec] | None = None,
               ) -> dict[int, deadlines.OutreachState]:
    """The outreach state of many youths (already scoped by the caller): one query for events, two for the
    chains (none when the caller has ``specs``, from ``chain_specs``)."""
    if not youths:
        return {}
    specs = specs or chain_specs({y.municipality_id for y in youths})
    events = events_for([y.pk for y in youths])
    return {
        y.pk: deadlines.compute(specs[y.municipality_id], events[y.pk], birth_date=y.birth_date,
                                fallback_start=y.register_since if y.in_target_group else None)
        for y in youths
    }


def state_for(youth: Youth) -> deadlines.OutreachState:
    return states_for([youth])[youth.pk]


@dataclass(frozen=True)
class Summary:
    """What lists need of a youth's outreach state: its status, next step and due date, a reply waiting."""

    status: str
    next_step: str
    next_due: datetime.date | None
    reply_waiting: bool

    def bucket(self, on: datetime.date) -> str:
        return deadlines.bucket_of(reply_waiting=self.reply_waiting, next_due=self.next_due, on=on)


SNAPSHOT_CHUNK = 2000
# A snapshot made by other code of the rules is stale: the rules' own source is part of every digest.
_RULES_DIGEST = hashlib.sha1(Path(deadlines.__file__).read_bytes(), usedforsecurity=False).hexdigest()


def _digest(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def _summary(state: deadlines.OutreachState) -> Summary:
    step = state.next_step
    return Summary(state.status, step.code if step else "", step.due if step else None, state.reply_waiting)


def summaries_for(youths: Sequence[Youth], scope: QuerySet[Youth] | None = None) -> dict[int, Summary]:
    """The outreach summary of many youths (already scoped by the caller) in a fixed number of queries.

    Read from ``OutreachSnapshot`` where its digest still matches the inputs, computed by ``states_for``
    (and the snapshot written) where it does not. ``scope``, a queryset of the same youths, lets the
    queries use a subquery instead of a long list of ids.
    """
    if not youths:
        return {}
    specs = chain_specs({y.municipality_id for y in youths})
    spec_digests = {mid: _digest(_RULES_DIGEST, repr(spec)) for mid, spec in specs.items()}
    ids = scope.values("pk") if scope is not None else [y.pk for y in youths]
    events = YouthEvent.objects.filter(youth_id__in=ids, kind__in=deadlines.EVENT_KINDS).order_by()
    versions = {row[0]: row[1:] for row in events.values("youth_id").annotate(n=Count("id"), last=Max("id"))
                .values_list("youth_id", "n", "last")}
    snapshots = {s.youth_id: s for s in OutreachSnapshot.objects.filter(youth_id__in=ids)}
    out: dict[int, Summary] = {}
    stale: list[tuple[Youth, str]] = []
    for y in youths:
        key = _digest(spec_digests[y.municipality_id], y.birth_date, y.register_since if y.in_target_group else None,
                      *versions.get(y.pk, (0, 0)))
        snap = snapshots.get(y.pk)
        if snap is not None and snap.inputs == key:
            out[y.pk] = Summary(snap.status, snap.next_step, snap.next_due, snap.reply_waiting)
        else:
            stale.append((y, key))
    for start in range(0, len(stale), SNAPSHOT_CHUNK):
        chunk = stale[start:start + SNAPSHOT_CHUNK]
        states = states_for([y for y, _key in chunk], specs)
        rows = []
        for y, key in chunk:
            summary = out[y.pk] = _summary(states[y.pk])
            rows.append(OutreachSnapshot(youth_id=y.pk, inputs=key, status=summary.status, next_step=summary.next_step,
                                         next_due=summary.next_due, reply_waiting=summary.reply_waiting))
        OutreachSnapshot.objects.bulk_create(rows, update_conflicts=True, unique_fields=["youth"],
                                             update_fields=["inputs", "status", "next_step", "next_due",
                                                            "reply_waiting", "computed_at"])
    return out


def with_states(items: Sequence[WorkItem]) -> list[WorkItem]:
    """The items with their full outreach state, for the rows a page shows (one query for all of them)."""
    states = states_for([it.youth for it in items if it.state is None])
    return [it if it.state is not None else replace(it, state=states[it.youth.pk]) for it in items]


def _register_youths(user: Any, qs: QuerySet[Youth] | None = None) -> list[Youth]:
    return list(visible_youths(user, qs).filter(in_target_group=True).only(*YOUTH_FIELDS))


def worklist(*, user: Any, on: datetime.date | None = None) -> list[WorkItem]:
    """The user's youths with something to do: replies first, then overdue, due today, this week.

    The items carry no full state (``state`` is None): the page fills it for the rows it shows
    (``with_states``).
    """
    on = on or timezone.localdate()
    youths = _register_youths(user)
    summaries = summaries_for(youths)
    items = []
    for youth in youths:
        summary = summaries[youth.pk]
        bucket = summary.bucket(on)
        if bucket in BUCKET_ORDER:
            items.append(WorkItem(youth, None, bucket, summary.next_due))
    items.sort(key=lambda it: (BUCKET_ORDER[it.bucket], it.due or on, it.youth.family_name, it.youth.given_name,
                               it.youth.pk))
    return items


def counts(items: list[WorkItem]) -> dict[str, int]:
    found = Counter(it.bucket for it in items)
    return {key: found.get(key, 0) for key in BUCKET_ORDER}


def worklist_counts(user: Any, on: datetime.date | None = None) -> dict[str, int]:
    return counts(worklist(user=user, on=on))


def youths_with_step_due(*, user: Any, step_code: str = "letter", on: datetime.date | None = None) -> QuerySet[Youth]:
    """Youths whose step ``step_code`` is due on or before ``on`` and not done (e.g. a letter batch)."""
    on = on or timezone.localdate()
    youths = _register_youths(user)
    states = states_for(youths)
    ids = []
    for youth in youths:
        state = states[youth.pk]
        step = state.step(step_code)
        if state.status != deadlines.CLOSED and step and not step.done and step.due and step.due <= on:
            ids.append(youth.pk)
    return Youth.objects.filter(pk__in=ids).order_by("family_name", "given_name", "pk")


# --- Assignment and the coordinator's overview --------------------------------------------------

def unassigned(*, user: Any) -> QuerySet[Youth]:
    ids = municipality_ids_with(user, Perm.ASSIGN)
    return (visible_youths(user).filter(in_target_group=True, coach__isnull=True, municipality_id__in=ids)
            .select_related("municipality").order_by("register_since", "family_name", "given_name", "pk"))


@dataclass(frozen=True)
class CoachLoad:
    """A coach to assign to: the user's id, name (the full name, else the user name) and load."""

    pk: int
    name: str
    load: int  # youths in the register assigned to the coach

    def __str__(self) -> str:
        return self.name


def coaches(*, user: Any) -> list[CoachLoad]:
    """Coaches the user may assign to, each with their load (youths in the register assigned to them).

    Two queries: the coaches (names only: a county has hundreds), then the loads grouped by coach from the
    (coach, in_target_group) index alone, not a join of every youth to its coach."""
    ids = municipality_ids_with(user, Perm.ASSIGN)
    coach_ids = Membership.objects.filter(municipality_id__in=ids, role=Role.COACH).values("user_id")
    users = list(User.objects.filter(pk__in=coach_ids, is_active=True).order_by("last_name", "first_name", "username")
                 .values_list("pk", "first_name", "last_name", "username"))
    loads = dict(Youth.objects.filter(coach_id__in=[pk for pk, *_ in users], in_target_group=True).order_by()
                 .values_list("coach_id").annotate(n=Count("*")).values_list("coach_id", "n"))
    return [CoachLoad(pk=pk, name=f"{first} {last}".strip() or username, load=loads.get(pk, 0))
            for pk, first, last, username in users]


def overview(*, user: Any, on: datetime.date | None = None) -> dict:
    """Youths per stage, overdue per coach, unassigned and replies waiting, for the coordinator."""
    on = on or timezone.localdate()
    ids = municipality_ids_with(user, Perm.ASSIGN)
    scope = visible_youths(user, Youth.objects.filter(municipality_id__in=ids)).filter(in_target_group=True)
    youths = list(scope.only(*YOUTH_FIELDS))
    summaries = summaries_for(youths, scope)
    step_names = {(mid, step.code): step.name for mid, spec in chain_specs({y.municipality_id for y in youths}).items()
                  for step in spec.steps}
    stages: Counter = Counter()
    overdue_by_coach: Counter = Counter()
    replies = 0
    for youth in youths:
        summary = summaries[youth.pk]
        stages[(summary.status, step_names.get((youth.municipality_id, summary.next_step), ""))] += 1
        if summary.next_due is not None and summary.next_due < on:
            overdue_by_coach[youth.coach_id] += 1
        replies += summary.reply_waiting
    names = {u.pk: u for u in User.objects.filter(pk__in=[k for k in overdue_by_coach if k])}
    return {
        "total": len(youths),
        "stages": sorted(({"status": s, "step": n, "count": c} for (s, n), c in stages.items()),
                         key=lambda r: (r["status"], str(r["step"]))),
        "overdue_by_coach": sorted(({"coach": names.get(k), "count": c} for k, c in overdue_by_coach.items()),
                                   key=lambda r: -r["count"]),
        "unassigned": sum(1 for y in youths if y.coach_id is None),
        "replies": replies,
        "overdue": sum(overdue_by_coach.values()),
    }


def colleagues(*, youth: Youth, user: Any) -> QuerySet[User]:
    roles = [*CASEWORKER_ROLES, Role.COORDINATOR]
    user_ids = Membership.objects.filter(municipality_id=youth.municipality_id, role__in=roles).values("user_id")
    return User.objects.filter(pk__in=user_ids, is_active=True).exclude(pk=user.pk).order_by("last_name", "first_name")


# --- The youth page section and the start pages ---------------------------------------------------

def youth_section_context(user: Any, youth: Youth) -> dict:
    """The youth's chain with due/done per step, waiting replies, phone numbers to call, recent
    attempts, meetings and concern reports. Shown only to users who may see the record (the youth
    page asks the policy first); showing a reply's content is audited."""
    state = state_for(youth)
    panel = reply_panel(youth, state)
    if panel:
        audit_replies_read(user, [youth], "youth_page")
    return {
        "state": state,
        "reply": panel,
        "guardians": list(youth.guardians.all()) if state.minor else [],
        "today": timezone.localdate(),
        "attempts": list(ContactAttempt.objects.filter(youth=youth).select_related("by")[:20]),
        "meetings": list(FirstMeeting.objects.filter(youth=youth).select_related("colleague")[:5]),
        "concern_reports": list(ConcernReport.objects.filter(youth=youth)[:5]),
    }


def coach_dashboard(user: Any) -> dict:
    return {"counts": worklist_counts(user)}


def coordinator_dashboard(user: Any) -> dict:
    data = overview(user=user)
    return {"unassigned": data["unassigned"], "overdue": data["overdue"], "replies": data["replies"],
            "total": data["total"]}
