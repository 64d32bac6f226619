"""Sections of the youth page that other apps add, declared on their own AppConfig.

The youth page (``register:youth_detail``) shows the register's own facts, then every section
that an app declares, so outreach or case work add their part without editing the register.
On your AppConfig::

    from kaa.register.sections import YouthSection

    class OutreachConfig(AppConfig):
        youth_sections = [
            YouthSection(perm="outreach.worklist", template="outreach/_youth_section.html",
                         context="kaa.outreach.selectors.youth_section_context", order=20),
        ]

``context`` is a callable ``(user, youth) -> dict`` or its dotted path; the template is included
with that dict as ``ctx`` (and ``youth``, and ``read_only``: true when the user reads the youth
through emergency access, when the section must offer no action, as every write refuses it).
A section with ``top=True`` stands first on the page, under the name.
A section is shown when the user holds ``perm`` (a ``kaa.accounts.policy.Perm`` value) in the
youth's municipality. Sections run in ``order``.
The context function must read within the user's scope and keep its query count bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

from kaa.accounts.policy import has_perm


@dataclass(frozen=True)
class YouthSection:
    perm: str
    template: str
    context: Callable[[Any, Any], dict] | str
    order: int = 50
    # A summary that belongs at the top of the page, above the register's own facts (the case's status,
    # coach, occupation, measures and next due item): the youth page is the case.
    top: bool = False


def declared_sections() -> list[YouthSection]:
    found: list[YouthSection] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "youth_sections", ()))
    return sorted(found, key=lambda s: s.order)


def sections_for_youth(user: Any, youth: Any) -> list[dict]:
    """The sections this user may see on this youth's page, with their context."""
    out = []
    for section in declared_sections():
        if not has_perm(user, section.perm, youth.municipality_id):
            continue
        fn = import_string(section.context) if isinstance(section.context, str) else section.context
        out.append({"template": section.template, "context": fn(user, youth), "top": section.top})
    return out
