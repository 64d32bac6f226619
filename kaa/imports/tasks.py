"""Scheduled pickup of files dropped in the import inbox (``settings.KAA_IMPORT_INBOX``).

Layout of the inbox::

    inbox/population/<CODE>/*.csv|xlsx  population extract of municipality CODE (or population/*.csv when the
                                        installation serves one municipality)
    inbox/school/*.csv|xlsx|json        school data
    inbox/processed/, inbox/failed/     where handled files are moved (with a time stamp prefix)

A file name containing ``full`` (e.g. ``population/0765/full-2026-09-30.csv``) is imported as the complete
extract (``--full``; never forced: a refused file lands in ``failed/``). Files are taken oldest first. A
file is moved away after its run is recorded, so the job is idempotent; a file whose content was
imported before is harmless too (the run says nothing changed).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from kaa.core.scheduler import periodic
from kaa.register.tasks import register_compute_in_workers

from .models import ImportRun, ImportStatus, ImportTrigger
from .services import population_import, school_import

log = logging.getLogger(__name__)
SUFFIXES = {".csv", ".txt", ".xlsx", ".json"}


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
             and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def _move(path: Path, inbox: Path, ok: bool) -> None:
    target = inbox / ("processed" if ok else "failed")
    target.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), target / f"{timezone.now():%Y%m%dT%H%M%S}-{path.name}")


def inbox_pickup(inbox: Path | None = None) -> list[int]:
    """Import every file waiting in the inbox; returns the ids of the runs."""
    inbox = Path(inbox or settings.KAA_IMPORT_INBOX)
    jobs: list[tuple[str, str | None, Path]] = []
    population = inbox / "population"
    jobs += [("population", None, p) for p in _files(population)]
    if population.is_dir():
        for sub in sorted(p for p in population.iterdir() if p.is_dir()):
            jobs += [("population", sub.name, p) for p in _files(sub)]
    jobs += [("school", None, p) for p in _files(inbox / "school")]
    run_ids = []
    for kind, code, path in jobs:
        if kind == "population":
            run = population_import(path_or_file=path, municipality_code=code, full="full" in path.name.lower(),
                                    trigger=ImportTrigger.SCHEDULE)
        else:
            run = school_import(path_or_file=path, trigger=ImportTrigger.SCHEDULE)
        _move(path, inbox, run.ok)
        run_ids.append(run.pk)
    return run_ids


@task()
def import_inbox(period: str) -> list[int]:
    """Import the waiting files, then let the workers bring the register up to date with them."""
    run_ids = inbox_pickup()
    if ImportRun.objects.filter(pk__in=run_ids, status=ImportStatus.SUCCEEDED).exists():
        register_compute_in_workers(on=timezone.localdate())
    return run_ids


periodic("import_inbox", "kaa.imports.tasks.import_inbox", every="hour", catch_up=0)
