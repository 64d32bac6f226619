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
