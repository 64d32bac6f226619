"""The coordinator's register list: filters, sort, POSTed search, bounded queries, export, audit."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kaa.accounts.models import Role
from kaa.audit.models import AuditAction, AuditEntry
from kaa.register.models import Protection
from tests.factories import EnrolmentFactory, MunicipalityFactory, YouthFactory, staff

pytestmark = pytest.mark.django_db


def _years_ago(years: int, days: int = 10) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def client_coord(client, coordinator):
    client.force_login(coordinator)
    return client


def _in(municipality, **kw):
    kw.setdefault("in_target_group", True)
    kw.setdefault("register_reason", "avbrott")
    kw.setdefault("register_since", datetime.date(2026, 4, 1))
    return YouthFactory(municipality=municipality, **kw)


def _names(response) -> list[str]:
    return [y.family_name for y in response.context["page_obj"].object_list]


def test_list_shows_only_youths_in_the_target_group_by_default(client_coord, municipality):
    _in(municipality, family_name="Inne")
    YouthFactory(municipality=municipality, family_name="Ute", in_target_group=False, register_reason="examen")
    response = client_coord.get(reverse("register:list"))
    assert response.status_code == 200
    assert _names(response) == ["Inne"]
    assert _names(client_coord.get(reverse("register:list"), {"status": "out"})) == ["Ute"]
    assert sorted(_names(client_coord.get(reverse("register:list"), {"status": "all"}))) == ["Inne", "Ute"]


def test_extended_responsibility_has_its_own_filter_and_tag(client_coord, municipality, settings):
    settings.LANGUAGE_CODE = "en"
    _in(municipality, family_name="Inne")
    YouthFactory(municipality=municipality, family_name="Tjugo", in_target_group=False, register_reason="fyllt_20",
                 register_since=datetime.date(2026, 3, 1), register_extended=True)
    YouthFactory(municipality=municipality, family_name="Tjugoett", in_target_group=False,
                 register_reason="fyllt_20", register_since=datetime.date(2025, 3, 1))
    response = client_coord.get(reverse("register:list"), {"status": "extended"})
    assert _names(response) == ["Tjugo"]
    assert b">UKAA</span>" in response.content


def test_other_municipality_is_not_listed(client_coord, municipality):
    _in(MunicipalityFactory(code="0765", name="Älmhult"), family_name="Annan")
    _in(municipality, family_name="Egen")
    assert _names(client_coord.get(reverse("register:list"))) == ["Egen"]


def test_filters_reason_age_school_coach_and_since(client_coord, municipality, coach):
    a = _in(municipality, family_name="Avbrott", register_reason="avbrott", birth_date=_years_ago(17),
            coach=coach, register_since=datetime.date(2026, 1, 10))
    b = _in(municipality, family_name="Aldrig", register_reason="ej_paborjat", birth_date=_years_ago(19),
            register_since=datetime.date(2026, 5, 10))
    EnrolmentFactory(youth=a, school_unit_code="111", school_unit_name="Gamla skolan",
                     start_date=datetime.date(2022, 8, 1))
    EnrolmentFactory(youth=a, school_unit_code="222", school_unit_name="Nya skolan",
                     start_date=datetime.date(2024, 8, 1))
    EnrolmentFactory(youth=b, school_unit_code="111", school_unit_name="Gamla skolan",
                     start_date=datetime.date(2023, 8, 1))
    url = reverse("register:list")
    assert _names(client_coord.get(url, {"reason": "ej_paborjat"})) == ["Aldrig"]
    assert _names(client_coord.get(url, {"age_from": 18})) == ["Aldrig"]
    assert _names(client_coord.get(url, {"age_to": 17})) == ["Avbrott"]
    assert _names(client_coord.get(url, {"age_from": 17, "age_to": 17})) == ["Avbrott"]
    # Only the school of the LATEST enrolment counts.
    assert _names(client_coord.get(url, {"school": "111"})) == ["Aldrig"]
    assert _names(client_coord.get(url, {"school": "222"})) == ["Avbrott"]
    assert _names(client_coord.get(url, {"coach": coach.pk})) == ["Avbrott"]
    assert _names(client_coord.get(url, {"coach": "none"})) == ["Aldrig"]
    assert _names(client_coord.get(url, {"since_from": "2026-03-01"})) == ["Aldrig"]
    assert _names(client_coord.get(url, {"since_to": "2026-03-01"})) == ["Avbrott"]


def test_sort_by_columns(client_coord, municipality, coach):
    _in(municipality, family_name="Berg", birth_date=_years_ago(18), register_since=datetime.date(2026, 2, 1),
        coach=coach)
    _in(municipality, family_name="Alm", birth_date=_years_ago(17), register_since=datetime.date(2026, 3, 1))
    url = reverse("register:list")
    assert _names(client_coord.get(url, {"sort": "name"})) == ["Alm", "Berg"]
    assert _names(client_coord.get(url, {"sort": "-name"})) == ["Berg", "Alm"]
    assert _names(client_coord.get(url, {"sort": "age"})) == ["Alm", "Berg"]
    assert _names(client_coord.get(url, {"sort": "-age"})) == ["Berg", "Alm"]
    assert _names(client_coord.get(url, {"sort": "since"})) == ["Berg", "Alm"]
    assert _names(client_coord.get(url, {"sort": "coach"})) == ["Berg", "Alm"]  # unassigned last
    assert _names(client_coord.get(url, {"sort": "-coach"})) == ["Berg", "Alm"]


def test_search_is_posted_by_name_or_personnummer(client_coord, municipality):
    y = _in(municipality, family_name="Sökbar", given_name="Greta")
    _in(municipality, family_name="Annan", given_name="Olle")
    url = reverse("register:list")
    assert _names(client_coord.post(url, {"q": "sökb"})) == ["Sökbar"]
    assert _names(client_coord.post(url, {"q": y.personnummer})) == ["Sökbar"]
    assert _names(client_coord.post(url, {"q": f"{y.personnummer[2:8]}-{y.personnummer[8:]}"})) == ["Sökbar"]
    # A GET never searches: the personnummer must not travel in a URL.
    assert sorted(_names(client_coord.get(url, {"q": y.personnummer}))) == ["Annan", "Sökbar"]


def test_htmx_search_returns_the_rows_only(client_coord, municipality):
    _in(municipality, family_name="Radvy")
    response = client_coord.post(reverse("register:list"), {"q": "Radvy"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="register-rows"' in body and "<html" not in body and "Radvy" in body


def test_register_list_needs_register_view(client, municipality, coach, school_staff):
    client.force_login(coach)
    assert client.get(reverse("register:list")).status_code == 403
    client.force_login(school_staff)
    assert client.get(reverse("register:list")).status_code == 403


@pytest.mark.parametrize("n", [10, 200])
def test_list_queries_are_bounded(client_coord, municipality, coach, django_assert_max_num_queries, n):
    youths = [_in(municipality, coach=coach if i % 2 else None) for i in range(n)]
    for y in youths[:20]:
        EnrolmentFactory(youth=y, school_unit_name="Skolan")
    url = reverse("register:list")
    client_coord.get(url)  # fills the cached school choices
    # Session, user, memberships, newest enrolment (the school choices' cache key), coaches, the ids (with the
    # count), the rows, the session's update (in a savepoint) and the audit entries: 11, whatever the page.
    with django_assert_max_num_queries(11):
        response = client_coord.get(url, {"sort": "coach"})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(n, 50)
    assert response.context["page_obj"].count == n
    with django_assert_max_num_queries(11):
        later = client_coord.get(url, {"sort": "coach", "page": 4})
    assert len(later.context["page_obj"].object_list) == (50 if n == 200 else 10)
    with django_assert_max_num_queries(11):
        searched = client_coord.post(url, {"q": youths[0].family_name})
    assert youths[0].pk in {y.pk for y in searched.context["page_obj"]}


def test_list_pages_are_in_order_and_say_how_many_when_known(client_coord, municipality, monkeypatch):
    for i in range(120):
        _in(municipality, family_name=f"Efternamn{i:03d}")
    url = reverse("register:list")
    names = []
    for page in (1, 2, 3):
        names += _names(client_coord.get(url, {"page": page}))
    assert names == [f"Efternamn{i:03d}" for i in range(120)]
    assert "120 ungdomar" in client_coord.get(url).content.decode()
    monkeypatch.setattr("kaa.core.paging.COUNT_LIMIT", 60)  # a county's register: too many to count
    first = client_coord.get(url).content.decode()
    assert "Fler än 60 ungdomar" in first and "Sida 1<" in first and "page=2" in first
    second = client_coord.get(url, {"page": 2}).content.decode()
    assert "Sida 2<" in second and "page=3" in second
    last = client_coord.get(url, {"page": 3}).content.decode()
    assert "120 ungdomar" in last and "Sida 3 av 3" in last and "page=4" not in last
    assert _names(client_coord.get(url, {"page": 9})) == names[100:]  # beyond the end: the last page


def test_youth_list_queries_are_bounded(client, coordinator, municipality, django_assert_max_num_queries):
    for _ in range(60):
        _in(municipality)
    client.force_login(coordinator)
    url = reverse("register:youth_list")
    client.get(url)
    # Session, user, memberships, the ids (with the count), the rows, the session's update (in a savepoint),
    # the audit entries.
    for page in (1, 2):
        with django_assert_max_num_queries(9):
            response = client.get(url, {"page": page})
        assert len(response.context["page_obj"].object_list) == (50 if page == 1 else 10)


def test_list_is_audited_for_the_rows_shown(client_coord, coordinator, municipality):
    ys = [_in(municipality) for _ in range(3)]
    client_coord.get(reverse("register:list"))
    entries = AuditEntry.objects.filter(user=coordinator, action=AuditAction.LIST)
    assert sorted(e.youth_id for e in entries) == sorted(y.pk for y in ys)


def test_protected_youth_hidden_from_ungranted_shown_with_tag_to_granted(client, municipality):
    _in(municipality, family_name="Skyddad", protection=Protection.PROTECTED_REGISTRATION, address="Hemligv 1")
    plain = staff(Role.COORDINATOR, municipality)
    granted = staff(Role.COORDINATOR, municipality, may_see_protected=True)
    client.force_login(plain)
    assert _names(client.get(reverse("register:list"))) == []
    client.force_login(granted)
    response = client.get(reverse("register:list"))
    assert _names(response) == ["Skyddad"]
    assert "Hemligv" not in response.content.decode()


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_export_csv_has_the_current_view_and_no_address(client, municipality):
    granted = staff(Role.COORDINATOR, municipality, may_see_protected=True)
    client.force_login(granted)
    a = _in(municipality, family_name="Alfa", register_reason="avbrott", address="Gatan 1")
    p = _in(municipality, family_name="Beta", register_reason="avbrott", protection=Protection.CONFIDENTIAL,
            address="Hemliga vägen 9")
    _in(municipality, family_name="Gamma", register_reason="ej_paborjat")
    EnrolmentFactory(youth=a, school_unit_name="Nyköpings gymnasium")
    response = client.post(reverse("register:export") + "?reason=avbrott", {"format": "csv"})
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert rows[0] == ["personnummer", "name", "age", "status", "reason", "since", "coach", "school"]
    assert [r[0] for r in rows[1:]] == [a.personnummer, p.personnummer]
    assert rows[1][7] == "Nyköpings gymnasium"
    body = response.content.decode("utf-8-sig")
    assert "Hemliga" not in body and "Gatan" not in body
    exported = AuditEntry.objects.filter(user=granted, action=AuditAction.EXPORT)
    assert sorted(e.youth_id for e in exported) == sorted([a.pk, p.pk])


def test_export_follows_the_posted_search(client_coord, municipality):
    y = _in(municipality, family_name="Unik")
    _in(municipality, family_name="Annan")
    rows = _csv_rows(client_coord.post(reverse("register:export"), {"format": "csv", "q": y.personnummer}))
    assert [r[0] for r in rows[1:]] == [y.personnummer]


def test_export_xlsx(client_coord, municipality):
    y = _in(municipality, family_name="Excel", address="Synlig gata 2")
    response = client_coord.post(reverse("register:export"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0] == ["personnummer", "name", "age", "status", "reason", "since", "coach", "school"]
    assert values[1][0] == y.personnummer
    assert all("Synlig" not in str(v) for row in values for v in row)


def test_export_needs_post(client_coord):
    assert client_coord.get(reverse("register:export")).status_code == 405


def test_search_results_page_by_post_without_the_search_in_links(client_coord, municipality):
    for _ in range(55):
        _in(municipality, family_name="Mångsson")
    _in(municipality, family_name="Annan")
    url = reverse("register:list")
    first = client_coord.post(url, {"q": "mångsson"})
    assert first.context["page_obj"].count == 55
    body = first.content.decode()
    assert 'name="q" value="mångsson"' in body and "q=m" not in body
    second = client_coord.post(url + "?page=2", {"q": "mångsson"})
    assert len(second.context["page_obj"].object_list) == 5
