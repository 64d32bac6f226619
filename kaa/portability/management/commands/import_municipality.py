"""``manage.py import_municipality DIR [--report FILE]`` (INTERFACES.md "Moving data out and in")."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaa.portability.services import PortabilityError, municipality_import


class Command(BaseCommand):
    help = (
        "Load a folder written by export_municipality into this installation, which must not yet hold the "
        "municipality. Checks the manifest and every checksum first; loads all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the folder export_municipality wrote")
        parser.add_argument("--report", help="write the import report (JSON) to this file")

    def handle(self, *args, **options):
        try:
            result = municipality_import(directory=Path(options["directory"]))
        except PortabilityError as exc:
            raise CommandError(str(exc)) from exc
        report = result.report()
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        self.stdout.write(f"{report['municipality']}: {sum(report['rows'].values())} rows loaded")
        if result.unmatched_users:
            # Usernames, not personal data of youths: the operator needs them to set up the staff.
            self.stdout.write(
                f"Staff not found here (their references left empty): {', '.join(result.unmatched_users)}"
            )
        if result.roles_not_granted:
            self.stdout.write(
                f"{len(result.roles_not_granted)} roles in memberships.csv are not granted by an "
                f"import: grant them in KAA (two-person rule)."
            )
        if result.code_differences:
            self.stdout.write(
                f"Code table rows that differ here (this installation's kept): {', '.join(result.code_differences)}"
            )
