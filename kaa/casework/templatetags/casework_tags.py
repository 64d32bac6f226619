"""Template helpers of case work: labels of codes, due items and plan revisions."""

from __future__ import annotations

from typing import Any

from django import template

from ..labels import due_label as _due_label
from ..labels import revision_label as _revision_label

register = template.Library()


@register.simple_tag
def code_label(table: Any, kind: str, code: str) -> str:
    """The label of a code of the code table (the code itself if the table no longer has it)."""
    return table.label(kind, code) if code else ""


@register.filter
def due_label(item: Any) -> str:
    return _due_label(item.kind)


@register.filter
def revision_label(change: str) -> str:
    return _revision_label(change)


@register.filter
def overdue(item: Any, today: Any) -> bool:
    return item.overdue(today)
