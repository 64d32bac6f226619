"""Demo data for hand-over: a second municipality of the installation (Oxelösund) with its coordinator,
fraktsedlar given at transitions, and transfers between the two (one waiting for an answer with the case,
one rejected), so both coordinators see a transfer on their start page on first login.

``seed_demo`` is the hook the demo seed calls (``kaa.demo.seed.HOOK_APPS``); it writes through the
services, so events and the audit log are as in real use. Synthetic names and text only.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from kaa.accounts.models import Membership, Role, User
from kaa.casework import services as casework
from kaa.casework.models import Mapping
from kaa.handover import services
from kaa.handover.models import FraktsedelSection, Transition
from kaa.organisations.models import Municipality
from kaa.register.models import Youth

OTHER_CODE, OTHER_NAME = "0481", "Oxelösund"
OTHER_COORDINATOR = "samordnare-oxelosund"
RECIPIENTS = [
    (Transition.PARTNER, "Arbetsförmedlingen", "Handläggare i DUA-teamet"),
    (Transition.PARTNER, "Folkhögskolan", "Kursansvarig allmän kurs"),
    (Transition.SCHOOL, "Gymnasieskolan Nyköping", "Mottagande studie- och yrkesvägledare"),
    (Transition.ADULT, "Vuxenutbildningen", ""),
]


def _other_municipality(users: dict[str, Any]) -> tuple[Municipality, Any]:
    other, _created = Municipality.objects.get_or_create(
        code=OTHER_CODE,
        defaults={"name": OTHER_NAME, "kaa_phone": "0155-38 000 00", "kaa_email": "kaa@oxelosund.example"},
    )
    # The same published demo password as the other demo logins (hashed once by the staff seed).
    coordinator, _created = User.objects.get_or_create(
        username=OTHER_COORDINATOR,
        defaults={
            "first_name": "Sam",
            "last_name": "Oxelö",
            "email": f"{OTHER_COORDINATOR}@example.invalid",
            "password": users["samordnare"].password,
        },
    )
    Membership.objects.get_or_create(
        user=coordinator, municipality=other, role=Role.COORDINATOR, defaults={"may_see_confidential": True}
    )
    users[OTHER_COORDINATOR] = coordinator
    return other, coordinator


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    if "samordnare" not in users:
        return
    sender = users["samordnare"]
    other, receiver = _other_municipality(users)
    mapped = list(
        Youth.objects.filter(
            municipality=municipality, protection="", coach__isnull=False, pk__in=Mapping.objects.values("youth_id")
        )
        .select_related("coach")
        .order_by("pk")[:6]
    )
    for i, youth in enumerate(mapped[:4]):
        transition, organisation, person = RECIPIENTS[i % len(RECIPIENTS)]
        sections = rng.sample(list(FraktsedelSection.values), k=rng.randint(2, 4))
        services.fraktsedel_give(
            youth=youth,
            user=youth.coach,
            sections=sections,
            transition=transition,
            recipient_organisation=organisation,
            recipient_name=person,
            given_by="youth",
        )
    if len(mapped) < 6:
        return
    moving, stays = mapped[4], mapped[5]
    casework.consent_record(
        youth=moving, user=moving.coach, partner=other.code, purpose="Flytt till Oxelösund", valid_from=today
    )
    services.transfer_offer(
        youth=moving,
        user=sender,
        to_municipality=other,
        with_case=True,
        note="Ungdomen flyttar till en lägenhet i Oxelösund i nästa månad.",
    )
    rejected = services.transfer_offer(youth=stays, user=sender, to_municipality=other, with_case=False)
    services.transfer_reject(
        transfer=rejected,
        user=receiver,
        reason="Ungdomen är inte folkbokförd hos oss ännu. Hör av er när flytten är klar.",
    )
