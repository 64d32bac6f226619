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

import datetime
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from kaa.core.scheduler import periodic
from kaa.register.tasks import register_compute_in_workers

from .models import ImportTrigger
from .services import import_runs_mark_interrupted, population_import, school_import

log = logging.getLogger(__name__)
SUFFIXES = {".csv", ".txt", ".xlsx", ".json"}
FINISH_RETRY_SECONDS = 1
# Below the default (0): a worker takes every ready import before the task that waits for them.
FINISH_PRIORITY = -10


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
             and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def _move(path: Path, inbox: Path, ok: bool) -> None:
    target = inbox / ("processed" if ok else "failed")
    target.mkdir(parents=True, exist_ok=True)
    try:
        shutil.move(str(path), target / f"{timezone.now():%Y%m%dT%H%M%S}-{path.name}")
    except FileNotFoundError:  # another pickup's task imported and moved the same file meanwhile
        log.info("inbox file already moved by another task")


def _waiting(inbox: Path) -> tuple[dict[str | None, list[Path]], list[Path]]:
    """Population files by municipality code (None: the installation's only municipality), school files."""
    population: dict[str | None, list[Path]] = {}
    folder = inbox / "population"
    if files := _files(folder):
        population[None] = files
    if folder.is_dir():
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            if files := _files(sub):
                population[sub.name] = files
    return population, _files(inbox / "school")


def _import_population(inbox: Path, code: str | None, paths: list[Path]) -> list[int]:
    run_ids = []
    for path in paths:
        if not path.exists():  # taken by an earlier pickup's task meanwhile
            continue
        run = population_import(path_or_file=path, municipality_code=code, full="full" in path.name.lower(),
                                trigger=ImportTrigger.SCHEDULE)
        _move(path, inbox, run.ok)
        run_ids.append(run.pk)
    return run_ids


def _import_school(inbox: Path, paths: list[Path]) -> list[int]:
    run_ids = []
    for path in paths:
        if not path.exists():
            continue
        run = school_import(path_or_file=path, trigger=ImportTrigger.SCHEDULE)
        _move(path, inbox, run.ok)
        run_ids.append(run.pk)
    return run_ids


def inbox_pickup(inbox: Path | None = None) -> list[int]:
    """Import every file waiting in the inbox, in this process: population first, then school files.

    The hourly job (``import_inbox``) does the same through the task workers, municipalities side by side.
    """
    inbox = Path(inbox or settings.KAA_IMPORT_INBOX)
    population, school = _waiting(inbox)
    run_ids = [pk for code, paths in population.items() for pk in _import_population(inbox, code, paths)]
    return run_ids + _import_school(inbox, school)


@task()
def import_inbox(period: str) -> str:
    """Hand the waiting files to the workers: one task per municipality's population files (the workers
    parse them side by side), then one for the school files and the register computation once those are
    done (school data needs the population to know whose it is)."""
    inbox = Path(settings.KAA_IMPORT_INBOX)
    population, school = _waiting(inbox)
    if not population and not school:
        return "nothing waiting"
    waiting_for = [import_population_files.enqueue(code, [str(p) for p in paths]).id
                   for code, paths in population.items()]
    import_inbox_finish.using(priority=FINISH_PRIORITY).enqueue(waiting_for, [str(p) for p in school])
    return f"{len(waiting_for)} population tasks, {len(school)} school files"


@task()
def import_population_files(code: str | None, paths: list[str]) -> list[int]:
    """One municipality's population files, oldest first."""
    return _import_population(Path(settings.KAA_IMPORT_INBOX), code, [Path(p) for p in paths])


def _unfinished(task_ids: list[str]) -> bool:
    for task_id in task_ids:
        try:
            status = import_population_files.get_result(task_id).status
        except (TaskResultDoesNotExist, NotImplementedError):  # gone, or a backend that keeps no results
            continue
        if status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            return True
    return False


@task()
def import_inbox_finish(waiting_for: list[str], school_paths: list[str]) -> str:
    """After the population tasks of a pickup: the school files, then the register computation."""
    if _unfinished(waiting_for):
        again = timezone.now() + datetime.timedelta(seconds=FINISH_RETRY_SECONDS)
        import_inbox_finish.using(run_after=again, priority=FINISH_PRIORITY).enqueue(waiting_for, school_paths)
        return "waiting for the population imports"
    run_ids = _import_school(Path(settings.KAA_IMPORT_INBOX), [Path(p) for p in school_paths])
    tasks = register_compute_in_workers(on=timezone.localdate())
    return f"{len(run_ids)} school runs, {tasks} computation tasks"


@task()
def import_runs_check(period: str) -> str:
    """Runs left "running" by a process that is gone (killed, out of memory, restarted) are marked failed."""
    return f"{import_runs_mark_interrupted()} interrupted runs marked failed"


periodic("import_inbox", "kaa.imports.tasks.import_inbox", every="hour", catch_up=0)
periodic("import_runs_check", "kaa.imports.tasks.import_runs_check", every="hour", catch_up=0)
