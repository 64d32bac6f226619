"""Writes of thinning: the administrator's rules, and the run that removes what they make due.

A run removes in batches (one transaction per batch of youths, which are locked and asked again
whether they are still due, so a case opened meanwhile stops it) and writes every removed record's
id to the audit log (``detail`` "thinning:<kind>"), then one entry with the counts per kind. Running
it twice removes nothing the second time: what it removed is gone, and what it keeps it keeps.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.policy import Perm, has_perm
from kaa.audit.models import AuditAction
from kaa.audit.partitions import audit_thin_before
from kaa.audit.services import audit_record, audit_removals
from kaa.core.bulk import in_chunks
from kaa.messaging.models import LetterBatch
from kaa.organisations.models import Municipality
from kaa.register.models import Youth

from .kinds import CONTACT_FIELDS, TARGETS
from .models import RECORD_KINDS, YOUTH_KINDS, CountedFrom, DataKind, RetentionRule, RetentionRun
from .selectors import audit_cutoff, contact_youths, default_rule, due_youths, record_rows

BATCH = 500
RULE_FIELDS = ("keep", "months", "counted_from", "from_year_end", "decision", "enabled")


def retention_rules_install(*, municipality: Municipality) -> int:
    """The default rules (switched off) for every kind the municipality has none of (idempotent)."""
    rules = [default_rule(municipality, kind) for kind in DataKind.values]
    return len(RetentionRule.objects.bulk_create(rules, ignore_conflicts=True))


@transaction.atomic
def retention_rule_save(*, user: Any, rule: RetentionRule, values: dict) -> RetentionRule:
    """Change a rule (the administrator's, in their municipality). Switching thinning on needs the
    municipality's decision reference; the period counts from an event that fits the kind of data."""
    if not has_perm(user, Perm.SETTINGS_MANAGE, rule.municipality_id):
        raise PermissionDenied
    errors: dict[str, str] = {}
    allowed = allowed_counted_from(rule.kind)
    if values.get("counted_from") not in allowed:
        errors["counted_from"] = _("This kind of data is counted from: %(events)s.") % {
            "events": ", ".join(str(CountedFrom(c).label).lower() for c in allowed)
        }
    if values.get("enabled") and not values.get("keep") and not (values.get("decision") or "").strip():
        errors["decision"] = _("Enter the reference of the municipality's decision before switching thinning on.")
    if errors:
        raise ValidationError(errors)
    stored = (
        RetentionRule.objects.select_for_update().filter(municipality_id=rule.municipality_id, kind=rule.kind).first()
    )
    target = stored or default_rule(rule.municipality, rule.kind)
    changed = [name for name in RULE_FIELDS if getattr(target, name) != values[name]]
    for name in RULE_FIELDS:
        setattr(target, name, values[name])
    target.decision = target.decision.strip()
    target.updated_by = user
    target.save()
    if changed or stored is None:
        audit_record(
            user=user,
            action=AuditAction.CREATE if stored is None else AuditAction.UPDATE,
            object_type="retention_rule",
            object_id=target.pk,
            municipality_id=target.municipality_id,
            fields=changed,
            detail=f"kind:{target.kind}",
        )
    return target


def allowed_counted_from(kind: str) -> tuple[str, ...]:
    if kind in RECORD_KINDS:
        return (CountedFrom.CREATED,)
    return (CountedFrom.LEFT_TARGET_GROUP, CountedFrom.CASE_CLOSED)


# --- the run ---------------------------------------------------------------------------------------


def retention_run(
    *, municipality: Municipality, today: datetime.date | None = None, batch: int = BATCH
) -> RetentionRun:
    """Thin the municipality's data by its switched-on rules. The audit log is the installation's:
    ``retention_audit_thin``."""
    today = today or timezone.localdate()
    run = RetentionRun.objects.create(municipality=municipality)
    removed: dict[str, int] = {}
    for rule in RetentionRule.objects.filter(municipality=municipality, enabled=True, keep=False).order_by("pk"):
        if rule.kind in YOUTH_KINDS:
            count = _thin_youths(rule, today, batch)
        elif rule.kind in (DataKind.IMPORT_RUNS, DataKind.LETTER_BATCHES):
            count = _thin_records(rule, today)
        else:
            continue
        if count:
            removed[rule.kind] = count
    run.removed = removed
    run.finished_at = timezone.now()
    run.save(update_fields=["removed", "finished_at"])
    audit_record(
        user=None,
        action=AuditAction.DELETE,
        object_type="retention_run",
        object_id=run.pk,
        municipality_id=municipality.pk,
        fields=sorted(removed),
        detail=" ".join(f"{kind}={n}" for kind, n in sorted(removed.items())) or "none",
    )
    return run


def _thin_youths(rule: RetentionRule, today: datetime.date, batch: int) -> int:
    total, after = 0, 0
    while True:
        with transaction.atomic():
            ids = list(due_youths(rule, today).filter(pk__gt=after).values_list("pk", flat=True)[:batch])
            if not ids:
                return total
            after = ids[-1]
            # Lock the batch's youths, then ask again: a case opened since the first question stops it.
            list(Youth.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
            ids = list(due_youths(rule, today).filter(pk__in=ids).values_list("pk", flat=True))
            total += _remove(rule, ids)


def _remove(rule: RetentionRule, youth_ids: list[int]) -> int:
    if not youth_ids:
        return 0
    detail, municipality_id = f"thinning:{rule.kind}", rule.municipality_id
    count = 0
    if rule.kind == DataKind.CONTACT_DETAILS:
        cleared = list(contact_youths(Youth.objects.filter(pk__in=youth_ids)).values_list("pk", flat=True))
        audit_removals(
            user=None,
            object_type="youth",
            action=AuditAction.UPDATE,
            fields=CONTACT_FIELDS,
            records=((pk, pk, municipality_id) for pk in cleared),
            detail=detail,
        )
        Youth.objects.filter(pk__in=cleared).update(**dict.fromkeys(CONTACT_FIELDS, ""))
        count += len(cleared)
    for target in TARGETS.get(rule.kind, ()):
        rows = list(target.rows(youth_ids).values_list("pk", target.youth_path))
        if not rows:
            continue
        audit_removals(
            user=None,
            object_type=target.object_type,
            detail=detail,
            records=((pk, youth_id, municipality_id) for pk, youth_id in rows),
        )
        _delete(target.model._base_manager.all(), (pk for pk, _y in rows))
        count += len(rows)
    return count


def _delete(queryset: Any, pks: Iterable[int]) -> None:
    for chunk in in_chunks(queryset, "pk", pks):
        chunk.delete()


def _thin_records(rule: RetentionRule, today: datetime.date) -> int:
    detail = f"thinning:{rule.kind}"
    with transaction.atomic():
        rows = list(record_rows(rule, today).values_list("pk", flat=True))
        if not rows:
            return 0
        if rule.kind == DataKind.LETTER_BATCHES:
            # The batch stays (who printed what, when); its PDF, with every letter's name and address, goes.
            for batch in LetterBatch.objects.filter(pk__in=rows):
                batch.pdf.delete(save=False)
            LetterBatch.objects.filter(pk__in=rows).update(pdf="")
            audit_removals(
                user=None,
                object_type="letter_batch",
                fields=["pdf"],
                detail=detail,
                records=((pk, None, rule.municipality_id) for pk in rows),
            )
        else:
            audit_removals(
                user=None,
                object_type="import_run",
                detail=detail,
                records=((pk, None, rule.municipality_id) for pk in rows),
            )
            _delete(record_rows(rule, today), rows)
    return len(rows)


def retention_audit_thin(*, today: datetime.date | None = None) -> dict[str, int]:
    """Thin the installation's audit log by the audit rules (every municipality's switched on; the
    longest decides): on PostgreSQL whole months are dropped. Each municipality's log gets an entry."""
    day = audit_cutoff(today or timezone.localdate())
    if day is None:
        return {}
    removed = audit_thin_before(before=day)
    total = sum(removed.values())
    for municipality_id in Municipality.objects.values_list("pk", flat=True):
        audit_record(
            user=None,
            action=AuditAction.DELETE,
            object_type="audit_log",
            municipality_id=municipality_id,
            detail=f"thinning:audit before={day.isoformat()} rows={total}",
        )
    return removed


def retention_run_all(*, today: datetime.date | None = None) -> list[RetentionRun]:
    """The scheduled job: every municipality with a switched-on rule, then the audit log."""
    ids = RetentionRule.objects.filter(enabled=True, keep=False).values("municipality_id")
    runs = [retention_run(municipality=m, today=today) for m in Municipality.objects.filter(pk__in=ids)]
    retention_audit_thin(today=today)
    return runs
