"""Demo data of thinning: the municipality's rules carry a (made-up) decision reference, and stay
switched off, so the administrator's page previews what they would remove and nothing is removed."""

from __future__ import annotations

import datetime
import random
from typing import Any

from kaa.retention.models import RetentionRule
from kaa.retention.services import retention_rules_install

DECISION = "Dokumenthanteringsplan, KS 2025/117 (demo)"


def seed_demo(*, municipality: Any, users: dict, rng: random.Random, today: datetime.date) -> None:
    retention_rules_install(municipality=municipality)
    RetentionRule.objects.filter(municipality=municipality).update(decision=DECISION)
