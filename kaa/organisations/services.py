"""Writes for municipalities, teams, staff and their roles. Every change is audited (field names only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from kaa.accounts.models import Membership, User
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
                 team: Team | None = None, may_see_protected: bool = False) -> User:
    """A new user with the given roles in one municipality."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, phone=phone)
    user.set_password(password)
    user.save()
    audit_record(user=actor, action=AuditAction.CREATE, object_type="user", object_id=user.pk,
                 municipality_id=municipality.pk, fields=["username", *STAFF_FIELDS, "password"])
    membership_set(actor=actor, user=user, municipality=municipality, roles=roles, team=team,
                   may_see_protected=may_see_protected)
    return user


@transaction.atomic
def staff_update(*, actor: Any, user: User, values: Mapping[str, Any]) -> list[str]:
    changed = _apply(user, values, STAFF_FIELDS)
    if changed:
        user.save(update_fields=changed)
        audit_record(user=actor, action=AuditAction.UPDATE, object_type="user", object_id=user.pk, fields=changed)
    return changed


@transaction.atomic
def membership_set(*, actor: Any, user: User, municipality: Municipality, roles: Iterable[str],
                   team: Team | None = None, may_see_protected: bool = False) -> list[str]:
    """Make the user's roles in ``municipality`` exactly ``roles``, all with this team and grant.

    Returns the changed field names ("role", "team", "may_see_protected"); each added, changed or
    removed membership is audited on its own.
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
        fields = _apply(membership, {"team_id": team.pk if team else None, "may_see_protected": may_see_protected},
                        ("team_id", "may_see_protected"))
        if fields:
            membership.save(update_fields=fields)
            names = [f.removesuffix("_id") for f in fields]
            changed.update(names)
            audit_record(user=actor, action=AuditAction.UPDATE, object_type="membership",
                         object_id=membership.pk, municipality_id=municipality.pk, fields=names)
    for role in sorted(wanted - set(current)):
        membership = Membership.objects.create(user=user, municipality=municipality, role=role, team=team,
                                               may_see_protected=may_see_protected)
        changed.add("role")
        audit_record(user=actor, action=AuditAction.CREATE, object_type="membership", object_id=membership.pk,
                     municipality_id=municipality.pk, fields=["role", "team", "may_see_protected"])
    return sorted(changed)


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
