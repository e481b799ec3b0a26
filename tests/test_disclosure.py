"""vix/disclosure.py: which counts a report hides, checked against a reader who tries every value.

The reader here is independent of vix's interval reasoning: for one line it
tries every value each hidden count may take ("<5": 1 to 4, "x": 5 up to a
cap above any real count) and keeps those the line allows. A hidden count is
given away when exactly one value remains.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from vix.disclosure import SHIELDED, SMALL, Line, hide

CAP = 200  # above every count drawn below: "x" ranges over 5..CAP


def possible_values(
    values: Sequence[int], line: Line, hidden: dict[int, str]
) -> dict[int, set[int]]:
    """For each hidden count of the line, every value consistent with what a reader sees."""
    left, right = line
    signed = [(i, 1) for i in left] + [(i, -1) for i in right]
    unknown = [(i, s) for i, s in signed if i in hidden]
    rest = -sum(s * values[i] for i, s in signed if i not in hidden)

    def options(i: int) -> range:
        return range(1, 5) if hidden[i] == SMALL else range(5, CAP + 1)

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


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_line_gives_a_hidden_count_away_unless_nothing_was_left_to_hide(
    table: tuple[list[int], list[Line]],
) -> None:
    values, lines = table
    hidden = hide(values, lines)
    assert {i for i, v in enumerate(values) if 0 < v < 5} <= hidden.keys()
    assert all(values[i] > 0 for i in hidden)  # a zero is never hidden
    assert all((mark == SMALL) == (values[i] < 5) for i, mark in hidden.items())
    for line in lines:
        if given_away(values, line, hidden):
            # the documented limit: every non-zero count of the line is hidden already,
            # all of them below 5, so the line's total is itself "<5"
            cells = {*line[0], *line[1]}
            assert all(i in hidden for i in cells if values[i] > 0)
            assert all(values[i] < 5 for i in cells)
