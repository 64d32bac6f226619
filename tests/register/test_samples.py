"""The sample files (tests/data/samples, from /work/shared/samples): the expected register on 2026-10-01."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from kaa.register.models import Enrolment, Youth
from kaa.register.rules import EnrolmentFacts, Facts, decide

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
ON = datetime.date(2026, 10, 1)


def read(name: str) -> list[dict]:
    with open(SAMPLES / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def expected() -> dict[str, tuple[str, str]]:
    return {r["personnummer"]: (r["status"], r["orsak"]) for r in read("expected-register-2026-10-01.csv")}


def day(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def birth_of(pnr: str) -> datetime.date:
    """Test-local: the birth date of a 12-digit number (a samordningsnummer has 60 added to the day)."""
    d = int(pnr[6:8])
    return datetime.date(int(pnr[:4]), int(pnr[4:6]), d - 60 if d > 60 else d)


def enrolment_fields(row: dict) -> dict:
    return {
        "school_type": row["skolform"], "programme": row["program"],
        "school_year": int(row["arskurs"]) if row["arskurs"] else None, "equivalent": row["motsvarande"] == "ja",
        "start_date": day(row["startdatum"]), "end_date": day(row["slutdatum"]),
        "interruption_date": day(row["avbrott_datum"]), "result": row["resultat"],
        "result_date": day(row["resultat_datum"]),
    }


def test_expected_file_covers_every_person():
    assert set(expected()) == {r["personnummer"] for r in read("population.csv")}


def test_rules_give_the_expected_register():
    school = read("school.csv")
    got = {}
    for person in read("population.csv"):
        pnr = person["personnummer"]
        facts = Facts(
            birth_date=birth_of(pnr), home_code="0480", municipality_code=person["kommunkod"],
            registered_from=day(person["folkbokford_datum"]), immigration_date=day(person["invandringsdatum"]),
            population_status=person["status"] or "normal", population_status_date=day(person["status_datum"]),
            enrolments=tuple(EnrolmentFacts(**enrolment_fields(r)) for r in school if r["personnummer"] == pnr),
        )
        decision = decide(facts, ON)
        got[pnr] = (decision.status, decision.reason)
    assert got == expected()


def export_all() -> dict[str, tuple[str, str]]:
    out = io.StringIO()
    call_command("compute_register", "--date", ON.isoformat(), stdout=io.StringIO())
    call_command("export_register", "--date", ON.isoformat(), "--municipality", "0480", "--all", stdout=out,
                 stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0] == "personnummer;status;orsak;fran_datum"
    rows = [line.split(";") for line in lines[1:]]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.mark.django_db
def test_compute_and_export_from_test_loaded_facts(municipality):
    for person in read("population.csv"):
        Youth.objects.create(
            municipality=municipality, personnummer=person["personnummer"], birth_date=birth_of(person["personnummer"]),
            given_name=person["fornamn"], family_name=person["efternamn"], in_population=True,
            municipality_code=person["kommunkod"], registered_from=day(person["folkbokford_datum"]),
            immigration_date=day(person["invandringsdatum"]), population_status=person["status"] or "normal",
            population_status_date=day(person["status_datum"]), protection=person["skydd"])
    ids = dict(Youth.objects.values_list("personnummer", "pk"))
    for n, row in enumerate(read("school.csv")):
        Enrolment.objects.create(youth_id=ids[row["personnummer"]], source_key=f"sample{n}", **enrolment_fields(row))
    assert export_all() == expected()


@pytest.mark.django_db
def test_import_then_compute_and_export_gives_the_expected_register(municipality):
    services = pytest.importorskip("kaa.imports.services", reason="the importer (H4) is not there yet")
    population = services.population_import(path_or_file=str(SAMPLES / "population.csv"), municipality_code="0480",
                                            as_of=ON)
    assert population.status != "failed", population.__dict__
    school = services.school_import(path_or_file=str(SAMPLES / "school.csv"), as_of=ON)
    assert school.status != "failed", school.__dict__
    assert export_all() == expected()
