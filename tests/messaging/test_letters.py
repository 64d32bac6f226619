import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from kaa.audit.models import AuditEntry
from kaa.messaging import bridge
from kaa.messaging.codes import hash_code
from kaa.messaging.models import Letter, LetterBatch, ReplyCode, TemplateCode
from kaa.messaging.pdf import PROTECTED_ADDRESS_NOTE, LetterItem, render_pdf
from kaa.messaging.services import current_version, letter_batch_create, letter_print, template_save
from kaa.register.models import Youth

from .conftest import contact_events, pdf_pages, pdf_text


def _codes_in(text: str, youths) -> dict:
    """The reply codes printed in the text, matched to youths through their stored hashes."""
    import re

    found = {}
    for code in set(re.findall(r"\b[A-HJ-NP-Z2-9]{8}\b", text)):
        rc = ReplyCode.objects.filter(code_hash=hash_code(code)).first()
        if rc:
            found[rc.youth_id] = code
    return found


def test_letter_pdf_has_name_coach_code_and_address(municipality, make_youth, coach_with_contact):
    youth = make_youth(given_name="Nora", family_name="Testsson")
    letter, pdf = letter_print(user=coach_with_contact, youth=youth, template_code=TemplateCode.LETTER_INTRO)
    text = pdf_text(pdf)
    assert "Nora Testsson" in text
    assert "Hej Nora" in text
    assert "Alexandra Coachsson" in text
    assert "0733-174597" in text
    assert "Storgatan 12" in text and "611 30 Nyköping" in text
    codes = _codes_in(text, [youth])
    assert list(codes) == [youth.pk]
    assert letter.reply_code.youth == youth
    assert letter.template_version == current_version(municipality=municipality, code="letter_intro")
    assert contact_events(youth, "letter").count() == 1


def test_protected_identity_letter_has_no_address(municipality, make_youth, coordinator):
    from kaa.accounts.models import Membership

    Membership.objects.filter(user=coordinator).update(may_see_protected=True)
    youth = make_youth(given_name="Skydd", family_name="Personsson", protection="skyddad_folkbokforing",
                       address="Hemligvägen 7", postal_code="999 99", city="Hemligstad")
    letter, pdf = letter_print(user=coordinator, youth=youth, template_code=TemplateCode.LETTER_INTRO)
    text = pdf_text(pdf)
    assert "Skatteverkets förmedlingstjänst" in text.replace("\n", " ")
    for secret in ("Hemligvägen", "999 99", "Hemligstad"):
        assert secret not in text
    assert letter.protected_address is True


def test_address_block_for_protected_youth_in_batch(municipality, make_youth):
    from types import SimpleNamespace

    version = current_version(municipality=municipality, code="letter_intro")
    protected = SimpleNamespace(pk=1, given_name="A", full_name="A B", address="Gömd 1", postal_code="111 11",
                                city="Gömstad", protection="sekretessmarkering")
    text = pdf_text(render_pdf(version, [LetterItem(youth=protected, code="ABCDEFGH", coach=None)], municipality))
    assert PROTECTED_ADDRESS_NOTE.split()[0] in text
    assert "Gömd 1" not in text and "Gömstad" not in text


def test_postcard_has_swedish_english_and_arabic_rtl(municipality, make_youth, coach):
    youth = make_youth(given_name="Sami")
    version = current_version(municipality=municipality, code=TemplateCode.POSTCARD)
    from django.template.loader import render_to_string

    from kaa.messaging.pdf import letter_context

    context = letter_context(version, LetterItem(youth=youth, code="ABCDEFGH", coach=coach), municipality)
    html = render_to_string("messaging/pdf/document.html", {"letters": [context], "postcard": True})
    assert 'lang="ar" dir="rtl"' in html
    _letter, pdf = letter_print(user=coach, youth=youth, template_code=TemplateCode.POSTCARD)
    text = pdf_text(pdf)
    assert "föräldrar" in text
    assert "parents" in text
    arabic = [ch for ch in text if "\u0600" <= ch <= "\u06ff" or "\ufe70" <= ch <= "\ufeff"]
    assert len(arabic) > 50
    # The vendored font (our @font-face family) is embedded, whatever fonts the machine has.
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(f.get_object().get("/BaseFont")) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and all("KAA-Sans" in name for name in fonts)
    assert contact_events(youth, "postcard").count() == 1


def test_letter_records_the_version_it_used(municipality, make_youth, coach, administrator):
    youth = make_youth()
    first, _ = letter_print(user=coach, youth=youth, template_code="letter_intro")
    template = first.template_version.template
    new = template_save(template=template, user=administrator, title="Ny", body="Hej {fornamn}, ny text {svarskod}")
    second, pdf = letter_print(user=coach, youth=youth, template_code="letter_intro")
    assert first.template_version.number == 1
    assert second.template_version == new
    assert "ny text" in pdf_text(pdf)


def test_batch_one_pdf_one_attempt_per_youth_and_audited(municipality, make_youth, coach):
    youths = [make_youth() for _ in range(3)]
    other = make_youth()
    batch = letter_batch_create(user=coach, municipality=municipality,
                                youths=Youth.objects.filter(pk__in=[y.pk for y in youths]))
    assert batch.youth_count == 3
    content = batch.pdf.read()
    assert pdf_pages(content) == 3
    text = pdf_text(content)
    assert set(_codes_in(text, youths)) == {y.pk for y in youths}
    for youth in youths:
        assert contact_events(youth, "letter").filter(data__outcome="sent").count() == 1
        assert youth.full_name in text
    assert contact_events(other).count() == 0
    assert Letter.objects.filter(batch=batch).count() == 3
    assert set(Letter.objects.filter(batch=batch).values_list("template_version", flat=True)) == {
        batch.template_version_id}
    prints = AuditEntry.objects.filter(action="print", detail=f"batch:{batch.pk}")
    assert set(prints.values_list("youth_id", flat=True)) == {y.pk for y in youths}
    assert batch.created_by == coach


def test_batch_uses_the_outreach_selector_by_default(municipality, make_youth, coach, monkeypatch):
    due = make_youth()
    make_youth()
    calls = []

    def fake_due(*, user, step_code="letter", on=None):
        calls.append(step_code)
        return Youth.objects.filter(pk=due.pk)

    monkeypatch.setattr(bridge, "youths_due", fake_due)
    batch = letter_batch_create(user=coach, municipality=municipality)
    assert calls == ["letter"]
    assert list(batch.letters.values_list("youth_id", flat=True)) == [due.pk]


def test_batch_without_due_youths_is_refused(municipality, coach):
    with pytest.raises(ValidationError):
        letter_batch_create(user=coach, municipality=municipality, youths=Youth.objects.none())
    assert LetterBatch.objects.count() == 0


def test_batch_leaves_out_youths_outside_the_users_scope(municipality, make_youth, coach):
    from tests.factories import UserFactory

    mine = make_youth()
    theirs = make_youth(coach=UserFactory(), team=None)
    batch = letter_batch_create(user=coach, municipality=municipality,
                                youths=Youth.objects.filter(pk__in=[mine.pk, theirs.pk]))
    assert list(batch.letters.values_list("youth_id", flat=True)) == [mine.pk]


def test_batch_needs_letters_print(municipality, make_youth, administrator):
    with pytest.raises(PermissionDenied):
        letter_batch_create(user=administrator, municipality=municipality, youths=Youth.objects.all())


def test_print_page_creates_batch_and_downloads(client, municipality, make_youth, coach, monkeypatch):
    youth = make_youth()
    monkeypatch.setattr(bridge, "youths_due", lambda **kw: Youth.objects.filter(pk=youth.pk))
    client.force_login(coach)
    assert client.get(reverse("messaging:print_letters")).status_code == 200
    response = client.post(reverse("messaging:print_letters"),
                           {"municipality": municipality.pk, "template_code": "letter_intro"})
    batch = LetterBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("messaging:batch_detail", args=[batch.pk])
    assert client.get(response["Location"]).status_code == 200
    download = client.get(reverse("messaging:batch_pdf", args=[batch.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", detail=f"batch:{batch.pk}:download").count() == 1


def test_print_pages_need_letters_print(client, municipality, administrator, school_staff):
    for user in (administrator, school_staff):
        client.force_login(user)
        assert client.get(reverse("messaging:print_letters")).status_code == 403


def test_single_letter_view_returns_pdf(client, municipality, make_youth, coach):
    youth = make_youth()
    client.force_login(coach)
    response = client.post(reverse("messaging:letter_single", args=[youth.pk]), {"letter-template_code": "postcard"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert contact_events(youth, "postcard").count() == 1


def test_large_batch_goes_to_the_task_worker(client, municipality, make_youth, coach, monkeypatch):
    from kaa.messaging import views

    youths = [make_youth() for _ in range(3)]
    monkeypatch.setattr(views, "SYNC_BATCH_LIMIT", 2)
    monkeypatch.setattr(bridge, "youths_due", lambda **kw: Youth.objects.filter(pk__in=[y.pk for y in youths]))
    client.force_login(coach)
    response = client.post(reverse("messaging:print_letters"),
                           {"municipality": municipality.pk, "template_code": "letter_intro"})
    assert response.status_code == 302 and response["Location"] == reverse("messaging:print_letters")
    batch = LetterBatch.objects.get()  # the test settings run tasks at once
    assert batch.youth_count == 3 and batch.created_by == coach
