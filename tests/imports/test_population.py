import datetime

import pytest
from django.core.management import CommandError, call_command

from kaa.imports.models import ImportRun, ImportStatus
from kaa.imports.services import population_import
from kaa.organisations.models import Municipality
from kaa.register.compute import register_compute
from kaa.register.models import Guardian, PopulationStatus, RegisterPeriod, Youth, YouthEvent
from tests.factories import MunicipalityFactory

from .helpers import POP_HEADER, csv_bytes, pnr, pop_row, write, xlsx_bytes

pytestmark = pytest.mark.django_db


def run_file(tmp_path, data: bytes, name="pop.csv", **kwargs) -> ImportRun:
    kwargs.setdefault("municipality_code", "0480")
    return population_import(path_or_file=write(tmp_path, name, data), **kwargs)


def snapshot() -> list:
    return list(Youth.objects.order_by("pk").values_list()) + list(Guardian.objects.order_by("pk").values_list())


def test_first_import_sets_up_the_municipality_and_creates_youths(tmp_path):
    run = run_file(tmp_path, csv_bytes([pop_row(i, kommunkod="0765") for i in range(3)]), municipality_code="0765")
    assert run.status == ImportStatus.SUCCEEDED
    assert (run.rows_read, run.created, run.changed, run.unchanged, run.rejected) == (3, 3, 0, 0, 0)
    municipality = Municipality.objects.get()
    assert (municipality.code, municipality.name) == ("0765", "Älmhult")
    youth = Youth.objects.get(personnummer=pnr(1))
    assert youth.in_population and youth.municipality == municipality and youth.municipality_code == "0765"
    assert youth.given_name == "Namn1" and youth.registered_from == datetime.date(2010, 1, 1)
    assert youth.needs_evaluation
    assert list(youth.guardians.values_list("name", "phone")) == [("Förälder Exempel", "070-0000000")]
    from kaa.audit.models import AuditEntry

    entry = AuditEntry.objects.get(object_type="import_run")
    assert entry.object_id == str(run.pk) and "created=3" in entry.detail


def test_unknown_code_gets_a_generic_name(tmp_path):
    run_file(tmp_path, csv_bytes([pop_row(1, kommunkod="2999")]), municipality_code="2999")
    assert Municipality.objects.get().name == "Kommun 2999"


def test_municipality_may_be_left_out_with_one_municipality(tmp_path):
    MunicipalityFactory(code="0480", name="Nyköping")
    run = run_file(tmp_path, csv_bytes([pop_row(1)]), municipality_code=None)
    assert run.status == ImportStatus.SUCCEEDED and run.municipality.code == "0480"


def test_municipality_required_on_a_fresh_installation(tmp_path):
    run = run_file(tmp_path, csv_bytes([pop_row(1)]), municipality_code=None, language="en")
    assert run.status == ImportStatus.FAILED
    assert "--municipality" in run.errors[0]["message"]
    assert not Youth.objects.exists()


def test_reimport_changes_nothing_and_says_so(tmp_path):
    data = csv_bytes([pop_row(i) for i in range(5)])
    run_file(tmp_path, data)
    Youth.objects.update(needs_evaluation=False)
    before = snapshot()
    again = run_file(tmp_path, data)
    assert again.status == ImportStatus.UNCHANGED and again.already_imported
    assert (again.created, again.changed, again.unchanged) == (0, 0, 5)
    assert snapshot() == before


def test_changed_facts_update_and_flag_only_those_youths(tmp_path, lookup):
    run_file(tmp_path, csv_bytes([pop_row(i) for i in range(5)]))
    Youth.objects.update(needs_evaluation=False)
    rows = [pop_row(i) for i in range(5)]
    rows[2] = pop_row(2, adress="Nya gatan 2", vardnadshavare1_namn="Ny Förälder")
    run = run_file(tmp_path, csv_bytes(rows))
    assert (run.status, run.created, run.changed, run.unchanged) == (ImportStatus.SUCCEEDED, 0, 1, 4)
    assert list(Youth.objects.filter(needs_evaluation=True).values_list("personnummer", flat=True)) == [pnr(2)]
    youth = Youth.objects.get(personnummer=pnr(2))
    assert youth.address == "Nya gatan 2"
    assert list(youth.guardians.values_list("name", flat=True)) == ["Ny Förälder"]
    assert Guardian.objects.count() == 5


def test_bad_file_changes_nothing_and_lists_every_error(tmp_path):
    run_file(tmp_path, csv_bytes([pop_row(i) for i in range(4)]))
    before = snapshot()
    rows = [pop_row(i, adress="Ändrad") for i in range(4)] + [pop_row(9)]
    rows[1]["kommunkod"] = "48"
    rows[3]["status_datum"] = "2026-02-30"
    run = run_file(tmp_path, csv_bytes(rows), language="en")
    assert run.status == ImportStatus.FAILED
    assert (run.created, run.changed, run.rejected) == (0, 0, 2)
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "kommunkod"), (5, "status_datum")]
    assert snapshot() == before


def test_cp1252_and_utf8_bom_are_detected(tmp_path):
    run_file(tmp_path, csv_bytes([pop_row(1, fornamn="Åsa", postort="Älmhult")], encoding="cp1252"), "a.csv")
    assert Youth.objects.get(personnummer=pnr(1)).given_name == "Åsa"
    run_file(tmp_path, b"\xef\xbb\xbf" + csv_bytes([pop_row(2, fornamn="Öjvind")]), "b.csv")
    youth = Youth.objects.get(personnummer=pnr(2))
    assert youth.given_name == "Öjvind" and youth.city == "Nyköping"


def test_comma_separated_with_mixed_case_header_and_unknown_column(tmp_path):
    rows = [{**pop_row(1), "skostorlek": "42"}]
    header = [h.upper() if i % 2 else f" {h} " for i, h in enumerate(rows[0])]
    data = csv_bytes([dict(zip(header, r.values(), strict=True)) for r in rows], header=header, delimiter=",")
    run = run_file(tmp_path, data, language="en")
    assert run.status == ImportStatus.SUCCEEDED
    assert [(w["row"], w["column"]) for w in run.warnings] == [(1, "skostorlek")]
    assert "Unknown column" in run.warnings[0]["message"]


def test_xlsx(tmp_path):
    rows = [pop_row(i, kommunkod=480) for i in range(3)]  # a number cell, as Excel keeps it
    run = run_file(tmp_path, xlsx_bytes(rows), "pop.xlsx")
    assert run.status == ImportStatus.SUCCEEDED and run.file_format == "xlsx" and run.created == 3
    assert Youth.objects.get(personnummer=pnr(0)).municipality_code == "0480"


def test_ten_digit_and_coordination_numbers(tmp_path):
    ten = pnr(1)[2:8] + "-" + pnr(1)[8:]
    from tests.factories import make_personnummer

    coordination = make_personnummer(datetime.date(2008, 5, 4), serial=123, coordination=True)
    run = run_file(tmp_path, csv_bytes([pop_row(1, personnummer=ten), pop_row(2, personnummer=coordination)]))
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert Youth.objects.get(personnummer=pnr(1)).birth_date == datetime.date(2008, 1, 2)
    youth = Youth.objects.get(personnummer=coordination)
    assert youth.is_coordination_number and youth.birth_date == datetime.date(2008, 5, 4)


def test_rows_of_another_municipality_are_registered_elsewhere(tmp_path):
    run_file(tmp_path, csv_bytes([pop_row(1), pop_row(2, kommunkod="0580")]))
    youth = Youth.objects.get(personnummer=pnr(2))
    assert youth.municipality.code == "0480" and youth.municipality_code == "0580" and youth.in_population


def test_full_import_removes_missing_persons(tmp_path):
    run_file(tmp_path, csv_bytes([pop_row(i) for i in range(20)]))
    as_of = datetime.date(2026, 9, 30)
    run = run_file(tmp_path, csv_bytes([pop_row(i) for i in range(19)]), full=True, as_of=as_of)
    assert (run.status, run.removed, run.unchanged) == (ImportStatus.SUCCEEDED, 1, 19)
    gone = Youth.objects.get(personnummer=pnr(19))
    assert gone.population_status == PopulationStatus.REMOVED and gone.population_status_date == as_of
    assert gone.needs_evaluation
    # The person comes back: the next import restores the status.
    back = run_file(tmp_path, csv_bytes([pop_row(i) for i in range(20)]), full=True, as_of=as_of)
    assert (back.changed, back.removed) == (1, 0)
    assert Youth.objects.get(personnummer=pnr(19)).population_status == PopulationStatus.NORMAL


def test_full_import_removing_over_ten_percent_is_refused_unless_forced(tmp_path):
    run_file(tmp_path, csv_bytes([pop_row(i) for i in range(20)]))
    before = snapshot()
    smaller = csv_bytes([pop_row(i) for i in range(17)] + [pop_row(30)])
    refused = run_file(tmp_path, smaller, full=True, language="en")
    assert refused.status == ImportStatus.REFUSED and "--force" in refused.errors[0]["message"]
    assert snapshot() == before
    forced = run_file(tmp_path, smaller, full=True, force=True)
    assert (forced.status, forced.removed, forced.created) == (ImportStatus.SUCCEEDED, 3, 1)
    assert Youth.objects.filter(population_status=PopulationStatus.REMOVED).count() == 3


def test_command_success_and_failure(tmp_path, capsys):
    path = write(tmp_path, "pop.csv", csv_bytes([pop_row(1)]))
    call_command("import_population", str(path), "--municipality", "0480", "--as-of", "2026-09-01")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "created 1" in out
    bad = write(tmp_path, "bad.csv", csv_bytes([pop_row(2, kommunkod="abc")]))
    with pytest.raises(CommandError) as info:
        call_command("import_population", str(bad), "--municipality", "0480")
    assert info.value.returncode != 0
    err = capsys.readouterr().err
    assert "2" in err and "kommunkod" in err
    assert pnr(2) not in err


def test_full_refusal_from_the_command(tmp_path):
    run_file(tmp_path, csv_bytes([pop_row(i) for i in range(10)]))
    path = write(tmp_path, "small.csv", csv_bytes([pop_row(0)], header=POP_HEADER))
    with pytest.raises(CommandError):
        call_command("import_population", str(path), "--municipality", "0480", "--full")
    assert ImportRun.objects.latest("pk").status == ImportStatus.REFUSED
    call_command("import_population", str(path), "--municipality", "0480", "--full", "--force")
    assert Youth.objects.filter(population_status=PopulationStatus.REMOVED).count() == 9


def test_same_facts_in_another_file_are_compared_row_by_row(tmp_path):
    rows = [pop_row(i) for i in range(5)]
    run_file(tmp_path, csv_bytes(rows))
    before = snapshot()
    again = run_file(tmp_path, csv_bytes(rows, delimiter=","))  # another file (hash), same facts
    assert not again.already_imported
    assert (again.status, again.created, again.changed, again.unchanged) == (ImportStatus.UNCHANGED, 0, 0, 5)
    assert snapshot() == before


def test_last_file_again_is_recognised_by_its_checksum(tmp_path):
    data = csv_bytes([pop_row(i) for i in range(3)])
    run_file(tmp_path, data)
    Youth.objects.filter(personnummer=pnr(1)).update(address="Manuellt rättad")
    again = run_file(tmp_path, data)
    assert (again.status, again.rows_read, again.unchanged, again.already_imported) == (
        ImportStatus.UNCHANGED, 3, 3, True)


def test_a_person_known_in_another_municipality_is_found_not_created_again(tmp_path, lookup):
    run_file(tmp_path, csv_bytes([pop_row(1), pop_row(2)]))
    MunicipalityFactory(code="0765", name="Älmhult")
    # Nyköping still has the person registered there since the same date: not a move, not a take-over.
    moved = pop_row(2, kommunkod="0765", adress="Storgatan 1")
    run = run_file(tmp_path, csv_bytes([moved, pop_row(3, kommunkod="0765")]), name="almhult.csv",
                   municipality_code="0765", language="en")
    assert (run.status, run.created, run.changed, run.skipped) == (ImportStatus.SUCCEEDED, 1, 0, 1)
    assert [(w["row"], "held by another municipality" in w["message"]) for w in run.warnings] == [(2, True)]
    assert Youth.objects.count() == 3
    youth = Youth.objects.get(personnummer=pnr(2))
    assert (youth.municipality.code, youth.municipality_code, youth.address) == ("0480", "0480", "Exempelvägen 1")


def test_a_youth_who_moves_within_the_installation_moves_with_the_record(tmp_path, lookup, coach):
    run_file(tmp_path, csv_bytes([pop_row(1, folkbokford_datum="2020-01-01")]))
    youth = Youth.objects.get()
    Youth.objects.filter(pk=youth.pk).update(coach=coach, team=coach.memberships.get().team)
    register_compute(on=datetime.date(2026, 3, 1))
    almhult = MunicipalityFactory(code="0765", name="Älmhult")
    moved = pop_row(1, kommunkod="0765", folkbokford_datum="2026-04-01", adress="Storgatan 1")
    run = run_file(tmp_path, csv_bytes([moved]), name="almhult.csv", municipality_code="0765")
    assert (run.created, run.changed) == (0, 1)
    youth.refresh_from_db()
    assert (youth.municipality, youth.coach, youth.team) == (almhult, None, None)
    assert YouthEvent.objects.get(youth=youth, kind="register.moved").data == {"from": "0480", "to": "0765"}
    register_compute(on=datetime.date(2026, 5, 1))
    periods = list(RegisterPeriod.objects.filter(youth=youth).order_by("valid_from")
                   .values_list("municipality__code", "valid_from", "valid_to"))
    assert [p[0] for p in periods] == ["0480", "0765"]
    assert periods[0][2] == periods[1][1] == datetime.date(2026, 4, 1)
