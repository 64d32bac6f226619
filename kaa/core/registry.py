"""Navigation entries and start-page sections, declared by each app on its AppConfig.

An app lists ``nav_items`` (``NavItem``), ``dashboard_sections`` and ``worklist_sections``
(``DashboardSection``) on its AppConfig; core gathers them, so adding a page never means editing another app's files.

A nav item says which menu it belongs in: ``main`` (the everyday pages), ``more`` (administration and
pages used now and then: shown in the main menu when the user has few pages, else under "More") or
``user`` (the user's own menu, with their name).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse

MAIN, MORE, USER = "main", "more", "user"
# Up to this many items (besides Start) the "more" items stand in the main menu itself.
MAX_FLAT_MENU = 6


@dataclass(frozen=True)
class NavItem:
    perm: str
    url_name: str
    label: Any  # lazy translation
    order: int = 50
    menu: str = MAIN


@dataclass(frozen=True)
class DashboardSection:
    perm: str
    template: str
    context: Callable[[Any], dict] | str  # callable(user) -> dict, or its dotted path
    order: int = 50


def _collect(attr: str) -> list:
    items = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, attr, ()))
    return sorted(items, key=lambda item: item.order)


def nav_for(user: Any, perms: set) -> list[dict]:
    """The user's menu entries in order, each with the menu it belongs in (``main``, ``more``, ``user``)."""
    items = [
        {"url": reverse(item.url_name), "label": item.label, "name": item.url_name, "menu": item.menu}
        for item in _collect("nav_items")
        if item.perm in perms
    ]
    if sum(1 for item in items if item["menu"] != USER) <= MAX_FLAT_MENU:
        for item in items:
            if item["menu"] == MORE:
                item["menu"] = MAIN
    return items


def menus_for(user: Any, perms: set) -> dict[str, list[dict]]:
    """The entries split by menu: {"main": [...], "more": [...], "user": [...]}."""
    menus: dict[str, list[dict]] = {MAIN: [], MORE: [], USER: []}
    for item in nav_for(user, perms):
        menus[item["menu"]].append(item)
    return menus


def sections_for(user: Any, perms: set, kind: str = "dashboard_sections") -> list[dict]:
    """The sections of a page the user's permissions give: the start page (``dashboard_sections``) or the
    coach's worklist (``worklist_sections``: other apps' due items beside outreach's own)."""
    from django.utils.module_loading import import_string

    out = []
    for section in _collect(kind):
        if section.perm not in perms:
            continue
        fn = import_string(section.context) if isinstance(section.context, str) else section.context
        out.append({"template": section.template, "context": fn(user)})
    return out
