"""Benchmark: the youth page with its case (500 events, 50 journal entries, 20 measures) at 100k youths.

Run: ``uv run python bench/casework_youth_page.py [--youths 100000] [--cases 10000] [--requests 50]``.
Uses a fresh private SQLite database (``DATABASE_URL`` to override, e.g. PostgreSQL as in bench/README.md).
It bulk-writes ``--youths`` synthetic youths of one municipality, ``--cases`` of them with a case (an
occupation, a plan with two measures, two journal entries), and one youth assigned to the coach with 500
events, 50 journal entries (5 confidential) and 20 measures written through the services. Then it requests
that youth's page (``/register/youths/<id>/``, through the Django test client, as the coach) ``--requests``
times and prints p50, p95 and the number of queries per page, and the process's CPU time per page (wall
time on a shared machine includes waiting for a CPU; SQLite's work is in the process, PostgreSQL's is not).
Target: p95 ≤ 150 ms.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = Path("/tmp/kaa-bench-casework.sqlite3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youths", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--target-ms", type=float, default=150.0)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from kaa.accounts.models import Membership, Role, User
    from kaa.casework import services
    from kaa.casework.codes import ensure_default_codes
    from kaa.casework.models import ActionPlan, Case, JournalEntry, Measure, Occupation
    from kaa.core.bulk import bulk_insert
    from kaa.demo.identity import personnummer_for
    from kaa.organisations.models import Municipality, Team
    from kaa.register.models import Youth, YouthEvent

    ensure_default_codes()
    started = time.perf_counter()
    municipality, _ = Municipality.objects.get_or_create(code="0480", defaults={"name": "Nyköping"})
    team, _ = Team.objects.get_or_create(municipality=municipality, name="Team Norr")
    coach = User.objects.create(username="benchcoach", first_name="Bench", last_name="Coach")
    Membership.objects.create(user=coach, municipality=municipality, role=Role.COACH, team=team)
    base = datetime.date(2006, 1, 1)
    today = timezone.localdate()
    rows = []
    for i in range(args.youths):
        birth = base + datetime.timedelta(days=i // 900)
        rows.append((municipality.pk, personnummer_for(birth, i % 900 + 1), birth, "Namn", f"Efternamn{i % 5000}",
                     True, "0480", True, "avbrott", today - datetime.timedelta(days=i % 300)))
    bulk_insert(Youth, ("municipality", "personnummer", "birth_date", "given_name", "family_name", "in_population",
                        "municipality_code", "in_target_group", "register_reason", "register_since"), rows)
    ids = list(Youth.objects.order_by("pk").values_list("pk", flat=True))
    with_case = ids[: args.cases]
    bulk_insert(Case, ("youth", "status", "opened_on", "status_since"),
                [(y, "open", today, today) for y in with_case])
    bulk_insert(Occupation, ("youth", "code", "start"), [(y, "ingen", today) for y in with_case])
    bulk_insert(ActionPlan, ("youth", "goal", "revision"), [(y, "Mål", 1) for y in with_case])
    plans = dict(ActionPlan.objects.values_list("youth_id", "pk"))
    bulk_insert(Measure, ("plan", "youth", "code", "start", "responsible"),
                [(plans[y], y, code, today, "municipality") for y in with_case for code in ("syv", "praktik")])
    bulk_insert(JournalEntry, ("youth", "kind", "occurred_on", "text", "confidential"),
                [(y, kind, today, "Anteckning", False) for y in with_case for kind in ("meeting", "phone")])
    print(f"seeded {args.youths} youths, {len(with_case)} cases in {time.perf_counter() - started:.1f} s")

    youth = Youth.objects.get(pk=ids[len(ids) // 2])
    Youth.objects.filter(pk=youth.pk).update(coach=coach, team=team)
    youth.refresh_from_db()
    now = timezone.now()
    YouthEvent.objects.bulk_create([
        YouthEvent(youth=youth, kind="outreach.contact", occurred_at=now - datetime.timedelta(hours=i),
                   data={"channel": "phone", "outcome": "no_answer"}) for i in range(500)])
    for i in range(20):
        services.measure_add(youth=youth, user=coach, code="praktik", start=today - datetime.timedelta(days=40 - i),
                             end=today + datetime.timedelta(days=i), follow_up_on=today,
                             evaluate_on=today + datetime.timedelta(days=3))
    for i in range(50):
        services.journal_add(youth=youth, user=coach, text=f"Anteckning {i}", kind="phone",
                             occurred_on=today - datetime.timedelta(days=i), confidential=i % 10 == 0)
    services.mapping_save(youth=youth, user=coach, held_on=today, interests="Musik", wishes="Jobba")

    client = Client(SERVER_NAME="localhost")
    client.force_login(coach)
    url = f"/register/youths/{youth.pk}/"
    warm = client.get(url)
    assert warm.status_code == 200, (warm.status_code, warm.get("Location"))
    timings, cpu = [], []
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)
    for _ in range(args.requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    timings.sort()
    cpu.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    cpu95 = cpu[max(0, round(0.95 * len(cpu)) - 1)]
    print(f"youth page ({args.youths} youths, 500 events, 50 journal entries, 20 measures): "
          f"p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, {query_count} queries per page "
          f"[{connection.vendor}] (target p95 ≤ {args.target_ms:.0f} ms); process CPU per page p50 "
          f"{statistics.median(cpu):.0f} ms, p95 {cpu95:.0f} ms (wall time on a shared machine includes waiting "
          f"for the CPU)")
    return 0 if p95 <= args.target_ms else 1


if __name__ == "__main__":
    sys.exit(main())
