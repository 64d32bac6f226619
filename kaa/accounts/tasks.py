"""The daily list of emergency accesses: each coordinator with an e-mail address gets those of the
previous day in their municipality, to review. Times, usernames and record ids only: the reasons
(free text) are read on the start page, never sent by e-mail."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_tasks import task

from kaa.core.scheduler import periodic

from .models import Role, User
from .selectors import emergency_accesses_to_review

log = logging.getLogger(__name__)


def emergency_review_messages(on: datetime.date) -> list[tuple[str, str, str, list[str]]]:
    """One (subject, body, from, [to]) per coordinator with accesses started on the day before ``on``."""
    start = timezone.make_aware(datetime.datetime.combine(on - datetime.timedelta(days=1), datetime.time.min))
    end = start + datetime.timedelta(days=1)
    link = settings.KAA_PUBLIC_BASE_URL.rstrip("/") + reverse("core:home")
    coordinators = (User.objects.filter(is_active=True, memberships__role=Role.COORDINATOR).exclude(email="")
                    .distinct().order_by("pk"))
    out = []
    with translation.override(settings.LANGUAGE_CODE):
        for coordinator in coordinators:
            accesses = list(emergency_accesses_to_review(coordinator, since=start, until=end))
            if not accesses:
                continue
            body = render_to_string("accounts/email/emergency_review.txt", {"accesses": accesses, "link": link})
            subject = ngettext("KAA: %(n)d emergency access to review", "KAA: %(n)d emergency accesses to review",
                               len(accesses)) % {"n": len(accesses)}
            out.append((subject, body, settings.DEFAULT_FROM_EMAIL, [coordinator.email]))
    return out


@task()
def send_emergency_reviews(period: str) -> int:
    messages = emergency_review_messages(datetime.date.fromisoformat(period[:10]))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    log.info("emergency access reviews sent: %d", sent)
    return sent


periodic("accounts_emergency_review", "kaa.accounts.tasks.send_emergency_reviews", every="day",
         at=datetime.time(6, 45), catch_up=2)
