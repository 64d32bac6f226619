from django.core.management.base import BaseCommand

from kaa.imports.services import population_import

from ._common import parse_date, report


class Command(BaseCommand):
    help = "Load a population extract (CSV or XLSX) for a municipality."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--municipality", help="4-digit SCB municipality code")
        parser.add_argument("--as-of", help="date YYYY-MM-DD (default today)")
        parser.add_argument("--full", action="store_true", help="the file is the complete extract")
        parser.add_argument("--force", action="store_true", help="allow a complete extract to remove over 10 %%")

    def handle(self, *args, **options) -> None:
        run = population_import(path_or_file=options["file"], municipality_code=options["municipality"],
                                as_of=parse_date(options["as_of"]), full=options["full"], force=options["force"],
                                trigger="cli")
        report(self, run)
