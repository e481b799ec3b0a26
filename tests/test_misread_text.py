"""Text typed on a terminal in UTF-8 and read in another encoding is refused, with why.

Under a locale such as nl_NL.ISO-8859-1 (or PYTHONIOENCODING=latin-1 at a prompt) a
terminal in UTF-8 sends 'Zoë' as two bytes that Python reads as 'ZoÃ«'. Stored, the
name gave the youth another substitute number than the same child typed well, so two
organisations signalling her never matched (rules 3 and 6), and the garbled name went
into letters and the inzage. vix refuses such text where names and other free text
come in (`text.one_line`: options and prompts), and the pupil import refuses a row whose
name the school's administration holds so. A name no one garbled passes, also one with Ã or Â
(Portuguese João) or a non-breaking space after an accented capital.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ADMIN, INFORMED, Region, Runner, as_json, db_rows, ok
from import_helpers import bsn, pupil, write_list

from vix.text import MISREAD_HINT, misread_utf8


def misread(text: str, encoding: str = "latin-1") -> str:
    """`text` as a locale in `encoding` reads it from a terminal in UTF-8."""
    return text.encode("utf-8").decode(encoding)


def without_bsn(given: str, surname: str) -> list[str]:
    return ["signaleer", "--zonder-bsn", "--voornaam", given, "--achternaam", surname,
            "--geboortedatum", "01-02-2015", "--geslacht", "V", "--gemeente", "HAARLEM",
            *INFORMED]  # fmt: skip


def test_a_misread_name_is_refused_and_the_child_matches_when_typed_well(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    garbled = vix(*without_bsn(misread("Zoë"), misread("Brûlé")), als=region.school)
    assert garbled.exit_code == 1
    assert garbled.stderr.startswith("Fout: De voornaam is verminkt: de terminal stuurt UTF-8")
    assert "export LANG=nl_NL.UTF-8" in garbled.stderr
    assert garbled.stderr.isascii()  # read right on the terminal that sends UTF-8
    assert db_rows(vix_env, "SELECT COUNT(*) FROM youths")[0][0] == 0
    # typed again as it should be, by the school and by JGZ: one youth, one match
    ok(vix(*without_bsn("Zoë", "Brûlé"), als=region.school))
    ok(vix(*without_bsn("Zoë", "Brûlé"), als=region.jgz))
    rows = db_rows(vix_env, "SELECT given_name, surname FROM youths")
    assert [(r[0], r[1]) for r in rows] == [("Zoë", "Brûlé")]
    assert len(as_json(vix("matches", "--json", als=region.school))) == 1


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "iso8859-15"])
@pytest.mark.parametrize("name", ["Ömer Çelik", "Şükrü Ağaoğlu", "Šimić", "Nguyễn", "D’Hondt"])
def test_each_encoding_a_locale_may_misread_in_is_seen(
    vix: Runner, region: Region, name: str, encoding: str
) -> None:
    shown = misread(name, encoding)
    refused = vix("professional", "wijzig", region.jgz, "--naam", shown, als=ADMIN)
    assert refused.exit_code == 1, refused.stdout
    assert "De naam is verminkt" in refused.stderr  # not "onzichtbaar stuurteken" (C1)


@pytest.mark.parametrize("name", ["محمد العلي", "שרה כהן", "王小明", "Ахмед Ли", "Nguyễn"])
def test_a_name_in_any_script_misread_as_latin_1_is_told_as_misread(
    vix: Runner, region: Region, name: str
) -> None:
    """Read as Latin-1, UTF-8 of any script holds C1 controls, which no one types: the
    message says the locale garbled it, not that it holds an invisible control."""
    refused = vix("professional", "wijzig", region.jgz, "--naam", misread(name), als=ADMIN)
    assert refused.exit_code == 1, refused.stdout
    assert "De naam is verminkt" in refused.stderr, refused.stderr


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["gemeente", "wijzig", "HAARLEM", "--wethouder", "Ren\u00c3\u00a9 Jansen"],
         "De naam van de wethouder"),
        (["organisatie", "toevoegen", "NIEUW", "Basisschool De Br\u00c3\u00bbl\u00c3\u00a9",
          "--domein", "onderwijs", "--gemeente", "HAARLEM"], "De naam"),
        (["instelling", "zet", "regio_naam", "Kennemerland \u00e2\u0080\u0093 Zuid"],
         "De naam van de regio"),
    ],
)  # fmt: skip
def test_names_of_others_are_held_to_it_too(
    vix: Runner, region: Region, args: list[str], what: str
) -> None:
    refused = vix(*args, als=ADMIN)
    assert refused.exit_code == 1
    assert f"{what} is verminkt" in refused.stderr


def test_a_misread_reason_is_refused(vix: Runner, region: Region) -> None:
    args = [*without_bsn("Zoë", "Brûlé")[:-2], "--ouders-niet-geinformeerd",
            misread("Moeder is in België, vader niet bereikbaar")]  # fmt: skip
    refused = vix(*args, als=region.school)
    assert refused.exit_code == 1 and "De reden is verminkt" in refused.stderr


REAL_NAMES = [
    "João", "JOÃO", "Conceição", "GUIMARÃES", "Ângela", "ROMÂNIA", "Câmpeanu", "Mäkelä",
    "MÄKELÄ", "Åsa Ståhl", "Ömer Çelik", "Şükrü", "Łukasz", "Šimun", "Đorđe", "Nguyễn Văn",
    "Øyvind", "Þór", "Ñoño", "Cătălina Ștefan", "Алексей", "Σωκράτης", "Hélène Noël",
    "D’Hondt", "Jean–Luc", "Mª José", "Nicolò", "RENÉ\u00a0JANSEN", "Jan «José» de Vries",
    # an accented capital before punctuation Windows-1252 has in 0x80-0xBF (review): read
    # back they are UTF-8, but mixed scripts or letters no name has
    "Ó’Brien", "Ó´Brien", "Ó\u00a0Briain", "KOÇ–YILMAZ", "RENÉ…", "ÍŽ",
]  # fmt: skip


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_names_pass(name: str) -> None:
    assert not misread_utf8(name)
    assert misread_utf8(misread(name)) or misread(name) == name


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "iso8859-15"])
def test_the_import_screen_lets_no_misread_letter_through(encoding: str) -> None:
    """The pupil import looks closer only at a batch whose names match MISREAD_HINT: every
    letter UTF-8 has up to U+FFFF, misread, matches it, or a misread name would pass."""
    seen = 0
    for code in range(0x80, 0x10000):
        letter = chr(code)
        if not letter.isalpha():
            continue
        try:
            shown = misread(letter, encoding)
        except UnicodeDecodeError:  # cp1252 has five bytes it does not define
            continue
        assert MISREAD_HINT.search(shown), (hex(code), shown)
        seen += 1
    assert seen > 40_000


def test_real_names_pass_through_the_command_line(vix: Runner, region: Region) -> None:
    for name in REAL_NAMES:
        ok(vix("professional", "wijzig", region.jgz, "--naam", name, als=ADMIN))
        listed = as_json(vix("professional", "lijst", "--json", als=ADMIN))
        assert name in [p["name"] for p in listed]


def test_a_name_the_pupil_list_holds_misread_rejects_the_row(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The import decodes its files itself (UTF-8, else Windows-1252, and refuses a file
    with both: docs/README-import.md). A school system that once read UTF-8 as
    Windows-1252 and stored it so exports 'ZoÃ«' for 'Zoë': stored, the pupil would be
    named so at every signal and inzage, and signalled without a BSN get another
    substitute number than the name typed well. The row is refused, by line and column,
    with where to fix it; real names with those letters pass."""
    rows = [
        pupil(bsn(5), "ZoÃ«", pupil_number="1"),
        pupil(bsn(6), "Bram", misread("Brûlé"), pupil_number="2"),
        pupil(bsn(7), "João", "KOÇ–YILMAZ", infix="d’", pupil_number="3"),
    ]
    path = write_list(tmp_path / "l.csv", rows)
    args = ("import", "leerlingen", str(path), "--organisatie", "ZON", "--json")
    refused = vix(*args, als=ADMIN)
    assert refused.exit_code == 1
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0  # nothing half-imported
    answer = as_json(vix(*args, "--sla-fouten-over", als=ADMIN))
    assert (answer["new"], answer["rejected"]) == (1, 2)
    assert [(e["line"], e["column"]) for e in answer["errors"]] == [
        (2, "Roepnaam"),
        (3, "Achternaam"),
    ]
    fix = "herstel de naam in de leerlingadministratie en exporteer opnieuw."
    assert all(
        e["reason"].startswith("is verminkt: tekst in UTF-8 die ergens als Windows-1252")
        and e["reason"].endswith(fix)
        for e in answer["errors"]
    )
    stored = db_rows(vix_env, "SELECT given_name, surname FROM youths")
    assert [tuple(r) for r in stored] == [("João", "KOÇ–YILMAZ")]


def run_in_c_locale(*args: str, als: str) -> subprocess.CompletedProcess[bytes]:
    """`vix ARGS` under LC_ALL=C without Python's UTF-8 mode: argv is read as ASCII."""
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
           "VIX_GEBRUIKER": als}  # fmt: skip
    env.pop("PYTHONIOENCODING", None)
    return subprocess.run([sys.executable, "-m", "vix", *args], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60)  # fmt: skip


def test_utf8_under_an_ascii_locale_is_told_as_the_locales_fault(
    region: Region, vix_env: Path
) -> None:
    """The bytes are valid UTF-8 and the locale reads ASCII: vix said they were "geen
    geldige tekst (UTF-8)" and to "Zet de terminal op UTF-8", of a terminal that was right."""
    done = run_in_c_locale(*without_bsn("Zoë", "Brûlé"), als=region.school)
    said = done.stderr.decode("utf-8")
    assert done.returncode == 1
    assert said.startswith(
        "Fout: een argument bevat geldige tekst (UTF-8), maar de taalinstelling (locale) "
        "leest ASCII. Zet de taalinstelling op UTF-8, bijvoorbeeld met export LANG=nl_NL.UTF-8"
    )
    assert "Zet de terminal" not in said
    # bytes that are no UTF-8: the terminal is at fault, as before
    latin1 = run_in_c_locale(*without_bsn("Zo\udceb", "Brul"), als=region.school)
    assert "de terminal stuurt een andere tekenset (zoals Latin-1)" in latin1.stderr.decode()
    assert db_rows(vix_env, "SELECT COUNT(*) FROM youths")[0][0] == 0
