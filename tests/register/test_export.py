"""The register export (INTERFACES.md "Register export") and its command."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaa.audit.models import AuditEntry
from kaa.register.compute import register_compute
from kaa.register.export import register_rows
from kaa.register.models import Youth
from tests.factories import EnrolmentFactory, MunicipalityFactory, YouthFactory, make_personnummer

D = datetime.date
pytestmark = pytest.mark.django_db


BIRTH = D(2008, 3, 10)


def leaver(municipality, serial, birth=BIRTH, **kwargs) -> Youth:
    youth = YouthFactory(municipality=municipality, birth_date=birth,
                         personnummer=make_personnummer(birth, serial=serial), **kwargs)
    EnrolmentFactory(youth=youth, school_type="GR", programme="", school_year=9, start_date=D(2023, 8, 17),
                     end_date=D(2024, 6, 11))
    return youth


@pytest.fixture
def three(municipality):
    b = leaver(municipality, 200)
    a = leaver(municipality, 100)
    c = leaver(municipality, 300)
    EnrolmentFactory(youth=c, programme="NA", start_date=D(2024, 8, 19))
    return a, b, c


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_register", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_register_rows_only_in_sorted_by_personnummer(three):
    a, b, c = three
    rows = register_rows(municipality=a.municipality, on=D(2024, 10, 1), include_all=False)
    assert rows == [(a.personnummer, "i_malgrupp", "ej_paborjat", D(2024, 9, 1)),
                    (b.personnummer, "i_malgrupp", "ej_paborjat", D(2024, 9, 1))]
    everyone = register_rows(municipality=a.municipality, on=D(2024, 10, 1), include_all=True)
    assert [r[0] for r in everyone] == sorted([a.personnummer, b.personnummer, c.personnummer])
    assert everyone[2][1:] == ("ej_i_malgrupp", "nationellt_program", D(2024, 8, 19))


def test_export_is_the_decision_on_the_date_and_agrees_with_the_history(three):
    a = three[0]
    assert register_rows(municipality=a.municipality, on=D(2024, 8, 1)) == []  # summer gap
    register_compute(on=D(2024, 10, 1))
    in_now = {y.personnummer for y in Youth.objects.filter(in_target_group=True)}
    assert {r[0] for r in register_rows(municipality=a.municipality, on=D(2024, 10, 1))} == in_now


def test_command_writes_only_csv_to_stdout(three):
    a, b, _ = three
    out, err = run("--date", "2024-10-01", "--municipality", "0480")
    assert out.splitlines() == ["personnummer;status;orsak;fran_datum",
                                f"{a.personnummer};i_malgrupp;ej_paborjat;2024-09-01",
                                f"{b.personnummer};i_malgrupp;ej_paborjat;2024-09-01"]
    assert "2 rows" in err
    assert AuditEntry.objects.filter(action="export", youth_id__in=[a.pk, b.pk]).count() == 2


def test_command_all_and_output_file(three, tmp_path):
    target = tmp_path / "register.csv"
    out, _ = run("--date", "2024-10-01", "--all", "--output", str(target))
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and lines[3].endswith(";ej_i_malgrupp;nationellt_program;2024-08-19")
    assert out.count("\n") == 1 and "3 rows" in out


def test_municipality_may_be_left_out_only_with_one(three):
    MunicipalityFactory(code="0580", name="Linköping")
    with pytest.raises(CommandError, match="--municipality"):
        run("--date", "2024-10-01")
    out, _ = run("--date", "2024-10-01", "--municipality", "0580")
    assert out.splitlines() == ["personnummer;status;orsak;fran_datum"]


@pytest.mark.parametrize("args, message", [
    (["--municipality", "9999"], "unknown municipality"),
    (["--date", "2024-02-30"], "--date"),
    (["--date", "01/10/2024"], "--date"),
])
def test_command_errors(municipality, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_command_exit_code_is_non_zero_on_error(municipality):
    import subprocess
    import sys

    from django.conf import settings

    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "manage.py", "export_register", "--date", "nope"], capture_output=True,
                          text=True, cwd=str(settings.BASE_DIR), env=env, check=False)
    assert proc.returncode != 0 and "--date" in proc.stderr
