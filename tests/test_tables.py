"""Text tables keep identifiers whole: an e-mail address is the login name and the
argument of other commands, so a listing that cuts it ("arts@jgz-d…") is useless in
cron mail, in a file or behind `| grep` (cli_common.print_table)."""

from __future__ import annotations

import io
import re

import pytest
from conftest import ADMIN, BSN_ANNA, Region, Runner, new_youth, ok, signal
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from vix import cli_common

LONG_EMAIL = "maria.van.der.berg-willemsen@jeugdgezondheidszorg-kennemerland.nl"
LONG_NAME = "Anna Maria van der Berg-Willemsen de Jong"
LONG_REGIE = "regievoerder.jeugd.en.gezin@gemeente-zandvoort-aan-zee.nl"


@pytest.fixture
def long_names(vix: Runner, region: Region, monkeypatch: pytest.MonkeyPatch) -> Region:
    """A professional, a youth and a regievoerder whose rows are far wider than 80 columns,
    and the width rich assumes when stdout is no terminal (cron has no COLUMNS)."""
    monkeypatch.setenv("COLUMNS", "80")
    ok(vix("organisatie", "toevoegen", "JGZ-ZUID", "JGZ Zuid", "--domein", "jgz", als=ADMIN))
    for email, name, org, role in [
        (LONG_EMAIL, LONG_NAME, "JGZ-ZUID", "meldingsbevoegde"),
        (LONG_REGIE, "Rik Regie", "GEM", "regievoerder"),
    ]:
        args = ["--rol", role, "--organisatie", org, "--telefoon", "023 555 01 01"]
        ok(vix("professional", "toevoegen", email, name, *args, als=ADMIN))
    ok(vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", LONG_REGIE, als=ADMIN))
    signal(vix, LONG_EMAIL, *new_youth(BSN_ANNA, "Wilhelmina Theodora", "Vries-Kleinjan"))
    manager = ["--rol", "instantiebeheerder", "--organisatie", "JGZ-ZUID"]
    ok(vix("professional", "toevoegen", "baas@jgz-zuid.nl", "Bea Baas", *manager, als=ADMIN))
    return region


def lines_with(output: str, text: str) -> list[str]:
    return [line for line in output.splitlines() if text in line]


def test_not_on_a_terminal_every_row_is_one_whole_line(vix: Runner, long_names: Region) -> None:
    listed = ok(vix("professional", "lijst", als=ADMIN)).stdout
    assert "…" not in listed
    # the whole row on one line: grep for the address finds its name, role, code and phone
    [row] = lines_with(listed, LONG_EMAIL)
    for cell in (LONG_NAME, "meldingsbevoegde", "JGZ-ZUID", "023 555 01 01"):
        assert cell in row
    towns = ok(vix("gemeente", "lijst", als=ADMIN)).stdout
    assert "…" not in towns and len(lines_with(towns, LONG_REGIE)) == 1
    orgs = ok(vix("organisatie", "lijst", als=ADMIN)).stdout
    [row] = lines_with(orgs, "JGZ-ZUID")
    assert "JGZ Zuid" in row and "jeugdgezondheidszorg" in row
    mine = ok(vix("signalen", "--organisatie", als="baas@jgz-zuid.nl")).stdout
    assert "…" not in mine
    [row] = lines_with(mine, "Wilhelmina Theodora Vries-Kleinjan")
    assert "03-04-2014" in row and LONG_NAME in row and "20-11-2026" in row


def test_on_a_narrow_terminal_names_wrap_and_identifiers_stay_whole(
    vix: Runner, long_names: Region, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a 60-column terminal: the names wrap between words, the address stays whole
    terminal = Console(force_terminal=True, width=60, highlight=False, markup=False)
    monkeypatch.setattr(cli_common, "out", terminal)
    listed = re.sub(r"\x1b\[[0-9;]*m", "", ok(vix("professional", "lijst", als=ADMIN)).stdout)
    assert "…" not in listed
    [row] = lines_with(listed, LONG_EMAIL)
    assert "JGZ-ZUID" in row and "023 555 01 01" in row and "meldingsbevoegde" in row
    assert LONG_NAME not in listed  # wrapped ...
    assert "Berg-Willemsen" in listed  # ... between words, never inside one


# Off a terminal, tables and plain lines are written without rich (rich took a millisecond
# a row: 15 s for a national `professional lijst`); the bytes must be what rich prints.
# Printable text of every kind: wide and combining characters, emoji, leading, trailing
# and double spaces, colons; and now and then what rich handles itself (tabs, controls).
CELL = st.text(
    alphabet=st.sampled_from(
        [*"aZ09 @.-:_[]()/\\*•ëé中ｶ\u0301😀│┃", "\t", "\x07", "\r", "\u200b", "\u00ad", "\x1b"]
    ),
    max_size=14,
) | st.text(max_size=6)


def off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    written = io.StringIO()
    console = Console(file=written, highlight=False, soft_wrap=True, markup=False)
    assert not console.is_terminal
    monkeypatch.setattr(cli_common, "out", console)
    return written


@settings(max_examples=300, deadline=None)
@given(
    headers=st.lists(CELL.filter(bool), min_size=1, max_size=4, unique=True),
    cells=st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=5),
    text_columns=st.sets(st.integers(0, 3)),
)
@example(headers=["\u0301"], cells=[], text_columns=set())  # rich drops it: no width
def test_off_a_terminal_a_table_is_what_rich_prints(
    headers: list[str], cells: list[list[str]], text_columns: set[int]
) -> None:
    rows = [row[: len(headers)] for row in cells]
    text = {h for i, h in enumerate(headers) if i in text_columns}
    with pytest.MonkeyPatch.context() as mp:
        written = off_a_terminal(mp)
        cli_common.print_table(headers, rows, text=text)
        fast = written.getvalue()
        written.seek(0)
        written.truncate()
        cli_common._rich_table(headers, rows, text=text)
        assert fast == written.getvalue()


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(CELL | st.text(max_size=40), max_size=6))
def test_off_a_terminal_lines_are_what_rich_prints(lines: list[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        written = off_a_terminal(mp)
        cli_common.print_lines(lines)
        fast = written.getvalue()
        written.seek(0)
        written.truncate()
        for line in lines:
            cli_common.out.print(line)
        assert fast == written.getvalue()


def test_off_a_terminal_an_emoji_code_is_printed_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # rich printed ':smile:' in a name as an emoji: it is what a user typed
    written = off_a_terminal(monkeypatch)
    cli_common.print_lines(["a :smile: b", "c: d", "e\tf"])
    assert written.getvalue() == "a :smile: b\nc: d\ne       f\n"
