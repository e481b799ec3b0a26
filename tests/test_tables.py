"""Text tables keep identifiers whole: an e-mail address is the login name and the
argument of other commands, so a listing that cuts it ("arts@jgz-d…") is useless in
cron mail, in a file or behind `| grep` (cli_common.print_table)."""

from __future__ import annotations

import re

import pytest
from conftest import ADMIN, BSN_ANNA, Region, Runner, new_youth, ok, signal
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
