"""Reads for the organisation pages, always limited to the municipalities the user administers."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from kaa.accounts.models import AccessRequest, AccessRequestStatus, ApiToken, Membership, User
from kaa.accounts.policy import Perm, municipality_ids_with

from .models import Municipality, Team


def managed_municipality_ids(user: Any) -> list[int]:
    return municipality_ids_with(user, Perm.SETTINGS_MANAGE)


def managed_municipalities(user: Any) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=managed_municipality_ids(user)).annotate(
        team_count=Count("teams", distinct=True),
        staff_count=Count("memberships__user", filter=Q(memberships__user__is_active=True), distinct=True),
    )


def municipality_or_404(user: Any, pk: Any) -> Municipality:
    try:
        return Municipality.objects.get(pk=int(pk), pk__in=managed_municipality_ids(user))
    except (ValueError, TypeError, Municipality.DoesNotExist) as exc:
        raise Http404 from exc


def team_list(user: Any) -> QuerySet[Team]:
    return (Team.objects.filter(municipality_id__in=managed_municipality_ids(user))
            .select_related("municipality")
            .annotate(member_count=Count("memberships__user", filter=Q(memberships__user__is_active=True),
                                         distinct=True),
                      youth_count=Count("youths", distinct=True))
            .order_by("municipality__name", "name"))


def team_or_404(user: Any, pk: Any) -> Team:
    try:
        return Team.objects.select_related("municipality").get(
            pk=int(pk), municipality_id__in=managed_municipality_ids(user))
    except (ValueError, TypeError, Team.DoesNotExist) as exc:
        raise Http404 from exc


def teams_for(municipality_ids: list[int]) -> QuerySet[Team]:
    return Team.objects.filter(municipality_id__in=municipality_ids).select_related("municipality")


def staff_list(user: Any, *, include_inactive: bool = False) -> QuerySet[User]:
    """Staff with a role in a municipality the user administers, with those memberships prefetched."""
    ids = managed_municipality_ids(user)
    # Also those whose only roles here still wait for approval.
    qs = User.objects.filter(Q(pk__in=Membership.objects.filter(municipality_id__in=ids).values("user_id"))
                             | Q(pk__in=AccessRequest.objects.filter(municipality_id__in=ids).values("user_id")))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.prefetch_related(Prefetch(
        "memberships", queryset=Membership.objects.filter(municipality_id__in=ids)
        .select_related("municipality", "team").order_by("municipality__name", "role"),
        to_attr="managed_memberships",
    )).order_by("last_name", "first_name", "username")


def staff_or_404(user: Any, pk: Any) -> User:
    try:
        return staff_list(user, include_inactive=True).get(pk=int(pk))
    except (ValueError, TypeError, User.DoesNotExist) as exc:
        raise Http404 from exc


def dashboard_context(user: Any) -> dict:
    """Counts for the administrator's start page."""
    ids = managed_municipality_ids(user)
    return {
        "municipalities": Municipality.objects.filter(pk__in=ids).count(),
        "teams": Team.objects.filter(municipality_id__in=ids).count(),
        "staff": User.objects.filter(memberships__municipality_id__in=ids, is_active=True).distinct().count(),
    }


def pending_requests_of(user: Any, subject: User) -> dict[int, AccessRequest]:
    """The subject's access requests waiting for approval, per municipality the user administers."""
    return {r.municipality_id: r for r in AccessRequest.objects.filter(
        user=subject, municipality_id__in=managed_municipality_ids(user), status=AccessRequestStatus.PENDING,
    ).select_related("requested_by", "team")}


def access_requests_open(user: Any) -> QuerySet[AccessRequest]:
    """Requests waiting for approval in the municipalities where the user may approve (a second person)."""
    return (AccessRequest.objects.filter(municipality_id__in=municipality_ids_with(user, Perm.ACCESS_APPROVE),
                                         status=AccessRequestStatus.PENDING)
            .select_related("user", "municipality", "team", "requested_by")
            .order_by("requested_at", "pk"))


def access_request_or_404(user: Any, pk: Any) -> AccessRequest:
    """A request the user may see: in a municipality where they approve, or one they asked for."""
    try:
        return AccessRequest.objects.select_related("user", "municipality").get(
            Q(municipality_id__in=municipality_ids_with(user, Perm.ACCESS_APPROVE)) | Q(requested_by_id=user.pk),
            pk=int(pk))
    except (ValueError, TypeError, AccessRequest.DoesNotExist) as exc:
        raise Http404 from exc


def access_requests_summary(user: Any) -> dict:
    """Start-page section: how many requests this user may decide."""
    qs = access_requests_open(user).exclude(requested_by_id=user.pk).exclude(user_id=user.pk)
    return {"to_decide": qs.count()}


def staff_tokens(user: Any) -> QuerySet[ApiToken]:
    """API tokens not revoked of everyone with a role in a municipality the user administers."""
    staff_ids = Membership.objects.filter(municipality_id__in=managed_municipality_ids(user)).values("user_id")
    return (ApiToken.objects.filter(user_id__in=staff_ids, revoked_at__isnull=True)
            .select_related("user").order_by("expires_at", "pk"))


def staff_token_or_404(user: Any, pk: Any) -> ApiToken:
    try:
        return staff_tokens(user).get(pk=int(pk))
    except (ValueError, TypeError, ApiToken.DoesNotExist) as exc:
        raise Http404 from exc
