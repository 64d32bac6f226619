"""Reporting's writes: producing the SCB file (with its record and audit), the planning settings."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record, audit_records
from kaa.core import tabular

from . import scb
from .models import PlanningSettings, StatisticsFile
from .periods import HalfYear

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": tabular.XLSX_CONTENT_TYPE}


@dataclass
class ProducedFile:
    content: bytes
    filename: str
    content_type: str
    record: StatisticsFile
    statistics: scb.Statistics


def statistics_file_bytes(statistics: scb.Statistics, file_format: str) -> bytes:
    """The file's bytes: CSV (UTF-8, ``;``, header row) or one XLSX sheet with the same rows."""
    if file_format == "xlsx":
        return tabular.xlsx_bytes(statistics.rows, header=scb.COLUMNS, sheet_title=str(statistics.period))
    out = io.StringIO()
    writer = tabular.csv_writer(out)
    writer.writerow(scb.COLUMNS)
    writer.writerows(statistics.rows)
    return out.getvalue().encode("utf-8")


def statistics_file_produce(*, municipality: Any, period: HalfYear, user: Any, file_format: str = "csv",
                            via: str = "web") -> ProducedFile:
    """Compute the half-year's file, keep a record of it (checksum, counts) and audit it as an export.

    Every youth in the file gets an audit entry (the file holds their personnummer)."""
    if file_format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    statistics = scb.compute(municipality=municipality, period=period)
    content = statistics_file_bytes(statistics, file_format)
    with transaction.atomic():
        record = StatisticsFile.objects.create(
            municipality=municipality, period=str(period), file_format=file_format,
            created_by=user if getattr(user, "is_authenticated", False) else None, via=via,
            checksum=hashlib.sha256(content).hexdigest(), youths=len(statistics.youths), rows=len(statistics.rows),
            errors=len(statistics.errors), warnings=len(statistics.warnings))
        audit_record(user=user, action=AuditAction.EXPORT, object_type="statistics_file", object_id=record.pk,
                     municipality_id=municipality.pk, detail=f"{period} {file_format} {via}")
        audit_records(user=user, action=AuditAction.EXPORT, object_type="youth",
                      youths=((y.youth_id, municipality.pk) for y in statistics.youths),
                      detail=f"statistics {period}")
    filename = f"kaa-statistik-{municipality.code}-{period}.{file_format}"
    return ProducedFile(content, filename, CONTENT_TYPES[file_format], record, statistics)


def planning_settings_for(municipality: Any) -> PlanningSettings:
    """The municipality's planning figures (the defaults until someone saves them)."""
    found = PlanningSettings.objects.filter(municipality=municipality).first()
    return found or PlanningSettings(municipality=municipality)


@transaction.atomic
def planning_settings_save(*, municipality: Any, user: Any, fixed_percent: Any, hours_per_youth: Any,
                           hours_per_year: int) -> PlanningSettings:
    current = planning_settings_for(municipality)
    current.fixed_percent, current.hours_per_youth, current.hours_per_year = (
        fixed_percent, hours_per_youth, hours_per_year)
    current.full_clean()
    current.save()
    audit_record(user=user, action=AuditAction.UPDATE, object_type="planning_settings", object_id=current.pk,
                 municipality_id=municipality.pk, fields=["fixed_percent", "hours_per_youth", "hours_per_year"])
    return current


@transaction.atomic
def code_save(*, form: Any, user: Any) -> Any:
    """An administrator's change of a code-table row (labels, SCB code, mapping, validity), audited."""
    code = form.save()
    audit_record(user=user, action=AuditAction.UPDATE, object_type="code", object_id=code.pk,
                 fields=list(form.changed_data))
    return code


@transaction.atomic
def follow_up_goals_save(*, municipality: Any, year: int, user: Any, goals_text: str, work_text: str) -> Any:
    """The coordinator's goals for the year and how the municipality works towards them (seed 001 §7)."""
    from .models import FollowUpGoals

    goals, _created = FollowUpGoals.objects.select_for_update().get_or_create(municipality=municipality, year=year)
    goals.goals_text, goals.work_text, goals.updated_by = goals_text, work_text, user
    goals.full_clean()
    goals.save()
    audit_record(user=user, action=AuditAction.UPDATE, object_type="follow_up_goals", object_id=goals.pk,
                 municipality_id=municipality.pk, fields=["goals_text", "work_text"], detail=str(year))
    return goals
