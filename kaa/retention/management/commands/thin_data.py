"""Thinning from the command line: ``manage.py thin_data --municipality 0480 [--preview]``.

``--preview`` prints what a run would remove today, per kind (counts, never names), switched-off rules
included; without it the municipality's switched-on rules run now, as the nightly job does (and, with
``--audit``, the installation's audit rule).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaa.core.context import acting
from kaa.organisations.options import municipality_option


class Command(BaseCommand):
    help = "Preview or run the thinning (gallring) of one municipality's data by its rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", help="SCB code (not needed with one municipality)")
        parser.add_argument("--preview", action="store_true", help="only count what a run would remove")
        parser.add_argument("--audit", action="store_true", help="also thin the audit log by its rule")

    def handle(self, *args: Any, **options: Any) -> None:
        from kaa.retention.selectors import preview
        from kaa.retention.services import retention_audit_thin, retention_run

        municipality = municipality_option(options["municipality"])
        if options["preview"]:
            for item in preview(municipality):
                state = "kept" if item.rule.keep else ("on" if item.rule.enabled else "off")
                self.stdout.write(f"{item.rule.kind:18} {state:4} youths={item.youths} records={item.records}")
            return
        with acting("cli"):
            run = retention_run(municipality=municipality)
            for kind, count in sorted(run.removed.items()):
                self.stdout.write(f"{kind:18} removed={count}")
            if options["audit"]:
                removed = retention_audit_thin()
                self.stdout.write(f"{'audit':18} removed={sum(removed.values())}")
        self.stdout.write(f"run {run.pk}: {run.total} records removed")
