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
def age_on(youth: Any, day: Any) -> str:
    """``{{ y|age_on:today }}``: the age on a day the view gives once, not the date asked again per row; as
    text (what the number is written as), so that the template does not localize a number per row."""
    return str(youth.age_on(day))


@register.filter
def reason_label(code: str) -> str:
    return labels.reason_label(code)


@register.filter
def event_label(kind: str) -> str:
    return labels.event_label(kind)


@register.filter
def event_detail(event: Any) -> str:
    return labels.event_detail(event.kind, event.data)
