"""Benchmark: a weekly attendance file of 100,000 pupils (docs/attendance.md), imported and signalled.

    uv run python bench/attendance_import.py [--rows 100000] [--weeks 3]

Imports ``--weeks`` weekly files in turn (each ``--rows`` pupils, about 4 % over the threshold every week), then
the last one again (it replaces its week). Prints the time of each import, signals included. Uses DATABASE_URL
(default: a fresh SQLite file bench/out/attendance.sqlite3).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def pupils(n: int, seed: int = 7) -> list[str]:
    from kaa.demo.identity import personnummer_for

    rng = random.Random(seed)
    start = datetime.date(2007, 1, 1)
    out, seen = [], set()
    while len(out) < n:
        pnr = personnummer_for(start + datetime.timedelta(days=rng.randrange(5 * 365)), rng.randrange(1, 1000))
        if pnr not in seen:
            seen.add(pnr)
            out.append(pnr)
    return out


def weekly_file(path: Path, people: list[str], week: str, rng: random.Random) -> Path:
    lines = ["personnummer;vecka;franvaro_procent;ogiltig_procent"]
    for i, pnr in enumerate(people):
        unexcused = rng.uniform(20, 60) if i % 25 == 0 else rng.uniform(0, 8)
        absence = min(100.0, unexcused + rng.uniform(0, 15))
        lines.append(f"{pnr};{week};{absence:.1f};{unexcused:.1f}".replace(".", ","))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        db = OUT / "attendance.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from kaa.organisations.models import Municipality
    from kaa.prevention.models import AttendanceSettings, AttendanceWeek
    from kaa.prevention.services import attendance_import

    municipality = Municipality.objects.create(code="0480", name="Nyköping")
    AttendanceSettings.objects.create(municipality=municipality, threshold_percent=15, weeks=args.weeks)
    print(f"database: {connection.vendor}; {args.rows} pupils a week, {args.weeks} weeks")
    people, rng = pupils(args.rows), random.Random(1)
    files = [
        weekly_file(OUT / f"attendance_w{10 + i}.csv", people, f"2026-W{10 + i:02d}", rng) for i in range(args.weeks)
    ]
    for path in [*files, files[-1]]:
        started, cpu = time.perf_counter(), time.process_time()
        run = attendance_import(source=str(path), municipality=municipality)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert run.ok, run.errors[:5]
        # CPU time of this process beside the wall time: on a shared, loaded machine the wall time says
        # more about the neighbours (SQLite runs in this process; PostgreSQL's share is not counted).
        print(
            f"  {path.name}: {run.rows} rows in {seconds:.2f} s (this process's CPU {cpu:.2f} s), "
            f"{run.signals} new signals"
        )
    print(f"stored weeks: {AttendanceWeek.objects.count()} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
