"""Demo data for messaging: default templates, a few reply codes, and replies from youths the coaches
are looking for (two to the first coach, one to the second), sent today and yesterday."""

import datetime
import logging
import random
from typing import Any

from kaa.messaging.codes import ALPHABET, CODE_LENGTH
from kaa.messaging.services import reply_codes_issue, reply_submit, template_install_defaults
from kaa.register.models import Youth

logger = logging.getLogger(__name__)

REPLIES = [
    ("meeting", {"respondent": "youth", "meeting_when": "Tisdag eftermiddag", "meeting_where": "Biblioteket"}),
    ("contact", {"respondent": "youth", "phone": "070-174 06 77", "best_time": "Efter kl. 16"}),
    ("contact", {"respondent": "guardian", "phone": "070-174 06 78", "best_time": "Förmiddagar",
                 "message": "Ring mig gärna, jag är hans mamma."}),
]


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    template_install_defaults(municipality=municipality, user=users.get("admin"))
    coaches = [users[name] for name in ("coach1", "coach2") if name in users]
    # Youths still being looked for (a chain step left) reply: their coach sees the reply first.
    from kaa.outreach.deadlines import ONGOING
    from kaa.outreach.selectors import states_for

    candidates = list(Youth.objects.filter(municipality=municipality, in_target_group=True, protection="",
                                           coach__in=coaches).order_by("pk"))
    states = states_for(candidates)
    looked_for = [y for y in candidates if states[y.pk].status == ONGOING and states[y.pk].next_step]
    chosen = []
    for coach, count in zip(coaches, (2, 1), strict=False):
        mine = [y for y in looked_for if y.coach_id == coach.pk]
        chosen += rng.sample(mine, k=min(count, len(mine)))
    # Two more codes, printed in the log, to try /svar/ with.
    spare = [y for y in candidates if y not in chosen][:2]
    # Drawn from the seeded generator so a given demo seed gives the same codes.
    pairs = reply_codes_issue(youths=chosen + spare, codes=[_code(rng) for _y in chosen + spare])
    for _youth, code in pairs[len(chosen):]:
        logger.info("Demo reply code for /svar/: %s", code)
    for youth, (kind, answers) in zip(chosen, REPLIES, strict=False):
        reply_submit(reply_code=youth.reply_codes.order_by("-pk").first(), kind=kind, answers=answers)
