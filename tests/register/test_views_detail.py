"""The youth page: status and reason, contact details, school history, timeline, audit, sections."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.audit.models import AuditAction, AuditEntry
from kaa.register.models import Guardian, Protection, RegisterPeriod, YouthEvent
from kaa.register.sections import YouthSection, sections_for_youth
from tests.factories import EnrolmentFactory, YouthFactory, staff

pytestmark = pytest.mark.django_db


def _minor(municipality, **kw):
    today = timezone.localdate()
    return YouthFactory(municipality=municipality, birth_date=today.replace(year=today.year - 17),
                        in_target_group=True, register_reason="avbrott",
                        register_since=datetime.date(2026, 4, 1), **kw)


def test_youth_page_shows_status_reason_school_and_history(client, coordinator, municipality):
    youth = _minor(municipality, address="Storgatan 1", city="Nyköping")
    Guardian.objects.create(youth=youth, position=1, name="Vårdnadshavare Ett", phone="070-1")
    EnrolmentFactory(youth=youth, school_unit_name="Nyköpings gymnasium", programme="EE",
                     interruption_date=datetime.date(2026, 4, 1))
    RegisterPeriod.objects.create(youth=youth, municipality=municipality, in_target_group=True, reason="avbrott",
                                  valid_from=datetime.date(2026, 4, 1))
    YouthEvent.objects.create(youth=youth, kind="register.entered", data={"reason": "avbrott",
                                                                          "date": "2026-04-01"})
    YouthEvent.objects.create(youth=youth, kind="someapp.unknown_kind", data={})
    client.force_login(coordinator)
    response = client.get(reverse("register:youth_detail", args=[youth.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026-04-01" in body and "Nyköpings gymnasium" in body and "EE" in body
    assert "Vårdnadshavare Ett" in body
    assert "Storgatan 1" in body
    assert response.context["explanation"]
    assert len(response.context["timeline"]) == 3
    # Newest first; unknown kinds are shown generically, not dropped.
    assert response.context["timeline"][0]["event"].kind == "someapp.unknown_kind"
    assert "someapp" in body
    assert reverse("register:youth_log", args=[youth.pk]) in body
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, youth_id=youth.pk, user=coordinator).count() == 1


def test_guardians_hidden_for_adults(client, coordinator, municipality):
    youth = YouthFactory(municipality=municipality, birth_date=datetime.date(2006, 1, 1))
    Guardian.objects.create(youth=youth, position=1, name="Vuxen Förälder")
    client.force_login(coordinator)
    assert "Vuxen Förälder" not in client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()


def test_protected_address_never_shown_banner_instead(client, municipality):
    youth = _minor(municipality, protection=Protection.PROTECTED_REGISTRATION, address="Hemlig väg 7",
                   postal_code="61199", city="Hemlingby")
    granted = staff(Role.COORDINATOR, municipality, may_see_protected=True)
    client.force_login(granted)
    body = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    assert 'data-testid="protected-banner"' in body
    assert "Hemlig väg" not in body and "61199" not in body and "Hemlingby" not in body


def test_protected_youth_is_404_for_ungranted_coordinator(client, coordinator, municipality):
    youth = _minor(municipality, protection=Protection.CONFIDENTIAL)
    client.force_login(coordinator)
    assert client.get(reverse("register:youth_detail", args=[youth.pk])).status_code == 404


def test_caseworker_sees_own_youths_only(client, coach, municipality):
    mine = _minor(municipality, coach=coach)
    other = _minor(municipality)
    client.force_login(coach)
    assert client.get(reverse("register:youth_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("register:youth_detail", args=[other.pk])).status_code == 404
    names = [y.pk for y in client.get(reverse("register:youth_list")).context["page_obj"].object_list]
    assert names == [mine.pk]


def test_audit_link_only_for_audit_viewers(client, coach, municipality):
    youth = _minor(municipality, coach=coach)
    client.force_login(coach)
    body = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    assert reverse("register:youth_log", args=[youth.pk]) not in body


def test_declared_youth_sections_are_collected_by_perm(monkeypatch, coordinator, coach, municipality):
    from django.apps import apps

    youth = _minor(municipality, coach=coach)
    config = apps.get_app_config("register")
    section = YouthSection(perm="outreach.assign", template="x.html",
                           context=lambda user, y: {"id": y.pk}, order=5)
    monkeypatch.setattr(config, "youth_sections", [section], raising=False)  # the register declares none
    mine = [s for s in sections_for_youth(coordinator, youth) if s["template"] == "x.html"]
    assert mine == [{"template": "x.html", "context": {"id": youth.pk}, "top": False}]
    assert [s for s in sections_for_youth(coach, youth) if s["template"] == "x.html"] == []


def test_youth_page_queries_do_not_grow_with_history(client, coordinator, municipality):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure(n: int) -> int:
        youth = _minor(municipality)
        for i in range(n):
            EnrolmentFactory(youth=youth, start_date=datetime.date(2020 + i % 5, 8, 1))
            YouthEvent.objects.create(youth=youth, kind="register.correction", actor=coordinator,
                                      data={"kind": "degree_checked", "reason": "x"})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("register:youth_detail", args=[youth.pk])).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(coordinator)
    measure(0)  # warm the session and caches
    assert measure(25) <= measure(1)


def test_youth_under_the_extended_responsibility_is_explained(client, coordinator, municipality, settings):
    settings.LANGUAGE_CODE = "en"
    youth = YouthFactory(municipality=municipality, in_target_group=False, register_reason="fyllt_20",
                         register_since=datetime.date(2026, 3, 1), register_extended=True)
    client.force_login(coordinator)
    page = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    assert "Followed under the extended responsibility (20–24)." in page


def test_the_history_shows_the_newest_first_and_every_older_item_by_show_older(client, coordinator, municipality):
    """60 events: the page shows the newest 25 with "show older"; htmx fetches the next 25 in its place, then
    the last 10 without the link. Nothing is lost or shown twice, and each read is audited."""
    youth = _minor(municipality)
    now = timezone.now()
    YouthEvent.objects.bulk_create([
        YouthEvent(youth=youth, kind="outreach.contact", occurred_at=now - datetime.timedelta(hours=i),
                   data={"channel": "phone", "outcome": "no_answer"}) for i in range(60)])
    newest_first = list(YouthEvent.objects.filter(youth=youth).order_by("-occurred_at").values_list("pk", flat=True))
    client.force_login(coordinator)
    url = reverse("register:youth_detail", args=[youth.pk])
    response = client.get(url)
    timeline = response.context["timeline"]
    assert [item["event"].pk for item in timeline] == newest_first[:25]
    assert 'hx-get="?timeline=25"' in response.content.decode()
    seen = [item["event"].pk for item in timeline]
    for offset, count, more in ((25, 25, True), (50, 10, False)):
        part = client.get(url, {"timeline": offset}, HTTP_HX_REQUEST="true")
        body = part.content.decode()
        assert part.status_code == 200 and "<h1" not in body  # only the items, put in place of the link
        assert [item["event"].pk for item in part.context["timeline"]] == newest_first[offset:offset + count]
        assert ("?timeline=" in body) is more
        seen += [item["event"].pk for item in part.context["timeline"]]
    assert seen == newest_first
    # Without JavaScript the link opens the page with every item up to there.
    assert len(client.get(url, {"timeline": 25}).context["timeline"]) == 50
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, youth_id=youth.pk, user=coordinator).count() == 4


def test_the_history_pages_only_youths_the_user_may_read(client, municipality):
    youth = _minor(municipality)
    other = staff(Role.COACH, municipality=municipality)
    client.force_login(other)
    response = client.get(reverse("register:youth_detail", args=[youth.pk]), {"timeline": 25},
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(youth_id=youth.pk, action=AuditAction.VIEW).exists()
