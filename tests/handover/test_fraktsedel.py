"""The fraktsedel (issue 14, item 3): sections chosen with the youth, consent, a record, a PDF."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kaa.audit.models import AuditEntry
from kaa.casework import services as cw
from kaa.handover import services
from kaa.handover.models import Fraktsedel, FraktsedelSection, Transition
from kaa.register.models import YouthEvent

SECTIONS = [FraktsedelSection.ABOUT_ME, FraktsedelSection.PLAN]


def give(youth, user, **kw):
    args = {
        "sections": SECTIONS,
        "transition": Transition.PARTNER,
        "recipient_organisation": "Folkhögskolan Väst",
        "recipient_name": "Kim Lärare",
        "given_by": "youth",
    }
    args.update(kw)
    return services.fraktsedel_give(youth=youth, user=user, **args)


def test_given_with_consent_now_keeps_only_chosen_sections(case, coach):
    doc = give(case, coach)
    assert doc.sections == ["about_me", "plan"]
    titles = [s["title"] for s in doc.content]
    assert titles == ["Om mig", "Mitt mål och min plan"]
    text = str(doc.content)
    assert "Musik och fotboll" in text and "Börja på folkhögskola" in text
    assert "Praktiska ämnen" not in text and "biblioteket" not in text  # not chosen; the journal never
    assert doc.consent.partner == "Folkhögskolan Väst" and doc.consent.given_by == "youth"
    assert YouthEvent.objects.filter(youth=case, kind="handover.fraktsedel").exists()
    assert AuditEntry.objects.filter(object_type="fraktsedel", object_id=str(doc.pk)).exists()


def test_an_existing_consent_must_name_the_recipient(case, coach):
    other = cw.consent_record(
        youth=case, user=coach, partner="Arbetsförmedlingen", purpose="DUA", valid_from=timezone.localdate()
    )
    with pytest.raises(ValidationError) as exc:
        give(case, coach, consent=other, given_by="")
    assert "consent" in exc.value.message_dict
    doc = give(case, coach, consent=other, given_by="", recipient_organisation="Arbetsförmedlingen")
    assert doc.consent == other


def test_guardian_consent_only_under_18(case, coach):
    with pytest.raises(ValidationError) as exc:  # the youth is 18
        give(case, coach, given_by="guardian")
    assert "given_by" in exc.value.message_dict
    assert not Fraktsedel.objects.exists()


def test_no_consent_no_sections_refused(case, coach):
    with pytest.raises(ValidationError) as exc:
        give(case, coach, given_by="", sections=[])
    assert {"sections", "consent"} <= set(exc.value.message_dict)


def test_only_those_writing_the_case_give_it(case, counsellor_user):
    with pytest.raises(PermissionDenied):
        give(case, counsellor_user)


@pytest.fixture
def counsellor_user(municipality, team):
    from kaa.accounts.models import Role
    from tests.factories import staff

    return staff(Role.STUDY_COUNSELLOR, municipality, team=team, username="syv")


def test_pages_and_pdf(client, case, coach):
    client.force_login(coach)
    page = client.get(reverse("register:youth_detail", args=[case.pk]))
    assert reverse("handover:fraktsedel_new", args=[case.pk]) in page.content.decode()
    response = client.post(
        reverse("handover:fraktsedel_new", args=[case.pk]),
        {
            "sections": ["about_me", "support"],
            "transition": "school",
            "recipient_organisation": "Gymnasiet Nord",
            "recipient_name": "",
            "consent": "",
            "given_by": "youth",
        },
    )
    doc = Fraktsedel.objects.get()
    assert response.status_code == 302 and response.url == reverse("handover:fraktsedel_detail", args=[case.pk, doc.pk])
    pdf = client.get(reverse("handover:fraktsedel_pdf", args=[case.pk, doc.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Fraktsedel" in text and "Om mig" in text and "Korta pass" in text
    assert "Mitt mål" not in text and "Gymnasiet Nord" in text


def test_a_consent_naming_a_partner_of_the_list_is_accepted(case, coach, municipality):
    from kaa.casework.models import Partner

    af = Partner.objects.get(municipality=municipality, name="Arbetsförmedlingen")
    consent = cw.consent_record(youth=case, user=coach, partner_org=af, purpose="DUA", valid_from=timezone.localdate())
    doc = give(case, coach, consent=consent, given_by="", recipient_organisation="arbetsförmedlingen")
    assert doc.consent == consent
    cw.consent_withdraw(consent=consent, user=coach)
    consent.refresh_from_db()
    with pytest.raises(ValidationError):  # withdrawn: no longer valid today
        give(case, coach, consent=consent, given_by="", recipient_organisation="Arbetsförmedlingen")
