"""The import checks the folder before it writes anything, names the file at fault in Swedish and English,
refuses a municipality the installation already holds, and writes nothing when any row fails."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kaa.casework import services as casework
from kaa.organisations.models import Municipality
from kaa.portability.services import PortabilityError, municipality_export, municipality_import
from kaa.portability.spec import MANIFEST
from kaa.register.models import Guardian, Youth
from tests.factories import MunicipalityFactory, YouthFactory
from tests.portability.conftest import remove_municipality

pytestmark = pytest.mark.django_db

HOSTILE = [
    "=1+1",
    "+46701234567",
    "-- inget",
    "@rubrik",
    "\ttab först",
    "rad ett\r\nrad två",
    'citat "så"',
    "kontroll\x0btecken",
    "emoji 🙂 och ä",
]


@pytest.fixture
def folder(municipality, coach, team, tmp_path) -> Path:
    youth = YouthFactory(municipality=municipality, coach=coach, team=team, given_name=HOSTILE[0])
    for position, text in enumerate(HOSTILE, start=1):
        Guardian.objects.create(youth=youth, position=position, name=text)
    coach.memberships.update(may_see_confidential=True)
    casework.journal_add(youth=youth, user=coach, text="Anteckning", confidential=True)
    out = tmp_path / "export"
    municipality_export(municipality=municipality, output=out)
    return out


def _rewrite(folder: Path, name: str, content: str, *, fix_manifest: bool) -> None:
    (folder / name).write_bytes(content.encode("utf-8"))
    if fix_manifest:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            if entry["name"] == name:
                entry["sha256"] = hashlib.sha256(content.encode("utf-8")).hexdigest()
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_text_comes_back_exactly_as_written(folder, municipality):
    remove_municipality(municipality)
    municipality_import(directory=folder)
    youth = Youth.objects.get()
    assert youth.given_name == HOSTILE[0]
    assert list(youth.guardians.order_by("position").values_list("name", flat=True)) == HOSTILE
    assert youth.journal_entries.get().confidential is True


def test_a_changed_file_is_named_and_nothing_is_loaded(folder, municipality):
    remove_municipality(municipality)
    path = folder / "guardians.csv"
    path.write_bytes(path.read_bytes().replace(b"=1+1", b"=2+2"))
    with pytest.raises(PortabilityError) as caught:
        municipality_import(directory=folder)
    message = str(caught.value)
    assert "guardians.csv" in message and "kontrollsumman" in message and "checksum" in message
    assert not Municipality.objects.filter(code="0480").exists() and not Youth.objects.exists()


def test_a_missing_file_is_named(folder, municipality):
    remove_municipality(municipality)
    (folder / "journal_entries.csv").unlink()
    with pytest.raises(PortabilityError, match=r"journal_entries\.csv: filen saknas / journal_entries\.csv: the file"):
        municipality_import(directory=folder)


def test_a_row_count_other_than_the_manifest_is_refused(folder, municipality):
    remove_municipality(municipality)
    content = (folder / "guardians.csv").read_bytes().decode("utf-8")
    _rewrite(folder, "guardians.csv", content.split("\r\n", 1)[0] + "\r\n", fix_manifest=True)
    with pytest.raises(PortabilityError, match=r"guardians\.csv: antalet rader"):
        municipality_import(directory=folder)


def test_a_municipality_already_here_is_refused(folder, municipality):
    youths = Youth.objects.count()
    with pytest.raises(PortabilityError, match=r"Kommunen 0480 finns redan.*Municipality 0480 is already"):
        municipality_import(directory=folder)
    assert Youth.objects.count() == youths and Municipality.objects.filter(code="0480").count() == 1


def test_a_bad_row_late_in_the_load_leaves_nothing_half_written(folder, municipality):
    """Every earlier table (the municipality, its youths) is rolled back with the failing one."""
    remove_municipality(municipality)
    content = (folder / "journal_entries.csv").read_bytes().decode("utf-8")
    header, row = content.split("\r\n")[:2]
    cells = row.split(",")
    cells[header.split(",").index("youth_id")] = "999999"
    _rewrite(folder, "journal_entries.csv", f"{header}\r\n{','.join(cells)}\r\n", fix_manifest=True)
    with pytest.raises(PortabilityError) as caught:
        municipality_import(directory=folder)
    assert "journal_entries.csv, rad 1, kolumn youth_id: id 999999 finns inte i youths.csv" in str(caught.value)
    assert "journal_entries.csv, row 1, column youth_id" in str(caught.value)
    assert not Municipality.objects.filter(code="0480").exists()
    assert not Youth.objects.exists() and not Guardian.objects.exists()


def test_not_an_export_is_refused(tmp_path, db):
    (tmp_path / MANIFEST).write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(PortabilityError, match="inte en export"):
        municipality_import(directory=tmp_path)
    with pytest.raises(PortabilityError, match=f"{MANIFEST}: filen saknas"):
        municipality_import(directory=tmp_path / "nowhere")


def test_a_file_name_outside_the_folder_is_refused(folder, municipality):
    remove_municipality(municipality)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"].append({"name": "../secret.txt", "rows": None, "sha256": "0"})
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PortabilityError, match="utanför mappen"):
        municipality_import(directory=folder)


def test_the_commands(folder, municipality, tmp_path, capsys):
    with pytest.raises(CommandError, match="finns redan"):
        call_command("import_municipality", str(folder))
    with pytest.raises(CommandError, match="the folder exists and is not empty"):
        call_command("export_municipality", "0480", output=str(folder))
    remove_municipality(municipality)
    report = tmp_path / "report.json"
    call_command("import_municipality", str(folder), report=str(report))
    assert "0480:" in capsys.readouterr().out
    loaded = json.loads(report.read_text(encoding="utf-8"))
    assert loaded["municipality"] == "0480" and loaded["rows"]["youths.csv"] == 1
    assert loaded["unmatched_users"] == []
    call_command("export_municipality", "0480", output=str(tmp_path / "again"))
    assert (tmp_path / "again" / MANIFEST).is_file()


def _without_column(content: str, column: str) -> str:
    rows = list(csv.reader(io.StringIO(content, newline="")))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([row[:index] + row[index + 1 :] for row in rows])
    return out.getvalue()


def _set_rows(folder: Path, name: str, rows: int) -> None:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    next(entry for entry in manifest["files"] if entry["name"] == name)["rows"] = rows
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_an_unknown_column_is_refused(folder, municipality):
    remove_municipality(municipality)
    header = (folder / "guardians.csv").read_bytes().decode("utf-8").split("\r\n", 1)[0]
    _rewrite(folder, "guardians.csv", f"{header},shoe_size\r\n", fix_manifest=True)
    _set_rows(folder, "guardians.csv", 0)
    with pytest.raises(PortabilityError, match=r"guardians\.csv: kolumnerna.*unknown column shoe_size"):
        municipality_import(directory=folder)


def test_a_folder_older_than_a_column_loads_with_the_columns_default(folder, municipality):
    remove_municipality(municipality)
    content = (folder / "guardians.csv").read_bytes().decode("utf-8")
    _rewrite(folder, "guardians.csv", _without_column(content, "phone"), fix_manifest=True)
    municipality_import(directory=folder)
    assert list(Guardian.objects.order_by("position").values_list("name", "phone")) == [(t, "") for t in HOSTILE]


@pytest.mark.django_db(transaction=True)
def test_the_command_exports_from_one_snapshot_outside_any_transaction(tmp_path):
    """As from the command line: the export opens its own transaction (repeatable read on PostgreSQL)."""
    municipality = MunicipalityFactory(code="0481", name="Oxelösund")
    YouthFactory(municipality=municipality)
    call_command("export_municipality", "0481", output=str(tmp_path / "out"))
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["municipality"] == {"code": "0481", "name": "Oxelösund"}
    assert next(entry["rows"] for entry in manifest["files"] if entry["name"] == "youths.csv") == 1


def test_a_youth_another_municipality_holds_is_refused_by_row_without_the_personnummer(folder, municipality):
    personnummer = Youth.objects.get().personnummer
    remove_municipality(municipality)
    YouthFactory(municipality=MunicipalityFactory(code="0482"), personnummer=personnummer)
    with pytest.raises(PortabilityError) as caught:
        municipality_import(directory=folder)
    assert "youths.csv, rad 1, kolumn personnummer: värdet finns redan" in str(caught.value)
    assert personnummer not in str(caught.value)
    assert not Municipality.objects.filter(code="0480").exists()


def test_shared_code_rows_are_matched_and_differences_reported(folder, municipality):
    from kaa.casework.models import Code

    remove_municipality(municipality)
    changed = Code.objects.order_by("pk").first()
    changed.label_sv = "Ändrad här"
    changed.save()
    result = municipality_import(directory=folder)
    assert result.code_differences == [f"{changed.kind}:{changed.code}"]
    changed.refresh_from_db()
    assert changed.label_sv == "Ändrad här"  # the receiving installation's row is kept


def test_an_id_in_event_data_of_a_record_no_longer_there_becomes_none(municipality, coach, tmp_path):
    from kaa.register.models import YouthEvent

    youth = YouthFactory(municipality=municipality, coach=coach)
    YouthEvent.objects.create(youth=youth, kind="casework.evaluation", data={"measure_id": 999999, "kind": "during"})
    municipality_export(municipality=municipality, output=tmp_path / "out")
    remove_municipality(municipality)
    result = municipality_import(directory=tmp_path / "out")
    assert result.dangling_references == 1
    event = YouthEvent.objects.get(kind="casework.evaluation")
    assert event.data == {"measure_id": None, "kind": "during"}
