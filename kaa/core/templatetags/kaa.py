"""Template helpers shared by every app."""

from typing import Any

from django import template
from django.forms import BoundField, CheckboxInput, CheckboxSelectMultiple, RadioSelect

from kaa.core.idurl import IdUrl

register = template.Library()


@register.filter
def ds_widget(field: BoundField) -> str:
    """Render a form widget with the design system's class and its ARIA wiring."""
    widget = field.field.widget
    attrs: dict[str, str] = {}
    if not isinstance(widget, CheckboxSelectMultiple | RadioSelect):
        attrs["class"] = "ds-input"
    if isinstance(widget, CheckboxInput):
        attrs["class"] = "ds-input"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field: BoundField) -> bool:
    """Radio buttons and checkbox lists: a group, labelled by a fieldset's legend, not one <label>."""
    return isinstance(field.field.widget, CheckboxSelectMultiple | RadioSelect)


@register.filter
def ds_choice(option: Any) -> str:
    """One radio button or checkbox of a group, with the design system's class (its label comes apart)."""
    attrs = {**option.data["attrs"], "class": "ds-input"}
    option.data["attrs"] = attrs
    return option.tag()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag
def id_url(name: str) -> IdUrl:
    """``{% id_url 'register:youth_detail' as youth_url %}`` … ``{{ youth_url|for_id:y.pk }}``: the same
    address as ``{% url 'register:youth_detail' y.pk %}``."""
    return IdUrl(name)


@register.filter
def for_id(url: IdUrl, pk: Any) -> str:
    return url(pk)


# Cheaper equivalents of filters a table applies to every row (the same text; tests/core/test_row_filters.py).


@register.filter
def as_text(value: Any) -> str:
    """A whole number as ``{{ value }}`` writes it (no thousands separator here), without localizing it per
    row."""
    return str(value)


@register.filter
def minute(value: Any) -> str:
    """``{{ value|date:"Y-m-d H:i" }}`` of a datetime, in the current time zone."""
    from django.utils import timezone

    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


@register.filter
def day(value: Any) -> str:
    """``{{ value|date:"Y-m-d" }}`` of a date."""
    return value.isoformat() if value else ""


_choice_labels: dict[tuple, dict] = {}


@register.filter
def display(obj: Any, field_name: str) -> str:
    """``{{ obj.get_<field>_display }}``: the label of the field's value, the labels translated once per
    language rather than all of them again for every row (as ``get_<field>_display`` does)."""
    from django.utils.translation import get_language

    field = obj._meta.get_field(field_name)
    key = (field, get_language())
    labels = _choice_labels.get(key)
    if labels is None:
        labels = _choice_labels[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(obj, field.attname)
    return labels.get(value, value)
