"""vix.text: free text from users is one line with nothing invisible in it."""

from __future__ import annotations

import sys

import pytest

from vix.errors import InvalidInput
from vix.text import (
    CLASS_LONG_REASON,
    CLASS_NUMBER_REASON,
    CLASS_SHAPE_REASON,
    MAX_TEXT,
    UNSAFE,
    UNSAFE_REASON,
    class_refusal,
    hide_numbers,
    matches_told,
    one_line,
    phone_number,
    required_name,
)


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
    assert phone_number(None) is None and phone_number("  ") is None


@pytest.mark.parametrize("value", ["123456782", "Anna 111 222 333", "A1b2c3d4e5"])
def test_a_name_with_a_number_is_refused_without_repeating_it(value: str) -> None:
    assert one_line(value, "De code") == value  # a code or a phone number may hold digits
    with pytest.raises(InvalidInput) as refused:
        one_line(value, "De achternaam", name=True)
    assert refused.value.message.startswith("De achternaam bevat een nummer")
    assert "2" not in refused.value.message


@pytest.mark.parametrize("value", ["Willem 2", "Lodewijk XIV", "van 't Hek 1234"])
def test_up_to_four_digits_in_a_name_pass(value: str) -> None:
    assert one_line(value, "De naam", name=True) == value


def test_text_longer_than_the_limit_is_refused() -> None:
    assert one_line("x" * MAX_TEXT, "De naam") == "x" * MAX_TEXT
    with pytest.raises(InvalidInput, match="De naam is langer dan 100 tekens"):
        one_line("x" * (MAX_TEXT + 1), "De naam")
    assert one_line("/" * 300, "De waarde", limit=4096) == "/" * 300


def test_isprintable_is_false_for_every_unsafe_character() -> None:
    """The pupil import tests a whole batch with str.isprintable before it searches per row."""
    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if UNSAFE.match(chr(code)) and chr(code).isprintable()
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("Leerlingnummer 111222333 is niet bekend", "Leerlingnummer ******333 is niet bekend"),
        ("'111-222-333' en 111.222.333 en 111 222 333", "'******333' en ******333 en ******333"),
        ("BSN-11122233", "BSN-******233"),
        ("regel 12, 01-02-2016, 2011 AB 12, tel. 023-5550000", None),
        # 8 or more digits in a row may hold a BSN whatever stands around them: a phone
        # number in an error message is masked too, the price of never showing one
        ("telefoon 0612345678, 06-12345678", "telefoon ******678, 06-******678"),
        ("'123456782.0' en '123456782-01'", "'******782.0' en '******782-01'"),
        (
            "Match 1112223331 bestaat niet; 111222333111222357",
            "Match ******331 bestaat niet; ******357",
        ),
        ("telefoon 023-5550000", None),
        # other groupings: 4.2.3 as on an identity card, a slash, after another number
        ("geslacht '1268.55.092' onbekend", "geslacht '******092' onbekend"),
        ("126/855/092 en 1268 55 092", "******092 en ******092"),
        ("regel 3 03-04-2014 1268 55 092", "regel 3 03-04-2014 ******092"),
        # a date, valid or not, stays readable
        ("'32-01-2014' en 2014-13-01 en 3/4/2014", None),
        # as a spreadsheet, a program or a web page writes a number (review)
        ("'111,222,333' en '111_222_333'", "'******333' en '******333'"),
        ("'111\u00a0222\u00a0333' en 1268\u202f55\u202f092", "'******333' en ******092"),
        ("regels 3,4,5,6,7,8,9,10 en 1,234,567", None),
        # with the dashes and thin space a word processor puts in (review)
        ("'111\u2011222\u2011333' en 111\u2013222\u2013333", "'******333' en ******333"),
        ("111\u2009222\u2009333 en 111\u2212222\u2212333", "******333 en ******333"),
    ],
)
def test_hide_numbers_leaves_only_the_last_three_digits_of_a_possible_bsn(
    message: str, shown: str | None
) -> None:
    assert hide_numbers(message) == (message if shown is None else shown)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u200b", "\u200e", "\u00ad", "\ufeff"])
def test_separators_and_invisible_characters_are_refused(char: str) -> None:
    """A line separator splits a line for splitlines(); the rest hide what is stored."""
    with pytest.raises(InvalidInput, match="onzichtbaar stuurteken"):
        one_line(f"Zee{char}veld", "De naam")


@pytest.mark.parametrize(("value", "reason"), [(" ", "mag niet leeg zijn"), ("-'", "geen letter")])
def test_a_required_name_has_a_letter(value: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        required_name(value, "De achternaam")
    assert required_name(" O'Brien ", "De achternaam") == "O'Brien"


@pytest.mark.parametrize(
    "value",
    [
        *("6b", "Groep 8", "H3A", "4 HAVO", "1/2", "VWO-5", "kl 2c", "G7-8", "Havo+", "3.1"),
        *("Zoë 1", "3A_BT", "3 VWO (TTO)"),
        # real classes: apostrophes, &, longer names, school years and cohorts
        *("'t Hummeltje", "\u2019t Klaverblad", "Klas D'Arc", "Groep 1 & 2"),
        *("Groep Vlinders & Bijen", "Uitstroom dagbesteding", "Uitstroomprofiel Arbeid"),
        *("1A 2025-2026", "2020-2021 1A", "1A (2025/2026)", "VIG3 2024-2025"),
        "111 222 334",  # nine digits that fail the 11-test: no BSN
    ],
)
def test_class_codes_have_the_shape_of_one(value: str) -> None:
    assert class_refusal(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("niveau 4: vader in detentie, mishandeling", CLASS_LONG_REASON),
        ("zorg: thuis", CLASS_SHAPE_REASON),
        ("8b, 8c", CLASS_SHAPE_REASON),
        ("<b>8</b>", CLASS_SHAPE_REASON),
        ("-5", CLASS_SHAPE_REASON),
        ("_5", CLASS_SHAPE_REASON),
        ('"thuis"', CLASS_SHAPE_REASON),
        ("111 222 333", CLASS_NUMBER_REASON),
        ("111222333", CLASS_NUMBER_REASON),
        ("1A 111.222.333", CLASS_NUMBER_REASON),
        ("1A 111-222-333", CLASS_NUMBER_REASON),
        ("Uitstroomprofiel Arbeid en Wonen", CLASS_LONG_REASON),
        ("'", CLASS_SHAPE_REASON),
        ('Groep 8 "thuis"', CLASS_SHAPE_REASON),
        ("5\x1b[31m", UNSAFE_REASON),
    ],
)
def test_anything_else_in_the_class_column_is_refused(value: str, reason: str) -> None:
    assert class_refusal(value) == reason


@pytest.mark.parametrize(
    ("counts", "nouns", "said"),
    [
        ((0, 0, 0), ("match", "matches"), ""),
        ((1, 0, 0), ("match", "matches"), "1 nieuwe match"),
        (
            (2, 1, 3),
            ("match", "matches"),
            "2 nieuwe matches, 1 match bijgewerkt, 3 matches beëindigd",
        ),
        (
            (0, 2, 1),
            ("gezinsmatch", "gezinsmatches"),
            "2 gezinsmatches bijgewerkt, 1 gezinsmatch beëindigd",
        ),
    ],
)
def test_matches_told_counts_new_changed_and_ended_apart(
    counts: tuple[int, int, int], nouns: tuple[str, str], said: str
) -> None:
    assert matches_told(*counts, *nouns) == said
