"""Case-work writes: each writes the record, appends the youth's event and the audit log."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kaa.audit.models import AuditEntry
from kaa.casework import selectors, services
from kaa.casework.codes import CodeTable, ensure_default_codes
from kaa.casework.models import (
    ActionPlan,
    Activity,
    Case,
    Closing,
    Code,
    CodeKind,
    Consent,
    Evaluation,
    JournalEntry,
    Mapping,
    Measure,
    PlanRevision,
)
from kaa.register.models import YouthEvent

from .conftest import days

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def events(youth, kind):
    return list(YouthEvent.objects.filter(youth=youth, kind=kind).order_by("pk"))


def audited(object_type):
    return list(AuditEntry.objects.filter(object_type=object_type).order_by("pk"))


# --- The code table ------------------------------------------------------------------------------

def test_the_code_table_holds_the_defaults_of_domain_section_10():
    table = CodeTable.load()
    assert table.codes(CodeKind.OCCUPATION) == [
        "nationellt_program", "introduktionsprogram", "komvux", "folkhogskola", "annan_utbildning", "arbete",
        "praktik", "arbetsmarknadsprogram", "annat", "ingen", "okand"]
    assert table.codes(CodeKind.MEASURE) == ["studier", "syv", "enstaka_samtal", "regelbundna_samtal", "praktik",
                                             "annan_atgard"]
    assert set(table.codes(CodeKind.END_REASON)) == {"genomford", "avbruten_ungdom", "avbruten_anordnare",
                                                     "ny_sysselsattning", "flyttat", "annat"}
    assert {"flyttat_inom_regionen", "avbojt", "fyllt_20", "paborjat_utbildning"} <= set(
        table.codes(CodeKind.CLOSING))
    # De-registration from the register's out-reasons.
    for reason, code in [("nationellt_program", "paborjat_utbildning"), ("motsvarande_utbildning",
                                                                          "paborjat_utbildning"),
                         ("utvandrad", "ej_folkbokford"), ("fyllt_20", "fyllt_20"), ("examen", "examen"),
                         ("skolplikt_ej_fullgjord", "ovrigt")]:
        assert table.from_register_reason(CodeKind.DEREGISTRATION, reason) == code
    assert table.label(CodeKind.OCCUPATION, "komvux") == "Municipal adult education (komvux)"


def test_a_code_no_longer_valid_is_not_offered_but_keeps_its_label():
    Code.objects.filter(kind=CodeKind.MEASURE, code="syv").update(valid_to=today() - days(1))
    table = CodeTable.load()
    assert "syv" not in table.codes(CodeKind.MEASURE)
    assert ("syv", table.label(CodeKind.MEASURE, "syv")) in table.choices(CodeKind.MEASURE, keep="syv")


def test_ensure_default_codes_fills_only_what_is_missing():
    Code.objects.filter(kind=CodeKind.OCCUPATION, code="arbete").update(label_sv="Förvärvsarbete")
    Code.objects.filter(kind=CodeKind.MEASURE).delete()
    assert ensure_default_codes() == 6
    assert ensure_default_codes() == 0
    assert Code.objects.get(kind=CodeKind.OCCUPATION, code="arbete").label_sv == "Förvärvsarbete"


# --- Occupation ----------------------------------------------------------------------------------

def test_occupation_history_and_the_occupation_on_any_date(youth, coach):
    services.occupation_record(youth=youth, user=coach, code="ingen", start=today() - days(40))
    services.occupation_record(youth=youth, user=coach, code="praktik", start=today() - days(10))
    spans = selectors.occupation_history(youth=youth)
    assert [(s.code, s.start, s.to) for s in spans] == [
        ("ingen", today() - days(40), today() - days(10)), ("praktik", today() - days(10), None)]
    assert selectors.occupation_on(youth=youth, day=today() - days(41)) is None
    assert selectors.occupation_on(youth=youth, day=today() - days(11)) == "ingen"
    assert selectors.occupation_on(youth=youth, day=today()) == "praktik"
    assert [e.data["code"] for e in events(youth, "casework.occupation")] == ["ingen", "praktik"]
    assert len(audited("occupation")) == 2 and Case.objects.get(youth=youth).status == "open"


def test_a_second_occupation_the_same_day_corrects_it(youth, coach):
    services.occupation_record(youth=youth, user=coach, code="arbete")
    services.occupation_record(youth=youth, user=coach, code="komvux")
    assert [s.code for s in selectors.occupation_history(youth=youth)] == ["komvux"]
    assert events(youth, "casework.occupation")[-1].data["corrected"] is True


def test_occupation_refuses_unknown_codes_and_future_dates(youth, coach):
    with pytest.raises(ValidationError) as exc:
        services.occupation_record(youth=youth, user=coach, code="astronaut", start=today() + days(1))
    assert set(exc.value.message_dict) == {"code", "from"}
    assert not Case.objects.exists() and not YouthEvent.objects.filter(kind="casework.occupation").exists()


# --- Mapping -------------------------------------------------------------------------------------

def test_mapping_versions_are_kept_and_the_changes_shown(youth, coach):
    first = services.mapping_save(youth=youth, user=coach, held_on=today() - days(5), interests="Musik",
                                  wishes="Bli elektriker", place="Biblioteket")
    second = services.mapping_save(youth=youth, user=coach, held_on=today(), interests="Musik, bilar",
                                   wishes="Bli elektriker", place="Biblioteket", obstacles="Inget busskort")
    assert (first.version, second.version) == (1, 2)
    versions = selectors.mapping_versions(youth=youth)
    assert [v.version for v, _changes in versions] == [2, 1]
    changes = {c.name: (c.before, c.after) for c in versions[0][1]}
    assert changes == {"interests": ("Musik", "Musik, bilar"), "obstacles": ("", "Inget busskort")}
    assert events(youth, "casework.mapping")[-1].data == {"mapping_id": second.pk, "version": 2,
                                                          "changed": ["interests", "obstacles"]}
    first.refresh_from_db()
    assert first.interests == "Musik"
    with pytest.raises(RuntimeError):
        first.save()


def test_an_unchanged_mapping_is_not_a_new_version(youth, coach):
    services.mapping_save(youth=youth, user=coach, held_on=today(), interests="Musik")
    with pytest.raises(ValidationError):
        services.mapping_save(youth=youth, user=coach, held_on=today(), interests="Musik")
    assert Mapping.objects.count() == 1


# --- Plan and measures ---------------------------------------------------------------------------

def test_plan_revisions_keep_the_history(youth, coach):
    plan = services.plan_save(youth=youth, user=coach, goal="Börja på komvux i höst")
    assert plan.revision == 1 and plan.review_on is not None
    measure = services.measure_add(youth=youth, user=coach, code="syv", start=today(), goal="Välja kurser",
                                   place="Vägledningscentrum")
    services.measure_update(measure=measure, user=coach, end=today() + days(30))
    services.plan_save(youth=youth, user=coach, goal="Börja på komvux i vår")
    plan.refresh_from_db()
    revisions = list(PlanRevision.objects.filter(plan=plan).order_by("number"))
    assert [r.change for r in revisions] == ["created", "measure_added", "measure_changed", "goal"]
    assert revisions[0].goal == "Börja på komvux i höst" and revisions[-1].goal == "Börja på komvux i vår"
    assert revisions[1].measures[0]["end"] is None
    assert revisions[2].measures[0]["end"] == (today() + days(30)).isoformat()
    assert plan.revision == 4
    kinds = [e.kind for e in YouthEvent.objects.filter(youth=youth, kind__startswith="casework.plan")]
    assert kinds == ["casework.plan_created"] + ["casework.plan_revised"] * 3


def test_a_measure_creates_the_plan_and_records_everything_of_the_ordinance(youth, coach):
    measure = services.measure_add(
        youth=youth, user=coach, code="praktik", start=today(), end=today() + days(60), responsible="other",
        responsible_other="Arbetsförmedlingen", goal="Prova på lagerarbete", place="Lagret AB",
        follow_up_on=today() + days(14), evaluate_on=today() + days(45))
    assert ActionPlan.objects.get(youth=youth).revision == 2  # created, then the measure
    assert (measure.responsible, measure.responsible_other) == ("other", "Arbetsförmedlingen")
    assert audited("measure")[0].fields == sorted(
        ["code", "start", "end", "responsible", "responsible_other", "goal", "place", "follow_up_on",
         "evaluate_on", "declined"])


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"code": "annan_atgard"}, "other_which"),
    ({"responsible": "other"}, "responsible_other"),
    ({"code": "nope"}, "code"),
    ({"end": datetime.date(2000, 1, 1)}, "end"),
    ({"responsible": "somebody"}, "responsible"),
])
def test_measure_validation_names_the_field(youth, coach, kwargs, field):
    values = {"code": "syv", "start": today(), **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.measure_add(youth=youth, user=coach, **values)
    assert field in exc.value.message_dict
    assert not Measure.objects.exists() and not ActionPlan.objects.exists()


def test_a_declined_measure_is_kept_as_declined(youth, coach):
    measure = services.measure_add(youth=youth, user=coach, code="praktik", start=today(), declined=True)
    assert measure.declined and not measure.is_ongoing(today())
    assert PlanRevision.objects.order_by("-number").first().change == "measure_declined"


def test_ending_a_measure_with_a_reason(youth, coach):
    measure = services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(20))
    services.measure_update(measure=measure, user=coach, end_reason="avbruten_ungdom")
    measure.refresh_from_db()
    assert measure.end == today() and measure.end_reason == "avbruten_ungdom"
    assert PlanRevision.objects.order_by("-number").first().change == "measure_ended"
    with pytest.raises(ValidationError) as exc:
        services.measure_update(measure=measure, user=coach, end_reason="bad")
    assert "end_reason" in exc.value.message_dict


def test_activity_fills_the_measure_and_a_full_one_gives_a_waiting_list(youth, coach, municipality):
    from tests.factories import YouthFactory

    activity = Activity.objects.create(municipality=municipality, title="Steg1", measure_code="regelbundna_samtal",
                                       provider="Arbetsmarknadsenheten", capacity=1)
    first = services.measure_add(youth=youth, user=coach, start=today(), activity=activity)
    assert (first.code, first.place, first.waiting) == ("regelbundna_samtal", "Steg1", False)
    other = YouthFactory(municipality=municipality, coach=coach)
    second = services.measure_add(youth=other, user=coach, start=today(), activity=activity)
    assert second.waiting and not second.is_ongoing(today())
    with pytest.raises(ValidationError):
        services.measure_give_place(measure=second, user=coach)
    services.measure_update(measure=first, user=coach, end_reason="genomford")  # the place is free again
    services.measure_give_place(measure=second, user=coach)
    second.refresh_from_db()
    assert not second.waiting


def test_evaluation_during_and_after(youth, coach):
    measure = services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(30))
    during = services.measure_evaluate(measure=measure, user=coach, happened="yes", how_it_went="Bra",
                                       youth_view="Roligt", next_step="Fortsätt")
    assert during.kind == "during"
    services.measure_update(measure=measure, user=coach, end_reason="genomford")
    Measure.objects.filter(pk=measure.pk).update(end=today() - days(1))
    measure.refresh_from_db()
    after = services.measure_evaluate(measure=measure, user=coach, happened="yes", how_it_went="Klar")
    assert after.kind == "after"
    assert [e.data["kind"] for e in events(youth, "casework.evaluation")] == ["during", "after"]
    with pytest.raises(ValidationError):
        services.measure_evaluate(measure=measure, user=coach)
    assert Evaluation.objects.count() == 2


# --- Journal -------------------------------------------------------------------------------------

def test_journal_is_append_only_and_a_correction_points_at_the_corrected_entry(youth, coach):
    entry = services.journal_add(youth=youth, user=coach, text="Träffades på biblioteket.", kind="meeting")
    fix = services.journal_add(youth=youth, user=coach, text="Träffades på fritidsgården.", corrects=entry)
    assert fix.corrects == entry and JournalEntry.objects.count() == 2
    entry.text = "ändrad"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        JournalEntry.objects.filter(pk=entry.pk).update(text="ändrad")
    with pytest.raises(RuntimeError):
        entry.delete()
    assert JournalEntry.objects.get(pk=entry.pk).text == "Träffades på biblioteket."
    event = events(youth, "casework.journal")[-1]
    assert event.data == {"entry_id": fix.pk, "kind": "note", "corrects": entry.pk}
    # Free text never reaches the event or the audit log.
    assert "fritidsgården" not in str(event.data) and all("fritids" not in a.detail for a in AuditEntry.objects.all())


def test_journal_text_with_a_personnummer_needs_a_confirmation(youth, coach):
    with pytest.raises(ValidationError) as exc:
        services.journal_add(youth=youth, user=coach, text="Mammans nummer 19750101-1234 ringde.")
    assert "personal identity number" in exc.value.message_dict["text"][0]
    assert not JournalEntry.objects.exists()
    services.journal_add(youth=youth, user=coach, text="Ordernummer 20240101-0001", allow_personnummer=True)
    assert JournalEntry.objects.count() == 1


def test_a_correction_of_a_confidential_entry_is_confidential(youth, coach):
    entry = services.journal_add(youth=youth, user=coach, text="Kontakt med BUP.", confidential=True)
    fix = services.journal_add(youth=youth, user=coach, text="Kontakt med vårdcentralen.", corrects=entry)
    assert fix.confidential


# --- Consent -------------------------------------------------------------------------------------

def test_consent_given_withdrawn_and_checked(youth, coach):
    consent = services.consent_record(youth=youth, user=coach, partner="Arbetsförmedlingen",
                                      purpose="Planera praktik", valid_from=today() - days(3))
    assert selectors.consent_valid(youth=youth, partner="arbetsförmedlingen") == consent
    assert selectors.consent_valid(youth=youth, partner="Försäkringskassan") is None
    services.consent_withdraw(consent=consent, user=coach)
    assert selectors.consent_valid(youth=youth, partner="Arbetsförmedlingen") is None
    assert selectors.consent_valid(youth=youth, partner="Arbetsförmedlingen", on=today() - days(1)) == consent
    assert [e.kind for e in YouthEvent.objects.filter(youth=youth, kind__startswith="casework.consent")] == [
        "casework.consent", "casework.consent_withdrawn"]


def test_a_guardian_consents_only_for_a_youth_under_18(youth, coach):
    adult_day = youth.birth_date.replace(year=youth.birth_date.year + 18)
    with pytest.raises(ValidationError) as exc:
        services.consent_record(youth=youth, user=coach, partner="Socialtjänsten", purpose="Samordning",
                                valid_from=adult_day, given_by="guardian")
    assert "given_by" in exc.value.message_dict
    minor_day = adult_day - days(40)
    consent = services.consent_record(youth=youth, user=coach, partner="Socialtjänsten", purpose="Samordning",
                                      valid_from=minor_day, given_by="guardian")
    assert consent.given_by == "guardian" and Consent.objects.count() == 1


# --- Closing -------------------------------------------------------------------------------------

def test_close_and_reopen_are_recorded_with_date_and_who(youth, coach, coordinator):
    services.journal_add(youth=youth, user=coach, text="Första mötet.", kind="meeting")
    case = services.case_close(youth=youth, user=coach, reason="paborjat_utbildning")
    assert case.status == "closed"
    closing = Closing.objects.get(youth=youth)
    assert (closing.reason, closing.closed_on, closing.by) == ("paborjat_utbildning", today(), coach)
    with pytest.raises(ValidationError):
        services.case_close(youth=youth, user=coach, reason="examen")
    services.case_reopen(youth=youth, user=coordinator)
    closing.refresh_from_db()
    assert (closing.reopened_on, closing.reopened_by) == (today(), coordinator)
    assert Case.objects.get(youth=youth).status == "open"
    assert [e.kind for e in YouthEvent.objects.filter(youth=youth, kind__in=["casework.closed",
                                                                              "casework.reopened"])] == [
        "casework.closed", "casework.reopened"]


def test_a_youth_who_declined_stays_open_with_a_recontact_date(youth, coach):
    case = services.case_close(youth=youth, user=coach, reason="avbojt")
    assert case.status == "declined" and case.recontact_on is not None
    assert case.recontact_on > today() and not Closing.objects.exists()
    youth.in_target_group = False
    case2 = services.case_close(youth=youth, user=coach, reason="avbojt")
    assert case2.status == "closed"


# --- Who may write -------------------------------------------------------------------------------

def test_study_counsellor_writes_journal_and_own_measures_only(youth, coach, counsellor):
    services.journal_add(youth=youth, user=counsellor, text="Vägledningssamtal.", kind="meeting")
    own = services.measure_add(youth=youth, user=counsellor, code="syv", start=today())
    assert own.responsible_staff == counsellor
    services.measure_update(measure=own, user=counsellor, end=today() + days(10))
    coach_measure = services.measure_add(youth=youth, user=coach, code="praktik", start=today())
    for write in (
        lambda: services.measure_update(measure=coach_measure, user=counsellor, end=today()),
        lambda: services.occupation_record(youth=youth, user=counsellor, code="arbete"),
        lambda: services.plan_save(youth=youth, user=counsellor, goal="x"),
        lambda: services.case_close(youth=youth, user=counsellor, reason="examen"),
        lambda: services.consent_record(youth=youth, user=counsellor, partner="AF", purpose="x",
                                        valid_from=today()),
        lambda: services.measure_add(youth=youth, user=counsellor, code="syv", start=today(),
                                     responsible_staff=coach),
    ):
        with pytest.raises(PermissionDenied):
            write()


def test_nobody_outside_the_case_writes(youth, other_team_coach, elsewhere_coordinator, head):
    for user in (other_team_coach, elsewhere_coordinator, head):
        with pytest.raises(PermissionDenied):
            services.journal_add(youth=youth, user=user, text="x")
