"""manage.py seed_demo [--youths N] [--seed S]: synthetic demo data, deterministic for a given seed."""

from django.core.management.base import BaseCommand, CommandError

from kaa.demo.seed import AlreadySeeded, demo_seed
from kaa.demo.staff import DEMO_PASSWORD


class Command(BaseCommand):
    help = ("Create a synthetic municipality (Nyköping 0480), staff for every role and youths in every "
            "register stage. Only on a database without youths.")

    def add_arguments(self, parser):
        parser.add_argument("--youths", type=int, default=200, help="How many youths (default 200).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, **options):
        if options["youths"] < 0:
            raise CommandError("--youths must be 0 or more")
        try:
            result = demo_seed(youths=options["youths"], seed=options["seed"],
                               log=lambda msg: self.stderr.write(msg) if options["verbosity"] > 1 else None)
        except AlreadySeeded as exc:
            raise CommandError("the database already holds youths or demo users; seed_demo only fills an "
                               "empty database") from exc
        in_group = result.municipality.youths.filter(in_target_group=True).count()
        self.stdout.write(
            f"seeded {result.municipality}: {len(result.users)} users (password {DEMO_PASSWORD}), "
            f"{result.youths} youths, {in_group} in the target group"
            + (f", demo data from {', '.join(result.hooks_run)}" if result.hooks_run else ""))
