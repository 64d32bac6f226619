"""Navigation entries and start-page sections, declared by each app on its AppConfig.

An app lists ``nav_items`` (``NavItem``) and ``dashboard_sections`` (``DashboardSection``) on its
AppConfig; core gathers them, so adding a page never means editing another app's files.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    perm: str
    url_name: str
    label: Any  # lazy translation
    order: int = 50


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
    return [
        {"url": reverse(item.url_name), "label": item.label, "name": item.url_name}
        for item in _collect("nav_items")
        if item.perm in perms
    ]


def sections_for(user: Any, perms: set) -> list[dict]:
    from django.utils.module_loading import import_string

    out = []
    for section in _collect("dashboard_sections"):
        if section.perm not in perms:
            continue
        fn = import_string(section.context) if isinstance(section.context, str) else section.context
        out.append({"template": section.template, "context": fn(user)})
    return out
