"""Reads of thinning: the rules, which youths a rule makes due, the preview (counts per kind, never
names) and, for one youth, when each kind of their data is thinned and under which rule (the answer
to a request for erasure).

A youth's data is due only when the youth is out of the target group, has been in it (so a
15-year-old known from the population extract is never "out"), and has no open case (open, or
declined with re-contact planned): ``due_youths`` says so in one query, and the run asks it again
for every batch inside its transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as When_
from django.db.models import DateField, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaa.accounts.policy import Perm, has_perm, municipality_ids_with
from kaa.casework.models import Case, CaseStatus
from kaa.imports.models import ImportRun
from kaa.messaging.models import LetterBatch
from kaa.organisations.models import Municipality
from kaa.register.models import RegisterPeriod, Youth

from .kinds import CONTACT_FIELDS, DEFAULTS, TARGETS, cutoff, due_on
from .models import YOUTH_KINDS, CountedFrom, DataKind, RetentionRule, RetentionRun

OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.DECLINED)
# The register's own kinds change what the register rules see: they are thinned only when the youth
# is past the target group's age for good (20; 25 under the extended responsibility).
REGISTER_KINDS = (DataKind.REGISTER_FACTS, DataKind.REGISTER_HISTORY)


def managed_municipalities(user: Any) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=municipality_ids_with(user, Perm.SETTINGS_MANAGE)).order_by("name")


def rules_of(municipality: Municipality) -> list[RetentionRule]:
    """The municipality's rules in the order of the kinds (the defaults where none is stored yet)."""
    stored = {r.kind: r for r in RetentionRule.objects.filter(municipality=municipality)}
    return [stored.get(kind) or default_rule(municipality, kind) for kind in DataKind.values]


def default_rule(municipality: Municipality, kind: str) -> RetentionRule:
    d = DEFAULTS[kind]
    return RetentionRule(
        municipality=municipality,
        kind=kind,
        keep=d.keep,
        months=d.months,
        counted_from=d.counted_from,
        from_year_end=d.from_year_end,
    )


def rule_or_404(user: Any, municipality_id: Any, kind: str) -> RetentionRule:
    from django.http import Http404

    municipality = managed_municipalities(user).filter(pk=municipality_id).first()
    if municipality is None or kind not in DataKind.values:
        raise Http404
    return next(r for r in rules_of(municipality) if r.kind == kind)


EVENTS = {
    CountedFrom.LEFT_TARGET_GROUP: lambda: _("the youth left the target group"),
    CountedFrom.CASE_CLOSED: lambda: _("the case was closed and the youth had left the target group"),
    CountedFrom.CREATED: lambda: _("the record was made"),
}


def period_text(rule: RetentionRule) -> str:
    """The rule in words: "36 months after the end of the year the case was closed …"."""
    if rule.keep:
        return _("Kept (archived), never thinned")
    event = EVENTS[rule.counted_from]()
    if rule.from_year_end:
        return ngettext(
            "%(n)s month after the end of the year %(event)s",
            "%(n)s months after the end of the year %(event)s",
            rule.months,
        ) % {"n": rule.months, "event": event}
    if rule.months == 0:
        return _("As soon as %(event)s") % {"event": event}
    return ngettext("%(n)s month after %(event)s", "%(n)s months after %(event)s", rule.months) % {
        "n": rule.months,
        "event": event,
    }


# --- which youths are due --------------------------------------------------------------------------


def _left_target_group() -> Subquery:
    """The day the youth's last period in the target group ended."""
    return Subquery(
        RegisterPeriod.objects.filter(youth=OuterRef("pk"), in_target_group=True, valid_to__isnull=False)
        .order_by()
        .values("youth")
        .annotate(last=Max("valid_to"))
        .values("last")[:1],
        output_field=DateField(),
    )


def with_event(qs: QuerySet[Youth], counted_from: str) -> QuerySet[Youth]:
    """Annotate ``event``: the day the rule's period counts from (None: it has not happened)."""
    qs = qs.annotate(
        left_on=_left_target_group(),
        closed_on=Subquery(
            Case.objects.filter(youth=OuterRef("pk"), status=CaseStatus.CLOSED).values("status_since")[:1],
            output_field=DateField(),
        ),
    )
    if counted_from == CountedFrom.LEFT_TARGET_GROUP:
        return qs.annotate(event=F("left_on"))
    # The case closed and the youth had left: the later of the two (a youth without a case: leaving).
    return qs.annotate(
        event=When_(
            When(closed_on__isnull=True, then=F("left_on")),
            When(left_on__isnull=True, then=Value(None, output_field=DateField())),
            When(closed_on__gt=F("left_on"), then=F("closed_on")),
            default=F("left_on"),
            output_field=DateField(),
        )
    )


def eligible_youths(municipality_id: int, kind: str, today: datetime.date) -> QuerySet[Youth]:
    """The youths whose data may be thinned at all: out of the target group, no open case (and, for the
    register's own kinds, past the target group's age for good)."""
    qs = Youth.objects.filter(municipality_id=municipality_id, in_target_group=False).exclude(
        pk__in=Case.objects.filter(status__in=OPEN_STATUSES).values("youth_id")
    )
    if kind in REGISTER_KINDS:
        qs = qs.filter(birth_date__lte=_years_before(today, _age_limit(municipality_id)))
    return qs


def due_youths(rule: RetentionRule, today: datetime.date) -> QuerySet[Youth]:
    """The youths whose data of the rule's kind is due today (ids, in id order)."""
    if rule.keep or rule.kind not in YOUTH_KINDS:
        return Youth.objects.none()
    day = cutoff(months=rule.months, from_year_end=rule.from_year_end, today=today)
    qs = with_event(eligible_youths(rule.municipality_id, rule.kind, today), rule.counted_from)
    return qs.filter(event__lt=day).order_by("pk")


def _age_limit(municipality_id: int) -> int:
    extended = Municipality.objects.filter(pk=municipality_id, extended_responsibility=True).exists()
    return 25 if extended else 20


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- the preview: counts per kind, never names -----------------------------------------------------


@dataclass
class KindPreview:
    rule: RetentionRule
    youths: int = 0
    records: int = 0

    @property
    def period(self) -> str:
        return period_text(self.rule)


def record_rows(rule: RetentionRule, today: datetime.date) -> QuerySet:
    """The installation's records of a record kind that are due (import runs, letter batches' PDFs)."""
    day = cutoff(months=rule.months, from_year_end=rule.from_year_end, today=today)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    if rule.kind == DataKind.IMPORT_RUNS:
        return ImportRun.objects.filter(municipality_id=rule.municipality_id, started_at__lt=start)
    if rule.kind == DataKind.LETTER_BATCHES:
        return LetterBatch.objects.filter(municipality_id=rule.municipality_id, created_at__lt=start).exclude(pdf="")
    return ImportRun.objects.none()


def contact_youths(youths: QuerySet[Youth]) -> QuerySet[Youth]:
    """Of these youths, those with a contact detail left to clear."""
    has_any = Q()
    for name in CONTACT_FIELDS:
        has_any |= ~Q(**{name: ""})
    return Youth.objects.filter(pk__in=youths.values("pk")).filter(has_any)


def preview(municipality: Municipality, today: datetime.date | None = None) -> list[KindPreview]:
    """What a run would remove today, per kind: youths and records (switched-off rules included, so an
    administrator sees a rule's effect before switching it on). The audit log's is the installation's
    (``audit_preview``)."""
    today = today or timezone.localdate()
    out = []
    for rule in rules_of(municipality):
        item = KindPreview(rule=rule)
        if rule.keep or rule.kind == DataKind.AUDIT:
            out.append(item)
            continue
        if rule.kind in YOUTH_KINDS:
            youths = due_youths(rule, today)
            item.youths = youths.count()
            ids = youths.values("pk")
            item.records = sum(t.rows(ids).count() for t in TARGETS.get(rule.kind, ()) if t.counted)
            if rule.kind == DataKind.CONTACT_DETAILS:
                item.records += contact_youths(youths).count()
        else:
            item.records = record_rows(rule, today).count()
        out.append(item)
    return out


def last_runs(municipality: Municipality, limit: int = 5) -> list[RetentionRun]:
    return list(RetentionRun.objects.filter(municipality=municipality)[:limit])


def audit_cutoff(today: datetime.date) -> datetime.date | None:
    """The day before which the installation's audit log may go: every municipality's audit rule must
    be switched on and not keep the log, and the longest of them decides (the log's months hold every
    municipality's entries, and PostgreSQL drops a month whole)."""
    municipality_ids = list(Municipality.objects.values_list("pk", flat=True))
    rules = list(
        RetentionRule.objects.filter(
            kind=DataKind.AUDIT, municipality_id__in=municipality_ids, enabled=True, keep=False
        )
    )
    if not municipality_ids or len(rules) < len(municipality_ids):
        return None
    return min(cutoff(months=r.months, from_year_end=r.from_year_end, today=today) for r in rules)


# --- one youth: when each kind of their data is thinned --------------------------------------------


@dataclass
class YouthSchedule:
    rule: RetentionRule
    status: str  # kept | off | open_case | in_target_group | waiting | due | on
    due: datetime.date | None = None

    @property
    def period(self) -> str:
        return period_text(self.rule)


def youth_schedule(*, user: Any, youth: Youth, today: datetime.date | None = None) -> list[YouthSchedule]:
    """For a request for erasure: each kind of the youth's data, when it is thinned and under which
    rule. The caller has read the youth within the user's scope (the youth page)."""
    today = today or timezone.localdate()
    rules = rules_of(youth.municipality)
    open_case = Case.objects.filter(youth=youth, status__in=OPEN_STATUSES).exists()
    events = {
        cf: with_event(Youth.objects.filter(pk=youth.pk), cf).values_list("event", flat=True).first()
        for cf in (CountedFrom.LEFT_TARGET_GROUP, CountedFrom.CASE_CLOSED)
    }
    out = []
    for rule in rules:
        if rule.kind in (DataKind.IMPORT_RUNS, DataKind.LETTER_BATCHES):
            continue  # not the youth's record
        out.append(_schedule(rule, youth, open_case, events, today))
    return out


def _schedule(rule: RetentionRule, youth: Youth, open_case: bool, events: dict, today: datetime.date) -> YouthSchedule:
    if rule.keep:
        return YouthSchedule(rule, "kept")
    if rule.kind == DataKind.AUDIT:
        return YouthSchedule(rule, "on" if rule.enabled else "off")
    if open_case:
        return YouthSchedule(rule, "open_case")
    if youth.in_target_group:
        return YouthSchedule(rule, "in_target_group")
    event = events.get(rule.counted_from)
    if event is None:
        return YouthSchedule(rule, "waiting")
    due = due_on(event=event, months=rule.months, from_year_end=rule.from_year_end)
    if rule.kind in REGISTER_KINDS:
        limit = _age_limit(youth.municipality_id)
        due = max(due, _years_after(youth.birth_date, limit))
    return YouthSchedule(rule, "due" if rule.enabled else "off", due=due)


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def youth_section_context(user: Any, youth: Youth) -> dict:
    if not has_perm(user, Perm.YOUTH_EXTRACT, youth.municipality_id):
        return {}
    return {
        "schedule": youth_schedule(user=user, youth=youth),
        "today": timezone.localdate(),
        "explain": _(
            "Public records are thinned only under the municipality's own decision. Until a "
            "kind of data is thinned, a request for erasure is answered with its rule."
        ),
    }
