"""``manage.py compute_register [--date DATE] [--force]``: apply the target-group rules and record changes."""

from django.core.management.base import BaseCommand

from kaa.register.tasks import register_compute_parallel

from .export_register import parse_date


class Command(BaseCommand):
    help = "Apply the target-group rules for a date (default today) and record every change. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--force", action="store_true", help="re-evaluate every youth, not only the due ones")
        parser.add_argument("--processes", type=int,
                            help="processes computing id ranges side by side (default: the cores, at most "
                                 "KAA_COMPUTE_PARTS; PostgreSQL only, SQLite computes in one)")

    def handle(self, *args, **options):
        on = parse_date(options["date"])
        result = register_compute_parallel(on=on, force=options["force"], processes=options["processes"])
        self.stdout.write(f"Register computed for {on.isoformat()}: {result}")
