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
  the lines add up. A reader subtracts lines from each other, and vix adds
  what that gives (`_derived`): two splits of one total add up to each other,
  and a line whose parts lie in another's leaves the difference (agreement
  less agreement in time is the buckets after the term; the matches that
  arose less agreement is "geen"). Per line, vix works
  out the range each hidden count of it can still take; where that range is a
  single number, one more count of that line is hidden: the smallest that
  opens the range again, else the largest (it gives the most room), and the
  lines are checked again until none gives a count away. A zero is never
  hidden: "x" would claim five or more.
- A reader may know some counts exactly from elsewhere (`known`: the row of
  his or her own school in a board report, from its internal report): to that
  reader they are shown, and hiding them helps nothing. Counts in `also` are
  hidden from the start ("x"): a board total that, less the reader's own
  count, leaves 1 to 4 for the other schools.
- Then the lines together: a reader carries what one line tells of a hidden
  count into the others (a board total of "<5", at most 4, less the reader's
  own 3 leaves at most 1 for the other school, which its "<5" then pins at 1).
  `_ranges` narrows every hidden count by every line until nothing narrows
  more. First with every mark as "." (one or more): what follows then
  follows from shown counts that no line gave away on its own (two domains
  of "<5" make 3, the shown total less the others; the one with two
  organisations, "<5" each, has at least 2: so 2, and the other 1). One more
  shown count of the lines linked to it is hidden, the smallest that opens
  it, and this is repeated. Where a hidden count then still follows exactly,
  marks lose their bounds: `WITHHELD` (".": one or more, no upper bound),
  first on the count itself, then on the hidden counts linked to it through
  the lines, nearest first (of a count's lines those with the fewest hidden
  counts first, so a domain's few organisations before the line of all of
  them) and a line's total before its parts, until it no longer follows (one
  by one up to `TRIES`, then the rest of the group at once). A withheld
  count was hidden already: "." never hides a shown one. Left alone is a
  count that follows with every mark "." whichever one of the first `TRIES`
  shown counts is hidden: the reader's own knowledge (a board total that is
  all the reader's school, the other showing 0), or a table where only two
  hidden together would open it (not tried). The ranges are exact for lines
  whose parts are apart or nested (a total split several ways, splits split
  again, the agreement buckets): with the differences `_derived` adds they
  make a tree, and every value a range leaves is one a table adding up in
  every line gives (tests/test_disclosure.py tries every value on random
  reports' lines). Lines whose parts overlap only partly (no report has
  them) could let a reader rule out more than a range shows
  (docs/README-reports.md).

- Some lines hold a count that no report shows (`unshown` in `hide`), which a
  reader knows only to be 0 or more: a line with one says "at least". When
  a report's period runs to today, the signals that ended in it or are
  active today are those placed in it and the ones placed before it
  (vix/reports.py, `Unshown`): the ends are at least placed less active, and
  placed 10, active 6 and no other end pin a withdrawn "<5" at 4. The
  ranges above take it in like any other hidden count, with bounds 0 and
  no upper one; it is never shown, marked or itself checked.

- The reader all this guards against knows the shown counts, the marks and
  the lines, and adds and subtracts. It does not guard against one who also
  knows these rules (they are public: docs/README-reports.md, and each
  report's notes): where a mark stands depends on the small counts, so it
  tells something too. A "." total over four "<5" parts stands only where
  the total is 4; an "x" total over a shown 5 and a "<5" only where that is
  1. Closing that would take marks placed independently of the counts, which
  this module does not do; tests/test_disclosure.py shows the limit.

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
WITHHELD = "."
# no mark: a count no report shows, 0 or more (`hide`'s `unshown`)
UNSHOWN = "+"
# rounds of `_ranges` at most: a report's lines (totals, their parts, and parts of those)
# settle in a few; a cap keeps a pathological table from running on (ranges then stay wide)
ROUNDS = 100
# counts withheld one by one, each checked, before the rest of their group goes at once
TRIES = 20

Line = tuple[Sequence[int], Sequence[int]]  # indexes: sum(left) == sum(right)


def _bounds(mark: str) -> tuple[float, float]:
    """What a reader knows of a hidden count from its mark (zeros are never hidden)."""
    if mark == SMALL:
        return (1, THRESHOLD - 1)
    if mark == UNSHOWN:
        return (0, math.inf)
    return (THRESHOLD, math.inf) if mark == SHIELDED else (1, math.inf)


Range = tuple[float, float]


def _narrowed(values: Sequence[int], line: Line, ranges: dict[int, Range]) -> dict[int, Range]:
    """The ranges of the line's hidden counts (those in `ranges`) after this line.

    Each hidden count lies in its range; the line says that the hidden counts
    together make up what the shown ones leave over, which bounds each by the
    others. A range whose low end meets or passes its high end is one value: pinned.
    """
    left, right = line
    signed = [(i, 1) for i in left] + [(i, -1) for i in right]
    # sum(sign * x) over the hidden counts is what the shown ones leave over
    rest = -sum(sign * values[i] for i, sign in signed if i not in ranges)
    # per hidden count x, the range of sign * x: a reader solves for that
    spans = []
    for i, sign in signed:
        if i in ranges:
            lo, hi = ranges[i]
            spans.append((i, sign, (lo, hi) if sign > 0 else (-hi, -lo)))
    # the range of all of them together; infinite ends counted apart, so that one
    # count's own end can be taken out again (inf - inf is not a number)
    low = sum(lo for _, _, (lo, _) in spans if math.isfinite(lo))
    high = sum(hi for _, _, (_, hi) in spans if math.isfinite(hi))
    low_inf = sum(1 for _, _, (lo, _) in spans if not math.isfinite(lo))
    high_inf = sum(1 for _, _, (_, hi) in spans if not math.isfinite(hi))
    found: dict[int, Range] = {}
    for i, sign, (own_low, own_high) in spans:
        # what the other hidden counts can add up to
        if math.isfinite(own_low):
            others_low = -math.inf if low_inf else low - own_low
        else:
            others_low = -math.inf if low_inf > 1 else low
        if math.isfinite(own_high):
            others_high = math.inf if high_inf else high - own_high
        else:
            others_high = math.inf if high_inf > 1 else high
        lo, hi = max(own_low, rest - others_high), min(own_high, rest - others_low)
        found[i] = (lo, hi) if sign > 0 else (-hi, -lo)
    return found


def _marked(hidden: dict[int, str], known: AbstractSet[int]) -> dict[int, Range]:
    """What the marks alone tell a reader; `known` counts are shown to him or her."""
    return {i: _bounds(mark) for i, mark in hidden.items() if i not in known}


def _pinned(
    values: Sequence[int], line: Line, hidden: dict[int, str], known: AbstractSet[int] = frozenset()
) -> bool:
    """Whether a reader can tell a hidden count of this line exactly from this line alone.

    `known` counts the reader knows exactly whatever the report shows (his or
    her own organisation's, from its internal report): to the reader they are shown.
    """
    found = _narrowed(values, line, _marked(hidden, known))
    return any(lo >= hi for i, (lo, hi) in found.items() if hidden[i] != UNSHOWN)


def _ranges(
    values: Sequence[int], lines: Sequence[Line], hidden: dict[int, str], known: AbstractSet[int]
) -> dict[int, Range]:
    """What a reader can tell of each hidden count from all the lines together.

    Bounds propagation: every line narrows the ranges of its hidden counts, and
    the narrower ranges are carried into the other lines, until none narrows any
    more (at most `ROUNDS` rounds). A range is never narrower than the truth: the
    real counts satisfy every line.
    """
    ranges = _marked(hidden, known)
    todo = [line for line in lines if any(i in ranges for i in (*line[0], *line[1]))]
    for _ in range(ROUNDS):
        changed = False
        for line in todo:
            for i, narrowed in _narrowed(values, line, ranges).items():
                if narrowed != ranges[i]:  # `_narrowed` only narrows: a change is progress
                    ranges[i] = narrowed
                    changed = True
        if not changed:
            break
    return ranges


def _linked(
    start: int, lines: Sequence[Line], ranges: dict[int, Range]
) -> tuple[list[int], list[Line]]:
    """The hidden counts (keys of `ranges`) linked to `start` through lines, itself first,
    and the lines they are in (in the order of `lines`).

    Nearest first (breadth first): of a count's lines those with the fewest
    hidden counts first, and within a line its total before its parts. So a
    domain's four organisations come before the thousands of the
    per-organisation line that shares one of them, and `hide` tries them
    first. Each line is read once: a line of thousands of organisations is not
    read again for every one of them.
    """
    by_count: dict[int, list[int]] = {}
    for n, (left, right) in enumerate(lines):
        for i in (*left, *right):
            by_count.setdefault(i, []).append(n)
    size = [sum(i in ranges for i in (*left, *right)) for left, right in lines]
    for numbers in by_count.values():
        numbers.sort(key=size.__getitem__)
    group, seen, visited, at = [start], {start}, set(), 0
    while at < len(group):
        for n in by_count.get(group[at], []):
            if n in visited:
                continue
            visited.add(n)
            for i in (*lines[n][0], *lines[n][1]):
                if i in ranges and i not in seen:
                    seen.add(i)
                    group.append(i)
        at += 1
    return group, [lines[n] for n in sorted(visited)]


def _nested(lines: Sequence[Line]) -> list[Line]:
    """The lines that follow from lines whose parts lie in another's: the differences.

    Agreement after 0 to 20 days (the buckets less "geen") lies in the
    matches that arose (all buckets), and agreement in time (the buckets up
    to the term) in agreement: a reader subtracts, and has the matches that
    arose = agreement + "geen", and agreement = agreement in time + the
    buckets after the term. Per line, the largest lines whose parts lie in
    its parts and not in each other's (agreement, not also agreement in
    time; each domain's organisations in the line of all of them) give the
    line with their totals in place of their parts. Two lines with the same
    parts give their totals equal.
    """
    parts = [frozenset(right) for _, right in lines]
    found: list[Line] = []
    for a, (a_left, a_right) in enumerate(lines):
        whole = parts[a]
        inner = sorted(
            (
                b
                for b, (b_left, _) in enumerate(lines)
                if b != a and parts[b] and parts[b] <= whole and not set(b_left) & whole
            ),
            key=lambda b: -len(parts[b]),
        )
        taken: set[int] = set()
        totals: list[int] = []
        for b in inner:
            if parts[b] == whole:
                if b > a:  # once per pair
                    found.append((a_left, lines[b][0]))
            elif not parts[b] & taken and not set(lines[b][0]) & {*totals, *a_left}:
                taken |= parts[b]
                totals += lines[b][0]
        if totals:
            found.append((a_left, [*totals, *(i for i in a_right if i not in taken)]))
    return found


def _derived(lines: Sequence[Line]) -> list[Line]:
    """The lines a reader forms from the report's by subtracting one from another.

    First those of nested parts (`_nested`). Then two splits of one total
    add up alike: the signals per month and per organisation both add up to
    those placed, so to each other. A reader subtracts them without the
    total, which bounds the one by the other even where the total's own
    parts (withdrawn as resolved and as unjustified) leave it loose.

    For lines whose parts are apart or nested (`report_lines`' are: a
    total's splits, a domain's organisations in the line of all of them,
    the buckets of agreement in time in those of agreement, and those in
    the ones of all matches), the lines `_nested` gives, with the others,
    make a tree linked through single counts, in which `_ranges` is exact:
    every value it leaves a hidden count is one that some table adding up
    in every line gives it. Lines whose parts overlap only partly are not
    combined.
    """
    given = {(tuple(sorted(left)), tuple(sorted(right))) for left, right in lines}
    extra: list[Line] = []

    def add(left: Sequence[int], right: Sequence[int]) -> None:
        common = set(left) & set(right)  # a count on both sides drops out
        left = [i for i in left if i not in common]
        right = [i for i in right if i not in common]
        key = (tuple(sorted(left)), tuple(sorted(right)))
        if left and right and key not in given and (key[1], key[0]) not in given:
            given.add(key)
            extra.append((left, right))

    for left, right in _nested(lines):
        add(left, right)
    by_total: dict[tuple[int, ...], list[Sequence[int]]] = {}
    for left, right in lines:
        by_total.setdefault(tuple(sorted(left)), []).append(right)
    for splits in by_total.values():
        for a in range(len(splits)):
            for b in range(a + 1, len(splits)):
                add(splits[a], splits[b])
    return extra


def hide(
    values: Sequence[int],
    lines: Sequence[Line],
    known: AbstractSet[int] = frozenset(),
    also: Iterable[int] = (),
    unshown: Iterable[int] = (),
) -> dict[int, str]:
    """Index -> `SMALL`, `SHIELDED` or `WITHHELD` for every count that must not be shown.

    `known`: counts the reader knows exactly from elsewhere (see `_pinned`); hiding
    them helps nothing, so they are never picked. `also`: counts to hide from the
    start (a total that, less what the reader knows, leaves a small count).

    `unshown`: counts that no report shows, which a reader knows only to be 0
    or more (`UNSHOWN`). One in a line makes it say "at least": when the
    period runs to today, the signals that ended in it or are active today
    are those placed in it and a rest placed before it (`reports.report_lines`):
    placed 10, active 6 and no other end leave withdrawn ("<5") at least 4, so
    exactly 4, though no line of equal sums says so. Another stands for a sum
    that lines share (withdrawn as resolved and as unjustified), so that the
    lines link through single counts and the ranges stay exact; a line with
    the two counts themselves may stand beside it (what it tells follows
    from the others), so that it pins on its own and a shown count goes. An
    unshown count is never picked, never given a mark, and never itself given
    away: what the shield guards are the counts shown.
    """
    unshown = frozenset(unshown)
    hidden = {i: SMALL for i, v in enumerate(values) if 0 < v < THRESHOLD and i not in unshown}
    hidden.update({i: SHIELDED for i in also if values[i] >= THRESHOLD})
    hidden.update({i: UNSHOWN for i in unshown})
    lines = [*lines, *_derived(lines)]
    # line by line: hide shown counts until no line on its own gives a hidden one away
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
                continue  # nothing left to hide in this line (the lines together, below)
            pick = shown[-1][1]
            for _, i in shown:
                if not _pinned(values, line, {**hidden, i: SHIELDED}, known):
                    pick = i
                    break
            hidden[pick] = SHIELDED
            changed = True
    # the lines together, first with no bounds at all ("." everywhere): what follows there
    # follows from shown counts that no single line gave away (a domain total that its
    # two organisations' "<5" make at least 2), so one of those goes ("x") as above. What
    # follows whichever single one goes is the reader's own knowledge
    own: set[int] = set()
    while True:
        loose = {i: UNSHOWN if i in unshown else WITHHELD for i in hidden}
        bare = _ranges(values, lines, loose, known)
        stuck = sorted(i for i, (lo, hi) in bare.items() if lo >= hi and i not in own | unshown)
        if not stuck:
            break
        first = stuck[0]
        _, near = _linked(first, lines, bare)
        shown = sorted(
            {
                (values[i], i)
                for left, right in near
                for i in (*left, *right)
                if i not in hidden and i not in known and values[i] > 0
            }
        )
        for _, i in shown[:TRIES]:
            lo, hi = _ranges(values, near, {**loose, i: WITHHELD}, known)[first]
            if lo < hi:
                hidden[i] = SHIELDED
                break
        else:
            own.add(first)
    # then with the marks: what still follows exactly loses the bounds of its mark, and
    # so do the hidden counts linked to it, nearest first, until it follows no more
    while True:
        ranges = _ranges(values, lines, hidden, known)
        pinned = sorted(i for i, (lo, hi) in ranges.items() if lo >= hi and i not in own | unshown)
        if not pinned:
            return {i: mark for i, mark in hidden.items() if i not in unshown}
        first = pinned[0]
        group, near = _linked(first, lines, ranges)
        # a group's counts depend only on each other and on shown counts: withheld all of
        # them, their ranges are `bare`'s, and only `own` ones are pinned
        loosen = [i for i in group if hidden[i] not in (WITHHELD, UNSHOWN)]
        if not loosen:
            # never: withheld whole, a group has `bare`'s ranges (the same lines and marks,
            # and as many rounds even where `ROUNDS` cuts them short), where only `own`
            # counts are pinned. Should it happen, the loop still ends
            own.add(first)
        for tried, i in enumerate(loosen):
            hidden[i] = WITHHELD
            if tried < TRIES:  # past that, the rest of the group goes without checking
                lo, hi = _ranges(values, near, hidden, known)[first]
                if lo < hi:
                    break
