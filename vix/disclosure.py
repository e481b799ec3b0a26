"""Which counts of a report to hide, so that no small count can be traced (DOMAIN.md rule 16).

Contract of `hide(values, lines)`:

- `values` are the report's exact counts; `lines` are the ways they add up,
  each a pair (left, right) of index lists with sum(left) == sum(right): a total
  and its parts (signals per month add up to the signals placed), or two ways
  of splitting one total.
- Primary: a count of 1 to `THRESHOLD - 1` is hidden as `SMALL` ("<5").
- Secondary: a hidden count must not follow from the counts shown. A reader
  knows every shown count, that a `SMALL` cell holds 1 to 4, that a `SHIELDED`
  cell ("x") holds `THRESHOLD` or more (smaller ones would say "<5"), and how
  the lines add up. Per line, vix works out the range each hidden count of it
  can still take; where that range is a single number, one more count of that
  line is hidden: the smallest that opens the range again, else the largest
  (it gives the most room), and the lines are checked again until none gives a
  count away. A zero is never hidden: "x" would claim five or more.
- A reader may know some counts exactly from elsewhere (`known`: the row of
  his or her own school in a board report, from its internal report): to that
  reader they are shown, and hiding them helps nothing. Counts in `also` are
  hidden from the start ("x"): a board total that, less the reader's own
  count, leaves 1 to 4 for the other schools.
- Each line is checked on its own. Combining lines (subtracting two splits of
  one total from each other) can narrow a range further; vix does not audit
  those combinations, and a report has few of them (see docs/README-reports.md).

The result maps the index of every hidden count to its mark; counts not in it
are shown as they are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

THRESHOLD = 5
SMALL = "<5"
SHIELDED = "x"

Line = tuple[Sequence[int], Sequence[int]]  # indexes: sum(left) == sum(right)


def _bounds(mark: str) -> tuple[float, float]:
    """What a reader knows of a hidden count from its mark."""
    return (1, THRESHOLD - 1) if mark == SMALL else (THRESHOLD, math.inf)


def _pinned(
    values: Sequence[int], line: Line, hidden: dict[int, str], known: AbstractSet[int] = frozenset()
) -> bool:
    """Whether a reader can tell a hidden count of this line exactly.

    `known` counts the reader knows exactly whatever the report shows (his or
    her own organisation's, from its internal report): to the reader they are shown.
    """
    hidden = {i: mark for i, mark in hidden.items() if i not in known}
    left, right = line
    signed = [(i, 1) for i in left] + [(i, -1) for i in right]
    # sum(sign * x) over the hidden counts is what the shown ones leave over
    rest = -sum(sign * values[i] for i, sign in signed if i not in hidden)
    # per hidden count x, the range of sign * x: a reader solves for that, and it is
    # pinned exactly when x is
    spans = []
    for i, sign in signed:
        if i in hidden:
            lo, hi = _bounds(hidden[i])
            spans.append((lo, hi) if sign > 0 else (-hi, -lo))
    # the range of all of them together; infinite ends counted apart, so that one
    # count's own end can be taken out again (inf - inf is not a number)
    low = sum(lo for lo, _ in spans if math.isfinite(lo))
    high = sum(hi for _, hi in spans if math.isfinite(hi))
    low_inf = sum(1 for lo, _ in spans if not math.isfinite(lo))
    high_inf = sum(1 for _, hi in spans if not math.isfinite(hi))
    for own_low, own_high in spans:
        # what the other hidden counts can add up to
        if math.isfinite(own_low):
            others_low = -math.inf if low_inf else low - own_low
        else:
            others_low = -math.inf if low_inf > 1 else low
        if math.isfinite(own_high):
            others_high = math.inf if high_inf else high - own_high
        else:
            others_high = math.inf if high_inf > 1 else high
        if max(own_low, rest - others_high) >= min(own_high, rest - others_low):
            return True
    return False


def hide(
    values: Sequence[int],
    lines: Sequence[Line],
    known: AbstractSet[int] = frozenset(),
    also: Iterable[int] = (),
) -> dict[int, str]:
    """Index -> `SMALL` or `SHIELDED` for every count that must not be shown.

    `known`: counts the reader knows exactly from elsewhere (see `_pinned`); hiding
    them helps nothing, so they are never picked. `also`: counts to hide from the
    start (a total that, less what the reader knows, leaves a small count).
    """
    hidden = {i: SMALL for i, v in enumerate(values) if 0 < v < THRESHOLD}
    hidden.update({i: SHIELDED for i in also if values[i] >= THRESHOLD})
    changed = True
    while changed:
        changed = False
        for line in lines:
            if not _pinned(values, line, hidden, known):
                continue
            shown = sorted(
                (values[i], i)
                for i in {*line[0], *line[1]}
                if i not in hidden and i not in known and values[i] > 0
            )
            if not shown:
                continue  # nothing left to hide in this line (the others may still help)
            pick = shown[-1][1]
            for _, i in shown:
                if not _pinned(values, line, {**hidden, i: SHIELDED}, known):
                    pick = i
                    break
            hidden[pick] = SHIELDED
            changed = True
    return hidden
