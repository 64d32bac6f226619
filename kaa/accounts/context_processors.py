"""The navigation of every page: the entries the user's permissions give (see kaa.core.registry)."""

from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf

from kaa.core.registry import menus_for

from .policy import perms_of, primary_role

# The menus of each set of permissions, built once per process (and address prefix and URL configuration):
# the entries are the apps' declarations and their addresses, the same for everyone holding the same
# permissions. Their labels stay lazy, translated when the page is written.
_menus: dict[tuple, dict[str, list[dict]]] = {}


def _menus_for(user: Any, perms: set) -> dict[str, list[dict]]:
    key = (frozenset(perms), get_script_prefix(), get_urlconf())
    menus = _menus.get(key)
    if menus is None:
        menus = _menus[key] = menus_for(user, perms)
    return menus


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": [], "nav_user": [], "primary_role": None}
    menus = _menus_for(user, perms_of(user))
    return {"nav_items": menus["main"], "nav_more": menus["more"], "nav_user": menus["user"],
            "primary_role": primary_role(user)}
