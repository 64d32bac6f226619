"""Text the product stores must be printable: no control characters (issue 9).

A NUL or another C0 control character in a stored name cannot be written to an XLSX file, breaks CSV
readers and terminals, and hides text from a reader. Typed and imported text is refused at the edge:

- single-line text (names, addresses, codes, a form's text input): every C0 control (U+0000–U+001F)
  and DEL (U+007F) is refused, tab and line breaks included;
- multi-line text (a form's textarea: notes, letters, messages): line breaks (LF, CR) and tab are
  allowed, every other control is refused.

Forms get the check through ``kaa.core.forms.SafeTextMixin``; imports call ``has_control_character``
for every cell.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_CHARACTERS_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_character(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` holds a character the product refuses (see the module's docstring)."""
    return (CONTROL_CHARACTERS_MULTILINE if multiline else CONTROL_CHARACTERS).search(text) is not None


def without_control_characters(text: str, replacement: str = "?") -> str:
    """``text`` with every control character replaced: for quoting refused input in a message."""
    return CONTROL_CHARACTERS.sub(replacement, text)


@deconstructible
class NoControlCharactersValidator:
    """Refuses text with control characters; ``multiline`` allows line breaks and tab."""

    code = "control_character"

    def __init__(self, multiline: bool = False, label: Any = None) -> None:
        self.multiline = multiline
        self.label = label

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or not has_control_character(value, multiline=self.multiline):
            return
        if self.multiline:
            problem = _("the text contains a control character (an invisible special character other than a "
                        "line break). Remove it and try again.")
        else:
            problem = _("the text contains a control character (an invisible special character). Remove it and "
                        "try again.")
        if self.label:
            message = _("%(field)s: %(problem)s") % {"field": self.label, "problem": problem}
        else:
            message = _("The value is not accepted: %(problem)s") % {"problem": problem}
        raise ValidationError(message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, NoControlCharactersValidator) and other.multiline == self.multiline
                and other.label == self.label)

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


validate_single_line = NoControlCharactersValidator(multiline=False)
validate_multiline = NoControlCharactersValidator(multiline=True)
