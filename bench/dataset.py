"""A county-sized synthetic data set for the page benchmark and the load test (issue 16).

``build(youths=100_000, events_per_youth=20, audit_rows=20_000_000)`` writes, set-based (``COPY`` on
PostgreSQL through ``kaa.core.bulk``), one municipality with teams, coaches and a coordinator; youths (three
in five in the target group, with their register periods; four in five of those assigned to a coach); their
events (``register.entered``, then contact attempts with their ``outreach.contact`` events); a case for one
in ten (occupation, action plan, two measures, two journal entries); import runs; and the audit log's rows
(one row per youth seen, spread over a year, on PostgreSQL written by one ``INSERT … SELECT`` from
``generate_series``). One youth, assigned to the first coach, has 500 events. Every personnummer is synthetic
(``kaa.demo.identity``). The users' password is ``PASSWORD``.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

PASSWORD = "bench-load-2026"  # noqa: S105 (synthetic users on a throwaway database)
CHANNELS = ("phone", "sms", "letter")
OUTCOMES = ("no_answer", "no_answer", "sent", "reached")


@dataclass
class Dataset:
    municipality_id: int
    coordinator: str
    coaches: list[str]
    youths_by_coach: dict[str, list[int]] = field(default_factory=dict)
    cases_by_coach: dict[str, list[int]] = field(default_factory=dict)
    coach_ids: list[int] = field(default_factory=list)
    busy_youth: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def existing() -> Dataset | None:
    """Who is who in the data set ``build`` wrote earlier into this database (None when there is none)."""
    from kaa.accounts.models import Membership, Role, User
    from kaa.register.models import Youth

    coordinator = User.objects.filter(username="bench-samordnare").first()
    if coordinator is None:
        return None
    municipality_id = Membership.objects.filter(user=coordinator, role=Role.COORDINATOR).values_list(
        "municipality_id", flat=True).get()
    coaches = list(User.objects.filter(username__startswith="bench-coach").order_by("username")
                   .values_list("pk", "username"))
    busy = Youth.objects.filter(coach_id=coaches[0][0]).order_by("pk").values_list("pk", flat=True).first()
    return Dataset(municipality_id=municipality_id, coordinator=coordinator.username,
                   coaches=[name for _pk, name in coaches], coach_ids=[pk for pk, _name in coaches],
                   busy_youth=busy or 0)


def _say(label: str, started: float, timings: dict[str, float]) -> float:
    now = time.perf_counter()
    timings[label] = now - started
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


def build(*, youths: int = 100_000, events_per_youth: int = 20, audit_rows: int = 20_000_000,
          coaches: int | None = None, teams: int | None = None, seed: int = 16) -> Dataset:
    """Write the data set into the (migrated, empty) database and return who is who.

    By default one coach per 250 youths of the population (about 120 in the register, 100 assigned) and
    teams of five coaches, as in a municipality that staffs the activity responsibility as seed 000 plans.
    """
    coaches = coaches or max(10, youths // 250)
    teams = teams or max(1, coaches // 5)
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from kaa.accounts.models import Membership, Role, User
    from kaa.casework.codes import ensure_default_codes
    from kaa.casework.models import ActionPlan, Case, JournalEntry, Measure, Occupation
    from kaa.core.bulk import bulk_insert
    from kaa.demo.identity import personnummer_for
    from kaa.imports.models import ImportRun
    from kaa.organisations.models import Municipality, Team
    from kaa.outreach.models import ContactAttempt
    from kaa.outreach.services import chain_ensure
    from kaa.register.models import RegisterPeriod, Youth, YouthEvent

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    today = timezone.localdate()
    now = timezone.now()
    ensure_default_codes()
    municipality, _ = Municipality.objects.get_or_create(code="0480", defaults={"name": "Nyköping"})
    chain_ensure(municipality=municipality)
    team_objs = [Team.objects.create(municipality=municipality, name=f"Team {i + 1}") for i in range(teams)]
    password = make_password(PASSWORD)
    coordinator = User.objects.create(username="bench-samordnare", password=password, first_name="Sam",
                                      last_name="Ordnare")
    Membership.objects.create(user=coordinator, municipality=municipality, role=Role.COORDINATOR)
    coach_objs = User.objects.bulk_create([
        User(username=f"bench-coach{i:03d}", password=password, first_name="Coach", last_name=f"{i:03d}")
        for i in range(coaches)])
    Membership.objects.bulk_create([
        Membership(user=c, municipality=municipality, role=Role.COACH, team=team_objs[i % teams])
        for i, c in enumerate(coach_objs)])
    t = _say("staff", t, timings)

    base = datetime.date(2006, 9, 1)
    rows, assigned, k = [], {}, 0
    for i in range(youths):
        birth = base + datetime.timedelta(days=i % 1400)
        in_group = i % 5 < 3
        coach = None
        if in_group and i % 5 != 2:  # four in five of the register have a coach, spread evenly
            coach_index, k = k % coaches, k + 1
            coach = coach_objs[coach_index]
        since = today - datetime.timedelta(days=rng.randint(1, 600)) if in_group else None
        rows.append((municipality.pk, personnummer_for(birth, i // 1400 + 1), birth, f"Förnamn{i % 997}",
                     f"Efternamn{i % 4999}", True, "0480", in_group, "avbrott" if in_group else "",
                     since, coach.pk if coach else None,
                     team_objs[coach_index % teams].pk if coach else None, f"Exempelgatan {i % 90 + 1}", "611 30",
                     "Nyköping"))
    bulk_insert(Youth, ("municipality", "personnummer", "birth_date", "given_name", "family_name",
                        "in_population", "municipality_code", "in_target_group", "register_reason",
                        "register_since", "coach", "team", "address", "postal_code", "city"), rows)
    facts = list(Youth.objects.filter(municipality=municipality).order_by("pk")
                 .values_list("pk", "in_target_group", "register_since", "coach_id"))
    ids = [pk for pk, *_ in facts]
    usernames = {c.pk: c.username for c in coach_objs}
    for pk, _in, _since, coach_id in facts:
        if coach_id:
            assigned.setdefault(usernames[coach_id], []).append(pk)
    bulk_insert(RegisterPeriod, ("youth", "municipality", "in_target_group", "reason", "valid_from"),
                [(pk, municipality.pk, True, "avbrott", since) for pk, in_group, since, _c in facts if in_group])
    t = _say(f"{youths} youths and their register periods", t, timings)

    def event_rows():
        for pk, in_group, since, _coach in facts:
            start = datetime.datetime.combine(since or today - datetime.timedelta(days=400), datetime.time(9),
                                              tzinfo=datetime.UTC)
            yield (pk, "register.entered" if in_group else "register.left", start, {"reason": "avbrott"})
            for e in range(events_per_youth - 1):
                yield (pk, "outreach.contact", start + datetime.timedelta(days=e * 7 + 1),
                       {"channel": CHANNELS[e % 3], "outcome": OUTCOMES[(pk + e) % 4]})

    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "data"), event_rows())
    bulk_insert(ContactAttempt, ("youth", "channel", "at", "outcome", "source"),
                ((pk, CHANNELS[e % 3], datetime.datetime.combine(since, datetime.time(10), tzinfo=datetime.UTC)
                  + datetime.timedelta(days=e * 7 + 1), OUTCOMES[(pk + e) % 4], "ui")
                 for pk, in_group, since, _c in facts if in_group for e in range(min(4, events_per_youth))))
    t = _say(f"{youths * events_per_youth} events and the contact attempts", t, timings)

    with_case = [pk for k, (pk, in_group, _s, coach) in enumerate(facts) if in_group and coach and k % 6 == 0]
    coach_of = {pk: usernames[coach] for pk, _in, _since, coach in facts if coach}
    cases_by_coach: dict[str, list[int]] = {}
    for youth_id in with_case:
        cases_by_coach.setdefault(coach_of[youth_id], []).append(youth_id)
    bulk_insert(Case, ("youth", "status", "opened_on", "status_since"), [(y, "open", today, today) for y in with_case])
    bulk_insert(Occupation, ("youth", "code", "start"), [(y, "ingen", today) for y in with_case])
    bulk_insert(ActionPlan, ("youth", "goal", "revision"), [(y, "Mål", 1) for y in with_case])
    plans = dict(ActionPlan.objects.values_list("youth_id", "pk"))
    bulk_insert(Measure, ("plan", "youth", "code", "start", "responsible"),
                [(plans[y], y, code, today - datetime.timedelta(days=30), "municipality")
                 for y in with_case for code in ("regelbundna_samtal", "praktik")])
    bulk_insert(JournalEntry, ("youth", "kind", "occurred_on", "text", "confidential"),
                [(y, kind, today, "Anteckning", False) for y in with_case for kind in ("meeting", "phone")])
    bulk_insert(ImportRun, ("kind", "municipality", "file_name", "full", "finished_at"),
                [("population", municipality.pk, f"folkbokforing-{i}.csv", True, now) for i in range(400)])
    t = _say(f"{len(with_case)} cases, 400 import runs", t, timings)

    busy = assigned[coach_objs[0].username][0]
    YouthEvent.objects.bulk_create([
        YouthEvent(youth_id=busy, kind="outreach.contact", occurred_at=now - datetime.timedelta(hours=i),
                   data={"channel": "phone", "outcome": "no_answer"}) for i in range(500)])

    if audit_rows:
        _audit(connection, audit_rows, ids, [c.pk for c in coach_objs], coaches, municipality.pk)
        t = _say(f"{audit_rows} audit rows", t, timings)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    _say("ANALYZE", t, timings)
    return Dataset(municipality_id=municipality.pk, coordinator=coordinator.username,
                   coaches=[c.username for c in coach_objs], youths_by_coach=assigned,
                   cases_by_coach=cases_by_coach, coach_ids=[c.pk for c in coach_objs], busy_youth=busy,
                   timings=timings)


def _audit(connection, rows: int, youth_ids: list[int], coach_ids: list[int], coaches: int,
           municipality_id: int) -> None:
    """``rows`` audit entries over the last year: coaches viewing youths (one row per youth seen)."""
    from kaa.audit.models import AuditEntry
    from kaa.core.bulk import bulk_insert

    low, n = youth_ids[0], len(youth_ids)
    first_coach = coach_ids[0]
    if connection.vendor == "postgresql":
        # A year of a running installation: the daily job has made each month's partition before it began
        # (kaa.audit.partitions), so the rows go into their months, not into the default partition.
        from kaa.audit.partitions import Month, create_month

        this_month = Month.of(datetime.datetime.now(datetime.UTC).date())
        for back in range(13, 0, -1):
            create_month(this_month.next(-back))
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO audit_auditentry (at, user_id, username, action, object_type, object_id, youth_id,
                                              municipality_id, fields, channel, request_id, detail)
                SELECT now() - (g % 525600) * interval '1 minute', %(coach)s + g %% %(coaches)s,
                       'bench-coach' || lpad((g %% %(coaches)s)::text, 3, '0'), 'view', 'youth',
                       (%(low)s + g %% %(n)s)::text, %(low)s + g %% %(n)s, %(municipality)s, '[]'::jsonb,
                       'ui', md5(g::text), ''
                FROM generate_series(1, %(rows)s) AS g
                """.replace("(g % 525600)", "(g %% 525600)"),
                {"coach": first_coach, "coaches": coaches, "low": low, "n": n, "municipality": municipality_id,
                 "rows": rows})
        return
    now = datetime.datetime.now(datetime.UTC)
    bulk_insert(AuditEntry, ("at", "user", "username", "action", "object_type", "object_id", "youth_id",
                             "municipality_id", "fields", "channel", "request_id", "detail"),
                ((now - datetime.timedelta(minutes=g % 525600), first_coach + g % coaches,
                  f"bench-coach{g % coaches:03d}", "view", "youth", str(low + g % n), low + g % n,
                  municipality_id, [], "ui", f"{g:032x}", "") for g in range(1, rows + 1)))
