"""Form widgets for long lists of choices."""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe


class LongSelect(forms.Select):
    """A ``<select>`` of many plain options (a county's coaches, its schools), written in Python.

    Django renders each option through a template of its own: for the few hundred coaches of a county that is
    tens of milliseconds of every page that shows the select. The HTML is the same as ``forms.Select``'s for
    flat choices (no option groups): the field's attributes, one ``<option>`` per choice, the chosen one
    ``selected``.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        attributes = "".join(  # as django/forms/widgets/attrs.html writes them
            f" {attr}" if val is True else f' {attr}="{escape(str(val))}"'
            for attr, val in final_attrs.items() if val is not False)
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                raise ValueError("LongSelect takes flat choices, not option groups")
            key = "" if key is None else str(key)
            options.append(f'<option value="{escape(key)}"{" selected" if key in chosen else ""}>'
                           f"{escape(str(label))}</option>")
        # Every value and label is escaped above (html.escape, as Django's escape does).
        return mark_safe(f'<select name="{escape(name)}"{attributes}>\n  ' + "\n  ".join(options) + "\n</select>")
