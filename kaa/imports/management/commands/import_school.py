from django.core.management.base import BaseCommand

from kaa.imports.services import school_import

from ._common import parse_date, report


class Command(BaseCommand):
    help = "Load school enrolments: CSV, XLSX or SS 12000 JSON (detected by content)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--municipality", help="4-digit SCB municipality code: import only that "
                            "municipality's pupils (default: every municipality of the installation)")
        parser.add_argument("--as-of", help="date YYYY-MM-DD (default today)")

    def handle(self, *args, **options) -> None:
        run = school_import(path_or_file=options["file"], municipality_code=options["municipality"],
                            as_of=parse_date(options["as_of"]), trigger="cli")
        report(self, run)
