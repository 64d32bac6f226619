"""The form renderer (``FORM_RENDERER``): Django's, with the plainest widgets written in Python.

Every ``<input>`` and ``<select>`` of a form is a template of its own in Django (``input.html`` with
``attrs.html``, ``select.html`` with one ``select_option.html`` per option): on a list page's filters (eight
fields) they cost more than a milliseconds of every request. This renderer writes those widgets' HTML itself,
character for character what Django's templates write (``tests/core/test_form_renderer.py`` compares the
two), and hands anything else (another template, a value it does not expect) to Django's templates.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData

_INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "date", "datetime", "time", "email", "url", "password", "hidden", "search", "tel",
    "color", "checkbox"))
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"


class _Unexpected(Exception):
    """A value the Python writer does not render the way the template would: the template renders it."""


def _text(value: Any) -> str:
    """``{{ value }}`` for a string (a lazy translation included)."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        raise _Unexpected
    return value if isinstance(value, SafeData) else escape(value)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``."""
    if isinstance(value, tuple | Promise):
        value = str(value)
    text = "%s" % (value,)  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                raise _Unexpected
            parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{_text(option["label"])}</option>\n')  # select_option.html ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        try:
            if template_name in _INPUT_TEMPLATES:
                return _input(context["widget"])
            if template_name == _SELECT:
                return _select(context["widget"])
        except _Unexpected:
            pass
        return super().render(template_name, context, request=request)
