"""Demo data for outreach: the Älmhult chain, assignments, and youths at every stage of it."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from kaa.outreach import selectors, services
from kaa.outreach.models import Channel, ContactChain, MeetingPlace, Outcome, Preset
from kaa.register.models import Youth

SCENARIOS = ["fresh", "letter", "calls", "calls", "home_visit", "reached", "reached", "letter"]
# Youths who entered long ago have mostly been reached by now; a few are still being looked for.
OLD_SCENARIOS = ["reached"] * 6 + ["home_visit", "calls", "letter"]


def _at(start: datetime.date, days: int, hour: int, now: datetime.datetime) -> datetime.datetime:
    at = timezone.make_aware(datetime.datetime.combine(start + datetime.timedelta(days=days), datetime.time(hour, 15)))
    return min(at, now - datetime.timedelta(hours=1))


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    if not ContactChain.objects.filter(municipality=municipality, is_active=True).exists():
        services.chain_install_preset(municipality=municipality, preset=Preset.ALMHULT, user=users.get("admin"))
    coaches = [users[name] for name in ("coach1", "coach2") if name in users]
    youths = list(Youth.objects.filter(municipality=municipality, in_target_group=True, coach__isnull=True,
                                       protection="").order_by("pk"))
    if not coaches:
        return
    keep_unassigned = max(1, len(youths) // 8)
    to_assign = youths[keep_unassigned:]
    for i, coach in enumerate(coaches):
        services.youths_assign(youths=to_assign[i::len(coaches)], coach=coach, user=users.get("samordnare"))
    # Every assigned youth without contacts yet gets a history (the register demo may assign too).
    worked = list(Youth.objects.filter(municipality=municipality, in_target_group=True, coach__in=coaches,
                                       protection="").exclude(contact_attempts__isnull=False)
                  .select_related("coach").order_by("pk"))
    if not worked:
        return
    states = selectors.states_for(worked)
    now = timezone.now()
    special = {"declined": worked[0].pk, "concern": worked[1].pk if len(worked) > 1 else None}
    for youth in worked:
        start = states[youth.pk].start or today
        coach = youth.coach
        scenario = ("declined" if youth.pk == special["declined"] else
                    "concern" if youth.pk == special["concern"] else
                    rng.choice(SCENARIOS if (today - start).days < 45 else OLD_SCENARIOS))
        _play(scenario, youth, coach, start, now, rng, colleague=coaches[-1] if coach != coaches[-1] else coaches[0])


def _play(scenario: str, youth: Youth, coach: Any, start: datetime.date, now: datetime.datetime,
          rng: random.Random, colleague: Any) -> None:
    if scenario == "fresh":
        return
    minor = youth.age_on(start) < 18

    def contact(days: int, hour: int, channel: str, outcome: str) -> None:
        services.contact_record(youth=youth, user=coach, channel=channel, at=_at(start, days, hour, now),
                                outcome=outcome, to_guardian=minor and channel == Channel.PHONE, source="demo")

    contact(1, 9, Channel.SOCIAL_SERVICES_CHECK, Outcome.SENT)
    contact(2, 10, Channel.LETTER, Outcome.SENT)
    if scenario == "letter":
        return
    if scenario == "declined":
        contact(4, 18, Channel.PHONE, Outcome.DECLINED)
        return
    if scenario == "reached":
        contact(3, 18, Channel.PHONE, Outcome.REACHED)
        place = rng.choice([MeetingPlace.OFFICE, MeetingPlace.CAFE, MeetingPlace.HOME, MeetingPlace.VIDEO])
        services.first_meeting_book(youth=youth, user=coach, at=_at(start, 8, 14, now), place=place,
                                    colleague=colleague if place == MeetingPlace.HOME else None)
        return
    for day, hour in ((3, 10), (4, 18), (6, 13), (7, 19))[: rng.randint(2, 4)]:
        contact(day, hour, Channel.PHONE, rng.choice([Outcome.NO_ANSWER, Outcome.MESSAGE_LEFT]))
    if scenario == "calls":
        return
    contact(16, 15, Channel.HOME_VISIT, Outcome.NO_ANSWER)
    if scenario == "concern":
        contact(30, 15, Channel.HOME_VISIT, Outcome.NO_ANSWER)
        sent_on = min(start + datetime.timedelta(days=35), timezone.localdate(now))
        services.concern_report_record(youth=youth, user=coach, sent_on=sent_on,
                                       follow_up_on=sent_on + datetime.timedelta(days=14))
