"""Base classes of the project's forms: every text field refuses control characters (``kaa.core.validators``).

Forms that take text derive from ``SafeForm`` or ``SafeModelForm`` (or mix in ``SafeTextMixin``) instead of
Django's classes, so a new text field gets the check without anyone remembering it. A textarea is
multi-line text (line breaks and tab allowed); any other text input is single-line. Password fields are
left alone: a password is never stored or shown as text.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from .validators import NoControlCharactersValidator


class SafeTextMixin:
    """Adds the control-character check to every text field (``forms.CharField`` and its subclasses)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                multiline = isinstance(field.widget, forms.Textarea)
                check = NoControlCharactersValidator(multiline=multiline, label=field.label)
                # Django's own NUL check is covered by this one (one message, not two).
                kept = [v for v in field.validators
                        if not isinstance(v, ProhibitNullCharactersValidator) and v != check]
                field.validators = [*kept, check]


class SafeForm(SafeTextMixin, forms.Form):
    """``forms.Form`` whose text fields refuse control characters."""


class SafeModelForm(SafeTextMixin, forms.ModelForm):
    """``forms.ModelForm`` whose text fields refuse control characters."""
