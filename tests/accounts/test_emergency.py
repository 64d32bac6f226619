"""Emergency access, "break the glass" (issue 15, item 5): a caseworker covering for a colleague opens a
youth of their own municipality outside their scope with a stated reason; read only, three hours, shown
on the youth page and in the audit log, reviewed daily by the coordinator; never a protected identity
without the grant, never another municipality."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import EmergencyAccess, Role
from kaa.accounts.policy import readable_youths, visible_youths, youth_for_read_or_404, youth_or_404
from kaa.accounts.services import emergency_access_start
from kaa.accounts.tasks import emergency_review_messages
from kaa.audit.models import AuditAction, AuditEntry
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = pytest.mark.django_db

REASON = "Täcker för Kim som är sjuk idag"
START = datetime.datetime(2026, 3, 2, 11, 32, tzinfo=datetime.UTC)


@pytest.fixture
def other_team(municipality):
    return TeamFactory(municipality=municipality, name="Team Söder")


@pytest.fixture
def stranger(municipality, other_team):
    """A youth of the coach's municipality, assigned to another team: outside the coach's scope."""
    return YouthFactory(municipality=municipality, team=other_team, in_target_group=True)


def _open(client, youth, reason=REASON):
    return client.post(reverse("register:emergency_open"), {"youth": youth.pk, "reason": reason})


def test_without_access_the_youth_is_not_there(client, coach, stranger):
    client.force_login(coach)
    assert client.get(reverse("register:youth_detail", args=[stranger.pk])).status_code == 404


def test_open_with_a_reason_shows_the_youth_read_only_for_three_hours(client, coach, stranger):
    with time_machine.travel(START, tick=False):
        client.force_login(coach)
        response = _open(client, stranger)
        assert response.status_code == 302
        assert response["Location"] == reverse("register:youth_detail", args=[stranger.pk])
        page = client.get(response["Location"])
        assert page.status_code == 200
        body = page.content.decode()
        local = timezone.localtime(START + datetime.timedelta(hours=3)).strftime("%H:%M")
        assert 'data-testid="emergency-banner"' in body
        assert f"Nödåtkomst till {local}, skäl: {REASON}" in body
        assert reverse("messaging:compose", args=[stranger.pk]) not in body
        assert reverse("outreach:contact_new", args=[stranger.pk]) not in body  # sections offer no action
        grant = EmergencyAccess.objects.get()
        assert (grant.user_id, grant.youth_id, grant.reason) == (coach.pk, stranger.pk, REASON)
        assert grant.expires_at - grant.started_at == datetime.timedelta(hours=3)
    with time_machine.travel(START + datetime.timedelta(hours=2, minutes=59), tick=False):
        client.force_login(coach)  # the session's own idle timeout is shorter than the access
        assert client.get(reverse("register:youth_detail", args=[stranger.pk])).status_code == 200
    with time_machine.travel(START + datetime.timedelta(hours=3), tick=False):
        client.force_login(coach)
        assert client.get(reverse("register:youth_detail", args=[stranger.pk])).status_code == 404
        assert not readable_youths(coach).filter(pk=stranger.pk).exists()


def test_the_access_and_every_read_under_it_are_audited(client, coach, stranger):
    client.force_login(coach)
    _open(client, stranger)
    client.get(reverse("register:youth_detail", args=[stranger.pk]))
    entries = list(AuditEntry.objects.filter(youth_id=stranger.pk).order_by("pk"))
    assert [(e.action, e.object_type, e.detail) for e in entries if e.detail == "emergency_access"] == [
        (AuditAction.CREATE, "emergency_access", "emergency_access"),
        (AuditAction.VIEW, "youth", "emergency_access")]
    assert all(e.user_id == coach.pk and e.municipality_id == stranger.municipality_id for e in entries)
    assert REASON not in str([e.detail for e in entries])  # free text stays out of the log
    # One read entry for the page, not two.
    assert sum(1 for e in entries if e.action == AuditAction.VIEW) == 1


def test_writes_are_refused_under_emergency_access(client, coach, stranger):
    client.force_login(coach)
    _open(client, stranger)
    assert youth_for_read_or_404(coach, stranger.pk) == stranger
    with pytest.raises(Exception) as exc:
        youth_or_404(coach, stranger.pk)
    assert exc.type.__name__ == "Http404"
    assert not visible_youths(coach).filter(pk=stranger.pk).exists()
    now = timezone.localtime()
    writes = [
        (reverse("outreach:contact_new", args=[stranger.pk]),
         {"channel": "phone", "outcome": "no_answer", "date": now.date().isoformat(), "time": now.strftime("%H:%M")}),
        (reverse("outreach:log_call", args=[stranger.pk]), {"channel": "phone", "outcome": "no_answer"}),
        (reverse("outreach:step_done", args=[stranger.pk]), {}),
        (reverse("messaging:compose", args=[stranger.pk]), {"channel": "sms", "body": "Hej"}),
        (reverse("register:youth_correct", args=[stranger.pk, "moved_in"]), {}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code in (403, 404), url
        assert client.get(url).status_code in (403, 404, 405), url
    assert not AuditEntry.objects.filter(youth_id=stranger.pk, action__in=[AuditAction.UPDATE]).exists()
    assert not AuditEntry.objects.filter(youth_id=stranger.pk, action=AuditAction.CREATE).exclude(
        object_type="emergency_access").exists()


def test_not_for_a_protected_identity_without_the_grant(client, coach, municipality, other_team):
    hidden = YouthFactory(municipality=municipality, team=other_team, protection="sekretessmarkering")
    client.force_login(coach)
    assert _open(client, hidden).status_code == 404
    assert not EmergencyAccess.objects.exists()
    body = client.post(reverse("register:emergency"), {"q": hidden.family_name}).content.decode()
    assert hidden.full_name not in body
    with pytest.raises(PermissionDenied):
        emergency_access_start(user=coach, youth=hidden, reason=REASON)


def test_a_protected_identity_with_the_grant(client, municipality, team, other_team):
    granted = staff(Role.COACH, municipality, team=team, may_see_protected=True)
    hidden = YouthFactory(municipality=municipality, team=other_team, protection="sekretessmarkering")
    client.force_login(granted)
    assert _open(client, hidden).status_code == 302
    assert client.get(reverse("register:youth_detail", args=[hidden.pk])).status_code == 200


def test_another_municipality_is_refused(client, coach):
    elsewhere = YouthFactory(municipality=MunicipalityFactory(code="0181", name="Södertälje"))
    client.force_login(coach)
    assert _open(client, elsewhere).status_code == 404
    body = client.post(reverse("register:emergency"), {"q": str(elsewhere.pk)}).content.decode()
    assert elsewhere.full_name not in body
    with pytest.raises(PermissionDenied):
        emergency_access_start(user=coach, youth=elsewhere, reason=REASON)
    assert not EmergencyAccess.objects.exists()


def test_a_reason_is_required(client, coach, stranger):
    client.force_login(coach)
    response = _open(client, stranger, reason="  ")
    assert response.status_code == 200
    assert "data-testid=\"emergency-results\"" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_search_by_name_or_record_id_marks_what_is_not_in_scope(client, coach, stranger, team, municipality):
    mine = YouthFactory(municipality=municipality, team=team, family_name=stranger.family_name)
    client.force_login(coach)
    body = client.post(reverse("register:emergency"), {"q": stranger.family_name}).content.decode()
    assert stranger.full_name in body and mine.full_name in body
    assert body.count('name="youth"') == 1 and f'value="{stranger.pk}"' in body
    body = client.post(reverse("register:emergency"), {"q": str(stranger.pk)}).content.decode()
    assert stranger.full_name in body
    # The listing is a read of the youths it names.
    assert AuditEntry.objects.filter(youth_id=stranger.pk, action=AuditAction.LIST,
                                     detail="emergency_search").count() == 2
    # A personnummer finds nothing here (the record id or the name).
    body = client.post(reverse("register:emergency"), {"q": stranger.personnummer}).content.decode()
    assert stranger.full_name not in body


def test_a_coordinator_has_no_emergency_access(client, coordinator, stranger):
    client.force_login(coordinator)
    assert client.get(reverse("register:emergency")).status_code == 403
    assert _open(client, stranger).status_code == 403


def test_the_coordinator_reviews_the_day_on_the_start_page_and_by_mail(client, coach, coordinator, stranger):
    coordinator.email = "samordnare@example.org"
    coordinator.save()
    with time_machine.travel(START, tick=False):
        emergency_access_start(user=coach, youth=stranger, reason=REASON)
        client.force_login(coordinator)
        body = client.get(reverse("core:home")).content.decode()
        assert 'data-testid="dashboard-emergency"' in body and REASON in body
        assert reverse("register:youth_log", args=[stranger.pk]) in body
    with time_machine.travel(START + datetime.timedelta(days=1), tick=False):
        messages = emergency_review_messages(timezone.localdate())
        assert len(messages) == 1
        _subject, text, _from, to = messages[0]
        assert to == [coordinator.email]
        assert any(coach.username in line and line.rstrip().endswith(str(stranger.pk)) for line in text.splitlines())
        assert REASON not in text and stranger.family_name not in text
        from kaa.accounts.tasks import send_emergency_reviews

        mail.outbox.clear()
        assert send_emergency_reviews.call(timezone.localdate().isoformat()) == 1
        assert len(mail.outbox) == 1
    with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
        assert emergency_review_messages(timezone.localdate()) == []


def test_the_daily_job_is_declared():
    from kaa.core.scheduler import discover

    assert discover()["accounts_emergency_review"].every == "day"


def test_a_youth_in_scope_needs_no_emergency_access(client, coach, municipality, team):
    mine = YouthFactory(municipality=municipality, team=team)
    client.force_login(coach)
    response = _open(client, mine)
    assert response.status_code == 302 and response["Location"] == reverse("register:youth_detail", args=[mine.pk])
    assert not EmergencyAccess.objects.exists()
