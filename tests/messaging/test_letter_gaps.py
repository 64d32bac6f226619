"""Letters with gaps (issue 10): no empty placeholder, no double greeting, the KAA team signs a letter
to a youth without a coach, and the municipality's KAA contact details stand in for a coach's."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaa.messaging import bridge
from kaa.messaging.models import Letter, TemplateCode
from kaa.messaging.services import letter_batch_create, letter_print
from kaa.register.models import Youth

from .conftest import contact_events, pdf_pages, pdf_text


@pytest.fixture
def bare_municipality(municipality):
    municipality.kaa_phone = municipality.kaa_email = ""
    municipality.save()
    return municipality


def test_letter_to_a_youth_without_a_coach_is_signed_by_the_kaa_team(municipality, make_youth, coach):
    coach.first_name, coach.last_name = "Printa", "Skrivarsson"
    coach.save()
    youth = make_youth(coach=None, given_name="Nora")
    _letter, pdf = letter_print(user=coach, youth=youth, template_code=TemplateCode.LETTER_INTRO)
    text = " ".join(pdf_text(pdf).split())
    assert "KAA-teamet i Nyköping" in text
    assert "Skrivarsson" not in text and "ungdomscoach" not in text
    assert "08-465 004 10" in text and "kaa@example.invalid" in text


def test_the_kaa_phone_stands_in_for_a_coach_without_one(municipality, make_youth, coach):
    coach.first_name, coach.last_name, coach.phone, coach.email = "Alva", "Coach", "", "alva@example.invalid"
    coach.save()
    youth = make_youth()
    _letter, pdf = letter_print(user=coach, youth=youth, template_code=TemplateCode.LETTER_INTRO)
    text = " ".join(pdf_text(pdf).split())
    assert "ringa eller skicka ett sms till mig på 08-465 004 10 eller" in text
    assert "alva@example.invalid" in text and "Alva Coach, ungdomscoach i Nyköping" in text


def test_the_greeting_appears_once(municipality, make_youth, coach):
    youth = make_youth(given_name="Nora")
    _letter, pdf = letter_print(user=coach, youth=youth, template_code=TemplateCode.LETTER_INTRO)
    assert pdf_text(pdf).count("Hej Nora") == 1


def test_a_letter_with_a_gap_is_not_printed_and_says_what_it_lacks(bare_municipality, make_youth, coach):
    coach.phone = coach.email = ""
    coach.save()
    youth = make_youth()  # neither the coach nor the municipality has a phone number or e-mail address
    with pytest.raises(ValidationError) as caught:
        letter_print(user=coach, youth=youth, template_code=TemplateCode.LETTER_INTRO)
    message = " ".join(caught.value.messages)
    assert "telefonnummer" in message and "e-postadress" in message
    assert Letter.objects.count() == 0 and contact_events(youth).count() == 0


def test_a_batch_holds_back_the_letters_with_gaps(municipality, make_youth, coach):
    complete = make_youth(family_name="Komplett")
    no_address = make_youth(family_name="Adresslös", address="", postal_code="", city="")
    batch = letter_batch_create(user=coach, municipality=municipality,
                                youths=Youth.objects.filter(pk__in=[complete.pk, no_address.pk]))
    assert batch.youth_count == 1 and pdf_pages(batch.pdf.read()) == 1
    assert [(h.youth.pk, h.gaps) for h in batch.held_back] == [(no_address.pk, ("address",))]
    assert contact_events(no_address).count() == 0 and contact_events(complete, "letter").count() == 1


def test_a_batch_of_only_gaps_is_refused(bare_municipality, make_youth, coach):
    youths = [make_youth(coach=None), make_youth(coach=None)]
    with pytest.raises(ValidationError):
        letter_batch_create(user=coach, municipality=bare_municipality,
                            youths=Youth.objects.filter(pk__in=[y.pk for y in youths]))
    assert Letter.objects.count() == 0


def test_print_and_batch_pages_name_the_held_back_letters_and_what_they_lack(client, municipality, make_youth, coach,
                                                                              monkeypatch):
    complete = make_youth(family_name="Komplett")
    gap = make_youth(family_name="Adresslös", given_name="Ada", address="", postal_code="", city="")
    monkeypatch.setattr(bridge, "youths_due", lambda **kw: Youth.objects.filter(pk__in=[complete.pk, gap.pk]))
    client.force_login(coach)
    page = client.get(reverse("messaging:print_letters")).content.decode()
    assert 'data-testid="held-back"' in page and "Adresslös, Ada" in page and "en postadress" in page
    response = client.post(reverse("messaging:print_letters"),
                           {"municipality": municipality.pk, "template_code": "letter_intro"}, follow=True)
    body = response.content.decode()
    assert "1 brev hölls tillbaka" in body
    assert "Adresslös, Ada" in body and "Komplett" not in body.split('data-testid="held-back"')[1]


def test_the_kaa_contact_details_are_municipality_settings(client, municipality, administrator):
    client.force_login(administrator)
    url = reverse("organisations:municipality_edit", args=[municipality.pk])
    form = client.get(url).content.decode()
    assert 'name="kaa_phone"' in form and 'name="kaa_email"' in form
    data = {"name": municipality.name, "summer_gap_month": 9, "summer_gap_day": 1, "evening_starts_at": "17:00",
            "recontact_months": 3, "kaa_phone": "0155-24 50 00", "kaa_email": "kaa@nykoping.example"}
    assert client.post(url, data).status_code == 302
    municipality.refresh_from_db()
    assert (municipality.kaa_phone, municipality.kaa_email) == ("0155-24 50 00", "kaa@nykoping.example")
