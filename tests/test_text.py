"""vix.text: free text from users is one line with nothing invisible in it."""

from __future__ import annotations

import sys

import pytest

from vix.errors import InvalidInput
from vix.text import UNSAFE, one_line, optional_line


@pytest.mark.parametrize(
    "value", ["Anna\nMaria", "Ja\rn", "06\x1b[2J", "a\tb", "Ali\u202eecila", "x\x85y", "\x00"]
)
def test_control_characters_are_refused_with_what_they_are_in(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        one_line(value, "De naam")
    assert refused.value.message.startswith("De naam bevat een regeleinde, tab of ander")


@pytest.mark.parametrize("value", ["  Zoë Çelik ", "Eriñ", "O'Brien-de Jong", "李", "[/]"])
def test_names_as_people_write_them_pass_stripped(value: str) -> None:
    assert one_line(value, "De naam") == value.strip()
    assert optional_line(None, "Het telefoonnummer") is None


def test_isprintable_is_false_for_every_unsafe_character() -> None:
    """The pupil import tests a whole batch with str.isprintable before it searches per row."""
    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if UNSAFE.match(chr(code)) and chr(code).isprintable()
    ]
    assert missed == []
