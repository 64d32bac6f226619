"""``manage.py export_municipality CODE --output DIR`` (INTERFACES.md "Moving data out and in")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaa.organisations.options import municipality_option
from kaa.portability.services import PortabilityError, municipality_export


class Command(BaseCommand):
    help = (
        "Write everything the installation holds for one municipality to a new folder: CSV and JSON files "
        "with a manifest and checksums (docs/portability.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="4-digit SCB municipality code")
        parser.add_argument("--output", required=True, help="folder to write (new, or empty)")

    def handle(self, *args, **options):
        municipality = municipality_option(options["code"])
        try:
            result = municipality_export(municipality=municipality, output=Path(options["output"]))
        except PortabilityError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"--output: kan inte skriva / cannot write: {exc.strerror}") from exc
        self.stdout.write(f"{municipality.code}: {len(result.files)} files, {result.rows} rows -> {options['output']}")
