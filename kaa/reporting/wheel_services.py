"""Writes of the yearly wheel: the default tasks of a new municipality, the coordinator's edits, marking an
occurrence done, and the daily reminder e-mails (one per occurrence and kind, whoever runs the job)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaa.accounts.models import Role, User
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record

from . import wheel, wheel_selectors
from .models import WheelDone, WheelReminder, WheelTask

log = logging.getLogger(__name__)


@transaction.atomic
def wheel_install_defaults(*, municipality: Any, today: datetime.date | None = None) -> int:
    """Give the municipality the default tasks it lacks (part of setting a municipality up). Returns how many."""
    today = today or timezone.localdate()
    having = set(WheelTask.objects.filter(municipality=municipality).values_list("preset", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        tasks = [
            WheelTask(
                municipality=municipality,
                title=str(d.title),
                description=str(d.description),
                remind_days=d.remind_days,
                preset=d.key,
                **d.rule_fields(today),
            )
            for d in wheel.DEFAULTS
            if d.key not in having
        ]
    WheelTask.objects.bulk_create(tasks)
    return len(tasks)


@transaction.atomic
def wheel_task_save(*, task: WheelTask, user: Any, fields: Sequence[str]) -> WheelTask:
    """Save a task the coordinator added or edited (its rule, title, reminder; deactivating it)."""
    creating = task.pk is None
    task.full_clean()
    task.save()
    audit_record(
        user=user,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        object_type="wheel_task",
        object_id=task.pk,
        municipality_id=task.municipality_id,
        fields=list(fields),
    )
    return task


@transaction.atomic
def wheel_done_mark(*, task: WheelTask, on: datetime.date, user: Any) -> WheelDone:
    """Mark one occurrence done (who and when are kept). The date must be one of the task's."""
    if wheel.occurrences(wheel_selectors.rule_of(task), on, on) != [on]:
        raise ValidationError(_("The task does not fall on that day."))
    done, created = WheelDone.objects.get_or_create(task=task, on=on, defaults={"done_by": user})
    if created:
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            object_type="wheel_done",
            object_id=done.pk,
            municipality_id=task.municipality_id,
            detail=on.isoformat(),
        )
    return done


@transaction.atomic
def wheel_done_undo(*, task: WheelTask, on: datetime.date, user: Any) -> bool:
    """Take back a "done" marked by mistake."""
    deleted, _rows = WheelDone.objects.filter(task=task, on=on).delete()
    if deleted:
        audit_record(
            user=user,
            action=AuditAction.DELETE,
            object_type="wheel_done",
            object_id=task.pk,
            municipality_id=task.municipality_id,
            detail=on.isoformat(),
        )
    return bool(deleted)


def _recipients() -> dict[int, list[str]]:
    """The e-mail addresses of each municipality's active coordinators."""
    out: dict[int, list[str]] = {}
    rows = (
        User.objects.filter(is_active=True, memberships__role=Role.COORDINATOR)
        .exclude(email="")
        .values_list("memberships__municipality_id", "email")
        .distinct()
    )
    for municipality_id, email in rows:
        out.setdefault(municipality_id, []).append(email)
    return out


def wheel_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail each municipality's coordinators about the occurrences due soon or overdue and not done.

    One e-mail per occurrence and kind (due soon, overdue), ever: a ``WheelReminder`` row is written in
    the same transaction as the sending, so running the job twice, or two workers at once, sends nothing
    twice; a failed send leaves no row and is tried again the next day. Returns the e-mails sent.
    """
    today = today or timezone.localdate()
    tasks = list(WheelTask.objects.filter(active=True).select_related("municipality"))
    sent_before = set(
        WheelReminder.objects.filter(on__gte=today - datetime.timedelta(days=wheel_selectors.OVERDUE_DAYS)).values_list(
            "task_id", "on", "kind"
        )
    )
    recipients = _recipients()
    link = settings.KAA_PUBLIC_BASE_URL.rstrip("/") + reverse("reporting:wheel")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for o in wheel_selectors.reminders(tasks=tasks, today=today):
            kind = WheelReminder.Kind.OVERDUE if o.status == wheel_selectors.OVERDUE else WheelReminder.Kind.DUE
            to = recipients.get(o.task.municipality_id, [])
            if not to or (o.task.pk, o.on, kind) in sent_before:
                continue
            sent += _send_one(o, kind, to, link)
    log.info("wheel reminders sent: %d", sent)
    return sent


def _send_one(o: wheel_selectors.Occurrence, kind: str, to: list[str], link: str) -> int:
    subject = (
        _("Overdue in the yearly wheel: %(title)s")
        if kind == WheelReminder.Kind.OVERDUE
        else _("Coming up in the yearly wheel: %(title)s")
    ) % {"title": o.task.title}
    body = render_to_string(
        "reporting/email/wheel_reminder.txt",
        {
            "task": o.task,
            "on": o.on,
            "overdue": kind == WheelReminder.Kind.OVERDUE,
            "link": f"{link}?municipality={o.task.municipality.code}",
        },
    )
    try:
        with transaction.atomic():
            WheelReminder.objects.create(task=o.task, on=o.on, kind=kind, recipients=len(to))
            send_mass_mail(
                [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to], fail_silently=False
            )
    except Exception:  # an IntegrityError (sent by another worker) or a mail failure: next day
        log.warning("wheel reminder not sent for task %s on %s", o.task.pk, o.on, exc_info=True)
        return 0
    return 1
