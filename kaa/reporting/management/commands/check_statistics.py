"""``manage.py check_statistics --period YYYYH1|YYYYH2 [--municipality CODE]``: the pre-submission check.

One line per problem with the youth's record id (never a personnummer); exits 1 when there is an error.
"""

from django.core.management.base import BaseCommand

from kaa.organisations.options import municipality_option
from kaa.reporting import scb
from kaa.reporting.labels import problem_label, severity_label

from ._common import period_from


class Command(BaseCommand):
    help = "Check the half-year's statistics before handing the file to SCB."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYYH1 or YYYYH2")
        parser.add_argument("--municipality", help="4-digit SCB municipality code")

    def handle(self, *args, **options):
        period = period_from(options["period"])
        municipality = municipality_option(options["municipality"])
        statistics = scb.compute(municipality=municipality, period=period)
        for problem in statistics.problems:
            detail = f" ({problem.detail})" if problem.detail else ""
            self.stdout.write(f"{severity_label(problem.severity)}: youth {problem.youth_id}: "
                              f"{problem_label(problem.kind)}{detail}")
        shares = statistics.shares()
        self.stdout.write(f"{period} {municipality.code}: {shares['youths']} youths, {shares['contacted']} contacted, "
                          f"{shares['planned']} with an action plan, {shares['in_measure']} in a measure; "
                          f"{len(statistics.errors)} errors, {len(statistics.warnings)} warnings")
        if statistics.errors:
            raise SystemExit(1)
