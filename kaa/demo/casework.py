"""Demo data for case work: the activity bank, and the reached demo youths' cases in every stage
(mapped, planned, in a measure, evaluated, declined, proposed for closing after starting a national
programme, closed), so that a newcomer sees a living case on first login.

``seed_demo`` is the hook the demo seed calls (``kaa.demo.seed.HOOK_APPS``, same signature);
it writes through the services, so events and the audit log are as in real use. Synthetic text only.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from kaa.casework import services
from kaa.casework.codes import ensure_default_codes
from kaa.casework.models import Activity, CaseStatus, Closing, Partner, Referral
from kaa.register.models import Youth

ACTIVITIES = [
    # title, measure code, provider, capacity, description
    ("Motiverande samtal", "enstaka_samtal", "KAA", None, "Samtal i MI-anda om vad du vill göra framåt."),
    ("Studie- och yrkesvägledning", "syv", "Vägledningscentrum", None, "Träffa en SYV om utbildningar och yrken."),
    ("Praktik i kommunens verksamheter", "praktik", "Arbetsmarknadsenheten", None, "Prova på arbete, 4–12 veckor."),
    ("Jobbsökarstöd", "regelbundna_samtal", "Arbetsmarknadsenheten", 10, "CV, personligt brev och intervjuträning."),
    ("Steg1", "regelbundna_samtal", "Fritidsgården", 1, "Gruppverksamhet två eftermiddagar i veckan."),
    ("Coffee 'n coaching", "regelbundna_samtal", "KAA", None, "Fika och coachning på biblioteket."),
    ("Körkortsteori", "studier", "Studieförbundet", 12, "Teorikurs för B-körkort i grupp."),
    ("Studier på Campus", "studier", "Campus Nyköping", None, "Komvuxkurser med stöd av KAA."),
    ("Folkhögskolans allmänna kurs", "studier", "Folkhögskolan", 4, "Läs in gymnasiebehörighet i egen takt."),
]
UNUSED = ("Studiebesök på arbetsplatser", "enstaka_samtal", "Näringslivsenheten", 8, "Besök hos företag i kommunen.")

STAGES = ["mapped", "planned", "in_measure", "evaluated", "declined_measure", "in_measure", "declined",
          "started_programme", "closed", "in_measure_waiting"]

WORKED = ["Praktiska ämnen och idrott", "Lärarna i slöjd", "Små grupper", "Att få arbeta i egen takt"]
NOT_WORKED = ["Stora klasser", "Matematiken", "Att komma i tid på morgonen", "Mycket frånvaro i nian"]
INTERESTS = ["Musik och att spela gitarr", "Bilar och motorer", "Gaming och datorer", "Djur, särskilt hästar",
             "Fotboll och träning", "Matlagning"]
WISHES = ["Bli elektriker", "Jobba med barn", "Tjäna egna pengar", "Läsa in gymnasiet", "Ta körkort"]
STRENGTHS = ["Noggrann och hjälpsam", "Bra på att lösa problem", "Social och glad", "Uthållig när det är roligt"]
NEEDS = ["Hjälp att komma igång på morgonen", "Någon att prata med varje vecka", "Stöd med att söka utbildning"]
OBSTACLES = ["Saknar busskort", "Har ingen dator hemma", "Långt till stan", ""]
GOALS = ["Börja på komvux och läsa in matte och svenska", "Få en praktikplats och sedan ett jobb",
         "Söka till gymnasiets el- och energiprogram i höst", "Komma igång med något på dagarna"]


def _day(today: datetime.date, offset: int) -> datetime.date:
    """A day relative to the demo's today, never after the real today (services refuse future dates)."""
    return min(today + datetime.timedelta(days=offset), timezone.localdate())


def _activities(municipality: Any, coordinator: Any, today: datetime.date) -> dict[str, Activity]:
    made = {}
    for i, (title, code, provider, capacity, description) in enumerate(ACTIVITIES):
        activity = Activity(municipality=municipality, title=title, measure_code=code, provider=provider,
                            capacity=capacity, description=description, contact="kaa@example.invalid",
                            next_start=today + datetime.timedelta(days=7 + 7 * (i % 4)))
        made[title] = services.activity_save(activity=activity, user=coordinator)
    title, code, provider, capacity, description = UNUSED
    unused = services.activity_save(activity=Activity(municipality=municipality, title=title, measure_code=code,
                                                      provider=provider, capacity=capacity,
                                                      description=description), user=coordinator)
    Activity.objects.filter(pk=unused.pk).update(created_at=timezone.now() - datetime.timedelta(days=500))
    return made


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    ensure_default_codes()
    coordinator = users.get("samordnare")
    coaches = [users[name] for name in ("coach1", "coach2") if name in users]
    if coordinator is None or not coaches:
        return
    # coach1 holds the grant for confidential entries (a demo of the grant); coach2 does not.
    coaches[0].memberships.filter(municipality=municipality).update(may_see_confidential=True)
    activities = _activities(municipality, coordinator, today)
    reached = list(Youth.objects.filter(municipality=municipality, in_target_group=True, coach__in=coaches,
                                        protection="", first_meetings__isnull=False)
                   .select_related("coach", "municipality").distinct().order_by("pk"))
    for i, youth in enumerate(reached):
        stage = STAGES[i % len(STAGES)]
        _play(stage, youth, youth.coach, coordinator, activities, rng, today, confidential=i % 7 == 3)
        # Most coaches spoke with their youth lately; a few have not, which the start page shows.
        if stage not in ("declined", "closed") and rng.random() < 0.8:
            services.journal_add(youth=youth, user=youth.coach, kind="phone",
                                 occurred_on=_day(today, -rng.randint(1, 20)),
                                 text="Vem ringde vem: coachen ringde ungdomen.\nVad det gällde: hur det går "
                                      "just nu.\nNästa steg: ses nästa vecka.")


def _play(stage: str, youth: Youth, coach: Any, coordinator: Any, activities: dict[str, Activity],
          rng: random.Random, today: datetime.date, confidential: bool) -> None:
    start = _day(today, -rng.randint(40, 90))
    services.occupation_record(youth=youth, user=coach, code=rng.choice(["ingen", "okand", "annat"]), start=start)
    services.mapping_save(youth=youth, user=coach, held_on=start, place=rng.choice(["Biblioteket", "Kaféet i stan",
                                                                                      "KAA:s kontor", "Video"]),
                          participants="Ungdomen och coachen", school_worked=rng.choice(WORKED),
                          school_not_worked=rng.choice(NOT_WORKED), interests=rng.choice(INTERESTS),
                          wishes=rng.choice(WISHES), strengths=rng.choice(STRENGTHS),
                          support_needs=rng.choice(NEEDS), obstacles=rng.choice(OBSTACLES))
    services.journal_add(youth=youth, user=coach, kind="meeting", occurred_on=start,
                         text="Plats: enligt ungdomens val\nVad vi pratade om: skolan, intressen och vad "
                              "ungdomen vill framåt.\nNästa steg: träffas igen om två veckor.")
    if confidential:
        services.journal_add(youth=youth, user=coach, kind="network", occurred_on=_day(today, -20), confidential=True,
                             text="Ungdomen berättade om kontakt med vården. Vi kom överens om att KAA "
                                  "hjälper till att boka tid. (Påhittat exempel.)")
    if stage == "mapped":
        services.mapping_save(youth=youth, user=coach, held_on=_day(today, -5), place="Biblioteket",
                              participants="Ungdomen och coachen", school_worked=rng.choice(WORKED),
                              interests=rng.choice(INTERESTS) + ", och nu även träning", wishes=rng.choice(WISHES))
        return
    if stage == "declined":
        services.case_close(youth=youth, user=coach, reason="avbojt", on=_day(today, -10))
        return
    services.plan_save(youth=youth, user=coach, goal=rng.choice(GOALS),
                       review_on=today + datetime.timedelta(days=rng.randint(3, 40)))
    partners = {p.name: p for p in Partner.objects.filter(municipality=youth.municipality)}
    af = partners.get("Arbetsförmedlingen")
    services.consent_record(youth=youth, user=coach, partner_org=af, partner="Arbetsförmedlingen",
                            purpose="Planera praktik och jobbsökande tillsammans", valid_from=_day(today, -30))
    if af is not None and stage != "planned":
        # Referred to the employment service; the answer depends on how far the case has come.
        referral = services.referral_add(youth=youth, user=coach, partner=af, referred_on=_day(today, -25),
                                         purpose="Inskrivning och stöd i jobbsökandet")
        if stage in ("evaluated", "started_programme", "closed"):
            services.referral_answer(referral=referral, user=coach, status="done", answered_on=_day(today, -5),
                                     note="Inskriven, har fått en handläggare.")
        elif stage != "in_measure_waiting":
            services.referral_answer(referral=referral, user=coach, status="accepted", answered_on=_day(today, -20))
    social = partners.get("Socialtjänsten")
    if social is not None and confidential:
        # Consent to one partner does not cover another: the social-services referral has its own.
        services.consent_record(youth=youth, user=coach, partner_org=social, purpose="Stöd med boende",
                                valid_from=_day(today, -15), given_by="youth" if youth.age_on(today) >= 18
                                else "guardian")
        services.referral_add(youth=youth, user=coach, partner=social, referred_on=_day(today, -14),
                              purpose="Stöd med boende")
    talk = services.measure_add(youth=youth, user=coach, activity=activities["Coffee 'n coaching"],
                                start=_day(today, -30), follow_up_on=_day(today, -2),
                                goal="Träffas varje vecka och hålla igång planen")
    if stage == "planned":
        services.measure_add(youth=youth, user=coach, activity=activities["Studie- och yrkesvägledning"],
                             start=today + datetime.timedelta(days=10), goal="Välja utbildning")
        return
    if stage == "declined_measure":
        services.measure_add(youth=youth, user=coach, activity=activities["Praktik i kommunens verksamheter"],
                             start=_day(today, -14), declined=True, goal="Prova på arbete")
        return
    practice = services.measure_add(
        youth=youth, user=coach,
        activity=activities["Steg1" if stage == "in_measure_waiting" else "Praktik i kommunens verksamheter"],
        start=_day(today, -21), end=today + datetime.timedelta(days=rng.randint(2, 30)),
        evaluate_on=today + datetime.timedelta(days=rng.randint(-3, 10)), follow_up_on=_day(today, -7),
        goal="Prova på arbete och få referenser", responsible="municipality")
    services.occupation_record(youth=youth, user=coach, code="praktik", start=_day(today, -21))
    services.measure_evaluate(measure=talk, user=coach, kind="follow_up", on=_day(today, -6), happened="yes",
                              how_it_went="Kommer varje vecka.", youth_view="Skönt att ha något att gå till.")
    if stage in ("in_measure", "in_measure_waiting"):
        return
    services.measure_update(measure=practice, user=coach, end=_day(today, -3), end_reason="genomford")
    services.measure_evaluate(measure=practice, user=coach, kind="after", on=_day(today, -2), happened="yes",
                              how_it_went="Praktiken gick bra, handledaren var nöjd.",
                              youth_view="Jag vill jobba med det här.", next_step="Söka utbildning till hösten")
    if stage == "evaluated":
        services.occupation_record(youth=youth, user=coach, code="komvux", start=_day(today, -1))
        return
    # started_programme / closed: the register learns that the youth started a national programme.
    from kaa.register.services import correction_enrolment_add

    correction_enrolment_add(youth=youth, user=coordinator, reason="Skolan meddelade att eleven börjat",
                             school_type="GY", programme="EE", start_date=_day(today, -2),
                             school_unit_name="Nyköpings gymnasium")
    youth.refresh_from_db()
    if stage == "closed" and not youth.in_target_group:
        services.case_close(youth=youth, user=coach, reason="paborjat_utbildning", on=_day(today, -1),
                            from_proposal=True, register_reason=youth.register_reason)


def summary(municipality: Any) -> dict[str, int]:
    """What the demo made, for the seed's log and the tests."""
    from kaa.casework.models import Case, Measure

    cases = Case.objects.filter(youth__municipality=municipality)
    return {
        "open": cases.filter(status=CaseStatus.OPEN).count(),
        "declined": cases.filter(status=CaseStatus.DECLINED).count(),
        "closed": Closing.objects.filter(youth__municipality=municipality).count(),
        "measures": Measure.objects.filter(youth__municipality=municipality).count(),
        "activities": Activity.objects.filter(municipality=municipality).count(),
        "partners": Partner.objects.filter(municipality=municipality).count(),
        "referrals": Referral.objects.filter(youth__municipality=municipality).count(),
    }
