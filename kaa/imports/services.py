"""Population and school imports: atomic (a bad row changes nothing) and idempotent (same file, no change).

Every run is recorded as an ``ImportRun`` with its counts, errors and warnings, whatever the outcome.
Writes are set-based (``kaa.core.bulk``): existing youths are looked up with one array parameter, new
rows streamed with COPY, changed rows updated from a temporary table, so a region's 500,000 rows import
in seconds.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.core.bulk import bulk_insert, bulk_set, in_chunks
from kaa.organisations.models import Municipality, SchoolUnit
from kaa.register.locks import lock_facts_for_writing
from kaa.register.models import Enrolment, FactSource, Guardian, PopulationStatus, Youth, YouthEvent

from .models import ImportKind, ImportRun, ImportStatus, ImportTrigger
from .parsers import Issue, Table, issue, read_table
from .rows import ENROLMENT_FIELDS, INTERRUPTION, PopulationRow, SchoolRow, population_rows, school_rows

log = logging.getLogger(__name__)

# SCB codes of the municipalities we know by name; any other gets "Kommun CODE".
MUNICIPALITY_NAMES = {
    "0480": "Nyköping", "0580": "Linköping", "0765": "Älmhult", "1445": "Essunga", "0180": "Stockholm",
    "1480": "Göteborg", "1280": "Malmö", "0380": "Uppsala", "0581": "Norrköping", "0780": "Växjö",
    "0764": "Alvesta", "0760": "Uppvidinge", "0761": "Lessebo", "0763": "Tingsryd", "0767": "Markaryd",
    "0481": "Oxelösund", "0482": "Flen", "0483": "Katrineholm", "0484": "Eskilstuna", "0486": "Strängnäs",
    "1447": "Gullspång", "1470": "Vara", "1471": "Götene", "1490": "Borås",
}
REMOVAL_LIMIT = 0.10  # a --full import may remove at most this share without --force
BATCH = 2000
SCAN_ABOVE = 100_000  # persons in a file above which existing youths are read in one pass

YOUTH_POPULATION_FIELDS = (
    "given_name", "family_name", "municipality_code", "registered_from", "address", "postal_code", "city", "phone",
    "email", "protection", "immigration_date", "population_status", "population_status_date", "in_population",
    "facts_digest", "needs_evaluation", "updated_at",
)


class ImportRefused(Exception):
    """A guard stopped the import (e.g. --full would remove too many persons)."""


class _Failed(Exception):
    """Raised inside the transaction to undo every write of a run with errors."""


def municipality_name(code: str) -> str:
    return MUNICIPALITY_NAMES.get(code) or f"Kommun {code}"


def _read(path_or_file: Any) -> tuple[bytes, str]:
    if isinstance(path_or_file, str | Path):
        path = Path(path_or_file)
        return path.read_bytes(), path.name
    data = path_or_file.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data, Path(getattr(path_or_file, "name", "") or "").name


def _start(kind: str, data: bytes, name: str, **fields: Any) -> ImportRun:
    sha = hashlib.sha256(data).hexdigest()
    seen = ImportRun.objects.filter(kind=kind, file_sha256=sha,
                                    status__in=[ImportStatus.SUCCEEDED, ImportStatus.UNCHANGED]).exists()
    return ImportRun.objects.create(kind=kind, file_name=name[:255], file_sha256=sha, already_imported=seen,
                                    **fields)


def _same_as_last(run: ImportRun, municipality_code: str | None = None) -> bool:
    """The previous run of this kind (and municipality) read exactly this file and succeeded: nothing to do.

    Only the very last run counts, so a file imported again after another file still gets the full
    comparison. The counts are carried over: every row is unchanged.
    """
    previous = ImportRun.objects.filter(kind=run.kind).exclude(pk=run.pk).exclude(status=ImportStatus.RUNNING)
    if municipality_code:
        previous = previous.filter(municipality__code=municipality_code)
    last = previous.order_by("-pk").first()
    if last is None or last.file_sha256 != run.file_sha256 or not last.ok or last.full != run.full:
        return False
    run.municipality_id = last.municipality_id
    run.file_format = last.file_format
    run.rows_read = last.rows_read
    run.unchanged = last.created + last.changed + last.unchanged
    run.warnings = last.warnings
    run.changed_youth_ids = []  # type: ignore[attr-defined]
    return True


def _finish(run: ImportRun, table: Table | None = None, status: str | None = None) -> ImportRun:
    if table is not None:
        run.file_format = table.format
        run.errors = [e.as_dict() for e in table.errors]
        run.warnings = [w.as_dict() for w in table.warnings]
        run.rejected = len({e.row for e in table.errors if e.row is not None})
    if status:
        run.status = status
    elif run.errors:
        run.status = ImportStatus.FAILED
    elif run.created or run.changed or run.removed:
        run.status = ImportStatus.SUCCEEDED
    else:
        run.status = ImportStatus.UNCHANGED
    if run.status == ImportStatus.FAILED:
        run.created = run.changed = run.unchanged = run.removed = 0
    run.finished_at = timezone.now()
    run.save()
    if run.status == ImportStatus.SUCCEEDED:
        # One entry per run (what changed, in counts): a per-youth entry for 500,000 rows would swamp the log.
        audit_record(user=run.user, action=AuditAction.UPDATE, object_type="import_run", object_id=run.pk,
                     municipality_id=run.municipality_id,
                     detail=f"{run.kind} created={run.created} changed={run.changed} removed={run.removed}")
    log.info("import run %s: %s %s read=%s created=%s changed=%s unchanged=%s rejected=%s removed=%s",
             run.pk, run.kind, run.status, run.rows_read, run.created, run.changed, run.unchanged, run.rejected,
             run.removed)
    return run


def _forget_rolled_back(run: ImportRun) -> None:
    # A municipality set up by the failed run was rolled back with it.
    if run.municipality_id and not Municipality.objects.filter(pk=run.municipality_id).exists():
        run.municipality = None


def _run_write(run: ImportRun, table: Table, write: Any) -> ImportRun:
    """Run ``write`` in one transaction; any error, refusal or crash leaves the database as it was."""
    status = None
    try:
        with transaction.atomic():
            lock_facts_for_writing()
            write()
            if table.errors:
                raise _Failed
        return _finish(run, table)
    except _Failed:
        pass
    except ImportRefused as exc:
        table.errors.append(issue(None, "", str(exc)))
        status = ImportStatus.REFUSED
    except DatabaseError as exc:
        # The exception text can quote a row's values: log only its type.
        log.error("import run %s: database error %s", run.pk, type(exc).__name__)
        table.errors.append(issue(None, "", _("The import failed in the database; nothing was changed.")))
    # Rolled back: nothing changed, nothing to compute.
    run.changed_youth_ids = []  # type: ignore[attr-defined]
    run.created = run.changed = run.unchanged = run.removed = 0
    _forget_rolled_back(run)
    return _finish(run, table, status=status)


def _existing(pnrs: Iterable[str], *fields: str, municipality: Municipality | None = None) -> dict[str, tuple]:
    """Existing youths by personnummer: ``fields`` of each.

    For a large file, the youths of ``municipality`` (where most of the file's persons already are) or
    else all youths are read in one pass, which is cheaper than sending this many numbers; the rest are
    looked up by number.
    """
    wanted = set(pnrs)
    found: dict[str, tuple] = {}
    if len(wanted) > SCAN_ABOVE:
        scan = Youth.objects.filter(municipality=municipality) if municipality else Youth.objects.all()
        for pnr, *rest in scan.values_list("personnummer", *fields).iterator(chunk_size=20000):
            if pnr in wanted:
                found[pnr] = tuple(rest)
        if municipality is None:
            return found
    for qs in in_chunks(Youth.objects.all(), "personnummer", wanted - found.keys()):
        for pnr, *rest in qs.values_list("personnummer", *fields):
            found[pnr] = tuple(rest)
    return found


def _mark_for_evaluation(ids: list[int]) -> None:
    # Only rows not already flagged: rewriting a flagged row costs a new row version for nothing.
    for qs in in_chunks(Youth.objects.filter(needs_evaluation=False), "pk", ids):
        qs.update(needs_evaluation=True)


# --- Population --------------------------------------------------------------------------------

def _resolve_municipality(code: str | None, rows: list[PopulationRow], table: Table) -> Municipality | None:
    if code:
        if len(code) != 4 or not (code.isascii() and code.isdigit()):
            table.errors.append(issue(None, "kommunkod", _("“%(value)s” is not a municipality code (4 digits).")
                                      % {"value": code[:10]}))
            return None
        municipality, _created = Municipality.objects.get_or_create(code=code,
                                                                    defaults={"name": municipality_name(code)})
        return municipality
    known = list(Municipality.objects.all()[:2])
    if len(known) == 1:
        return known[0]
    table.errors.append(issue(None, "", _(
        "Choose the municipality (--municipality CODE): the installation serves several municipalities.")
        if known else _("Give the municipality code (--municipality CODE) for the first import.")))
    return None


def population_import(*, path_or_file: Any, municipality_code: str | None = None,
                      as_of: datetime.date | None = None, full: bool = False, force: bool = False,
                      user: Any = None, trigger: str = ImportTrigger.CLI, language: str | None = None) -> ImportRun:
    """Load a population extract (CSV/XLSX). See INTERFACES.md; ``full`` removes persons missing from it."""
    as_of = as_of or timezone.localdate()
    with translation.override(language or settings.LANGUAGE_CODE):
        data, name = _read(path_or_file)
        run = _start(ImportKind.POPULATION, data, name, trigger=trigger, user=user, as_of=as_of, full=full,
                     force=force)
        if not full and _same_as_last(run, municipality_code):
            return _finish(run, status=ImportStatus.UNCHANGED)
        table = read_table(data)
        rows = population_rows(table) if not table.errors else []
        run.rows_read = table.read
        if table.errors:
            return _finish(run, table)

        def write() -> None:
            municipality = _resolve_municipality(municipality_code, rows, table)
            if municipality is None:
                return
            run.municipality = municipality
            _write_population(run, municipality, rows, as_of=as_of, full=full, force=force)

        return _run_write(run, table, write)


YOUTH_INSERT_FIELDS = (
    "municipality", "personnummer", "birth_date", "is_coordination_number", "given_name", "family_name",
    "in_population", "municipality_code", "registered_from", "immigration_date", "population_status",
    "population_status_date", "protection", "address", "postal_code", "city", "phone", "email", "needs_evaluation",
    "facts_digest",
)


def _youth_values(row: PopulationRow, municipality_id: int, digest: str) -> tuple:
    """A new youth's values in YOUTH_INSERT_FIELDS order."""
    return (municipality_id, row.personnummer, row.birth_date, row.is_coordination_number, row.given_name,
            row.family_name, True, row.municipality_code, row.registered_from, row.immigration_date,
            row.population_status, row.population_status_date, row.protection, row.address, row.postal_code,
            row.city, row.phone, row.email, True, digest)


def _youth_changes(row: PopulationRow, digest: str, now: datetime.datetime) -> tuple:
    """A known youth's new facts in YOUTH_POPULATION_FIELDS order."""
    return (row.given_name, row.family_name, row.municipality_code, row.registered_from, row.address,
            row.postal_code, row.city, row.phone, row.email, row.protection, row.immigration_date,
            row.population_status, row.population_status_date, True, digest, True, now)


def _write_population(run: ImportRun, municipality: Municipality, rows: list[PopulationRow], *,
                      as_of: datetime.date, full: bool, force: bool) -> None:
    existing = _existing((r.personnummer for r in rows), "id", "facts_digest", "municipality_id",
                         municipality=municipality)
    by_code = dict(Municipality.objects.values_list("code", "id"))
    new: list[tuple] = []
    changed: list[tuple] = []
    moves: list[tuple[int, int, int]] = []
    guardians: dict[str, tuple] = {}
    seen_ids: set[int] = set()
    now = timezone.now()
    for row in rows:
        digest = row.digest()
        found = existing.get(row.personnummer)
        if found is None:
            new.append(_youth_values(row, by_code.get(row.municipality_code, municipality.pk), digest))
        else:
            seen_ids.add(found[0])
            if found[1] == digest:
                continue
            changed.append((found[0], *_youth_changes(row, digest, now)))
            home = by_code.get(row.municipality_code, municipality.pk)
            if home != found[2]:
                moves.append((found[0], found[2], home))
        if row.guardians or found is not None:
            guardians[row.personnummer] = row.guardians
    run.created, run.changed = len(new), len(changed)
    run.unchanged = len(rows) - len(new) - len(changed)
    bulk_insert(Youth, YOUTH_INSERT_FIELDS, new)
    bulk_set(Youth, YOUTH_POPULATION_FIELDS, changed)
    _move_youths(moves, {pk: code for code, pk in by_code.items()}, now)
    ids = {pnr: existing[pnr][0] for pnr in guardians if pnr in existing}
    ids.update((pnr, v[0]) for pnr, v in _existing([values[1] for values in new], "id").items())
    _replace_guardians({ids[pnr]: g for pnr, g in guardians.items() if pnr in ids}, [row[0] for row in changed])
    changed_ids = list(ids.values())
    seen_ids.update(changed_ids)
    if full:
        changed_ids += _remove_missing(run, municipality, seen_ids, as_of=as_of, force=force)
    run.changed_youth_ids = changed_ids  # type: ignore[attr-defined]


def _move_youths(moves: list[tuple[int, int, int]], codes: dict[int, str], now: datetime.datetime) -> None:
    """Youths now registered in another municipality of the installation move there with their record.

    The new municipality takes over: its coordinators see the youth, the old coach and team no longer
    do (they are cleared), and the register history keeps the old municipality's periods. The move is
    an event on the timeline.
    """
    bulk_set(Youth, ("municipality", "coach", "team"), [(pk, new, None, None) for pk, _old, new in moves])
    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "data"),
                [(pk, "register.moved", now, {"from": codes.get(old, ""), "to": codes.get(new, "")})
                 for pk, old, new in moves])


def _replace_guardians(wanted: dict[int, tuple], changed_ids: list[int]) -> None:
    for qs in in_chunks(Guardian.objects.all(), "youth_id", changed_ids):
        qs.delete()
    bulk_insert(Guardian, ("youth", "position", "name", "phone"),
                ((youth_id, pos, name, phone)
                 for youth_id, items in wanted.items() for pos, (name, phone) in enumerate(items, start=1)))


def _remove_missing(run: ImportRun, municipality: Municipality, seen_ids: set[int], *,
                    as_of: datetime.date, force: bool) -> list[int]:
    """--full: persons of the municipality missing from the extract are no longer in its population."""
    present = list(Youth.objects.filter(municipality=municipality, in_population=True)
                   .exclude(population_status=PopulationStatus.REMOVED).values_list("id", flat=True))
    missing = [pk for pk in present if pk not in seen_ids]
    if present and len(missing) > REMOVAL_LIMIT * len(present) and not force:
        raise ImportRefused(_(
            "Refused: the complete extract would remove %(n)s of %(total)s persons (more than 10 %%) from the "
            "population. Check the file, or import it with --force.") % {"n": len(missing), "total": len(present)})
    for qs in in_chunks(Youth.objects.all(), "pk", missing):
        qs.update(
            population_status=PopulationStatus.REMOVED, population_status_date=as_of, facts_digest="",
            needs_evaluation=True, updated_at=timezone.now())
    run.removed = len(missing)
    return missing


# --- School ------------------------------------------------------------------------------------

def school_import(*, path_or_file: Any, as_of: datetime.date | None = None, user: Any = None,
                  trigger: str = ImportTrigger.CLI, language: str | None = None) -> ImportRun:
    """Load school enrolments: the CSV of INTERFACES.md or SS 12000 JSON (detected by content)."""
    as_of = as_of or timezone.localdate()
    with translation.override(language or settings.LANGUAGE_CODE):
        data, name = _read(path_or_file)
        run = _start(ImportKind.SCHOOL, data, name, trigger=trigger, user=user, as_of=as_of)
        if _same_as_last(run):
            return _finish(run, status=ImportStatus.UNCHANGED)
        table = read_table(data)
        rows = school_rows(table) if not table.errors else []
        run.rows_read = table.read
        if table.errors:
            return _finish(run, table)
        return _run_write(run, table, lambda: _write_school(run, rows, table))


def _home_municipalities(rows: list[SchoolRow], existing: dict, table: Table) -> dict[str, int]:
    """Municipality of each person known only from school data (CONTRACTS.md)."""
    by_code = dict(Municipality.objects.values_list("code", "id"))
    newcomers = [r for r in rows if r.personnummer not in existing]
    if not newcomers:
        return {}
    if not by_code:
        table.errors.append(issue(None, "", _("No municipality is set up yet: import a population extract first.")))
        return {}
    only = next(iter(by_code.values())) if len(by_code) == 1 else None
    units = {r.school_unit_code for r in newcomers if r.school_unit_code}
    unit_codes: dict[str, str] = {}
    for qs in in_chunks(SchoolUnit.objects.all(), "code", sorted(units)):
        unit_codes.update(qs.values_list("code", "municipality_code"))
    homes: dict[str, int] = {}
    for r in newcomers:
        if r.personnummer in homes:
            continue
        code = unit_codes.get(r.school_unit_code) or r.municipality_code or r.school_unit_code[:4]
        home = by_code.get(code, only)
        if home is None:
            table.errors.append(issue(r.row, "skolenhetskod", _(
                "The person is not in the population and the school unit's municipality is unknown.")))
        else:
            homes[r.personnummer] = home
    return homes


def _write_school(run: ImportRun, rows: list[SchoolRow], table: Table) -> None:
    known = _existing({r.personnummer for r in rows}, "id", "needs_evaluation")
    existing = {pnr: v[0] for pnr, v in known.items()}
    flagged = {v[0] for v in known.values() if v[1]}
    homes = _home_municipalities(rows, existing, table)
    if table.errors:
        return
    new_youths: dict[str, tuple] = {}
    for r in rows:
        if r.personnummer not in existing and r.personnummer not in new_youths:
            new_youths[r.personnummer] = (
                homes[r.personnummer], r.personnummer, r.birth_date, r.is_coordination_number, r.given_name[:100],
                r.family_name[:100], r.protection, False, True)
    bulk_insert(Youth, ("municipality", "personnummer", "birth_date", "is_coordination_number", "given_name",
                        "family_name", "protection", "in_population", "needs_evaluation"), new_youths.values())
    created = {k: v[0] for k, v in _existing(list(new_youths), "id").items()}
    created_ids = set(created.values())
    existing.update(created)
    _upsert_school_units(rows)

    youth_ids = sorted(set(existing.values()))
    current = _current_enrolments(youth_ids)
    new: list[tuple] = []
    changed: list[tuple] = []
    touched: set[int] = set()
    now = timezone.now()
    for r in rows:
        youth_id = existing[r.personnummer]
        found = current.get((youth_id, r.source_key))
        facts = r.facts()
        reported = False
        if found is not None and found[2] is not None and r.interruption_date is None:
            # A school's leaving report knew of the interruption before the school system does.
            facts, reported = (*facts[:INTERRUPTION], found[2], *facts[INTERRUPTION + 1:]), True
        if found is not None and found[1] == hash(facts):
            continue
        if found is None:
            new.append((youth_id, FactSource.IMPORT, r.source_key, *facts))
        else:
            changed.append((found[0], *facts, reported, now))
        touched.add(youth_id)
    bulk_insert(Enrolment, ("youth", "source", "source_key", *ENROLMENT_FIELDS), new)
    bulk_set(Enrolment, [*ENROLMENT_FIELDS, "interruption_reported", "updated_at"], changed)
    _mark_for_evaluation(sorted(touched - created_ids - flagged))
    run.created, run.changed = len(new), len(changed)
    run.unchanged = len(rows) - len(new) - len(changed)
    run.changed_youth_ids = sorted(touched)  # type: ignore[attr-defined]


def _current_enrolments(youth_ids: list[int]) -> dict[tuple[int, str], tuple[int, int, datetime.date | None]]:
    """(youth id, source key) → (enrolment id, hash of its facts, interruption date a school reported).

    A hash keeps 500,000 enrolments small."""
    fields = ("id", "youth_id", "source_key", "interruption_reported", *ENROLMENT_FIELDS)
    current: dict[tuple[int, str], tuple[int, int, datetime.date | None]] = {}
    for qs in in_chunks(Enrolment.objects.all(), "youth_id", youth_ids):
        for pk, youth_id, key, reported, *facts in qs.values_list(*fields).iterator(chunk_size=20000):
            current[(youth_id, key)] = (pk, hash(tuple(facts)), facts[INTERRUPTION] if reported else None)
    return current


def _upsert_school_units(rows: list[SchoolRow]) -> None:
    units: dict[str, SchoolUnit] = {}
    for r in rows:
        if r.school_unit_code and r.school_unit_code not in units:
            units[r.school_unit_code] = SchoolUnit(code=r.school_unit_code, name=r.school_unit_name,
                                                   municipality_code=r.municipality_code)
    SchoolUnit.objects.bulk_create(units.values(), batch_size=BATCH, ignore_conflicts=True)


def format_issue(item: dict | Issue) -> str:
    return item.message if isinstance(item, Issue) else str(item.get("message", ""))
