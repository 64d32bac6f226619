import io

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from kaa.messaging.sms import LocmemSmsBackend
from kaa.register.models import YouthEvent
from tests.factories import YouthFactory


@pytest.fixture(autouse=True)
def _clean_state():
    cache.clear()
    LocmemSmsBackend.outbox.clear()
    yield
    cache.clear()


@pytest.fixture
def make_youth(municipality, coach, team):
    def make(**kwargs):
        defaults = {"municipality": municipality, "coach": coach, "team": team, "in_target_group": True,
                    "address": "Storgatan 12", "postal_code": "611 30", "city": "Nyköping"}
        return YouthFactory(**{**defaults, **kwargs})

    return make


@pytest.fixture
def coach_with_contact(coach):
    coach.first_name, coach.last_name = "Alexandra", "Coachsson"
    coach.phone, coach.email = "0733-174597", "alexandra.coach@example.invalid"
    coach.save()
    return coach


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def contact_events(youth=None, channel=None):
    qs = YouthEvent.objects.filter(kind="outreach.contact")
    if youth is not None:
        qs = qs.filter(youth=youth)
    if channel is not None:
        qs = qs.filter(data__channel=channel)
    return qs
