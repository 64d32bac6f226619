"""Benchmark: the SCB half-year file and the follow-up for a municipality (issue 13: 100k youths, 2M events).

Run: ``uv run python bench/scb_statistics.py [--youths 100000] [--events 20] [--reuse]`` (``--reuse``: time
again on a database that already holds the youths, without building it). Uses a fresh private SQLite
database unless ``DATABASE_URL`` is set (PostgreSQL: see README.md for a throwaway cluster). It creates
synthetic youths in the target group during 2026H1 (a tenth with two stretches, a tenth leaving within
it), ``--events`` events per youth (half contact attempts, half timeline events), an occupation history
and one or two measures each, then times ``scb.compute`` + the CSV bytes, and the follow-up, printing wall
time, CPU time and peak memory after each. Targets: ≤ 2 s each on PostgreSQL, bounded memory.
"""

import argparse
import datetime
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = Path("/tmp/kaa-bench-statistics.sqlite3")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
          f"peak {peak_mb():.0f} MB", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youths", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=20, help="events per youth")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database DATABASE_URL names if it already holds the youths (skip the build)")
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.db import connection

    from kaa.casework.codes import ensure_default_codes
    from kaa.casework.models import ActionPlan, Measure, Occupation
    from kaa.organisations.models import Municipality
    from kaa.outreach.models import ContactAttempt
    from kaa.register.models import RegisterPeriod, Youth, YouthEvent
    from kaa.reporting import followup, scb
    from kaa.reporting.periods import TZ, HalfYear
    from kaa.reporting.services import statistics_file_bytes

    ensure_default_codes()
    rng = random.Random(13)
    municipality, _ = Municipality.objects.get_or_create(code="0765", defaults={"name": "Älmhult"})
    h1 = HalfYear.parse("2026H1")
    n = args.youths

    def build() -> None:
        youths = [Youth(municipality=municipality, personnummer=f"2008{i:08d}", birth_date=datetime.date(2008, 1, 1),
                        in_population=True, municipality_code="0765", in_target_group=True, register_reason="avbrott")
                  for i in range(n)]
        Youth.objects.bulk_create(youths, batch_size=5000)
        ids = list(Youth.objects.filter(municipality=municipality).order_by("pk").values_list("pk", flat=True))
        periods, attempts, events, occupations, plans = [], [], [], [], []
        reasons = ["avbrott", "ej_paborjat", "studiebevis", "im", "inflyttad", "ovrigt"]
        for k, youth_id in enumerate(ids):
            start = datetime.date(2025, 6, 1) + datetime.timedelta(days=rng.randint(0, 300))
            reason = reasons[k % len(reasons)]
            if k % 10 == 0:  # two stretches
                gap = datetime.date(2026, 3, 1)
                periods += [RegisterPeriod(youth_id=youth_id, municipality=municipality, in_target_group=True,
                                           reason=reason, valid_from=start, valid_to=gap),
                            RegisterPeriod(youth_id=youth_id, municipality=municipality, in_target_group=False,
                                           reason="nationellt_program", valid_from=gap,
                                           valid_to=datetime.date(2026, 4, 1)),
                            RegisterPeriod(youth_id=youth_id, municipality=municipality, in_target_group=True,
                                           reason="ovrigt", valid_from=datetime.date(2026, 4, 1))]
            elif k % 10 == 1:  # leaves within the half-year
                out = datetime.date(2026, 5, 1)
                periods += [RegisterPeriod(youth_id=youth_id, municipality=municipality, in_target_group=True,
                                           reason=reason, valid_from=start, valid_to=out),
                            RegisterPeriod(youth_id=youth_id, municipality=municipality, in_target_group=False,
                                           reason="fyllt_20", valid_from=out)]
            else:
                periods.append(RegisterPeriod(youth_id=youth_id, municipality=municipality, in_target_group=True,
                                              reason=reason, valid_from=start))
            for e in range(args.events):
                at = datetime.datetime(2025, 9, 1, 10, tzinfo=TZ) + datetime.timedelta(
                    days=rng.randint(0, 300), minutes=e)
                if e % 2:
                    attempts.append(ContactAttempt(youth_id=youth_id, channel=rng.choice(["phone", "sms", "letter"]),
                                                   at=at, outcome=rng.choice(["reached", "no_answer", "sent"]),
                                                   to_guardian=e % 7 == 0))
                else:
                    events.append(YouthEvent(youth_id=youth_id, kind="outreach.contact", occurred_at=at, data={}))
            occupations += [Occupation(youth_id=youth_id, code="ingen", start=datetime.date(2025, 9, 1)),
                            Occupation(youth_id=youth_id, code=rng.choice(["arbete", "komvux", "praktik"]),
                                       start=datetime.date(2026, 4, 1))]
            plans.append(ActionPlan(youth_id=youth_id))
            if len(attempts) + len(events) >= 50_000:
                ContactAttempt.objects.bulk_create(attempts, batch_size=5000)
                YouthEvent.objects.bulk_create(events, batch_size=5000)
                attempts, events = [], []
        RegisterPeriod.objects.bulk_create(periods, batch_size=5000)
        ContactAttempt.objects.bulk_create(attempts, batch_size=5000)
        YouthEvent.objects.bulk_create(events, batch_size=5000)
        Occupation.objects.bulk_create(occupations, batch_size=5000)
        ActionPlan.objects.bulk_create(plans, batch_size=5000)
        plan_ids = dict(ActionPlan.objects.values_list("youth_id", "pk"))
        measures = []
        for k, youth_id in enumerate(ids):
            measures.append(Measure(plan_id=plan_ids[youth_id], youth_id=youth_id, code="regelbundna_samtal",
                                    start=datetime.date(2026, 1, 10), end=datetime.date(2026, 3, 31)))
            if k % 3 == 0:
                measures.append(Measure(plan_id=plan_ids[youth_id], youth_id=youth_id, code="praktik",
                                        start=datetime.date(2026, 5, 2), declined=k % 6 == 0))
        Measure.objects.bulk_create(measures, batch_size=5000)

    if args.reuse and Youth.objects.filter(municipality=municipality).exists():
        print(f"reusing {Youth.objects.filter(municipality=municipality).count()} youths", flush=True)
    else:
        timed(f"build {n} youths, {n * args.events} events", build)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    statistics = timed("SCB file 2026H1 (compute + CSV)", lambda: statistics_file_bytes(
        scb.compute(municipality=municipality, period=h1), "csv"))
    print(f"  {len(statistics):,} bytes")
    figures = timed("follow-up 2026-01-01–2026-06-30",
                    lambda: followup.follow_up(municipality=municipality, start=h1.start, end=h1.end))
    print(f"  in_register {figures['in_register']}, contacted {figures['contacted']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
