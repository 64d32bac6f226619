"""Demo data for meetings: last Friday's case review of the first coach's team (decisions in the
journal, a next step on the worklist, who was present), two network meetings six weeks apart with the
employment service (youths only with their consent, decisions and follow-ups) and a steering-group
meeting this term (figures, no names).

``seed_demo`` is the hook the demo seed calls (``kaa.demo.seed.HOOK_APPS``, same signature); it writes
through the services, so events, journal entries and the audit log are as in real use. Synthetic text only.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.exceptions import ValidationError

from kaa.casework.models import Consent, Partner
from kaa.meetings import selectors, services
from kaa.meetings.models import Meeting, MeetingKind
from kaa.register.models import Youth

DECISIONS = [
    ("Coachen gör ett hembesök enligt rutinen och lämnar ett visitkort.", "Hembesök", 3),
    ("Vi erbjuder praktik via Arbetsmarknadsenheten; coachen tar upp det vid nästa samtal.", "Ring om praktik", 4),
    ("Ungdomen mår bättre och vill börja studera i höst. SYV bokar ett samtal.", "", 0),
    ("Vi väntar in svar från skolan innan vi gör något mer.", "", 0),
]
ATTENDEES = (
    "Kim Exempelsson, Arbetsförmedlingen\nMaja Testsson, Socialtjänsten\n"
    "Robin Påhittad, Introduktionsprogrammet\nSamordnaren, KAA"
)


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    coordinator, coach = users.get("samordnare"), users.get("coach1")
    if coordinator is None or coach is None:
        return
    membership = coach.memberships.filter(municipality=municipality, team__isnull=False).first()
    if membership is not None:
        _review(membership.team, coach, coordinator, today)
    _network(municipality, coordinator, rng, today)


def _last_friday(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=(today.weekday() - 4) % 7)


def _review(team: Any, coach: Any, coordinator: Any, today: datetime.date) -> None:
    friday = _last_friday(today)
    review = services.review_open(team=team, user=coordinator, on=friday)
    services.review_present_set(review=review, user=coordinator, present=[coach, coordinator], others="Lärare, SYV")
    for proposal, (text, step, in_days) in zip(
        selectors.review_proposals(user=coach, team=team, on=friday), DECISIONS, strict=False
    ):
        services.review_decide(
            review=review,
            youth=proposal.youth,
            user=coach,
            text=text,
            next_step=step,
            next_step_on=today + datetime.timedelta(days=in_days) if step else None,
            reasons=proposal.codes,
        )


def _network(municipality: Any, coordinator: Any, rng: random.Random, today: datetime.date) -> None:
    af = Partner.objects.filter(municipality=municipality, name="Arbetsförmedlingen").first()
    social = Partner.objects.filter(municipality=municipality, name="Socialtjänsten").first()
    if af is None:
        return
    earlier = services.meeting_save(
        meeting=Meeting(
            municipality=municipality,
            kind=MeetingKind.NETWORK,
            held_on=today - datetime.timedelta(days=44),
            place="Campus, sal 12",
            attendees=ATTENDEES,
            agenda="1. Ungdomar vi inte nått\n2. Nya insatser hos AF",
            minutes="AF:s nya ungdomsgrupp startar i början av nästa månad.",
        ),
        user=coordinator,
        partners=[p for p in (af, social) if p is not None],
    )
    latest = services.meeting_save(
        meeting=Meeting(
            municipality=municipality,
            kind=MeetingKind.NETWORK,
            held_on=today - datetime.timedelta(days=2),
            place="Campus, sal 12",
            attendees=ATTENDEES.replace("\nMaja Testsson, Socialtjänsten", ""),
            agenda="1. Ungdomar med samtycke\n2. Sommarjobb",
            minutes="Sommarjobben annonseras i mars.",
        ),
        user=coordinator,
        partners=[af],
    )
    consenting = list(
        Youth.objects.filter(
            pk__in=Consent.objects.filter(partner_org=af, withdrawn_on__isnull=True).values("youth_id"),
            municipality=municipality,
        ).order_by("pk")[:3]
    )
    for i, youth in enumerate(consenting):
        try:
            item = services.meeting_youth_add(meeting=latest, youth=youth, user=coordinator)
        except ValidationError:  # a consent not yet valid on the meeting's day
            continue
        if i < 2:
            services.meeting_youth_decide(
                item=item,
                user=coordinator,
                text=rng.choice(
                    [
                        "AF bokar ett trepartsmöte med ungdomen och coachen.",
                        "Ungdomen erbjuds en plats i AF:s ungdomsgrupp.",
                    ]
                ),
            )
    services.follow_up_add(
        meeting=earlier,
        user=coordinator,
        text="Bjud in Fontänhuset till nästa möte",
        responsible="Samordnaren",
        due_on=today - datetime.timedelta(days=10),
    )
    services.follow_up_add(
        meeting=latest,
        user=coordinator,
        text="Skicka listan över sommarjobb till coacherna",
        responsible="Kim Exempelsson",
        due_on=today + datetime.timedelta(days=7),
    )
    steering_on = selectors.next_meeting_on(
        meeting_kind=MeetingKind.STEERING, municipality_id=municipality.pk, today=today
    )
    services.meeting_save(
        meeting=Meeting(
            municipality=municipality,
            kind=MeetingKind.STEERING,
            held_on=steering_on,
            place="Kommunhuset",
            attendees="Rektor\nIM-samordnare\nSYV\nArbetsmarknadsenheten",
            agenda="1. Läget i siffror\n2. Uppföljning",
            minutes="",
        ),
        user=coordinator,
        partners=[],
    )
