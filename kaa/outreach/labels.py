"""Words for the codes of a contact chain (channels, letter templates, earlier steps): the chain editor
shows these, never the codes themselves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Channel


def channel_labels(channels: str) -> str:
    """"phone sms" -> "Telefon, sms"."""
    labels = dict(Channel.choices)
    return ", ".join(str(labels.get(code, code)) for code in channels.split())


def letter_template_aliases() -> dict[str, str]:
    """The chain presets' names of letters (almhult_letter, ...) and the template each one means."""
    from kaa.messaging.services import TEMPLATE_ALIASES

    return dict(TEMPLATE_ALIASES)


def letter_template_choices() -> list[tuple[str, Any]]:
    from kaa.messaging.models import TemplateCode

    return [("", _("No letter")), *TemplateCode.choices]


def letter_template_label(code: str) -> str:
    if not code:
        return ""
    from kaa.messaging.models import TemplateCode

    canonical = letter_template_aliases().get(code, code)
    return str(dict(TemplateCode.choices).get(canonical, canonical))
