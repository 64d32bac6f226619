"""The coordinators' transfer pages: list (paginated, bounded queries), offer, answer, revoke."""

import re

from django.urls import reverse

from kaa.handover import services
from kaa.handover.models import Transfer, TransferStatus
from tests.factories import YouthFactory

DETAIL = re.compile(r'href="/handover/transfers/\d+/"')


def test_transfer_list_is_bounded(client, receiver, sender, municipality, other, django_assert_max_num_queries):
    for _ in range(30):
        services.transfer_offer(
            youth=YouthFactory(municipality=municipality), user=sender, to_municipality=other, with_case=False
        )
    client.force_login(receiver)
    client.get(reverse("handover:transfer_list"))  # warm caches
    with django_assert_max_num_queries(14):
        response = client.get(reverse("handover:transfer_list") + "?direction=incoming")
    assert len(DETAIL.findall(response.content.decode())) == 30
    outgoing = client.get(reverse("handover:transfer_list") + "?direction=outgoing")
    assert not DETAIL.findall(outgoing.content.decode())


def test_offer_answer_and_revoke_through_the_pages(client, case, sender, receiver, other):
    client.force_login(sender)
    form = client.get(reverse("handover:transfer_new", args=[case.pk]))
    assert form.status_code == 200 and "Oxelösund" in form.content.decode()
    refused = client.post(
        reverse("handover:transfer_new", args=[case.pk]), {"to_municipality": other.pk, "with_case": "on", "note": ""}
    )
    assert refused.status_code == 200 and "no valid consent naming Oxelösund" in refused.content.decode()
    done = client.post(reverse("handover:transfer_new", args=[case.pk]), {"to_municipality": other.pk, "note": "Hej"})
    transfer = Transfer.objects.get()
    assert done.url == reverse("handover:transfer_detail", args=[transfer.pk])
    page = client.get(done.url).content.decode()
    assert "Revoke the transfer" in page and "Accept the transfer" not in page

    client.force_login(receiver)
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="dash-transfers"' in home and "Exempel, Alva" in home
    page = client.get(reverse("handover:transfer_detail", args=[transfer.pk])).content.decode()
    assert "Accept the transfer" in page and "Revoke the transfer" not in page
    client.post(reverse("handover:transfer_reject", args=[transfer.pk]), {"reason": ""})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.IN_PROGRESS
    client.post(reverse("handover:transfer_reject", args=[transfer.pk]), {"reason": "Inte folkbokförd här."})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED and transfer.reason == "Inte folkbokförd här."

    client.force_login(sender)
    client.post(reverse("handover:transfer_new", args=[case.pk]), {"to_municipality": other.pk})
    again = Transfer.objects.get(status=TransferStatus.IN_PROGRESS)
    assert client.post(reverse("handover:transfer_accept", args=[again.pk])).status_code == 403
    client.post(reverse("handover:transfer_revoke", args=[again.pk]))
    again.refresh_from_db()
    assert again.status == TransferStatus.REVOKED


def test_a_coach_sees_no_transfers(client, case, coach):
    client.force_login(coach)
    assert client.get(reverse("handover:transfer_list")).status_code == 403
    page = client.get(reverse("register:youth_detail", args=[case.pk])).content.decode()
    assert 'data-testid="handover-transfers"' not in page


def test_a_case_left_behind_by_a_population_move_is_offered_from_the_list(client, case, sender, receiver, other):
    from kaa.register.models import Youth

    Youth.objects.filter(pk=case.pk).update(municipality=other, coach=None, team=None)
    client.force_login(sender)
    page = client.get(reverse("handover:transfer_list") + "?direction=outgoing").content.decode()
    assert 'data-testid="moved-away"' in page and reverse("handover:transfer_new", args=[case.pk]) in page
    client.post(reverse("handover:transfer_new", args=[case.pk]), {"to_municipality": other.pk})
    assert Transfer.objects.get().from_municipality_id != other.pk
    page = client.get(reverse("handover:transfer_list") + "?direction=outgoing").content.decode()
    assert 'data-testid="moved-away"' not in page  # a transfer is waiting now
