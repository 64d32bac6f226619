import subprocess
import sys
import time

import pytest

from kaa.demo.management.commands.demo import Child, Supervisor, child_commands, logins_table


def test_child_commands_run_web_worker_and_scheduler():
    children = {c.name: c.argv for c in child_commands(host="127.0.0.1", port=8123, python="py", manage="m.py")}
    assert children["web"][:4] == ["py", "m.py", "runserver", "127.0.0.1:8123"]
    assert "--noreload" in children["web"]
    assert children["worker"][:3] == ["py", "m.py", "db_worker"]
    assert "--no-reload" in children["worker"]
    assert children["scheduler"] == ["py", "m.py", "run_scheduler"]


def test_logins_table_lists_every_demo_user():
    table = logins_table()
    for username in ["samordnare", "coach1", "coach2", "syv", "larare", "rektor", "skolpersonal", "admin",
                     "samordnare-oxelosund"]:
        assert username in table
    assert table.count("kaa-demo-2026") == 9


def _sleeper(name: str, seconds: float = 30) -> Child:
    return Child(name, [sys.executable, "-c", f"import time; time.sleep({seconds})"])


def test_one_child_dying_stops_the_others():
    dying = Child("worker", [sys.executable, "-c", "import sys, time; time.sleep(0.3); sys.exit(3)"])
    messages = []
    supervisor = Supervisor([_sleeper("web"), dying, _sleeper("scheduler")], poll_interval=0.05,
                            out=messages.append)
    started = time.monotonic()
    assert supervisor.run() == 1
    assert time.monotonic() - started < 10
    assert all(proc.poll() is not None for proc in supervisor.procs.values())
    assert any("worker" in m and "3" in m for m in messages)


def test_requested_stop_ends_all_children_cleanly():
    supervisor = Supervisor([_sleeper("web"), _sleeper("worker")], poll_interval=0.05)
    assert supervisor.run(on_started=supervisor.request_stop) == 0
    assert all(proc.returncode is not None for proc in supervisor.procs.values())


def test_stubborn_child_is_killed_after_the_timeout():
    stubborn = Child("web", [sys.executable, "-c",
                             "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                             "print('ready', flush=True); time.sleep(30)"])
    supervisor = Supervisor([stubborn], poll_interval=0.05, stop_timeout=0.5,
                            popen=lambda argv: subprocess.Popen(argv, stdout=subprocess.PIPE))

    def stop_when_ready():
        supervisor.procs["web"].stdout.readline()
        supervisor.request_stop()

    assert supervisor.run(on_started=stop_when_ready) == 0
    assert supervisor.procs["web"].returncode == -9




@pytest.mark.django_db
def test_demo_command_seeds_an_empty_database_then_supervises(monkeypatch, capsys):
    from django.core.management import call_command

    from kaa.demo import seed as seed_module
    from kaa.demo.management.commands import demo as demo_module
    from kaa.register.models import Youth

    monkeypatch.setattr(seed_module, "HOOK_APPS", ())
    runs = []

    def fake_run(self, on_started=lambda: None):
        runs.append([c.name for c in self.children])
        return 0

    monkeypatch.setattr(demo_module.Supervisor, "run", fake_run)
    monkeypatch.setattr(demo_module.signal, "signal", lambda *args: None)
    call_command("demo", youths=12, seed=4, port=8999)
    assert Youth.objects.count() == 12
    call_command("demo", youths=12, seed=4, port=8999)  # not seeded twice
    assert Youth.objects.count() == 12
    assert runs == [["web", "worker", "scheduler"]] * 2
    assert "KAA demo stopped." in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_command_exits_non_zero_when_a_child_dies(monkeypatch):
    from django.core.management import call_command

    from kaa.demo.management.commands import demo as demo_module
    from tests.factories import MunicipalityFactory

    MunicipalityFactory(code="0480")
    monkeypatch.setattr(demo_module.Supervisor, "run", lambda self, on_started=None: 1)
    monkeypatch.setattr(demo_module.signal, "signal", lambda *args: None)
    with pytest.raises(SystemExit) as exited:
        call_command("demo", port=8999)
    assert exited.value.code == 1


def test_static_is_stale_when_manifest_missing_or_old(tmp_path, settings):
    import os

    from kaa.demo.management.commands.demo import static_is_stale

    source = tmp_path / "static"
    source.mkdir()
    (source / "app.css").write_text("body{}")
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "collected"
    assert static_is_stale()
    settings.STATIC_ROOT.mkdir()
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    manifest.write_text("{}")
    os.utime(source / "app.css", (1, 1))
    assert not static_is_stale()
    os.utime(source / "app.css", None)
    os.utime(manifest, (2, 2))
    assert static_is_stale()
