"""The letter to parents tells how long the index keeps the signal (rule 15, `vix brief`).

Until its planned removal the signal is active; then it is in the history
archive for `archief_jaren` years, until the 23rd birthday at the latest, or
deleted at once when it ends at 23. The letter words each of the three cases,
in text and HTML; a region's older copy of the letter keeps working. Clock:
23-11-2026 (conftest.NOW).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import BSN_ANNA, Region, Runner, as_json, db_rows, new_youth, ok, signal
from test_reports_html import parse

from vix import render

VIX_TEMPLATES = Path(render.__file__).parent / "templates"


def letter(vix: Runner, region: Region, *fmt: str) -> str:
    return str(ok(vix("brief", "1", *fmt, als=region.school)).stdout)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("born", "years", "told"),
    [
        (
            "03-04-2014",
            None,
            "Het signaal loopt tot uiterlijk 23-11-2028, of korter als de zorg eerder weg is. "
            "Daarna blijft het nog 5 jaar in een archief, tot uiterlijk 23-11-2033, alleen "
            "zodat een nieuwe hulpverlener weet wie eerder betrokken was. Dan wordt het gewist.",
        ),
        (
            "03-04-2014",
            "2",
            "Het signaal loopt tot uiterlijk 23-11-2028, of korter als de zorg eerder weg is. "
            "Daarna blijft het nog 2 jaar in een archief, tot uiterlijk 23-11-2030, alleen "
            "zodat een nieuwe hulpverlener weet wie eerder betrokken was. Dan wordt het gewist.",
        ),
        (
            "03-04-2007",  # 19: the letter speaks to the youth
            None,
            "Het signaal loopt tot uiterlijk 23-11-2028, of korter als de zorg eerder weg is. "
            "Daarna blijft het in een archief tot de dag dat je 23 wordt (03-04-2030), alleen "
            "zodat een nieuwe hulpverlener weet wie eerder betrokken was. Dan wordt het gewist.",
        ),
        (
            "01-01-2005",
            None,
            "Het signaal loopt tot uiterlijk 01-01-2028, de dag dat je 23 wordt, of korter als "
            "de zorg eerder weg is. Op die dag wordt het gewist; het gaat dan niet naar een "
            "archief. Is de zorg eerder weg, dan blijft het hooguit tot die dag in een archief, "
            "alleen zodat een nieuwe hulpverlener weet wie eerder betrokken was.",
        ),
    ],
)
def test_the_letter_tells_the_archive_term_and_its_end(
    vix: Runner, region: Region, born: str, years: str | None, told: str
) -> None:
    if years:
        ok(vix("instelling", "zet", "archief_jaren", years, als=region.admin))
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", born=born))
    text = one_line(letter(vix, region))
    assert told in text
    assert "vijf jaar" not in text
    page = parse(letter(vix, region, "--formaat", "html"))
    assert told in one_line("".join(page.text))


def test_a_signal_term_is_two_years_at_the_most(vix: Runner, region: Region, vix_env: Path) -> None:
    """Rule 15 (Jeugdwet 7.1.4.5): a signal ends two years after it was placed at the
    latest. `signaal_jaren` took up to 5, and the letter then told parents five (review);
    a term stored before counts as two."""
    refused = vix("instelling", "zet", "signaal_jaren", "5", als=region.admin)
    assert refused.exit_code == 1 and "Kies een getal van 1 tot en met 2." in refused.stderr
    with sqlite3.connect(vix_env) as conn:  # a region that set 5 before the bound
        conn.execute(
            "INSERT INTO settings (key, value) VALUES ('signaal_jaren', '5')"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", born="01-06-2011"))  # 15
    found = as_json(vix("brief", "1", "--json", als=region.school))
    assert (found["planned_removal"], found["then_archive_until"]) == ("2028-11-23", "2033-11-23")
    assert "23-11-2028" in one_line(letter(vix, region))


OLD_LETTER = """{{ brief.organisation }}
Het signaal wordt uiterlijk op {{ datum(brief.planned_removal) }} verwijderd, of eerder als de
zorg weg is. Daarna wordt het nog vijf jaar bewaard in een archief.
"""


def test_a_regions_older_copy_of_the_letter_still_renders(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """vix's own letter has the new wording; a region's copy that uses none of the new
    names in the context prints what it printed (StrictUndefined sees only names used)."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    assert "nog 5 jaar in een archief, tot uiterlijk 23-11-2033" in one_line(letter(vix, region))
    folder = tmp_path / "sjablonen"
    (folder / "brief").mkdir(parents=True)
    (folder / "brief" / "ouders.txt").write_text(OLD_LETTER)
    (folder / "brief" / "ouders.html").write_text("<p>{{ datum(brief.planned_removal) }}</p>\n")
    ok(vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin))
    assert letter(vix, region) == (
        "Basisschool De Zonnebloem\n"
        "Het signaal wordt uiterlijk op 23-11-2028 verwijderd, of eerder als de\n"
        "zorg weg is. Daarna wordt het nog vijf jaar bewaard in een archief.\n"
    )
    assert letter(vix, region, "--formaat", "html") == "<p>23-11-2028</p>\n"


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("{{ brief.bestaat_niet }}\n", "brief/ouders-zon.txt, regel 1 bevat een fout (een naam"),
        ("Beste ouders,\n{{ 1 / 0 }}\n", "brief/ouders-zon.txt, regel 2 bevat een fout (deling"),
        ("{{ procent('veel') }}\n", "brief/ouders-zon.txt, regel 1 bevat een fout (een ongeldige"),
    ],
)
def test_an_error_in_an_organisations_own_letter_names_that_file(
    vix: Runner, region: Region, tmp_path: Path, text: str, told: str
) -> None:
    """Not vix's brief/ouders.txt, which the administrator would then fix or remove in
    vain; and a Python error in it is no 'Onverwachte fout' without a file."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    folder = tmp_path / "sjablonen"
    (folder / "brief").mkdir(parents=True)
    (folder / "brief" / "ouders-zon.txt").write_text(text)
    ok(vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin))
    result = vix("brief", "1", als=region.school)
    assert result.exit_code == 1 and result.stdout == ""
    assert f"Het sjabloon {told}" in result.stderr, result.stderr
    assert "Onverwachte" not in result.stderr


def test_datum_prints_a_date_that_is_not_there_as_nothing(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """then_archive_until is empty for a signal erased at 23 (README-reports): the helper
    prints nothing for it, as the filter does, instead of failing."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    folder = tmp_path / "sjablonen"
    (folder / "brief").mkdir(parents=True)
    (folder / "brief" / "ouders-zon.txt").write_text(
        "[{{ datum(none) }}] {{ datum(brief.placed_at) }}\n"
    )
    ok(vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin))
    assert letter(vix, region) == "[] 23-11-2026\n"


def test_the_file_written_is_named_without_what_would_steer_a_terminal(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """The success line echoed the typed --uitvoer as it was: an escape sequence in it
    reached the terminal (every error message shows it escaped; review)."""
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    target = tmp_path / "brief\x1b[2J.txt"
    done = ok(vix("brief", str(placed["signal_id"]), "--uitvoer", str(target), als=region.school))
    assert target.exists() and "\x1b" not in done.stderr
    assert "brief\\x1b[2J.txt" in done.stderr


@pytest.mark.parametrize(
    ("born", "rights"),
    [("03-04-2014", "Uw rechten U mag altijd"), ("03-04-2007", "Jouw rechten Je mag altijd")],
)
def test_the_rights_heading_speaks_as_the_letter_does(
    vix: Runner, region: Region, born: str, rights: str
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", born=born))
    assert rights in one_line(letter(vix, region))
    assert rights in one_line("".join(parse(letter(vix, region, "--formaat", "html")).text))


@pytest.mark.parametrize("where", ["setting", "environment", "relative", "new file", "vix's"])
def test_a_letter_is_not_written_into_the_templates_folder(
    vix: Runner, region: Region, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """`vix brief 1 --uitvoer tpl/brief/ouders.txt` (a typo) replaced the region's letter:
    the next letters carried this youth's name for another (review). Like the database and
    the key, the templates folder is no place for --uitvoer."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    folder = tmp_path / "sjablonen"
    (folder / "brief").mkdir(parents=True)
    own = folder / "brief" / "ouders.txt"
    own.write_text("Eigen brief\n")
    if where == "environment":
        monkeypatch.setenv("VIX_SJABLONEN", str(folder))
    else:
        ok(vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin))
    target: Path | str = own
    if where == "relative":
        monkeypatch.chdir(tmp_path)
        target = "sjablonen/brief/ouders.txt"
    elif where == "new file":
        target = folder / "brief" / "ouders-zon.txt"
    elif where == "vix's":
        target = VIX_TEMPLATES / "brief" / "nieuw.txt"
    refused = vix("brief", "1", "--uitvoer", str(target), als=region.school)
    assert refused.exit_code == 1 and refused.stdout == ""
    said = " ".join(refused.stderr.split())
    assert f"{target} ligt in de " in said and "Kies een ander pad, buiten die map." in said
    assert own.read_text() == "Eigen brief\n"
    assert sorted(p.name for p in (folder / "brief").iterdir()) == ["ouders.txt"]
    assert not (VIX_TEMPLATES / "brief" / "nieuw.txt").exists()
    # beside the folder is fine
    ok(vix("brief", "1", "--uitvoer", str(tmp_path / "brief.txt"), als=region.school))


def test_a_letter_does_not_send_parents_to_a_professional_who_left(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Rule 17: the letter names the signal's professional for inzage, correction and
    objection. Of one who left, the manager is refused and told to hand the signal on
    first; then the letter names the colleague."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("professional", "deactiveer", region.school, als=region.admin))
    refused = vix("brief", "1", als=region.manager)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert one_line(refused.stderr) == (
        f"Fout: Signaal 1 staat nog op naam van Ineke Bos ({region.school}), die niet meer "
        "actief is; de brief zou de ouders voor inzage, correctie en bezwaar naar hem of "
        "haar verwijzen. Draag het signaal eerst over aan een collega met 'vix professional "
        f"overdragen {region.school} COLLEGA --signaal 1'; de brief noemt dan de collega."
    )
    # nothing was made, so nothing is logged as a letter
    assert db_rows(vix_env, "SELECT 1 FROM audit_log WHERE action = 'letter'") == []
    ok(vix("professional", "overdragen", region.school, region.school_colleague,
           "--signaal", "1", als=region.manager))  # fmt: skip
    text = str(ok(vix("brief", "1", als=region.manager)).stdout)
    assert "Mark Mentor" in text and "Ineke Bos" not in text
