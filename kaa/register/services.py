"""Writes to the register made by people: manual corrections and school reports.

Each service runs in one transaction, writes the fact, a YouthEvent, an audit entry (field names
only), marks the youth for re-evaluation and recomputes it so the user sees the result at once.

Leaving reports (*avgångsanmälan*) as facts for the rules:
- the pupil's GY/GYS enrolment running on the leaving date at the reporting school unit gets
  ``interruption_date = leaving date`` (matched by unit code, else by name; if neither matches and
  exactly one GY/GYS enrolment runs, that one), marked ``interruption_reported`` so that a school
  import that does not know of the interruption yet keeps it;
- with no such enrolment, a new ``Enrolment(source=school_report)`` records the interruption
  (start = interruption = leaving date, programme unknown);
- a change of school to a named new school is NOT an interruption of the upper-secondary
  programme: no fact is written (the new school's enrolment arrives with the next school import),
  only the event, and the coordinator sees the report;
- an unknown personnummer keeps the report without a youth; ``school_report_resolve`` retries.
Early signals never touch the register.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.policy import Perm, has_perm, municipality_ids_with
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record

from .compute import register_compute
from .locks import lock_facts_for_writing
from .models import (
    EarlySignal,
    Enrolment,
    FactSource,
    LeavingReason,
    PopulationStatus,
    Result,
    SchoolReport,
    SignalStatus,
    Youth,
    YouthEvent,
)

CORRECTION_KINDS = ("equivalent_education", "moved_in", "degree_checked", "enrolment")


def _recompute(youth: Youth) -> None:
    """Recompute one youth now, so the user sees the result at once."""
    register_compute(youth_ids=[youth.pk])


def _mark(youth: Youth) -> None:
    lock_facts_for_writing()
    Youth.objects.filter(pk=youth.pk).update(needs_evaluation=True)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: write why the correction is made.")})
    return reason


def _check_correct(user: Any, youth: Youth) -> None:
    if not has_perm(user, Perm.REGISTER_CORRECT, youth.municipality_id):
        raise PermissionDenied


def _source_key(prefix: str) -> str:
    return f"{prefix}:{hashlib.sha256(uuid.uuid4().bytes).hexdigest()[:40]}"


def _event(youth: Youth, user: Any, kind: str, data: dict, on: datetime.date | None = None) -> YouthEvent:
    extra = {}
    if on is not None and on != timezone.localdate():
        # The rules read the date of the fact from occurred_at (start of that day, Europe/Stockholm).
        extra["occurred_at"] = timezone.make_aware(datetime.datetime.combine(on, datetime.time()))
    return YouthEvent.objects.create(youth=youth, kind=kind, actor=user if user and user.pk else None, data=data,
                                     **extra)


def _after_correction(*, youth: Youth, user: Any, kind: str, reason: str, action: str, object_type: str,
                      object_id: Any, fields: list[str], data: dict | None = None,
                      on: datetime.date | None = None) -> None:
    _event(youth, user, "register.correction", {"kind": kind, "reason": reason, **(data or {})}, on=on)
    audit_record(user=user, action=action, object_type=object_type, object_id=object_id, youth_id=youth.pk,
                 municipality_id=youth.municipality_id, fields=fields, detail=f"correction:{kind}")
    _mark(youth)
    _recompute(youth)


@transaction.atomic
def correction_equivalent_education(*, youth: Youth, user: Any, reason: str, completed_on: datetime.date,
                                    school_name: str = "") -> Enrolment:
    """A degree from abroad or completed equivalent education (*motsvarande utbildning*)."""
    _check_correct(user, youth)
    reason = _require_reason(reason)
    if completed_on is None:
        raise ValidationError({"completed_on": _("Date completed: enter a date.")})
    enrolment = Enrolment.objects.create(
        youth=youth, school_type="GY", equivalent=True, school_unit_name=school_name[:200],
        start_date=completed_on, end_date=completed_on, result=Result.DEGREE, result_date=completed_on,
        source=FactSource.MANUAL, source_key=_source_key("manual"))
    _after_correction(youth=youth, user=user, kind="equivalent_education", reason=reason,
                      action=AuditAction.CREATE, object_type="enrolment", object_id=enrolment.pk,
                      fields=["equivalent", "result", "result_date", "school_unit_name"],
                      data={"date": completed_on.isoformat()})
    return enrolment


@transaction.atomic
def correction_moved_in(*, youth: Youth, user: Any, reason: str, registered_from: datetime.date,
                        municipality_code: str = "") -> Youth:
    """The youth moved in but the population extract has not shown it yet."""
    _check_correct(user, youth)
    reason = _require_reason(reason)
    if registered_from is None:
        raise ValidationError({"registered_from": _("Registered from: enter a date.")})
    code = (municipality_code or youth.municipality.code).strip()
    if not (len(code) == 4 and code.isdigit()):
        raise ValidationError({"municipality_code": _("Municipality code: enter the 4-digit SCB code.")})
    youth.in_population = True
    youth.registered_from = registered_from
    youth.municipality_code = code
    youth.population_status = PopulationStatus.NORMAL
    youth.population_status_date = None
    fields = ["in_population", "municipality_code", "population_status", "population_status_date",
              "registered_from"]
    youth.save(update_fields=[*fields, "updated_at"])
    _after_correction(youth=youth, user=user, kind="moved_in", reason=reason, action=AuditAction.UPDATE,
                      object_type="youth", object_id=youth.pk, fields=fields,
                      data={"date": registered_from.isoformat()})
    return youth


@transaction.atomic
def correction_degree_checked(*, youth: Youth, user: Any, reason: str,
                              checked_on: datetime.date | None = None) -> YouthEvent:
    """The degree of an older in-mover is checked (the wait-for-degree-check setting)."""
    _check_correct(user, youth)
    reason = _require_reason(reason)
    day = checked_on or timezone.localdate()
    _after_correction(youth=youth, user=user, kind="degree_checked", reason=reason, action=AuditAction.UPDATE,
                      object_type="youth", object_id=youth.pk, fields=["degree_checked"],
                      data={"date": day.isoformat()}, on=day)
    return youth.events.filter(kind="register.correction").latest("pk")


ENROLMENT_FIELDS = ("school_type", "programme", "school_year", "school_unit_code", "school_unit_name",
                    "equivalent", "start_date", "end_date", "interruption_date", "result", "result_date")


@transaction.atomic
def correction_enrolment_add(*, youth: Youth, user: Any, reason: str, school_type: str, start_date: datetime.date,
                             programme: str = "", school_year: int | None = None, school_unit_code: str = "",
                             school_unit_name: str = "", equivalent: bool = False,
                             end_date: datetime.date | None = None,
                             interruption_date: datetime.date | None = None, result: str = "",
                             result_date: datetime.date | None = None) -> Enrolment:
    """An enrolment the school data lacks or has wrong (with its interruption and result)."""
    _check_correct(user, youth)
    reason = _require_reason(reason)
    errors = {}
    if end_date and start_date and end_date < start_date:
        errors["end_date"] = _("End date: must not be before the start date.")
    if interruption_date and start_date and interruption_date < start_date:
        errors["interruption_date"] = _("Interrupted: must not be before the start date.")
    if result and not result_date:
        errors["result_date"] = _("Result date: enter the date of the result.")
    if errors:
        raise ValidationError(errors)
    enrolment = Enrolment.objects.create(
        youth=youth, school_type=school_type, programme=programme.strip().upper(), school_year=school_year,
        school_unit_code=school_unit_code.strip(), school_unit_name=school_unit_name.strip(), equivalent=equivalent,
        start_date=start_date, end_date=end_date, interruption_date=interruption_date, result=result or "",
        result_date=result_date, source=FactSource.MANUAL, source_key=_source_key("manual"))
    _after_correction(youth=youth, user=user, kind="enrolment", reason=reason, action=AuditAction.CREATE,
                      object_type="enrolment", object_id=enrolment.pk, fields=list(ENROLMENT_FIELDS),
                      data={"school_type": school_type, "date": start_date.isoformat()})
    return enrolment


# --- School reports ---------------------------------------------------------------------------------

def _reporter_municipality_id(user: Any, municipality_id: int | None) -> int:
    ids = municipality_ids_with(user, Perm.SCHOOL_REPORT)
    if municipality_id is not None and municipality_id in ids:
        return municipality_id
    if len(ids) == 1 or (ids and municipality_id is None):
        return ids[0]
    raise PermissionDenied


def _running_upper_secondary(youth: Youth, on: datetime.date) -> list[Enrolment]:
    return list(
        youth.enrolments.filter(school_type__in=["GY", "GYS"], cancelled=False, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(Q(interruption_date__isnull=True) | Q(interruption_date__gt=on))
        .order_by("-start_date", "-pk"))


def _pick_enrolment(running: list[Enrolment], report: SchoolReport) -> Enrolment | None:
    code, name = report.school_unit_code.strip(), report.school_unit_name.strip().casefold()
    for e in running:
        if code and e.school_unit_code == code:
            return e
    for e in running:
        if name and e.school_unit_name.strip().casefold() == name:
            return e
    return running[0] if len(running) == 1 else None


def _apply_report(report: SchoolReport, user: Any) -> None:
    """Turn a matched leaving report into register facts (see the module docstring)."""
    youth = report.youth
    if youth is None:
        return
    if report.reason == LeavingReason.CHANGE_OF_SCHOOL and report.new_school_name.strip():
        report.applied = "none"
    else:
        enrolment = _pick_enrolment(_running_upper_secondary(youth, report.leaving_date), report)
        if enrolment is not None:
            enrolment.interruption_date, enrolment.interruption_reported = report.leaving_date, True
            enrolment.save(update_fields=["interruption_date", "interruption_reported", "updated_at"])
            report.applied = "interruption"
            fields = ["interruption_date"]
        else:
            enrolment = Enrolment.objects.create(
                youth=youth, school_type="GY", school_unit_code=report.school_unit_code,
                school_unit_name=report.school_unit_name, start_date=report.leaving_date,
                interruption_date=report.leaving_date, source=FactSource.SCHOOL_REPORT,
                source_key=_source_key("school_report"))
            report.applied = "new_enrolment"
            fields = ["interruption_date", "school_type", "school_unit_name", "start_date"]
        audit_record(user=user, action=AuditAction.UPDATE, object_type="enrolment", object_id=enrolment.pk,
                     youth_id=youth.pk, municipality_id=youth.municipality_id, fields=fields,
                     detail="school_report")
    report.save(update_fields=["applied"])
    _event(youth, user, "register.school_report", {
        "report_id": report.pk, "reason": report.reason, "date": report.leaving_date.isoformat(),
        "applied": report.applied, "met_kaa": report.met_kaa})
    _mark(youth)
    _recompute(youth)


@transaction.atomic
def school_report_create(*, user: Any, personnummer: str, school_unit_name: str, leaving_date: datetime.date,
                         reason: str, given_name: str = "", family_name: str = "", class_name: str = "",
                         school_unit_code: str = "", new_school_name: str = "", other_reason: str = "",
                         met_kaa: bool = False, met_kaa_date: datetime.date | None = None,
                         not_met_reason: str = "", protected: bool = False,
                         municipality_id: int | None = None) -> SchoolReport:
    """Store a leaving report; when the pupil is a known youth of the municipality, apply it."""
    mun_id = _reporter_municipality_id(user, municipality_id)
    youth = Youth.objects.filter(personnummer=personnummer, municipality_id=mun_id).first()
    report = SchoolReport.objects.create(
        municipality_id=mun_id, youth=youth, personnummer=personnummer, given_name=given_name,
        family_name=family_name, class_name=class_name, school_unit_code=school_unit_code,
        school_unit_name=school_unit_name, leaving_date=leaving_date, reason=reason,
        new_school_name=new_school_name, other_reason=other_reason, met_kaa=met_kaa,
        met_kaa_date=met_kaa_date if met_kaa else None, not_met_reason="" if met_kaa else not_met_reason,
        protected=protected, reported_by=user)
    audit_record(user=user, action=AuditAction.CREATE, object_type="school_report", object_id=report.pk,
                 youth_id=youth.pk if youth else None, municipality_id=mun_id,
                 fields=["leaving_date", "personnummer", "reason", "school_unit_name"])
    _apply_report(report, user)
    return report


@transaction.atomic
def school_report_resolve(*, report: SchoolReport, user: Any) -> SchoolReport:
    """Retry matching an unknown pupil (e.g. after the next population import)."""
    if not has_perm(user, Perm.SCHOOL_SIGNALS_VIEW, report.municipality_id):
        raise PermissionDenied
    if report.youth_id is None:
        youth = Youth.objects.filter(personnummer=report.personnummer,
                                     municipality_id=report.municipality_id).first()
        if youth is not None:
            report.youth = youth
            report.save(update_fields=["youth"])
            _apply_report(report, user)
    return report


@transaction.atomic
def school_report_handle(*, report: SchoolReport, user: Any) -> SchoolReport:
    if not has_perm(user, Perm.SCHOOL_SIGNALS_VIEW, report.municipality_id):
        raise PermissionDenied
    if report.handled_at is None:
        report.handled_at = timezone.now()
        report.handled_by = user
        report.save(update_fields=["handled_at", "handled_by"])
        audit_record(user=user, action=AuditAction.UPDATE, object_type="school_report", object_id=report.pk,
                     youth_id=report.youth_id, municipality_id=report.municipality_id,
                     fields=["handled_at", "handled_by"])
    return report


@transaction.atomic
def early_signal_create(*, user: Any, personnummer: str, given_name: str, family_name: str,
                        school_unit_name: str, concern: str, consent: bool, consent_by: str,
                        contact_phone: str = "", protected: bool = False,
                        municipality_id: int | None = None) -> EarlySignal:
    """A consent-based early signal. Never creates or changes a Youth."""
    if not consent:
        raise ValidationError({"consent": _("Consent: an early signal needs the consent of the pupil or a "
                                            "guardian.")})
    mun_id = _reporter_municipality_id(user, municipality_id)
    signal = EarlySignal.objects.create(
        municipality_id=mun_id, personnummer=personnummer, given_name=given_name, family_name=family_name,
        school_unit_name=school_unit_name, concern=concern, consent=True, consent_by=consent_by,
        contact_phone=contact_phone, protected=protected, reported_by=user)
    audit_record(user=user, action=AuditAction.CREATE, object_type="early_signal", object_id=signal.pk,
                 municipality_id=mun_id, fields=["concern", "consent", "personnummer"])
    return signal


@transaction.atomic
def early_signal_set_status(*, signal: EarlySignal, user: Any, status: str) -> EarlySignal:
    if not has_perm(user, Perm.SCHOOL_SIGNALS_VIEW, signal.municipality_id):
        raise PermissionDenied
    if status not in SignalStatus.values:
        raise ValidationError({"status": _("Status: choose a status from the list.")})
    signal.status = status
    signal.save(update_fields=["status", "updated_at"])
    audit_record(user=user, action=AuditAction.UPDATE, object_type="early_signal", object_id=signal.pk,
                 municipality_id=signal.municipality_id, fields=["status"])
    return signal
