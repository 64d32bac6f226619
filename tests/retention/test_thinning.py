"""Thinning by rule (issue 15, item 1): a run on a data set with open and closed cases removes exactly
what the rules say, nothing of an open case, writes every removed record's id to the audit log, and
removes nothing more when run again; the preview counts what the run removes."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kaa.audit.models import AuditEntry
from kaa.casework.models import (
    ActionPlan,
    Case,
    CaseStatus,
    Consent,
    Evaluation,
    JournalEntry,
    Mapping,
    Measure,
    Occupation,
    PlanRevision,
)
from kaa.imports.models import ImportRun
from kaa.messaging.models import Letter, LetterTemplateVersion, ReplyCode
from kaa.messaging.services import template_install_defaults
from kaa.outreach.models import ConcernReport, ContactAttempt, FirstMeeting
from kaa.register.models import Enrolment, Guardian, RegisterPeriod, YouthEvent
from kaa.retention import selectors
from kaa.retention.kinds import cutoff, due_on
from kaa.retention.models import DataKind, RetentionRule, RetentionRun
from kaa.retention.services import retention_audit_thin, retention_run, retention_run_all
from kaa.retention.tasks import retention_thin
from tests.factories import EnrolmentFactory, MunicipalityFactory, YouthFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)
LEFT = datetime.date(2022, 6, 30)

# The records a youth of the data set has, by kind; each kind's tables.
CASEWORK_MODELS = (JournalEntry, Mapping, ActionPlan, PlanRevision, Measure, Evaluation, Consent, Occupation)
OUTREACH_MODELS = (ContactAttempt, FirstMeeting, ConcernReport)
ALL_MODELS = (*CASEWORK_MODELS, *OUTREACH_MODELS, Guardian, Enrolment, RegisterPeriod, YouthEvent, Letter, ReplyCode)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _youth(
    municipality,
    *,
    left: datetime.date | None = LEFT,
    case: str | None = CaseStatus.CLOSED,
    closed_on: datetime.date = datetime.date(2022, 9, 1),
    birth=datetime.date(2004, 3, 1),
):
    """A youth with one record of every kind: in the target group until ``left`` (still in when None),
    a case with ``case`` status (none when None)."""
    youth = YouthFactory(
        municipality=municipality,
        birth_date=birth,
        phone="070-000 00 00",
        email="ung@example.org",
        in_target_group=left is None,
        register_since=left or datetime.date(2022, 1, 10),
    )
    RegisterPeriod.objects.create(
        youth=youth,
        municipality=municipality,
        in_target_group=True,
        reason="avbrott",
        valid_from=datetime.date(2022, 1, 10),
        valid_to=left,
    )
    if left:
        RegisterPeriod.objects.create(
            youth=youth, municipality=municipality, in_target_group=False, reason="fyllt_20", valid_from=left
        )
    YouthEvent.objects.create(youth=youth, kind="register.entered")
    Guardian.objects.create(youth=youth, name="Vårdnadshavare Exempel")
    EnrolmentFactory(youth=youth)
    ContactAttempt.objects.create(youth=youth, channel="phone", at=_at(datetime.date(2022, 2, 1)), outcome="reached")
    FirstMeeting.objects.create(youth=youth, at=_at(datetime.date(2022, 2, 3)), place="office")
    ConcernReport.objects.create(youth=youth, sent_on=datetime.date(2022, 2, 4))
    version = LetterTemplateVersion.objects.filter(template__municipality=municipality).first()
    code = ReplyCode.objects.create(youth=youth, code_hash=f"h{youth.pk}", expires_at=_at(datetime.date(2022, 3, 1)))
    Letter.objects.create(youth=youth, template_version=version, reply_code=code)
    if case:
        Case.objects.create(
            youth=youth,
            status=case,
            opened_on=datetime.date(2022, 2, 3),
            status_since=closed_on if case == CaseStatus.CLOSED else datetime.date(2022, 2, 3),
        )
    entry = JournalEntry.objects.create(youth=youth, occurred_on=datetime.date(2022, 2, 3), text="Samtal.")
    JournalEntry.objects.create(youth=youth, occurred_on=datetime.date(2022, 2, 4), text="Rättelse.", corrects=entry)
    Mapping.objects.create(youth=youth, version=1, held_on=datetime.date(2022, 2, 3))
    plan = ActionPlan.objects.create(youth=youth, goal="Studier")
    PlanRevision.objects.create(plan=plan, number=1, change="created")
    measure = Measure.objects.create(plan=plan, youth=youth, code="studier", start=datetime.date(2022, 3, 1))
    Evaluation.objects.create(measure=measure, kind="after", on=datetime.date(2022, 5, 1))
    Consent.objects.create(
        youth=youth,
        partner="Arbetsförmedlingen",
        purpose="Praktik",
        valid_from=datetime.date(2022, 2, 3),
        given_by="youth",
    )
    Occupation.objects.create(youth=youth, code="ingen", start=datetime.date(2022, 2, 3))
    return youth


def _counts(youth) -> dict[str, int]:
    paths = {Evaluation: "measure__youth", PlanRevision: "plan__youth"}
    return {m.__name__: m._base_manager.filter(**{paths.get(m, "youth"): youth}).count() for m in ALL_MODELS}


def _rule(municipality, kind, **values) -> RetentionRule:
    # A new municipality got the default rules, switched off (kaa.retention.apps).
    rule = RetentionRule.objects.get(municipality=municipality, kind=kind, enabled=False)
    for name, value in {"enabled": True, "decision": "KS 2025/17 §4", **values}.items():
        setattr(rule, name, value)
    rule.save()
    return rule


@pytest.fixture
def world(municipality):
    template_install_defaults(municipality=municipality)
    _rule(municipality, DataKind.CONTACT_DETAILS)  # at once, when the case is closed and the youth out
    _rule(municipality, DataKind.CASEWORK)  # 36 months from the end of the year the case was closed
    _rule(municipality, DataKind.OUTREACH, months=12, from_year_end=False)
    _rule(municipality, DataKind.LETTERS, enabled=False)  # previewed, not switched on
    # register facts and history: kept (the defaults)
    return {
        "due": _youth(municipality),  # closed 2022-09-01: everything switched on is due
        "recent": _youth(municipality, closed_on=datetime.date(2024, 3, 1)),  # contact details only
        "open": _youth(municipality, case=CaseStatus.OPEN),
        "declined": _youth(municipality, case=CaseStatus.DECLINED),
        "in_group": _youth(municipality, left=None, case=None),
        "no_case": _youth(municipality, case=None),  # counted from leaving the target group
    }


def test_a_run_removes_exactly_what_the_rules_say_and_nothing_of_an_open_case(municipality, world):
    before = {name: _counts(y) for name, y in world.items()}
    preview = {p.rule.kind: p for p in selectors.preview(municipality, TODAY)}

    run = retention_run(municipality=municipality, today=TODAY)

    after = {name: _counts(y) for name, y in world.items()}
    for name in ("open", "declined", "in_group"):
        assert after[name] == before[name], name
        world[name].refresh_from_db()
        assert world[name].phone and world[name].address, name
    gone_when_due = {m.__name__ for m in (*CASEWORK_MODELS, *OUTREACH_MODELS)} | {"Guardian"}
    for name in ("due", "no_case"):
        for model, n in after[name].items():
            assert n == (0 if model in gone_when_due else before[name][model]), (name, model)
        world[name].refresh_from_db()
        assert (world[name].address, world[name].phone, world[name].email, world[name].city) == ("", "", "", "")
    # Closed in 2024: its contact details are gone, its case work waits until 2028, its outreach too
    # (12 months after closing: 2025-03-01 ... the case closed later than the youth left).
    recent = after["recent"]
    assert recent["Guardian"] == 0 and all(recent[m.__name__] == 1 or m in (JournalEntry,) for m in CASEWORK_MODELS)
    assert recent["JournalEntry"] == 2 and recent["ContactAttempt"] == 0
    # The register's history, enrolments and letters are kept by their rules.
    assert all(after[n]["RegisterPeriod"] == before[n]["RegisterPeriod"] for n in world)
    assert all(after[n]["Letter"] == 1 and after[n]["Enrolment"] == 1 for n in world)
    # What the preview counted is what the run removed.
    assert run.removed == {kind: p.records for kind, p in preview.items() if p.records and p.rule.enabled}
    assert preview[DataKind.LETTERS].records == 4 and DataKind.LETTERS not in run.removed
    assert preview[DataKind.CASEWORK].youths == 2 and preview[DataKind.CONTACT_DETAILS].youths == 3


def test_every_removed_record_is_in_the_audit_log_with_its_id_and_the_run_with_counts(municipality, world):
    journal_ids = set(JournalEntry.objects.filter(youth=world["due"]).values_list("pk", flat=True))
    run = retention_run(municipality=municipality, today=TODAY)
    entries = AuditEntry.objects.filter(detail="thinning:casework", object_type="journal_entry")
    assert {int(e.object_id) for e in entries if e.youth_id == world["due"].pk} == journal_ids
    assert AuditEntry.objects.filter(detail__startswith="thinning:").count() == run.total
    cleared = AuditEntry.objects.filter(detail="thinning:contact_details", object_type="youth")
    assert {e.youth_id for e in cleared} == {world[n].pk for n in ("due", "recent", "no_case")}
    assert cleared.first().fields == ["address", "city", "email", "phone", "postal_code"]
    summary = AuditEntry.objects.get(object_type="retention_run", object_id=str(run.pk))
    assert summary.municipality_id == municipality.pk
    assert f"casework={run.removed['casework']}" in summary.detail
    # Ids and codes only: no name, address or text of what was removed.
    text = " ".join(f"{e.detail} {e.object_id} {e.fields}" for e in AuditEntry.objects.all())
    assert "Exempelgatan" not in text and "Samtal" not in text and world["due"].family_name not in text


def test_a_second_run_removes_nothing(municipality, world):
    first = retention_run(municipality=municipality, today=TODAY)
    assert first.total > 0
    second = retention_run(municipality=municipality, today=TODAY)
    assert second.removed == {}
    assert RetentionRun.objects.count() == 2


def test_nothing_is_thinned_while_a_case_is_open_whatever_the_rules(municipality):
    template_install_defaults(municipality=municipality)
    for kind in DataKind.values:
        _rule(
            municipality,
            kind,
            keep=False,
            months=0,
            from_year_end=False,
            counted_from="created" if kind in ("import_runs", "letter_batches", "audit") else "left_target_group",
        )
    youths = [
        _youth(municipality, case=CaseStatus.OPEN, birth=datetime.date(1990, 1, 1)),
        _youth(municipality, case=CaseStatus.DECLINED, birth=datetime.date(1990, 1, 1)),
    ]
    before = [_counts(y) for y in youths]
    retention_run(municipality=municipality, today=TODAY)
    assert [_counts(y) for y in youths] == before


def test_a_case_opened_again_stops_the_thinning(municipality, world):
    Case.objects.filter(youth=world["due"]).update(status=CaseStatus.OPEN)
    before = _counts(world["due"])
    retention_run(municipality=municipality, today=TODAY)
    assert _counts(world["due"]) == before


def test_the_register_kinds_wait_until_the_youth_is_past_the_age_for_good(municipality):
    template_install_defaults(municipality=municipality)
    _rule(municipality, DataKind.REGISTER_FACTS, keep=False, months=0, from_year_end=False)
    young = _youth(municipality, birth=datetime.date(2008, 3, 1))  # 18: could be in the target group again
    old = _youth(municipality, birth=datetime.date(2005, 3, 1))  # 21
    run = retention_run(municipality=municipality, today=TODAY)
    assert Enrolment.objects.filter(youth=young).count() == 1
    assert Enrolment.objects.filter(youth=old).count() == 0
    assert run.removed == {"register_facts": 1}


def test_only_another_municipalitys_rules_touch_its_data(municipality, world):
    other = MunicipalityFactory()
    template_install_defaults(municipality=other)
    theirs = _youth(other)
    before = _counts(theirs)
    retention_run(municipality=municipality, today=TODAY)
    assert _counts(theirs) == before


def test_import_runs_go_by_their_age(municipality):
    _rule(municipality, DataKind.IMPORT_RUNS)  # 24 months
    old, new = (
        ImportRun.objects.create(kind="population", municipality=municipality),
        ImportRun.objects.create(kind="population", municipality=municipality),
    )
    ImportRun.objects.filter(pk=old.pk).update(started_at=_at(datetime.date(2024, 11, 1)))
    run = retention_run(municipality=municipality, today=TODAY)
    assert list(ImportRun.objects.values_list("pk", flat=True)) == [new.pk]
    assert run.removed == {"import_runs": 1}
    assert AuditEntry.objects.filter(object_type="import_run", object_id=str(old.pk), action="delete").exists()


def test_the_audit_log_goes_only_when_every_municipality_allows_it(municipality):
    other = MunicipalityFactory()
    old = AuditEntry.objects.create(at=_at(datetime.date(2022, 5, 1)), action="view", object_type="youth", channel="ui")
    _rule(municipality, DataKind.AUDIT)  # 36 months from the end of the year: before 2023-01-01
    assert retention_audit_thin(today=TODAY) == {}
    assert AuditEntry.objects.filter(pk=old.pk).exists()
    _rule(other, DataKind.AUDIT, months=48)  # the longer one decides: before 2022-01-01
    retention_audit_thin(today=TODAY)
    assert AuditEntry.objects.filter(pk=old.pk).exists()
    RetentionRule.objects.filter(municipality=other, kind=DataKind.AUDIT).update(months=24)
    removed = retention_audit_thin(today=TODAY)
    assert sum(removed.values()) >= 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(object_type="audit_log", municipality_id=municipality.pk).exists()


@time_machine.travel(datetime.datetime(2026, 12, 2, 12, tzinfo=datetime.UTC))
def test_the_scheduled_job_runs_every_municipality_with_a_rule_switched_on(municipality, world):
    result = retention_thin.call(period="2026-12-02")
    assert list(result) == [str(municipality.pk)]
    assert not JournalEntry.objects.filter(youth=world["no_case"]).exists()
    assert [run.removed for run in retention_run_all()] == [{}]  # the same day again: nothing more


def test_the_cutoff_and_the_due_day_agree():
    for months, year_end in ((0, False), (12, False), (36, True), (1, True)):
        day = cutoff(months=months, from_year_end=year_end, today=TODAY)
        for event in (day - datetime.timedelta(days=1), day):
            assert (due_on(event=event, months=months, from_year_end=year_end) <= TODAY) == (event < day)


@time_machine.travel(datetime.datetime(2026, 12, 2, 12, tzinfo=datetime.UTC))
def test_the_command_previews_and_runs(municipality, world):
    out = io.StringIO()
    call_command("thin_data", "--municipality", municipality.code, "--preview", stdout=out)
    assert "casework           on   youths=2 records=18" in out.getvalue()
    assert JournalEntry.objects.filter(youth=world["due"]).exists()
    out = io.StringIO()
    call_command("thin_data", "--municipality", municipality.code, stdout=out)
    assert "casework           removed=18" in out.getvalue()
    assert not JournalEntry.objects.filter(youth=world["due"]).exists()
