"""Shared output of the import commands: one summary line on stdout, errors with row numbers on stderr."""

import datetime

from django.core.management.base import CommandError

from kaa.imports.models import ImportRun, ImportStatus


def parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {value}") from exc


def summary(run: ImportRun) -> str:
    return (f"{run.kind} import {run.status}: read {run.rows_read}, created {run.created}, changed {run.changed}, "
            f"unchanged {run.unchanged}, rejected {run.rejected}, removed {run.removed}, skipped {run.skipped}"
            + (" (this file was imported before)" if run.already_imported else "") + f" [run {run.pk}]")


def report(command, run: ImportRun) -> None:
    for warning in run.warnings:
        command.stderr.write(f"warning: {warning['message']}")
    if run.more_warnings:
        command.stderr.write(f"warning: … and {run.more_warnings} more warnings")
    for error in run.errors:
        command.stderr.write(error["message"])
    if run.more_errors:
        command.stderr.write(f"… and {run.more_errors} more errors")
    if run.status in (ImportStatus.FAILED, ImportStatus.REFUSED):
        raise CommandError(summary(run), returncode=1)
    command.stdout.write(summary(run))
