"""The safe placeholders of letter templates: ``{fornamn}`` and friends, nothing else.

Editors never see Django's template language; text is plain, values are substituted here and
escaped when the letter's HTML is rendered.
"""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS: dict[str, object] = {
    "fornamn": _("the youth's first name"),
    "coach_namn": _("the coach's name"),
    "coach_telefon": _("the coach's phone number"),
    "coach_epost": _("the coach's e-mail address"),
    "underskrift": _("the signature: the coach's name and title, or the municipality's KAA team"),
    "kommun": _("the municipality's name"),
    "svarskod": _("the personal reply code"),
    "svarsadress": _("the address of the reply page"),
    "datum": _("today's date"),
}

_BRACED = re.compile(r"\{([^{}]*)\}")
_TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


def template_errors(text: str) -> list[str]:
    """Every problem of a template text, as messages that name the placeholder."""
    errors: list[str] = []
    if _TEMPLATE_SYNTAX.search(text):
        errors.append(str(_("Double braces and template tags are not allowed. Write placeholders as {fornamn}.")))
    seen: set[str] = set()
    for match in _BRACED.finditer(_TEMPLATE_SYNTAX.sub("", text)):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS and name not in seen:
            seen.add(name)
            errors.append(str(_("Unknown placeholder {%(name)s}. Allowed placeholders: %(allowed)s.") % {
                "name": name, "allowed": ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)}))
    stray = _BRACED.sub("", text)
    if ("{" in stray or "}" in stray) and not errors:
        errors.append(str(_("A brace is not closed. Write placeholders as {fornamn}.")))
    return errors


def validate_template_text(text: str) -> None:
    errors = template_errors(text)
    if errors:
        raise ValidationError(errors)


def used_in(*texts: str) -> list[str]:
    """The known placeholders that occur in the texts, in the order of PLACEHOLDERS."""
    found = {m.group(1).strip() for text in texts for m in _BRACED.finditer(_TEMPLATE_SYNTAX.sub("", text or ""))}
    return [name for name in PLACEHOLDERS if name in found]


class EmptyPlaceholder(ValueError):
    """A letter would print with a gap: a placeholder it uses has no value."""

    def __init__(self, names: list[str]) -> None:
        super().__init__("empty placeholders: " + ", ".join(names))
        self.names = names


def fill(text: str, values: Mapping[str, str]) -> str:
    """Substitute the placeholders. Unknown names are left as they are (validation stops them); a known
    placeholder without a value raises EmptyPlaceholder: a letter is never printed with a gap."""
    empty = [name for name in used_in(text) if not str(values.get(name) or "").strip()]
    if empty:
        raise EmptyPlaceholder(empty)
    return _BRACED.sub(lambda m: str(values.get(m.group(1).strip(), m.group(0))), text)
