"""Local passwords: Django's own check, refused when the installation switched them off
(``KAA_LOCAL_LOGIN=false``: everyone logs in through the identity provider)."""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class LocalPasswordBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if not settings.KAA_LOCAL_LOGIN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def axes_skips_single_sign_on(request: Any, credentials: dict | None = None) -> bool:
    """django-axes throttles password guessing per username and address. A single sign-on answer carries
    no password (the identity provider checked the person), so it is neither counted nor locked: people
    behind one office address must not lock each other out of single sign-on."""
    return "username" not in (credentials or {}) and getattr(request, "path", "").startswith("/accounts/sso/")
