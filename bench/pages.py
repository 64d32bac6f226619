"""Benchmark: every list page at a county's size, beside its floor, in one run (issue 16).

Run: ``uv run python bench/pages.py [--youths 100000] [--events 20] [--audit-rows 20000000] [--requests 40]
[--only TEXT] [--reuse]``. ``--reuse`` measures on the data set an earlier run left in ``DATABASE_URL``
(PostgreSQL; only new migrations are applied), so a change can be measured again without the build.
Uses a fresh private SQLite database unless ``DATABASE_URL`` is set (PostgreSQL: see README.md for a
throwaway cluster; the figures in README.md are from PostgreSQL). It builds ``bench/dataset.py``'s data set
(100k youths, 2M events, 20M audit rows by default), then requests each page through the Django test client
as the user who works with it, ``--requests`` times after one warm-up, and prints one table: p50, p95, the
number of queries, and the ratio of p95 to the floor's p95 — the floor being ``bench/bare_urls.py``'s bare
view reading the same 50 rows through the same middleware in the same run. Budget per page: p95 ≤ 100 ms,
≤ 3× the floor, ≤ 12 queries. Pages of apps that are not installed are left out.

``--reuse`` (PostgreSQL): measure on the data set a previous run left in ``DATABASE_URL`` (the 20M audit
rows take minutes to write); without it the database must be empty.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = Path("/tmp/kaa-bench-pages.sqlite3")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def pages(data) -> list[tuple[str, str, str, dict | None]]:
    """(label, user, url, POST data or None) of each page measured; names that do not resolve (an app not
    installed) are skipped."""
    from django.urls import NoReverseMatch, reverse

    from kaa.accounts.models import User

    coach = data.coaches[0]
    coach_id = User.objects.get(username=coach).pk
    wanted = [
        ("floor: bare view, 50 youths", data.coordinator, "/bench/bare/", None),
        ("register list", data.coordinator, "register:list", {}),
        ("register list, page 200", data.coordinator, "register:list", {"_query": "page=200"}),
        ("register list, search (POST)", data.coordinator, "register:list", {"_post": {"q": "Efternamn12"}}),
        ("youth list", data.coordinator, "register:youth_list", {}),
        ("coordinator overview", data.coordinator, "outreach:overview", {}),
        ("unassigned queue", data.coordinator, "outreach:assign", {}),
        ("import runs", data.coordinator, "imports:runs", {}),
        ("audit log", data.coordinator, "audit:index", {}),
        ("what has this user looked at", data.coordinator, "audit:user", {"user_id": coach_id}),
        ("who has seen this youth", data.coordinator, "register:youth_log", {"pk": data.busy_youth}),
        ("reports", data.coordinator, "reporting:index", {}),
        ("coach's worklist", coach, "outreach:worklist", {}),
        ("youth page, 500 events", coach, "register:youth_detail", {"pk": data.busy_youth}),
        ("case review (team's week)", coach, "meetings:review_team",
         {"team_id": User.objects.get(pk=coach_id).memberships.get().team_id}),
    ]
    out = []
    for label, user, name, kwargs in wanted:
        if kwargs is None:
            out.append((label, user, name, None))
            continue
        query, post = kwargs.pop("_query", ""), kwargs.pop("_post", None)
        try:
            url = reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
        out.append((label, user, f"{url}?{query}" if query else url, post))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youths", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=20, help="events per youth")
    parser.add_argument("--audit-rows", type=int, default=20_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the data set DATABASE_URL already holds (from an earlier run; only new "
                        "migrations are applied) instead of emptying it and building it again")
    parser.add_argument("--only", default="", help="measure only the pages whose label contains this text, or "
                        "one of these comma-separated texts (the floor is always measured)")
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        for suffix in () if args.reuse else ("", "-wal", "-shm"):
            Path(f"{DEFAULT_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from bench.dataset import build, existing
    from kaa.accounts.models import User

    call_command("migrate", verbosity=0)
    if args.reuse:
        data = existing()
        size = (f"{data.counts['youths']} youths, {data.counts['events']} events, {data.counts['audit_rows']} "
                f"audit rows (reused)")
        print(f"reusing the data set in the database: {size} [{connection.vendor}]\n", flush=True)
    else:
        print(f"building: {args.youths} youths, {args.youths * args.events} events, {args.audit_rows} audit "
              f"rows [{connection.vendor}]", flush=True)
        started = time.perf_counter()
        data = build(youths=args.youths, events_per_youth=args.events, audit_rows=args.audit_rows)
        print(f"built in {time.perf_counter() - started:.0f} s\n", flush=True)
        size = f"{args.youths} youths, {args.youths * args.events} events, {args.audit_rows} audit rows"

    # As config/wsgi.py does in production: the objects loaded at start (and the data set's) out of the
    # garbage collector's sight, so that a full collection does not walk them every few dozen requests.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views, as config/wsgi.py does)
    gc.collect()
    gc.freeze()
    clients: dict[str, Client] = {}
    results = []
    with override_settings(ROOT_URLCONF="bench.bare_urls"):
        for label, username, url, post in pages(data):
            if args.only and not label.startswith("floor") and not any(
                    text in label for text in args.only.split(",")):
                continue
            client = clients.get(username)
            if client is None:
                client = clients[username] = Client(SERVER_NAME="localhost")
                client.force_login(User.objects.get(username=username))
            def get(url=url, post=post, client=client):
                return client.post(url, post) if post is not None else client.get(url)

            warm = get()
            assert warm.status_code == 200, (label, url, warm.status_code, warm.get("Location"))
            queries: list[str] = []

            def count(execute, sql, *rest, queries=queries):
                queries.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                get()
            timings, cpu = [], []
            for _ in range(args.requests):
                t0, c0 = time.perf_counter(), time.process_time()
                get()
                timings.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            results.append((label, statistics.median(timings), p95(timings), len(queries), statistics.median(cpu)))

    floor = results[0][2]
    print(f"{'page':<34} {'p50 ms':>7} {'p95 ms':>7} {'× floor':>8} {'queries':>8} {'CPU ms':>7}  budget (p95 ≤ "
          f"100 ms, ≤ 3× floor, ≤ 12 queries)")
    met_all = True
    for label, p50, p95_ms, count, cpu_ms in results:
        ratio = p95_ms / floor if floor else 0.0
        if label.startswith("floor"):
            verdict = "(the floor)"
        else:
            met = p95_ms <= 100 and ratio <= 3 and count <= 12
            met_all &= met
            verdict = "met" if met else "NOT met"
        print(f"{label:<34} {p50:>7.1f} {p95_ms:>7.1f} {ratio:>8.1f} {count:>8} {cpu_ms:>7.1f}  {verdict}")
    print("\nCPU ms: the median of this process's CPU time per request (the database server's work not included):"
          " on a loaded machine the part of the time the page itself costs.")
    print(f"\n[{connection.vendor}] {size}; {args.requests} requests per page after one warm-up")
    return 0 if met_all else 1


if __name__ == "__main__":
    sys.exit(main())
