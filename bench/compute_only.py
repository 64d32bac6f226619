"""Benchmark: the register computation alone, on data imported once.

    uv run python bench/compute_only.py [--rows 100000] [--reuse] [--processes N] [--profile FILE]

Builds the synthetic region of ``bench/import_and_compute.py`` (its files and its imports, not timed), then
times the computation of every youth from an empty register (the first computation after a region's first
import: every youth gets its first period, most an event) and again with ``--force`` (every youth evaluated,
nothing changed: the path a daily run takes for youths whose facts were touched without effect).

``--reuse`` keeps the imported youths already in the database (``DATABASE_URL``; SQLite: ``--out``'s
``compute.sqlite3``) and only empties the register's computed state, so repeated runs skip the imports.
``--processes N`` (PostgreSQL) computes the id ranges in N child processes, as ``manage.py compute_register``
does; the default 1 computes in this process. Printed: wall time, the CPU time of this process and its
children ("python") and, on PostgreSQL when the server runs on this machine, of the whole cluster ("server",
read from ``/proc``: give the benchmark a cluster of its own).
``--profile FILE`` writes a cProfile of the first computation (in-process only).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_and_compute import OUT, generate  # noqa: E402


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def _stat(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def server_cpu() -> float | None:
    """CPU seconds of the whole PostgreSQL cluster so far: the postmaster with its ended children (the
    backends of closed connections, the child processes' too) and its running children (read from
    ``/proc``, so None unless the server runs on this machine). Other sessions on the same cluster count too:
    give the benchmark a cluster of its own."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")
    try:
        postmaster = int(_stat(backend)[1])
        fields = _stat(postmaster)
        total = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    child = _stat(entry.name)
                except OSError:
                    continue
                if int(child[1]) == postmaster:
                    total += int(child[11]) + int(child[12])
    except OSError:
        return None
    return total / tick


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def reset_register() -> None:
    """Empty what the computation writes, as after a region's first import (not timed)."""
    from django.db import connection

    from kaa.register.models import RegisterPeriod, Youth, YouthEvent

    RegisterPeriod.objects.all().delete()
    YouthEvent.objects.filter(kind__in=["register.entered", "register.left"]).delete()
    Youth.objects.update(in_target_group=False, register_reason="", register_since=None, register_extended=False,
                         needs_evaluation=True, next_evaluation_date=None)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("register_youth", "register_registerperiod", "register_youthevent",
                          "outreach_outreachsnapshot"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


def timed(label: str, fn, profile: Path | None = None) -> object:
    from django.db import connection

    connection.ensure_connection()
    start_server = server_cpu()
    start, start_cpu = time.perf_counter(), own_cpu()
    if profile is not None:
        profiler = cProfile.Profile()
        value = profiler.runcall(fn)
        profiler.dump_stats(profile)
    else:
        value = fn()
    wall, cpu = time.perf_counter() - start, own_cpu() - start_cpu
    end_server = server_cpu()
    server = (f", server {end_server - start_server:.2f} s cpu"
              if start_server is not None and end_server is not None else "")
    print(f"{label:<40} {wall:7.2f} s wall, {cpu:6.2f} s cpu (python){server}; load {load()}  {value}", flush=True)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="population rows (and as many enrolments)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the files (and the SQLite database)")
    parser.add_argument("--reuse", action="store_true", help="keep the youths already imported")
    parser.add_argument("--processes", type=int, default=1, help="child processes computing id ranges")
    parser.add_argument("--profile", type=Path, help="cProfile output of the first computation")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        db = out / "compute.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kaa.register.compute import register_compute
    from kaa.register.models import Youth
    from kaa.register.tasks import register_compute_parallel

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if not args.reuse or not Youth.objects.exists():
        call_command("flush", interactive=False, verbosity=0)
        from kaa.imports.services import population_import, school_import

        files, school = generate(args.rows, args.rows, out)
        for code, path in files:
            assert population_import(path_or_file=path, municipality_code=code).ok
        assert school_import(path_or_file=school).ok
    reset_register()
    print(f"database: {connection.vendor}; {Youth.objects.count()} youths; processes {args.processes}; "
          f"load {load()}", flush=True)

    def compute(force: bool = False):
        if args.processes > 1:
            connection.close()
            return register_compute_parallel(on=_today(), force=force, processes=args.processes)
        return register_compute(force=force)

    timed("first computation (every youth new)", compute, args.profile if args.processes == 1 else None)
    timed("again with --force (nothing changes)", lambda: compute(force=True))
    return 0


def _today():
    from django.utils import timezone

    return timezone.localdate()


if __name__ == "__main__":
    sys.exit(main())
