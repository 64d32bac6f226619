"""Writes for API tokens. Every issue and revocation is audited (ids and field names only)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record

from .models import ApiToken, EmergencyAccess
from .policy import (
    EMERGENCY_ACCESS_DURATION,
    active_emergency_accesses,
    forget_emergency_accesses,
    may_open_in_emergency,
)


@transaction.atomic
def api_token_issue(*, actor: Any, user: Any, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its raw value (shown once, only the hash is kept)."""
    token, raw = ApiToken.issue(user=user, name=name, days=days)
    audit_record(user=actor, action=AuditAction.CREATE, object_type="api_token", object_id=token.pk,
                 fields=["name", "expires_at"], detail=f"user:{user.pk}")
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> bool:
    """Stop the token working at once. Returns whether it changed (a revoked token stays revoked)."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(user=actor, action=AuditAction.UPDATE, object_type="api_token", object_id=token.pk,
                 fields=["revoked_at"], detail=f"user:{token.user_id}")
    return True


EMERGENCY_REASON_MIN = 10


def emergency_access_start(*, user: Any, youth: Any, reason: str) -> EmergencyAccess:
    """Open a youth outside the user's scope for reading, for three hours, with a stated reason.

    Refused (``PermissionDenied``) where the policy does not allow it (another municipality, a protected
    identity without the grant, a role without emergency access). An access still running for the youth
    is returned as it is. The start is written to the audit log (the reason stays in the access row: it
    is free text and may name people)."""
    reason = (reason or "").strip()
    if len(reason) < EMERGENCY_REASON_MIN:
        raise ValidationError({"reason": _("State the reason for the emergency access (at least %(n)d characters).")
                               % {"n": EMERGENCY_REASON_MIN}})
    running = next((g for g in active_emergency_accesses(user) if g.youth_id == youth.pk), None)
    if running is not None:
        return running
    if not may_open_in_emergency(user, youth):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        grant = EmergencyAccess.objects.create(user=user, youth_id=youth.pk, municipality_id=youth.municipality_id,
                                               reason=reason[:500], started_at=now,
                                               expires_at=now + EMERGENCY_ACCESS_DURATION)
        audit_record(user=user, action=AuditAction.CREATE, object_type="emergency_access", object_id=grant.pk,
                     youth_id=youth.pk, municipality_id=youth.municipality_id, fields=["reason"],
                     detail="emergency_access")
    forget_emergency_accesses(user)
    return grant
