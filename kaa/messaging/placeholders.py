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


def fill(text: str, values: Mapping[str, str]) -> str:
    """Substitute the placeholders. Unknown names are left as they are (validation stops them)."""
    return _BRACED.sub(lambda m: str(values.get(m.group(1).strip(), m.group(0))), text)
