"""Imports stay inside the importing municipality and never lower protection without the grant (issue 9, item 2)."""

import datetime

import pytest

from kaa.accounts.models import Role
from kaa.audit.models import AuditEntry
from kaa.imports.models import ImportStatus
from kaa.imports.services import population_import, school_import
from kaa.organisations.models import SchoolUnit
from kaa.register.models import Enrolment, PopulationStatus, Protection, Youth, YouthEvent
from tests.factories import MunicipalityFactory, YouthFactory, staff

from .helpers import csv_bytes, pnr, pop_row, school_row, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def nykoping(db):
    return MunicipalityFactory(code="0480", name="Nyköping")


@pytest.fixture
def almhult(db):
    return MunicipalityFactory(code="0765", name="Älmhult")


@pytest.fixture
def almhult_coordinator(almhult):
    return staff(Role.COORDINATOR, almhult, username="samordnare-almhult")


def held_by(municipality, n, **fields):
    """A youth the municipality's own data has registered there since 2020."""
    defaults = {"municipality": municipality, "personnummer": pnr(n), "municipality_code": municipality.code,
                "registered_from": datetime.date(2020, 1, 1), "in_population": True}
    return YouthFactory(**{**defaults, **fields})


def population(tmp_path, rows, code, name="pop.csv", **kwargs):
    kwargs.setdefault("language", "en")
    return population_import(path_or_file=write(tmp_path, name, csv_bytes(rows)), municipality_code=code, **kwargs)


def school(tmp_path, rows, name="school.csv", **kwargs):
    kwargs.setdefault("language", "en")
    return school_import(path_or_file=write(tmp_path, name, csv_bytes(rows)), **kwargs)


# --- Population: another municipality's youths ----------------------------------------------------

def test_an_upload_cannot_take_another_municipalitys_youths(tmp_path, nykoping, almhult, almhult_coordinator,
                                                            lookup):
    plain = held_by(nykoping, 1)
    protected = held_by(nykoping, 2, protection=Protection.PROTECTED_REGISTRATION, address="Hemlig 1")
    today = datetime.date.today().isoformat()
    rows = [pop_row(1, kommunkod="0765", folkbokford_datum=today, adress="Storgatan 1"),
            pop_row(2, kommunkod="0765", folkbokford_datum=today, skydd="", adress="Storgatan 2")]
    run = population(tmp_path, rows, "0765", user=almhult_coordinator, trigger="web")
    assert (run.status, run.created, run.changed, run.skipped) == (ImportStatus.UNCHANGED, 0, 0, 2)
    assert [w["row"] for w in run.warnings] == [2, 3]
    assert all("held by another municipality" in w["message"] for w in run.warnings)
    for youth, protection, address in ((plain, "", plain.address), (protected, Protection.PROTECTED_REGISTRATION,
                                                                    "Hemlig 1")):
        youth.refresh_from_db()
        assert (youth.municipality, youth.municipality_code, youth.protection, youth.address) == (
            nykoping, "0480", protection, address)
    assert not YouthEvent.objects.filter(kind="register.moved").exists()


def test_an_upload_moves_a_youth_the_other_municipalitys_data_has_released(tmp_path, nykoping, almhult,
                                                                           almhult_coordinator):
    youth = held_by(nykoping, 1, population_status=PopulationStatus.MOVED_OUT,
                    population_status_date=datetime.date(2026, 3, 31))
    run = population(tmp_path, [pop_row(1, kommunkod="0765", folkbokford_datum="2026-04-01")], "0765",
                     user=almhult_coordinator, trigger="web")
    assert (run.status, run.changed, run.skipped) == (ImportStatus.SUCCEEDED, 1, 0)
    youth.refresh_from_db()
    assert youth.municipality == almhult and youth.population_status == PopulationStatus.NORMAL
    event = YouthEvent.objects.get(youth=youth, kind="register.moved")
    assert (event.data, event.actor) == ({"from": "0480", "to": "0765"}, almhult_coordinator)
    # One audit entry per youth, in each municipality's log, naming the run.
    entries = AuditEntry.objects.filter(object_type="youth", youth_id=youth.pk)
    assert sorted(e.municipality_id for e in entries) == sorted([nykoping.pk, almhult.pk])
    assert all(e.fields == ["municipality"] and f"import run {run.pk}" in e.detail and e.user_id ==
               almhult_coordinator.pk for e in entries)


@pytest.mark.parametrize(("holder_since", "row_date", "moves"), [
    ("2020-01-01", "2026-04-01", True),    # a registration here after the other municipality's
    ("2020-01-01", "2020-01-01", False),   # not later: the other municipality still holds them
    ("2020-01-01", "2019-06-01", False),
    (None, "2026-04-01", False),           # the other municipality's date is unknown: cannot tell
    ("2020-01-01", "", False),             # no date: not clearly a registration here
])
def test_the_operators_extract_moves_a_youth_by_the_date_rule(tmp_path, nykoping, almhult, holder_since, row_date,
                                                              moves):
    since = datetime.date.fromisoformat(holder_since) if holder_since else None
    youth = held_by(nykoping, 1, registered_from=since)
    run = population(tmp_path, [pop_row(1, kommunkod="0765", folkbokford_datum=row_date)], "0765")
    youth.refresh_from_db()
    assert (youth.municipality == almhult) is moves
    assert run.skipped == (0 if moves else 1)


def test_a_row_registering_the_person_elsewhere_is_no_move(tmp_path, nykoping, almhult):
    youth = held_by(nykoping, 1, population_status=PopulationStatus.MOVED_OUT)
    # Älmhult's file says the person is registered in a third municipality: not a registration in Älmhult.
    run = population(tmp_path, [pop_row(1, kommunkod="0580", folkbokford_datum="2026-04-01")], "0765")
    youth.refresh_from_db()
    assert youth.municipality == nykoping and run.skipped == 1


def test_an_import_never_pushes_its_youth_into_another_municipality(tmp_path, nykoping, almhult):
    population(tmp_path, [pop_row(1), pop_row(2)], "0480")
    # Nyköping's next extract: one person now registered in Älmhult, one unknown person registered there too.
    run = population(tmp_path, [pop_row(1, kommunkod="0765", status="utflyttad", status_datum="2026-04-01"),
                                pop_row(2), pop_row(3, kommunkod="0765")], "0480", name="next.csv")
    assert (run.created, run.changed, run.skipped) == (1, 1, 0)
    assert set(Youth.objects.values_list("municipality__code", flat=True)) == {"0480"}
    assert Youth.objects.get(personnummer=pnr(1)).municipality_code == "0765"
    # Älmhult's own extract then claims the person: Nyköping's data has released them.
    moved = population(tmp_path, [pop_row(1, kommunkod="0765", folkbokford_datum="2026-04-01")], "0765",
                       name="almhult.csv")
    assert moved.changed == 1 and Youth.objects.get(personnummer=pnr(1)).municipality == almhult


# --- Protection ------------------------------------------------------------------------------------

def test_an_upload_without_the_grant_never_lowers_protection(tmp_path, nykoping, lookup):
    without = staff(Role.COORDINATOR, nykoping, username="utan-skydd")
    youth = held_by(nykoping, 1, protection=Protection.PROTECTED_REGISTRATION)
    row = pop_row(1, skydd="", adress="Ny gata 1", folkbokford_datum="2020-01-01")
    run = population(tmp_path, [row], "0480", user=without, trigger="web")
    assert run.status == ImportStatus.SUCCEEDED and run.changed == 1
    # Said for the file, not the row: who is protected is what this user may not learn.
    assert [(w["row"], w["column"]) for w in run.warnings] == [(None, "skydd")]
    assert "protection marking of 1 person was kept" in run.warnings[0]["message"]
    youth.refresh_from_db()
    assert (youth.protection, youth.address) == (Protection.PROTECTED_REGISTRATION, "Ny gata 1")
    assert not YouthEvent.objects.filter(kind="imports.protection").exists()
    # The same file again by the same user changes nothing more.
    again = population(tmp_path, [row], "0480", user=without, trigger="web", name="again.csv")
    assert (again.changed, again.unchanged) == (0, 1)
    youth.refresh_from_db()
    assert youth.protection == Protection.PROTECTED_REGISTRATION


def test_a_grant_holder_lowers_protection_with_an_event_and_an_audit_entry(tmp_path, nykoping):
    without = staff(Role.COORDINATOR, nykoping, username="utan-skydd")
    holder = staff(Role.COORDINATOR, nykoping, may_see_protected=True, username="med-skydd")
    youth = held_by(nykoping, 1, protection=Protection.CONFIDENTIAL)
    data = [pop_row(1, skydd="", folkbokford_datum="2020-01-01")]
    population(tmp_path, data, "0480", user=without, trigger="web")
    # The very same file by the grant holder is read again (the last run kept a level) and lowers it.
    run = population(tmp_path, data, "0480", user=holder, trigger="web")
    assert run.changed == 1
    youth.refresh_from_db()
    assert youth.protection == Protection.NONE
    event = YouthEvent.objects.get(youth=youth, kind="imports.protection")
    assert (event.data, event.actor) == ({"from": Protection.CONFIDENTIAL, "to": ""}, holder)
    entry = AuditEntry.objects.get(object_type="youth", youth_id=youth.pk, fields=["protection"])
    assert (entry.user_id, entry.municipality_id) == (holder.pk, nykoping.pk)
    assert entry.detail == f"import run {run.pk}: protection lowered"


def test_the_operators_extract_lowers_protection_with_an_event_per_youth(tmp_path, nykoping):
    youths = [held_by(nykoping, n, protection=Protection.PROTECTED_REGISTRATION) for n in (1, 2)]
    rows = [pop_row(1, skydd="", folkbokford_datum="2020-01-01"),
            pop_row(2, skydd="sekretessmarkering", folkbokford_datum="2020-01-01")]
    population(tmp_path, rows, "0480")
    assert [Youth.objects.get(pk=y.pk).protection for y in youths] == ["", Protection.CONFIDENTIAL]
    assert YouthEvent.objects.filter(kind="imports.protection").count() == 2
    assert AuditEntry.objects.filter(object_type="youth", fields=["protection"]).count() == 2


def test_raising_protection_is_recorded_too(tmp_path, nykoping):
    without = staff(Role.COORDINATOR, nykoping, username="utan-skydd")
    youth = held_by(nykoping, 1)
    population(tmp_path, [pop_row(1, skydd="skyddad_folkbokforing", folkbokford_datum="2020-01-01")], "0480",
               user=without, trigger="web")
    youth.refresh_from_db()
    assert youth.protection == Protection.PROTECTED_REGISTRATION
    assert YouthEvent.objects.get(youth=youth, kind="imports.protection").data == {
        "from": "", "to": Protection.PROTECTED_REGISTRATION}


def test_a_move_never_lowers_protection(tmp_path, nykoping, almhult):
    youth = held_by(nykoping, 1, protection=Protection.PROTECTED_REGISTRATION,
                    population_status=PopulationStatus.MOVED_OUT)
    population(tmp_path, [pop_row(1, kommunkod="0765", folkbokford_datum="2026-04-01", skydd="")], "0765")
    youth.refresh_from_db()
    assert (youth.municipality, youth.protection) == (almhult, Protection.PROTECTED_REGISTRATION)


# --- School data -----------------------------------------------------------------------------------

def test_an_uploaded_school_file_writes_only_its_municipalitys_pupils(tmp_path, nykoping, almhult,
                                                                      almhult_coordinator, lookup):
    theirs = held_by(nykoping, 1)
    ours = held_by(almhult, 2)
    SchoolUnit.objects.create(code="04800001", name="Nyköpings gymnasium", municipality_code="0480")
    rows = [school_row(1), school_row(2, skolenhetskod="07650001"),
            school_row(3),                              # a newcomer at Nyköping's school: Nyköping's to import
            school_row(4, skolenhetskod="99990001")]    # a newcomer at a school outside the installation
    run = school(tmp_path, rows, municipality_code="0765", user=almhult_coordinator, trigger="web")
    assert (run.status, run.created, run.skipped, run.municipality) == (ImportStatus.SUCCEEDED, 2, 2, almhult)
    assert [w["row"] for w in run.warnings] == [2, 4]
    assert not Enrolment.objects.filter(youth=theirs).exists()
    assert ours.enrolments.count() == 1
    assert not Youth.objects.filter(personnummer=pnr(3)).exists()
    assert Youth.objects.get(personnummer=pnr(4)).municipality == almhult


def test_the_operators_school_file_serves_the_whole_region(tmp_path, nykoping, almhult):
    theirs, ours = held_by(nykoping, 1), held_by(almhult, 2)
    run = school(tmp_path, [school_row(1), school_row(2)])
    assert (run.created, run.skipped, run.municipality) == (2, 0, None)
    assert theirs.enrolments.count() == ours.enrolments.count() == 1


def test_a_school_file_for_an_unknown_municipality_is_refused(tmp_path, nykoping):
    run = school(tmp_path, [school_row(1)], municipality_code="2999")
    assert run.status == ImportStatus.FAILED and "2999" in run.errors[0]["message"]
    assert not Youth.objects.exists()
