"""Small numbers in aggregate reports for heads and boards (issue 13, item 12).

A count of 1 to 4 youths could single a youth out, so reports read by heads (*rektor*,
*skolledare*) and boards (*nämnden*) never show one. The SCB file and the coordinator's own pages
keep exact figures; only these readers get the rule (``exact=False``).

The rule, for one table of counts and its total (``suppress``):

1. **Primary**: every count from 1 to 4 is hidden and shown as ``<5``. A count of 0 is shown: an
   empty group singles no one out.
2. **Secondary**: the total of a table is known (it is shown, or it is the same count as a figure
   elsewhere in the report), so a hidden count must not be worked out from the total and the counts
   left visible. While some hidden count could be (its possible values, given what is shown, are
   one value only), the smallest visible count of 5 or more is hidden too, shown as ``..``
   (*hidden so that a small count cannot be worked out*).
3. **Total**: if no visible count is left to hide and a hidden count could still be worked out
   (for example a table of one count, or counts 1 and 5), the total is hidden as well (``..``) and
   ``total_hidden`` says so, so the report hides that same total wherever else it shows it. A total
   under 5 is itself shown as ``<5``.

Where one count is the total of several tables (the youths in the register are the total of the
reasons and of what they do now), the report hides that total everywhere as soon as one table had to
hide it (``kaa.reporting.board.report``, ``kaa.reporting.region.combined``). A share (per cent) is
shown only when both the count and the rest of the total are shown. A single count on its own
(``cell``) follows the primary rule only.

"Could be worked out" is decided from what a reader knows: a ``<5`` count is 1 to 4, a ``..``
count is 5 or more, a shown count is exact and the counts add up to the total when it is shown.
Each hidden count then lies in an interval; a count is safe when its interval holds two values or
more. The Hypothesis tests check this against an exhaustive search.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")

SMALL = 5
UNDER = f"<{SMALL}"  # a primary hidden count: 1 to 4
SECONDARY = ".."  # a count hidden so that a small one cannot be worked out: 5 or more
_LOW = {UNDER: 1, SECONDARY: SMALL}
_HIGH = {UNDER: SMALL - 1}


@dataclass(frozen=True)
class Table(Generic[K]):
    """A table as the reader sees it: each key's shown value (an int or a mark) and the total's."""

    cells: dict[K, int | str]
    total: int | str | None
    total_hidden: bool


def cell(n: int | None, *, exact: bool) -> int | str | None:
    """One count on its own (no total to protect): ``<5`` for 1 to 4 unless ``exact``."""
    if n is None or exact or not 0 < n < SMALL:
        return n
    return UNDER


def _pinned(cells: Sequence[int | str], total: int | None) -> bool:
    """Whether some ``<5`` count has one possible value only, given the shown cells and total."""
    if total is None:
        return False  # without a sum, each <5 count may be any of 1..4
    hidden = [c for c in cells if isinstance(c, str)]
    rest = total - sum(c for c in cells if isinstance(c, int))
    for i, mark in enumerate(hidden):
        if mark != UNDER:
            continue
        others = hidden[:i] + hidden[i + 1 :]
        high = min(_HIGH[UNDER], rest - sum(_LOW[m] for m in others))
        # A ".." count has no upper bound, so with one among the others this count may be as low as 1.
        low = _LOW[UNDER] if SECONDARY in others else max(_LOW[UNDER], rest - sum(_HIGH[m] for m in others))
        if high <= low:
            return True
    return False


def suppress(counts: Mapping[K, int], *, additive: bool = True, exact: bool = False) -> Table[K]:
    """The counts and their total as shown to a head or board (see the module); all exact if ``exact``.

    ``additive=False`` for counts that do not add up to a known figure (a youth in several groups):
    then only the primary rule applies and no total is given (``total`` is None).
    """
    total = sum(counts.values())
    if exact:
        return Table(cells=dict(counts), total=total if additive else None, total_hidden=False)
    shown: dict[K, int | str] = {k: UNDER if 0 < n < SMALL else n for k, n in counts.items()}
    if not additive:
        return Table(cells=shown, total=None, total_hidden=False)
    total_shown: int | str = UNDER if 0 < total < SMALL else total
    if total_shown == UNDER:
        return Table(cells=shown, total=total_shown, total_hidden=False)
    while _pinned(list(shown.values()), total):
        candidates = [(n, i) for i, n in enumerate(shown.values()) if isinstance(n, int) and n >= SMALL]
        if not candidates:
            return Table(cells=shown, total=SECONDARY, total_hidden=True)
        key = list(shown)[min(candidates)[1]]
        shown[key] = SECONDARY
    return Table(cells=shown, total=total_shown, total_hidden=False)
