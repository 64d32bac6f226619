"""Reads of case work, always scoped by the user's access (kaa.accounts.policy).

The youth page's case sections share one ``CaseView`` per request (memoised on the youth object),
loaded in a fixed number of queries whatever the number of events, entries or measures.
Confidential journal entries are read in exactly one place, ``journal_for``, and only for a user the
policy allows; every other read goes through ``JournalEntry.objects.non_confidential()``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Window
from django.http import Http404
from django.utils import timezone

from kaa.accounts.policy import (
    activity_bank_municipality_ids,
    case_confidential_since,
    case_may_contribute,
    case_may_read_confidential,
    case_may_refer,
    case_may_write,
    case_municipality_ids,
    case_youth_or_404,
    own_caseload,
    partner_municipality_ids,
)
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.register.models import Youth, YouthEvent

from . import due
from .codes import CodeTable
from .models import (
    MAPPING_FIELDS,
    ActionPlan,
    Activity,
    Case,
    CaseStatus,
    CodeKind,
    Consent,
    Evaluation,
    JournalEntry,
    Mapping,
    Measure,
    Occupation,
    Partner,
    PlanRevision,
    Referral,
)

JOURNAL_ON_PAGE = 30
DUE_EVENT_KINDS = ("outreach.contact", "outreach.reply", "outreach.meeting_booked", "casework.journal",
                   "casework.mapping", "register.left", due.NEXT_STEP_EVENT)
# The events that close a next step agreed at a meeting (due.open_next_step).
NEXT_STEP_KINDS = frozenset({due.NEXT_STEP_EVENT, "casework.journal", "outreach.contact"})


def case_youth(*, user: Any, pk: Any) -> Youth:
    """The youth whose case the user may read (404 otherwise)."""
    return case_youth_or_404(user, pk, Youth.objects.select_related("municipality", "coach", "team"))


# --- Occupation --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OccupationSpan:
    id: int
    code: str
    start: datetime.date
    to: datetime.date | None  # the next entry's date; None for the current one


def occupation_spans(entries: list[Occupation]) -> list[OccupationSpan]:
    """Each entry holds from its date until the next entry's date."""
    ordered = sorted(entries, key=lambda o: (o.start, o.pk))
    return [OccupationSpan(o.pk, o.code, o.start, ordered[i + 1].start if i + 1 < len(ordered) else None)
            for i, o in enumerate(ordered)]


def occupation_at(entries: list[Occupation], day: datetime.date) -> str | None:
    """The occupation on ``day`` (at first contact, after a measure, today): read, never typed twice."""
    current = None
    for o in sorted(entries, key=lambda o: (o.start, o.pk)):
        if o.start > day:
            break
        current = o.code
    return current


def occupation_history(*, youth: Youth) -> list[OccupationSpan]:
    return occupation_spans(list(Occupation.objects.filter(youth=youth)))


def occupation_on(*, youth: Youth, day: datetime.date) -> str | None:
    entry = Occupation.objects.filter(youth=youth, start__lte=day).order_by("-start", "-pk").first()
    return entry.code if entry else None


# --- Mapping -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    name: str
    label: Any
    before: str
    after: str


def mapping_changes(current: Mapping | None, previous: Mapping | None) -> list[FieldChange]:
    """What changed from the previous version (every field of a first version is new)."""
    if current is None:
        return []
    out = []
    for name in MAPPING_FIELDS:
        before = getattr(previous, name) if previous else ""
        after = getattr(current, name)
        if before != after:
            out.append(FieldChange(name, Mapping._meta.get_field(name).verbose_name, before, after))
    return out


def mapping_versions(*, youth: Youth) -> list[tuple[Mapping, list[FieldChange]]]:
    """Every version, newest first, each with what it changed."""
    versions = list(Mapping.objects.filter(youth=youth).select_related("created_by").order_by("version"))
    pairs = [(v, mapping_changes(v, versions[i - 1] if i else None)) for i, v in enumerate(versions)]
    return list(reversed(pairs))


# --- Journal -----------------------------------------------------------------------------------------

def journal_for(*, user: Any, youth: Youth) -> QuerySet[JournalEntry]:
    """The youth's journal as this user may read it: confidential entries only with the grant."""
    qs = JournalEntry.objects.filter(youth=youth).select_related("author", "corrects")
    if not case_may_read_confidential(user, youth):
        qs = qs.non_confidential()
    elif (since := case_confidential_since(youth)) is not None:
        # Confidential entries never move with a transfer (kaa.handover): the earlier owner's stay behind.
        qs = qs.exclude(confidential=True, created_at__lt=since)
    return qs.order_by("-occurred_on", "-pk")


# --- Consent -----------------------------------------------------------------------------------------

def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def consent_valid(*, youth: Youth, partner: Partner | str, on: datetime.date | None = None) -> Consent | None:
    """A consent valid on ``on`` to share with ``partner``, for referrals and hand-overs, which refuse
    without one.

    ``partner`` is a partner of the list or a name / municipality code. A consent that picked a partner
    from the list names exactly that partner (whatever it is called now); a consent written as text
    names the partner whose name it is (case and spacing aside) and never one picked for another.
    """
    day = on or timezone.localdate()
    candidates = Consent.objects.filter(youth=youth, valid_from__lte=day).exclude(valid_until__lt=day).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)).order_by("-valid_from", "-pk")
    if isinstance(partner, Partner):
        if partner.municipality_id != youth.municipality_id:
            return None
        return next((c for c in candidates if c.partner_org_id == partner.pk
                     or (c.partner_org_id is None and _same_name(c.partner, partner.name))), None)
    return next((c for c in candidates if c.partner_org_id is None and _same_name(c.partner, partner)), None)


# --- Facts for the due items, for one youth or many ------------------------------------------------

def _measures_with_evaluations(youth_ids: list[int]):
    """((measure id, youth id, the fields of ``due.MeasureFacts`` after the id), evaluation kind, its date) of
    the youths' measures in start order, their evaluations in date order: one query."""
    fields = ("pk", "youth_id", "code", "start", "end", "declined", "waiting", "end_reason", "follow_up_on",
              "evaluate_on")
    rows = Measure.objects.filter(youth_id__in=youth_ids).order_by("start", "pk", "evaluations__on",
                                                                    "evaluations__pk")
    for row in rows.values_list(*fields, "evaluations__kind", "evaluations__on"):
        yield row[:-2], row[-2], row[-1]


def _measure_facts(measures: list[Measure], evaluations: dict[int, list[tuple[str, datetime.date]]]
                   ) -> tuple[due.MeasureFacts, ...]:
    return tuple(due.MeasureFacts(m.pk, m.code, m.start, m.end, m.declined, m.waiting, m.end_reason, m.follow_up_on,
                                  m.evaluate_on, tuple(evaluations.get(m.pk, ()))) for m in measures)


def _local_day(at: datetime.datetime, zone: datetime.tzinfo | None = None) -> datetime.date:
    """The local day of ``at`` (``zone``: the current time zone, looked up once by a caller with many)."""
    return timezone.localtime(at, zone).date()


@dataclass(frozen=True)
class CaseRecords:
    """One youth's plan, measures (by start) and evaluations (by day), read already by the youth page:
    ``facts_for`` takes them instead of reading them again."""

    plan: ActionPlan | None
    measures: list[Measure]
    evaluations: list[Evaluation]


def facts_for(youths: list[Youth], *, on: datetime.date | None = None, with_case: bool = False,
              records: CaseRecords | None = None) -> dict[int, tuple[due.CaseFacts, Case | None]]:
    """Case facts for many youths in four queries (cases, plans, measures with their evaluations, events); two
    when the youths come with their case and plan (``with_case``: ``select_related("case", "action_plan")``)
    or for one youth whose ``records`` the caller has read (the youth page)."""
    on = on or timezone.localdate()
    ids = [y.pk for y in youths]
    if records is not None and len(youths) != 1:
        raise ValueError("records are one youth's")
    if with_case:
        # A missing case or plan is cached as None; reading it raises an AttributeError (DoesNotExist).
        cases = {y.pk: case for y in youths if (case := getattr(y, "case", None)) is not None}
        plans = {y.pk: plan for y in youths if (plan := getattr(y, "action_plan", None)) is not None}
    else:
        cases = {c.youth_id: c for c in Case.objects.filter(youth_id__in=ids)}
        if records is not None:
            plans = {ids[0]: records.plan} if records.plan is not None else {}
        else:
            plans = {p.youth_id: p for p in ActionPlan.objects.filter(youth_id__in=ids).only("youth_id",
                                                                                              "review_on")}
    measure_facts: dict[int, tuple[due.MeasureFacts, ...]] = {}
    if records is not None:
        evaluations: dict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
        for ev in records.evaluations:
            evaluations[ev.measure_id].append((ev.kind, ev.on))
        measure_facts[ids[0]] = _measure_facts(list(records.measures), evaluations)
    else:
        # The measures and their evaluations in one query (a row per evaluation, one for a measure without).
        rows: dict[int, dict[int, tuple]] = defaultdict(dict)
        for (pk, youth_id, *fields), kind, day in _measures_with_evaluations(ids):
            row = rows[youth_id].setdefault(pk, (pk, *fields, []))
            if kind is not None:
                row[-1].append((kind, day))
        measure_facts = {youth_id: tuple(due.MeasureFacts(*fields, tuple(evals)) for *fields, evals in by.values())
                         for youth_id, by in rows.items()}
    events: dict[int, list[tuple[str, datetime.date, dict]]] = defaultdict(list)
    left: dict[int, tuple[str, datetime.date, datetime.datetime]] = {}
    steps: dict[int, list[tuple[str, datetime.datetime, dict]]] = defaultdict(list)
    # Only the events that can mean contact (or the register's word): a youth with hundreds of
    # unanswered calls must not cost hundreds of rows.
    contact = Q(kind="outreach.contact") & (Q(data__outcome__in=["reached", "declined"])
                                            | Q(data__channel="youth_initiated"))
    relevant = contact | Q(kind__in=[k for k in DUE_EVENT_KINDS if k != "outreach.contact"])
    zone = timezone.get_current_timezone()  # once, not per row (hundreds of rows for a team's cases)
    for youth_id, kind, at, recorded_at, data in YouthEvent.objects.filter(relevant, youth_id__in=ids).order_by(
            "occurred_at", "pk").values_list("youth_id", "kind", "occurred_at", "recorded_at", "data"):
        data = data or {}
        if kind in NEXT_STEP_KINDS:
            steps[youth_id].append((kind, recorded_at, data))
        if kind == "register.left":
            left[youth_id] = (str(data.get("reason", "")), _local_day(at, zone), recorded_at)
        elif kind != due.NEXT_STEP_EVENT:
            events[youth_id].append((kind, _local_day(at, zone), data))
    out = {}
    for y in youths:
        case = cases.get(y.pk)
        mfacts = measure_facts.get(y.pk, ())
        proposal = None
        if case is not None:
            proposal = due.closing_proposal(
                status=case.status, status_changed_at=case.status_changed_at, in_target_group=y.in_target_group,
                left=left.get(y.pk), extended=y.register_extended,
                ukaa_on=y.municipality.extended_responsibility, ongoing_measure=any(m.ongoing(on) for m in mfacts))
        plan = plans.get(y.pk)
        out[y.pk] = (due.CaseFacts(
            youth_id=y.pk, birth_date=y.birth_date, status=case.status if case else "",
            opened_on=case.opened_on if case else None, review_on=plan.review_on if plan else None,
            recontact_on=case.recontact_on if case else None,
            last_contact_on=due.last_contact(events.get(y.pk, []), on), measures=mfacts, proposal=proposal,
            next_step_on=due.open_next_step(steps.get(y.pk, []))), case)
    return out


# --- The youth page: one view of the case per request --------------------------------------------------

@dataclass
class CaseView:
    youth: Youth
    today: datetime.date
    codes: CodeTable
    case: Case | None
    plan: ActionPlan | None
    measures: list[Measure]
    occupations: list[OccupationSpan]
    mapping: Mapping | None
    mapping_previous: Mapping | None
    journal: list[JournalEntry]
    journal_total: int
    consents: list[Consent]
    facts: due.CaseFacts
    may_write: bool = False
    may_contribute: bool = False
    may_read_confidential: bool = False
    items: list[due.DueItem] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.case.status if self.case else ""

    @property
    def current_occupation(self) -> OccupationSpan | None:
        return self.occupations[-1] if self.occupations else None

    @property
    def active_measures(self) -> list[Measure]:
        return [m for m in self.measures if m.is_ongoing(self.today)]

    @property
    def waiting_measures(self) -> list[Measure]:
        return [m for m in self.measures if m.waiting and not m.declined and not m.end_reason]

    @property
    def next_item(self) -> due.DueItem | None:
        return self.items[0] if self.items else None

    @property
    def proposal(self) -> due.Proposal | None:
        return self.facts.proposal

    @property
    def proposal_reason(self) -> str:
        if self.proposal is None:
            return ""
        return self.codes.from_register_reason(CodeKind.CLOSING, self.proposal.register_reason)

    @property
    def mapping_changes(self) -> list[FieldChange]:
        return mapping_changes(self.mapping, self.mapping_previous)

    @property
    def occupation_choices(self) -> list[tuple[str, str]]:
        return self.codes.choices(CodeKind.OCCUPATION, self.today)

    @property
    def corrected_ids(self) -> set[int]:
        """Entries on the page that a later entry corrects."""
        return {e.corrects_id for e in self.journal if e.corrects_id}

    @property
    def valid_consents(self) -> list[Consent]:
        return [c for c in self.consents if c.is_valid_on(self.today)]


def youth_case(user: Any, youth: Youth, *, on: datetime.date | None = None) -> CaseView:
    """Everything the case sections show, in a fixed number of queries (memoised per request)."""
    memo = getattr(youth, "_casework_view", None)
    if memo is not None and memo[0] == getattr(user, "pk", None):
        return memo[1]
    today = on or timezone.localdate()
    codes = CodeTable.load()
    plan = ActionPlan.objects.filter(youth=youth).first()
    evaluations: dict[int, list[Evaluation]] = defaultdict(list)
    measures = list(Measure.objects.filter(youth=youth).select_related("activity", "responsible_staff")
                    .order_by("start", "pk"))
    evaluation_rows = list(Evaluation.objects.filter(measure__youth=youth).select_related("by").order_by("on", "pk"))
    for ev in evaluation_rows:
        evaluations[ev.measure_id].append(ev)
    for m in measures:
        m.evaluation_list = evaluations.get(m.pk, [])
    facts, case = facts_for([youth], on=today, records=CaseRecords(plan, measures, evaluation_rows))[youth.pk]
    versions = list(Mapping.objects.filter(youth=youth).select_related("created_by").order_by("-version")[:2])
    # The newest entries with the count of all of them (a window over the same filter): one query.
    journal = list(journal_for(user=user, youth=youth).annotate(total=Window(Count("pk")))[:JOURNAL_ON_PAGE])
    view = CaseView(
        youth=youth, today=today, codes=codes, case=case, plan=plan, measures=measures,
        occupations=occupation_spans(list(Occupation.objects.filter(youth=youth))),
        mapping=versions[0] if versions else None, mapping_previous=versions[1] if len(versions) > 1 else None,
        journal=journal, journal_total=journal[0].total if journal else 0,
        consents=list(Consent.objects.filter(youth=youth)), facts=facts,
        may_write=case_may_write(user, youth), may_contribute=case_may_contribute(user, youth),
        may_read_confidential=case_may_read_confidential(user, youth),
        items=due.due_items(facts, today),
    )
    youth._casework_view = (getattr(user, "pk", None), view)
    return view


def plan_revisions(*, youth: Youth) -> list[PlanRevision]:
    return list(PlanRevision.objects.filter(plan__youth=youth).select_related("by").order_by("-number"))


def measure_or_404(*, youth: Youth, pk: Any) -> Measure:
    try:
        return Measure.objects.select_related("youth", "plan", "activity").get(pk=int(pk), youth=youth)
    except (Measure.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def measure_for_api(*, user: Any, pk: int) -> Measure:
    """A measure whose youth's case the user may read (404 otherwise)."""
    youth_id = Measure.objects.filter(pk=pk).values_list("youth_id", flat=True).first()
    if youth_id is None:
        raise Http404
    youth = case_youth(user=user, pk=youth_id)
    return measure_or_404(youth=youth, pk=pk)


def consent_for_api(*, user: Any, pk: int) -> Consent:
    youth_id = Consent.objects.filter(pk=pk).values_list("youth_id", flat=True).first()
    if youth_id is None:
        raise Http404
    youth = case_youth(user=user, pk=youth_id)
    return Consent.objects.select_related("youth").get(pk=pk, youth=youth)


# --- The activity bank ---------------------------------------------------------------------------------

UNUSED_AFTER = datetime.timedelta(days=365)


def activities(*, user: Any, manage: bool = False, active_only: bool = False,
               municipality_id: int | None = None, on: datetime.date | None = None) -> QuerySet[Activity]:
    """The bank of the user's municipalities, each with its places taken and when it was last used.

    ``taken`` counts running measures (not declined, not waiting); ``waiting`` the waiting list;
    ``last_used`` is the latest start of a measure that was not declined.
    """
    day = on or timezone.localdate()
    ids = activity_bank_municipality_ids(user) if manage else case_municipality_ids(user)
    if municipality_id is not None:
        ids = [i for i in ids if i == municipality_id]
    qs = Activity.objects.filter(municipality_id__in=ids)
    if active_only:
        qs = qs.filter(active=True)
    running = Q(measures__declined=False, measures__waiting=False, measures__end_reason="",
                measures__start__lte=day) & (Q(measures__end__isnull=True) | Q(measures__end__gte=day))
    return qs.select_related("municipality").annotate(
        taken_kaa=Count("measures", filter=running, distinct=True),
        waiting_count=Count("measures", filter=Q(measures__waiting=True, measures__declined=False,
                                                 measures__end_reason=""), distinct=True),
        last_used=Max("measures__start", filter=Q(measures__declined=False)),
    ).order_by("-active", "title", "pk")


def activity_is_unused(activity: Activity, on: datetime.date | None = None) -> bool:
    """Unused for a year: no measure started in the last year (and the activity is over a year old)."""
    day = on or timezone.localdate()
    last = getattr(activity, "last_used", None)
    if last is not None:
        return last < day - UNUSED_AFTER
    return timezone.localtime(activity.created_at).date() < day - UNUSED_AFTER


def activity_or_404(*, user: Any, pk: Any, manage: bool = False) -> Activity:
    try:
        return activities(user=user, manage=manage).get(pk=int(pk))
    except (Activity.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def activity_waiting_list(*, user: Any, activity: Activity) -> list[Measure]:
    """The activity's waiting list: the youths the user may see, first come first."""
    from kaa.accounts.policy import visible_youths

    return list(Measure.objects.filter(activity=activity, waiting=True, declined=False, end_reason="",
                                       youth__in=visible_youths(user)).select_related("youth")
                .order_by("created_at", "pk"))


def activity_choices(*, youth: Youth) -> QuerySet[Activity]:
    return Activity.objects.filter(municipality_id=youth.municipality_id, active=True).order_by("title", "pk")


# --- The start page: the coach's due items -----------------------------------------------------------------

@dataclass(frozen=True)
class DueRow:
    youth: Youth
    item: due.DueItem


DASHBOARD_ROWS = 15


# What ``facts_for`` and the section read of each youth, its case and plan (a list of hundreds of cases).
DUE_YOUTH_FIELDS = ("id", "municipality_id", "birth_date", "in_target_group", "register_extended", "given_name",
                    "family_name", "municipality__extended_responsibility", "case__youth_id", "case__status",
                    "case__opened_on", "case__status_changed_at", "case__recontact_on", "action_plan__youth_id",
                    "action_plan__review_on")


def due_for_user(*, user: Any, on: datetime.date | None = None) -> list[DueRow]:
    """The due items of the cases the user works with (assigned, or their team), overdue first.

    A fixed number of queries: the youths, then ``facts_for``.
    """
    day = on or timezone.localdate()
    youths = {y.pk: y for y in own_caseload(user, Youth.objects.select_related("municipality", "case", "action_plan"))
              .filter(case__status__in=[CaseStatus.OPEN, CaseStatus.DECLINED]).only(*DUE_YOUTH_FIELDS)}
    rows = []
    for youth_id, (facts, _case) in facts_for(list(youths.values()), on=day, with_case=True).items():
        rows.extend(DueRow(youths[youth_id], item) for item in due.due_items(facts, day))
    rows.sort(key=lambda r: (*r.item.sort_key(day), r.youth.family_name, r.youth.given_name))
    return rows


def coach_dashboard(user: Any) -> dict:
    """Start-page section: the case work due this week, overdue first."""
    day = timezone.localdate()
    rows = due_for_user(user=user, on=day)
    # The section names the youths: a list read, audited like every list of youths.
    audit_records(user=user, action=AuditAction.LIST, object_type="youth", detail="casework_due",
                  youths=[(r.youth.pk, r.youth.municipality_id) for r in rows[:DASHBOARD_ROWS]])
    shown = rows[:DASHBOARD_ROWS]
    # The code table only names the measures of the rows shown: not loaded when none names one.
    codes = CodeTable.load() if any(r.item.measure_code for r in shown) else CodeTable()
    return {"rows": shown, "total": len(rows), "overdue": sum(r.item.overdue(day) for r in rows),
            "today": day, "codes": codes}


def aggregates(user: Any) -> dict:
    """Heads see aggregates only: open cases, in a measure, closed this year (no names)."""
    from kaa.accounts.policy import Perm, municipality_ids_with

    ids = municipality_ids_with(user, Perm.REPORTS_VIEW)
    day = timezone.localdate()
    cases = Case.objects.filter(youth__municipality_id__in=ids)
    running = Measure.objects.filter(youth__municipality_id__in=ids, declined=False, waiting=False, end_reason="",
                                     start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))
    return {
        "open": cases.filter(status=CaseStatus.OPEN).count(),
        "declined": cases.filter(status=CaseStatus.DECLINED).count(),
        "closed_this_year": cases.filter(status=CaseStatus.CLOSED, status_since__year=day.year).count(),
        "in_measure": running.values("youth_id").distinct().count(),
    }


def section_context(user: Any, youth: Youth) -> dict:
    """The youth page's case sections (one ``CaseView`` shared by all of them). Reading confidential
    entries is audited once per page."""
    from kaa.accounts.policy import case_may_read
    from kaa.audit.services import audit_youth_view

    if not case_may_read(user, youth):
        return {"view": None}
    view = youth_case(user, youth)
    if not getattr(view, "audited", False):
        view.audited = True
        if any(e.confidential for e in view.journal):
            audit_youth_view(user=user, youth=youth, detail="journal+confidential")
    return {"view": view}


# --- Partners and referrals ------------------------------------------------------------------------------

def partners(*, user: Any, manage: bool = False, active_only: bool = False) -> QuerySet[Partner]:
    """The partners of the user's municipalities (those the user keeps, with ``manage``)."""
    ids = partner_municipality_ids(user) if manage else case_municipality_ids(user)
    qs = Partner.objects.filter(municipality_id__in=ids)
    if active_only:
        qs = qs.filter(active=True)
    return qs.select_related("municipality").annotate(
        referral_count=Count("referrals", distinct=True)).order_by("-active", "name", "pk")


def partner_or_404(*, user: Any, pk: Any, manage: bool = False) -> Partner:
    try:
        return partners(user=user, manage=manage).get(pk=int(pk))
    except (Partner.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def partner_choices(*, youth: Youth) -> QuerySet[Partner]:
    """The active partners of the youth's municipality, to pick for a consent or a referral."""
    return Partner.objects.filter(municipality_id=youth.municipality_id, active=True).order_by("name", "pk")


def referrals_of(*, youth: Youth) -> list[Referral]:
    """The youth's referrals, newest first (the caller has checked the case access)."""
    return list(Referral.objects.filter(youth=youth).select_related("partner", "created_by", "answered_by")
                .order_by("-referred_on", "-pk"))


def referral_or_404(*, youth: Youth, pk: Any) -> Referral:
    try:
        return Referral.objects.select_related("youth", "partner").get(pk=int(pk), youth=youth)
    except (Referral.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def referral_section_context(user: Any, youth: Youth) -> dict:
    """The youth page's referrals section: the list and whether the user may refer."""
    from kaa.accounts.policy import case_may_read

    if not case_may_read(user, youth):
        return {"referrals": None}
    return {"referrals": referrals_of(youth=youth), "may_refer": case_may_refer(user, youth)}
