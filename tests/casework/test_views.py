"""The case-work pages: the youth page's case sections, the acts' forms, the plan PDF, the activity bank."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.casework import services
from kaa.casework.models import Activity, Case, Closing, Consent, JournalEntry, Mapping, Measure, Occupation
from kaa.register.models import YouthEvent

from .conftest import days

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def page(client, youth):
    response = client.get(reverse("register:youth_detail", args=[youth.pk]))
    assert response.status_code == 200
    return response.content.decode()


def url(name, youth, **kwargs):
    return reverse(f"casework:{name}", kwargs={"pk": youth.pk, **kwargs})


def test_youth_page_shows_the_case_summary_and_sections(client, youth, coach):
    services.occupation_record(youth=youth, user=coach, code="praktik", start=today() - days(3))
    services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(3), end=today() + days(2),
                         place="Lagret AB")
    services.journal_add(youth=youth, user=coach, text="Bra möte om praktiken.", kind="meeting")
    client.force_login(coach)
    html = page(client, youth)
    for testid in ("case-summary", "case-mapping", "case-plan", "case-journal", "case-consents"):
        assert f'data-testid="{testid}"' in html
    assert "Work practice" in html and "Lagret AB" in html and "Bra möte om praktiken." in html
    assert "The measure ends this week" in html  # the next due item
    assert html.index('data-testid="case-summary"') < html.index('data-testid="case-plan"')


def test_record_occupation_in_one_click_from_the_summary(client, youth, coach):
    from kaa.audit.models import AuditEntry

    client.force_login(coach)
    assert client.get(url("occupation_new", youth)).status_code == 200
    assert AuditEntry.objects.filter(action="view", youth_id=youth.pk, detail="casework:occupation_new").exists()
    response = client.post(url("occupation_new", youth), {"code": "komvux", "start": today().isoformat()})
    assert response.status_code == 302 and response["Location"].endswith("#case-summary")
    assert Occupation.objects.get(youth=youth).code == "komvux"
    assert "Municipal adult education (komvux)" in page(client, youth)


def test_mapping_form_saves_versions_and_the_page_shows_the_change(client, youth, coach):
    client.force_login(coach)
    form = {"held_on": today().isoformat(), "place": "Biblioteket", "interests": "Musik"}
    assert client.post(url("mapping_edit", youth), form).status_code == 302
    assert client.post(url("mapping_edit", youth), {**form, "interests": "Musik och bilar"}).status_code == 302
    assert Mapping.objects.filter(youth=youth).count() == 2
    html = page(client, youth)
    assert 'data-testid="mapping-changes"' in html and "<del>Musik</del>" in html
    history = client.get(url("mapping_history", youth))
    assert history.status_code == 200 and "Version 2" in history.content.decode()


def test_add_a_measure_from_the_bank(client, youth, coach, municipality):
    activity = Activity.objects.create(municipality=municipality, title="Coffee 'n coaching",
                                       measure_code="regelbundna_samtal", provider="Fritidsgården")
    client.force_login(coach)
    form = client.get(url("measure_new", youth) + f"?activity={activity.pk}")
    assert form.status_code == 200 and "Coffee" in form.content.decode()
    response = client.post(url("measure_new", youth), {"activity": activity.pk, "code": "",
                                                        "start": today().isoformat(), "responsible": "municipality"})
    assert response.status_code == 302
    measure = Measure.objects.get(youth=youth)
    assert (measure.code, measure.activity, measure.place) == ("regelbundna_samtal", activity, "Coffee 'n coaching")


def test_measure_form_errors_name_the_field(client, youth, coach):
    client.force_login(coach)
    response = client.post(url("measure_new", youth), {"code": "annan_atgard", "start": today().isoformat(),
                                                        "responsible": "other"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"other_which", "responsible_other"}
    assert not Measure.objects.exists()


def test_change_end_and_evaluate_a_measure(client, youth, coach):
    measure = services.measure_add(youth=youth, user=coach, code="syv", start=today() - days(10))
    client.force_login(coach)
    edit = {"code": "syv", "start": (today() - days(10)).isoformat(), "end": today().isoformat(),
            "responsible": "municipality", "end_reason": "genomford"}
    assert client.post(url("measure_edit", youth, measure_pk=measure.pk), edit).status_code == 302
    measure.refresh_from_db()
    assert measure.end_reason == "genomford"
    evaluation = {"kind": "after", "on": today().isoformat(), "happened": "yes", "how_it_went": "Bra",
                  "youth_view": "Lärorikt", "next_step": "Söka komvux"}
    assert client.post(url("measure_evaluate", youth, measure_pk=measure.pk), evaluation).status_code == 302
    assert measure.evaluations.get().youth_view == "Lärorikt"


def test_journal_template_and_personnummer_warning(client, youth, coach):
    client.force_login(coach)
    form = client.get(url("journal_new", youth) + "?kind=meeting").content.decode()
    assert "What we agreed:" in form and "journal.js" in form
    data = {"kind": "phone", "occurred_on": today().isoformat(), "text": "Ring 19990101-1234 imorgon."}
    warned = client.post(url("journal_new", youth), data)
    assert warned.status_code == 200 and 'data-testid="pnr-warning"' in warned.content.decode()
    assert not JournalEntry.objects.exists()
    saved = client.post(url("journal_new", youth), {**data, "confirm_no_personnummer": "on"})
    assert saved.status_code == 302 and JournalEntry.objects.count() == 1


def test_journal_correction_keeps_the_original(client, youth, coach):
    entry = services.journal_add(youth=youth, user=coach, text="Fel dag.", kind="meeting")
    client.force_login(coach)
    response = client.post(url("journal_correct", youth, entry_pk=entry.pk), {
        "kind": "meeting", "occurred_on": today().isoformat(), "text": "Rätt dag."})
    assert response.status_code == 302
    fix = JournalEntry.objects.exclude(pk=entry.pk).get()
    assert fix.corrects == entry
    html = page(client, youth)
    assert "Fel dag." in html and "Rätt dag." in html and "Corrected by a later entry" in html


def test_consent_recorded_and_withdrawn(client, youth, coach):
    client.force_login(coach)
    response = client.post(url("consent_new", youth), {
        "partner": "Försäkringskassan", "purpose": "Aktivitetsersättning", "valid_from": today().isoformat(),
        "given_by": "youth"})
    assert response.status_code == 302
    consent = Consent.objects.get(youth=youth)
    assert client.post(url("consent_withdraw", youth, consent_pk=consent.pk)).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == today()


def test_closing_proposal_confirmed_then_reopened(client, youth, coach):
    services.journal_add(youth=youth, user=coach, text="Möte.", kind="meeting")
    youth.in_target_group = False
    youth.save(update_fields=["in_target_group"])
    YouthEvent.objects.create(youth=youth, kind="register.left", data={"reason": "nationellt_program"},
                              occurred_at=timezone.now() - days(2))
    client.force_login(coach)
    assert 'data-testid="closing-proposal"' in page(client, youth)
    form = client.get(url("case_close", youth))
    assert form.context["form"].initial["reason"] == "paborjat_utbildning"
    response = client.post(url("case_close", youth), {"reason": "paborjat_utbildning", "on": today().isoformat()})
    assert response.status_code == 302
    closing = Closing.objects.get(youth=youth)
    assert closing.from_proposal and closing.register_reason == "nationellt_program"
    html = page(client, youth)
    assert 'data-testid="closing-proposal"' not in html and "Reopen the case" in html
    assert client.post(url("case_reopen", youth)).status_code == 302
    assert Case.objects.get(youth=youth).status == "open"


def test_declined_case_stays_open_with_a_recontact_date(client, youth, coach):
    client.force_login(coach)
    recontact = today() + days(90)
    client.post(url("case_close", youth), {"reason": "avbojt", "on": today().isoformat(),
                                           "recontact_on": recontact.isoformat()})
    case = Case.objects.get(youth=youth)
    assert (case.status, case.recontact_on) == ("declined", recontact)
    assert "Declined support" in page(client, youth)


def test_plan_pdf_is_plain_swedish(client, youth, coach):
    from pypdf import PdfReader

    client.force_login(coach)
    before = client.get(url("plan_pdf", youth))  # before a plan exists it says so
    assert "Vi har inte bestämt några insatser än" in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(before.content)).pages)

    services.plan_save(youth=youth, user=coach, goal="Börja på Komvux i augusti")
    services.measure_add(youth=youth, user=coach, code="praktik", start=today(), place="Bageriet",
                         responsible="other", responsible_other="Arbetsförmedlingen")
    services.measure_add(youth=youth, user=coach, code="syv", start=today(), declined=True, place="Nejtack")
    services.journal_add(youth=youth, user=coach, text="Hemligt om hälsan.", confidential=True)
    client.force_login(coach)
    response = client.get(url("plan_pdf", youth))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Min handlingsplan", "Mitt mål", "Börja på Komvux i augusti", "Praktik", "Bageriet",
                     "Arbetsförmedlingen", "underskrift"):
        assert expected in text
    assert "Nejtack" not in text and "Hemligt" not in text
    from kaa.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="view", youth_id=youth.pk, detail="plan_pdf").exists()


def test_study_counsellor_sees_the_case_but_writes_only_journal_and_own_measures(client, youth, coach, counsellor):
    client.force_login(counsellor)
    html = page(client, youth)
    assert 'data-testid="case-summary"' in html and 'data-testid="occupation-quick"' not in html
    assert client.get(url("occupation_new", youth)).status_code == 403
    assert client.get(url("mapping_edit", youth)).status_code == 403
    assert client.get(url("journal_new", youth)).status_code == 200
    assert client.get(url("measure_new", youth)).status_code == 200
    coach_measure = services.measure_add(youth=youth, user=coach, code="praktik", start=today())
    assert client.get(url("measure_edit", youth, measure_pk=coach_measure.pk)).status_code == 403


def test_every_case_page_is_404_for_a_coach_of_another_team_and_another_municipality(
        client, youth, coach, other_team_coach, elsewhere_coordinator):
    measure = services.measure_add(youth=youth, user=coach, code="praktik", start=today())
    entry = services.journal_add(youth=youth, user=coach, text="x")
    consent = services.consent_record(youth=youth, user=coach, partner="AF", purpose="x", valid_from=today())
    services.plan_save(youth=youth, user=coach, goal="x")
    gets = [url(n, youth) for n in ("occupation_new", "mapping_edit", "mapping_history", "plan_edit",
                                     "plan_history", "plan_pdf", "measure_new", "journal_list", "journal_new",
                                     "consent_new", "case_close")]
    gets += [url("measure_edit", youth, measure_pk=measure.pk), url("measure_evaluate", youth, measure_pk=measure.pk),
             url("journal_correct", youth, entry_pk=entry.pk)]
    posts = [url("plan_accept", youth), url("case_reopen", youth), url("consent_withdraw", youth,
                                                                       consent_pk=consent.pk),
             url("measure_give_place", youth, measure_pk=measure.pk)]
    for user in (other_team_coach, elsewhere_coordinator):
        client.force_login(user)
        for address in gets:
            assert client.get(address).status_code == 404, address
        for address in posts:
            assert client.post(address, {"how": "screen"}).status_code == 404, address
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_activity_bank_pages(client, youth, coach, coordinator, municipality):
    client.force_login(coordinator)
    response = client.post(reverse("casework:activity_new"), {
        "municipality": municipality.pk, "title": "Körkortsteori", "measure_code": "studier", "capacity": "1",
        "places_taken_other": "0", "active": "on", "description": "Teori i grupp"})
    assert response.status_code == 302
    activity = Activity.objects.get()
    services.measure_add(youth=youth, user=coach, start=today(), activity=activity)
    from tests.factories import YouthFactory

    other = YouthFactory(municipality=municipality, coach=coach, given_name="Väntande", family_name="Person")
    services.measure_add(youth=other, user=coach, start=today(), activity=activity)
    listing = client.get(reverse("casework:activity_list")).content.decode()
    assert "Körkortsteori" in listing and "1 of 1" in listing and "Full" in listing and "1 waiting" in listing
    detail = client.get(reverse("casework:activity_detail", args=[activity.pk])).content.decode()
    assert 'data-testid="waiting-list"' in detail and "Väntande Person" in detail
    # A coach reads the bank but does not keep it.
    client.force_login(coach)
    assert client.get(reverse("casework:activity_list")).status_code == 200
    assert client.get(reverse("casework:activity_new")).status_code == 403
    assert "Väntande" not in client.get(reverse("casework:activity_detail", args=[activity.pk])).content.decode()


def test_start_page_shows_the_coachs_due_items(client, youth, coach):
    services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(10), end=today() + days(1))
    client.force_login(coach)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="dash-casework"' in html and "The measure ends this week" in html and "Exempel" in html


def test_the_worklist_grows_with_the_cases_due_items_and_the_list_is_audited(client, youth, coach):
    from kaa.audit.models import AuditEntry

    services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(10), end=today() + days(1))
    client.force_login(coach)
    before = AuditEntry.objects.filter(user_id=coach.pk, action="list", youth_id=youth.pk).count()
    html = client.get(reverse("outreach:worklist")).content.decode()
    assert 'data-testid="dash-casework"' in html and "The measure ends this week" in html and "Exempel" in html
    assert AuditEntry.objects.filter(user_id=coach.pk, action="list", youth_id=youth.pk).count() > before


def test_head_sees_aggregates_only(client, youth, coach, head):
    services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(10))
    client.force_login(head)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="dash-case-figures"' in html and "Exempel" not in html
    assert client.get(reverse("register:youth_detail", args=[youth.pk])).status_code == 403
    assert client.get(url("journal_list", youth)).status_code == 403


def test_youth_page_query_count_is_bounded(client, youth, coach, django_assert_max_num_queries):
    """500 events, 50 journal entries and 20 measures: a fixed number of queries."""
    now = timezone.now()
    YouthEvent.objects.bulk_create([
        YouthEvent(youth=youth, kind="outreach.contact", occurred_at=now - datetime.timedelta(hours=i),
                   data={"channel": "phone", "outcome": "no_answer"}) for i in range(500)])
    for i in range(20):
        services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(40 - i),
                             end=today() + days(i), follow_up_on=today() - days(1), evaluate_on=today() + days(2))
    for i in range(50):
        services.journal_add(youth=youth, user=coach, text=f"Anteckning {i}", kind="phone",
                             occurred_on=today() - days(i), confidential=i % 10 == 0)
    for measure in Measure.objects.filter(youth=youth)[:5]:
        services.measure_evaluate(measure=measure, user=coach, how_it_went="ok")
    client.force_login(coach)
    client.get(reverse("register:youth_detail", args=[youth.pk]))  # warm caches (content types, sessions)
    # 31 on SQLite (3 of them the session's save): the case sections read plan, measures and evaluations
    # once, the journal's total comes with its page, the register history reads 25 items, not 500.
    with django_assert_max_num_queries(31):
        html = page(client, youth)
    assert html.count('id="measure-') == 20 and "Anteckning 0" not in html  # confidential, no grant


def test_the_youth_page_is_the_case_summary_first(client, youth, coach):
    """The case's summary (status, coach, occupation, measures, next due item) stands under the name,
    above the register's own facts."""
    client.force_login(coach)
    html = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    assert html.index('data-testid="case-summary"') < html.index('data-testid="register-status"')
    assert html.count('data-testid="case-summary"') == 1
