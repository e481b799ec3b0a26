"""`vix signaleer` on a terminal: Dutch prompts, name confirmed before anything is stored.

The tests make vix believe stdin is a terminal (the only seam) and type the
answers an internal supervisor would type. A real tmux session was used to
check the same flow by hand (see the closing note of the core issue).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    P_MOTHER,
    Region,
    Runner,
    db_rows,
    new_youth,
    ok,
    signal,
)
from import_helpers import bsn, onderwijsnummer, pupil, write_list

from vix import cli_signal


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_signal, "stdin_is_terminal", lambda: True)


def list_pupil(vix: Runner, tmp_path: Path, number: str) -> None:
    """Put the youth on the school's (ZON) pupil list, as the director would."""
    path = write_list(tmp_path / "l.csv", [pupil(number, "Anna", pupil_number="7")])
    args = ("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil")
    assert vix(*args, als=ADMIN).exit_code == 0


def test_own_pupil_is_confirmed_then_signalled(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    list_pupil(vix, tmp_path, BSN_ANNA)
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


def test_wrong_name_stops_without_storing(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    list_pupil(vix, tmp_path, BSN_ANNA)
    result = vix("signaleer", "--leerling", "7", als=region.school, input="n\n")
    assert result.exit_code == 1
    assert "geen signaal opgeslagen" in result.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0


def test_a_bsn_not_on_the_own_list_shows_no_name(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """No search (rule 9): a youth signalled by others looks like any other BSN."""
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", born="03-04-2014"))
    typed = [BSN_ANNA, "Ann", "", "Vries", "04-03-2014", "HAARLEM", "", "", "j", "j", ""]
    wrong = vix("signaleer", als=region.care, input="\n".join(typed) + "\n")
    unknown = vix("signaleer", als=region.care, input="\n".join([BSN_BRAM, *typed[1:]]) + "\n")
    prompts = unknown.stderr.replace(BSN_BRAM[-3:], BSN_ANNA[-3:])
    # the same questions up to the birth date, where the known number is refused at once
    # (not after the municipality, parents, address and confirmation were asked)
    asked, refusal = wrong.stderr.split("Fout: ")
    assert asked == prompts[: prompts.index("Gemeente waar")]
    assert "Anna" not in wrong.output and "Gevonden" not in wrong.stderr
    assert wrong.exit_code == 1 and "horen niet bij dezelfde jeugdige" in refusal
    assert unknown.exit_code == 0
    typed[4] = "03-04-2014"  # the right birth date: the signal joins Anna's record
    right = vix("signaleer", als=region.care, input="\n".join(typed) + "\n")
    assert right.exit_code == 0, right.output
    assert "Signaal 3 afgegeven op Anna Vries" in right.stdout
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 2
    # no name was shown, but the refusal told that the number is registered: one lookup,
    # by youth care, on Anna, without her number (as the import logs the same refusal)
    lookups = db_rows(
        vix_env,
        "SELECT p.email, a.entity_id, a.subject, a.detail FROM audit_log a"
        " JOIN professionals p ON p.id = a.actor_id WHERE a.action = 'lookup'",
    )
    assert [(r[0], r[1]) for r in lookups] == [(region.care, 1)]
    assert lookups[0][2] is not None and BSN_ANNA not in lookups[0][2] + lookups[0][3]
    assert '"bron": "signaleer"' in lookups[0][3]


def test_new_youth_is_asked_for_everything(vix: Runner, region: Region, vix_env: Path) -> None:
    answers = (
        "\n".join(
            [
                BSN_BRAM,
                "",  # a required answer left empty: asked again, with a word about it
                "Bram",
                "",
                "Smit",
                "",
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
    assert result.stderr.count("Dit is nodig om te signaleren: typ een antwoord") == 2
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


def test_a_number_typed_as_a_name_is_asked_again(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # BSN, then a BSN typed at the first-name prompt, the name, no infix, surname, birth
    # date, municipality, no parents, no postcode, confirm, informed today
    answers = f"{BSN_ANNA}\n{BSN_BRAM}\nAnna\n\nVries\n03-04-2014\nHAARLEM\n\n\nj\nj\n\n"
    result = vix("signaleer", als=region.school, input=answers)
    assert result.exit_code == 0, result.output
    assert "De voornaam bevat een nummer (vijf of meer cijfers)" in result.stderr
    assert [tuple(r) for r in db_rows(vix_env, "SELECT given_name, surname FROM youths")] == [
        ("Anna", "Vries")
    ]


def test_a_typo_later_in_the_prompts_is_asked_again_not_fatal(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    answers = "\n".join(
        [
            BSN_ANNA,
            "Anna",
            "",
            "Vries",
            "03-04-2014",
            "HARLEM",  # no such municipality: asked again
            "HAARLEM",
            "111222334",  # a parent's BSN that fails the elfproef: asked again
            BSN_ANNA,  # Anna's own: asked again, not refused after every other answer
            P_MOTHER,
            "20111AB",  # no postcode: asked again
            "2011 AB",
            "12",
            "j",
            "j",
            "",
        ]
    )
    result = vix("signaleer", als=region.school, input=answers + "\n")
    assert result.exit_code == 0, result.output
    assert "Gemeente 'HARLEM' bestaat niet" in result.stderr
    assert "Het BSN van een ouder eindigend op 334 klopt niet (elfproef)" in result.stderr
    assert "Het BSN van een ouder is het BSN van de jeugdige zelf" in result.stderr
    assert BSN_ANNA not in result.stderr
    assert "Postcode '20111AB' is ongeldig" in result.stderr
    [row] = db_rows(vix_env, "SELECT address_key FROM youths")
    assert row[0] == "2011AB-12"
    assert db_rows(vix_env, "SELECT COUNT(*) FROM youth_parents")[0][0] == 1


def test_onderwijsnummer_and_substitute_number_at_the_prompt(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A youth without a BSN, named at the first prompt by either number."""
    # the school's own pupil, listed by onderwijsnummer: the name is shown to confirm
    listed = onderwijsnummer(4242)
    list_pupil(vix, tmp_path, listed)
    own = vix("signaleer", als=region.school, input=f"{listed[:4]} {listed[4:]}\nj\nj\n\n")
    assert own.exit_code == 0, own.output
    assert "Gevonden: Anna Vries, geboren 03-04-2014" in own.stderr
    # a new youth by onderwijsnummer: asked for the data, not for the sex
    onr = onderwijsnummer(815)
    typed = [onr, "Eva", "", "Kok", "02-02-2013", "HAARLEM", "", "", "j", "j", ""]
    new = vix("signaleer", als=region.care, input="\n".join(typed) + "\n")
    assert new.exit_code == 0, new.output
    assert "Geslacht" not in new.stderr, "an onderwijsnummer is not derived from the sex"
    kinds = db_rows(vix_env, "SELECT bsn, id_kind FROM youths ORDER BY id")
    assert [tuple(r) for r in kinds] == [(listed, "onderwijsnummer"), (onr, "onderwijsnummer")]
    # a substitute number with the data it was derived from: asked for the sex too
    sam = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    signal(vix, region.jgz, "--zonder-bsn", *sam, "--geslacht", "M", "--gemeente", "HAARLEM")
    ((number,),) = db_rows(vix_env, "SELECT bsn FROM youths WHERE id_kind = 'substitute'")
    typed = [number, "Sam", "", "Öztürk", "05-06-2015", "m", "HAARLEM", "", "", "j", "j", ""]
    third = vix("signaleer", als=region.care, input="\n".join(typed) + "\n")
    assert third.exit_code == 0, third.output
    assert "Geslacht (M/V/X)" in third.stderr
    assert "Signaal 4 afgegeven op Sam Öztürk" in third.stdout
    assert "cliëntmatch" in third.stdout
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 3


def test_a_parents_informed_date_before_the_birth_is_asked_again(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    # the prompt checked only "not in the future": a date place_signal refuses has to be
    # asked again there, not end the command after every answer was typed
    typed = [BSN_BRAM, "Bo", "", "Bakker", "01-06-2015", "HAARLEM", "", "", "j", "j"]
    new = vix("signaleer", als=region.school, input="\n".join([*typed, "01-01-1990", "02-06-2015"]))
    assert new.exit_code == 0, new.output
    assert "(01-01-1990) ligt vóór de geboortedatum van de jeugdige (01-06-2015)" in new.stderr
    assert "niets opgeslagen" not in new.stderr, "asked again at once: nothing to say so"
    # the school's own pupil, confirmed by name: held to the stored birth date
    list_pupil(vix, tmp_path, BSN_ANNA)
    own = vix("signaleer", "--leerling", "7", als=region.school, input="j\nj\n02-04-2014\n\n")
    assert own.exit_code == 0, own.output
    assert "ligt vóór de geboortedatum van de jeugdige (03-04-2014)" in own.stderr
    informed = "SELECT parents_informed_on FROM signals ORDER BY id"
    assert [r[0] for r in db_rows(vix_env, informed)] == ["2015-06-02", "2026-11-23"]


@pytest.mark.parametrize("typed", ["3-4-2015", "2015-04-03", "03/04/2015"])
def test_the_confirmation_writes_the_birth_date_as_dd_mm_jjjj(
    vix: Runner, region: Region, typed: str
) -> None:
    """As the pupil's confirmation and every listing write it, whatever form was typed."""
    answers = [BSN_BRAM, "Bo", "", "Bakker", typed, "HAARLEM", "", "", "j", "j", ""]
    result = vix("signaleer", als=region.school, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Signaal afgeven op Bo Bakker, geboren 03-04-2015?" in result.stderr


def test_an_empty_reason_gets_the_hint_as_a_short_one_does(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    reason = "De vader is onbereikbaar en de moeder ook"
    answers = [BSN_BRAM, "Bo", "", "Bakker", "01-06-2015", "HAARLEM", "", "", "j", "n", "", reason]
    result = vix("signaleer", als=region.school, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Waarom niet?") == 2
    assert "(minstens 10 tekens)" in result.stderr, "asked again with the hint, not in silence"
    stored = db_rows(vix_env, "SELECT parents_not_informed_reason FROM signals")
    assert [r[0] for r in stored] == [reason]


@pytest.mark.parametrize("args", [(), ("--zonder-bsn",), (BSN_ANNA,), ("--leerling", "7")])
def test_who_may_not_signal_is_refused_before_the_first_question(
    vix: Runner, region: Region, vix_env: Path, args: tuple[str, ...]
) -> None:
    """The director (instantiebeheerder) answered ten questions with --zonder-bsn before
    the role was checked: now no path asks anything first."""
    typed = ["Sam", "", "Smit", "05-06-2015", "m", "HAARLEM", "", "", "j", "j", ""]
    result = vix("signaleer", *args, als=region.manager, input="\n".join(typed) + "\n")
    assert result.exit_code == 1
    assert "heeft de rol instantiebeheerder; dit mag alleen met de rol meldingsbevoegde" in (
        result.stderr
    )
    assert ":" not in result.stderr.split("Fout:")[0], "no question was asked"
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0


@pytest.mark.parametrize("none", ["", "geen", "Onbekend"])
def test_no_number_at_the_first_question_goes_the_zonder_bsn_way(
    vix: Runner, region: Region, vix_env: Path, none: str
) -> None:
    typed = [none, "Sam", "", "Smit", "05-06-2015", "m", "HAARLEM", "", "", "j", "j", ""]
    result = vix("signaleer", als=region.school, input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "(leeg als er geen is)" in result.stderr, "the question says how"
    assert "Jeugdige zonder nummer" in result.stderr and "Geslacht (M/V/X)" in result.stderr
    assert "Signaal 1 afgegeven op Sam Smit" in result.stdout
    kinds = db_rows(vix_env, "SELECT id_kind, given_name, sex FROM youths")
    assert [tuple(r) for r in kinds] == [("substitute", "Sam", "M")]


def test_a_name_or_unknown_pupil_number_is_asked_again_with_the_way_on(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """No search (rule 9): a name is taken for a pupil number the school did not list."""
    list_pupil(vix, tmp_path, BSN_ANNA)
    result = vix("signaleer", als=region.school, input="Anna Vries\n8\n7\nj\nj\n\n")
    assert result.exit_code == 0, result.output
    assert (
        "Leerlingnummer Anna Vries is niet bekend bij uw organisatie (vix zoekt niet op naam)"
        in (result.stderr)
    )
    assert "Leerlingnummer 8 is niet bekend" in result.stderr
    assert result.stderr.count("laat het antwoord leeg als de jeugdige geen nummer heeft") == 2
    assert "Gevonden: Anna Vries, geboren 03-04-2014" in result.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1


def test_a_second_signal_on_an_own_pupil_is_refused_after_the_confirmation(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Refused as soon as the youth is known: not after the parents and the reason."""
    list_pupil(vix, tmp_path, BSN_ANNA)
    first = vix("signaleer", "--leerling", "7", "--ouders-geinformeerd", als=region.school)
    assert first.exit_code == 0, first.output
    again = vix("signaleer", als=region.school, input="7\nj\nn\nLang genoeg verhaal hier\n")
    assert again.exit_code == 1
    asked, refusal = again.stderr.split("Fout: ")
    assert asked.endswith("Is dit de juiste jeugdige? [J/n]:")
    assert refusal.startswith("U heeft al een actief signaal op Anna Vries")
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1
    # past its planned removal the first signal does not count, whether or not the night
    # run ended it: place_signal ends it first, and the early check counts the same way
    later = vix("signaleer", als=region.school, input="7\nj\nj\n\n", now="2028-11-24T09:00:00")
    assert later.exit_code == 0, later.output
    statuses = db_rows(vix_env, "SELECT status FROM signals ORDER BY id")
    assert [r[0] for r in statuses] == ["ended", "active"]


def test_refusals_on_data_without_a_number_come_before_the_other_questions(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    sam = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    signal(vix, region.jgz, "--zonder-bsn", *sam, "--geslacht", "M", "--gemeente", "HAARLEM")
    signal(vix, region.school, "--zonder-bsn", *sam, "--geslacht", "M", "--gemeente", "HAARLEM")
    rest = ["HAARLEM", "", "", "j", "j", ""]
    # the school's own second signal: refused after the sex, before the municipality
    own = vix(
        "signaleer",
        als=region.school,
        input="\n".join(["", "Sam", "", "Öztürk", "05-06-2015", "m", *rest]) + "\n",
    )
    assert own.exit_code == 1
    assert "U heeft al een actief signaal op Sam Öztürk" in own.stderr
    assert "Gemeente waar" not in own.stderr
    # another given name on the same data (a twin?): the refusal, and its lookup, come early
    twin = ["", "Sem", "", "Öztürk", "05-06-2015", "m", *rest]
    other = vix("signaleer", als=region.care, input="\n".join(twin) + "\n")
    assert other.exit_code == 1
    assert "mogelijk een ander kind" in other.stderr and "Gemeente waar" not in other.stderr
    lookups = db_rows(
        vix_env,
        "SELECT p.email FROM audit_log a JOIN professionals p ON p.id = a.actor_id"
        " WHERE a.action = 'lookup'",
    )
    assert [r[0] for r in lookups] == [region.care]
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 2


@pytest.mark.parametrize(
    ("withdrawn", "now", "named"),
    [
        (True, "2031-11-22T10:00:00", True),  # archived until 23-11-2031
        (True, "2031-11-23T10:00:00", False),
        (False, "2033-11-22T10:00:00", True),  # active till 23-11-2028, then archived till 2033
        (False, "2033-11-23T10:00:00", False),
    ],
)
def test_a_signal_past_its_archive_date_shows_no_name(
    vix: Runner, region: Region, vix_env: Path, withdrawn: bool, now: str, named: bool
) -> None:
    """Rule 15 whether or not `vix onderhoud` ran: the school's own signal on Anna names
    her while it (or the archive entry it becomes) is kept, and not a day after. After
    that the school signals her as any youth it does not know."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    if withdrawn:
        ok(vix("intrekken", "1", "--reden", "weggenomen", als=region.school))
    if named:
        result = vix("signaleer", als=region.school, input=f"{BSN_ANNA}\nn\n", now=now)
        assert "Gevonden: Anna Vries, geboren 03-04-2014" in result.stderr
        assert result.exit_code == 1 and "geen signaal opgeslagen" in result.stderr
        assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1
        return
    typed = [BSN_ANNA, "Anna", "", "Vries", "03-04-2014", "HAARLEM", "", "", "j", "j", ""]
    result = vix("signaleer", als=region.school, input="\n".join(typed) + "\n", now=now)
    assert result.exit_code == 0, result.output
    assert "Gevonden" not in result.stderr and "Met alleen het nummer" not in result.stderr
    assert "Signaal 2 afgegeven op Anna Vries" in result.stdout
    assert "Eerder betrokken" not in result.stdout  # the entry went before the history match
    assert [tuple(r) for r in db_rows(vix_env, "SELECT id, status FROM signals")] == [(2, "active")]


@pytest.mark.parametrize("sep", ["\u00a0", ",", "_", "-", "\u202f"])
def test_a_bsn_pasted_with_other_separators_is_read_as_a_bsn(
    vix: Runner, region: Region, tmp_path: Path, sep: str
) -> None:
    """A BSN pasted from a word processor, web page or spreadsheet (111 222 333 with
    non-breaking spaces, 111,222,333) was taken for a pupil number: asked again with all
    nine digits in clear. It is the BSN, and the own pupil is confirmed by name."""
    list_pupil(vix, tmp_path, BSN_ANNA)
    pasted = sep.join((BSN_ANNA[:3], BSN_ANNA[3:6], BSN_ANNA[6:]))
    result = vix("signaleer", als=region.school, input=f"{pasted}\nj\nj\n\n")
    assert result.exit_code == 0, result.output
    assert "Gevonden: Anna Vries, geboren 03-04-2014" in result.stderr
    assert "is niet bekend" not in result.stderr


@pytest.mark.parametrize("sep", ["\u00a0", ",", "_", "\u202f"])
def test_an_unknown_number_with_other_separators_is_masked_when_asked_again(
    vix: Runner, region: Region, sep: str
) -> None:
    """Eight digits are no BSN, so a pupil number, refused: never repeated in clear."""
    typed = sep.join(("111", "222", "33"))
    result = vix("signaleer", als=region.school, input=f"{typed}\n")
    assert "Leerlingnummer ******" in result.stderr, result.stderr
    assert "is niet bekend bij uw organisatie" in result.stderr
    assert f"Leerlingnummer {typed}" not in result.output  # the answer itself is echoed


def test_an_own_pupil_without_a_municipality_is_asked_for_one(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The school's list named a town vix does not know (Overveen): the pupil has no
    municipality, and a match of hers would have no regievoerder. The supervisor is
    asked, and may leave it empty; a pupil with a municipality is not asked."""
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Anna", town="Overveen")])
    args = ("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil")
    assert vix(*args, als=ADMIN).exit_code == 0
    result = vix("signaleer", als=region.school, input=f"{BSN_ANNA}\nj\nZandvoort\nj\n\n")
    assert result.exit_code == 0, result.output
    assert "Gemeente waar de jeugdige woont (code of naam; leeg als onbekend)" in result.stderr
    town = "SELECT m.code FROM youths y JOIN municipalities m ON m.id = y.municipality_id"
    assert db_rows(vix_env, town)[0][0] == "ZANDVOORT"
    # Bram, listed in Haarlem, is not asked
    path = write_list(tmp_path / "m.csv", [pupil(BSN_BRAM, "Bram", pupil_number="8")])
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=ADMIN))
    again = vix("signaleer", als=region.school, input=f"{BSN_BRAM}\nj\nj\n\n")
    assert again.exit_code == 0, again.output
    assert "Gemeente waar" not in again.stderr


def test_the_parents_informed_question_has_no_default(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """What is answered is recorded as a statement (rule 4): an Enter too many asked it
    again instead of recording that the parents were informed today."""
    list_pupil(vix, tmp_path, BSN_ANNA)
    result = vix("signaleer", als=region.school, input=f"{BSN_ANNA}\nj\n\nj\nVandaag\n")
    assert result.exit_code == 0, result.output
    assert "geïnformeerd? [j/n]" in result.stderr
    assert "Antwoord met j (ja) of n (nee)." in result.stderr
    informed = db_rows(vix_env, "SELECT parents_informed_on FROM signals")
    assert informed[0][0] == "2026-11-23"  # 'Vandaag' with a capital is today too


def test_a_number_a_digit_short_says_a_bsn_has_nine(vix: Runner, region: Region) -> None:
    result = vix("signaleer", als=region.school, input="11122233\n")
    assert "Een BSN of onderwijsnummer heeft 9 cijfers; dit zijn er 8." in result.stderr
    assert "Leerlingnummer ******233 is niet bekend" in result.stderr  # masked all the same


def test_a_pupil_number_given_as_the_number_points_to_leerling(vix: Runner, region: Region) -> None:
    result = vix("signaleer", "1001", "--ouders-geinformeerd", als=region.school)
    assert result.exit_code == 1
    assert "Is 1001 een leerlingnummer, geef het dan met --leerling 1001." in result.stderr


def test_a_pupil_number_with_a_dash_is_a_pupil_number(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """Nine digits with a dash as a school numbers its pupils (2024-00123) are no BSN:
    read as one since pasted BSNs with dashes were, it was refused by the 11-test."""
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Anna", pupil_number="2024-00123")])
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=ADMIN))
    result = vix("signaleer", als=region.school, input="2024-00123\nj\nj\n\n")
    assert result.exit_code == 0, result.output
    assert "Gevonden: Anna Vries, geboren 03-04-2014" in result.stderr
    assert "elfproef" not in result.stderr


def _changed_while_she_confirms(
    monkeypatch: pytest.MonkeyPatch, region: Region, *commands: list[str], als: str = ""
) -> None:
    """While the internal supervisor is at the prompts, after she confirmed the name, the
    coordinator (or `als`) runs `commands`, each in a real process of its own (the prompts
    hold no lock)."""
    ask = cli_signal._yes

    def yes_then_the_coordinator(question: str, default: bool | None = True) -> bool:
        answer = ask(question, default)
        if "juiste jeugdige" in question:
            for command in commands:
                done = subprocess.run(
                    [sys.executable, "-m", "vix", *command],
                    # a few minutes after the prompts began
                    env={
                        **os.environ,
                        "VIX_GEBRUIKER": als or region.coordinator,
                        "VIX_NU": "2026-11-23T10:04:00",
                    },
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                )
                assert done.returncode == 0, done.stderr
        return answer

    monkeypatch.setattr(cli_signal, "_yes", yes_then_the_coordinator)


def _two_pupils(vix: Runner, tmp_path: Path) -> tuple[str, str]:
    bram, cees = bsn(20_000_001), bsn(20_000_002)
    rows = [pupil(bram, "Bram", pupil_number="L1"), pupil(cees, "Cees", pupil_number="L2")]
    path = write_list(tmp_path / "l.csv", rows)
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=ADMIN))
    return bram, cees


@pytest.mark.parametrize("typed", ["L1", "number"])
def test_the_signal_goes_on_the_youth_she_confirmed_though_numbers_changed_meanwhile(
    vix: Runner,
    region: Region,
    vix_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    typed: str,
) -> None:
    """Two pupils' BSNs were swapped in the list, and the coordinator corrects them while
    she answers the questions: the signal went on Cees, whom she never confirmed."""
    bram, cees = _two_pupils(vix, tmp_path)
    fixed = bsn(20_000_010)
    _changed_while_she_confirms(
        monkeypatch,
        region,
        ["jeugdige", "corrigeer", bram, "--bsn", fixed],
        ["jeugdige", "corrigeer", cees, "--bsn", bram],
    )
    first = "L1" if typed == "L1" else bram
    result = vix("signaleer", als=region.school, input=f"{first}\nj\nj\n\n")
    assert result.exit_code == 0, result.output
    assert "Gevonden: Bram Vries" in result.stderr
    assert "Signaal 1 afgegeven op Bram Vries" in result.stdout
    signalled = "SELECT y.given_name, y.bsn FROM signals s JOIN youths y ON y.id = s.youth_id"
    assert [tuple(r) for r in db_rows(vix_env, signalled)] == [("Bram", fixed)]


def test_a_youth_erased_while_she_confirms_is_refused_by_name(
    vix: Runner,
    region: Region,
    vix_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bram, _ = _two_pupils(vix, tmp_path)
    _changed_while_she_confirms(
        monkeypatch, region, ["jeugdige", "wis", bram, "--reden", "overlijden"]
    )
    result = vix("signaleer", als=region.school, input="L1\nj\nj\n\n")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert (
        "De gegevens van Bram Vries zijn intussen gewist of samengevoegd met een andere "
        "registratie; er is niets opgeslagen. Begin opnieuw met 'vix signaleer'"
    ) in " ".join(result.stderr.split())
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0


def test_a_youth_whose_id_a_new_registration_took_meanwhile_is_refused(
    vix: Runner,
    region: Region,
    vix_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQLite gives the highest id again once it is freed: Cees (the last youth registered)
    is taken off the list while she answers, and the school's next list registers Rosa,
    who gets his id. The signal went on Rosa, whom nobody confirmed."""
    _, cees = _two_pupils(vix, tmp_path)
    bram_only = write_list(tmp_path / "b.csv", [pupil(bsn(20_000_001), "Bram", pupil_number="L1")])
    rosa = pupil(bsn(20_000_003), "Rosa", pupil_number="L3")
    with_rosa = write_list(
        tmp_path / "r.csv", [pupil(bsn(20_000_001), "Bram", pupil_number="L1"), rosa]
    )
    listed = ["import", "leerlingen", "--organisatie", "ZON", "--stil"]
    _changed_while_she_confirms(
        monkeypatch,
        region,
        [*listed, str(bram_only), "--volledig"],
        [*listed, str(with_rosa)],
        als=ADMIN,
    )
    result = vix("signaleer", als=region.school, input="L2\nj\nj\n\n")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Gevonden: Cees Vries" in result.stderr
    assert "De gegevens van Cees Vries zijn intussen gewist" in " ".join(result.stderr.split())
    assert db_rows(vix_env, "SELECT given_name FROM youths WHERE bsn = ?", (cees,)) == []
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
