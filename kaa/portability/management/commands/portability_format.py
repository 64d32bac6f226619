"""``manage.py portability_format``: the file and column tables of docs/portability.md, from the models."""

from django.core.management.base import BaseCommand

from kaa.portability.describe import format_markdown


class Command(BaseCommand):
    help = "Print the generated part of docs/portability.md (every file and column of a municipality's export)."

    def handle(self, *args, **options):
        self.stdout.write(format_markdown(), ending="")
