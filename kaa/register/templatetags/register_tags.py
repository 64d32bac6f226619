"""Template filters of the register pages."""

from typing import Any

from django import template
from django.utils import timezone

from kaa.register import labels

register = template.Library()


@register.filter
def age(youth: Any) -> int:
    return youth.age_on(timezone.localdate())


@register.filter
def reason_label(code: str) -> str:
    return labels.reason_label(code)


@register.filter
def event_label(kind: str) -> str:
    return labels.event_label(kind)


@register.filter
def event_detail(event: Any) -> str:
    return labels.event_detail(event.kind, event.data)
