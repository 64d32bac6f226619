"""Runs the periodic-job scheduler: safe to run twice, catches up missed periods."""

import time

from django.core.management.base import BaseCommand

from kaa.core.scheduler import schedule_due
from kaa.core.tasks import beat


class Command(BaseCommand):
    help = "Enqueue periodic jobs (daily register computation, reminders, retention) when due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=float, default=20.0, help="Seconds between checks.")

    def handle(self, *args, **options):
        while True:
            beat("scheduler")
            enqueued = schedule_due()
            if options["once"]:
                self.stdout.write(f"scheduler: {len(enqueued)} job(s) enqueued")
                return
            time.sleep(options["interval"])
