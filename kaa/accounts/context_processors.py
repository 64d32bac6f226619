"""The navigation of every page: the entries the user's permissions give (see kaa.core.registry)."""

from typing import Any

from django.http import HttpRequest

from kaa.core.registry import nav_for

from .policy import perms_of, primary_role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "primary_role": None}
    return {"nav_items": nav_for(user, perms_of(user)), "primary_role": primary_role(user)}
