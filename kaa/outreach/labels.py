"""Words for the codes of a contact chain (channels, letter templates, earlier steps): the chain editor
shows these, never the codes themselves.

Outreach sits below messaging (ARCHITECTURE.md: layers), so the letter templates a step can leave
behind are named here: the codes are messaging's template codes, and the presets' own names of
letters (almhult_letter, ...) are read as the template each one stands for, as messaging reads them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Channel

LETTER_TEMPLATES: list[tuple[str, Any]] = [
    ("letter_intro", _("Introduction letter")),
    ("home_visit_note", _("Home visit note")),
    ("concern_notice", _("Notice of concern report")),
    ("postcard", _("Postcard (Swedish, English, Arabic)")),
]
LETTER_TEMPLATE_ALIASES: dict[str, str] = {
    "almhult_letter": "letter_intro", "nykoping_letter": "letter_intro",
    "almhult_home_visit": "home_visit_note", "nykoping_home_visit_note": "home_visit_note",
    "almhult_concern_notice": "concern_notice",
}


def channel_labels(channels: str) -> str:
    """"phone sms" -> "Telefon, sms"."""
    labels = dict(Channel.choices)
    return ", ".join(str(labels.get(code, code)) for code in channels.split())


def letter_template_aliases() -> dict[str, str]:
    """The chain presets' names of letters (almhult_letter, ...) and the template each one means."""
    return dict(LETTER_TEMPLATE_ALIASES)


def letter_template_choices() -> list[tuple[str, Any]]:
    return [("", _("No letter")), *LETTER_TEMPLATES]


def letter_template_label(code: str) -> str:
    if not code:
        return ""
    canonical = LETTER_TEMPLATE_ALIASES.get(code, code)
    return str(dict(LETTER_TEMPLATES).get(canonical, canonical))
