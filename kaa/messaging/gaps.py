"""What a letter lacks: a letter is never printed with an empty placeholder or without an address.

A batch prints the letters that are complete and holds the others back; the print page and the batch
page name each held-back letter and what it lacks, so that someone can fill the gap (the coach's phone
number, the municipality's KAA contact details, the youth's address).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaa.accounts.policy import visible_youths

from . import bridge
from .models import LetterTemplateVersion
from .pdf import LetterItem, placeholder_values
from .placeholders import PLACEHOLDERS, used_in

ADDRESS = "address"
# What is missing, in words, and what to do about it.
GAP_LABELS: dict[str, Any] = {
    "fornamn": _("the youth's first name"),
    "coach_telefon": _("a phone number (neither the coach nor the municipality's KAA has one)"),
    "coach_epost": _("an e-mail address (neither the coach nor the municipality's KAA has one)"),
    ADDRESS: _("a postal address"),
}
GAP_HINTS: dict[str, Any] = {
    "fornamn": _("The first name comes from the population data: check the latest import."),
    "coach_telefon": _("Enter the coach's phone number, or the KAA phone number in the municipality's settings."),
    "coach_epost": _("Enter the coach's e-mail address, or the KAA e-mail address in the municipality's settings."),
    ADDRESS: _("The youth has no postal address here: reach the youth another way, or find the address."),
}
TEXT_FIELDS = ("title", "body", "body_en", "body_ar")


@dataclass(frozen=True)
class HeldBack:
    """A letter that is not printed, and what it lacks (gap codes: placeholder names or ``address``)."""

    youth: Any
    gaps: tuple[str, ...]

    @property
    def labels(self) -> list[str]:
        return [str(GAP_LABELS.get(gap, PLACEHOLDERS.get(gap, gap))) for gap in self.gaps]

    @property
    def hints(self) -> list[str]:
        return [str(GAP_HINTS[gap]) for gap in self.gaps if gap in GAP_HINTS]


def letter_gaps(*, version: LetterTemplateVersion, youth: Any, coach: Any, municipality: Any) -> list[str]:
    """What this youth's letter from this template version would lack; empty when it can be printed."""
    used = used_in(*(getattr(version, name, "") for name in TEXT_FIELDS))
    values = placeholder_values(youth=youth, coach=coach, code="X", municipality=municipality)
    gaps = [name for name in used if not str(values.get(name) or "").strip()]
    if not youth.protection and not (youth.address and youth.postal_code and youth.city):
        gaps.append(ADDRESS)
    return gaps


def split_by_gaps(*, version: LetterTemplateVersion, items: list[LetterItem],
                  municipality: Any) -> tuple[list[LetterItem], list[HeldBack]]:
    """The letters that can be printed, and those held back with what they lack."""
    ready, held = [], []
    for item in items:
        gaps = letter_gaps(version=version, youth=item.youth, coach=item.coach, municipality=municipality)
        if gaps:
            held.append(HeldBack(youth=item.youth, gaps=tuple(gaps)))
        else:
            ready.append(item)
    return ready, held


def due_youths(*, user: Any, municipality: Any, youths: QuerySet | None = None,
               on: datetime.date | None = None) -> list[Any]:
    """The youths of the municipality whose letter is due, within the user's record scope."""
    if youths is None:
        youths = bridge.youths_due(user=user, step_code="letter", on=on)
    return list(visible_youths(user, youths).filter(municipality=municipality)
                .select_related("coach", "municipality").order_by("family_name", "given_name", "pk"))


def held_back(*, user: Any, municipality: Any, version: LetterTemplateVersion,
              on: datetime.date | None = None) -> list[HeldBack]:
    """The due letters of the municipality that cannot be printed now, each with what it lacks."""
    youths = due_youths(user=user, municipality=municipality, on=on)
    return [HeldBack(youth=youth, gaps=tuple(gaps)) for youth in youths
            if (gaps := letter_gaps(version=version, youth=youth, coach=youth.coach, municipality=municipality))]
