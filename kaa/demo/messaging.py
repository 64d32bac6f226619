"""Demo data for messaging: default templates, a few reply codes and one reply."""

import datetime
import logging
import random
from typing import Any

from kaa.messaging.codes import ALPHABET, CODE_LENGTH
from kaa.messaging.services import reply_codes_issue, reply_submit, template_install_defaults
from kaa.register.models import Youth

logger = logging.getLogger(__name__)


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    template_install_defaults(municipality=municipality, user=users.get("admin"))
    candidates = list(Youth.objects.filter(municipality=municipality, in_target_group=True, protection="")
                      .order_by("pk").values_list("pk", flat=True)[:50])
    if not candidates:
        return
    chosen = sorted(rng.sample(candidates, k=min(3, len(candidates))))
    # Drawn from the seeded generator so a given demo seed gives the same codes to try at /svar/.
    codes = ["".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _pk in chosen]
    youths = list(Youth.objects.filter(pk__in=chosen).order_by("pk"))
    reply_codes_issue(youths=youths, codes=codes)
    for code in codes[1:]:
        logger.info("Demo reply code for /svar/: %s", code)
    first = youths[0].reply_codes.order_by("-pk").first()
    reply_submit(reply_code=first, kind="meeting",
                 answers={"respondent": "youth", "meeting_when": "Tisdag eftermiddag", "meeting_where": "Biblioteket"})
