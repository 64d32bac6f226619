"""The demo: fraktsedlar, a second municipality and transfers (kaa.demo.handover via the seed's hook)."""

import pytest
from django.utils import timezone

from kaa.demo.seed import demo_seed
from kaa.handover.models import Fraktsedel, Transfer, TransferStatus
from kaa.handover.selectors import transfer_dashboard

pytestmark = pytest.mark.django_db


def test_demo_has_fraktsedlar_and_transfers_on_both_start_pages():
    result = demo_seed(youths=120, seed=4, today=timezone.localdate())
    assert "handover" in result.hooks_run
    assert Fraktsedel.objects.count() >= 2
    assert Transfer.objects.filter(status=TransferStatus.IN_PROGRESS, with_case=True).count() == 1
    assert Transfer.objects.filter(status=TransferStatus.REJECTED).exclude(reason="").exists()
    assert transfer_dashboard(result.users["samordnare"])["outgoing"]
    assert transfer_dashboard(result.users["samordnare-oxelosund"])["incoming"]
