"""The region's combined view (issue 13, item 10): a user with a reporting role in several
municipalities sees each municipality's counts side by side and their sum.

Counts only: no youth, record id or personnummer crosses from one municipality to another. The
municipalities are those where the user holds ``Perm.REPORTS_VIEW`` (the access policy decides);
a municipality where the user has another role only, or none, is not in the view.

Small numbers (``kaa.reporting.smallnumbers``): exact figures only when the user may see exact
figures in every municipality of the view (a coordinator, ``Perm.STATISTICS_EXPORT``); otherwise
(a head, a board member) each column, the municipalities and their sum, follows the rule, so a
municipality's hidden count cannot be worked out from the sum.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kaa.accounts.policy import Perm, has_perm, municipalities_with
from kaa.casework.codes import CodeTable
from kaa.casework.models import CodeKind

from . import board, smallnumbers


@dataclass
class Combined:
    period: board.BoardPeriod
    exact: bool
    headers: list[str]
    rows: list[dict[str, Any]]  # {"municipality": ..., "cells": [...]}
    total: list[Any]
    by_reason: list[tuple[str, Any]]
    by_reason_total: Any


COLUMNS = ("in_register", "new", "left", "at_end", "contacted", "youths_in_measure", "mapped")


def _column_labels() -> list[str]:
    return [
        _("Youths in the register during the period"),
        _("New in the register"),
        _("Left the register"),
        _("In the register at the end of the period"),
        _("First contact in the period"),
        _("In a measure"),
        _("Mapped: an occupation is known"),
    ]


def combined(*, user: Any, period: board.BoardPeriod, now: datetime.datetime | None = None) -> Combined:
    """Each municipality's counts where the user may read reports, and their sum, as the user may see them."""
    municipalities = municipalities_with(user, Perm.REPORTS_VIEW)
    exact = bool(municipalities) and all(has_perm(user, Perm.STATISTICS_EXPORT, m.pk) for m in municipalities)
    counts: dict[int, dict[str, Any]] = {}
    reasons: Counter[str] = Counter()
    for m in municipalities:
        c = board.counts(municipality=m, period=period, now=now)
        c["left"] = sum(c["left"].values())
        counts[m.pk] = c
        reasons.update(c["by_reason"])
    columns = [smallnumbers.suppress({m.pk: counts[m.pk][key] for m in municipalities}, exact=exact) for key in COLUMNS]
    codes = CodeTable.load()
    reason_table = smallnumbers.suppress(dict(sorted(reasons.items())), exact=exact)
    # The sum of the register's column and of the reasons is one count: hidden in one, hidden in both.
    register_hidden = columns[0].total_hidden or reason_table.total_hidden
    total = [smallnumbers.SECONDARY if i == 0 and register_hidden else col.total for i, col in enumerate(columns)]
    return Combined(
        period=period,
        exact=exact,
        headers=_column_labels(),
        rows=[{"municipality": m, "cells": [col.cells[m.pk] for col in columns]} for m in municipalities],
        total=total,
        by_reason=[
            (codes.label(CodeKind.REGISTRATION_REASON, key) or "–", shown) for key, shown in reason_table.cells.items()
        ],
        by_reason_total=smallnumbers.SECONDARY if register_hidden else reason_table.total,
    )
