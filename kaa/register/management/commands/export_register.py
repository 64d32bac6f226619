"""``manage.py export_register [--date DATE] [--municipality CODE] [--all] [--output FILE]``."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.organisations.options import municipality_option
from kaa.register.export import register_entries, write_csv


def parse_date(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date: not a date (YYYY-MM-DD): {value!r}") from exc




class Command(BaseCommand):
    help = "Write the municipality's register as of a date (CSV: personnummer;status;orsak;fran_datum)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--municipality", help="4-digit SCB municipality code")
        parser.add_argument("--all", action="store_true", help="every person known, in or out")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        on = parse_date(options["date"])
        municipality = municipality_option(options["municipality"])
        entries = register_entries(municipality=municipality, on=on, include_all=options["all"])
        rows = [entry.as_tuple() for entry in entries]
        if options["output"]:
            try:
                with open(options["output"], "w", encoding="utf-8", newline="") as out:
                    write_csv(rows, out)
            except OSError as exc:
                raise CommandError(f"--output: cannot write the file: {exc.strerror}") from exc
        else:
            write_csv(rows, self.stdout)
        audit_records(user=None, action=AuditAction.EXPORT, object_type="youth",
                      youths=((e.youth_id, e.municipality_id) for e in entries), detail="register_export")
        in_group = sum(1 for entry in entries if entry.status == "i_malgrupp")
        summary = (f"Exported {len(entries)} rows ({in_group} in the target group) for municipality "
                   f"{municipality.code} on {on.isoformat()}")
        # Only the CSV goes to stdout when the file is written there.
        (self.stdout if options["output"] else self.stderr).write(summary)
