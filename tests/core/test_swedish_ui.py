"""Internal codes and slips in the Swedish UI (issue 10, items 9 and 11)."""

import datetime

import pytest
from django.urls import reverse

from kaa.accounts.models import Role
from kaa.outreach.models import ContactChain
from kaa.outreach.services import chain_install_preset
from tests.factories import YouthFactory, staff

pytestmark = pytest.mark.django_db


def test_register_status_is_in_words(client, coordinator, municipality):
    YouthFactory(municipality=municipality, in_target_group=True, register_reason="avbrott",
                 register_since=datetime.date(2026, 1, 5))
    YouthFactory(municipality=municipality, in_target_group=False, register_reason="examen",
                 register_since=datetime.date(2026, 1, 5))
    client.force_login(coordinator)
    table = client.get(reverse("register:list"), {"status": "all"}).content.decode()
    table = table.split('data-testid="register-table"')[1]
    assert "I målgruppen" in table
    assert ">I<" not in table and ">Ur<" not in table


def test_the_upload_button_says_importera(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("imports:upload")).content.decode()
    assert '<button class="ds-button" type="submit">Importera</button>' in html


def test_one_assigned_youth_is_singular(client, coordinator, coach, municipality):
    youth = YouthFactory(municipality=municipality, in_target_group=True, register_reason="avbrott",
                         register_since=datetime.date(2026, 1, 5))
    client.force_login(coordinator)
    response = client.post(reverse("outreach:assign"), {"youth": [youth.pk], "coach": coach.pk}, follow=True)
    body = response.content.decode()
    assert "1 ungdom har tilldelats." in body and "1 ungdomar" not in body


def test_a_chain_is_named_for_its_municipality(municipality):
    chain = chain_install_preset(municipality=municipality, preset="almhult")
    assert chain.name == "Kontaktkedja för Nyköping (Älmhultsmodellen)"
    own = chain_install_preset(municipality=municipality, preset="nykoping")
    assert own.name == "Kontaktkedja för Nyköping"
    assert not ContactChain.objects.filter(name__icontains="Älmhults kontaktkedja").exists()


def test_the_chain_editor_shows_words_not_codes(client, administrator, municipality):
    chain = chain_install_preset(municipality=municipality, preset="almhult")
    client.force_login(administrator)
    detail = client.get(reverse("outreach:chain_detail", args=[chain.pk])).content.decode()
    table = detail.split('data-testid="step-table"')[1]
    for code in ("home_visit_1", "almhult_letter", "social_services_check", "almhult_home_visit", "(letter)"):
        assert code not in table, code
    assert "Introduktionsbrev" in table or "Brev" in table
    step = chain.steps.get(code="home_visit_2")
    form = client.get(reverse("outreach:step_edit", args=[chain.pk, step.pk])).content.decode()
    assert 'name="code"' not in form
    assert '<option value="home_visit_1" selected>Hembesök 1</option>' in form
    assert '<option value="concern_notice" selected>' in form


def test_radio_groups_are_a_fieldset_with_a_legend(client, school_staff):
    client.force_login(school_staff)
    html = client.get(reverse("register:school_report_new")).content.decode()
    assert 'for=""' not in html
    group = html.split('name="reason"')[0].rsplit("<fieldset", 1)[1]
    assert "<legend" in group


def test_api_tokens_are_in_the_users_own_menu(client, coach):
    client.force_login(coach)
    html = client.get("/").content.decode()
    main_menu = html.split('class="kaa-nav"')[1].split("</nav>")[0]
    user_menu = html.split('data-testid="user-menu"')[1].split("</details>")[0]
    assert reverse("accounts:tokens") not in main_menu
    assert reverse("accounts:tokens") in user_menu


def test_the_coordinators_menu_is_grouped(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    nav = html.split('class="kaa-nav"')[1].split("</nav>")[0]
    top = nav.split('data-testid="nav-more"')[0]
    assert top.count("<li>") <= 8
    assert "Inkomna skolanmälningar" in top and "Anmälningar från skolor" not in nav
    more = nav.split('data-testid="nav-more"')[1]
    assert "Anmäl en elev" in more and reverse("audit:index") in more


def test_a_small_menu_is_not_folded(client, municipality):
    head = staff(Role.HEAD, municipality, username="rektor-liten-meny")
    client.force_login(head)
    html = client.get("/").content.decode()
    assert 'data-testid="nav-more"' not in html
    assert reverse("reporting:index") in html.split('class="kaa-nav"')[1].split("</nav>")[0]


def test_htmx_does_not_inject_its_style_and_a_favicon_is_linked(client, coach):
    client.force_login(coach)
    html = client.get("/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in html
    assert 'rel="icon"' in html and "favicon.svg" in html
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "kaa" / "app.css").read_text()
    assert ".htmx-request .htmx-indicator" in css
    assert (settings.BASE_DIR / "static" / "kaa" / "favicon.svg").exists()


def test_head_sees_no_api_tokens(client, municipality):
    head = staff(Role.HEAD, municipality, username="rektor")
    client.force_login(head)
    assert reverse("accounts:tokens") not in client.get("/").content.decode()
