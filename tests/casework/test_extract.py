"""The youth's extract (GDPR art. 15, issue 15 item 2; INTERFACES.md ``GET /api/v1/youths/{id}/extract``):
every kind of record the installation holds about the youth, confidential entries marked, as JSON and as a
PDF in Swedish; produced only by the youth's coordinator; audited as an export; bounded queries."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import ApiToken, Role
from kaa.audit.models import AuditAction, AuditEntry
from kaa.audit.services import audit_youth_view
from kaa.casework import services
from kaa.casework.extract import extract_build
from kaa.casework.models import EvaluationKind, Measure
from kaa.messaging.models import Letter, LetterTemplate, LetterTemplateVersion
from kaa.messaging.services import REPLY_EVENT
from kaa.outreach.models import ConcernReport, ContactAttempt, FirstMeeting
from kaa.register.models import EarlySignal, Guardian, Protection, RegisterPeriod, SchoolReport, YouthEvent
from tests.factories import EnrolmentFactory, YouthFactory, staff

pytestmark = pytest.mark.django_db

# One marker per kind of record: each must be found in the JSON and in the PDF's text.
MARK = {
    "guardian": "Vhguard41",
    "enrolment": "Skolenh42",
    "event": "Rattelse43",
    "school_report": "Rapport44",
    "early_signal": "Signal45",
    "contact": "Samtal46",
    "meeting": "Motesp47",
    "concern": "Socsvar48",
    "reply": "Svarat49",
    "letter": "Brevtit50",
    "mapping": "Intress51",
    "plan": "Planmal52",
    "measure": "Insmal53",
    "evaluation": "Utvard54",
    "journal": "Journal55",
    "confidential": "Hemlig56",
    "consent": "Samtyck57",
    "reader": "Lasare58",
}
PERIOD_FROM = datetime.date(2025, 2, 3)


@pytest.fixture
def full_record(youth, coach, municipality):
    """The youth with one record of every kind the installation holds."""
    now = timezone.now()
    today = timezone.localdate()
    Guardian.objects.create(youth=youth, position=1, name=MARK["guardian"], phone="0701234567")
    EnrolmentFactory(youth=youth, school_unit_name=MARK["enrolment"])
    RegisterPeriod.objects.create(youth=youth, municipality=municipality, in_target_group=True, reason="avbrott",
                                  valid_from=PERIOD_FROM)
    YouthEvent.objects.create(youth=youth, kind="register.correction",
                              data={"kind": "moved_in", "reason": MARK["event"]})
    SchoolReport.objects.create(municipality=municipality, youth=youth, personnummer=youth.personnummer,
                                school_unit_name=MARK["school_report"], leaving_date=today, reason="work")
    EarlySignal.objects.create(municipality=municipality, personnummer=youth.personnummer, given_name="A",
                               family_name="B", school_unit_name="Skolan", concern=MARK["early_signal"],
                               consent=True, consent_by="pupil")
    ContactAttempt.objects.create(youth=youth, channel="phone", at=now, by=coach, outcome="no_answer",
                                  note=MARK["contact"])
    FirstMeeting.objects.create(youth=youth, at=now, place="cafe", place_note=MARK["meeting"], booked_by=coach)
    ConcernReport.objects.create(youth=youth, sent_on=today, feedback=MARK["concern"], by=coach)
    YouthEvent.objects.create(youth=youth, kind=REPLY_EVENT, data={"code_id": 1, "kind": "contact",
                                                                    "message": MARK["reply"]})
    template = LetterTemplate.objects.create(municipality=municipality, code="letter_intro")
    version = LetterTemplateVersion.objects.create(template=template, number=1, title=MARK["letter"], body="Hej")
    Letter.objects.create(youth=youth, template_version=version, created_by=coach)
    services.occupation_record(youth=youth, user=coach, code="komvux", start=today)
    services.mapping_save(youth=youth, user=coach, held_on=today, interests=MARK["mapping"])
    services.plan_save(youth=youth, user=coach, goal=MARK["plan"])
    services.measure_add(youth=youth, user=coach, code="syv", start=today, goal=MARK["measure"])
    measure = Measure.objects.get(youth=youth)
    services.measure_evaluate(measure=measure, user=coach, kind=EvaluationKind.DURING, on=today,
                              happened="yes", how_it_went=MARK["evaluation"])
    services.journal_add(youth=youth, user=coach, text=MARK["journal"], kind="meeting")
    coach.memberships.update(may_see_confidential=True)
    services.journal_add(youth=youth, user=coach, text=MARK["confidential"], kind="network", confidential=True)
    services.consent_record(youth=youth, user=coach, partner="Arbetsförmedlingen", purpose=MARK["consent"],
                            valid_from=today)
    reader = staff(Role.COACH, municipality, username="lasaren")
    reader.first_name, reader.last_name = "Lisa", MARK["reader"]
    reader.save()
    audit_youth_view(user=reader, youth=youth)
    return youth


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _api(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user, name='test')[1]}"}


def test_the_json_holds_every_kind_of_record(client, coordinator, full_record):
    youth = full_record
    response = client.get(f"/api/v1/youths/{youth.pk}/extract", **_api(coordinator))
    assert response.status_code == 200, response.content
    data = response.json()
    text = json.dumps(data, ensure_ascii=False)
    missing = [kind for kind, marker in MARK.items() if marker not in text]
    assert not missing, missing
    assert data["personal_data"]["personnummer"] == youth.personnummer
    assert data["personal_data"]["family_name"] == "Exempel"
    assert any(p["valid_from"] == PERIOD_FROM.isoformat() and p["reason"] == "avbrott"
               for p in data["register_periods"])
    assert [o["code"] for o in data["occupations"]] == ["komvux"]
    assert [e["kind"] for e in data["events"]].count(REPLY_EVENT) == 1
    assert data["replies"][0]["answers"]["message"] == MARK["reply"]
    assert data["letters"][0]["template"] == "letter_intro" and data["letters"][0]["channel"] == "post"
    assert len(data["mappings"]) == 1 and data["action_plan"][0]["goal"] == MARK["plan"]
    assert data["evaluations"][0]["measure"] == data["measures"][0]["id"]
    # The confidential entry is there and marked as such; the plain one is not marked.
    journal = {e["text"]: e for e in data["journal"]}
    assert journal[MARK["confidential"]]["confidential"] is True
    assert journal[MARK["journal"]]["confidential"] is False
    assert data["consents"][0]["purpose"] == MARK["consent"]
    # Who has read the record: the reader's read, with date and name.
    reads = [a for a in data["audit"] if a["user"].endswith(MARK["reader"])]
    assert [r["action"] for r in reads] == [AuditAction.VIEW] and reads[0]["at"]


def test_the_pdf_in_swedish_holds_every_kind_of_record(client, coordinator, full_record):
    youth = full_record
    client.force_login(coordinator)
    response = client.get(reverse("casework:extract_pdf", args=[youth.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    missing = [kind for kind, marker in MARK.items() if marker not in text]
    assert not missing, missing
    assert youth.personnummer in text and PERIOD_FROM.isoformat() in text
    # Plain Swedish whatever the staff member's language, the confidential entry clearly marked.
    assert "Registerutdrag" in text or "registerutdrag" in text.lower()
    assert "SEKRETESS" in text.upper()
    assert "Komvux" in text  # the occupation by its name, not its code
    assert "Kontakta mig" in text  # the reply's choice in words


def test_the_json_download_from_the_youth_page(client, coordinator, full_record):
    client.force_login(coordinator)
    response = client.get(reverse("casework:extract_json", args=[full_record.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert MARK["confidential"] in json.dumps(data, ensure_ascii=False)


def test_producing_the_extract_is_audited_as_an_export(client, coordinator, youth):
    client.force_login(coordinator)
    client.get(reverse("casework:extract_pdf", args=[youth.pk]))
    client.get(f"/api/v1/youths/{youth.pk}/extract", **_api(coordinator))
    entries = list(AuditEntry.objects.filter(youth_id=youth.pk, object_type="extract").order_by("pk"))
    assert [(e.action, e.user_id, e.municipality_id, e.channel, e.detail) for e in entries] == [
        (AuditAction.EXPORT, coordinator.pk, youth.municipality_id, "ui", "pdf"),
        (AuditAction.EXPORT, coordinator.pk, youth.municipality_id, "api", "json"),
    ]
    # One entry per request: no read entry besides the export.
    assert AuditEntry.objects.filter(youth_id=youth.pk).count() == 2


def test_the_youth_page_offers_the_extract_to_the_coordinator_only(client, coordinator, coach, youth):
    url = reverse("register:youth_detail", args=[youth.pk])
    extract_url = reverse("casework:extract_pdf", args=[youth.pk])
    client.force_login(coordinator)
    assert extract_url in client.get(url).content.decode()
    client.force_login(coach)
    page = client.get(url)
    assert page.status_code == 200 and extract_url not in page.content.decode()


def test_a_coach_may_not_produce_it(client, coach, youth):
    client.force_login(coach)
    assert client.get(reverse("casework:extract_pdf", args=[youth.pk])).status_code == 403
    assert client.get(reverse("casework:extract_json", args=[youth.pk])).status_code == 403
    response = client.get(f"/api/v1/youths/{youth.pk}/extract", **_api(coach))
    assert response.status_code == 403 and response.json()["errors"] == []
    assert not AuditEntry.objects.filter(youth_id=youth.pk).exists()


def test_outside_the_scope_it_does_not_exist(client, elsewhere_coordinator, youth):
    client.force_login(elsewhere_coordinator)
    assert client.get(reverse("casework:extract_pdf", args=[youth.pk])).status_code == 404
    assert client.get(f"/api/v1/youths/{youth.pk}/extract", **_api(elsewhere_coordinator)).status_code == 404
    assert client.get("/api/v1/youths/999999999/extract", **_api(elsewhere_coordinator)).status_code == 404
    assert not AuditEntry.objects.filter(youth_id=youth.pk).exists()


def test_a_protected_identity_needs_the_grant(client, coordinator, municipality):
    protected = YouthFactory(municipality=municipality, protection=Protection.choices[-1][0])
    client.force_login(coordinator)
    assert client.get(reverse("casework:extract_pdf", args=[protected.pk])).status_code == 404
    assert client.get(f"/api/v1/youths/{protected.pk}/extract", **_api(coordinator)).status_code == 404
    granted = staff(Role.COORDINATOR, municipality, may_see_protected=True, username="samordnare-skydd")
    response = client.get(f"/api/v1/youths/{protected.pk}/extract", **_api(granted))
    assert response.status_code == 200
    assert response.json()["personal_data"]["personnummer"] == protected.personnummer


def test_the_queries_are_bounded(coordinator, full_record, municipality, coach, django_assert_max_num_queries):
    """The builder's query count does not grow with the size of the record."""
    with django_assert_max_num_queries(40) as small:
        extract_build(youth=full_record, user=coordinator)
    today = timezone.localdate()
    for i in range(15):
        ContactAttempt.objects.create(youth=full_record, channel="phone", at=timezone.now(), by=coach,
                                      outcome="no_answer", note=f"n{i}")
        services.journal_add(youth=full_record, user=coach, text=f"Anteckning {i}")
        services.measure_add(youth=full_record, user=coach, code="syv", start=today, goal=f"m{i}")
        audit_youth_view(user=staff(Role.COACH, municipality, username=f"l{i}"), youth=full_record)
    with django_assert_max_num_queries(len(small.captured_queries)):
        extract = extract_build(youth=full_record, user=coordinator)
    assert len(next(s for s in extract.sections if s.key == "journal").rows) == 17
