"""Letter batches belong to who printed them and the municipality's coordinators; a batch's PDF holds only
letters to youths the reader may see (issue 9, item 1)."""

import pytest
from django.urls import reverse

from kaa.accounts.models import Membership, Role
from kaa.audit.models import AuditEntry
from kaa.messaging import selectors
from kaa.messaging.models import LetterBatch
from kaa.messaging.pdf import LetterItem, render_pdf_with_pages, select_pages
from kaa.messaging.services import current_version, letter_batch_create, template_save
from kaa.register.models import Protection, Youth
from tests.factories import MunicipalityFactory, TeamFactory, staff

from .conftest import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def _batch(user, municipality, youths) -> LetterBatch:
    return letter_batch_create(user=user, municipality=municipality,
                               youths=Youth.objects.filter(pk__in=[y.pk for y in youths]))


def _download(client, batch):
    response = client.get(reverse("messaging:batch_pdf", args=[batch.pk]))
    if response.status_code != 200:
        return response.status_code, b""
    return 200, b"".join(response.streaming_content)


def test_another_coach_gets_404_for_a_coachs_batch(client, municipality, team, coach, make_youth):
    batch = _batch(coach, municipality, [make_youth(given_name="Mira", family_name="Egensson")])
    other = staff(Role.COACH, municipality, team=TeamFactory(municipality=municipality, name="Team Söder"),
                  username="coach-soder")
    client.force_login(other)
    assert client.get(reverse("messaging:batch_detail", args=[batch.pk])).status_code == 404
    assert _download(client, batch)[0] == 404
    assert batch not in client.get(reverse("messaging:print_letters")).context["page"].object_list


def test_a_coach_gets_404_for_the_coordinators_batch(client, municipality, team, coach, coordinator, make_youth):
    """The probe's case: the coordinator's batch holds youths outside the coach's scope."""
    theirs = make_youth(coach=None, team=None, given_name="Utanför", family_name="Räckviddsson")
    batch = _batch(coordinator, municipality, [theirs, make_youth()])
    client.force_login(coach)
    assert client.get(reverse("messaging:batch_detail", args=[batch.pk])).status_code == 404
    assert _download(client, batch)[0] == 404


def test_the_coordinator_opens_a_coachs_batch(client, municipality, coach, coordinator, make_youth):
    youths = [make_youth(given_name="Alva"), make_youth(given_name="Bo")]
    batch = _batch(coach, municipality, youths)
    client.force_login(coordinator)
    assert client.get(reverse("messaging:batch_detail", args=[batch.pk])).status_code == 200
    status, content = _download(client, batch)
    assert status == 200 and pdf_pages(content) == 2
    assert batch in client.get(reverse("messaging:print_letters")).context["page"].object_list


def test_a_coordinator_of_another_municipality_gets_404(client, municipality, coordinator, make_youth):
    batch = _batch(coordinator, municipality, [make_youth()])
    elsewhere = staff(Role.COORDINATOR, MunicipalityFactory(code="0765", name="Älmhult"), may_see_protected=True,
                      username="samordnare-almhult")
    client.force_login(elsewhere)
    assert client.get(reverse("messaging:batch_detail", args=[batch.pk])).status_code == 404
    assert _download(client, batch)[0] == 404
    assert not selectors.batches_for(elsewhere).exists()


def test_a_coordinator_without_the_grant_gets_the_pdf_without_protected_youths(client, municipality, make_youth):
    granted = staff(Role.COORDINATOR, municipality, may_see_protected=True, username="samordnare-med")
    without = staff(Role.COORDINATOR, municipality, username="samordnare-utan")
    open_youth = make_youth(given_name="Öppen", family_name="Synligsson")
    protected = make_youth(given_name="Skyddad", family_name="Hemligsson", protection=Protection.CONFIDENTIAL)
    batch = _batch(granted, municipality, [open_youth, protected])
    assert batch.youth_count == 2

    client.force_login(granted)
    status, content = _download(client, batch)
    assert status == 200 and "Hemligsson" in pdf_text(content)

    client.force_login(without)
    detail = client.get(reverse("messaging:batch_detail", args=[batch.pk]))
    assert detail.status_code == 200 and detail.context["letter_count"] == 1
    status, content = _download(client, batch)
    assert status == 200 and pdf_pages(content) == 1
    text = pdf_text(content)
    assert "Synligsson" in text and "Hemligsson" not in text and "Skyddad" not in text
    downloads = AuditEntry.objects.filter(user=without, action="export", detail=f"batch:{batch.pk}:download")
    assert list(downloads.values_list("youth_id", flat=True)) == [open_youth.pk]


def test_the_printer_whose_scope_shrank_sees_only_what_they_may(client, municipality, team, coach, make_youth):
    kept = make_youth(given_name="Kvar", family_name="Stannarsson")
    moved = make_youth(given_name="Flyttad", family_name="Bortasson")
    batch = _batch(coach, municipality, [kept, moved])
    Youth.objects.filter(pk=moved.pk).update(coach=None, team=TeamFactory(municipality=municipality, name="Väst"))
    client.force_login(coach)
    status, content = _download(client, batch)
    assert status == 200 and pdf_pages(content) == 1
    text = pdf_text(content)
    assert "Stannarsson" in text and "Bortasson" not in text


def test_a_printer_who_may_see_none_of_the_letters_gets_404(client, municipality, team, coach, make_youth):
    youth = make_youth()
    batch = _batch(coach, municipality, [youth])
    Youth.objects.filter(pk=youth.pk).update(coach=None, team=None)
    client.force_login(coach)
    detail = client.get(reverse("messaging:batch_detail", args=[batch.pk]))
    assert detail.status_code == 200 and reverse("messaging:batch_pdf", args=[batch.pk]) not in detail.content.decode()
    assert _download(client, batch)[0] == 404


def test_a_printer_who_lost_the_print_role_gets_404(client, municipality, coach, make_youth):
    batch = _batch(coach, municipality, [make_youth()])
    Membership.objects.filter(user=coach).update(role=Role.STUDY_COUNSELLOR)
    client.force_login(coach)
    assert client.get(reverse("messaging:batch_detail", args=[batch.pk])).status_code == 403


def test_page_ranges_follow_letters_of_several_pages(municipality, make_youth, administrator):
    template = current_version(municipality=municipality, code="letter_intro").template
    long_body = "\n\n".join(["Hej {fornamn}. " + "Lång text om aktivitetsansvaret. " * 30] * 6) + " {svarskod}"
    version = template_save(template=template, user=administrator, title="Lång", body=long_body)
    youths = [make_youth(given_name=name, family_name="Sidsson") for name in ("Ada", "Bea", "Cid")]
    items = [LetterItem(youth=y, code="ABCDEFGH", coach=None) for y in youths]
    content, pages = render_pdf_with_pages(version, items, municipality)
    assert [count for _first, count in pages] == [pages[0][1]] * 3 and pages[0][1] >= 2
    assert [first for first, _count in pages] == [0, pages[0][1], 2 * pages[0][1]]
    assert pdf_pages(content) == 3 * pages[0][1]
    middle = select_pages(content, [pages[1]])
    assert pdf_pages(middle) == pages[1][1]
    assert "Hej Bea" in pdf_text(middle) and "Hej Ada" not in pdf_text(middle) and "Hej Cid" not in pdf_text(middle)
