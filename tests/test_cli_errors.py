"""The command line's own errors are Dutch, exit 2, and never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ADMIN, INFORMED, Region, Runner, as_json, make_read_only, new_youth, ok


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["signaleer", "--bestaat-niet"], "Onbekende optie: --bestaat-niet"),
        (["bestaat-niet"], "Onbekende opdracht 'bestaat-niet'"),
        (["intrekken", "abc", "--reden", "weggenomen"], "geef een geheel getal"),
        (["intrekken", "3"], "Optie --reden ontbreekt"),
        (["match"], "Argument MATCH ontbreekt"),
        (["intrekken", "3", "--reden"], "Optie --reden heeft een waarde nodig"),
        (["signalen", "extra"], "Onverwacht extra argument: extra."),
        (["signalen", "2", "3"], "Onverwachte extra argumenten: 2 3."),
        (["sign"], "Onbekende opdracht 'sign'. Bedoelt u 'signalen' of 'signaleer'?"),
        (
            ["stagnatie", "--dagen", "0"],
            "Ongeldige waarde voor --dagen: geef een getal van 1 of meer.",
        ),
        (["stagnatie", "--actie-dagen", "366"], "geef een getal van hoogstens 365."),
        # larger than an SQLite integer: refused here, not an OverflowError in the query
        (["match", str(2**63)], "Ongeldige waarde voor MATCH: geef het nummer zoals"),
        (["brief", "0"], "Ongeldige waarde voor signaal: geef het nummer zoals"),
        # only ASCII digits: int() reads '1_0' as 10, ' 5' and '+5' as 5, '５' as 5 (review)
        (["match", "1_0"], "Ongeldige waarde voor MATCH: geef een geheel getal."),
        (["intrekken", "+3", "--reden", "weggenomen"], "voor signaal: geef een geheel getal."),
        (["brief", " 3"], "Ongeldige waarde voor signaal: geef een geheel getal."),
        (["stagnatie", "--dagen", "5_0"], "Ongeldige waarde voor --dagen: geef een geheel getal."),
        (["stagnatie", "--dagen", " 5"], "Ongeldige waarde voor --dagen: geef een geheel getal."),
        (["stagnatie", "--actie-dagen", "+5"], "voor --actie-dagen: geef een geheel getal."),
        (["stagnatie", "--dagen", "\uff15"], "voor --dagen: geef een geheel getal."),
        (["stagnatie", "--dagen", "9" * 30], "geef een getal van hoogstens 365."),
        (
            ["professional", "overdragen", "a@b.nl", "c@d.nl", "--signaal", "1_0"],
            "Ongeldige waarde voor --signaal: geef een geheel getal.",
        ),
        (["rapport", "jaarverslag", "--regio", "--formaat", "pdf"], "kies uit 'tekst', 'html'.\n"),
        # a global option last without its value was called unknown (review)
        (["signalen", "--db"], "Optie --db heeft een waarde nodig."),
        (["signalen", "--json", "--als"], "Optie --als heeft een waarde nodig."),
    ],
)
def test_usage_errors_are_dutch(vix: Runner, args: list[str], message: str) -> None:
    result = vix(*args)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert "Fout: " in result.stderr
    assert "Error" not in result.stderr and "Traceback" not in result.output
    assert "Input should" not in result.stderr
    # usage, hint and message each on a line of their own: not one line with a
    # literal backslash-n where the breaks should be
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("Fout: "), result.stderr
    if len(lines) > 1:  # a usage error in a command: its usage and where the help is
        assert lines[0].startswith("Gebruik: vix") and lines[1].startswith("Hulp: vix")
    assert "\\n" not in result.stderr


def test_a_group_without_its_command_shows_its_help(vix: Runner) -> None:
    result = vix("gemeente")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:3] == [
        "Gebruik: vix gemeente [OPTIES] OPDRACHT [ARGUMENTEN]...",
        "",
        "  Gemeenten; alleen de functioneel beheerder wijzigt, de lijst is voor iedereen.",
    ]


@pytest.mark.parametrize("typed", ["--bla\nx\x1b[31m", "onbekend\n123456789"])
def test_a_usage_error_still_shows_what_was_typed_visibly(vix: Runner, typed: str) -> None:
    result = vix(*([typed] if typed.startswith("o") else ["signaleer", typed]))
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "123456789" not in result.stderr
    assert result.stderr.count("\n") == 3  # usage, hint, message: no line from the input


def test_help_is_dutch(vix: Runner) -> None:
    result = ok(vix("signaleer", "--help"))
    for dutch in ("Gebruik:", "Opties", "Toon deze hulp en stop.", "Voorbeeld: vix signaleer"):
        assert dutch in result.stdout
    assert "Show this message" not in result.stdout


def test_global_options_may_follow_the_command(vix: Runner, region: Region) -> None:
    assert as_json(vix("signalen", "--als", region.school, "--json")) == []
    assert as_json(vix("signalen", f"--als={region.school}", "--json")) == []


def test_no_arguments_shows_the_overview(vix: Runner) -> None:
    result = vix()
    assert result.exit_code == 2
    assert "signaleer" in result.stderr and "Opdrachten" in result.stderr


def test_a_path_the_system_refuses_is_a_dutch_error(vix: Runner, region: Region) -> None:
    too_long = "x" * 300 + ".db"
    result = vix("--db", too_long, "signalen", als=region.school)
    assert result.exit_code == 1
    assert f"Kan het bestand {too_long} niet gebruiken (de naam is te lang)" in result.stderr
    assert "Onverwachte fout" not in result.stderr and "Traceback" not in result.output


def test_text_from_users_is_printed_as_written_never_as_markup(vix: Runner, region: Region) -> None:
    """Square brackets in a code or name were rich markup: '[/]' stopped every listing."""
    a = region.admin
    added = ok(vix("organisatie", "toevoegen", "ORG[/]", "Zorg [bold]", "--domein", "jgz", als=a))
    assert "Organisatie ORG[/] toegevoegd." in added.stderr
    assert "ORG[/]" in ok(vix("organisatie", "lijst", als=a)).stdout
    args = ["p@x.nl", "Piet [/]", "--rol", "meldingsbevoegde", "--organisatie", "ORG[/]"]
    ok(vix("professional", "toevoegen", *args, als=a))
    placed = ok(vix("signaleer", *new_youth("111222333", "[/]Jan"), *INFORMED, als=region.school))
    assert "afgegeven op [/]Jan Vries." in placed.stdout
    matched = ok(vix("signaleer", *new_youth("111222333", "[/]Jan"), *INFORMED, als="p@x.nl"))
    assert "Jeugdige: [/]Jan Vries" in matched.stdout and "Zorg [bold]" in matched.stdout
    unknown = vix("organisatie", "deactiveer", "Z[/]", als=a)
    assert unknown.exit_code == 1 and "Organisatie 'Z[/]' bestaat niet" in unknown.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["professional", "toevoegen", "q@x.nl", "Q\nBcc: a@b.nl", "--rol", "coordinator"],
            "De naam",
        ),
        (
            ["organisatie", "toevoegen", "ORG", "O", "--domein", "jgz", "--telefoon", "06\x1b[2J"],
            "Het telefoonnummer",
        ),
        (["gemeente", "toevoegen", "BLO", "Bloemen\u202edaal"], "De naam"),
        (["instelling", "zet", "regio_naam", "Kennemer\tland"], "De naam van de regio"),
    ],
)
def test_a_line_break_or_control_character_is_refused(
    vix: Runner, region: Region, args: list[str], message: str
) -> None:
    before = as_json(vix("professional", "lijst", "--json", als=region.admin))
    result = vix(*args, als=region.admin)
    assert result.exit_code == 1
    assert f"{message} bevat een regeleinde, tab of ander onzichtbaar stuurteken" in result.stderr
    assert as_json(vix("professional", "lijst", "--json", als=region.admin)) == before
    assert as_json(vix("organisatie", "lijst", "--json", als=region.admin))[-1]["code"] != "ORG"


def test_a_youths_name_with_a_control_character_is_refused(vix: Runner, region: Region) -> None:
    result = vix("signaleer", *new_youth("111222333", "An\x1bna"), *INFORMED, als=region.school)
    assert result.exit_code == 1 and "De voornaam bevat een regeleinde" in result.stderr
    assert as_json(vix("signalen", "--json", als=region.school)) == []


def test_bytes_that_are_no_utf8_are_refused_before_anything_runs(
    vix: Runner, region: Region
) -> None:
    # what Python makes of b"Naam\xe9" typed on a Latin-1 terminal (surrogateescape)
    latin1 = b"Naam\xe9".decode("utf-8", "surrogateescape")
    args = ["organisatie", "toevoegen", "NIEUW", latin1, "--domein", "onderwijs"]
    result = vix(*args, als=region.admin)
    assert result.exit_code == 1
    assert "geen geldige tekst (UTF-8)" in result.stderr and "Onverwachte" not in result.stderr
    codes = [o["code"] for o in as_json(vix("organisatie", "lijst", "--json", als=region.admin))]
    assert "NIEUW" not in codes
    # the same bytes in VIX_GEBRUIKER (how the fixture passes `als`)
    from_env = vix("signalen", als=latin1 + "@x.nl")
    assert from_env.exit_code == 1 and "VIX_GEBRUIKER bevat tekens" in from_env.stderr


def test_click_path_errors_are_dutch() -> None:
    """click checks a path before vix sees it (as root in CI it cannot be provoked)."""
    from vix.cli_dutch import translate

    told = translate(
        "Invalid value for '--db' (env var: 'VIX_DB'): Path 'ro/r.db' is not readable."
    )
    assert told == "Ongeldige waarde voor --db: ro/r.db is niet leesbaar; controleer de rechten."


@pytest.mark.parametrize(
    "who", ["\x1b]0;pwned\x07\x1b[2Jx@y.nl", "a\nb@y.nl", "x" * 100_000 + "@y.nl"]
)
def test_an_error_never_repeats_terminal_controls_or_a_whole_flood(
    vix: Runner, region: Region, who: str
) -> None:
    """What the user typed comes back visible: no escape sequence, no extra line, short."""
    result = vix("signalen", als=who)
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 2200


def test_a_database_in_a_read_only_folder_is_named_as_such(
    vix: Runner, region: Region, vix_env: Path, read_only_folder: Path
) -> None:
    # a WAL database needs its -wal and -shm files even to read: this was reported
    # as 'geen SQLite-database', which sent the coordinator looking at the wrong thing
    ok(vix("signalen", als=region.school))  # closes the database cleanly: no -wal left
    shutil.copy(vix_env, read_only_folder / vix_env.name)  # the key stays at VIX_SLEUTEL
    make_read_only(read_only_folder)
    result = vix("--db", str(read_only_folder / vix_env.name), "signalen", als=region.school)
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "kan niet worden geopend" in message and "-wal" in message, message
    assert "geen SQLite-database" not in message


HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("SELECT COUNT(*) FROM settings").fetchone()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_database_locked_by_another_process_waits_then_says_busy(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # sqlite3 or a back-up tool holding an exclusive lock, which stops reads too: the check
    # that the file is a vix database gave up after Python's 5 seconds and called it 'geen
    # SQLite-database'; it waits as for the write lock, up to VIX_WACHTTIJD (test_lock_wait)
    monkeypatch.setenv("VIX_WACHTTIJD", "2")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(vix_env), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        began = time.monotonic()
        result = vix("stagnatie", als=region.coordinator)
        waited = time.monotonic() - began
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert 2 <= waited < 9  # VIX_WACHTTIJD, not SQLite's busy timeout of 10 s
    assert " ".join(result.stderr.split()) == (
        "Fout: De database is bezet door een ander proces (bijvoorbeeld een andere "
        "vix-opdracht of een back-up); vix heeft er 2 seconden op gewacht. Probeer het later "
        "opnieuw, of laat vix langer wachten met de omgevingsvariabele VIX_WACHTTIJD in "
        "seconden (bijvoorbeeld VIX_WACHTTIJD=60)."
    )


def test_a_truncated_database_is_called_damaged(vix: Runner, region: Region, vix_env: Path) -> None:
    ok(vix("signalen", als=region.school))  # closes the database cleanly: no -wal left
    whole = vix_env.read_bytes()
    assert len(whole) > 16384
    vix_env.write_bytes(whole[:8192])  # a copy that stopped halfway
    result = vix("stagnatie", als=region.coordinator)
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert f"Het databasebestand {vix_env} is beschadigd" in said
    assert "zet dan de laatste back-up terug" in said  # what to do about it


def test_an_empty_file_at_the_database_path_gets_advice_that_works(
    vix: Runner, vix_env: Path
) -> None:
    vix_env.touch()
    result = vix("stagnatie", als=ADMIN)
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "is een leeg bestand" in message
    assert "verwijder dan het lege bestand en maak hem met 'vix init'" in message
    # and that advice works: 'vix init' refused while the empty file was there
    assert vix("init", "--naam", "F. Beheer", "--email", ADMIN).exit_code == 1
    vix_env.unlink()
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))


def test_a_damaged_key_file_says_how_to_mend_it(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    (tmp_path / "vix.sleutel").write_text("geen sleutel\n")
    result = vix("signalen", als=region.school)
    assert result.exit_code == 1 and "Traceback" not in result.output
    told = " ".join(result.stderr.split())
    assert f"Het sleutelbestand {tmp_path / 'vix.sleutel'} is beschadigd." in told
    assert "Zet de back-up van het sleutelbestand van deze database terug" in told


def test_a_database_sqlite_will_not_write_names_its_wal_and_shm() -> None:
    """A run without write access leaves -wal and -shm it alone may write; SQLite says
    'readonly' at the first write, and vix said only "check the path and the rights of
    the file", though the database file itself was writable (review)."""
    import sqlite3

    from vix.cli_common import _database_trouble

    told = _database_trouble(
        sqlite3.OperationalError("attempt to write a readonly database"), Path("regio.db")
    )
    assert "regio.db-wal en regio.db-shm" in told.message
    other = _database_trouble(sqlite3.OperationalError("disk I/O error"), None)
    assert "-shm" not in other.message


@pytest.mark.parametrize("moment", ["0001-01-02T10:00", "9999-12-31T10:00", "1899-12-31"])
def test_a_clock_at_the_calendars_edge_is_refused_in_dutch(
    vix: Runner, region: Region, moment: str
) -> None:
    """VIX_NU in year 1 gave "Onverwachte fout (ValueError)" in `vix onderhoud`, whose
    terms then fall before the first day Python knows: now it is a usage error that says
    which years vix takes. Before anything runs, so nothing is written."""
    run = vix("onderhoud", als=region.coordinator, now=moment)
    assert (run.exit_code, run.stdout) == (2, "")
    assert f"VIX_NU='{moment}' ligt buiten de jaren waarmee vix rekent" in run.stderr
    assert "1900 tot en met 2999" in run.stderr and "Onverwachte" not in run.stderr
    assert ok(vix("onderhoud", als=region.coordinator, now="2999-12-31T10:00")).stderr == ""
