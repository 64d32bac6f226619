"""The code table (*kodtabell*, DOMAIN.md §10) read once per request: labels, choices, validity, mappings.

Codes are rows an administrator edits (a later issue), never constants: nothing here lists them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from .models import Code, CodeKind

OTHER_MEASURE = "annan_atgard"  # the form asks "which?" (DOMAIN.md §10)
DECLINED_CLOSING = "avbojt"  # the case stays open with a re-contact date while in the target group
OTHER_DEREGISTRATION = "ovrigt"


@dataclass
class CodeTable:
    """All codes, loaded in one query."""

    rows: dict[str, list[Code]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> CodeTable:
        rows: dict[str, list[Code]] = defaultdict(list)
        for code in Code.objects.order_by("kind", "order", "code"):
            rows[code.kind].append(code)
        return cls(dict(rows))

    def get(self, kind: str, code: str) -> Code | None:
        return next((c for c in self.rows.get(kind, ()) if c.code == code), None)

    def label(self, kind: str, code: str) -> str:
        found = self.get(kind, code)
        return found.label if found else (code or "")

    def valid(self, kind: str, code: str, on: datetime.date | None = None) -> bool:
        found = self.get(kind, code)
        return found is not None and found.valid_on(on or timezone.localdate())

    def choices(self, kind: str, on: datetime.date | None = None, *, keep: str = "") -> list[tuple[str, str]]:
        """The codes valid on ``on`` (and ``keep``, the value already recorded, whatever its validity)."""
        day = on or timezone.localdate()
        return [(c.code, c.label) for c in self.rows.get(kind, ()) if c.valid_on(day) or c.code == keep]

    def codes(self, kind: str, on: datetime.date | None = None) -> list[str]:
        return [code for code, _label in self.choices(kind, on)]

    def from_register_reason(self, kind: str, register_reason: str) -> str:
        """The code of ``kind`` that a register out-reason maps to (de-registration, closing)."""
        fallback = ""
        for c in self.rows.get(kind, ()):
            if register_reason in c.maps_from.split():
                return c.code
            if c.code == OTHER_DEREGISTRATION:
                fallback = c.code
        return fallback


def labels(kind: str) -> dict[str, str]:
    return {c.code: c.label for c in Code.objects.filter(kind=kind)}


__all__ = ["DECLINED_CLOSING", "OTHER_MEASURE", "CodeKind", "CodeTable", "labels"]


def ensure_default_codes() -> int:
    """Write the default rows that are missing (the data migration's, e.g. after a test flushed the
    tables); rows an administrator changed are left alone. Returns how many were written."""
    import importlib

    migration = importlib.import_module("kaa.casework.migrations.0002_default_codes")
    existing = set(Code.objects.values_list("kind", "code"))
    rows = [Code(kind=kind, code=code, label_sv=sv, label_en=en, scb_code=code, maps_from=maps, order=i * 10)
            for kind, items in migration.DEFAULTS.items()
            for i, (code, sv, en, maps) in enumerate(items, start=1) if (kind, code) not in existing]
    Code.objects.bulk_create(rows)
    return len(rows)
