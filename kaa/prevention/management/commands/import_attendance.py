"""``manage.py import_attendance FILE [--municipality CODE]``: a weekly attendance file (docs/attendance.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kaa.organisations.options import municipality_option
from kaa.prevention.services import attendance_import


class Command(BaseCommand):
    help = "Import attendance per pupil and week (CSV or SS 12000 JSON). A file with any error changes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--municipality", help="4-digit SCB municipality code")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_option(options.get("municipality"))
        try:
            run = attendance_import(source=options["file"], municipality=municipality)
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from exc
        if not run.ok:
            for error in run.errors:
                sys.stderr.write(f"{error['message']}\n")
            raise CommandError(f"attendance import refused: {run.error_count} errors, nothing changed")
        self.stdout.write(
            f"imported {run.rows} rows for {len(run.weeks)} weeks, {run.signals} new signals ({run.seconds:.1f} s)"
        )
