"""Population and school imports: atomic (a bad row changes nothing) and idempotent (same file, no change).

Every run is recorded as an ``ImportRun`` with its counts, errors and warnings, whatever the outcome.
Writes are set-based (``kaa.core.bulk``): existing youths are looked up with one array parameter, new
rows streamed with COPY, changed rows updated from a temporary table, so a region's 500,000 rows import
in seconds.

Municipality boundaries (issue 9). A population file is one municipality's; a school file is one
municipality's when uploaded (the command line and the scheduled pickup may import a region's school
file as the installation's operator). An import writes only to the youths of its municipality:

- a new person is created in the importing municipality (a row with another ``kommunkod`` is a person
  folkbokförd elsewhere, held here until that municipality's own data claims them);
- a row about a youth another municipality holds is skipped with a warning and counted (``skipped``),
  unless the register's move rule moves the youth here (``_moves_in``): never a silent take-over;
- an import never pushes a youth into another municipality.

Re-imports (issue 16). Each youth and each imported enrolment keeps the digest of the plain CSV line its
facts were imported from (``source_digest``; keyed with the file's header and encoding). A later import of
a plain CSV file (``parsers.split_plain_csv``) first compares its raw lines with those digests: a line
whose digest a youth of the importing municipality (an enrolment in the file's scope) holds is unchanged
and is neither parsed nor written; only the other lines go through ``rows.py`` (the one place of the
validation rules) and the comparison of facts below. A digest is kept only while the stored facts are
those of its line: a change by any import writes the new line's digest (or none, when a protection level
was kept), a removal clears it, and an enrolment a school's report interrupted is always parsed.

Protection (*skydd*): an import never lowers a youth's protection level unless it runs for the
installation's operator (no user: command line, scheduled pickup of the population register's extract)
or for a user who holds the protected-identity grant in the municipality; a move never lowers it.
Otherwise the level is kept and the row's other facts are imported, with a warning. Every change of a
level is an event on the youth's timeline and an audit entry of its own.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import socket
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as default
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaa.accounts.policy import holds_protected_grant
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.core.bulk import bulk_insert, bulk_set, in_chunks, iter_plain_rows
from kaa.organisations.models import Municipality, SchoolUnit
from kaa.register.locks import lock_facts_for_writing
from kaa.register.models import (
    Enrolment,
    FactSource,
    Guardian,
    PopulationStatus,
    Protection,
    Youth,
    YouthEvent,
)

from .models import ImportKind, ImportRun, ImportStatus, ImportTrigger
from .parsers import CsvLines, Issue, Table, issue, read_table, split_plain_csv
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
# A run still "running" after this long has lost its process, wherever it ran (no import takes hours).
STALE_AFTER = datetime.timedelta(hours=6)
# Protection levels, lowest first: an import may lower a level only for the operator or a grant holder.
PROTECTION_RANK = {Protection.NONE: 0, Protection.CONFIDENTIAL: 1, Protection.PROTECTED_REGISTRATION: 2,
                   Protection.FICTITIOUS: 3}
# The holder's own data says the person has left its population.
RELEASED = frozenset({PopulationStatus.MOVED_OUT, PopulationStatus.EMIGRATED, PopulationStatus.REMOVED})

YOUTH_POPULATION_FIELDS = (
    "given_name", "family_name", "municipality_code", "registered_from", "address", "postal_code", "city", "phone",
    "email", "protection", "immigration_date", "population_status", "population_status_date", "in_population",
    "facts_digest", "needs_evaluation", "updated_at", "source_digest",
)
LINE_DIGEST_VERSION = "1"  # change it when rows.py reads a line differently: every line is parsed once again


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


def _this_host() -> str:
    return socket.gethostname()[:255]


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: it exists
        return True
    return True


def import_runs_mark_interrupted(*, now: datetime.datetime | None = None) -> int:
    """Runs left "running" by a process that is gone are marked failed and interrupted; returns how many.

    A run records the process (``pid``) and ``host`` that run it. Gone: on this host, no process has
    that id any more (killed, out of memory, restarted); on any host, the run started more than
    ``STALE_AFTER`` ago. Called by every new run and by the periodic job (``tasks.py``). Nothing needs
    undoing: a run's writes are one transaction, which ended with its process.
    """
    now = now or timezone.now()
    host, me = _this_host(), os.getpid()
    gone = [pk for pk, pid, run_host, started in
            ImportRun.objects.filter(status=ImportStatus.RUNNING).values_list("pk", "pid", "host", "started_at")
            if started < now - STALE_AFTER
            or (run_host == host and pid and pid != me and not _process_alive(pid))]
    if not gone:
        return 0
    count = ImportRun.objects.filter(pk__in=gone, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED, interrupted=True, finished_at=now)
    log.warning("%s import runs were interrupted (their process is gone) and are marked failed", count)
    return count


def _start(kind: str, data: bytes, name: str, **fields: Any) -> ImportRun:
    import_runs_mark_interrupted()
    sha = hashlib.sha256(data).hexdigest()
    seen = ImportRun.objects.filter(kind=kind, file_sha256=sha,
                                    status__in=[ImportStatus.SUCCEEDED, ImportStatus.UNCHANGED]).exists()
    return ImportRun.objects.create(kind=kind, file_name=name[:255], file_sha256=sha, already_imported=seen,
                                    pid=os.getpid(), host=_this_host(), **fields)


def _same_as_last(run: ImportRun, municipality_code: str | None = None, *, exact: bool = False) -> bool:
    """The previous run of this kind (and municipality) read exactly this file and succeeded: nothing to do.

    Only the very last run counts, so a file imported again after another file still gets the full
    comparison. The counts are carried over: every row is unchanged. A run that left rows out (another
    municipality's persons, a protection level it could not lower) is never a reason to skip: the next
    run may be allowed more, or the other municipality's data may have changed. ``exact``: a run
    without a municipality compares only with runs without one.
    """
    previous = ImportRun.objects.filter(kind=run.kind).exclude(pk=run.pk).exclude(status=ImportStatus.RUNNING)
    if municipality_code:
        previous = previous.filter(municipality__code=municipality_code)
    elif exact:
        previous = previous.filter(municipality__isnull=True)
    last = previous.order_by("-pk").first()
    if last is None or last.file_sha256 != run.file_sha256 or not last.ok or last.full != run.full:
        return False
    if last.skipped or any(w.get("column") == "skydd" for w in last.warnings):
        return False
    run.municipality_id = last.municipality_id
    run.file_format = last.file_format
    run.rows_read = last.rows_read
    run.unchanged = last.created + last.changed + last.unchanged
    run.warnings, run.warning_count = last.warnings, last.warning_count
    run.changed_youth_ids = []  # type: ignore[attr-defined]
    return True


def _finish(run: ImportRun, table: Table | None = None, status: str | None = None) -> ImportRun:
    if table is not None:
        run.file_format = table.format
        # At most MAX_ISSUES of each are kept; the counts say how many there were.
        run.errors = [e.as_dict() for e in table.errors]
        run.warnings = [w.as_dict() for w in table.warnings]
        run.error_count, run.warning_count = table.errors.total, table.warnings.total
        run.rejected = table.errors.rows
    if status:
        run.status = status
    elif run.errors:
        run.status = ImportStatus.FAILED
    elif run.created or run.changed or run.removed:
        run.status = ImportStatus.SUCCEEDED
    else:
        run.status = ImportStatus.UNCHANGED
    if run.status == ImportStatus.FAILED:
        run.created = run.changed = run.unchanged = run.removed = run.skipped = 0
    run.finished_at = timezone.now()
    run.save()
    if run.status == ImportStatus.SUCCEEDED:
        # One entry per run (what changed, in counts): a per-youth entry for 500,000 rows would swamp the log.
        # Moves and changes of protection have entries of their own, per youth.
        audit_record(user=run.user, action=AuditAction.UPDATE, object_type="import_run", object_id=run.pk,
                     municipality_id=run.municipality_id,
                     detail=f"{run.kind} created={run.created} changed={run.changed} removed={run.removed} "
                            f"skipped={run.skipped}")
    log.info("import run %s: %s %s read=%s created=%s changed=%s unchanged=%s rejected=%s removed=%s "
             "skipped=%s", run.pk, run.kind, run.status, run.rows_read, run.created, run.changed, run.unchanged,
             run.rejected, run.removed, run.skipped)
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
    except Exception as exc:
        # A bug must not leave the run "running" for ever. The message can quote a row's values: log the
        # type and where it happened, never the message.
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                           for f in reversed(traceback.extract_tb(exc.__traceback__)))
        log.error("import run %s: %s at %s", run.pk, type(exc).__name__, where)
        table.errors.append(issue(None, "", _("The import stopped on an unexpected error; nothing was changed.")))
    # Rolled back: nothing changed, nothing to compute.
    run.changed_youth_ids = []  # type: ignore[attr-defined]
    run.created = run.changed = run.unchanged = run.removed = run.skipped = 0
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
        for pnr, *rest in iter_plain_rows(scan, ("personnummer", *fields)):
            if pnr in wanted:
                found[pnr] = tuple(rest)
        if municipality is None:
            return found
    for qs in in_chunks(Youth.objects.all(), "personnummer", wanted - found.keys()):
        for pnr, *rest in iter_plain_rows(qs, ("personnummer", *fields)):
            found[pnr] = tuple(rest)
    return found


def _mark_for_evaluation(ids: list[int]) -> None:
    # Only rows not already flagged: rewriting a flagged row costs a new row version for nothing.
    for qs in in_chunks(Youth.objects.filter(needs_evaluation=False), "pk", ids):
        qs.update(needs_evaluation=True)


# --- Known lines (re-imports) ------------------------------------------------------------------

@dataclass
class _Lines:
    """A plain CSV file's data lines with their digests, and which of them the stored rows already hold."""

    kind: str
    csv: CsvLines
    all: list[tuple[int, bytes, str]] = default(default_factory=list)  # (row number, line, digest)
    digests: dict[int, str] = default(default_factory=dict)  # row number → digest, of the lines parsed
    matched: dict[int, int] = default(default_factory=dict)  # stored row id → row number of its line

    @classmethod
    def of(cls, kind: str, csv: CsvLines) -> _Lines:
        head = "\x1f".join((LINE_DIGEST_VERSION, kind, csv.encoding, csv.delimiter, *csv.header.header))
        key = hashlib.blake2b(head.encode(), digest_size=32).digest()
        blake = hashlib.blake2b
        lines = cls(kind, csv, [(num, line, blake(line, digest_size=16, key=key).hexdigest())
                                for num, line in csv.data_lines()])
        lines.digests = {num: digest for num, _line, digest in lines.all}
        return lines

    def table(self) -> Table:
        """Every line, to parse (nothing stored to compare with)."""
        return self.csv.table((num, line) for num, line, _digest in self.all)

    def match(self, stored: dict[str, int], table: Table) -> None:
        """Only the lines no stored row holds are left for ``table`` to read; the others are unchanged."""
        matched: dict[int, int] = {}
        parsed: list[tuple[int, bytes]] = []
        for num, line, digest in self.all:
            pk = stored.get(digest)
            if pk is None or pk in matched:  # a line twice: the second is parsed (and found a duplicate)
                parsed.append((num, line))
            else:
                matched[pk] = num
        self.matched = matched
        self.digests = {num: self.digests[num] for num, _line in parsed}
        self.csv.refill(table, parsed, already_read=len(matched))

    def duplicate(self, pk: int, row: int) -> tuple[int, int] | None:
        """(later row, earlier row) when a parsed row is about the stored row ``pk`` an unchanged line holds."""
        other = self.matched.get(pk)
        return None if other is None else (max(row, other), min(row, other))


def _stored_digests(queryset: Any) -> dict[str, int]:
    return dict(iter_plain_rows(queryset.exclude(source_digest=""), ("source_digest", "id")))


def _youths_with_digests(municipality: Municipality | None) -> Any:
    return Youth.objects.filter(municipality=municipality)


def _enrolments_with_digests(scope: Municipality | None) -> Any:
    # An interruption a school reported is not the line's: such enrolments are always compared.
    enrolments = Enrolment.objects.filter(source=FactSource.IMPORT, interruption_reported=False)
    return enrolments.filter(youth__municipality=scope) if scope is not None else enrolments


def _known_municipality(code: str | None) -> Municipality | None:
    """The municipality an import will write to, if it exists already (no error: the import reports them)."""
    if code:
        return Municipality.objects.filter(code=code).first()
    known = list(Municipality.objects.all()[:2])
    return known[0] if len(known) == 1 else None


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


def _read_rows(run: ImportRun, data: bytes, kind: str, stored: Callable[[], QuerySet],
               parse: Callable[[Table], list]) -> tuple[_Lines | None, Table, list, bool]:
    """The file's lines, its table and its rows parsed now, and whether the parsing waits for the lock.

    With lines stored to compare with (``stored``: the rows whose digests the file is compared with), the
    comparison and the parsing of the rest wait for the facts lock (``_read_rows_locked``), so the stored
    rows cannot change meanwhile; a first import, or a file that is not plain CSV, is parsed now.
    """
    plain = split_plain_csv(data)
    lines = _Lines.of(kind, plain) if plain is not None else None
    deferred = lines is not None and stored().exclude(source_digest="").exists()
    table = lines.table() if lines is not None else read_table(data)
    rows: list = []
    if not deferred:
        rows = parse(table) if not table.errors else []
        run.rows_read = table.read
    return lines, table, rows, deferred


def _read_rows_locked(run: ImportRun, lines: _Lines | None, table: Table, stored: Callable[[], QuerySet],
                      parse: Callable[[Table], list]) -> list:
    """Under the facts lock: only the lines no stored row holds are parsed (``_Lines.match``)."""
    assert lines is not None
    lines.match(_stored_digests(stored()), table)
    rows = parse(table)
    run.rows_read = table.read
    return rows


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

        def stored() -> QuerySet:
            return _youths_with_digests(_known_municipality(municipality_code))

        lines, table, rows, deferred = _read_rows(run, data, ImportKind.POPULATION, stored, population_rows)
        if not deferred and table.errors:
            return _finish(run, table)

        def write() -> None:
            nonlocal rows
            if deferred:
                rows = _read_rows_locked(run, lines, table, stored, population_rows)
                if table.errors:
                    return
            municipality = _resolve_municipality(municipality_code, rows, table)
            if municipality is None:
                return
            run.municipality = municipality
            _write_population(run, municipality, rows, table, as_of=as_of, full=full, force=force, lines=lines)

        return _run_write(run, table, write)


YOUTH_INSERT_FIELDS = (
    "municipality", "personnummer", "birth_date", "is_coordination_number", "given_name", "family_name",
    "in_population", "municipality_code", "registered_from", "immigration_date", "population_status",
    "population_status_date", "protection", "address", "postal_code", "city", "phone", "email", "needs_evaluation",
    "facts_digest", "source_digest",
)


def _youth_values(row: PopulationRow, municipality_id: int, digest: str, line_digest: str) -> tuple:
    """A new youth's values in YOUTH_INSERT_FIELDS order."""
    return (municipality_id, row.personnummer, row.birth_date, row.is_coordination_number, row.given_name,
            row.family_name, True, row.municipality_code, row.registered_from, row.immigration_date,
            row.population_status, row.population_status_date, row.protection, row.address, row.postal_code,
            row.city, row.phone, row.email, True, digest, line_digest)


def _youth_changes(row: PopulationRow, digest: str, now: datetime.datetime, line_digest: str) -> tuple:
    """A known youth's new facts in YOUTH_POPULATION_FIELDS order."""
    return (row.given_name, row.family_name, row.municipality_code, row.registered_from, row.address,
            row.postal_code, row.city, row.phone, row.email, row.protection, row.immigration_date,
            row.population_status, row.population_status_date, True, digest, True, now, line_digest)


# What the population import reads of a known youth, in this order.
KNOWN_FIELDS = ("id", "facts_digest", "municipality_id", "protection", "in_population", "municipality_code",
                "registered_from", "population_status")


def _moves_in(row: PopulationRow, municipality: Municipality, known: tuple, holder_code: str, *,
              trusted: bool) -> bool:
    """The register's move rule for a row of ``municipality``'s file about a youth another municipality holds.

    A youth who moves to another municipality of the installation moves with the record. The row must
    show a registration (*folkbokföring*) in the importing municipality: its code, status normal and a
    date. Then the youth moves

    - when the holder's own population data no longer has the person registered there (moved out,
      emigrated, missing from its complete extract, or registered in another municipality);
    - for the installation's operator only (``trusted``: the command line, the scheduled pickup of the
      population register's extract), also when the holder's data still has them, if the row's date is
      later than the holder's, or when the holder knows them only from school data.

    An uploaded file is a person's file: it never takes a youth the other municipality still holds.
    """
    if (row.municipality_code != municipality.code or row.population_status != PopulationStatus.NORMAL
            or row.registered_from is None):
        return False
    _pk, _digest, _holder, _protection, in_population, code, since, status = known
    if in_population and (status in RELEASED or code not in ("", holder_code)):
        return True
    if not trusted:
        return False
    if in_population and code == holder_code and status == PopulationStatus.NORMAL:
        return since is not None and row.registered_from > since
    return not in_population


def _write_population(run: ImportRun, municipality: Municipality, rows: list[PopulationRow], table: Table, *,
                      as_of: datetime.date, full: bool, force: bool, lines: _Lines | None = None) -> None:
    existing = _existing((r.personnummer for r in rows), *KNOWN_FIELDS, municipality=municipality)
    codes = dict(Municipality.objects.values_list("id", "code"))
    trusted = run.user is None  # the installation's operator: command line, scheduled pickup
    may_lower = trusted or holds_protected_grant(run.user, municipality.pk)
    new: list[tuple] = []
    changed: list[tuple] = []
    moves: list[tuple[int, int, int]] = []
    protection_changes: list[tuple[int, str, str]] = []
    guardians: dict[str, tuple] = {}
    seen_ids: set[int] = set(lines.matched) if lines is not None else set()
    line_digests = lines.digests if lines is not None else {}
    skipped = kept = 0
    now = timezone.now()
    for row in rows:
        found = existing.get(row.personnummer)
        line_digest = line_digests.get(row.row, "")
        if found is None:
            # Always the importing municipality's: a row with another code is a person registered elsewhere.
            new.append(_youth_values(row, municipality.pk, row.digest(), line_digest))
            if row.guardians:
                guardians[row.personnummer] = row.guardians
            continue
        pk, old_digest, holder, protection = found[:4]
        if lines is not None and (rows_of := lines.duplicate(pk, row.row)):
            table.errors.append(issue(rows_of[0], "personnummer", _("The same person is already on row %(row)s.")
                                      % {"row": rows_of[1]}))
            continue
        moving = holder != municipality.pk
        if moving and not _moves_in(row, municipality, found, codes.get(holder, ""), trusted=trusted):
            skipped += 1
            table.warnings.append(issue(row.row, "", _(
                "The person's record is held by another municipality of the installation: the row was not "
                "imported. The record moves here once the population data shows that the person has moved "
                "here.")))
            continue
        seen_ids.add(pk)
        if PROTECTION_RANK.get(row.protection, 0) < PROTECTION_RANK.get(protection, 0) and (
                moving or not may_lower):
            kept += not moving
            row.protection = protection
            line_digest = ""  # the stored facts are not the line's
        digest = row.digest()
        if old_digest == digest and not moving:
            continue  # written nothing, not even this line's digest: an unchanged import writes nothing
        if row.protection != protection:
            protection_changes.append((pk, protection, row.protection))
        changed.append((pk, *_youth_changes(row, digest, now, line_digest)))
        if moving:
            moves.append((pk, holder, municipality.pk))
        guardians[row.personnummer] = row.guardians
    if kept:
        # Not per row: which persons have a protected identity is itself what the uploader may not learn.
        table.warnings.append(issue(None, "skydd", ngettext(
            "The protection marking of %(n)s person was kept: only a user who may see protected identities "
            "can lower it. The rest of the file was imported.",
            "The protection markings of %(n)s persons were kept: only a user who may see protected identities "
            "can lower them. The rest of the file was imported.", kept) % {"n": kept}))
    if table.errors:
        return
    run.created, run.changed, run.skipped = len(new), len(changed), skipped
    run.unchanged = len(rows) + len(lines.matched if lines is not None else ()) - len(new) - len(changed) - skipped
    bulk_insert(Youth, YOUTH_INSERT_FIELDS, new)
    bulk_set(Youth, YOUTH_POPULATION_FIELDS, changed)
    _move_youths(run, moves, codes, now)
    _record_protection_changes(run, protection_changes, now)
    ids = {pnr: existing[pnr][0] for pnr in guardians if pnr in existing}
    ids.update((pnr, v[0]) for pnr, v in _existing([values[1] for values in new], "id").items())
    _replace_guardians({ids[pnr]: g for pnr, g in guardians.items() if pnr in ids}, [row[0] for row in changed])
    changed_ids = list(ids.values())
    seen_ids.update(changed_ids)
    if full:
        changed_ids += _remove_missing(run, municipality, seen_ids, as_of=as_of, force=force)
    run.changed_youth_ids = changed_ids  # type: ignore[attr-defined]


def _move_youths(run: ImportRun, moves: list[tuple[int, int, int]], codes: dict[int, str],
                 now: datetime.datetime) -> None:
    """Youths now registered in the importing municipality move here with their record (``_moves_in``).

    The new municipality takes over: its coordinators see the youth, the old coach and team no longer
    do (they are cleared), and the register history keeps the old municipality's periods. The move is
    an event on the timeline and an audit entry in each municipality's log.
    """
    if not moves:
        return
    bulk_set(Youth, ("municipality", "coach", "team"), [(pk, new, None, None) for pk, _old, new in moves])
    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "actor", "data"),
                [(pk, "register.moved", now, run.user_id,
                  {"from": codes.get(old, ""), "to": codes.get(new, "")})
                 for pk, old, new in moves])
    _audit_youths(run, [(pk, municipality_id, f"import run {run.pk}: moved {codes.get(old, '')} -> "
                                              f"{codes.get(new, '')}", "municipality")
                        for pk, old, new in moves for municipality_id in (old, new)])


def _record_protection_changes(run: ImportRun, changes: list[tuple[int, str, str]],
                               now: datetime.datetime) -> None:
    """Every change of a protection level by an import: an event and an audit entry per youth."""
    if not changes:
        return
    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "actor", "data"),
                [(pk, "imports.protection", now, run.user_id, {"from": old, "to": new})
                 for pk, old, new in changes])
    municipality_of = {pk: run.municipality_id for pk, _old, _new in changes}
    _audit_youths(run, [(pk, municipality_of[pk], f"import run {run.pk}: protection "
                         f"{'lowered' if PROTECTION_RANK.get(new, 0) < PROTECTION_RANK.get(old, 0) else 'raised'}",
                         "protection") for pk, old, new in changes])


def _audit_youths(run: ImportRun, entries: list[tuple[int, int | None, str, str]]) -> None:
    """One audit entry per (youth, municipality, detail, field), in the import's transaction (few: moves
    and changes of protection are rare)."""
    for pk, municipality_id, detail, field in entries:
        audit_record(user=run.user, action=AuditAction.UPDATE, object_type="youth", object_id=pk, youth_id=pk,
                     municipality_id=municipality_id, fields=[field], detail=detail)


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
            source_digest="", needs_evaluation=True, updated_at=timezone.now())
    run.removed = len(missing)
    return missing


# --- School ------------------------------------------------------------------------------------

def school_import(*, path_or_file: Any, municipality_code: str | None = None, as_of: datetime.date | None = None,
                  user: Any = None, trigger: str = ImportTrigger.CLI, language: str | None = None) -> ImportRun:
    """Load school enrolments: the CSV of INTERFACES.md or SS 12000 JSON (detected by content).

    With ``municipality_code`` (always, for an upload) the file is that municipality's: only its youths
    and newcomers whose school unit is not another municipality's of the installation are written; rows
    about other municipalities' pupils are skipped with a warning. Without it (the operator's command
    line or scheduled pickup) the file is the region's and every pupil goes to their municipality.
    """
    as_of = as_of or timezone.localdate()
    with translation.override(language or settings.LANGUAGE_CODE):
        data, name = _read(path_or_file)
        run = _start(ImportKind.SCHOOL, data, name, trigger=trigger, user=user, as_of=as_of)
        scope = None
        if municipality_code:
            scope = Municipality.objects.filter(code=municipality_code).first()
            if scope is None:
                table = Table(errors=[issue(None, "", _("Unknown municipality %(code)s: import its population "
                                                        "extract first.") % {"code": municipality_code[:10]})])
                return _finish(run, table)
            run.municipality = scope
        if _same_as_last(run, municipality_code, exact=True):
            return _finish(run, status=ImportStatus.UNCHANGED)

        def stored() -> QuerySet:
            return _enrolments_with_digests(scope)

        lines, table, rows, deferred = _read_rows(run, data, ImportKind.SCHOOL, stored, school_rows)
        if not deferred and table.errors:
            return _finish(run, table)

        def write() -> None:
            nonlocal rows
            if deferred:
                rows = _read_rows_locked(run, lines, table, stored, school_rows)
                if table.errors:
                    return
            _write_school(run, rows, table, scope, lines=lines)

        return _run_write(run, table, write)


def _home_municipalities(rows: list[SchoolRow], known: dict, table: Table,
                         scope: Municipality | None) -> dict[str, int]:
    """Municipality of each person known only from school data (CONTRACTS.md).

    The school unit's municipality (or the row's, or the unit code's first four digits); for a file of
    one municipality (``scope``), that municipality when those name none of the installation's.
    """
    by_code = dict(Municipality.objects.values_list("code", "id"))
    newcomers = [r for r in rows if r.personnummer not in known]
    if not newcomers:
        return {}
    if not by_code:
        table.errors.append(issue(None, "", _("No municipality is set up yet: import a population extract first.")))
        return {}
    only = next(iter(by_code.values())) if len(by_code) == 1 else None
    fallback = scope.pk if scope is not None else only
    units = {r.school_unit_code for r in newcomers if r.school_unit_code}
    unit_codes: dict[str, str] = {}
    for qs in in_chunks(SchoolUnit.objects.all(), "code", sorted(units)):
        unit_codes.update(qs.values_list("code", "municipality_code"))
    homes: dict[str, int] = {}
    for r in newcomers:
        if r.personnummer in homes:
            continue
        code = unit_codes.get(r.school_unit_code) or r.municipality_code or r.school_unit_code[:4]
        home = by_code.get(code, fallback)
        if home is None:
            table.errors.append(issue(r.row, "skolenhetskod", _(
                "The person is not in the population and the school unit's municipality is unknown.")))
        else:
            homes[r.personnummer] = home
    return homes


def _write_school(run: ImportRun, rows: list[SchoolRow], table: Table, scope: Municipality | None = None, *,
                  lines: _Lines | None = None) -> None:
    known = _existing({r.personnummer for r in rows}, "id", "needs_evaluation", "municipality_id")
    homes = _home_municipalities(rows, known, table, scope)
    if table.errors:
        return
    elsewhere: set[str] = set()
    if scope is not None:
        # Another municipality's pupils (held there, or newcomers at its school units) are its to import.
        elsewhere = ({pnr for pnr, v in known.items() if v[2] != scope.pk}
                     | {pnr for pnr, home in homes.items() if home != scope.pk})
        kept = []
        for r in rows:
            if r.personnummer in elsewhere:
                table.warnings.append(issue(r.row, "", _(
                    "The pupil belongs to another municipality of the installation (its record is held there, "
                    "or the school unit is there): the row was not imported.")))
            else:
                kept.append(r)
        run.skipped = len(rows) - len(kept)
        rows = kept
    existing = {pnr: v[0] for pnr, v in known.items() if pnr not in elsewhere}
    flagged = {v[0] for pnr, v in known.items() if v[1] and pnr not in elsewhere}
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
    line_digests = lines.digests if lines is not None else {}
    touched: set[int] = set()
    now = timezone.now()
    for r in rows:
        youth_id = existing[r.personnummer]
        found = current.get((youth_id, r.source_key))
        if found is not None and lines is not None and (rows_of := lines.duplicate(found[0], r.row)):
            table.errors.append(issue(rows_of[0], "personnummer", _(
                "The same enrolment is already on row %(row)s.") % {"row": rows_of[1]}))
            continue
        facts = r.facts()
        line_digest = line_digests.get(r.row, "")
        reported = False
        if found is not None and found[2] is not None and r.interruption_date is None:
            # A school's leaving report knew of the interruption before the school system does.
            facts, reported = (*facts[:INTERRUPTION], found[2], *facts[INTERRUPTION + 1:]), True
            line_digest = ""  # the stored facts are not the line's
        if found is not None and found[1] == hash(facts):
            continue
        if found is None:
            new.append((youth_id, FactSource.IMPORT, r.source_key, *facts, line_digest))
        else:
            changed.append((found[0], *facts, reported, now, line_digest))
        touched.add(youth_id)
    if table.errors:
        return
    bulk_insert(Enrolment, ("youth", "source", "source_key", *ENROLMENT_FIELDS, "source_digest"), new)
    bulk_set(Enrolment, [*ENROLMENT_FIELDS, "interruption_reported", "updated_at", "source_digest"], changed)
    _mark_for_evaluation(sorted(touched - created_ids - flagged))
    run.created, run.changed = len(new), len(changed)
    matched = len(lines.matched) if lines is not None else 0
    run.unchanged = len(rows) + matched - len(new) - len(changed)  # rows: those kept
    run.changed_youth_ids = sorted(touched)  # type: ignore[attr-defined]


def _current_enrolments(youth_ids: list[int]) -> dict[tuple[int, str], tuple[int, int, datetime.date | None]]:
    """(youth id, source key) → (enrolment id, hash of its facts, interruption date a school reported).

    A hash keeps 500,000 enrolments small."""
    fields = ("id", "youth_id", "source_key", "interruption_reported", *ENROLMENT_FIELDS)
    current: dict[tuple[int, str], tuple[int, int, datetime.date | None]] = {}
    for qs in in_chunks(Enrolment.objects.all(), "youth_id", youth_ids):
        for pk, youth_id, key, reported, *facts in iter_plain_rows(qs, fields):
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
