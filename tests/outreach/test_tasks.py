"""The daily digest: counts and a link, never a name or personnummer."""

import datetime
import random

import pytest
from django.core import mail
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.core.scheduler import discover
from kaa.demo.outreach import seed_demo
from kaa.outreach import tasks
from kaa.outreach.models import ConcernReport, ContactAttempt, ContactChain, FirstMeeting
from kaa.register.models import Youth, YouthEvent
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_digest_has_counts_and_no_personal_data(coach, other_coach, make_youth):
    youths = [make_youth(coach=coach, entered_days_ago=30), make_youth(coach=coach, entered_days_ago=2)]
    YouthEvent.objects.create(youth=youths[1], kind="outreach.reply", data={"kind": "contact"})
    sent = tasks.send_worklist_digests.call(period=timezone.localdate().isoformat())
    assert sent == 1 and len(mail.outbox) == 1  # other_coach has nothing to do
    message = mail.outbox[0]
    assert message.to == [coach.email]
    text = message.subject + message.body
    assert "/outreach/worklist/" in message.body
    assert "1" in message.subject
    for y in youths:
        for secret in (y.personnummer, y.personnummer[2:], y.given_name, y.family_name):
            assert secret not in text


def test_digest_is_scheduled_daily_at_half_past_six():
    job = discover()["outreach_worklist_digest"]
    assert job.every == "day" and job.at == datetime.time(6, 30)


def test_seed_demo(municipality, team, make_youth):
    users = {"coach1": staff(Role.COACH, municipality, team=team, username="coach1"),
             "coach2": staff(Role.COACH, municipality, username="coach2"),
             "samordnare": staff(Role.COORDINATOR, municipality, username="samordnare")}
    for i in range(24):
        make_youth(entered_days_ago=5 + i * 3)
    seed_demo(municipality=municipality, users=users, rng=random.Random(1), today=timezone.localdate())
    assert ContactChain.objects.get(municipality=municipality, is_active=True).preset == "almhult"
    assert Youth.objects.filter(coach__isnull=True).count() >= 1
    assert Youth.objects.filter(coach=users["coach1"]).exists() and Youth.objects.filter(coach=users["coach2"]).exists()
    assert ContactAttempt.objects.filter(outcome="declined").count() >= 1
    assert ConcernReport.objects.count() == 1
    assert FirstMeeting.objects.exists()
