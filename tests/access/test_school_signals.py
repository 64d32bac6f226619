"""Early signals and leaving reports follow the youth record's rules for protected identities.

Without the protected-identity grant, a coordinator sees only how many signals/reports are about
protected pupils: no name, phone, school, class or dates, and cannot act on them (404).
"""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from kaa.accounts.models import Role
from kaa.audit.models import AuditAction, AuditEntry
from kaa.register import services
from kaa.register.models import EarlySignal, Protection, SchoolReport
from tests.factories import MunicipalityFactory, YouthFactory, make_personnummer, staff

pytestmark = pytest.mark.django_db

# Names, phone and school no generated staff name or page text can share.
SECRET = {"family_name": "Skyddadotter", "given_name": "Hemliga", "contact_phone": "070-1112233",
          "school_unit_name": "Dolda skolan"}


@pytest.fixture(autouse=True)
def no_compute():
    with mock.patch.object(services, "_recompute"):
        yield


@pytest.fixture
def without_grant(municipality):
    return staff(Role.COORDINATOR, municipality, username="samordnare-utan")


@pytest.fixture
def with_grant(municipality):
    return staff(Role.COORDINATOR, municipality, may_see_protected=True, username="samordnare-med")


def _signal(municipality, personnummer, **kw):
    data = {**SECRET, "concern": "Hög frånvaro", "consent": True, "consent_by": "pupil"}
    data.update(kw)
    return EarlySignal.objects.create(municipality=municipality, personnummer=personnummer, **data)


def _report(municipality, personnummer, youth=None, **kw):
    data = {"family_name": SECRET["family_name"], "given_name": SECRET["given_name"], "class_name": "EE3Z",
            "school_unit_name": SECRET["school_unit_name"], "leaving_date": datetime.date(2026, 3, 17),
            "reason": "work"}
    data.update(kw)
    return SchoolReport.objects.create(municipality=municipality, personnummer=personnummer, youth=youth, **data)


def _assert_nothing_shown(body: str) -> None:
    for value in [*SECRET.values(), "EE3Z", "2026-03-17"]:
        assert value not in body, value


@pytest.mark.parametrize("level", [Protection.CONFIDENTIAL, Protection.PROTECTED_REGISTRATION,
                                   Protection.FICTITIOUS])
def test_early_signal_about_a_protected_youth_is_only_a_count_without_the_grant(
        client, municipality, without_grant, with_grant, level):
    youth = YouthFactory(municipality=municipality, protection=level)
    signal = _signal(municipality, youth.personnummer)

    client.force_login(without_grant)
    response = client.get(reverse("register:early_signals"), HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    body = response.content.decode()
    _assert_nothing_shown(body)
    assert "1 skyddad signal" in body
    assert response.context["withheld"] == 1 and list(response.context["page_obj"]) == []
    assert client.post(reverse("register:early_signal_status", args=[signal.pk]),
                       {"status": "closed"}).status_code == 404
    signal.refresh_from_db()
    assert signal.status == "new"
    assert not AuditEntry.objects.filter(object_type="early_signal", user=without_grant).exists()

    client.force_login(with_grant)
    body = client.get(reverse("register:early_signals")).content.decode()
    assert SECRET["family_name"] in body and SECRET["contact_phone"] in body
    entry = AuditEntry.objects.get(object_type="early_signal", user=with_grant)
    assert (entry.action, entry.object_id, entry.youth_id) == (AuditAction.LIST, str(signal.pk), youth.pk)


def test_early_signal_the_school_marked_protected_is_withheld(client, municipality, without_grant, with_grant):
    # The pupil is not (yet) in the register: the school's own marker is what protects them.
    _signal(municipality, make_personnummer(datetime.date(2010, 4, 4), 17), protected=True)
    client.force_login(without_grant)
    response = client.get(reverse("register:early_signals"))
    _assert_nothing_shown(response.content.decode())
    assert response.context["withheld"] == 1
    client.force_login(with_grant)
    assert SECRET["family_name"] in client.get(reverse("register:early_signals")).content.decode()


def test_early_signal_about_a_youth_protected_in_another_municipality_is_withheld(
        client, municipality, without_grant):
    elsewhere = YouthFactory(municipality=MunicipalityFactory(code="0765", name="Älmhult"),
                             protection=Protection.PROTECTED_REGISTRATION)
    _signal(municipality, elsewhere.personnummer)
    client.force_login(without_grant)
    _assert_nothing_shown(client.get(reverse("register:early_signals")).content.decode())


def test_a_grant_in_another_municipality_does_not_count(client, municipality):
    other = MunicipalityFactory(code="0765", name="Älmhult")
    user = staff(Role.COORDINATOR, municipality, username="tva-kommuner")
    from kaa.accounts.models import Membership

    Membership.objects.create(user=user, municipality=other, role=Role.COORDINATOR, may_see_protected=True)
    youth = YouthFactory(municipality=municipality, protection=Protection.CONFIDENTIAL)
    _signal(municipality, youth.personnummer)
    _report(municipality, youth.personnummer, youth=youth)
    client.force_login(user)
    _assert_nothing_shown(client.get(reverse("register:early_signals")).content.decode())
    _assert_nothing_shown(client.get(reverse("register:school_reports")).content.decode())


def test_plain_early_signals_are_shown_and_each_audited(client, municipality, without_grant):
    known = YouthFactory(municipality=municipality)
    a = _signal(municipality, known.personnummer)
    b = _signal(municipality, make_personnummer(datetime.date(2010, 4, 4), 18), family_name="Vanligsson")
    client.force_login(without_grant)
    response = client.get(reverse("register:early_signals"))
    assert response.context["withheld"] == 0
    assert SECRET["family_name"] in response.content.decode() and "Vanligsson" in response.content.decode()
    entries = {e.object_id: e.youth_id for e in AuditEntry.objects.filter(object_type="early_signal",
                                                                          action=AuditAction.LIST)}
    assert entries == {str(a.pk): known.pk, str(b.pk): None}


@pytest.mark.parametrize("linked", [True, False])
def test_leaving_report_about_a_protected_youth_is_only_a_count_without_the_grant(
        client, municipality, without_grant, with_grant, linked):
    youth = YouthFactory(municipality=municipality, protection=Protection.PROTECTED_REGISTRATION)
    # Unlinked: the report came before the youth's record; the next import brought a protected record.
    report = _report(municipality, youth.personnummer, youth=youth if linked else None)

    client.force_login(without_grant)
    response = client.get(reverse("register:school_reports"), HTTP_ACCEPT_LANGUAGE="sv")
    body = response.content.decode()
    _assert_nothing_shown(body)
    assert "1 skyddad anmälan" in body
    for action in ("handle", "resolve"):
        assert client.post(reverse("register:school_report_action", args=[report.pk]),
                           {"action": action}).status_code == 404
    report.refresh_from_db()
    assert report.handled_at is None
    assert not AuditEntry.objects.filter(object_type="school_report", user=without_grant).exists()

    client.force_login(with_grant)
    body = client.get(reverse("register:school_reports")).content.decode()
    assert SECRET["school_unit_name"] in body and "EE3Z" in body
    entry = AuditEntry.objects.get(object_type="school_report", user=with_grant)
    assert (entry.action, entry.object_id) == (AuditAction.LIST, str(report.pk))
    assert entry.youth_id == (youth.pk if linked else None)


def test_leaving_report_the_school_marked_protected_is_withheld(client, municipality, without_grant):
    _report(municipality, make_personnummer(datetime.date(2009, 2, 2), 19), protected=True)
    client.force_login(without_grant)
    response = client.get(reverse("register:school_reports"))
    _assert_nothing_shown(response.content.decode())
    assert response.context["withheld"] == 1


def test_each_leaving_report_shown_is_audited(client, municipality, without_grant):
    youth = YouthFactory(municipality=municipality)
    known = _report(municipality, youth.personnummer, youth=youth)
    unknown = _report(municipality, make_personnummer(datetime.date(2009, 2, 2), 20))
    client.force_login(without_grant)
    assert client.get(reverse("register:school_reports")).context["withheld"] == 0
    entries = {e.object_id: e.youth_id for e in AuditEntry.objects.filter(object_type="school_report",
                                                                          action=AuditAction.LIST)}
    assert entries == {str(known.pk): youth.pk, str(unknown.pk): None}


def test_the_forms_carry_the_schools_protection_marker(client, municipality, school_staff):
    client.force_login(school_staff)
    pnr = make_personnummer(datetime.date(2010, 4, 4), 21)
    response = client.post(reverse("register:early_signal_new"), {
        "family_name": "B", "given_name": "A", "personnummer": pnr, "school_unit_name": "S", "concern": "c",
        "consent_by": "pupil", "consent": "on", "protected": "on"})
    assert response.status_code == 302
    assert EarlySignal.objects.get().protected is True
    response = client.post(reverse("register:school_report_new"), {
        "family_name": "B", "given_name": "A", "personnummer": pnr, "school_unit_name": "S",
        "leaving_date": "2026-03-15", "reason": "work", "met_kaa": "no", "not_met_reason": "x", "protected": "on"})
    assert response.status_code == 302
    assert SchoolReport.objects.get().protected is True


def test_signal_and_report_pages_have_bounded_queries(client, municipality, without_grant,
                                                      django_assert_max_num_queries):
    for i in range(60):
        pnr = make_personnummer(datetime.date(2010, 1, 1) + datetime.timedelta(days=i), i)
        _signal(municipality, pnr, protected=i % 10 == 0)
        _report(municipality, pnr, protected=i % 10 == 0)
    client.force_login(without_grant)
    # A page of 50 rows: a fixed number of reads, plus one audit entry per row shown.
    for name in ("register:early_signals", "register:school_reports"):
        with django_assert_max_num_queries(50 + 15):
            response = client.get(reverse(name))
        assert response.context["withheld"] == 6 and len(response.context["page_obj"].object_list) == 50
