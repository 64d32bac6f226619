"""The register history: who was in the target group on a past date, and why (from RegisterPeriod)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import RegisterPeriod, Youth


def _on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def status_on(youth: Any, on: datetime.date) -> RegisterPeriod | None:
    """The register period in effect for a youth (instance or id) on ``on``; None before its history."""
    youth_id = getattr(youth, "pk", youth)
    return (RegisterPeriod.objects.filter(_on(on), youth_id=youth_id)
            .order_by("-valid_from", "-pk").first())


def youths_in_register_on(municipality: Any, on: datetime.date) -> QuerySet[Youth]:
    """Youths of a municipality (instance or id) who were in the target group on ``on``."""
    municipality_id = getattr(municipality, "pk", municipality)
    periods = RegisterPeriod.objects.filter(_on(on), youth_id=OuterRef("pk"), municipality_id=municipality_id,
                                            in_target_group=True)
    return Youth.objects.filter(Exists(periods))
