"""The register export (INTERFACES.md "Register export"): the rules applied on a date, one row a person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import IO, Any

from kaa.core.tabular import csv_writer

from .compute import CHUNK, YOUTH_FIELDS, _settings, decisions_for
from .models import Youth

HEADER = ("personnummer", "status", "orsak", "fran_datum")


@dataclass(frozen=True)
class ExportRow:
    youth_id: int
    municipality_id: int
    personnummer: str
    status: str
    reason: str
    since: datetime.date

    def as_tuple(self) -> tuple[str, str, str, datetime.date]:
        return (self.personnummer, self.status, self.reason, self.since)


def register_entries(*, municipality: Any, on: datetime.date, include_all: bool = False) -> list[ExportRow]:
    """Every youth of the municipality decided on ``on`` (in only unless ``include_all``), by personnummer.

    The decision is made from the facts for ``on`` (``rules.decide``), the same decision
    ``register_compute`` records in the register history.
    """
    municipality_id = getattr(municipality, "pk", municipality)
    settings = _settings()
    ids = list(Youth.objects.filter(municipality_id=municipality_id).order_by("personnummer")
               .values_list("pk", flat=True))
    entries = []
    for start in range(0, len(ids), CHUNK):
        rows = list(Youth.objects.filter(pk__in=ids[start:start + CHUNK]).values(*YOUTH_FIELDS, "personnummer"))
        decided = decisions_for(rows, on, settings)
        for row in rows:
            decision = decided[row["id"]][1]
            if include_all or decision.in_target_group:
                entries.append(ExportRow(row["id"], row["municipality_id"], row["personnummer"], decision.status,
                                         decision.reason, decision.since))
    entries.sort(key=lambda entry: entry.personnummer)
    return entries


def register_rows(*, municipality: Any, on: datetime.date, include_all: bool = False) -> list[tuple]:
    """``(personnummer, status, orsak, fran_datum)`` tuples, sorted by personnummer."""
    return [entry.as_tuple() for entry in register_entries(municipality=municipality, on=on,
                                                           include_all=include_all)]


def write_csv(rows: list[tuple], out: IO[str]) -> None:
    """The export file: UTF-8, ``;``-separated, header row, ISO dates (cells made safe by kaa.core.tabular)."""
    writer = csv_writer(out)
    writer.writerow(HEADER)
    for pnr, status, reason, since in rows:
        writer.writerow((pnr, status, reason, since.isoformat()))
