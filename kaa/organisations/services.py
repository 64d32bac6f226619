"""Writes for municipalities, teams, staff and their roles. Every change is audited (field names only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.models import AccessRequest, AccessRequestStatus, Membership, User
from kaa.accounts.policy import grants_youth_access, may_decide_access_request
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record

from .models import Municipality, Team

MUNICIPALITY_SETTINGS = ("name", "summer_gap_month", "summer_gap_day", "wait_for_degree_check",
                         "extended_responsibility", "evening_starts_at", "recontact_months",
                         "kaa_phone", "kaa_email")
STAFF_FIELDS = ("first_name", "last_name", "email", "phone")


def _apply(obj: Any, values: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    changed = []
    for name in allowed:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed.append(name)
    return changed


@transaction.atomic
def municipality_update(*, actor: Any, municipality: Municipality, values: Mapping[str, Any]) -> list[str]:
    """Change the municipality's local settings. Returns the names of the fields that changed."""
    changed = _apply(municipality, values, MUNICIPALITY_SETTINGS)
    if changed:
        municipality.full_clean()
        municipality.save(update_fields=changed)
        audit_record(user=actor, action=AuditAction.UPDATE, object_type="municipality",
                     object_id=municipality.pk, municipality_id=municipality.pk, fields=changed)
    return changed


@transaction.atomic
def team_create(*, actor: Any, municipality: Municipality, name: str) -> Team:
    team = Team.objects.create(municipality=municipality, name=name.strip())
    audit_record(user=actor, action=AuditAction.CREATE, object_type="team", object_id=team.pk,
                 municipality_id=municipality.pk, fields=["name"])
    return team


@transaction.atomic
def team_rename(*, actor: Any, team: Team, name: str) -> Team:
    name = name.strip()
    if name != team.name:
        team.name = name
        team.save(update_fields=["name"])
        audit_record(user=actor, action=AuditAction.UPDATE, object_type="team", object_id=team.pk,
                     municipality_id=team.municipality_id, fields=["name"])
    return team


@transaction.atomic
def staff_create(*, actor: Any, username: str, password: str, municipality: Municipality, roles: Iterable[str],
                 first_name: str = "", last_name: str = "", email: str = "", phone: str = "",
                 team: Team | None = None, may_see_protected: bool = False,
                 may_see_confidential: bool = False) -> tuple[User, MembershipChange]:
    """A new user with the given roles in one municipality. Roles that give access to youth data wait for
    a second person's approval (``membership_change``)."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, phone=phone)
    user.set_password(password)
    user.save()
    audit_record(user=actor, action=AuditAction.CREATE, object_type="user", object_id=user.pk,
                 municipality_id=municipality.pk, fields=["username", *STAFF_FIELDS, "password"])
    change = membership_change(actor=actor, user=user, municipality=municipality, roles=roles, team=team,
                               may_see_protected=may_see_protected, may_see_confidential=may_see_confidential)
    return user, change


@transaction.atomic
def staff_update(*, actor: Any, user: User, values: Mapping[str, Any]) -> list[str]:
    changed = _apply(user, values, STAFF_FIELDS)
    if changed:
        user.save(update_fields=changed)
        audit_record(user=actor, action=AuditAction.UPDATE, object_type="user", object_id=user.pk, fields=changed)
    return changed


@transaction.atomic
def membership_set(*, actor: Any, user: User, municipality: Municipality, roles: Iterable[str],
                   team: Team | None = None, may_see_protected: bool = False,
                   may_see_confidential: bool = False) -> list[str]:
    """Make the user's roles in ``municipality`` exactly ``roles``, all with this team and grants, at once.

    No two-person rule here: pages and commands call ``membership_change``, which calls this for a change
    that does not widen access to youth data, and ``access_request_approve`` once a second person approved.

    Returns the changed field names ("role", "team", "may_see_protected", "may_see_confidential"); each
    added, changed or removed membership is audited on its own.
    """
    if team is not None and team.municipality_id != municipality.pk:
        raise ValueError("team belongs to another municipality")
    wanted = set(roles)
    current = {m.role: m for m in Membership.objects.filter(user=user, municipality=municipality)}
    changed: set[str] = set()
    for role, membership in current.items():
        if role not in wanted:
            membership.delete()
            changed.add("role")
            audit_record(user=actor, action=AuditAction.DELETE, object_type="membership",
                         object_id=membership.pk, municipality_id=municipality.pk, fields=["role"])
            continue
        fields = _apply(membership, {"team_id": team.pk if team else None, "may_see_protected": may_see_protected,
                                     "may_see_confidential": may_see_confidential},
                        ("team_id", "may_see_protected", "may_see_confidential"))
        if fields:
            membership.save(update_fields=fields)
            names = [f.removesuffix("_id") for f in fields]
            changed.update(names)
            audit_record(user=actor, action=AuditAction.UPDATE, object_type="membership",
                         object_id=membership.pk, municipality_id=municipality.pk, fields=names)
    for role in sorted(wanted - set(current)):
        membership = Membership.objects.create(user=user, municipality=municipality, role=role, team=team,
                                               may_see_protected=may_see_protected,
                                               may_see_confidential=may_see_confidential)
        changed.add("role")
        audit_record(user=actor, action=AuditAction.CREATE, object_type="membership", object_id=membership.pk,
                     municipality_id=municipality.pk,
                     fields=["role", "team", "may_see_protected", "may_see_confidential"])
    return sorted(changed)


# --- Access to youth data: a second person approves --------------------------------------------------

@dataclass(frozen=True)
class MembershipChange:
    changed: list[str]  # what changed at once ("role", "team", "may_see_protected", "may_see_confidential")
    request: AccessRequest | None  # the change that waits for approval, if any


def _audit_request(actor: Any, request: AccessRequest, action: str, detail: str, fields: list[str]) -> None:
    audit_record(user=actor, action=action, object_type="access_request", object_id=request.pk,
                 municipality_id=request.municipality_id, fields=fields, detail=f"{detail} user:{request.user_id}")


def _withdraw_pending(*, actor: Any, user: User, municipality: Municipality, detail: str) -> None:
    for request in AccessRequest.objects.select_for_update(of=("self",)).filter(
            user=user, municipality=municipality, status=AccessRequestStatus.PENDING):
        request.status = AccessRequestStatus.WITHDRAWN
        request.decided_by, request.decided_at = actor, timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        _audit_request(actor, request, AuditAction.UPDATE, detail, ["status"])


@transaction.atomic
def membership_change(*, actor: Any, user: User, municipality: Municipality, roles: Iterable[str],
                      team: Team | None = None, may_see_protected: bool = False,
                      may_see_confidential: bool = False) -> MembershipChange:
    """Make the user's roles in ``municipality`` ``roles`` (with this team and grants), under the
    two-person rule. The protected-identity grant and the confidential-entry grant each need the
    second person, alone or with a role.

    A change that does not widen the user's access to youth data (``policy.grants_youth_access``)
    takes effect at once. One that does becomes a pending ``AccessRequest`` holding the whole new
    state, which another administrator or coordinator of the municipality approves; until then only
    what narrows access (roles removed, a grant turned off) takes effect. A new change replaces a
    pending request for the same user and municipality (the old one is withdrawn).
    """
    if team is not None and team.municipality_id != municipality.pk:
        raise ValueError("team belongs to another municipality")
    wanted = sorted(set(roles))
    team_id = team.pk if team else None
    pending = AccessRequest.objects.filter(user=user, municipality=municipality,
                                           status=AccessRequestStatus.PENDING).first()
    if pending is not None and (sorted(pending.roles), pending.team_id, pending.may_see_protected,
                                pending.may_see_confidential) == (wanted, team_id, may_see_protected,
                                                                  may_see_confidential):
        return MembershipChange([], pending)  # asked again for exactly what already waits
    _withdraw_pending(actor=actor, user=user, municipality=municipality, detail="replaced")
    current = list(Membership.objects.select_for_update(of=("self",)).filter(user=user, municipality=municipality))
    if not grants_youth_access(current, roles=wanted, team_id=team_id, may_see_protected=may_see_protected,
                               may_see_confidential=may_see_confidential):
        return MembershipChange(membership_set(actor=actor, user=user, municipality=municipality, roles=wanted,
                                               team=team, may_see_protected=may_see_protected,
                                               may_see_confidential=may_see_confidential), None)
    changed: set[str] = set()
    for membership in current:
        if membership.role not in wanted:
            membership.delete()
            changed.add("role")
            audit_record(user=actor, action=AuditAction.DELETE, object_type="membership",
                         object_id=membership.pk, municipality_id=municipality.pk, fields=["role"])
        else:
            narrowed = [grant for grant, on in (("may_see_protected", may_see_protected),
                                                ("may_see_confidential", may_see_confidential))
                        if getattr(membership, grant) and not on]
            for grant in narrowed:
                setattr(membership, grant, False)
            if narrowed:
                membership.save(update_fields=narrowed)
                changed.update(narrowed)
                audit_record(user=actor, action=AuditAction.UPDATE, object_type="membership",
                             object_id=membership.pk, municipality_id=municipality.pk, fields=narrowed)
    request = AccessRequest.objects.create(user=user, municipality=municipality, roles=wanted, team=team,
                                           may_see_protected=may_see_protected,
                                           may_see_confidential=may_see_confidential, requested_by=actor)
    _audit_request(actor, request, AuditAction.CREATE, "requested",
                   ["role", "team", "may_see_protected", "may_see_confidential"])
    return MembershipChange(sorted(changed), request)


def _decidable(actor: Any, request: AccessRequest) -> AccessRequest:
    request = (AccessRequest.objects.select_for_update(of=("self",))
               .select_related("user", "municipality", "team").get(pk=request.pk))
    if request.status != AccessRequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not may_decide_access_request(actor, request):
        raise PermissionDenied(_("Another administrator or coordinator of the municipality must decide: not "
                                 "the person who asked, nor the person who gets the access."))
    return request


@transaction.atomic
def access_request_approve(*, actor: Any, request: AccessRequest) -> AccessRequest:
    """The second person approves: the roles, team and grant of the request take effect now."""
    request = _decidable(actor, request)
    membership_set(actor=actor, user=request.user, municipality=request.municipality, roles=request.roles,
                   team=request.team, may_see_protected=request.may_see_protected,
                   may_see_confidential=request.may_see_confidential)
    request.status = AccessRequestStatus.APPROVED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_request(actor, request, AuditAction.UPDATE, "approved", ["status"])
    return request


@transaction.atomic
def access_request_reject(*, actor: Any, request: AccessRequest) -> AccessRequest:
    """The second person refuses: nothing of the request takes effect."""
    request = _decidable(actor, request)
    request.status = AccessRequestStatus.REJECTED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_request(actor, request, AuditAction.UPDATE, "rejected", ["status"])
    return request


@transaction.atomic
def access_request_withdraw(*, actor: Any, request: AccessRequest) -> AccessRequest:
    """The one who asked takes the request back."""
    request = AccessRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.requested_by_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if request.status != AccessRequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    request.status = AccessRequestStatus.WITHDRAWN
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_request(actor, request, AuditAction.UPDATE, "withdrawn", ["status"])
    return request


def staff_deactivate(*, actor: Any, user: User) -> bool:
    """The account can no longer log in; its history and audit trail stay. Returns whether it changed."""
    return _set_active(actor=actor, user=user, active=False)


def staff_reactivate(*, actor: Any, user: User) -> bool:
    return _set_active(actor=actor, user=user, active=True)


@transaction.atomic
def _set_active(*, actor: Any, user: User, active: bool) -> bool:
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(user=actor, action=AuditAction.UPDATE, object_type="user", object_id=user.pk,
                 fields=["is_active"], detail="activated" if active else "deactivated")
    return True
