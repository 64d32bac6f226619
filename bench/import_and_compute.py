"""Benchmark: import a synthetic region (population + school), compute the register, re-import, list.

    uv run python bench/import_and_compute.py [--rows 500000] [--enrolments N] [--requests 50]

Uses DATABASE_URL (default: a fresh SQLite file bench/out/bench.sqlite3). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CODES = ["0765", "0480", "0580", "1445"]
POP_HEADER = ("personnummer;fornamn;efternamn;kommunkod;folkbokford_datum;adress;postnummer;postort;telefon;epost;"
              "skydd;invandringsdatum;status;status_datum;vardnadshavare1_namn;vardnadshavare1_telefon")
SCHOOL_HEADER = ("personnummer;skolform;program;arskurs;skolenhetskod;skolenhet;motsvarande;startdatum;slutdatum;"
                 "avbrott_datum;resultat;resultat_datum")
NAMES = ["Alva", "Elsa", "Saga", "Maja", "Liam", "Noah", "Hugo", "Elias", "Leo", "Nora", "Ebba", "Alice"]
SURNAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson"]
PROGRAMMES = ["NA", "SA", "EK", "TE", "BA", "EE", "HA", "VO", "IMV", "IMS", "IMA"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def people(n: int, seed: int = 1) -> list[str]:
    """n distinct valid personnummer of persons born 2004–2012."""
    from kaa.demo.identity import personnummer_for

    rng = random.Random(seed)
    start = datetime.date(2004, 1, 1)
    out, seen = [], set()
    while len(out) < n:
        birth = start + datetime.timedelta(days=rng.randrange(9 * 365))
        serial = rng.randrange(1, 1000)
        full = personnummer_for(birth, serial)
        if full not in seen:
            seen.add(full)
            out.append(full)
    return out


def sizes(rows: int) -> list[int]:
    """The first municipality holds a fifth (100,000 of 500,000: the register-list case), the rest share."""
    first = rows // 5
    rest = rows - first
    parts = [rest // 3] * 3
    parts[0] += rest - sum(parts)
    return [first, *parts]


def generate(rows: int, enrolments: int, out: Path) -> tuple[list[tuple[str, Path]], Path]:
    out.mkdir(parents=True, exist_ok=True)
    pnrs = people(rows)
    rng = random.Random(2)
    files, at = [], 0
    for code, size in zip(CODES, sizes(rows), strict=True):
        path = out / f"population_{code}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(POP_HEADER + "\n")
            for pnr in pnrs[at:at + size]:
                given, family = rng.choice(NAMES), rng.choice(SURNAMES)
                skydd = "sekretessmarkering" if rng.random() < 0.005 else ""
                status = "utvandrad;2025-05-01" if rng.random() < 0.01 else ";"
                guardian = f"{rng.choice(NAMES)} {family};070-{rng.randrange(10**7):07d}" if pnr < "2008" else ";"
                fh.write(f"{pnr};{given};{family};{code};2010-01-01;Exempelvägen {rng.randrange(1, 99)};12345;"
                         f"Orten;;;{skydd};;{status};{guardian}\n")
        files.append((code, path))
        at += size
    school = out / "school.csv"
    with school.open("w", encoding="utf-8", newline="") as fh:
        fh.write(SCHOOL_HEADER + "\n")
        for i in range(enrolments):
            pnr = pnrs[i % rows]
            second = i >= rows  # beyond one per person: the earlier compulsory-school enrolment
            year = int(pnr[:4])
            code = CODES[0]
            if second or year >= 2010:
                fh.write(f"{pnr};GR;;9;{code}0002;Grundskolan;;{year + 15}-08-20;{year + 16}-06-10;;"
                         f"slutbetyg;{year + 16}-06-10\n")
                continue
            programme = rng.choice(PROGRAMMES)
            r = rng.random()
            end, stop, result = "", "", ""
            if r < 0.1:
                stop = f"{year + 17}-11-15"
            elif r < 0.5 and year <= 2006:
                end, result = f"{year + 19}-06-10", "gymnasieexamen;" + f"{year + 19}-06-10"
            fh.write(f"{pnr};GY;{programme};;{code}0001;Gymnasiet;;{year + 16}-08-20;{end};{stop};"
                     f"{result or ';'}\n")
    return files, school


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, fn, results: list) -> object:
    """Wall time, and this process's CPU time (the database server's is not in it): on a busy machine the
    CPU figure shows what the code costs."""
    start, start_cpu = time.perf_counter(), cpu()
    value = fn()
    elapsed = time.perf_counter() - start
    results.append((label, elapsed))
    print(f"{label:<44} {elapsed:8.2f} s wall {cpu() - start_cpu:8.2f} s cpu   peak {peak_mb():7.0f} MB",
          flush=True)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=500_000, help="population rows (all municipalities)")
    parser.add_argument("--enrolments", type=int, help="school rows (default: as many as --rows)")
    parser.add_argument("--requests", type=int, default=50, help="register list requests to time")
    parser.add_argument("--workers", type=int,
                        help="task workers (manage.py db_worker) doing the imports and the computation, fed through "
                             "the inbox; 0: everything in this process (default: 2 on PostgreSQL, 0 on SQLite, which "
                             "has one writer at a time)")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="folder for the files, the inbox and the SQLite database (default bench/out; give "
                             "each run its own when two run at once)")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI round (the commands one by one)")
    parser.add_argument("--list-only", action="store_true",
                        help="only time the register list on the database DATABASE_URL already holds")
    args = parser.parse_args()
    enrolments = args.enrolments or args.rows
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        db = out / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["KAA_IMPORT_INBOX"] = str(out / "inbox")
    shutil.rmtree(out / "inbox", ignore_errors=True)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False  # no query log: it would grow with every statement
    if args.list_only:
        p95 = list_p95(args.requests)
        if p95 is not None:
            print(f"register list p95: {p95 * 1000:.0f} ms over {args.requests} requests (target ≤ 150 ms)")
        return 0
    if args.workers is None:
        args.workers = 2 if connection.vendor == "postgresql" else 0
    print(f"database: {connection.vendor}; rows {args.rows}, enrolments {enrolments}, workers {args.workers}")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    results: list[tuple[str, float]] = []
    files, school = timed("generate files", lambda: generate(args.rows, enrolments, out), results)
    original = (list(files), school)
    floors = [timed("floor: bare load of both files + one set-based pass", lambda: floor(files, school), results)]
    from kaa.imports.services import population_import, school_import

    def import_all(label: str) -> None:
        for code, path in files:
            run = population_import(path_or_file=path, municipality_code=code)
            assert run.ok, run.errors[:5]
            print(f"  {code}: {run.status} created {run.created} changed {run.changed} unchanged {run.unchanged}")
        run = school_import(path_or_file=school)
        assert run.ok, run.errors[:5]
        print(f"  school: {run.status} created {run.created} changed {run.changed} unchanged {run.unchanged}")

    def again_files() -> None:
        # The same facts in files with other bytes (the content differs by a trailing line end): compared
        # row by row, as the checksum short-cut does not apply.
        nonlocal files, school
        renamed = []
        for code, path in files:
            copy = path.with_name(f"again_{path.name}")
            copy.write_bytes(path.read_bytes() + b"\n")
            renamed.append((code, copy))
        school_copy = school.with_name("again_school.csv")
        school_copy.write_bytes(school.read_bytes() + b"\n")
        files, school = renamed, school_copy

    if args.workers:
        # As in production: the extracts land in the inbox; the hourly job hands them to the workers,
        # municipalities side by side, then the school file, then the register computation. The workers run
        # all the time, as in production: their start (seconds of Django start-up each, more on a busy
        # machine) is not timed.
        timed(f"start {args.workers} task workers (not part of any round)", lambda: start_workers(args.workers),
              results)

        def round_() -> None:
            inbox_round(files, school, args.workers)

        try:
            timed(f"import + compute, through the inbox and {args.workers} task workers", round_, results)
            imported = results[-1][1]
            timed("re-import unchanged, through the inbox", round_, results)
            reimport = results[-1][1]
            again_files()
            timed("re-import same facts, compared row by row, through the inbox", round_, results)
            compared = results[-1][1]
        finally:
            stop_workers()
    else:
        timed("population + school import", lambda: import_all("first"), results)
        from kaa.register.compute import register_compute

        print(f"  {timed('register_compute', register_compute, results)}")
        imported = results[-2][1] + results[-1][1]
        timed("re-import unchanged (population + school)", lambda: import_all("again"), results)
        reimport = results[-1][1]
        again_files()
        timed("re-import same facts, compared row by row", lambda: import_all("compared"), results)
        compared = results[-1][1]
    p95 = list_p95(args.requests)
    cli = None
    if not args.no_cli:
        call_command("flush", interactive=False, verbosity=0)
        timed("CLI: import_population ×4, import_school, compute_register", lambda: cli_round(*original), results)
        cli = results[-1][1]
    floors.append(timed("floor again (after the runs)", lambda: floor(*original), results))
    floor_s = min(floors)
    print()
    print(f"floor: {floor_s:.2f} s (the smaller of {', '.join(f'{f:.2f}' for f in floors)} s: bare load of "
          f"{args.rows} + {enrolments} rows and one set-based pass, {connection.vendor})")
    if args.workers:
        print(ratio(f"import + compute, inbox + {args.workers} workers", imported, floor_s, 5))
    else:
        print(ratio("import + compute, one process", imported, floor_s, 5))
        if connection.vendor == "sqlite":
            print(f"{'import + compute, SQLite, one process':<58} {imported:7.1f} s (budget ≤ 5 s at 50k + 50k): "
                  f"{'met' if imported <= 5 else 'NOT met'}")
    if cli is not None:
        print(ratio("import + compute, the CLI commands one after the other", cli, floor_s, 8))
    print(ratio("re-import of the same facts in new bytes (row by row)", compared, floor_s, 3))
    print()
    print(f"import + compute: {imported:.1f} s (target ≤ 60 s)")
    print(f"re-import unchanged: {reimport:.1f} s (same files), {compared:.1f} s (compared row by row) "
          f"(target ≤ 15 s)")
    if p95 is not None:
        print(f"register list p95: {p95 * 1000:.0f} ms over {args.requests} requests (target ≤ 150 ms)")
    workers_peak = max(WORKER_PEAK_MB.values(), default=0)
    print(f"peak memory: {peak_mb():.0f} MB in this process, {workers_peak:.0f} MB in the largest task worker "
          f"(target ≤ 1024 MB)")
    return 0


FLOOR_POP_COLUMNS = POP_HEADER.split(";")
FLOOR_SCHOOL_COLUMNS = SCHOOL_HEADER.split(";")


def floor(files: list[tuple[str, Path]], school: Path) -> float:
    """The floor: the files loaded into bare tables (text columns, no index, no key) plus one set-based pass
    joining them. PostgreSQL: ``COPY`` of each file as it is; SQLite: ``csv`` + one ``executemany`` per file.
    What no import can beat on this machine and database; every budget is a multiple of it."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table, columns in (("floor_population", FLOOR_POP_COLUMNS), ("floor_school", FLOOR_SCHOOL_COLUMNS),
                               ("floor_joined", ("personnummer", "kommunkod", "skolform", "startdatum"))):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} ({', '.join(f'{c} text' for c in columns)})")
        for table, paths in (("floor_population", [p for _, p in files]), ("floor_school", [school])):
            for path in paths:
                _floor_load(cursor, table, path)
        # One set-based pass over both: each person with their enrolments, the dates typed.
        cursor.execute("INSERT INTO floor_joined SELECT p.personnummer, p.kommunkod, s.skolform, "
                       "CAST(s.startdatum AS date) FROM floor_population p "
                       "LEFT JOIN floor_school s ON s.personnummer = p.personnummer")
        cursor.execute("SELECT count(*) FROM floor_joined")
        joined = cursor.fetchone()[0]
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        for table in ("floor_population", "floor_school", "floor_joined"):
            cursor.execute(f"DROP TABLE {table}")
    print(f"  floor: {joined} joined rows")
    return elapsed


def _floor_load(cursor, table: str, path: Path) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)") as copy, \
                path.open("rb") as fh:
            while block := fh.read(1 << 20):
                copy.write(block)
        return
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter=";")
        width = len(next(rows))
        cursor.executemany(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * width)})",  # noqa: S608 (table: a constant above)
                           (row for row in rows if row))


def cli_round(files: list[tuple[str, Path]], school: Path) -> None:
    """The commands INTERFACES.md documents, one after the other, each its own ``manage.py`` process."""
    from django.db import connection

    connection.close()  # the commands write; this process only waits
    manage = [sys.executable, str(ROOT / "manage.py")]
    commands = [[*manage, "import_population", str(path), "--municipality", code] for code, path in files]
    commands += [[*manage, "import_school", str(school)], [*manage, "compute_register"]]
    for command in commands:
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        print(f"  {' '.join(command[2:4])}: {time.perf_counter() - start:.1f} s: {done.stdout.strip()[:150]}")
        if done.returncode:
            raise SystemExit(f"{command[2]} failed: {done.stderr[-2000:]}")


def ratio(label: str, seconds: float, floor_s: float, budget: float) -> str:
    times = seconds / floor_s
    verdict = "met" if times <= budget else "NOT met"
    return f"{label:<58} {seconds:7.1f} s = {times:5.1f}× floor (budget ≤ {budget:g}×): {verdict}"


WORKER_PEAK_MB: dict[int, float] = {}


def _high_water_mb(pid: int) -> float:
    """A running process's peak resident memory (VmHWM), 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def inbox_round(files: list[tuple[str, Path]], school: Path, workers: int) -> None:
    """Drop the files in the inbox, run the hourly job, and let ``workers`` real ``db_worker`` processes
    do everything it hands them (imports, then the computation tasks)."""
    from django.db import connection

    from kaa.imports.models import ImportRun
    from kaa.imports.tasks import import_inbox

    inbox = Path(os.environ["KAA_IMPORT_INBOX"])
    for code, path in files:
        (inbox / "population" / code).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, inbox / "population" / code / path.name)
    (inbox / "school").mkdir(parents=True, exist_ok=True)
    shutil.copy(school, inbox / "school" / school.name)
    last_run = ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    print(f"  {import_inbox.call('bench')}")
    connection.close()  # the workers' connections, not this one, do the work
    run_workers(workers)
    runs = list(ImportRun.objects.filter(pk__gt=last_run).order_by("pk"))
    assert len(runs) == len(files) + 1, f"{len(runs)} import runs for {len(files) + 1} files: inbox emptied?"
    for run in runs:
        code = run.municipality.code if run.municipality_id else "school"
        print(f"  {code}: {run.status} created {run.created} changed {run.changed} unchanged {run.unchanged}")
        assert run.ok, run.errors[:5]


WORKERS: list[subprocess.Popen] = []


def start_workers(workers: int) -> None:
    """Start ``workers`` real ``db_worker`` processes and wait until each has connected to the database."""
    from django.db import connection

    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-startup-delay", "--interval", "0.1"]
    WORKERS.extend(subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL) for _ in range(workers))
    if connection.vendor != "postgresql":
        time.sleep(5)  # no view of the connections: give them time to start
        return
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0] >= workers:
                break
        if any(p.poll() is not None for p in WORKERS):
            raise SystemExit("a task worker stopped")
        connection.close()
        time.sleep(0.2)
    time.sleep(1)  # the first poll after connecting


def stop_workers() -> None:
    for p in WORKERS:
        p.send_signal(signal.SIGTERM)
    codes = [p.wait() for p in WORKERS]
    print(f"  task workers stopped (exit {codes})")
    WORKERS.clear()


def run_workers(workers: int) -> None:
    """Wait until the running task workers have done every queued task (deferred ones too)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    started = time.time()
    while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
        for p in WORKERS:
            WORKER_PEAK_MB[p.pid] = max(WORKER_PEAK_MB.get(p.pid, 0), _high_water_mb(p.pid))
        connection.close()
        time.sleep(0.1)
    elapsed = time.time() - started
    failed = DBTaskResult.objects.exclude(status="SUCCESSFUL").count()
    print(f"  workers done after {elapsed:.1f} s, failed tasks: {failed}")
    for result in DBTaskResult.objects.filter(task_path__endswith="register_compute_range",
                                              finished_at__gte=datetime.datetime.fromtimestamp(started, datetime.UTC)):
        print(f"  {result.return_value}")


def list_p95(requests: int) -> float | None:
    """p95 of the coordinator's register list page for the largest municipality (first page, then others)."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kaa.accounts.models import Membership, Role, User
    from kaa.organisations.models import Municipality
    from kaa.register.models import Youth

    setup_test_environment()
    municipality = Municipality.objects.get(code=CODES[0])
    print(f"register list: {Youth.objects.filter(municipality=municipality).count()} youths in {municipality}")
    user, _ = User.objects.get_or_create(username="bench-coordinator")
    Membership.objects.get_or_create(user=user, municipality=municipality, role=Role.COORDINATOR)
    client = Client()
    client.force_login(user)
    times = []
    for i in range(requests):
        start = time.perf_counter()
        response = client.get("/register/" + (f"?page={i % 20 + 1}" if i % 2 else ""))
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            print(f"register list answered {response.status_code}; skipped")
            return None
    times.sort()
    print(f"register list: median {statistics.median(times) * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    return times[max(0, int(len(times) * 0.95) - 1)]


if __name__ == "__main__":
    sys.exit(main())
