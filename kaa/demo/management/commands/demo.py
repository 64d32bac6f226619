"""manage.py demo: migrate, seed an empty database, and run the web server, task worker and scheduler."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from kaa.accounts.models import Role
from kaa.demo.handover import OTHER_COORDINATOR
from kaa.demo.staff import DEMO_LOGINS, DEMO_PASSWORD

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"


@dataclass(frozen=True)
class Child:
    name: str
    argv: list[str]


def child_commands(*, host: str, port: int, python: str = sys.executable, manage: str = str(MANAGE_PY)) -> list[Child]:
    """The three processes of a running installation."""
    base = [python, manage]
    return [
        Child("web", [*base, "runserver", f"{host}:{port}", "--noreload", "--skip-checks"]),
        Child("worker", [*base, "db_worker", "--no-reload", "--no-startup-delay", "--queue-name", "*"]),
        Child("scheduler", [*base, "run_scheduler"]),
    ]


def _own_session(argv: list[str]) -> subprocess.Popen:
    # Children get their own session, so a Ctrl-C in the terminal reaches only the supervisor, which
    # then stops them in order; otherwise a child could exit first and look like a crash.
    return subprocess.Popen(argv, start_new_session=True)  # noqa: S603 - argv is built by child_commands


class Supervisor:
    """Runs children together; when one stops, or on SIGINT/SIGTERM, stops the rest.

    ``run`` returns 0 after a requested stop and 1 when a child died by itself.
    """

    def __init__(self, children: Sequence[Child], *, popen: Callable[..., subprocess.Popen] | None = None,
                 poll_interval: float = 0.3, stop_timeout: float = 10.0, out: Callable[[str], None] = print) -> None:
        self.children, self.popen, self.poll_interval = list(children), popen or _own_session, poll_interval
        self.stop_timeout, self.out = stop_timeout, out
        self.procs: dict[str, subprocess.Popen] = {}
        self.stop_requested = False

    def request_stop(self, signum: int | None = None, frame: object = None) -> None:
        self.stop_requested = True

    def start(self) -> None:
        for child in self.children:
            self.procs[child.name] = self.popen(child.argv)

    def dead(self) -> list[tuple[str, int]]:
        return [(name, code) for name, proc in self.procs.items() if (code := proc.poll()) is not None]

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def run(self, on_started: Callable[[], None] = lambda: None) -> int:
        self.start()
        try:
            on_started()
            while not self.stop_requested:
                died = self.dead()
                if died:
                    for name, code in died:
                        self.out(f"{name} stopped unexpectedly (exit code {code}); stopping the others")
                    return 1
                time.sleep(self.poll_interval)
            return 0
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop_all()


def wait_for(url: str, *, timeout: float = 60.0, alive: Callable[[], bool] = lambda: True) -> bool:
    """True as soon as ``url`` answers; False on timeout or when ``alive`` says the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return True
        except OSError:
            time.sleep(0.2)
    return False


def static_is_stale() -> bool:
    """Without DEBUG, static files are served from STATIC_ROOT: collect them when missing or older than the source."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built
               for folder in settings.STATICFILES_DIRS for path in Path(folder).rglob("*") if path.is_file())


def database_label() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME', '')} on {db.get('HOST') or 'localhost'}"


def logins_table() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        labels = {value: str(label) for value, label in Role.choices}
    rows = [("username", "role", "password")]
    rows += [(lg.username, labels[lg.role] + (f", {lg.team}" if lg.team else ""), DEMO_PASSWORD)
             for lg in DEMO_LOGINS]
    # The second municipality of the installation (transfers between municipalities: kaa/demo/handover.py).
    rows.append((OTHER_COORDINATOR, f"{labels[Role.COORDINATOR]}, Oxelösund", DEMO_PASSWORD))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Run the demo: migrate, seed if empty, then the web server, the task worker and the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--youths", type=int, default=200, help="Youths to seed into an empty database.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        from kaa.organisations.models import Municipality

        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        if not Municipality.objects.exists():
            call_command("seed_demo", youths=options["youths"], seed=options["seed"], stdout=self.stdout)
        if not settings.DEBUG and static_is_stale():
            self.stdout.write("Collecting static files ...")
            call_command("collectstatic", interactive=False, verbosity=0)

        host, port = options["host"], options["port"]
        address = f"http://{host}:{port}/"
        supervisor = Supervisor(child_commands(host=host, port=port), out=self.stderr.write)
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGINT, supervisor.request_stop)

        def announce() -> None:
            web = supervisor.procs["web"]
            if wait_for(f"{address}healthz", alive=lambda: web.poll() is None and not supervisor.stop_requested):
                self.stdout.write(f"\nKAA demo is running at {address} (ready in {time.monotonic() - started:.1f} s)")
                self.stdout.write(f"Database: {database_label()}")
                self.stdout.write("Demo logins (synthetic data only):\n" + logins_table())
                self.stdout.write("Press Ctrl-C to stop the web server, the task worker and the scheduler.\n")

        code = supervisor.run(on_started=announce)
        if code:
            sys.exit(code)
        self.stdout.write("KAA demo stopped.")
