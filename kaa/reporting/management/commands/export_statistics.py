"""``manage.py export_statistics --period YYYYH1|YYYYH2 [--municipality CODE] [--output FILE] [--format csv|xlsx]``."""

from django.core.management.base import BaseCommand, CommandError

from kaa.organisations.options import municipality_option
from kaa.reporting.services import FORMATS, statistics_file_produce

from ._common import period_from


class Command(BaseCommand):
    help = "Write the half-year's individual-level statistics file for SCB (INTERFACES.md)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYYH1 (1 Jan–30 Jun) or YYYYH2 (1 Jul–31 Dec)")
        parser.add_argument("--municipality", help="4-digit SCB municipality code")
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument("--format", default="csv", choices=FORMATS, help="csv (default) or xlsx")

    def handle(self, *args, **options):
        period = period_from(options["period"])
        municipality = municipality_option(options["municipality"])
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("--output: an XLSX file needs a file name")
        produced = statistics_file_produce(municipality=municipality, period=period, user=None,
                                           file_format=options["format"], via="command")
        if options["output"]:
            try:
                with open(options["output"], "wb") as out:
                    out.write(produced.content)
            except OSError as exc:
                raise CommandError(f"--output: cannot write the file: {exc.strerror}") from exc
        else:
            self.stdout.write(produced.content.decode("utf-8"), ending="")
        record = produced.record
        self.stderr.write(f"{period} {municipality.code}: {record.youths} youths, {record.rows} rows, "
                          f"{record.errors} errors, {record.warnings} warnings; sha256 {record.checksum}")
