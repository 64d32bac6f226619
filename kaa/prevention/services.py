"""Writes of preventive work. Each is one transaction, asks the access policy and writes the audit log
(ids and field names, never values). Nothing here writes the register: no register period, no youth
fact, no YouthEvent about absence. The one bridge is ``preventive_carry``: when a pupil with a preventive
case enters the register, the preventive mapping becomes the first version of the case work's mapping.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.policy import (
    Perm,
    has_perm,
    may_work_preventively,
    preventive_case_scope,
)
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework.models import MAPPING_FIELDS, Mapping
from kaa.casework.services import EV_MAPPING, case_ensure
from kaa.core.bulk import bulk_insert, bulk_set
from kaa.organisations.models import Municipality
from kaa.register.identity import parse_identity
from kaa.register.models import EarlySignal, SignalStatus, Youth, YouthEvent

from .attendance import read_attendance
from .models import (
    AttendanceImport,
    AttendanceSettings,
    AttendanceSignal,
    AttendanceWeek,
    CaseWorker,
    MeetingKind,
    Origin,
    PreventiveCase,
    PreventiveMapping,
    PreventiveMeeting,
    PreventiveStatus,
    SchoolStage,
    SignalState,
)

CREATE, UPDATE, DELETE = AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE
TEXT_LIMIT = 10000
SIGNAL_FIELDS = ("first_week", "last_week", "weeks", "average_unexcused", "protected")


def _audit(
    user: Any,
    action: str,
    case: PreventiveCase,
    object_type: str = "preventive_case",
    obj: Any = None,
    fields: Iterable[str] = (),
    detail: str = "",
) -> None:
    audit_record(
        user=user,
        action=action,
        object_type=object_type,
        object_id=getattr(obj or case, "pk", obj),
        youth_id=case.youth_id,
        municipality_id=case.municipality_id,
        fields=list(fields),
        detail=detail,
    )


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _require_worker(user: Any, case: PreventiveCase) -> None:
    """Only the people working with the pupil write to the case (the same scope as reading it)."""
    if not PreventiveCase.objects.filter(preventive_case_scope(user), pk=case.pk).exists():
        raise PermissionDenied


def _text(value: str | None, field: str, errors: dict, limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    return text


def _not_future(day: datetime.date | None, field: str, errors: dict) -> None:
    if day is None:
        errors[field] = _("Enter a date.")
    elif day > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")


def _touch(case: PreventiveCase, day: datetime.date) -> None:
    if day > case.last_activity_on:
        case.last_activity_on = day
        case.save(update_fields=["last_activity_on"])


def _is_protected(personnummer: str, marked: bool) -> bool:
    return marked or Youth.objects.filter(personnummer=personnummer).exclude(protection="").exists()


# --- Opening a preventive case ------------------------------------------------------------------------


@transaction.atomic
def preventive_case_open(
    *,
    user: Any,
    municipality_id: int,
    personnummer: str,
    given_name: str,
    family_name: str,
    stage: str,
    consent: bool,
    consent_by: str,
    consent_on: datetime.date,
    school_unit_name: str = "",
    early_signal: EarlySignal | None = None,
    attendance_signal: AttendanceSignal | None = None,
    protected: bool = False,
) -> PreventiveCase:
    """Open a preventive case from a signal, with the consent of the pupil or a guardian. The one who opens it
    is the first person working with the pupil. Never creates or changes a Youth."""
    errors: dict = {}
    if not consent:
        errors["consent"] = _("Consent: a preventive case needs the consent of the pupil or a guardian.")
    if stage not in SchoolStage.values:
        errors["stage"] = _("School year: a preventive case is for pupils in year 8 or 9 or in upper-secondary school.")
    if consent_by not in ("pupil", "guardian"):
        errors["consent_by"] = _("Choose who gave the consent.")
    _not_future(consent_on, "consent_on", errors)
    try:
        ident = parse_identity(personnummer)
    except ValueError:
        errors["personnummer"] = _("Invalid personal identity number (wrong check digit or date).")
        ident = None
    for name, value in (("given_name", given_name), ("family_name", family_name)):
        if not (value or "").strip():
            errors[name] = _("Enter the pupil's name.")
    if errors:
        raise ValidationError(errors)
    marked = protected or any(s is not None and s.protected for s in (early_signal, attendance_signal))
    protected = _is_protected(ident.number, marked)
    if not may_work_preventively(user, municipality_id, protected):
        raise PermissionDenied
    if PreventiveCase.objects.filter(
        municipality_id=municipality_id, personnummer=ident.number, status=PreventiveStatus.OPEN
    ).exists():
        raise ValidationError({"__all__": _("The pupil already has an open preventive case.")})
    today = timezone.localdate()
    case = PreventiveCase.objects.create(
        municipality_id=municipality_id,
        personnummer=ident.number,
        birth_date=ident.birth_date,
        given_name=given_name.strip()[:100],
        family_name=family_name.strip()[:100],
        school_unit_name=(school_unit_name or "").strip()[:200],
        stage=stage,
        protected=protected,
        origin=Origin.ATTENDANCE if attendance_signal else Origin.EARLY_SIGNAL,
        early_signal=early_signal,
        attendance_signal=attendance_signal,
        consent_by=consent_by,
        consent_on=consent_on,
        last_activity_on=today,
        opened_by=_actor(user),
    )
    CaseWorker.objects.create(case=case, user=user, added_by=_actor(user))
    _audit(
        user, CREATE, case, fields=["consent_by", "consent_on", "personnummer", "stage"], detail=f"from:{case.origin}"
    )
    if early_signal is not None and early_signal.status == SignalStatus.NEW:
        early_signal.status = SignalStatus.CONTACTED
        early_signal.save(update_fields=["status", "updated_at"])
        audit_record(
            user=user,
            action=UPDATE,
            object_type="early_signal",
            object_id=early_signal.pk,
            municipality_id=early_signal.municipality_id,
            fields=["status"],
            detail="preventive_case",
        )
    if attendance_signal is not None:
        _signal_handled(attendance_signal, user, SignalState.CASE_OPENED)
    return case


@transaction.atomic
def preventive_worker_add(*, case: PreventiveCase, user: Any, colleague: Any) -> CaseWorker:
    """Name a colleague among the people working with the pupil (they then see the case)."""
    _require_worker(user, case)
    if not may_work_preventively(colleague, case.municipality_id, case.protected):
        raise ValidationError({"colleague": _("The colleague does not do preventive work in the municipality.")})
    worker, created = CaseWorker.objects.get_or_create(case=case, user=colleague, defaults={"added_by": _actor(user)})
    if created:
        _audit(user, CREATE, case, object_type="preventive_case_worker", obj=worker, fields=["user"])
    return worker


@transaction.atomic
def preventive_meeting_record(
    *,
    case: PreventiveCase,
    user: Any,
    kind: str,
    held_on: datetime.date,
    participants: str,
    notes: str = "",
    follow_up_on: datetime.date | None = None,
) -> PreventiveMeeting:
    """A meeting with who took part and notes; optionally the date of the next follow-up."""
    _require_worker(user, case)
    errors: dict = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("Choose a meeting from the list.")
    _not_future(held_on, "held_on", errors)
    participants = _text(participants, "participants", errors, limit=300)
    if not participants:
        errors["participants"] = _("Write who took part (e.g. the pupil, a guardian, the mentor).")
    notes = _text(notes, "notes", errors)
    if follow_up_on is not None and held_on is not None and follow_up_on < held_on:
        errors["follow_up_on"] = _("The follow-up cannot be before the meeting.")
    if errors:
        raise ValidationError(errors)
    meeting = PreventiveMeeting.objects.create(
        case=case, kind=kind, held_on=held_on, participants=participants, notes=notes, recorded_by=_actor(user)
    )
    if follow_up_on is not None:
        case.follow_up_on = follow_up_on
        case.save(update_fields=["follow_up_on"])
    _touch(case, held_on)
    _audit(
        user,
        CREATE,
        case,
        object_type="preventive_meeting",
        obj=meeting,
        fields=["held_on", "kind", "notes", "participants", *(["follow_up_on"] if follow_up_on else [])],
    )
    return meeting


@transaction.atomic
def preventive_mapping_save(
    *, case: PreventiveCase, user: Any, held_on: datetime.date, **fields: str
) -> PreventiveMapping:
    """A new version of the pupil's mapping (the same questions as the case work's mapping)."""
    _require_worker(user, case)
    unknown = set(fields) - set(MAPPING_FIELDS)
    if unknown:
        raise TypeError(f"unknown mapping fields: {sorted(unknown)}")
    errors: dict = {}
    values = {name: _text(fields.get(name, ""), name, errors) for name in MAPPING_FIELDS}
    for name in ("place", "participants"):
        limit = PreventiveMapping._meta.get_field(name).max_length
        if len(values[name]) > limit:
            errors[name] = _("At most %(n)d characters.") % {"n": limit}
    _not_future(held_on, "held_on", errors)
    previous = case.mappings.order_by("-version").first()
    changed = [n for n in MAPPING_FIELDS if values[n] != (getattr(previous, n) if previous else "")]
    if previous is not None and not changed and previous.held_on == held_on:
        errors["__all__"] = _("Nothing has changed since the last version.")
    if previous is None and not any(values.values()):
        errors["__all__"] = _("Write down at least something the pupil told you.")
    if errors:
        raise ValidationError(errors)
    mapping = PreventiveMapping.objects.create(
        case=case, version=(previous.version + 1) if previous else 1, held_on=held_on, created_by=_actor(user), **values
    )
    _touch(case, held_on)
    _audit(user, CREATE, case, object_type="preventive_mapping", obj=mapping, fields=[*changed, "held_on"])
    return mapping


@transaction.atomic
def preventive_case_close(*, case: PreventiveCase, user: Any) -> PreventiveCase:
    """The preventive work is done. The case stays (for its people) until it is thinned or carried."""
    _require_worker(user, case)
    if case.status == PreventiveStatus.OPEN:
        case.status, case.closed_on = PreventiveStatus.CLOSED, timezone.localdate()
        case.save(update_fields=["status", "closed_on"])
        _audit(user, UPDATE, case, fields=["closed_on", "status"])
    return case


# --- Carrying the mapping into the case work --------------------------------------------------------


def _carry_one(case: PreventiveCase, youth: Youth) -> None:
    mapping = case.mappings.order_by("-version").first()
    carried_id = None
    if mapping is not None and not Mapping.objects.filter(youth=youth).exists():
        # The coach finds the pupil's mapping as the case's first version: the youth is not asked again.
        case_ensure(youth=youth, on=mapping.held_on)
        carried = Mapping.objects.create(
            youth=youth,
            version=1,
            held_on=mapping.held_on,
            created_by=mapping.created_by,
            **{name: getattr(mapping, name) for name in MAPPING_FIELDS},
        )
        carried_id = carried.pk
        YouthEvent.objects.create(
            youth=youth,
            kind=EV_MAPPING,
            actor=mapping.created_by,
            data={
                "mapping_id": carried.pk,
                "version": 1,
                "changed": [n for n in MAPPING_FIELDS if getattr(mapping, n)],
                "from_preventive_case": True,
            },
        )
        audit_record(
            user=None,
            action=CREATE,
            object_type="mapping",
            object_id=carried.pk,
            youth_id=youth.pk,
            municipality_id=youth.municipality_id,
            fields=[*MAPPING_FIELDS, "held_on"],
            detail=f"prevention_carry:{case.pk}",
        )
    case.status, case.youth, case.carried_at = PreventiveStatus.CARRIED, youth, timezone.now()
    case.carried_mapping_id = carried_id
    case.save(update_fields=["status", "youth", "carried_at", "carried_mapping_id"])
    _audit(None, UPDATE, case, fields=["carried_at", "status", "youth"], detail="entered_register")


def preventive_carry(*, youth_ids: Iterable[int] | None = None) -> int:
    """Carry the preventive cases of pupils now in the register (the same municipality) into the case work.

    Called by the register computation for the youths that entered (``RegisterConfig`` hook declared on our
    AppConfig, ``register_entered``) and by the nightly job for any missed. Returns the cases carried."""
    pending = PreventiveCase.objects.exclude(status=PreventiveStatus.CARRIED)
    if not pending.exists():
        return 0
    youths = Youth.objects.filter(in_target_group=True)
    if youth_ids is not None:
        youths = youths.filter(pk__in=list(youth_ids))
    by_pnr = {
        (y.personnummer, y.municipality_id): y for y in youths.filter(personnummer__in=pending.values("personnummer"))
    }
    count = 0
    with transaction.atomic():
        for case in pending.filter(personnummer__in=[p for p, _m in by_pnr]).select_for_update():
            youth = by_pnr.get((case.personnummer, case.municipality_id))
            if youth is not None:
                _carry_one(case, youth)
                count += 1
    return count


def register_entered(youth_ids: list[int]) -> None:
    """The register's hook (``kaa.register.hooks``): youths that just entered the register."""
    preventive_carry(youth_ids=youth_ids)


# --- Thinning (gallring) -------------------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def thinning_date(case: PreventiveCase, months: int) -> datetime.date:
    """When a preventive case of a pupil who never entered KAA is deleted (docs/attendance.md, "Thinning"):
    ``months`` after the later of the end of compulsory school (30 June of the year the pupil turns 16) and
    the case's last activity; at the latest on the pupil's 20th birthday."""
    end_of_compulsory = datetime.date(case.birth_date.year + 16, 6, 30)
    later = max(end_of_compulsory, case.last_activity_on)
    born = case.birth_date
    twentieth = (
        born.replace(year=born.year + 20) if (born.month, born.day) != (2, 29) else datetime.date(born.year + 20, 3, 1)
    )
    return min(_add_months(later, months), twentieth)


@transaction.atomic
def preventive_thin(*, on: datetime.date | None = None) -> int:
    """Delete the preventive cases past their thinning date whose pupil never entered KAA (carried cases stay
    with the case work). One audit entry per case (its id, with the counts of what went with it) and one per
    municipality with the total. Returns the number deleted."""
    on = on or timezone.localdate()
    months = dict(AttendanceSettings.objects.values_list("municipality_id", "thinning_months"))
    pending = PreventiveCase.objects.exclude(status=PreventiveStatus.CARRIED).annotate(
        n_meetings=Count("meetings", distinct=True), n_mappings=Count("mappings", distinct=True)
    )
    due = [c for c in pending if thinning_date(c, months.get(c.municipality_id, DEFAULT_THINNING_MONTHS)) <= on]
    per_municipality: dict[int, int] = {}
    for case in due:
        audit_record(
            user=None,
            action=DELETE,
            object_type="preventive_case",
            object_id=case.pk,
            municipality_id=case.municipality_id,
            fields=["mappings", "meetings", "workers"],
            detail=f"thinning:meetings={case.n_meetings}:mappings={case.n_mappings}",
        )
        per_municipality[case.municipality_id] = per_municipality.get(case.municipality_id, 0) + 1
    PreventiveCase.objects.filter(pk__in=[c.pk for c in due]).delete()
    for municipality_id, n in per_municipality.items():
        audit_record(
            user=None,
            action=DELETE,
            object_type="preventive_case",
            municipality_id=municipality_id,
            detail=f"thinning:cases={n}",
        )
    return len(due)


DEFAULT_THINNING_MONTHS = AttendanceSettings._meta.get_field("thinning_months").default


# --- Attendance -------------------------------------------------------------------------------------


def attendance_settings_for(municipality: Municipality) -> AttendanceSettings:
    found = AttendanceSettings.objects.filter(municipality=municipality).first()
    return found or AttendanceSettings(municipality=municipality)


@transaction.atomic
def attendance_settings_save(
    *, municipality: Municipality, user: Any, threshold_percent: int, weeks: int, keep_weeks: int, thinning_months: int
) -> AttendanceSettings:
    if not has_perm(user, Perm.SETTINGS_MANAGE, municipality.pk):
        raise PermissionDenied
    errors: dict = {}
    if not 1 <= threshold_percent <= 100:
        errors["threshold_percent"] = _("Enter a percentage from 1 to 100.")
    if not 1 <= weeks <= 10:
        errors["weeks"] = _("Enter 1 to 10 weeks.")
    if not weeks <= keep_weeks <= 104:
        errors["keep_weeks"] = _("Keep at least as many weeks as the signal needs, at most 104.")
    if not 1 <= thinning_months <= 60:
        errors["thinning_months"] = _("Enter 1 to 60 months.")
    if errors:
        raise ValidationError(errors)
    cfg, _created = AttendanceSettings.objects.update_or_create(
        municipality=municipality,
        defaults={
            "threshold_percent": threshold_percent,
            "weeks": weeks,
            "keep_weeks": keep_weeks,
            "thinning_months": thinning_months,
        },
    )
    audit_record(
        user=user,
        action=UPDATE,
        object_type="attendance_settings",
        object_id=cfg.pk,
        municipality_id=municipality.pk,
        fields=["keep_weeks", "thinning_months", "threshold_percent", "weeks"],
    )
    attendance_signals_refresh(municipality=municipality)
    return cfg


def _read(source: bytes | str | IO[bytes]) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, ""
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return handle.read(), source.rsplit("/", 1)[-1]
    return source.read(), getattr(source, "name", "") or ""


def attendance_import(
    *, source: bytes | str | IO[bytes], municipality: Municipality, user: Any = None, filename: str = ""
) -> AttendanceImport:
    """Import an attendance file for one municipality: all of it, or (any error) none of it.

    A file holds the complete attendance of the weeks it covers: it replaces what was stored for those weeks
    in the municipality (importing the same file twice changes nothing). Then the signals are refreshed.
    Rows are written set-based (``kaa.core.bulk``)."""
    started = time.perf_counter()
    data, name = _read(source)
    parsed = read_attendance(data)
    run = AttendanceImport(
        municipality=municipality, filename=(filename or name)[:200], format=parsed.format, started_by=_actor(user)
    )
    if parsed.errors:
        run.errors, run.error_count = [i.as_dict() for i in parsed.errors], parsed.errors.total
        run.seconds = time.perf_counter() - started
        run.save()
        audit_record(
            user=user,
            action=CREATE,
            object_type="attendance_import",
            object_id=run.pk,
            municipality_id=municipality.pk,
            detail="refused",
        )
        return run
    weeks = parsed.weeks
    with transaction.atomic():
        AttendanceWeek.objects.filter(municipality=municipality, week__in=weeks).delete()
        bulk_insert(
            AttendanceWeek,
            ("municipality", "personnummer", "week", "absence_percent", "unexcused_percent", "protected"),
            ((municipality.pk, *row) for row in parsed.rows),
        )
        run.signals = attendance_signals_refresh(municipality=municipality)
        run.ok, run.rows = True, len(parsed.rows)
        run.weeks = [w.isoformat() for w in weeks]
        run.errors = [i.as_dict() for i in parsed.warnings]
        run.seconds = time.perf_counter() - started
        run.save()
        audit_record(
            user=user,
            action=CREATE,
            object_type="attendance_import",
            object_id=run.pk,
            municipality_id=municipality.pk,
            fields=["absence_percent", "unexcused_percent", "week"],
            detail=f"rows:{run.rows}",
        )
    return run


def attendance_signals_refresh(*, municipality: Municipality) -> int:
    """Recompute the municipality's attendance signals: pupils whose unexcused absence was at or above the
    threshold in each of the N latest weeks imported. New signals that no longer hold go away; a signal
    someone acted on stays (a dismissed one comes back when a new run of weeks starts after it was
    dismissed). Returns the number of new (unhandled) signals."""
    cfg = attendance_settings_for(municipality)
    rows = AttendanceWeek.objects.filter(municipality=municipality)
    latest = rows.aggregate(latest=Max("week"))["latest"]
    qualifying: dict[str, dict] = {}
    first = latest
    if latest is not None:
        weeks = [latest - datetime.timedelta(weeks=i) for i in range(cfg.weeks)]
        qualifying = {
            r["personnummer"]: r
            for r in (
                rows.filter(week__in=weeks, unexcused_percent__gte=cfg.threshold_percent)
                .values("personnummer")
                .annotate(n=Count("pk"), avg=Avg("unexcused_percent"), prot=Count("pk", filter=Q(protected=True)))
                .filter(n=cfg.weeks)
            )
        }
        first = weeks[-1]
    existing = {
        pnr: (pk, (status, handled_at, by), values)
        for pk, pnr, status, handled_at, by, *values in AttendanceSignal.objects.filter(
            municipality=municipality
        ).values_list("pk", "personnummer", "status", "handled_at", "handled_by", *SIGNAL_FIELDS)
    }
    AttendanceSignal.objects.filter(municipality=municipality, status=SignalState.NEW).exclude(
        personnummer__in=list(qualifying)
    ).delete()
    new, changed = [], []
    for pnr, r in qualifying.items():
        values = (first, latest, cfg.weeks, Decimal(str(round(float(r["avg"]), 1))), r["prot"] > 0)
        found = existing.get(pnr)
        if found is None:
            new.append((municipality.pk, pnr, *values))
            continue
        pk, state, old = found
        # A dismissed signal comes back when a new run of weeks starts after it was dismissed.
        renewed = state[0] == SignalState.DISMISSED and state[1] and timezone.localdate(state[1]) < first
        if renewed or tuple(old) != values:
            changed.append((pk, *values, *((SignalState.NEW, None, None) if renewed else state)))
    # Set-based writes (kaa.core.bulk): a region's weekly file may signal thousands of pupils.
    bulk_insert(AttendanceSignal, ("municipality", "personnummer", *SIGNAL_FIELDS), new)
    bulk_set(AttendanceSignal, (*SIGNAL_FIELDS, "status", "handled_at", "handled_by"), changed)
    return AttendanceSignal.objects.filter(municipality=municipality, status=SignalState.NEW).count()


def _signal_handled(signal: AttendanceSignal, user: Any, status: str) -> None:
    signal.status, signal.handled_by, signal.handled_at = status, _actor(user), timezone.now()
    signal.save(update_fields=["status", "handled_by", "handled_at", "updated_at"])
    audit_record(
        user=user,
        action=UPDATE,
        object_type="attendance_signal",
        object_id=signal.pk,
        municipality_id=signal.municipality_id,
        fields=["status"],
    )


@transaction.atomic
def attendance_signal_dismiss(*, signal: AttendanceSignal, user: Any) -> AttendanceSignal:
    """Nothing to do for now (e.g. the school already works with the pupil). Comes back with a new run."""
    if not may_work_preventively(user, signal.municipality_id, signal.protected):
        raise PermissionDenied
    _signal_handled(signal, user, SignalState.DISMISSED)
    return signal


@transaction.atomic
def attendance_thin(*, on: datetime.date | None = None) -> int:
    """Delete weekly attendance older than each municipality's ``keep_weeks``. Returns the rows deleted."""
    on = on or timezone.localdate()
    keep = dict(AttendanceSettings.objects.values_list("municipality_id", "keep_weeks"))
    default = AttendanceSettings._meta.get_field("keep_weeks").default
    total = 0
    for municipality_id in Municipality.objects.values_list("pk", flat=True):
        limit = on - datetime.timedelta(weeks=keep.get(municipality_id, default))
        deleted, _by_model = AttendanceWeek.objects.filter(municipality_id=municipality_id, week__lt=limit).delete()
        if deleted:
            audit_record(
                user=None,
                action=DELETE,
                object_type="attendance_week",
                municipality_id=municipality_id,
                detail=f"thinning:rows={deleted}",
            )
        total += deleted
    return total
