"""Single sign-on through OpenID Connect (mozilla-django-oidc), matched on the stable ``sub`` claim.

- A user is found by ``User.oidc_subject``. The first time, when ``KAA_OIDC_MATCH_CLAIM`` is set
  (``email`` or ``preferred_username``), by that claim to one existing active user without a subject
  yet, who is then bound to the subject. Nobody is ever created from claims, and roles and memberships
  stay KAA's own: an unknown subject is refused with a page that says so.
- The id_token is checked for its signature (JWKS or the client secret), nonce, expiry, issuer
  (``KAA_OIDC_ISSUER``) and audience (the client id); userinfo must name the same subject.
- When the id_token asserts a second factor (``amr`` holds one of ``KAA_OIDC_MFA_AMR``, or ``acr`` is
  one of ``KAA_OIDC_MFA_ACR``), the session counts as OTP-verified for the administrator rule
  (``IDP_MFA_SESSION_KEY``, read by ``kaa.accounts.middleware``).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

log = logging.getLogger(__name__)

IDP_MFA_SESSION_KEY = "kaa_idp_mfa_user"
# Claims a first login may be matched on, and the user field each one matches.
MATCH_FIELDS = {"email": "email", "preferred_username": "username"}

REFUSED_UNKNOWN = "unknown"
REFUSED_FAILED = "failed"


def oidc_enabled() -> bool:
    return bool(getattr(settings, "KAA_OIDC_ENABLED", False))


def asserts_second_factor(claims: dict[str, Any]) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.KAA_OIDC_MFA_AMR):
        return True
    acr = claims.get("acr")
    return bool(acr) and acr in settings.KAA_OIDC_MFA_ACR


class KaaOIDCBackend(OIDCAuthenticationBackend):
    """The identity provider says who someone is; KAA says what they may do."""

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not oidc_enabled() or request is None or "code" not in request.GET:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the id_token (userinfo as a JWT is checked by signature only)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("id_token audience mismatch")
            if settings.KAA_OIDC_ISSUER and payload.get("iss") != settings.KAA_OIDC_ISSUER:
                raise SuspiciousOperation("id_token issuer mismatch")
            if not payload.get("sub"):
                raise SuspiciousOperation("id_token without sub")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet:
        users = get_user_model().objects.filter(is_active=True)
        found = users.filter(oidc_subject=claims["sub"])
        if found.exists():
            return found
        field = MATCH_FIELDS.get(settings.KAA_OIDC_MATCH_CLAIM)
        value = claims.get(settings.KAA_OIDC_MATCH_CLAIM) if field else None
        if not field or not value or not isinstance(value, str):
            return users.none()
        return users.filter(oidc_subject="", **{f"{field}__iexact": value})

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise SuspiciousOperation("KAA never creates users from claims")

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        if not user.oidc_subject:
            user.oidc_subject = claims["sub"]
            user.save(update_fields=["oidc_subject"])
            log.info("single sign-on subject bound to user %s", user.pk)
        return user

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo names another subject than the id_token")
        claims = {**user_info, **payload}
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) != 1:
            # Unknown here (or two matching users): refused, never created.
            self.request.kaa_oidc_refusal = REFUSED_UNKNOWN
            log.info("single sign-on refused: no KAA user for the subject")
            return None
        self.request.kaa_oidc_mfa = asserts_second_factor(payload)
        return self.update_user(users[0], claims)


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/oidc_refused.html", {"reason": reason}, status=403)


class LoginRequestView(OIDCAuthenticationRequestView):
    """Send the browser to the identity provider (404 when single sign-on is off)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """The identity provider's answer: log the matched user in, or say plainly why not."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, ValueError, KeyError):
            log.warning("single sign-on answer refused")
            return _refused(request, REFUSED_FAILED)

    def login_failure(self) -> HttpResponse:
        return _refused(self.request, getattr(self.request, "kaa_oidc_refusal", REFUSED_FAILED))

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        if getattr(self.request, "kaa_oidc_mfa", False):
            self.request.session[IDP_MFA_SESSION_KEY] = self.user.pk
        else:
            self.request.session.pop(IDP_MFA_SESSION_KEY, None)
        return response
