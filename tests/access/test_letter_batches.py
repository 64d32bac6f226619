"""Letter batches (issue 9, item 1): a batch exists for who printed it and the municipality's coordinators
(404 for anyone else), and its PDF holds only letters to youths the reader may see."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kaa.accounts.models import Role
from kaa.messaging.services import letter_batch_create
from kaa.register.models import Protection, Youth
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = pytest.mark.django_db


def _batch(user, municipality, youths):
    return letter_batch_create(user=user, municipality=municipality,
                               youths=Youth.objects.filter(pk__in=[y.pk for y in youths]))


def _get(client, name, batch):
    return client.get(reverse(name, kwargs={"pk": batch.pk}))


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_other_coach_in_the_municipality_gets_404(client, municipality, team, coach):
    batch = _batch(coach, municipality, [YouthFactory(municipality=municipality, coach=coach)])
    other = staff(Role.COACH, municipality, team=TeamFactory(municipality=municipality, name="Team Söder"),
                  username="coach-soder")
    client.force_login(other)
    assert _get(client, "messaging:batch_detail", batch).status_code == 404
    assert _get(client, "messaging:batch_pdf", batch).status_code == 404


def test_coach_gets_404_for_a_batch_of_the_coordinator(client, municipality, team, coach, coordinator):
    batch = _batch(coordinator, municipality, [YouthFactory(municipality=municipality, coach=coach, team=team)])
    client.force_login(coach)
    assert _get(client, "messaging:batch_detail", batch).status_code == 404
    assert _get(client, "messaging:batch_pdf", batch).status_code == 404


def test_coordinator_of_another_municipality_gets_404(client, municipality, coordinator):
    batch = _batch(coordinator, municipality, [YouthFactory(municipality=municipality)])
    elsewhere = staff(Role.COORDINATOR, MunicipalityFactory(code="0765", name="Älmhult"), may_see_protected=True,
                      username="samordnare-almhult")
    client.force_login(elsewhere)
    assert _get(client, "messaging:batch_detail", batch).status_code == 404
    assert _get(client, "messaging:batch_pdf", batch).status_code == 404


def test_coordinator_without_the_grant_never_gets_a_protected_youths_letter(client, municipality):
    granted = staff(Role.COORDINATOR, municipality, may_see_protected=True, username="samordnare-med")
    without = staff(Role.COORDINATOR, municipality, username="samordnare-utan")
    protected = YouthFactory(municipality=municipality, given_name="Skyddad", family_name="Gömdsson",
                             protection=Protection.PROTECTED_REGISTRATION)
    only_protected = _batch(granted, municipality, [protected])
    mixed = _batch(granted, municipality, [protected, YouthFactory(municipality=municipality,
                                                                    family_name="Öppensson")])
    client.force_login(without)
    assert _get(client, "messaging:batch_pdf", only_protected).status_code == 404
    response = _get(client, "messaging:batch_pdf", mixed)
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "Öppensson" in text and "Gömdsson" not in text
