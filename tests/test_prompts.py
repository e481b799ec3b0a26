"""`vix signaleer` on a terminal: Dutch prompts, name confirmed before anything is stored.

The tests make vix believe stdin is a terminal (the only seam) and type the
answers an internal supervisor would type. A real tmux session was used to
check the same flow by hand (see the closing note of the core issue).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BSN_ANNA, BSN_BRAM, P_MOTHER, Region, Runner, db_rows, new_youth, signal

from vix import cli_signal


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_signal, "stdin_is_terminal", lambda: True)


def test_known_youth_is_confirmed_then_signalled(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    answers = "111222334\n" + BSN_ANNA + "\nj\nj\n\n"  # typo first, then the right BSN
    result = vix("signaleer", als=region.school, input=answers)
    assert result.exit_code == 0, result.output
    assert "klopt niet (elfproef)" in result.stderr
    assert "Gevonden: Anna Vries, geboren 03-04-2014" in result.stderr
    assert "Signaal 2 afgegeven op Anna Vries" in result.stdout
    assert "Karin Arts" in result.stdout and "023-5550000" in result.stdout
    assert db_rows(vix_env, "SELECT parents_informed_on FROM signals WHERE id = 2")[0][0] == (
        "2026-11-23"
    )
    lookups = db_rows(vix_env, "SELECT count(*) FROM audit_log WHERE action = 'lookup'")
    assert lookups[0][0] == 1, "showing the name is a read and is logged"


def test_wrong_name_stops_without_storing(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    result = vix("signaleer", BSN_ANNA, als=region.school, input="n\n")
    assert result.exit_code == 1
    assert "niets opgeslagen" in result.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1


def test_new_youth_is_asked_for_everything(vix: Runner, region: Region, vix_env: Path) -> None:
    answers = (
        "\n".join(
            [
                BSN_BRAM,
                "Bram",
                "",
                "Smit",
                "01-01-1990",
                "01-01-2016",
                "HAARLEM",
                P_MOTHER,
                "2011ab",
                "12",
                "j",
                "n",
                "kort",
                "De vader is onbereikbaar en de moeder ook",
            ]
        )
        + "\n"
    )
    result = vix("signaleer", als=region.school, input=answers)
    assert result.exit_code == 0, result.output
    assert "23 jaar of ouder" in result.stderr  # re-asked, not aborted
    assert "minstens 10 tekens" in result.stderr
    [row] = db_rows(
        vix_env,
        "SELECT y.given_name, y.surname, y.address_key,"
        " s.parents_not_informed_reason FROM signals s"
        " JOIN youths y ON y.id = s.youth_id",
    )
    assert tuple(row) == ("Bram", "Smit", "2011AB-12", "De vader is onbereikbaar en de moeder ook")


def test_flags_never_prompt(vix: Runner, region: Region) -> None:
    result = vix(
        "signaleer",
        *new_youth(BSN_ANNA, "Anna"),
        "--ouders-geinformeerd",
        als=region.school,
        input="",
    )
    assert result.exit_code == 0
    assert "?" not in result.stderr
