"""Reads of the register, always scoped by the user's access (kaa.accounts.policy)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from kaa.accounts.models import Membership, Role
from kaa.accounts.policy import (
    CASEWORKER_ROLES,
    Perm,
    emergency_candidates,
    has_perm,
    municipality_ids_with,
    protected_grant_municipality_ids,
    visible_youths,
    youth_for_read_or_404,
    youth_or_404,
)
from kaa.audit.models import AuditEntry
from kaa.audit.selectors import audit_entries

from .identity import normalise_personnummer
from .models import EarlySignal, Enrolment, RegisterPeriod, SchoolReport, SignalStatus, Youth, YouthEvent

UNASSIGNED = "none"

SORTS = {
    "name": ("family_name", "given_name", "pk"),
    "age": ("-birth_date", "pk"),
    "reason": ("register_reason", "family_name", "given_name", "pk"),
    "since": ("register_since", "family_name", "pk"),
    "coach": ("coach__last_name", "coach__first_name", "family_name", "pk"),
}


def _search(qs: QuerySet[Youth], search: str) -> QuerySet[Youth]:
    search = (search or "").strip()
    if not search:
        return qs
    pnr = normalise_personnummer(search)
    if pnr:
        return qs.filter(personnummer=pnr)
    for word in search.split():
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return qs


def youth_list(*, user: Any, search: str = "") -> QuerySet[Youth]:
    """The caseworker's "my youths" list: every youth in the user's record scope."""
    qs = _search(visible_youths(user).select_related("municipality", "coach"), search)
    return qs.order_by("family_name", "given_name", "pk")


def youth_detail(*, user: Any, pk: Any) -> Youth:
    """A youth in the user's working scope (reading and writing)."""
    qs = Youth.objects.select_related("municipality", "coach", "team")
    return youth_or_404(user, pk, qs)


def youth_page(*, user: Any, pk: Any) -> Youth:
    """The youth page: the working scope and, for reading only, the user's active emergency accesses."""
    qs = Youth.objects.select_related("municipality", "coach", "team")
    return youth_for_read_or_404(user, pk, qs)


def emergency_candidates_get(*, user: Any, pk: int) -> Youth | None:
    """A youth the user may open with emergency access, or None (another municipality, a protected
    identity without the grant, no such id: all alike)."""
    return emergency_candidates(user, Youth.objects.select_related("municipality")).filter(pk=pk).first()


EMERGENCY_SEARCH_LIMIT = 20


def emergency_search(*, user: Any, search: str) -> list[tuple[Youth, bool]]:
    """Youths of the user's own municipalities to open with emergency access: by record id or by name
    (never by personnummer), protected identities only with the grant. Each with whether it is already
    in the user's scope."""
    search = (search or "").strip()
    if not search:
        return []
    qs = emergency_candidates(user, Youth.objects.select_related("municipality"))
    if search.isdigit():
        qs = qs.filter(pk=int(search))
    else:
        words = search.split()[:4]
        for word in words:
            qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    youths = list(qs.order_by("family_name", "given_name", "pk")[:EMERGENCY_SEARCH_LIMIT])
    in_scope = set(visible_youths(user).filter(pk__in=[y.pk for y in youths]).values_list("pk", flat=True))
    return [(y, y.pk in in_scope) for y in youths]


def youth_audit_log(*, user: Any, pk: Any, **filters: Any) -> tuple[Youth, QuerySet[AuditEntry]]:
    """Who has seen or changed a youth: its audit entries, newest first.

    The youth record's rule comes first: a youth outside the user's record scope (a protected
    identity without the grant included) answers 404 exactly as a missing id does, and so does one
    in a municipality where the user may not read the audit log. ``filters``: the date range and
    action of ``audit_entries``.
    """
    youth = youth_or_404(user, pk)
    if not has_perm(user, Perm.AUDIT_VIEW, youth.municipality_id):
        raise Http404
    return youth, audit_entries(user=user, youth_id=youth.pk, **filters)


# --- The coordinator's register list ---------------------------------------------------------------

@dataclass(frozen=True)
class RegisterFilters:
    search: str = ""
    status: str = "in"  # "in", "out", "extended" (UKAA, 20–24) or "" (all)
    reason: str = ""
    age_from: int | None = None
    age_to: int | None = None
    school: str = ""  # school-unit code (or name when there is no code) of the latest enrolment
    coach: str = ""  # a user id, or UNASSIGNED
    since_from: datetime.date | None = None
    since_to: datetime.date | None = None
    sort: str = "name"


def _latest_enrolment(field: str) -> Subquery:
    latest = Enrolment.objects.filter(youth=OuterRef("pk"), cancelled=False).order_by("-start_date", "-pk")
    return Subquery(latest.values(field)[:1])


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# What the register list and its export read of a youth and its coach (``str(coach)``).
REGISTER_LIST_FIELDS = (
    "municipality", "personnummer", "birth_date", "given_name", "family_name", "protection", "coach",
    "in_target_group", "register_reason", "register_since", "register_extended",
    "coach__first_name", "coach__last_name", "coach__username",
)


def register_list(*, user: Any, filters: RegisterFilters, on: datetime.date | None = None) -> QuerySet[Youth]:
    """The register of the municipalities where the user holds REGISTER_VIEW, filtered and sorted.

    One query whatever the size: the latest school is a subquery annotation, not a query per row. Only the
    columns the list and its export show are read (``REGISTER_LIST_FIELDS``); the latest school's code is
    computed only when the school filter asks for it.
    """
    today = on or timezone.localdate()
    qs = visible_youths(user).filter(municipality_id__in=municipality_ids_with(user, Perm.REGISTER_VIEW))
    qs = qs.select_related("coach").only(*REGISTER_LIST_FIELDS).annotate(
        latest_school=_latest_enrolment("school_unit_name"),
    ).alias(latest_school_code=_latest_enrolment("school_unit_code"))
    qs = _search(qs, filters.search)
    if filters.status in ("in", "out"):
        qs = qs.filter(in_target_group=filters.status == "in")
    elif filters.status == "extended":
        qs = qs.filter(register_extended=True)
    if filters.reason:
        qs = qs.filter(register_reason=filters.reason)
    if filters.age_from is not None:
        qs = qs.filter(birth_date__lte=_years_before(today, filters.age_from))
    if filters.age_to is not None:
        qs = qs.filter(birth_date__gt=_years_before(today, filters.age_to + 1))
    if filters.school:
        qs = qs.filter(Q(latest_school_code=filters.school) | Q(latest_school_code="", latest_school=filters.school))
    if filters.coach == UNASSIGNED:
        qs = qs.filter(coach__isnull=True)
    elif filters.coach.isdigit():
        qs = qs.filter(coach_id=int(filters.coach))
    if filters.since_from:
        qs = qs.filter(register_since__gte=filters.since_from)
    if filters.since_to:
        qs = qs.filter(register_since__lte=filters.since_to)
    key = filters.sort.lstrip("-")
    order = SORTS.get(key, SORTS["name"])
    if filters.sort.startswith("-"):
        order = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in order)
    if key == "coach":
        # Unassigned youths last, whatever the direction.
        first, *rest = order
        lead = F(first.lstrip("-"))
        order = (lead.desc(nulls_last=True) if first.startswith("-") else lead.asc(nulls_last=True), *rest)
    return qs.order_by(*order)


SCHOOL_CHOICES_TTL = 600


def school_choices(*, user: Any) -> list[tuple[str, str]]:
    """School units of the enrolments of the user's register.

    Scanning every enrolment is the slowest part of the register list on a large register, so the result is
    cached, keyed by the municipalities and the newest enrolment id (a primary-key lookup): a new enrolment
    changes the key at once.
    """
    ids = municipality_ids_with(user, Perm.REGISTER_VIEW)
    newest = Enrolment.objects.order_by("-pk").values_list("pk", flat=True).first()
    key = f"register:school_choices:{','.join(map(str, ids))}:{newest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = (Enrolment.objects.filter(youth__municipality_id__in=ids).exclude(school_unit_name="")
            .values_list("school_unit_code", "school_unit_name").distinct().order_by("school_unit_name"))
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code or name, name)
    choices = sorted(seen.items(), key=lambda kv: kv[1])
    cache.set(key, choices, SCHOOL_CHOICES_TTL)
    return choices


def coach_choices(*, user: Any) -> list[tuple[str, str]]:
    """Caseworkers of the user's register municipalities (one query; a county has hundreds, so plain
    tuples rather than users), each named as ``str(user)`` names them."""
    ids = municipality_ids_with(user, Perm.REGISTER_VIEW)
    users = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(municipality_id__in=ids, role__in=[*CASEWORKER_ROLES, Role.COORDINATOR])
        .values("user_id")).order_by("last_name", "first_name", "username")
    return [(str(pk), f"{first} {last}".strip() or username)
            for pk, first, last, username in users.values_list("pk", "first_name", "last_name", "username")]


# --- The youth page --------------------------------------------------------------------------------

def youth_enrolments(*, youth: Youth) -> list[Enrolment]:
    return list(youth.enrolments.order_by("-start_date", "-pk"))


TIMELINE_PAGE = 25  # items of the register history a page shows at once; "show older" brings the next
TIMELINE_MAX_OFFSET = 100_000


@dataclass
class Timeline:
    """A slice of the youth's register history, newest first: periods and events as plain dicts for the
    template. ``offset`` items newer than these were shown before; ``more``: older ones exist."""

    items: list[dict]
    offset: int
    more: bool

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> dict:
        return self.items[index]


def youth_timeline(*, youth: Youth, offset: int = 0, limit: int = TIMELINE_PAGE) -> Timeline:
    """Register periods and events, newest first (events of a day by time), ``limit`` of them after the
    ``offset`` newest: each source reads only its newest ``offset + limit + 1`` rows, so the page costs the
    same for a youth with 500 events as with 5, and every item stays reachable page by page."""
    offset = max(0, min(offset, TIMELINE_MAX_OFFSET))
    wanted = offset + limit + 1
    items: list[dict] = []
    for p in RegisterPeriod.objects.filter(youth=youth).order_by("-valid_from", "-pk")[:wanted]:
        items.append({"type": "period", "date": p.valid_from, "period": p, "sort": (p.valid_from, 0, p.pk)})
    events = (YouthEvent.objects.filter(youth=youth).select_related("actor")
              .order_by("-occurred_at", "-pk")[:wanted])
    for e in events:
        day = timezone.localdate(e.occurred_at)
        items.append({"type": "event", "date": day, "event": e, "sort": (day, 1, e.occurred_at, e.pk)})
    items.sort(key=lambda item: item["sort"], reverse=True)
    for n, item in enumerate(items):
        item["n"] = n
    return Timeline(items=items[offset:offset + limit], offset=offset, more=len(items) > offset + limit)


# --- School reports and early signals --------------------------------------------------------------

def _about_protected_person() -> Exists:
    """Whether a youth with the row's personnummer (in any municipality) has a protected identity."""
    return Exists(Youth.objects.filter(personnummer=OuterRef("personnummer")).exclude(protection=""))


def _withheld(user: Any) -> Q:
    """Rows about a person with a protected identity (the register says so, or the school marked it),
    in a municipality where the user lacks the protected-identity grant: their details are withheld,
    as the youth's record is (kaa.accounts.policy)."""
    granted = protected_grant_municipality_ids(user, Perm.SCHOOL_SIGNALS_VIEW)
    return ~Q(municipality_id__in=granted) & (Q(protected=True) | Q(about_protected=True))


def _school_reports_all(user: Any, handled: bool | None) -> QuerySet[SchoolReport]:
    ids = municipality_ids_with(user, Perm.SCHOOL_SIGNALS_VIEW)
    qs = (SchoolReport.objects.filter(municipality_id__in=ids)
          .annotate(about_protected=_about_protected_person()))
    if handled is not None:
        qs = qs.filter(handled_at__isnull=not handled)
    return qs


def school_reports(*, user: Any, handled: bool | None = None) -> QuerySet[SchoolReport]:
    """Leaving reports the user may read in full (never one about a protected pupil without the grant)."""
    qs = (_school_reports_all(user, handled).exclude(_withheld(user))
          .select_related("youth", "reported_by", "handled_by"))
    return qs.order_by("handled_at", "-created_at", "-pk") if handled is None else qs


def school_reports_withheld(*, user: Any, handled: bool | None = None) -> int:
    """How many leaving reports are about protected pupils the user may not see (shown as a count only)."""
    return _school_reports_all(user, handled).filter(_withheld(user)).count()


def own_school_reports(*, user: Any, days: int = 60) -> QuerySet[SchoolReport]:
    since = timezone.now() - datetime.timedelta(days=days)
    return SchoolReport.objects.filter(reported_by=user, created_at__gte=since)


def own_early_signals(*, user: Any, days: int = 60) -> QuerySet[EarlySignal]:
    since = timezone.now() - datetime.timedelta(days=days)
    return EarlySignal.objects.filter(reported_by=user, created_at__gte=since)


def _early_signals_all(user: Any, status: str) -> QuerySet[EarlySignal]:
    ids = municipality_ids_with(user, Perm.SCHOOL_SIGNALS_VIEW)
    qs = EarlySignal.objects.filter(municipality_id__in=ids).annotate(about_protected=_about_protected_person())
    if status in SignalStatus.values:
        qs = qs.filter(status=status)
    return qs


def early_signals(*, user: Any, status: str = "") -> QuerySet[EarlySignal]:
    """Early signals the user may read in full; ``youth_pk`` is the register's record of the pupil, if any."""
    youth = Youth.objects.filter(personnummer=OuterRef("personnummer")).values("pk")[:1]
    return (_early_signals_all(user, status).exclude(_withheld(user)).select_related("reported_by")
            .annotate(youth_pk=Subquery(youth)))


def early_signals_withheld(*, user: Any, status: str = "") -> int:
    """How many early signals are about protected pupils the user may not see (shown as a count only)."""
    return _early_signals_all(user, status).filter(_withheld(user)).count()


def school_signal_summary(user: Any) -> dict:
    """Start-page section for the coordinator: unhandled leaving reports, new early signals."""
    ids = municipality_ids_with(user, Perm.SCHOOL_SIGNALS_VIEW)
    reports = SchoolReport.objects.filter(municipality_id__in=ids, handled_at__isnull=True).aggregate(
        n=Count("pk"), unknown=Count("pk", filter=Q(youth__isnull=True)))
    signals = EarlySignal.objects.filter(municipality_id__in=ids, status=SignalStatus.NEW).count()
    return {"unhandled": reports["n"], "unmatched": reports["unknown"], "new_signals": signals}


def school_staff_summary(user: Any) -> dict:
    return {"recent": own_school_reports(user=user, days=30).count()
            + own_early_signals(user=user, days=30).count()}
