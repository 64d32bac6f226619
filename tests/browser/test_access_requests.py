"""Two people for access to youth data, in a real browser at phone width: an administrator asks, a
coordinator approves from their start page, the person granted reads who gave it and who approved it."""

import pytest

from kaa.accounts.models import ApiToken, Membership, Role
from tests.factories import MunicipalityFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    """Nothing widens the page beyond the viewport (tables scroll inside their own wrapper)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _log_out(page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()


def _named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def test_administrator_asks_coordinator_approves_person_sees_it(page, live_url, log_in):
    page.set_viewport_size({"width": 375, "height": 800})
    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    _named(staff(Role.ADMINISTRATOR, municipality, username="admin-anna"), "Anna", "Admin")
    _named(staff(Role.COORDINATOR, municipality, username="samordnare-bo"), "Bo", "Beslut")
    subject = staff(Role.HEAD, municipality, username="rektor-cia")
    ApiToken.issue(user=subject, name="rektorns skript")

    log_in(page, "admin-anna")
    page.goto(f"{live_url}/organisation/staff/{subject.pk}/")
    roles = page.locator(f"form[action$='/roles/{municipality.pk}/']")
    roles.get_by_label("Ungdomscoach").check()
    with page.expect_navigation():
        roles.locator("button[type=submit]").click()
    assert page.locator(".ds-alert", has_text="Väntar på godkännande").is_visible()
    assert _fits(page)
    assert not Membership.objects.filter(user=subject, role=Role.COACH).exists()
    page.goto(f"{live_url}/organisation/tokens/")
    assert "rektorns skript" in page.locator("main").inner_text()
    assert _fits(page)
    _log_out(page)

    log_in(page, "samordnare-bo")
    card = page.locator("[data-testid=dashboard-access-requests]")
    with page.expect_navigation():
        card.locator("a").click()
    assert _fits(page)
    with page.expect_navigation():
        page.locator("button[value=approve]").click()
    assert Membership.objects.filter(user=subject, role=Role.COACH).exists()
    _log_out(page)

    log_in(page, "rektor-cia")
    assert "av Anna Admin, godkänt av Bo Beslut" in page.locator("[data-testid=dashboard-grants]").inner_text()
    page.locator("[data-testid=user-menu] summary").click()
    with page.expect_navigation():
        page.locator("[data-testid=user-menu] a[href='/accounts/access/']").click()
    assert "godkänt av Bo Beslut" in page.locator("main").inner_text()
    assert _fits(page)
