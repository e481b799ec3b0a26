"""vix/disclosure.py: which counts a report hides, checked against a reader who tries every value.

The readers here are independent of vix's interval reasoning: one line at a
time (`possible_values`), or all lines of a table together
(`jointly_possible`, any lines: a total split several ways, and totals split
again, as placed into domains into organisations), they try every value each
hidden count may take ("<5": 1 to 4, "x": 5 up to a cap above any real count,
".": 1 up to the cap) and keep those the lines allow. A hidden count is given
away when exactly one value remains."""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vix import disclosure, reports
from vix.disclosure import SHIELDED, SMALL, WITHHELD, Line, hide

CAP = 200  # above every count drawn below: "x" ranges over 5..CAP
UNSHOWN = "+"  # to the readers here: a count no report shows, 0 or more (reports.Unshown)


def mark_options(mark: str, cap: int = CAP) -> range:
    # an unshown count can be a sum of counts, or one sum less another: room for more
    return {
        SMALL: range(1, 5),
        SHIELDED: range(5, cap + 1),
        WITHHELD: range(1, cap + 1),
        UNSHOWN: range(0, 4 * cap + 1),
    }[mark]


def possible_values(
    values: Sequence[int], line: Line, hidden: dict[int, str]
) -> dict[int, set[int]]:
    """For each hidden count of the line, every value consistent with what a reader sees."""
    left, right = line
    signed = [(i, 1) for i in left] + [(i, -1) for i in right]
    unknown = [(i, s) for i, s in signed if i in hidden]
    rest = -sum(s * values[i] for i, s in signed if i not in hidden)

    def options(i: int) -> range:
        return mark_options(hidden[i])

    found: dict[int, set[int]] = {}
    for i, sign in unknown:
        reachable = {0}  # sums sign * x of the other hidden counts
        for j, other in unknown:
            if j != i:
                reachable = {r + other * v for r in reachable for v in options(j)}
        found[i] = {v for v in options(i) if rest - sign * v in reachable}
    return found


def given_away(values: Sequence[int], line: Line, hidden: dict[int, str]) -> list[int]:
    return [i for i, vs in possible_values(values, line, hidden).items() if len(vs) == 1]


def test_small_counts_get_the_small_mark_and_zeros_stay() -> None:
    assert hide([0, 1, 4, 5, 12], []) == {1: SMALL, 2: SMALL}


def test_a_total_that_would_give_one_part_away_is_hidden() -> None:
    # 6 = 5 + 1: hiding the 5 as "x" (5 or more) would still leave the 1, so the 6 goes
    assert hide([6, 5, 1], [([0], [1, 2])]) == {2: SMALL, 0: SHIELDED}


def test_the_smallest_part_that_opens_the_range_is_hidden() -> None:
    # 20 = 1 + 5 + 6 + 8: the 5 would pin the 1 at 1, the 6 leaves it 1 or 2
    hidden = hide([20, 1, 5, 6, 8], [([0], [1, 2, 3, 4])])
    assert hidden == {1: SMALL, 3: SHIELDED}
    assert given_away([20, 1, 5, 6, 8], ([0], [1, 2, 3, 4]), hidden) == []


def test_small_parts_that_leave_room_need_nothing_more() -> None:
    values = [16, 6, 5, 1, 1, 3]  # the three small ones sum to 5: each is 1, 2 or 3
    assert hide(values, [([0], [1, 2, 3, 4, 5])]) == {3: SMALL, 4: SMALL, 5: SMALL}


def test_a_count_hidden_for_one_line_is_checked_in_the_others() -> None:
    # total = A + B, A = a1 + a2, B = b1 + b2 (a domain and its organisations)
    values = [20, 9, 11, 8, 1, 6, 5]
    lines: list[Line] = [([0], [1, 2]), ([1], [3, 4]), ([2], [5, 6])]
    hidden = hide(values, lines)
    assert hidden[4] == SMALL
    for line in lines:
        assert given_away(values, line, hidden) == []


def test_a_count_the_reader_knows_counts_as_shown() -> None:
    # 7 = 3 + 4: two "<5" under a total of 7 leave 3+4 or 4+3; but the reader of a board
    # report knows the 3 (his own school's internal report), which pins the other at 4
    line: Line = ([0], [1, 2])
    assert hide([7, 3, 4], [line]) == {1: SMALL, 2: SMALL}
    known = hide([7, 3, 4], [line], known={1})
    assert known == {1: SMALL, 2: SMALL, 0: SHIELDED}
    seen = {i: mark for i, mark in known.items() if i != 1}  # to him the 3 is shown
    assert given_away([7, 3, 4], line, seen) == []


def test_a_count_to_hide_from_the_start_is_shielded_and_its_lines_checked() -> None:
    # a shown total of 12, less the reader's own 9 elsewhere, leaves 3: hide it ("x"),
    # and one of its shown parts too, or the parts would add the total up again
    values, line = [12, 7, 5], ([0], [1, 2])
    hidden = hide(values, [line], also=[0])
    assert hidden[0] == SHIELDED and len(hidden) == 2
    assert given_away(values, line, hidden) == []


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[int], list[Line]]:
    """A total split two ways (as signals per month and per organisation), or once.

    The total is one count, or two shown side by side (withdrawn as resolved and
    as unjustified, split again per organisation).
    """
    first = draw(st.lists(st.integers(0, 12), min_size=2, max_size=5))
    total = sum(first)
    values = [total, *first]
    lines: list[Line] = [([0], list(range(1, len(values))))]
    if draw(st.booleans()):
        part = draw(st.integers(0, total))
        values.append(total - part)
        values[0] = part
        lines = [([0, len(values) - 1], list(range(1, len(first) + 1)))]
    if draw(st.booleans()) and total > 0:
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=1, max_size=3)))
        second = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        start = len(values)
        values += second
        lines.append((lines[0][0], list(range(start, len(values)))))
    return values, lines


def jointly_possible(
    values: Sequence[int],
    lines: Sequence[Line],
    hidden: dict[int, str],
    known: AbstractSet[int] = frozenset(),
) -> dict[int, set[int]]:
    """For each hidden count, every value consistent with all lines together.

    Any lines: the hidden counts take every value their marks allow, one count
    after another (those of the shortest lines first). A partial choice is
    kept as what it leaves each unfinished line to make up, so that choices
    that leave the same merge; it is dropped once a line can no longer come
    out with the values still to choose, or comes out wrong. A value of a
    count is possible when some choice through it makes every line come out.
    """
    hidden = {i: mark for i, mark in hidden.items() if i not in known}
    # each line as sum(coefficient * count) over its hidden counts == constant
    equations: list[tuple[dict[int, int], int]] = []
    for left, right in lines:
        coefficients: dict[int, int] = {}
        constant = 0
        for cells, sign in ((left, 1), (right, -1)):
            for i in cells:
                if i in hidden:
                    coefficients[i] = coefficients.get(i, 0) + sign
                else:
                    constant -= sign * values[i]
        coefficients = {i: c for i, c in coefficients.items() if c}
        assert coefficients or constant == 0  # the real counts add up
        if coefficients:
            equations.append((coefficients, constant))
    order = list(
        dict.fromkeys(
            i
            for coefficients, _ in sorted(equations, key=lambda e: len(e[0]))
            for i in coefficients
        )
    )
    order += sorted(i for i in hidden if i not in order)  # in no line
    # a cap only takes values from the reader (he could only find more), and twice the
    # largest count leaves room above every real one: each real count can grow by one
    # with every total above it
    cap = min(CAP, 2 * max(values, default=0) + 10)
    options = {i: mark_options(hidden[i], cap) for i in order}
    # per equation and step: the least and most its counts from that step on can add
    rest_low = [[0] * (len(order) + 1) for _ in equations]
    rest_high = [[0] * (len(order) + 1) for _ in equations]
    for e, (coefficients, _) in enumerate(equations):
        for k in range(len(order) - 1, -1, -1):
            c = coefficients.get(order[k], 0)
            ends = (c * options[order[k]].start, c * (options[order[k]].stop - 1))
            rest_low[e][k] = rest_low[e][k + 1] + min(ends)
            rest_high[e][k] = rest_high[e][k + 1] + max(ends)

    # forward: the partial sums of every equation after each step that can still come out
    layers: list[dict[tuple[int, ...], list[tuple[tuple[int, ...], int]]]] = [
        {(0,) * len(equations): []}
    ]
    for k, i in enumerate(order):
        mine = [
            (e, coefficients[i], constant)
            for e, (coefficients, constant) in enumerate(equations)
            if i in coefficients
        ]
        after: dict[tuple[int, ...], list[tuple[tuple[int, ...], int]]] = {}
        for state in layers[-1]:
            # the values of count i that leave each of its lines able to come out
            low, high = options[i].start, options[i].stop - 1
            for e, c, constant in mine:
                ends = sorted(
                    (
                        (constant - state[e] - rest_high[e][k + 1]) / c,
                        (constant - state[e] - rest_low[e][k + 1]) / c,
                    )
                )
                low, high = max(low, math.ceil(ends[0])), min(high, math.floor(ends[1]))
            for v in range(low, high + 1):
                sums = list(state)
                for e, c, _ in mine:
                    sums[e] += c * v
                after.setdefault(tuple(sums), []).append((state, v))
        layers.append(after)
    # backward: the states every line comes out from, and the values on the way
    found: dict[int, set[int]] = {i: set() for i in order}
    good = set(layers[-1])
    for k in range(len(order) - 1, -1, -1):
        before = set()
        for state in good:
            for previous, v in layers[k + 1][state]:
                before.add(previous)
                found[order[k]].add(v)
        good = before
    for i in order:
        assert values[i] in found[i]  # the reader's reasoning holds for the real counts
    return found


def test_a_board_total_of_less_than_5_less_the_readers_own_gives_nothing_away() -> None:
    """Board total 4 ("<5") = own school 3 (known) + the other school 1 ("<5"): the
    other would be exactly 1. The month's split of the total ("<5" too) bounds it
    again, so withholding the total alone is not enough."""
    values = [4, 3, 1, 4]  # total, own school, other school, the month
    lines: list[Line] = [([0], [1, 2]), ([0], [3])]
    old = {0: SMALL, 1: SMALL, 2: SMALL, 3: SMALL}
    assert [i for i, vs in jointly_possible(values, lines, old, {1}).items() if len(vs) == 1] == [
        0,
        2,
        3,
    ]
    hidden = hide(values, lines, known={1})
    assert hidden[1] == SMALL  # the reader's own: what it shows does not matter to him
    assert all(len(vs) > 1 for vs in jointly_possible(values, lines, hidden, {1}).values())
    # to a reader who knows no school the "<5"s were enough
    assert hide(values, lines) == old


def test_four_small_parts_under_a_small_total_are_no_longer_four_times_1() -> None:
    values, line = [4, 1, 1, 1, 1], ([0], [1, 2, 3, 4])
    hidden = hide(values, [line])
    assert hidden == {0: WITHHELD, 1: SMALL, 2: SMALL, 3: SMALL, 4: SMALL}
    assert given_away(values, line, hidden) == []


def test_two_splits_of_one_total_are_subtracted() -> None:
    # a + 6 = c + 7 = e + f: each line leaves room, but c + 7 = e + f = 8 makes c = 1
    # (and a = 2); the 7 goes ("x"), as for any line that gives a count away
    values = [2, 1, 7, 6, 4, 4]
    lines: list[Line] = [([0, 3], [1, 2]), ([0, 3], [4, 5])]
    small = {0: SMALL, 1: SMALL, 4: SMALL, 5: SMALL}
    assert hide(values, lines[:1]) == small  # one split alone: nothing follows
    assert all(given_away(values, line, small) == [] for line in lines)
    before = jointly_possible(values, lines, small)
    assert before[0] == {2} and before[1] == {1}
    hidden = hide(values, lines)
    assert hidden == {**small, 2: SHIELDED}
    assert all(len(vs) > 1 for vs in jointly_possible(values, lines, hidden).values())


def test_a_count_that_follows_only_with_a_domains_organisations_gets_a_shown_one_hidden() -> None:
    """8 placed = 1 + 2 + 5 per domain; the 2 is two organisations of one each. No line
    alone tells a "<5" (the 1 and the 2 make 3: 1 + 2 or 2 + 1), but two organisations
    of at least 1 make the 2 at least 2: so 2, and the 1 is 1. That follows even with no
    bounds on the marks ("." everywhere), so vix showed it: a shown count must go."""
    values = [8, 8, 1, 2, 5, 1, 1, 1, 1, 4]  # placed, month, 3 domains, 5 organisations
    lines: list[Line] = [
        ([0], [1]),
        ([0], [2, 3, 4]),
        ([0], [5, 6, 7, 8, 9]),
        ([2], [5]),
        ([3], [6, 7]),
        ([4], [8, 9]),
    ]
    small = {i: SMALL for i, v in enumerate(values) if v < 5}
    assert all(given_away(values, line, small) == [] for line in lines)
    assert jointly_possible(values, lines, small)[2] == {1}
    assert jointly_possible(values, lines, {i: WITHHELD for i in small})[2] == {1}
    hidden = hide(values, lines)
    # the 5 goes (the smallest shown count of the lines), and then the marks linked to
    # the 1 lose their bounds until it no longer follows: the 1, its organisation, the
    # 2 and the 5
    assert hidden == {**small, 2: WITHHELD, 3: WITHHELD, 4: WITHHELD, 5: WITHHELD}
    assert all(len(vs) > 1 for vs in jointly_possible(values, lines, hidden).values())


def test_a_count_that_is_all_the_readers_own_is_not_withheld() -> None:
    # the board total is all the reader's school (the other has none): he knows it
    values, line = [3, 3, 0], ([0], [1, 2])
    assert hide(values, [line], known={1}) == {0: SMALL, 1: SMALL}


def test_a_pinned_count_is_loosened_through_its_smallest_line_first() -> None:
    """Four organisations of one each under a domain total of 4 ("<5"): four times 1. The
    first of them is also in the line of all 29 organisations; taken first, that line
    put 28 organisations before the domain total, and past `TRIES` of them every hidden
    count of the table lost its bounds. The domain's line (five hidden counts) comes
    before the one of 29 now."""
    others = [1 + k % 4 for k in range(25)]  # the other domain's organisations, all "<5"
    values = [1, 1, 1, 1, *others, 4, sum(others), 4 + sum(others)]
    domain, other, placed = 29, 30, 31
    lines: list[Line] = [
        ([placed], list(range(29))),
        ([placed], [domain, other]),
        ([domain], [0, 1, 2, 3]),
        ([other], list(range(4, 29))),
    ]
    hidden = hide(values, lines)
    # the other domain's total goes ("x") line by line: placed less it is the 4
    assert hidden == {
        **{i: SMALL for i in range(1, 29)},
        0: WITHHELD,
        domain: WITHHELD,
        other: SHIELDED,
    }
    assert all(len(vs) > 1 for vs in jointly_possible(values, lines, hidden).values())


def chain(length: int) -> tuple[list[int], list[Line]]:
    """Counts 0 .. length, each equal to the next (4, "<5"), the last split in four ones."""
    values = [4] * (length + 1) + [1] * 4
    lines: list[Line] = [([k], [k + 1]) for k in range(length)]
    return values, [*lines, ([length], list(range(length + 1, length + 5)))]


def test_past_tries_the_rest_of_a_group_loses_its_bounds_unchecked() -> None:
    """Four ones under the last count pin it at 4, and every count of the chain with it.
    Only the chain withheld whole opens it; vix withholds one count at a time,
    checking each, up to `TRIES`, and then the rest of the group at once: the four
    ones too, which would not have needed it."""
    assert disclosure.TRIES == 20
    values, lines = chain(19)  # 20 counts in the chain: the last one tried opens it
    hidden = hide(values, lines)
    assert hidden == {**{k: WITHHELD for k in range(20)}, **{k: SMALL for k in range(20, 24)}}
    assert all(len(vs) > 1 for vs in jointly_possible(values, lines, hidden).values())
    values, lines = chain(20)  # 21: the 21st and the four ones go without a check
    hidden = hide(values, lines)
    assert hidden == {k: WITHHELD for k in range(25)}
    assert all(len(vs) > 1 for vs in jointly_possible(values, lines, hidden).values())


def test_ranges_stop_narrowing_after_rounds() -> None:
    """The lines of the chain come in the order that carries the pin one count further
    per round: after `ROUNDS` rounds the first count still reads 1 to 4, where a reader
    who follows all the way finds 4. Here that costs nothing: the counts that were
    found pinned are one group with the rest, and it loses its bounds whole."""
    assert disclosure.ROUNDS == 100
    values, lines = chain(100)
    small = {i: SMALL for i in range(len(values))}
    assert disclosure._ranges(values, lines, small, set())[0] == (1, 4)
    assert jointly_possible(values, lines, small)[0] == {4}
    hidden = hide(values, lines)
    assert hidden == {i: WITHHELD for i in range(len(values))}
    assert all(len(vs) > 1 for vs in jointly_possible(values, lines, hidden).values())


@st.composite
def nested_tables(draw: st.DrawFn) -> tuple[list[int], list[Line]]:
    """Signals placed, per month, per domain and per organisation, as `report_lines` has
    them: the organisations add up to the placed total and to their domain's. The lines
    come in any order."""
    domains = draw(
        st.lists(
            st.lists(st.sampled_from([0, 1, 1, 2, 3, 4, 5, 6, 9]), min_size=1, max_size=4),
            min_size=1,
            max_size=3,
        )
    )
    total = sum(map(sum, domains))
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=2)))
    months = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    values = [total, *months, *map(sum, domains)]
    month_cells = list(range(1, 1 + len(months)))
    domain_cells = list(range(1 + len(months), len(values)))
    org_cells: list[list[int]] = []
    for orgs in domains:
        org_cells.append(list(range(len(values), len(values) + len(orgs))))
        values += orgs
    lines: list[Line] = [
        ([0], month_cells),
        ([0], domain_cells),
        ([0], [o for orgs in org_cells for o in orgs]),
        *(([d], orgs) for d, orgs in zip(domain_cells, org_cells, strict=True)),
    ]
    return values, draw(st.permutations(lines))


def rules_aware_readings(
    values: Sequence[int], lines: Sequence[Line], known: AbstractSet[int] = frozenset()
) -> list[tuple[int, ...]]:
    """Every table that a reader who knows these rules cannot tell from the real one: values
    for the counts he or she does not see (in their marks' ranges, up to 20) that add up
    in every line and for which vix shows exactly the same."""
    shown = hide(values, lines, known)
    unseen = sorted(i for i in shown if i not in known)
    readings = []
    for choice in itertools.product(*(mark_options(shown[i], 20) for i in unseen)):
        table = list(values)
        for i, v in zip(unseen, choice, strict=True):
            table[i] = v
        adds_up = all(
            sum(table[i] for i in left) == sum(table[i] for i in right) for left, right in lines
        )
        if adds_up and hide(table, lines, known) == shown:
            readings.append(choice)
    return readings


def test_a_reader_who_knows_these_rules_can_read_more_than_the_marks_say() -> None:
    """The documented limit (docs/README-reports.md, "Bekende grenzen"). The readers above
    know the marks; the rules that place them are public too, and where a mark stands
    tells more. vix does not guard against that."""
    # a "." total over four "<5": to a reader of the marks 4 or more, each part 1 or 2;
    # but vix puts "." there only where "<5" would pin the total, so it is 4
    values, lines = [4, 1, 1, 1, 1], [([0], [1, 2, 3, 4])]
    assert all(len(vs) > 1 for vs in jointly_possible(values, lines, hide(values, lines)).values())
    assert rules_aware_readings(values, lines) == [(4, 1, 1, 1, 1)]
    # the instellingscoördinator who knows her school's 3: "." on the board total, the
    # other school and the month stands only where the other school has 1
    values, lines = [4, 3, 1, 4], [([0], [1, 2]), ([0], [3])]
    assert all(
        len(vs) > 1
        for vs in jointly_possible(values, lines, hide(values, lines, known={1}), {1}).values()
    )
    assert rules_aware_readings(values, lines, known={1}) == [(4, 1, 4)]
    # line by line the same: a shown 5 and a "<5" under a total "x" are 5 + 1, for
    # 5 + 2 = 7 would have left the 7 shown
    assert rules_aware_readings([6, 5, 1], [([0], [1, 2])]) == [(6, 1)]
    # where the marks do not depend on the small count, the rules tell nothing more:
    # 9 = "x" + "<5" stands for 5 + 4, 6 + 3, 7 + 2 and 8 + 1 alike
    assert rules_aware_readings([9, 5, 4], [([0], [1, 2])]) == [(5, 4), (6, 3), (7, 2), (8, 1)]


@st.composite
def with_known(draw: st.DrawFn) -> tuple[list[int], list[Line], set[int]]:
    """A table, and some parts that the reader knows (the own school's)."""
    values, lines = draw(st.one_of(tables(), nested_tables()))
    parts = sorted({i for _, right in lines for i in right})
    known = set(draw(st.lists(st.sampled_from(parts), max_size=2)))
    return values, lines, known


@settings(max_examples=500, deadline=None)
@given(with_known())
def test_no_hidden_count_follows_from_the_lines_together(
    table: tuple[list[int], list[Line], set[int]],
) -> None:
    values, lines, known = table
    hidden = hide(values, lines, known)
    assert {i for i, v in enumerate(values) if 0 < v < 5} <= hidden.keys()
    assert all(values[i] > 0 for i in hidden)  # a zero is never hidden
    assert all(
        {SMALL: values[i] < 5, SHIELDED: values[i] >= 5, WITHHELD: True}[mark]
        for i, mark in hidden.items()
    )
    found = jointly_possible(values, lines, hidden, known)
    # what follows with no bounds at all comes from shown and known counts alone
    bare = jointly_possible(values, lines, {i: WITHHELD for i in hidden}, known)
    assert [i for i, vs in found.items() if len(vs) == 1 and len(bare[i]) > 1] == []
    if not known:
        assert all(len(vs) > 1 for vs in found.values())


@settings(max_examples=200, deadline=None)
@given(nested_tables(), st.data())
def test_the_counts_linked_to_a_pinned_one_are_found_line_by_line(
    table: tuple[list[int], list[Line]], data: st.DataObject
) -> None:
    """`_linked` reads each line once; it finds what a plain search over all lines finds:
    breadth first from the count, of a count's lines those with the fewest hidden counts
    first, a line's total before its parts, and the lines any of them is in."""
    values, lines = table
    ranges = {i: (1.0, 4.0) for i in data.draw(st.sets(st.sampled_from(range(len(values)))))}
    start = data.draw(st.sampled_from(sorted(ranges))) if ranges else 0
    ranges[start] = (1.0, 4.0)

    def cells(line: Line) -> list[int]:
        return [*line[0], *line[1]]

    def hidden_in(line: Line) -> int:
        return len([i for i in cells(line) if i in ranges])

    group = [start]
    for i in group:  # grows while it is read
        for line in sorted((line for line in lines if i in cells(line)), key=hidden_in):
            group += [j for j in cells(line) if j in ranges and j not in group]
    near = [line for line in lines if set(cells(line)) & set(group)]
    assert disclosure._linked(start, lines, ranges) == (group, near)


def jaarverslag_lines(report: reports.Report, limit: int) -> tuple[list[int], list[Line], set[int]]:
    """The counts, lines and unshown counts (`reports.Unshown`) `reports.report_lines` gives."""
    holders, lines = reports.report_lines(report, limit)
    values = [reports._count(h, n) for h, n in holders]
    for left, right in lines:
        assert sum(values[i] for i in left) == sum(values[i] for i in right)
    return values, lines, {i for i, (h, _) in enumerate(holders) if isinstance(h, reports.Unshown)}


def signals_report(
    orgs: list[reports.OrganisationRow],
    *,
    unjustified: int = 0,
    at_23: int = 0,
    placed_march: int | None = None,
    to_today: bool = True,
    matches: reports.MatchFigures | None = None,
    buckets: list[reports.Bucket] | None = None,
    limit: int = 5,
) -> reports.Report:
    """A jaarverslag of March and April 2026 with these organisations' signals (withdrawn
    as unjustified and expired at 23 taken from their totals), made on 30-04-2026 (the
    period runs to today) or on 05-05-2026; no matches unless given."""
    placed = sum(int(o.placed) for o in orgs)
    withdrawn = sum(int(o.withdrawn) for o in orgs)
    expired = sum(int(o.expired) for o in orgs)
    signals = reports.SignalFigures(
        placed=placed,
        youths=placed,
        withdrawn_resolved=withdrawn - unjustified,
        withdrawn_unjustified=unjustified,
        expired=expired - at_23,
        expired_age_23=at_23,
        deleted_other={},
        active_now=sum(int(o.active_now) for o in orgs),
    )
    if matches is None:
        matches = reports.MatchFigures(
            0, 0, 0, 0, 0, 0, 0, None, None, None, 0, 0, 0,
            [reports.Escalation(1, "niveau 1", 0)], 0,
        )  # fmt: skip
    if buckets is None:
        buckets = [reports.Bucket(label, 0) for label, _, _ in reports.AGREEMENT_BUCKETS]
        buckets.append(reports.Bucket("geen", 0))
    march = placed if placed_march is None else placed_march
    arisen = int(matches.arisen)
    march_matches = int(matches.youth_arisen)  # any split of them over the months
    months = [
        reports.MonthRow("2026-03", "mrt", march, march_matches),
        reports.MonthRow("2026-04", "apr", placed - march, arisen - march_matches),
    ]
    domains = [
        reports.DomainRow(d, sum(int(o.placed) for o in orgs if o.domain == d), 0)
        for d in sorted({o.domain for o in orgs})
    ]
    made = "2026-04-30T10:00:00" if to_today else "2026-05-05T10:00:00"
    return reports.Report(
        "t", "r", "regio", "regio", False, "2026-03-01", "2026-04-30", made, limit, "werkdagen",
        signals, matches, months, domains, orgs, buckets,
    )  # fmt: skip


def organisation(
    n: int, placed: int, withdrawn: int, expired: int, active: int
) -> reports.OrganisationRow:
    return reports.OrganisationRow(
        f"O{n}", f"O{n}", "onderwijs", placed, withdrawn, expired, active, 0
    )


def shielded_to_a_reader(
    report: reports.Report,
) -> tuple[list[int], list[Line], dict[int, str], int]:
    """A report's exact counts and their lines as a reader knows them, with the ends at
    least what was placed less the active ones (a rest, the last count, 0 or more), and
    what the report shows of them shielded: the marks. The reader's line of the rest is
    this test's, not vix's (`report_lines`' own ones are left out)."""
    shown = copy.deepcopy(report)
    reports._shield(shown, 5)
    cells = reports.report_lines(shown, 5)[0]  # a shielded report has no unshown counts
    holders, lines = reports.report_lines(report, 5)
    values = [reports._count(h, n) for h, n in holders[: len(cells)]]
    lines = [line for line in lines if max(*line[0], *line[1]) < len(cells)]
    at = {n: i for i, (h, n) in enumerate(cells) if h is shown.signals}
    ends = [at[n] for n in ("withdrawn_resolved", "withdrawn_unjustified", "expired")]
    ends += [at["expired_age_23"], at["active_now"]]
    rest = len(values)
    values.append(sum(values[i] for i in ends) - values[at["placed"]])
    lines.append((ends, [at["placed"], rest]))
    marks = {i: getattr(h, n) for i, (h, n) in enumerate(cells) if not isinstance(h, dict)}
    return values, lines, {i: m for i, m in marks.items() if isinstance(m, str)}, rest


@pytest.mark.parametrize(
    ("org", "at_23", "pinned"),
    [
        ((10, 4, 0, 6), 0, ["withdrawn", "withdrawn_resolved"]),
        # the pair of expired rows: 3 and 1, each "<5", and the organisation's 4
        ((9, 0, 4, 5), 1, ["expired"]),
    ],
)
def test_a_report_to_today_bounds_the_ends_from_below(
    org: tuple[int, int, int, int], at_23: int, pinned: list[str]
) -> None:
    """To today, every signal placed in the period has ended in it or is active today:
    placed 10 and active 6, not expired and none withdrawn as unjustified, leave at least
    4 withdrawn, and "<5" makes that exactly 4. No line of equal sums says so (the
    reviewer's "act2", session 21): vix reasoned with those only, and showed the rest."""
    report = signals_report([organisation(1, *org)], at_23=at_23)
    values, lines, hidden, rest = shielded_to_a_reader(report)
    assert values[rest] == 0
    found = jointly_possible(values, lines, {**hidden, rest: UNSHOWN})
    assert {i: vs for i, vs in found.items() if len(vs) < 2 and i != rest} == {}
    # what the equal sums alone showed: the "<5"s, which the relation pins at 4
    cells = reports.report_lines(report, 5)[0]
    small = {i: SMALL for i, v in enumerate(values[:-1]) if 0 < v < 5}
    assert hide(values[:-1], lines[:-1]) == small
    found = jointly_possible(values, lines, {**small, rest: UNSHOWN})
    assert sorted(cells[i][1] for i, vs in found.items() if vs == {4}) == pinned


def test_a_report_before_today_says_nothing_more_of_the_ends() -> None:
    """What ended after the period is in no end of it and no longer active: the ends are
    not bounded by placed less active, and nothing more is hidden."""
    report = signals_report([organisation(1, 10, 4, 0, 6)], to_today=False)
    assert not any(isinstance(h, reports.Unshown) for h, _ in reports.report_lines(report, 5)[0])
    reports._shield(report, 5)
    assert (report.signals.withdrawn_resolved, report.signals.active_now) == (SMALL, 6)


@st.composite
def report_tables(draw: st.DrawFn) -> tuple[list[int], list[Line], set[int]]:
    """The counts, lines and unshown counts `reports.report_lines` gives for a small jaarverslag.

    Matches: each arose in one of two months, as a youth or family match, with its
    agreement after some days or none; judged are those with agreement and some
    without (their term passed), and in time those with agreement within the term.
    Signals: organisations in domains, each with placed, withdrawn (as resolved or as
    unjustified), expired (after the term or at 23) and active counts; the placed
    ones split over two months. Over a period to today an organisation's placed ones
    are at most its ended and active ones (the others were placed before).
    """
    limit = draw(st.sampled_from([3, 5, 7, 10, 20]))
    days = draw(
        st.lists(st.one_of(st.none(), st.sampled_from([0, 1, 2, 4, 5, 6, 9, 12, 25])), max_size=12)
    )
    arisen = len(days)
    agreed = [d for d in days if d is not None]
    judged = len(agreed) + draw(st.integers(0, arisen - len(agreed)))
    in_time = sum(d <= limit for d in agreed)
    youth = draw(st.integers(0, arisen))
    buckets = [
        reports.Bucket(label, sum(lo <= d <= hi for d in agreed))
        for label, lo, hi in reports.AGREEMENT_BUCKETS
    ]
    buckets.append(reports.Bucket("geen", arisen - len(agreed)))
    matches = reports.MatchFigures(
        arisen=arisen,
        youth_arisen=youth,
        family_arisen=arisen - youth,
        youth_ended=draw(st.integers(0, 3)),
        family_ended=0,
        judged=judged,
        agreement_in_time=in_time,
        agreement_share=None,
        median_contact_days=None,
        median_agreement_days=None,
        with_contact=draw(st.integers(0, arisen)),
        with_agreement=len(agreed),
        stagnated=judged - in_time,
        escalations=[reports.Escalation(1, "niveau 1", draw(st.integers(0, 2)))],
        cross_municipality=0,
    )
    to_today = draw(st.booleans())
    small = st.sampled_from([0, 0, 1, 2, 3, 5, 6])
    few = st.sampled_from([0, 0, 1, 2, 4, 5])  # withdrawn, expired
    orgs = []
    for n in range(draw(st.integers(1, 3))):
        ends = [draw(few), draw(few), draw(st.sampled_from([0, 1, 5, 6, 9]))]
        # to today mostly all of them, as where a "<5" of the ends is pinned
        placed = (
            max(0, sum(ends) - draw(st.sampled_from([0, 0, 1, 5]))) if to_today else draw(small)
        )
        orgs.append(
            reports.OrganisationRow(
                code=f"O{n}",
                name=f"O{n}",
                domain=draw(st.sampled_from(["onderwijs", "jgz"])),
                placed=placed,
                withdrawn=ends[0],
                expired=ends[1],
                active_now=ends[2],
                matches=draw(st.integers(0, arisen)),
            )
        )
    report = signals_report(
        orgs,
        unjustified=draw(st.integers(0, sum(int(o.withdrawn) for o in orgs))),
        at_23=draw(st.integers(0, sum(int(o.expired) for o in orgs))),
        placed_march=draw(st.integers(0, sum(int(o.placed) for o in orgs))),
        to_today=to_today,
        matches=matches,
        buckets=buckets,
        limit=limit,
    )
    for d in report.per_domain:
        d.matches = draw(st.integers(0, arisen))
    return jaarverslag_lines(report, limit)


@settings(max_examples=300, deadline=None)
@given(report_tables())
def test_no_hidden_count_of_a_report_follows_from_its_lines(
    table: tuple[list[int], list[Line], set[int]],
) -> None:
    """A whole report's lines (the agreement buckets nested in agreement and in
    agreement in time, organisations in domains, to today the ends at least what was
    placed less the active ones): a reader who tries every value (`jointly_possible`,
    every relation the lines imply, subtractions of nested totals included, an unshown
    count 0 or more) finds at least two for each hidden count."""
    values, lines, unshown = table
    hidden = hide(values, lines, unshown=unshown)
    assert {i for i, v in enumerate(values) if 0 < v < 5 and i not in unshown} <= hidden.keys()
    assert not hidden.keys() & unshown  # never shown, never marked
    found = jointly_possible(values, lines, {**hidden, **dict.fromkeys(unshown, UNSHOWN)})
    assert [i for i, vs in found.items() if len(vs) < 2 and i not in unshown] == []
