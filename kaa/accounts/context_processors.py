"""The navigation of every page: the entries the user's permissions give (see kaa.core.registry)."""

from typing import Any

from django.http import HttpRequest

from kaa.core.registry import menus_for

from .policy import perms_of, primary_role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": [], "nav_user": [], "primary_role": None}
    menus = menus_for(user, perms_of(user))
    return {"nav_items": menus["main"], "nav_more": menus["more"], "nav_user": menus["user"],
            "primary_role": primary_role(user)}
