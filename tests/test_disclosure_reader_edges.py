"""vix/disclosure.py at the edges of what its reader works out: two totals of the same
parts, a shielded count whose only open end is the line's, and a count the reader knows.

Each table here is one that a changed comparison in `hide` or `_narrowed` got wrong
while the rest of the suite passed (mutation testing): the result must leave no
line with a single hidden count, which a reader fills in by subtracting."""

from __future__ import annotations

from collections.abc import Sequence

from vix.disclosure import SHIELDED, SMALL, Line, hide


def alone_in_a_line(lines: Sequence[Line], hidden: dict[int, str]) -> list[int]:
    """The hidden counts that a line gives away on its own: the only hidden one in it,
    or two totals of the same parts, one shown and one hidden (the one is the other)."""
    found: list[int] = []
    for left, right in lines:
        unknown = [i for i in (*left, *right) if i in hidden]
        if len(unknown) == 1:
            found.append(unknown[0])
    for a, (a_left, a_right) in enumerate(lines):
        for b_left, b_right in lines[a + 1 :]:
            if sorted(a_right) == sorted(b_right) and len(a_left) == len(b_left) == 1:
                pair = {a_left[0], b_left[0]}
                if len(pair & hidden.keys()) == 1:
                    found.extend(pair & hidden.keys())
    return found


def test_two_totals_of_the_same_parts_are_hidden_together() -> None:
    # 9 = 4 + 5 twice (a total, and the same total counted another way): shielding the
    # first total while the second says 9 shows it anyway
    values = [9, 4, 5, 9]
    lines: list[Line] = [([0], [1, 2]), ([3], [1, 2])]
    hidden = hide(values, lines, also=[0])
    assert hidden[0] == SHIELDED and hidden[1] == SMALL
    assert 3 in hidden
    assert alone_in_a_line(lines, hidden) == []


def test_a_shielded_part_that_a_shown_total_less_a_zero_leaves_is_not_given_away() -> None:
    # 16 split two ways (6 + 0 + 4 + 6 and 12 + 4), and the first two parts added up twice
    # (6 and 6): once 6 is shielded, a subtotal of 6 over it and a shown 0 would say 6
    values = [16, 6, 0, 4, 6, 12, 4, 6, 6]
    lines: list[Line] = [([0], [1, 2, 3, 4]), ([0], [5, 6]), ([7], [1, 2]), ([8], [1, 2])]
    hidden = hide(values, lines)
    assert hidden[3] == SMALL and hidden[6] == SMALL
    assert 1 in hidden
    assert {7, 8} <= hidden.keys()
    assert alone_in_a_line(lines, hidden) == []


def test_a_count_the_reader_knows_is_never_marked_though_it_is_the_largest() -> None:
    # count 8 is the reader's own (a school's row in its board's report): marking it
    # hides nothing from that reader and only costs the report a number, even where it
    # is the largest shown count of a line that gives a "<5" away
    values = [19, 12, 4, 3, 6, 10, 3, 16, 16]
    lines: list[Line] = [([0], [1, 2, 3]), ([0], [4, 5, 6]), ([7], [1, 2]), ([8], [1, 2])]
    hidden = hide(values, lines, known={8})
    assert 8 not in hidden
    assert {2: SMALL, 3: SMALL, 6: SMALL}.items() <= hidden.items()
