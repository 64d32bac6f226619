"""Daily worklist digest: each coach gets counts and a link by e-mail, never a name or personnummer."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kaa.accounts.models import Role, User
from kaa.core.scheduler import periodic

from . import selectors
from .selectors import worklist_counts

log = logging.getLogger(__name__)


def digest_messages(on: datetime.date | None = None) -> list[tuple[str, str, str, list[str]]]:
    """One (subject, body, from, [to]) per coach with an e-mail address and something on the list."""
    on = on or timezone.localdate()
    link = settings.KAA_PUBLIC_BASE_URL.rstrip("/") + reverse("outreach:worklist")
    coaches = User.objects.filter(is_active=True, memberships__role=Role.COACH).exclude(email="").distinct()
    out = []
    with translation.override(settings.LANGUAGE_CODE):
        for coach in coaches:
            counts = worklist_counts(coach, on)
            if not any(counts.values()):
                continue
            body = render_to_string("outreach/email/digest.txt", {"counts": counts, "link": link})
            subject = _("KAA worklist: %(overdue)d overdue, %(today)d due today") % counts
            out.append((subject, body, settings.DEFAULT_FROM_EMAIL, [coach.email]))
    return out


@task()
def send_worklist_digests(period: str) -> int:
    messages = digest_messages(datetime.date.fromisoformat(period[:10]))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    log.info("worklist digests sent: %d", sent)
    return sent


periodic("outreach_worklist_digest", "kaa.outreach.tasks.send_worklist_digests", every="day",
         at=datetime.time(6, 30), catch_up=0)


@task()
def refresh_snapshots(period: str) -> int:
    """Bring the register youths' outreach snapshots up to date after the night's register computation (its
    ``register.entered`` and ``register.left`` events have marked them stale), so the first worklist and
    overview of the morning read them instead of computing (a memo: see ``OutreachSnapshot``). Returns the
    number of youths computed."""
    return selectors.snapshots_refresh(batch=SNAPSHOT_BATCH)


@task()
def refresh_municipality_snapshots(municipality_id: int) -> int:
    """Bring one municipality's snapshots up to date after its chain changed (enqueued by the chain's
    services), so its lists need not compute every youth at once."""
    return selectors.snapshots_refresh(municipality_ids=[municipality_id], batch=SNAPSHOT_BATCH)


SNAPSHOT_BATCH = 5000
periodic("outreach_snapshots", "kaa.outreach.tasks.refresh_snapshots", every="day", at=datetime.time(2, 30))
