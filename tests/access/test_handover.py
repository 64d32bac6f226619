"""Access rows for hand-over that the matrix (one municipality) cannot express: a coordinator of the
sending municipality after a transfer with the case is accepted, and the receiving one before."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import ApiToken, Role
from kaa.casework import services as cw
from kaa.handover import services
from kaa.handover.models import Fraktsedel
from kaa.register.models import Youth
from tests.factories import MunicipalityFactory, YouthFactory, staff


@pytest.fixture
def moved(db):
    """A youth of Nyköping with a case and a fraktsedel, offered with the case to Oxelösund."""
    home, there = MunicipalityFactory(code="0480", name="Nyköping"), MunicipalityFactory(code="0481", name="Oxelösund")
    sender, receiver = staff(Role.COORDINATOR, home, username="s"), staff(Role.COORDINATOR, there, username="r")
    youth = YouthFactory(municipality=home)
    cw.journal_add(youth=youth, user=sender, text="Samtal.")
    consent = cw.consent_record(
        youth=youth, user=sender, partner=there.code, purpose="Flytt", valid_from=timezone.localdate()
    )
    doc = services.fraktsedel_give(
        youth=youth,
        user=sender,
        sections=["plan"],
        transition="municipality",
        recipient_organisation=there.code,
        consent=consent,
    )
    transfer = services.transfer_offer(youth=youth, user=sender, to_municipality=there, with_case=True)
    return {"youth": youth, "sender": sender, "receiver": receiver, "transfer": transfer, "doc": doc}


def _pages(youth: Youth, doc: Fraktsedel) -> list[str]:
    return [
        reverse("casework:journal_list", args=[youth.pk]),
        reverse("register:youth_detail", args=[youth.pk]),
        reverse("casework:mapping_history", args=[youth.pk]),
        reverse("handover:fraktsedel_detail", args=[youth.pk, doc.pk]),
        reverse("handover:fraktsedel_pdf", args=[youth.pk, doc.pk]),
    ]


def _client(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _api(user) -> Client:
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user, name='t')[1]}")


def test_before_acceptance_the_receiver_reads_nothing_even_when_the_register_moved(moved):
    youth, receiver = moved["youth"], moved["receiver"]
    Youth.objects.filter(pk=youth.pk).update(municipality=moved["transfer"].to_municipality, coach=None, team=None)
    c = _client(receiver)
    assert c.get(reverse("casework:journal_list", args=[youth.pk])).status_code == 404
    assert c.get(reverse("handover:fraktsedel_detail", args=[youth.pk, moved["doc"].pk])).status_code == 404
    assert _api(receiver).get(f"/api/v1/youths/{youth.pk}/journal").status_code == 404


def test_after_acceptance_the_sending_coordinator_gets_404(moved):
    youth, sender, receiver = moved["youth"], moved["sender"], moved["receiver"]
    assert _client(sender).get(reverse("casework:journal_list", args=[youth.pk])).status_code == 200
    services.transfer_accept(transfer=moved["transfer"], user=receiver)
    for url in _pages(youth, moved["doc"]):
        assert _client(sender).get(url).status_code == 404, url
        assert _client(receiver).get(url).status_code == 200, url
    assert _api(sender).get(f"/api/v1/youths/{youth.pk}/journal").status_code == 404
    assert _api(receiver).get(f"/api/v1/youths/{youth.pk}/journal").status_code == 200
    # The sender still reads the transfer itself (its answer), never the case.
    assert _client(sender).get(reverse("handover:transfer_detail", args=[moved["transfer"].pk])).status_code == 200
