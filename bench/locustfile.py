"""Locust scenario for the load test (issue 16): staff working a normal day. Run through ``bench/load.py``.

80 % coaches: the worklist, then the pages of youths on it (and, now and then, the next page of the
worklist or a note in a youth's journal); 20 % coordinators: the register list (filtered and paged), the
overview, the unassigned queue, import runs, the audit log, the reports page, and a register export of one
coach's youths. Each simulated user logs in once through the login form, as a person does. Who is who comes
from the JSON file ``KAA_LOAD_USERS`` (written by ``bench/load.py`` from ``bench/dataset.py``).
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

with open(os.environ["KAA_LOAD_USERS"], encoding="utf-8") as _f:
    USERS = json.load(_f)
PASSWORD = USERS["password"]
_coaches = itertools.cycle(USERS["coaches"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_WORK_TIMES: list[float] = []  # every request but logging in, in ms: the budget is about the working day
# The same once every simulated person has logged in: the working day after the morning's logins (each an
# Argon2 hash, slow on purpose, so that a whole staff logging in within seconds holds the CPU meanwhile).
_STEADY_TIMES: list[float] = []
_USERS = int(os.environ.get("KAA_LOAD_USER_COUNT", "0"))
_logged_in = 0


@events.request.add_listener
def _record(name: str, response_time: float, **_kwargs) -> None:
    if not name.startswith("login"):
        _WORK_TIMES.append(response_time)
        if _logged_in >= _USERS:
            _STEADY_TIMES.append(response_time)


@events.quitting.add_listener
def _write(**_kwargs) -> None:
    if os.environ.get("KAA_LOAD_TIMES"):
        with open(os.environ["KAA_LOAD_TIMES"], "w", encoding="utf-8") as f:
            json.dump({"all": _WORK_TIMES, "steady": _STEADY_TIMES}, f)


class Staff(HttpUser):
    abstract = True
    # A person reads a page before the next click: KAA_LOAD_THINK="MIN MAX" seconds (bench/load.py --think).
    wait_time = between(*(float(x) for x in os.environ.get("KAA_LOAD_THINK", "1 3").split()))
    username = ""

    def log_in(self) -> None:
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text)
        self.client.post("/accounts/login/", name="login",
                         data={"username": self.username, "password": PASSWORD,
                               "csrfmiddlewaretoken": token.group(1) if token else ""},
                         headers={"Referer": f"{self.host}/accounts/login/"})
        global _logged_in
        _logged_in += 1

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class Coach(Staff):
    weight = 8

    def on_start(self) -> None:
        self.username = next(_coaches)
        self.youths = USERS["youths_by_coach"].get(self.username) or [USERS["busy_youth"]]
        self.cases = USERS["cases_by_coach"].get(self.username) or []
        self.log_in()

    @task(4)
    def worklist(self) -> None:
        self.client.get("/outreach/worklist/", name="worklist")

    @task(6)
    def youth_page(self) -> None:
        self.client.get(f"/register/youths/{random.choice(self.youths)}/", name="youth page")

    @task(1)
    def journal_note(self) -> None:
        if not self.cases:
            return
        youth = random.choice(self.cases)
        self.client.post(f"/casework/youths/{youth}/journal/new/", name="journal note",
                         data={"kind": "phone", "occurred_on": datetime.date.today().isoformat(),
                               "text": "Samtal om praktikplats.", "csrfmiddlewaretoken": self.csrf()},
                         headers={"Referer": f"{self.host}/register/youths/{youth}/"})


class Coordinator(Staff):
    weight = 2

    def on_start(self) -> None:
        self.username = USERS["coordinator"]
        self.log_in()

    @task(4)
    def register_list(self) -> None:
        self.client.get(f"/register/?page={random.randint(1, 50)}", name="register list")

    @task(2)
    def register_search(self) -> None:
        # Searches are POSTed (a personnummer never stands in a URL).
        self.client.post("/register/", name="register search",
                         data={"q": f"Efternamn{random.randint(1, 4999)}", "csrfmiddlewaretoken": self.csrf()},
                         headers={"Referer": f"{self.host}/register/"})

    @task(2)
    def overview(self) -> None:
        self.client.get("/outreach/overview/", name="overview")

    @task(2)
    def unassigned(self) -> None:
        self.client.get("/outreach/assign/", name="unassigned queue")

    @task(1)
    def import_runs(self) -> None:
        self.client.get("/imports/", name="import runs")

    @task(1)
    def audit_log(self) -> None:
        self.client.get("/audit/", name="audit log")

    @task(1)
    def reports(self) -> None:
        self.client.get("/reports/", name="reports")

    @task(1)
    def export(self) -> None:
        coach = random.choice(USERS["coach_ids"])
        self.client.post(f"/register/export/?coach={coach}", name="register export (one coach's youths)",
                         data={"format": "csv", "csrfmiddlewaretoken": self.csrf()},
                         headers={"Referer": f"{self.host}/register/"})
