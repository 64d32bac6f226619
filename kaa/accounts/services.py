"""Writes for API tokens. Every issue and revocation is audited (ids and field names only)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record

from .models import ApiToken


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
