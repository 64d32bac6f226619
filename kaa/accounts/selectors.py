"""Reads about the signed-in user's own access: their roles and how they got them."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessRequest, AccessRequestStatus, EmergencyAccess
from .policy import Perm, memberships, municipality_ids_with

RECENT_GRANT_DAYS = 30


def own_access_requests(user: Any) -> QuerySet[AccessRequest]:
    """Access requests about the user (approved, rejected, pending), newest first."""
    return (AccessRequest.objects.filter(user=user).exclude(status=AccessRequestStatus.WITHDRAWN)
            .select_related("municipality", "team", "requested_by", "decided_by"))


def my_access(user: Any) -> dict:
    """The user's roles per municipality, with the approved request that gave each municipality's
    access to youth data, and what still waits."""
    requests = list(own_access_requests(user)[:100])
    approved: dict[int, AccessRequest] = {}
    for r in requests:
        if r.status == AccessRequestStatus.APPROVED:
            approved.setdefault(r.municipality_id, r)
    rows: dict[int, dict] = {}
    for m in memberships(user):
        row = rows.setdefault(m.municipality_id, {"municipality": m.municipality, "memberships": [],
                                                  "granted": approved.get(m.municipality_id)})
        row["memberships"].append(m)
    return {
        "rows": sorted(rows.values(), key=lambda row: row["municipality"].name),
        "pending": [r for r in requests if r.status == AccessRequestStatus.PENDING],
        "history": [r for r in requests if r.status != AccessRequestStatus.PENDING],
    }


def recent_grants(user: Any) -> dict:
    """Start-page section: access to youth data given to the user lately, and by whom."""
    since = timezone.now() - datetime.timedelta(days=RECENT_GRANT_DAYS)
    return {"grants": list(own_access_requests(user).filter(status=AccessRequestStatus.APPROVED,
                                                             decided_at__gte=since)[:10])}


EMERGENCY_REVIEW_DAYS = 1
EMERGENCY_REVIEW_LIMIT = 50


def emergency_accesses_to_review(user: Any, *, since: datetime.datetime | None = None,
                                 until: datetime.datetime | None = None) -> QuerySet[EmergencyAccess]:
    """Emergency accesses started in the municipalities the user reviews (the coordinator), newest first:
    by default those of the last day."""
    since = since or timezone.now() - datetime.timedelta(days=EMERGENCY_REVIEW_DAYS)
    qs = EmergencyAccess.objects.filter(municipality_id__in=municipality_ids_with(user, Perm.EMERGENCY_REVIEW),
                                        started_at__gte=since)
    if until is not None:
        qs = qs.filter(started_at__lt=until)
    return qs.select_related("user", "municipality").order_by("-started_at", "-pk")


def emergency_review_section(user: Any) -> dict:
    """Start-page section: the emergency accesses of the last day, for the coordinator to review."""
    qs = emergency_accesses_to_review(user)
    return {"accesses": list(qs[:EMERGENCY_REVIEW_LIMIT]), "total": qs.count()}
