"""Load test with Locust (issue 16): one script starts everything, runs the users, prints the curve, stops all.

Run: ``uv run python bench/load.py [--users 50 100 200] [--minutes 5] [--youths 100000] [--audit-rows 1000000]
[--workers 2] [--threads 4] [--think 1 3] [--arrival 10]``. It starts a throwaway PostgreSQL cluster (a temporary
folder, Unix socket only, no TCP port; as root through ``runuser -u postgres``), migrates it, writes
``bench/dataset.py``'s data set, collects the static files, starts gunicorn (``config/gunicorn.conf.py``,
``--workers`` processes of ``--threads`` threads) on 127.0.0.1 with ``bench/settings_load.py``
(production's settings over plain HTTP), then runs Locust headless (``bench/locustfile.py``: 80 % coaches,
20 % coordinators, each waiting ``--think`` seconds between clicks, all of them arriving and logging in
within ``--arrival`` seconds) once per ``--users`` figure for
``--minutes``, and prints one line per run: requests, failures, p50/p95/p99, throughput, and the slowest
page by p95.
Nothing listens beyond 127.0.0.1; every process is stopped at the end, also on Ctrl-C.
Budget at 50 users: 0 errors, p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _pg_bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        sys.exit("PostgreSQL is not installed (/usr/lib/postgresql/*/bin).")
    return found[-1]


@contextlib.contextmanager
def throwaway_postgresql(workdir: Path):
    bindir, data = _pg_bindir(), workdir / "pg"
    workdir.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "--encoding=UTF8", "--no-locale"]), check=True, stdout=subprocess.DEVNULL)
    options = f"-c listen_addresses='' -k {workdir} -c fsync=off -c synchronous_commit=off -c max_connections=300"
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(workdir / "pg.log"), "-w",
                                 "-o", options, "start"]), check=True, stdout=subprocess.DEVNULL)
    try:
        subprocess.run(_as_postgres([str(bindir / "createdb"), "-h", str(workdir), "-U", "postgres", "kaa_load"]),
                       check=True)
        yield f"postgres://postgres@/kaa_load?host={quote(str(workdir), safe='')}"
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own http://127.0.0.1 URL)
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def _prepare(env: dict, args, users_file: Path) -> None:
    """Migrate, write the data set and the users file, collect the static files (in a child process)."""
    code = f"""
import json, django
django.setup()
from django.core.management import call_command
import time
t = time.perf_counter()
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
print(f"  migrate and collectstatic: {{time.perf_counter() - t:.0f}} s", flush=True)
from bench.dataset import PASSWORD, build
data = build(youths={args.youths}, events_per_youth={args.events}, audit_rows={args.audit_rows})
# As after a night in production: the data set's events marked every youth's memo row stale (the trigger of
# kaa/outreach/migrations/0004), and the nightly job computed them, as it does after the register computation.
from kaa.outreach.tasks import refresh_snapshots
t = time.perf_counter()
refresh_snapshots.call("bench")
print(f"  outreach snapshots (the nightly job): {{time.perf_counter() - t:.0f}} s", flush=True)
json.dump({{"password": PASSWORD, "coordinator": data.coordinator, "coaches": data.coaches,
           "coach_ids": data.coach_ids, "youths_by_coach": data.youths_by_coach,
           "cases_by_coach": data.cases_by_coach, "busy_youth": data.busy_youth}},
          open({str(users_file)!r}, "w"))
"""
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, round(q * len(ordered)) - 1)] if ordered else 0.0


def _aggregate(prefix: Path) -> tuple[dict, dict, str]:
    """Locust's totals, its slowest working page by p95, and the login's p95."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = [r for r in rows if r["Name"] not in ("Aggregated", "login", "login form") and int(r["Request Count"])]
    slowest = max(pages, key=lambda r: float(r["95%"] or 0)) if pages else total
    login = next((r["95%"] for r in rows if r["Name"] == "login"), "-")
    return total, slowest, login


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--youths", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--audit-rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--think", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"),
                        help="seconds each simulated person waits between two clicks")
    parser.add_argument("--arrival", type=float, default=10.0,
                        help="seconds over which the users arrive and log in (a morning spreads them wider)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kaa-load."))
    gunicorn = None
    try:
        with throwaway_postgresql(work) as database_url:
            env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings_load",
                   "DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "KAA_STATIC_ROOT": str(work / "static"),
                   "DJANGO_CONN_MAX_AGE": "60", "PYTHONPATH": str(ROOT)}
            users_file = work / "users.json"
            started = time.perf_counter()
            _prepare(env, args, users_file)
            print(f"prepared {args.youths} youths in {time.perf_counter() - started:.0f} s", flush=True)
            port = _free_port()
            gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--workers", str(args.workers),
                 "--threads", str(args.threads),
                 "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "config.wsgi"],
                cwd=ROOT, env=env, stderr=(work / "gunicorn.log").open("w"))
            host = f"http://127.0.0.1:{port}"
            _wait_for(f"{host}/healthz")
            print(f"\n{'users':>5} {'requests':>9} {'failures':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
                  f"{'req/s':>7} {'login p95':>9} {'after logins: p50':>17} {'p95':>6} {'p99':>6}  slowest page (p95)\n"
                  "      [times: every request but logging in; 'after logins': once every user has logged in]",
                  flush=True)
            met = True
            for n in args.users:
                prefix = work / f"locust-{n}"
                subprocess.run(
                    [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                     "-u", str(n), "-r", f"{n / max(args.arrival, 0.1):g}", "--run-time", f"{int(args.minutes * 60)}s",
                     "--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                    cwd=ROOT, env={**env, "KAA_LOAD_USERS": str(users_file),
                                   "KAA_LOAD_TIMES": f"{prefix}_times.json",
                                   "KAA_LOAD_THINK": f"{args.think[0]} {args.think[1]}",
                                   "KAA_LOAD_USER_COUNT": str(n)}, check=False,
                    stdout=subprocess.DEVNULL, stderr=(work / f"locust-{n}.log").open("w"))
                total, slowest, login = _aggregate(prefix)
                with open(f"{prefix}_times.json", encoding="utf-8") as f:
                    recorded = json.load(f)
                times, steady = sorted(recorded["all"]), sorted(recorded["steady"])
                failures = int(total["Failure Count"])
                p50, p95, p99 = (_percentile(times, q) for q in (0.50, 0.95, 0.99))
                s50, s95, s99 = (_percentile(steady, q) for q in (0.50, 0.95, 0.99))
                if n == args.users[0]:
                    met = failures == 0 and p95 <= 300
                print(f"{n:>5} {len(times):>9} {failures:>9} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} "
                      f"{float(total['Requests/s']):>7.1f} {login:>9} {s50:>17.0f} {s95:>6.0f} {s99:>6.0f}  "
                      f"{slowest['Name']} ({slowest['95%']} ms)", flush=True)
                if failures:
                    with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
                        for row in list(csv.DictReader(f))[:5]:
                            print(f"      {row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error'][:120]}")
            print(f"\ngunicorn {args.workers} processes × {args.threads} threads + PostgreSQL, {args.youths} youths, "
                  f"{args.minutes:g} min per run, {args.think[0]:g}–{args.think[1]:g} s between clicks, arriving over "
                  f"{args.arrival:g} s, Locust on the "
                  f"same machine; budget at {args.users[0]} users (0 errors, p95 ≤ 300 ms): "
                  f"{'met' if met else 'NOT met'}")
            return 0 if met else 1
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                gunicorn.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
