"""The substitute number of a youth without a BSN reads the surname with its infix.

Dutch surnames have a tussenvoegsel ("de", "van der", "'t") that vix stores
apart. One professional types "de Vries" in the surname field, another types
"de" as infix and "Vries" as surname: the same child, so the same substitute
number [BJW 7.3.1], one registration and a match. The parents' inzage by
surname, birth date and sex finds the youth whichever way they split the name.
What the professional typed stays as typed: only the derivation normalises.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import INFORMED, Region, Runner, as_json, db_rows, ok, signal

from vix import cli_signal

BORN = ["--geboortedatum", "05-06-2015", "--geslacht", "M", "--gemeente", "HAARLEM"]


def without_bsn(infix: str, surname: str) -> list[str]:
    """`vix signaleer` arguments for Daan, signalled without a BSN by this split of his name."""
    split = ["--tussenvoegsel", infix] if infix else []
    return ["--zonder-bsn", "--voornaam", "Daan", *split, "--achternaam", surname, *BORN]


SPLITS = [
    # (first signaller's infix and surname, second signaller's)
    (("", "de Vries"), ("de", "Vries")),
    (("de", "Vries"), ("", "De Vries")),
    (("", "deVries"), ("De", "vries")),
    (("van der", "Berg"), ("", "Van der Berg")),
    (("", "van den Heuvel-Ğül"), ("van den", "Heuvel-Gul")),
    (("'t", "Hart"), ("", "'t Hart")),
]


@pytest.mark.parametrize(("first", "second"), SPLITS)
def test_two_splits_of_one_surname_are_one_youth_and_a_match(
    vix: Runner,
    region: Region,
    vix_env: Path,
    first: tuple[str, str],
    second: tuple[str, str],
) -> None:
    school = signal(vix, region.school, *without_bsn(*first))
    assert school["matches"] == []
    jgz = signal(vix, region.jgz, *without_bsn(*second))
    assert [m["kind"] for m in jgz["matches"]] == ["youth"]
    # the registration keeps the name as the first signaller typed it
    [youth] = db_rows(vix_env, "SELECT id_kind, infix, surname FROM youths")
    assert tuple(youth) == ("substitute", *first)
    members = {p["organisation"] for p in jgz["matches"][0]["members"]}
    assert members == {"Basisschool De Zonnebloem", "JGZ Kennemerland"}


def test_a_typed_substitute_number_fits_any_split_of_the_surname(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *without_bsn("", "de Vries"))
    [(number,)] = db_rows(vix_env, "SELECT bsn FROM youths")
    typed = [number, "--voornaam", "Daan", "--tussenvoegsel", "de", "--achternaam", "Vries", *BORN]
    answer = signal(vix, region.jgz, *typed)
    assert [m["kind"] for m in answer["matches"]] == ["youth"]
    # another surname is still another child: refused, nothing stored
    other = [number, "--voornaam", "Daan", "--tussenvoegsel", "de", "--achternaam", "Vos", *BORN]
    wrong = vix("signaleer", *other, *INFORMED, als=region.care)
    assert wrong.exit_code == 1
    assert "vervangend nummer hoort niet bij deze achternaam" in wrong.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 2


def test_the_infix_asked_at_the_prompt_counts_too(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_signal, "stdin_is_terminal", lambda: True)
    signal(vix, region.school, *without_bsn("", "de Vries"))
    typed = ["Daan", "de", "Vries", "05-06-2015", "m", "HAARLEM", "", "", "j", "j", ""]
    result = vix("signaleer", "--zonder-bsn", als=region.jgz, input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "Tussenvoegsel (leeg als er geen is)" in result.stderr
    assert "Signaal 2 afgegeven op Daan de Vries" in result.stdout
    assert "cliëntmatch" in result.stdout
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 1


@pytest.mark.parametrize(
    ("signalled", "asked"),
    [
        (("de", "Vries"), ["--achternaam", "de Vries"]),
        (("de", "Vries"), ["--achternaam", "DEVRIES"]),
        (("", "de Vries"), ["--tussenvoegsel", "de", "--achternaam", "Vries"]),
        (("de", "Vries"), ["--tussenvoegsel", "De", "--achternaam", "vries"]),
    ],
)
def test_the_inzage_by_name_finds_the_youth_whatever_the_split(
    vix: Runner, region: Region, signalled: tuple[str, str], asked: list[str]
) -> None:
    signal(vix, region.school, *without_bsn(*signalled))
    derived = [*asked, "--geboortedatum", "5-6-2015", "--geslacht", "m"]
    result = ok(vix("inzage", *derived, "--json", als=region.coordinator))
    z = as_json(result)
    assert (z["found"], z["name"]) == (True, "Daan de Vries")
    assert [s["organisation"] for s in z["signals"]] == ["Basisschool De Zonnebloem"]
    assert result.stderr == ""


def test_the_inzage_takes_an_infix_only_with_the_surname(vix: Runner, region: Region) -> None:
    alone = vix("inzage", "--bsn", "111222333", "--tussenvoegsel", "de", als=region.coordinator)
    assert (alone.exit_code, alone.stdout) == (2, "")
    assert "Geef de jeugdige op één manier aan" in alone.stderr
    short = vix("inzage", "--tussenvoegsel", "de", "--geslacht", "V", als=region.coordinator)
    assert short.exit_code == 2
    assert "ook nodig: --achternaam, --geboortedatum." in short.stderr


def test_a_corrected_infix_derives_the_number_again(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *without_bsn("", "Vries"))
    [(vn,)] = db_rows(vix_env, "SELECT bsn FROM youths")
    done = as_json(
        vix("jeugdige", "corrigeer", vn, "--tussenvoegsel", "de", "--json", als=region.coordinator)
    )
    assert done["corrected"] == ["nummer", "tussenvoegsel"]
    [(new_vn,)] = db_rows(vix_env, "SELECT bsn FROM youths")
    assert new_vn != vn
    # the corrected registration is the one a second signaller typing "de Vries" finds
    answer = signal(vix, region.jgz, *without_bsn("", "de Vries"))
    assert [m["kind"] for m in answer["matches"]] == ["youth"]
    # moving the infix into the surname field is the same name: the number stays
    done = as_json(
        vix(
            "jeugdige",
            "corrigeer",
            new_vn,
            "--tussenvoegsel",
            "",
            "--achternaam",
            "de Vries",
            "--json",
            als=region.coordinator,
        )
    )
    assert done["corrected"] == ["tussenvoegsel", "achternaam"]
    assert db_rows(vix_env, "SELECT bsn, infix, surname FROM youths")[0][:] == (
        new_vn,
        "",
        "de Vries",
    )
