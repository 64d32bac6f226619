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

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from kaa.accounts.models import Membership, Role, User
from kaa.accounts.policy import CASEWORKER_ROLES, Perm, memberships, municipality_ids_with, visible_youths
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.organisations.models import Municipality
from kaa.register.models import Youth, YouthEvent

from . import deadlines, replies
from .models import ChainStep, ConcernReport, ContactAttempt, ContactChain, FirstMeeting, OutreachSnapshot, Preset
from .presets import PRESETS

BUCKET_ORDER = {"reply": 0, "overdue": 1, "today": 2, "week": 3}
YOUTH_FIELDS = ("id", "municipality_id", "birth_date", "given_name", "family_name", "in_target_group",
                "register_since", "coach_id", "team_id", "protection", "phone")
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

def spec_for_chain(chain: ContactChain, municipality: Any, steps: Iterable[ChainStep] | None = None,
                   ) -> deadlines.ChainSpec:
    """A stored chain (its steps prefetched, or given) with the municipality's settings, as the rules see it."""
    steps_spec = tuple(
        deadlines.StepSpec(
            code=s.code, name=s.name, channels=tuple(s.channels.split()), completion=s.completion,
            anchor=s.anchor, anchor_step=s.anchor_step, offset_days=s.offset_days, offset_months=s.offset_months,
            applies_to=s.applies_to, until_contact=s.until_contact, guardian_if_minor=s.guardian_if_minor,
            repetitions=s.repetitions, min_evening=s.min_evening, letter_template=s.letter_template,
            order=s.order)
        for s in (chain.steps.all() if steps is None else steps)
    )
    return deadlines.ChainSpec(code=chain.preset if chain.preset != "custom" else chain.name, steps=steps_spec,
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
    """The active chain of each municipality, with their steps: one query (the steps with their chain and
    municipality); one or two more only for a municipality whose chain has no steps, or that has none."""
    ids = set(municipality_ids)
    by_chain: dict[int, list[ChainStep]] = {}
    for step in ChainStep.objects.filter(chain__municipality_id__in=ids, chain__is_active=True).select_related(
            "chain__municipality").order_by("chain", "order", "pk"):
        by_chain.setdefault(step.chain_id, []).append(step)
    specs = {steps[0].chain.municipality_id: spec_for_chain(steps[0].chain, steps[0].chain.municipality, steps)
             for steps in by_chain.values()}
    if ids - specs.keys():  # an active chain without steps, or (an installation from before the set-up) none
        active = ContactChain.objects.filter(municipality=OuterRef("pk"), is_active=True)
        for municipality in Municipality.objects.filter(pk__in=ids - specs.keys()).annotate(
                chain_preset=Subquery(active.values("preset")[:1]), chain_name=Subquery(active.values("name")[:1])):
            chain = ContactChain(preset=municipality.chain_preset, name=municipality.chain_name)
            specs[municipality.pk] = (default_spec(municipality) if municipality.chain_preset is None
                                      else spec_for_chain(chain, municipality, ()))
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


SNAPSHOT_CHUNK = 1000
# A snapshot made by other code of the rules is stale: the rules' own source is part of every chain digest.
_RULES_DIGEST = hashlib.sha1(Path(deadlines.__file__).read_bytes(), usedforsecurity=False).hexdigest()
_SNAPSHOT_COLUMNS = ("youth_id", "stale", "generation", "chain", "birth_date", "start", "status", "next_step",
                     "next_due", "reply_waiting", "computed_at")
# The youth's own fields the row carries (the record scope's): kept by the youth table's trigger (migration
# 0005), so written by Python only when the row is new, never over the trigger's copy.
_SNAPSHOT_ACCESS = ("municipality_id", "coach_id", "team_id", "protection", "in_target_group")


def _digest(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def chain_digests(specs: dict[int, deadlines.ChainSpec]) -> dict[int, str]:
    """Per municipality, the digest of its chain and of the rules' source: a snapshot computed under another
    chain (a step edited, another chain activated, the evening time changed) or other rules is not current."""
    return {mid: _digest(_RULES_DIGEST, repr(spec)) for mid, spec in specs.items()}


def _summary(state: deadlines.OutreachState) -> Summary:
    step = state.next_step
    return Summary(state.status, step.code if step else "", step.due if step else None, state.reply_waiting)


def _access(youth: Youth) -> tuple:
    """The youth's values of ``_SNAPSHOT_ACCESS``."""
    return (youth.municipality_id, youth.coach_id, youth.team_id, youth.protection, youth.in_target_group)


def _start(youth: Youth) -> datetime.date | None:
    """The chain's fallback start, as ``states_for`` hands it to the rules."""
    return youth.register_since if youth.in_target_group else None


def _memo_current_q(digests: dict[int, str], prefix: str = "") -> Q:
    """Whether a snapshot row is current, as a condition on the row (``prefix``: the path to it).

    Current: not marked stale by the triggers (an event the rules read, or the youth's birth date, start,
    target group or municipality changed since it was computed) and computed under the chain its youth's
    municipality has now.
    """
    chain = Q(pk__in=[])
    for mid, digest in digests.items():
        chain |= Q(**{f"{prefix}municipality_id": mid, f"{prefix}chain": digest})
    return Q(**{f"{prefix}stale": False}) & chain


def _current_q(digests: dict[int, str]) -> Q:
    """Whether a youth's snapshot is current, as a column of a youth query (a LEFT JOIN of the snapshot).
    Only for youths in the target group (their start is ``register_since``); lists read no others."""
    return Q(in_target_group=True) & _memo_current_q(digests, "outreach_snapshot__")


def _current(digests: dict[int, str]) -> Case:
    """``_current_q`` as a column (true or false, never null)."""
    return Case(When(_current_q(digests), then=Value(True)), default=Value(False), output_field=BooleanField())


def _with_memo(qs: QuerySet[Youth], digests: dict[int, str]) -> QuerySet[Youth]:
    """Youths with their snapshot's summary (``memo_*``), whether it is current and its generation: one query."""
    return qs.annotate(
        memo_current=_current(digests), memo_generation=Coalesce(F("outreach_snapshot__generation"), 0),
        memo_status=F("outreach_snapshot__status"), memo_step=F("outreach_snapshot__next_step"),
        memo_due=F("outreach_snapshot__next_due"), memo_reply=F("outreach_snapshot__reply_waiting"))


def _snapshots_write(rows: list[tuple]) -> None:
    """Insert or update snapshots (``_SNAPSHOT_COLUMNS``, current; then the youth's ``_SNAPSHOT_ACCESS`` values,
    used only for a new row). A row already there is updated only while its ``generation`` is the one read
    before the youth's events were read: had an event been written since (or the youth's inputs changed), the
    trigger has bumped it, and the row stays stale for the next reader to compute."""
    if not rows:
        return
    ops = connection.ops
    table = OutreachSnapshot._meta.db_table
    columns = ", ".join((*_SNAPSHOT_COLUMNS, *_SNAPSHOT_ACCESS))
    updates = ", ".join(f"{c} = excluded.{c}" for c in _SNAPSHOT_COLUMNS if c not in ("youth_id", "generation"))
    one = "(" + ", ".join(["%s"] * (len(_SNAPSHOT_COLUMNS) + len(_SNAPSHOT_ACCESS))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SNAPSHOT_CHUNK):
            chunk = rows[start:start + SNAPSHOT_CHUNK]
            params: list = []
            for youth_id, generation, chain, birth_date, begin, summary, at, access in chunk:
                params += [youth_id, False, generation, chain, ops.adapt_datefield_value(birth_date),
                           ops.adapt_datefield_value(begin), summary.status, summary.next_step,
                           ops.adapt_datefield_value(summary.next_due), summary.reply_waiting,
                           ops.adapt_datetimefield_value(at), *access]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "  # noqa: S608 (no input)
                f"ON CONFLICT (youth_id) DO UPDATE SET {updates} WHERE {table}.generation = excluded.generation",
                params)


def _compute(pending: Sequence[tuple[Youth, int]], specs: dict[int, deadlines.ChainSpec],
             digests: dict[int, str]) -> dict[int, Summary]:
    """Compute the summaries of youths whose snapshot is not current (each with the generation read before
    their events) and store them: per chunk, one query for the events and one upsert."""
    out: dict[int, Summary] = {}
    now = timezone.now()
    for start in range(0, len(pending), SNAPSHOT_CHUNK):
        chunk = pending[start:start + SNAPSHOT_CHUNK]
        states = states_for([y for y, _gen in chunk], specs)
        rows = []
        for y, generation in chunk:
            summary = out[y.pk] = _summary(states[y.pk])
            rows.append((y.pk, generation, digests[y.municipality_id], y.birth_date, _start(y), summary, now,
                         _access(y)))
        _snapshots_write(rows)
    return out


def summaries_for(youths: Sequence[Youth]) -> dict[int, Summary]:
    """The outreach summary of many youths (already scoped by the caller) in a fixed number of queries.

    Read from ``OutreachSnapshot`` where it is current, computed by ``states_for`` (and stored) where not.
    """
    if not youths:
        return {}
    specs = chain_specs({y.municipality_id for y in youths})
    digests = chain_digests(specs)
    snapshots = {s.youth_id: s for s in OutreachSnapshot.objects.filter(youth_id__in=[y.pk for y in youths])}
    out: dict[int, Summary] = {}
    pending: list[tuple[Youth, int]] = []
    for y in youths:
        snap = snapshots.get(y.pk)
        if snap is not None and not snap.stale and snap.chain == digests.get(snap.municipality_id):
            out[y.pk] = Summary(snap.status, snap.next_step, snap.next_due, snap.reply_waiting)
        else:
            pending.append((y, snap.generation if snap is not None else 0))
    out.update(_compute(pending, specs, digests))
    return out


def snapshots_refresh(*, municipality_ids: Iterable[int] | None = None, batch: int = 5000) -> int:
    """Bring the snapshots of the register's youths (of these municipalities, or all) up to date: the
    nightly job after the register computation, and a municipality's after its chain changed. Only the
    rows that are not current are computed. Returns how many were."""
    qs = Youth.objects.filter(in_target_group=True)
    if municipality_ids is not None:
        qs = qs.filter(municipality_id__in=list(municipality_ids))
    specs = chain_specs(set(qs.order_by().values_list("municipality_id", flat=True).distinct()))
    digests = chain_digests(specs)
    stale = _with_memo(qs.only(*YOUTH_FIELDS), digests).filter(memo_current=False).order_by("pk")
    last, done = 0, 0
    while True:
        chunk = list(stale.filter(pk__gt=last)[:batch])
        if not chunk:
            return done
        _compute([(y, y.memo_generation) for y in chunk], specs, digests)
        done, last = done + len(chunk), chunk[-1].pk


def with_states(items: Sequence[WorkItem], specs: dict[int, deadlines.ChainSpec] | None = None) -> list[WorkItem]:
    """The items with their full outreach state, for the rows a page shows (one query for all of them; two
    more for the chains unless the caller has ``specs``)."""
    states = states_for([it.youth for it in items if it.state is None], specs)
    return [it if it.state is not None else replace(it, state=states[it.youth.pk]) for it in items]


def _register_youths(user: Any, qs: QuerySet[Youth] | None = None) -> list[Youth]:
    return list(visible_youths(user, qs).filter(in_target_group=True).only(*YOUTH_FIELDS))


def with_memo(qs: QuerySet[Youth], specs: dict[int, deadlines.ChainSpec]) -> QuerySet[Youth]:
    """Youths with their snapshot read in the same query, for ``memo_summaries`` (``specs``: from
    ``chain_specs``, covering the youths' municipalities)."""
    return _with_memo(qs, chain_digests(specs))


def memo_summaries(youths: Sequence[Youth], specs: dict[int, deadlines.ChainSpec]) -> dict[int, Summary]:
    """The summaries of youths in the target group loaded through ``with_memo``: no query while every
    snapshot is current, one for the events and one upsert more when some are not (those are computed by
    ``states_for`` and stored)."""
    pending = [(y, y.memo_generation) for y in youths if not y.memo_current]
    computed = _compute(pending, specs, chain_digests(specs)) if pending else {}
    return {y.pk: computed.get(y.pk) or Summary(y.memo_status, y.memo_step, y.memo_due, y.memo_reply)
            for y in youths}


def _memo_summaries(qs: QuerySet[Youth], specs: dict[int, deadlines.ChainSpec]) -> list[tuple[Youth, Summary]]:
    """The youths of ``qs`` (in the target group) with their summaries: one query while every snapshot is
    current, one for the events and one upsert more when some are not."""
    youths = list(with_memo(qs.only(*YOUTH_FIELDS), specs))
    summaries = memo_summaries(youths, specs)
    return [(y, summaries[y.pk]) for y in youths]


@dataclass(frozen=True)
class Worklist:
    """The user's youths with something to do (``items``, most urgent first, without their full state) and
    the chains they were computed with (for ``with_states``)."""

    items: list[WorkItem]
    specs: dict[int, deadlines.ChainSpec]


def worklist_of(*, user: Any, on: datetime.date | None = None) -> Worklist:
    """The user's youths with something to do: replies first, then overdue, due today, this week.

    Read from the snapshots (one query while they are current); the items carry no full state (``state`` is
    None): the page fills it for the rows it shows (``with_states``).
    """
    on = on or timezone.localdate()
    specs = chain_specs({m.municipality_id for m in memberships(user)})
    items = []
    for youth, summary in _memo_summaries(visible_youths(user).filter(in_target_group=True), specs):
        bucket = summary.bucket(on)
        if bucket in BUCKET_ORDER:
            items.append(WorkItem(youth, None, bucket, summary.next_due))
    items.sort(key=lambda it: (BUCKET_ORDER[it.bucket], it.due or on, it.youth.family_name, it.youth.given_name,
                               it.youth.pk))
    return Worklist(items, specs)


def worklist(*, user: Any, on: datetime.date | None = None) -> list[WorkItem]:
    """The items of ``worklist_of``."""
    return worklist_of(user=user, on=on).items


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
    """Youths per stage, overdue per coach, unassigned and replies waiting, for the coordinator.

    One grouped query over the snapshot rows alone: every youth in the target group has one, carrying the
    youth's fields the record scope reads (kept by the database, ``OutreachSnapshot``), so the access policy's
    scope (``visible_youths``) applies to the rows as it does to youths, and no youth row is read. A youth
    whose snapshot is not current (an event written since, a youth new in the register, the chain changed)
    is a group of its own there, named by its id: it is computed and stored, and counted from what was
    computed, never from its snapshot.
    """
    on = on or timezone.localdate()
    ids = municipality_ids_with(user, Perm.ASSIGN)
    # The policy's own scope, on the rows' copies of the youth's fields (the same names as the youth's).
    scope = visible_youths(user, OutreachSnapshot.objects.filter(municipality_id__in=ids, in_target_group=True))
    specs = chain_specs(ids)
    digests = chain_digests(specs)
    groups = list(
        scope.annotate(stale_id=Case(When(_memo_current_q(digests), then=Value(None)), default=F("pk"),
                                     output_field=IntegerField()),
                       overdue=Case(When(next_due__lt=on, then=Value(True)), default=Value(False),
                                    output_field=BooleanField()))
        .values("municipality_id", "coach_id", "stale_id", "status", "next_step", "overdue", "reply_waiting")
        .annotate(n=Count("*")).order_by())
    counted = [(g["municipality_id"], g["coach_id"], g["status"], g["next_step"], g["overdue"],
                bool(g["reply_waiting"]), g["n"]) for g in groups if g["stale_id"] is None]
    stale_ids = sorted(g["stale_id"] for g in groups if g["stale_id"] is not None)
    for start in range(0, len(stale_ids), SNAPSHOT_CHUNK):
        youths = list(_with_memo(Youth.objects.filter(pk__in=stale_ids[start:start + SNAPSHOT_CHUNK])
                                 .only(*YOUTH_FIELDS), digests))
        computed = _compute([(y, y.memo_generation) for y in youths], specs, digests)
        counted += [(y.municipality_id, y.coach_id, s.status, s.next_step, s.next_due is not None and s.next_due < on,
                     s.reply_waiting, 1) for y in youths for s in (computed[y.pk],)]
    step_names = {(mid, step.code): step.name for mid, spec in specs.items() for step in spec.steps}
    stages: Counter = Counter()
    overdue_by_coach: Counter = Counter()
    total = replies = unassigned = 0
    for municipality_id, coach_id, status, step, overdue, reply, n in counted:
        total += n
        stages[(status, step_names.get((municipality_id, step), ""))] += n
        if overdue:
            overdue_by_coach[coach_id] += n
        replies += n * reply
        unassigned += n * (coach_id is None)
    names = {u.pk: u for u in User.objects.filter(pk__in=[k for k in overdue_by_coach if k])}
    return {
        "total": total,
        "stages": sorted(({"status": s, "step": n, "count": c} for (s, n), c in stages.items()),
                         key=lambda r: (r["status"], str(r["step"]))),
        "overdue_by_coach": sorted(({"coach": names.get(k), "count": c} for k, c in overdue_by_coach.items()),
                                   key=lambda r: -r["count"]),
        "unassigned": unassigned,
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
