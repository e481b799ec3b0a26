"""`vix import leerlingen` through the real CLI against real database files."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    P_FATHER,
    P_MOTHER,
    Region,
    as_json,
    db_rows,
    make_read_only,
    new_youth,
    ok,
    signal,
)
from import_helpers import HEADER, bsn, onderwijsnummer, pupil, write_list

BAD_BSN = "111222334"  # fails the 11-test


@pytest.fixture(autouse=True, params=["inline", "reader"])
def checked_where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs twice: rows checked in the importing process, and in the
    reader process that a big list gets (`python -m vix.pupilrows`)."""
    monkeypatch.setattr("vix.importer.PARALLEL_MIN_ROWS", 0 if request.param == "reader" else 10**9)
    return str(request.param)


def run_import(
    vix, path: Path, *extra: str, als: str = ADMIN, org: str = "ZON", now: str | None = None
):
    return vix(
        "import", "leerlingen", str(path), "--organisatie", org, "--json", *extra, als=als, now=now
    )


def pupils_of(db: Path, org: str = "ZON") -> dict[str, tuple]:
    return {
        r["bsn"]: tuple(r)[1:]
        for r in db_rows(
            db,
            "SELECT y.bsn, y.given_name, y.infix, y.surname, y.birth_date, y.sex, y.postcode,"
            " y.house_number, p.pupil_number, p.class_name FROM pupils p"
            " JOIN youths y ON y.id = p.youth_id JOIN organisations o ON o.id = p.organisation_id"
            " WHERE o.code = ?",
            (org,),
        )
    }


NAMES = [("Zoë", "Çelik"), ("Eriñ", "Jansen"), ("Anna", "Vries")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_encodings_and_dialects(vix, region: Region, vix_env: Path, tmp_path, encoding, delimiter):
    rows = [
        pupil(BSN_ANNA, "Zoë", "Çelik", born="03-04-2014", pupil_number="0042"),
        pupil(BSN_BRAM, "Eriñ", "Jansen", born="2015-01-02", house="3A", pupil_number="0043"),
        pupil(BSN_CAS, "Anna", "Vries", infix="de", born="7/3/2016", pupil_number="007"),
    ]
    path = write_list(tmp_path / "lijst.csv", rows, encoding=encoding, delimiter=delimiter)
    result = as_json(run_import(vix, path))
    assert (result["new"], result["rejected"], result["rows"]) == (3, 0, 3)
    stored = pupils_of(vix_env)
    assert stored[BSN_ANNA][:3] == ("Zoë", "", "Çelik")
    assert stored[BSN_ANNA][3] == "2014-04-03"
    assert stored[BSN_ANNA][7] == "0042"  # leading zeros kept
    assert stored[BSN_BRAM][:4] == ("Eriñ", "", "Jansen", "2015-01-02")
    assert stored[BSN_CAS][:4] == ("Anna", "de", "Vries", "2016-03-07")
    assert stored[BSN_CAS][7] == "007"


def test_bsn_with_lost_leading_zero_and_lf_lines(vix, region, vix_env, tmp_path):
    number = bsn(1234567)  # 0 + 8 digits: Excel drops the leading zero
    assert number.startswith("0")
    path = write_list(tmp_path / "l.csv", [pupil(number[1:])], newline="\n")
    assert as_json(run_import(vix, path))["new"] == 1
    assert number in pupils_of(vix_env)


@pytest.mark.parametrize(
    "header",
    [
        ["burgerservicenummer", "voornaam", "voorvoegsels", "achternaam", "geb. datum"],
        ["PGN", "Roepnaam", "Voorvoegsel", "Achternaam", "Geboortedatum"],
        ["BSN leerling", "Voornamen", "Tussenvoegsel(s)", "Geslachtsnaam", "geboren"],
    ],
)
def test_header_synonyms(vix, region, vix_env, tmp_path, header):
    full = [
        *header,
        "Geslacht",
        "Postcode",
        "Huisnr",
        "Plaats",
        "Klas",
        "Stamnummer",
        "BSN vader",
        "moeder bsn",
    ]
    path = write_list(
        tmp_path / "l.csv", [pupil(BSN_ANNA, infix="van", parent1=P_FATHER)], header=full
    )
    result = as_json(run_import(vix, path))
    assert result["new"] == 1
    assert result["columns"]["leerlingnummer"] == "Stamnummer"
    assert result["columns"]["ouder1"] == "BSN vader"
    assert pupils_of(vix_env)[BSN_ANNA][1] == "van"
    assert len(db_rows(vix_env, "SELECT * FROM youth_parents")) == 1


def test_mapping_for_unknown_header_and_bad_mapping(vix, region, vix_env, tmp_path):
    header = ["Nummer", "Roepnaam", "Tussenvoegsel", "Familie", "Geboortedatum"]
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)[:5]], header=header)
    refused = run_import(vix, path)
    assert refused.exit_code == 1
    assert "geen kolom voor bsn (of onderwijsnummer), achternaam" in refused.stderr
    mapped = run_import(vix, path, "--kolom", "Nummer=bsn", "--kolom", "familie=achternaam")
    assert as_json(mapped)["new"] == 1
    misuse = run_import(vix, path, "--kolom", "Nummer")
    assert misuse.exit_code == 2
    assert "KOLOMNAAM=VELD" in misuse.stderr
    # one column given two fields: the last one used to win without a word
    twice = run_import(vix, path, "--kolom", "Familie=achternaam", "--kolom", "familie =negeer")
    assert twice.exit_code == 2  # column names are matched without case or spaces
    assert "kolom 'familie' twee keer, als achternaam en als negeer" in twice.stderr
    again = run_import(
        vix,
        path,
        "--kolom",
        "Nummer=bsn",
        "--kolom",
        "Nummer= BSN ",
        "--kolom",
        "familie=achternaam",
    )
    assert as_json(again)["unchanged"] == 1  # the same field twice is no contradiction
    both = run_import(vix, path, "--kolom", "Nummer=bsn", "--kolom", "Familie=bsn")
    assert both.exit_code == 2
    assert "--kolom wijst twee kolommen toe aan veld 'bsn'" in both.stderr


def test_mixed_rows_import_nothing_and_list_every_error(vix, region, vix_env, tmp_path):
    rows = [
        pupil(BSN_ANNA, pupil_number="1"),
        pupil(BAD_BSN, pupil_number="2"),
        pupil(BSN_BRAM, born="31-02-2014", pupil_number="3"),
        pupil(BSN_CAS, born="01-01-2000", postcode="99", pupil_number="4"),
        pupil(BSN_ANNA, pupil_number="5"),
    ]
    errors_path = tmp_path / "fouten.csv"
    path = write_list(tmp_path / "l.csv", rows)
    result = run_import(vix, path, "--foutenbestand", str(errors_path))
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["written"] is False and answer["rejected"] == 4
    found = {(e["line"], e["column"]) for e in answer["errors"]}
    assert found == {
        (3, "BSN"),
        (4, "Geboortedatum"),
        (5, "Geboortedatum"),
        (5, "Postcode"),
        (6, "BSN"),
    }
    reasons = " ".join(e["reason"] for e in answer["errors"])
    assert "elfproef" in reasons and "23 jaar" in reasons and "regel 2" in reasons
    assert BAD_BSN not in result.stdout + result.stderr
    assert BSN_ANNA not in result.stdout + result.stderr
    assert db_rows(vix_env, "SELECT * FROM youths") == []
    assert db_rows(vix_env, "SELECT * FROM pupils") == []
    audit = db_rows(
        vix_env, "SELECT action, subject, detail FROM audit_log WHERE action LIKE 'imp%'"
    )
    assert [a["action"] for a in audit] == ["import_rejected"]
    assert BAD_BSN not in str(tuple(audit[0]))
    with errors_path.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle, delimiter=";"))
    assert written[0] == ["fout_regel", "fout_reden", *HEADER]
    assert [r[0] for r in written[1:]] == ["3", "4", "5", "6"]
    assert written[1][2] == BAD_BSN  # the user's own row comes back to be fixed
    assert BAD_BSN not in written[1][1]


def test_plain_output_lists_errors_on_stderr(vix, region, tmp_path):
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA), pupil(BAD_BSN, pupil_number="9")])
    result = vix("import", "leerlingen", str(path), "--organisatie", "ZON", als=ADMIN)
    assert result.exit_code == 1
    assert "regel 3, kolom BSN: het BSN eindigend op 334" in result.stderr
    assert "niets geïmporteerd" in result.stderr
    assert "NIET geïmporteerd" in result.stdout


def test_skip_errors_imports_good_rows_and_error_file_round_trips(vix, region, vix_env, tmp_path):
    rows = [pupil(BSN_ANNA, pupil_number="1"), pupil(BSN_BRAM, born="32-01-2014", pupil_number="2")]
    path = write_list(tmp_path / "lijst.csv", rows, encoding="cp1252")
    result = as_json(run_import(vix, path, "--sla-fouten-over"))
    assert (result["new"], result["rejected"], result["written"]) == (1, 1, True)
    errors_path = tmp_path / "lijst-fouten.csv"
    assert result["error_file"] == str(errors_path)
    assert errors_path.stat().st_mode & 0o777 == 0o600
    # a second run replaces the file, also one someone made readable for others
    errors_path.chmod(0o644)
    again = as_json(run_import(vix, path, "--sla-fouten-over"))
    assert (again["unchanged"], again["rejected"]) == (1, 1)
    assert errors_path.stat().st_mode & 0o777 == 0o600
    assert set(pupils_of(vix_env)) == {BSN_ANNA}
    # the user fixes the date in the error file and imports it again
    text = errors_path.read_bytes().decode("utf-8-sig").replace("32-01-2014", "30-01-2014")
    errors_path.write_bytes(text.encode("utf-8-sig"))
    again = as_json(run_import(vix, errors_path))
    assert (again["new"], again["rejected"]) == (1, 0)
    assert "fout_reden" not in again["ignored_columns"]
    assert set(pupils_of(vix_env)) == {BSN_ANNA, BSN_BRAM}


def test_skip_errors_with_every_row_rejected_says_nothing_was_imported(
    vix, region, vix_env, tmp_path
):
    rows = [pupil(BSN_ANNA, born="32-01-2014", pupil_number="1")]
    path = write_list(tmp_path / "lijst.csv", rows)
    result = run_import(vix, path, "--sla-fouten-over")
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert (answer["rejected"], answer["written"]) == (1, False)
    said = vix(
        "import", "leerlingen", str(path), "--organisatie", "ZON", "--sla-fouten-over", als=ADMIN
    )
    assert said.exit_code == 1 and "NIET geïmporteerd" in said.stdout
    assert "Geen enkele regel is goed" in said.stderr and "--sla-fouten-over." not in said.stderr
    actions = db_rows(vix_env, "SELECT action FROM audit_log WHERE action LIKE 'import%'")
    assert {r[0] for r in actions} == {"import_rejected"}


def test_the_error_file_never_hands_excel_a_formula_and_still_round_trips(
    vix, region, vix_env, tmp_path
):
    header = [*HEADER, "Opmerking"]
    rows = [
        [*pupil(BSN_ANNA, pupil_number="1"), "=1+1"],
        [*pupil(BSN_BRAM, born="32-01-2014", pupil_number="+31"), '=HYPERLINK("x")'],
    ]
    path = write_list(tmp_path / "lijst.csv", rows, header=header)
    ok(run_import(vix, path, "--sla-fouten-over"))
    errors_path = tmp_path / "lijst-fouten.csv"
    with errors_path.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle, delimiter=";"))
    assert written[1][2 + HEADER.index("Leerlingnummer")] == "'+31"
    assert written[1][-1] == '\'=HYPERLINK("x")'
    cells = [cell for row in written for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], cells
    # fixed and read back, the guard is gone: Bram's pupil number is +31, as in the list
    text = errors_path.read_bytes().decode("utf-8-sig").replace("32-01-2014", "30-01-2014")
    errors_path.write_bytes(text.encode("utf-8-sig"))
    again = as_json(run_import(vix, errors_path))
    assert (again["new"], again["rejected"]) == (1, 0)
    assert pupils_of(vix_env)[BSN_BRAM][-2] == "+31"


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("map", "is een map; geef bij --foutenbestand een bestandsnaam"),
        ("x" * 300 + ".csv", "(de naam is te lang); er is niets geïmporteerd"),
        ("link.csv", "staat geen gewoon bestand maar een koppeling, apparaat of pijp"),
        # the rejected rows replaced the database or its key (review)
        ("vix.db", "{tmp}/vix.db is de database van vix: daar schrijft vix niets overheen"),
        ("vix.sleutel", "{tmp}/vix.sleutel is het sleutelbestand van vix: daar schrijft"),
        # said before a row is read, and true: the folder is there but is a file
        ("lijst.csv/fouten.csv", "({tmp}/lijst.csv is een bestand, geen map)"),
        ("geen-map/fouten.csv", "(de map {tmp}/geen-map bestaat niet)"),
        (
            "alleen-lezen/f.csv",
            "(geen rechten om in de map {tmp}/alleen-lezen een bestand te maken)",
        ),
        pytest.param(
            "/proc/version",
            "(in de map /proc kan geen bestand worden gemaakt); er is niets geïmporteerd",
            marks=pytest.mark.skipif(not Path("/proc/version").is_file(), reason="no /proc"),
        ),
    ],
)
def test_an_error_file_that_cannot_be_written_imports_nothing(
    vix, region, vix_env, tmp_path, read_only_folder, where, message
):
    if where.startswith(read_only_folder.name):
        make_read_only(read_only_folder)  # skips where it cannot be made so
    message = message.format(tmp=tmp_path)
    (tmp_path / "map").mkdir()
    elsewhere = tmp_path / "elders.csv"
    elsewhere.write_text("van een ander")
    (tmp_path / "link.csv").symlink_to(elsewhere)  # rows written through it would land there
    rows = [pupil(BSN_ANNA, pupil_number="1"), pupil(BSN_BRAM, born="32-01-2014", pupil_number="2")]
    path = write_list(tmp_path / "lijst.csv", rows)
    result = run_import(vix, path, "--sla-fouten-over", "--foutenbestand", str(tmp_path / where))
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert elsewhere.read_text() == "van een ander"
    assert "Onverwachte fout" not in result.stderr and "Traceback" not in result.output
    assert pupils_of(vix_env) == {}  # the database is still there, and holds nothing new


def test_a_line_break_or_control_character_in_a_name_rejects_the_row(
    vix, region, vix_env, tmp_path
):
    header = [*HEADER, "Opmerking"]
    rows = [
        [*pupil(BSN_ANNA, "Anna\nMaria", pupil_number="1"), ""],
        [*pupil(BSN_BRAM, "Bram", group="5\x1b[31m", pupil_number="2"), ""],
        # an ignored column may hold anything
        [*pupil(BSN_CAS, "Cas", pupil_number="3"), "eerste regel\ntweede regel"],
    ]
    path = write_list(tmp_path / "l.csv", rows, header=header)
    result = run_import(vix, path, "--sla-fouten-over")
    answer = as_json(result)
    assert (answer["new"], answer["rejected"]) == (1, 2)
    assert [(e["line"], e["column"]) for e in answer["errors"]] == [
        (2, "Roepnaam"),
        (4, "Groep"),  # the line in the file: Anna's name spans lines 2 and 3
    ]
    assert all(
        "regeleinde, tab of ander onzichtbaar stuurteken" in e["reason"] for e in answer["errors"]
    )
    assert set(pupils_of(vix_env)) == {BSN_CAS}


def test_a_number_in_a_name_or_an_overlong_value_rejects_the_row(vix, region, vix_env, tmp_path):
    rows = [
        pupil(BSN_ANNA, "Anna", "123456782", pupil_number="1"),  # a BSN in the surname column
        pupil(BSN_BRAM, "Bram", "x" * 101, pupil_number="2"),
        pupil(BSN_CAS, "Cas", "Willem 2", pupil_number="3" * 100),  # up to four digits pass
    ]
    result = run_import(vix, write_list(tmp_path / "l.csv", rows), "--sla-fouten-over")
    answer = as_json(result)
    assert (answer["new"], answer["rejected"]) == (1, 2)
    assert [(e["line"], e["column"], e["reason"]) for e in answer["errors"]] == [
        (
            2,
            "Achternaam",
            "bevat een nummer (vijf of meer cijfers); een naam heeft geen cijfers; staat het "
            "nummer in de verkeerde kolom?",
        ),
        (3, "Achternaam", "is langer dan 100 tekens; kort de waarde in de lijst in."),
    ]
    assert "123456782" not in result.stdout + result.stderr
    assert set(pupils_of(vix_env)) == {BSN_CAS}


CLASSES = [
    *("6b", "Groep 8", "H3A", "4 HAVO", "1/2", "VWO-5", "kl 2c", "G7-8", "Havo+", "3.1"),
    *("'t Hummeltje", "\u2019t Klaverblad", "Groep 1 & 2", "Uitstroomprofiel Arbeid"),
    *("1A 2025-2026", "2020-2021 1A", "1A (2025/2026)", "VIG3 2024-2025"),
]


def test_class_codes_as_school_systems_export_them_are_stored(vix, region, vix_env, tmp_path):
    rows = [
        pupil(bsn(20000000 + 100 * i), pupil_number=str(i), group=group)
        for i, group in enumerate([*CLASSES, "De Vlinders", "Groep 1/2 A"])
    ]
    answer = as_json(run_import(vix, write_list(tmp_path / "l.csv", rows)))
    assert (answer["new"], answer["rejected"]) == (len(rows), 0), answer
    stored = sorted(r[0] for r in db_rows(vix_env, "SELECT class_name FROM pupils"))
    assert stored == sorted([*CLASSES, "De Vlinders", "Groep 1/2 A"])


def test_a_note_in_the_class_column_imports_the_pupil_without_it_with_a_warning(
    vix, region, vix_env, tmp_path
):
    """Rule 3: 'groep/klas' is no place for the youth's situation; it is shown at inzage.
    The class has no other use in vix, so the pupil is imported without it: refusing the
    row would keep the pupil out of the index for a column vix hardly needs."""
    header = [*HEADER[:9], "Zorgniveau", *HEADER[10:]]
    rows = [
        pupil(BSN_ANNA, group="niveau 4: vader in detentie, mishandeling", pupil_number="1"),
        pupil(BSN_BRAM, group="zorg: thuis", pupil_number="2"),
        pupil(BSN_CAS, group="8B", pupil_number="3"),
    ]
    path = write_list(tmp_path / "lijst.csv", rows, header=header)
    dry = run_import(vix, path, "--kolom", "Zorgniveau=groep", "--droog")
    assert dry.exit_code == 0 and pupils_of(vix_env) == {}
    assert (as_json(dry)["new"], as_json(dry)["warned"]) == (3, 2)
    result = run_import(vix, path, "--kolom", "Zorgniveau=groep")
    assert result.exit_code == 0, result.output
    answer = as_json(result)
    assert (answer["new"], answer["rejected"], answer["warned"], answer["ok"]) == (3, 0, 2, True)
    assert answer["errors"] == [] and answer["error_file"] is None
    assert [(w["line"], w["column"], w["reason"]) for w in answer["warnings"]] == [
        (
            2,
            "Zorgniveau",
            "is langer dan 30 tekens: een groeps- of klascode is kort, zoals 6b, Groep 8 of "
            "4 HAVO; de leerling komt zonder groep/klas in de lijst. Herstel: zet alleen de "
            "groep of klas in deze kolom, of laat de kolom weg met --kolom "
            "'Zorgniveau=negeer' (de groep heeft in vix alleen een functie in de inzage).",
        ),
        (
            3,
            "Zorgniveau",
            "is geen groeps- of klascode: alleen letters, cijfers, spaties en - / . + _ ( ) ' & "
            "(zoals 6b, Groep 8, H3A of 4 HAVO), geen dubbele punt, komma of zin; de leerling "
            "komt zonder groep/klas in de lijst. Herstel: zet alleen de groep of klas in deze "
            "kolom, of laat de kolom weg met --kolom 'Zorgniveau=negeer' (de groep heeft in "
            "vix alleen een functie in de inzage).",
        ),
    ]
    assert "detentie" not in result.output and "thuis" not in result.output
    assert {b: p[-1] for b, p in pupils_of(vix_env).items()} == {
        BSN_ANNA: None,
        BSN_BRAM: None,
        BSN_CAS: "8B",
    }
    # the same list again changes nothing, and warns again
    again = as_json(run_import(vix, path, "--kolom", "Zorgniveau=groep"))
    assert (again["unchanged"], again["warned"], again["rejected"]) == (3, 2, 0)
    # the way the warning names: the column ignored, no warning
    ignored = as_json(run_import(vix, path, "--kolom", "Zorgniveau=negeer"))
    assert (ignored["warned"], ignored["rejected"], ignored["ok"]) == (0, 0, True)
    # the summary on screen names line and column, never the value
    shown = vix(
        "import",
        "leerlingen",
        str(path),
        "--organisatie",
        "ZON",
        "--kolom",
        "Zorgniveau=groep",
        als=ADMIN,
    )
    assert shown.exit_code == 0, shown.output
    assert "waarschuwing: 2 regels met een groep/klas die vix niet overneemt" in shown.stdout
    assert "regel 3, kolom Zorgniveau: is geen groeps- of klascode" in shown.stdout
    assert "thuis" not in shown.output


def test_a_row_with_a_bad_class_and_another_problem_is_rejected_naming_both(
    vix, region, vix_env, tmp_path
):
    rows = [
        pupil(BSN_ANNA, "Anna 111222333", group="zorg: thuis"),
        pupil(BSN_CAS, pupil_number="3"),
    ]
    result = run_import(vix, write_list(tmp_path / "l.csv", rows), "--sla-fouten-over")
    answer = as_json(result)
    assert (answer["rejected"], answer["warned"]) == (1, 0)
    assert [(e["line"], e["column"]) for e in answer["errors"]] == [(2, "Roepnaam"), (2, "Groep")]
    assert answer["errors"][1]["reason"].endswith(
        "zet alleen de groep of klas in deze kolom, of laat de kolom weg."
    )


def test_a_row_rejected_after_its_class_was_set_aside_is_no_warning(vix, region, vix_env, tmp_path):
    """The class is checked with the row; the number against the index later. A row
    refused there was not imported without its class: no warning says it was."""
    first = [pupil(BSN_ANNA, born="01-02-2015", pupil_number="1")]
    ok(run_import(vix, write_list(tmp_path / "a.csv", first), org="ESD"))
    rows = [
        pupil(BSN_ANNA, born="02-02-2015", group="zorg: thuis", pupil_number="1"),
        pupil(BSN_CAS, group="zorg: thuis", pupil_number="3"),
    ]
    answer = as_json(run_import(vix, write_list(tmp_path / "l.csv", rows), "--sla-fouten-over"))
    assert (answer["rejected"], answer["warned"]) == (1, 1)
    assert [e["line"] for e in answer["errors"]] == [2]
    assert [w["line"] for w in answer["warnings"]] == [3]


def test_a_bsn_in_the_class_column_is_left_out_without_repeating_it(vix, region, vix_env, tmp_path):
    rows = [pupil(BSN_ANNA, group=BSN_BRAM, pupil_number="1"), pupil(BSN_CAS, pupil_number="3")]
    result = run_import(vix, write_list(tmp_path / "l.csv", rows))
    assert result.exit_code == 0, result.output
    [warning] = as_json(result)["warnings"]
    assert (warning["line"], warning["column"]) == (2, "Groep")
    assert warning["reason"].startswith(
        "bevat een BSN (negen cijfers die de elfproef halen); de leerling komt zonder groep/klas "
        "in de lijst. Herstel: staat het nummer in de verkeerde kolom?"
    )
    assert BSN_BRAM not in result.stdout + result.stderr
    assert {b: p[-1] for b, p in pupils_of(vix_env).items()} == {BSN_ANNA: None, BSN_CAS: "5"}


def test_a_bsn_written_as_on_an_identity_card_is_not_echoed(vix, region, tmp_path):
    card = f"{BSN_BRAM[:4]}.{BSN_BRAM[4:6]}.{BSN_BRAM[6:]}"  # 1112.22.357
    rows = [pupil(BSN_ANNA, pupil_number="1"), pupil(BSN_CAS, sex=card, pupil_number="2")]
    result = run_import(vix, write_list(tmp_path / "l.csv", rows), "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["reason"] == "geslacht '******357' onbekend: gebruik M, V of X."
    assert card not in result.stdout + result.stderr


def test_reimport_changes_nothing(vix, region, vix_env, tmp_path):
    path = write_list(
        tmp_path / "l.csv",
        [pupil(BSN_ANNA, parent1=P_MOTHER), pupil(BSN_BRAM, pupil_number="43")],
    )
    as_json(run_import(vix, path))
    before = db_rows(vix_env, "SELECT * FROM youths ORDER BY id")
    audit_before = len(db_rows(vix_env, "SELECT * FROM audit_log"))
    again = as_json(run_import(vix, path, now="2026-12-01T09:00:00"))
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert [tuple(r) for r in db_rows(vix_env, "SELECT * FROM youths ORDER BY id")] == [
        tuple(r) for r in before
    ]
    audit = db_rows(vix_env, "SELECT action FROM audit_log")
    assert len(audit) == audit_before + 1  # only the run record


def test_changed_list_updates_class_address_and_parents(vix, region, vix_env, tmp_path):
    rows = [pupil(BSN_ANNA, parent1=P_MOTHER), pupil(BSN_BRAM, pupil_number="0043")]
    as_json(run_import(vix, write_list(tmp_path / "a.csv", rows)))
    changed = [
        pupil(BSN_ANNA, group="6", postcode="2012CD", house="1", parent1=P_FATHER),
        pupil(BSN_BRAM, pupil_number="0043"),
    ]
    result = as_json(run_import(vix, write_list(tmp_path / "b.csv", changed)))
    assert (result["new"], result["updated"], result["unchanged"]) == (0, 1, 1)
    anna = pupils_of(vix_env)[BSN_ANNA]
    assert (anna[5], anna[6], anna[8]) == ("2012CD", "1", "6")
    keys = db_rows(
        vix_env,
        "SELECT parent_key FROM youth_parents JOIN youths y ON y.id = youth_id WHERE y.bsn = ?",
        (BSN_ANNA,),
    )
    assert len(keys) == 1
    updates = db_rows(
        vix_env, "SELECT subject FROM audit_log WHERE action = 'update' AND entity = 'youth'"
    )
    assert len(updates) == 1 and BSN_ANNA not in updates[0]["subject"]


def test_dry_run_writes_nothing(vix, region, vix_env, tmp_path):
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA), pupil(BSN_BRAM, pupil_number="1")])
    result = as_json(run_import(vix, path, "--droog"))
    assert (result["new"], result["dry_run"], result["written"]) == (2, True, False)
    assert db_rows(vix_env, "SELECT * FROM youths") == []
    assert db_rows(vix_env, "SELECT * FROM pupils") == []
    actions = [r[0] for r in db_rows(vix_env, "SELECT action FROM audit_log")]
    assert "create" not in actions[-1:] and actions[-1] == "import_dry_run"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is leeg"),
        (b"\xef\xbb\xbf\r\n\r\n", "is leeg"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel-bestand (.xlsx)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "geen tekstbestand"),
        (b"Beste school\nhierbij de lijst\n", "lijkt geen CSV-leerlinglijst"),
        (b"Beste school,\nhierbij de lijst.\n", "lijkt geen leerlinglijst"),
        (b'{"leerlingen": [1, 2]}', "lijkt geen leerlinglijst"),
        ((";".join(HEADER) + "\r\n").encode(), "alleen een kopregel"),
    ],
)
def test_files_that_are_no_list(vix, region, vix_env, tmp_path, content, message):
    path = tmp_path / "l.csv"
    path.write_bytes(content)
    result = vix("import", "leerlingen", str(path), "--organisatie", "ZON", als=ADMIN)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert db_rows(vix_env, "SELECT * FROM youths") == []


def test_missing_file_says_what_to_check(vix, region, tmp_path, monkeypatch):
    result = run_import(vix, tmp_path / "weg.csv")
    assert result.exit_code == 1
    assert (
        f"Het bestand {tmp_path}/weg.csv bestaat niet; er is niets geïmporteerd. Controleer "
        "de naam en de map, of geef het volledige pad, bijvoorbeeld 'vix import leerlingen "
        "/pad/naar/leerlingen.csv --organisatie CODE'."
    ) in result.stderr
    # a relative path: where vix looked for it
    monkeypatch.chdir(tmp_path)
    relative = run_import(vix, Path("weg.csv"))
    assert relative.exit_code == 1
    assert f"Het bestand weg.csv bestaat niet (vix zocht het in {tmp_path});" in relative.stderr
    folder = run_import(vix, tmp_path)
    assert folder.exit_code == 1
    assert (
        f"{tmp_path} is een map, geen bestand; er is niets geïmporteerd. Geef het pad van de "
        "leerlinglijst (het CSV-bestand) zelf, met de bestandsnaam."
    ) in folder.stderr


def test_who_may_import(vix, region: Region, tmp_path):
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)])
    assert run_import(vix, path, als=region.school).exit_code == 1  # a signaller
    other = run_import(vix, path, als=region.manager, org="ESD")
    assert other.exit_code == 1 and "eigen organisatie" in other.stderr
    care = run_import(vix, path, org="JH")
    assert care.exit_code == 1 and "geen onderwijsinstelling" in care.stderr
    assert as_json(run_import(vix, path, als=region.manager))["new"] == 1


def test_unknown_town_leaves_municipality_unknown(vix, region, vix_env, tmp_path):
    rows = [
        pupil(BSN_ANNA, town="Overveen"),
        pupil(BSN_BRAM, town="zandvoort", pupil_number="2"),
        pupil(BSN_CAS, town="HAARLEM", pupil_number="3"),
    ]
    result = as_json(run_import(vix, write_list(tmp_path / "l.csv", rows)))
    assert (result["unknown_town_rows"], result["unknown_towns"]) == (1, ["Overveen"])
    towns = dict(
        db_rows(
            vix_env,
            "SELECT y.bsn, m.code FROM youths y LEFT JOIN municipalities m"
            " ON m.id = y.municipality_id",
        )
    )
    assert towns == {BSN_ANNA: None, BSN_BRAM: "ZANDVOORT", BSN_CAS: "HAARLEM"}


def test_onderwijsnummer_then_bsn_upgrades_the_youth(vix, region, vix_env, tmp_path):
    onr = onderwijsnummer(123)
    header = [*HEADER, "Onderwijsnummer"]
    first = write_list(tmp_path / "a.csv", [[*pupil(""), onr]], header=header)
    assert as_json(run_import(vix, first))["new"] == 1
    assert [tuple(r) for r in db_rows(vix_env, "SELECT bsn, id_kind FROM youths")] == [
        (onr, "onderwijsnummer")
    ]
    before = as_json(vix("inzage", "--nummer", onr, "--json", als=region.coordinator))
    assert before["found"] is True  # logged under the onderwijsnummer's pseudonym
    later = write_list(tmp_path / "b.csv", [[*pupil(BSN_ANNA), onr]], header=header)
    result = as_json(run_import(vix, later))
    assert (result["new"], result["updated"]) == (0, 1)
    assert [tuple(r) for r in db_rows(vix_env, "SELECT bsn, id_kind FROM youths")] == [
        (BSN_ANNA, "bsn")
    ]
    # what was logged under the onderwijsnummer stays in the youth's inzage by BSN
    after = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    actions = [r["action"] for r in after["log"]]
    assert actions.count("inzage voor ouders/jeugdige gemaakt: gegevens jeugdige") == 2
    assert "nummer van de jeugdige vervangen: gegevens jeugdige" in actions
    links = db_rows(vix_env, "SELECT subject, detail FROM audit_log WHERE action = 'renumber'")
    assert onr not in str(tuple(links[0])) and BSN_ANNA not in str(tuple(links[0]))
    # asked with the old number: not found, but told to ask by BSN, with the old records
    old = as_json(vix("inzage", "--nummer", onr, "--json", als=region.coordinator))
    assert (old["found"], old["replaced_by"]) == (False, "BSN")
    assert len(old["log"]) == 2  # the first inzage and this one, both under the old number
    text = ok(vix("inzage", "--nummer", onr, als=region.coordinator)).stdout
    assert "vervangen door een BSN van de jeugdige" in text and BSN_ANNA not in text
    with sqlite3.connect(vix_env) as conn:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT 1 FROM audit_log WHERE action = 'renumber'"
            " AND json_extract(detail, '$.vorige_sleutel') = 'x'"
        ).fetchall()
    assert "audit_renumbered" in " ".join(r[3] for r in plan)


def test_pupil_without_any_number_is_rejected(vix, region, tmp_path):
    result = run_import(vix, write_list(tmp_path / "l.csv", [pupil("")]))
    assert result.exit_code == 1
    assert "geen BSN en geen onderwijsnummer" in result.stdout


def test_duplicate_pupil_number_is_rejected(vix, region, tmp_path):
    rows = [pupil(BSN_ANNA, pupil_number="7"), pupil(BSN_BRAM, pupil_number="7")]
    answer = json.loads(run_import(vix, write_list(tmp_path / "l.csv", rows)).stdout)
    assert answer["errors"][0]["column"] == "Leerlingnummer"
    assert "regel 2" in answer["errors"][0]["reason"]


def test_move_to_other_municipality_notifies(vix, region: Region, vix_env, tmp_path):
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", town="HAARLEM"))
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, town="Zandvoort")])
    result = as_json(run_import(vix, path))
    assert "notices" not in result and "youths_created" not in result
    moves = db_rows(vix_env, "SELECT * FROM youth_moves")
    assert len(moves) == 1
    outbox = db_rows(vix_env, "SELECT kind, recipient_email, body FROM outbox WHERE kind = 'move'")
    assert [(o["kind"], o["recipient_email"]) for o in outbox] == [("move", region.school)]
    assert BSN_ANNA not in outbox[0]["body"]
    # the import itself never places a signal
    assert len(db_rows(vix_env, "SELECT * FROM signals")) == 1
    # a pupil the school already listed moves back: the school's own knowledge, counted
    back = write_list(tmp_path / "b.csv", [pupil(BSN_ANNA, town="Haarlem")])
    assert as_json(run_import(vix, back))["moved"] == 1
    assert len(db_rows(vix_env, "SELECT * FROM youth_moves")) == 2


def test_a_move_notice_says_what_the_run_left_of_the_family_match(
    vix, region: Region, vix_env, tmp_path
):
    """Youth care signals Bram, who lives at Anna's address; the school signals Anna: a
    family match. The school's next list has Anna at an address in Zandvoort: she moved,
    and the family match ends in the same run. Her move notice must not say she is in a
    family match (it was queued before the run looked at the family)."""
    ok(run_import(vix, write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)])))
    bram = new_youth(BSN_BRAM, "Bram", postcode="2011 AB", number="12")
    signal(vix, region.care, *bram)
    ok(vix("signaleer", BSN_ANNA, "--ouders-geinformeerd", "20-11-2026", als=region.school))
    family = "SELECT ended_at IS NULL FROM matches WHERE kind = 'family'"
    assert [r[0] for r in db_rows(vix_env, family)] == [1]
    moved = [pupil(BSN_ANNA, postcode="2041 AA", house="7", town="Zandvoort")]
    ok(run_import(vix, write_list(tmp_path / "m.csv", moved), now="2026-11-24T09:00:00"))
    assert [r[0] for r in db_rows(vix_env, family)] == [0]
    [body] = [r[0] for r in db_rows(vix_env, "SELECT body FROM outbox WHERE kind = 'move'")]
    assert "is verhuisd naar de" in body and "Zandvoort" in body
    assert "gezinsmatch" not in body
    assert "Er is op dit moment geen match op deze jeugdige." in body


def test_a_list_that_changes_a_pupil_is_the_one_the_inzage_names(
    vix, region: Region, vix_env, tmp_path
):
    """The registration says which list last recorded it: also when the later list changed
    only the address, not the pupil number or class."""
    ok(run_import(vix, write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)]), now="2026-09-01T08:00"))
    moved = [pupil(BSN_ANNA, house="14")]
    ok(run_import(vix, write_list(tmp_path / "m.csv", moved), als=region.manager,
                  now="2026-09-02T08:30"))  # fmt: skip
    ok(run_import(vix, write_list(tmp_path / "n.csv", moved), now="2026-09-03T08:00"))  # same
    [school] = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))[
        "schools"
    ]
    assert (school["imported_at"], school["imported_by"]) == (
        "2026-09-02T08:30:00",
        "Dirk Directeur",
    )


def test_a_pupil_nobody_signals_moves_without_a_notice_to_the_municipality(
    vix, region: Region, vix_env, tmp_path
):
    """Rule 11 tells the regievoerder of a move of a youth in the index. A pupil on a
    school's list without an active signal (never signalled, or only archived) is none
    of the municipality's business (rule 16): his or her move tells nobody."""

    def listed(town: str) -> list[list[str]]:
        return [
            pupil(BSN_ANNA, town=town),
            pupil(BSN_BRAM, "Bram", town=town, pupil_number="43"),
        ]

    ok(run_import(vix, write_list(tmp_path / "a.csv", listed("Zandvoort"))))
    archived = signal(vix, region.school, BSN_BRAM)
    ok(vix("intrekken", str(archived["signal_id"]), "--reden", "weggenomen", als=region.school))
    assert as_json(run_import(vix, write_list(tmp_path / "b.csv", listed("Haarlem"))))["moved"] == 2
    assert len(db_rows(vix_env, "SELECT * FROM youth_moves")) == 2
    assert db_rows(vix_env, "SELECT recipient_email FROM outbox WHERE kind = 'move'") == []


def test_a_list_does_not_tell_the_school_who_else_knows_its_pupils(
    vix, region: Region, vix_env, tmp_path
):
    """Rule 9: whether a listed youth is known (signals, another school) is not shown."""
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", town="HAARLEM"))
    signal(vix, region.care, *new_youth(BSN_ANNA, "Anna"))
    answers = []
    for number, org in ((BSN_ANNA, "ZON"), (BSN_BRAM, "ESD")):
        (tmp_path / org).mkdir()
        path = write_list(tmp_path / org / "l.csv", [pupil(number, town="Zandvoort")])
        for dry in (["--droog"], []):
            for fmt in ([], ["--json"]):
                args = ("import", "leerlingen", str(path), "--organisatie", org, *dry, *fmt)
                found = ok(vix(*args, als=ADMIN)).stdout
                answers.append(found.replace(org, "SCHOOL"))
    known, unknown = answers[:4], answers[4:]
    assert known == unknown
    assert '"moved": 0' in known[1] and "verhuisd" not in known[0]
    # the move itself is recorded and told to the signallers (rule 11)
    assert len(db_rows(vix_env, "SELECT * FROM youth_moves")) == 1


def test_family_links_from_import_make_and_end_a_family_match(
    vix, region: Region, vix_env, tmp_path
):
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"))
    assert db_rows(vix_env, "SELECT * FROM matches") == []
    # Cas links them: same mother as Anna, same address as Bram
    linked = [
        pupil(BSN_ANNA, parent1=P_MOTHER, postcode="", house="", pupil_number="1"),
        pupil(BSN_BRAM, postcode="2011AB", house="5", pupil_number="2"),
        pupil(BSN_CAS, "Cas", parent1=P_MOTHER, postcode="2011AB", house="5", pupil_number="3"),
    ]
    ok(run_import(vix, write_list(tmp_path / "a.csv", linked)))
    assert len(db_rows(vix_env, "SELECT * FROM outbox")) == 2
    matches = db_rows(vix_env, "SELECT kind, ended_at FROM matches")
    assert [(m["kind"], m["ended_at"]) for m in matches] == [("family", None)]
    # Cas moves out and his parent is corrected: Anna and Bram are no family any more
    apart = [
        linked[0],
        linked[1],
        pupil(BSN_CAS, "Cas", parent1=P_FATHER, postcode="2012CD", house="9", pupil_number="3"),
    ]
    as_json(run_import(vix, write_list(tmp_path / "b.csv", apart), now="2026-11-24T10:00:00"))
    ended = db_rows(vix_env, "SELECT ended_at FROM matches WHERE kind = 'family'")
    assert ended[0]["ended_at"] is not None


def test_a_signaller_whose_youth_leaves_a_family_match_is_told(
    vix, region: Region, vix_env, tmp_path
):
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"))
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas"))
    family = [
        pupil(BSN_ANNA, parent1=P_MOTHER, pupil_number="1"),
        pupil(BSN_BRAM, parent1=P_MOTHER, pupil_number="2"),
        pupil(BSN_CAS, "Cas", parent1=P_MOTHER, pupil_number="3"),
    ]
    ok(run_import(vix, write_list(tmp_path / "a.csv", family)))
    assert len(db_rows(vix_env, "SELECT * FROM outbox")) == 3
    # Cas's parent is corrected and he lives elsewhere: the match goes on without him
    family[2] = pupil(BSN_CAS, "Cas", parent1=P_FATHER, postcode="2012CD", pupil_number="3")
    later = "2026-11-24T10:00:00"
    as_json(run_import(vix, write_list(tmp_path / "b.csv", family), now=later))
    [match] = db_rows(vix_env, "SELECT ended_at FROM matches WHERE kind = 'family'")
    assert match["ended_at"] is None
    told = {
        r["recipient_email"]: r
        for r in db_rows(vix_env, "SELECT * FROM outbox WHERE created_at = ?", (later,))
    }
    assert set(told) == {region.school, region.jgz, region.care}
    assert told[region.care]["kind"] == "match_verlaten"
    assert "niet meer bij dit gezin" in told[region.care]["body"]
    assert "Uw signaal blijft staan" in told[region.care]["body"]
    assert "Karin Arts" not in told[region.care]["body"]  # no colleagues of a match left
    assert told[region.school]["kind"] == "match_gewijzigd"
    assert "Niet meer betrokken: Hans Hulp" in told[region.school]["body"]
    assert BSN_CAS not in told[region.care]["body"]


def test_rows_with_too_many_columns(vix, region, tmp_path):
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)])
    path.write_bytes(path.read_bytes().replace(b"Vries", b"Vries;extra"))
    answer = json.loads(run_import(vix, path).stdout)
    assert answer["errors"][0]["column"] == "-"
    assert "14 kolommen in plaats van 13" in answer["errors"][0]["reason"]


def test_nul_byte_after_the_first_chunk(vix, region, vix_env, tmp_path, monkeypatch):
    monkeypatch.setattr("vix.csvsource.CHUNK", 256)  # stands for the first megabyte
    rows = [pupil(bsn(40_000_000 + 11 * i), pupil_number=str(i)) for i in range(10)]
    path = write_list(tmp_path / "l.csv", rows)
    path.write_bytes(path.read_bytes() + b"1\x002;x\r\n")
    answer = json.loads(run_import(vix, path).stdout)
    assert (answer["rejected"], answer["errors"][0]["line"]) == (1, 12)
    assert db_rows(vix_env, "SELECT * FROM youths") == []


def test_unreadable_csv_after_good_rows(vix, region, vix_env, tmp_path):
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)])
    path.write_bytes(path.read_bytes() + b'"' + b"x" * 200_000 + b"\r\n")
    result = run_import(vix, path)
    assert result.exit_code == 1
    assert "geen leesbare CSV" in result.stderr
    assert db_rows(vix_env, "SELECT * FROM youths") == []


def test_a_reader_that_dies_imports_nothing(vix, region, vix_env, tmp_path, monkeypatch):
    monkeypatch.setattr("vix.importer.PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr("sys.executable", "/bin/false")  # exits at once, writes no frame
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA), pupil(BSN_BRAM, pupil_number="1")])
    result = run_import(vix, path)
    assert result.exit_code == 1
    assert "stopte onverwacht; er is niets geïmporteerd" in result.stderr
    assert "Traceback" not in result.output
    assert db_rows(vix_env, "SELECT * FROM youths") == []


def test_quiet_summary_without_terminal(vix, region, tmp_path):
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, town="Overveen")])
    result = vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=ADMIN)
    assert result.exit_code == 0
    assert "nieuw: 1, bijgewerkt: 0, ongewijzigd: 0, afgewezen: 0" in result.stdout
    assert "Overveen" in result.stdout
    assert result.stderr == ""


def test_upgrade_row_and_bsn_row_in_one_list_are_one_pupil(vix, region, vix_env, tmp_path):
    onr = onderwijsnummer(456)
    header = [*HEADER, "Onderwijsnummer"]
    as_json(run_import(vix, write_list(tmp_path / "a.csv", [[*pupil(""), onr]], header=header)))
    rows = [[*pupil(BSN_ANNA), onr], [*pupil(BSN_ANNA, pupil_number="9"), ""]]
    answer = json.loads(run_import(vix, write_list(tmp_path / "b.csv", rows, header=header)).stdout)
    assert answer["rejected"] == 1
    assert "regel 2" in answer["errors"][0]["reason"]


def test_board_coordinator_imports_for_the_schools_of_the_board(vix, region: Region, tmp_path):
    ok(
        vix(
            "professional",
            "toevoegen",
            "ic@zonnebloem.nl",
            "Iris Coördinator",
            "--rol",
            "instellingscoordinator",
            "--organisatie",
            "ZON",
            als=region.admin,
        )
    )
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)])
    before = run_import(vix, path, als="ic@zonnebloem.nl", org="ESD")
    assert before.exit_code == 1 and "bestuur" in before.stderr
    ok(
        vix(
            "rapport",
            "bestuur",
            "Stichting Duin",
            "--organisatie",
            "ZON",
            "--organisatie",
            "ESD",
            als=region.admin,
        )
    )
    assert as_json(run_import(vix, path, als="ic@zonnebloem.nl", org="ESD"))["new"] == 1
    manager = run_import(vix, path, als=region.manager, org="ESD")
    assert manager.exit_code == 1, "an org manager stays with his own school"


def test_a_first_import_that_repeats_a_number_names_both_lines(
    vix, region, vix_env, tmp_path, monkeypatch
):
    # a first import builds its UNIQUE indexes after the rows (any size counts
    # here); a repeated number fails that build and the lines are named as before
    monkeypatch.setattr("vix.importer.DEFER_MIN_ROWS", 0)
    rows = [pupil(BSN_ANNA, pupil_number="1"), pupil(BSN_BRAM, pupil_number="2")]
    rows.append(pupil(BSN_ANNA, pupil_number="3"))
    path = write_list(tmp_path / "l.csv", rows)
    answer = json.loads(run_import(vix, path).stdout)
    assert (answer["rejected"], answer["written"]) == (1, False)
    assert answer["errors"][0]["line"] == 4 and "regel 2" in answer["errors"][0]["reason"]
    assert BSN_ANNA not in json.dumps(answer)
    assert db_rows(vix_env, "SELECT COUNT(*) FROM youths")[0][0] == 0
    answer = json.loads(run_import(vix, path, "--sla-fouten-over").stdout)
    assert (answer["new"], answer["rejected"]) == (2, 1)
    assert set(pupils_of(vix_env)) == {BSN_ANNA, BSN_BRAM}


def test_a_known_number_with_another_birth_date_is_refused_not_written_over(
    vix, region, vix_env, tmp_path
):
    """A mistyped BSN that passes the elfproef must not overwrite another child's data."""
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", born="03-04-2014", postcode="2011AB"))
    typo = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Mila", born="04-05-2015")])
    result = run_import(vix, typo)
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert "andere geboortedatum" in error["reason"] and BSN_ANNA not in error["reason"]
    [anna] = db_rows(vix_env, "SELECT given_name, birth_date, postcode FROM youths")
    assert tuple(anna) == ("Anna", "2014-04-03", "2011AB")
    # the same child with her own birth date becomes a pupil of the school
    right = write_list(tmp_path / "r.csv", [pupil(BSN_ANNA, "Anna", born="03-04-2014")])
    assert as_json(run_import(vix, right))["new"] == 1
    assert set(pupils_of(vix_env)) == {BSN_ANNA}


@pytest.mark.parametrize("extra", [[], ["--droog"], ["--sla-fouten-over"]])
def test_a_refusal_that_tells_the_number_is_known_is_logged_on_that_youth(
    vix, region, vix_env, tmp_path, extra
):
    # the refusal tells the list's author that the index knows the number (a youth
    # signalled elsewhere): a lookup of personal data, so it stands in her log (rule
    # 18) even when nothing of the import is kept, and her parents' inzage shows it
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", born="03-04-2014"))
    rows = [pupil(BSN_ANNA, "Mila", born="04-05-2015"), pupil(BSN_BRAM, pupil_number="7")]
    run_import(vix, write_list(tmp_path / "l.csv", rows), *extra)
    looked = db_rows(
        vix_env,
        "SELECT a.subject, a.detail, p.email FROM audit_log a JOIN professionals p"
        " ON p.id = a.actor_id WHERE a.action = 'lookup' AND a.entity = 'youth'",
    )
    assert [(json.loads(r["detail"]), r["email"]) for r in looked] == [
        ({"bron": "import", "organisatie": "ZON", "geboortedatum": "wijkt af"}, ADMIN)
    ]
    assert BSN_ANNA not in looked[0]["subject"]
    log = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))["log"]
    assert any(e["action"].startswith("opgezocht") for e in log), log


def test_a_pupils_birth_date_after_what_the_index_recorded_is_refused(
    vix, region, vix_env, tmp_path
):
    # the list moved the school's own pupil's birth date past her signal: the index would
    # hold a signal on a child not yet born, and her inzage say so
    first = write_list(tmp_path / "a.csv", [pupil(BSN_ANNA, born="03-04-2014")])
    ok(run_import(vix, first, now="2026-01-10T10:00:00"))
    informed = ["--ouders-geinformeerd", "05-01-2026"]
    ok(vix("signaleer", BSN_ANNA, *informed, als=region.school, now="2026-01-10T10:00:00"))
    later = write_list(tmp_path / "b.csv", [pupil(BSN_ANNA, born="01-06-2026")])
    result = run_import(vix, later)
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["column"] == "Geboortedatum"
    assert (
        "de verwijsindex heeft sinds de opgeslagen geboortedatum al iets over deze jeugdige "
        "vastgelegd" in (error["reason"])
    )
    assert (
        "laat de regionaal coördinator haar dan corrigeren met 'vix jeugdige corrigeer'"
        in (error["reason"])
    )
    assert "signaal" not in error["reason"]  # not what: others' signals are not the school's
    assert db_rows(vix_env, "SELECT birth_date FROM youths")[0][0] == "2014-04-03"
    looked = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'lookup'")
    assert [json.loads(r[0])["geboortedatum"] for r in looked] == ["na wat is vastgelegd"]
    # a later birth date that still comes before all of it is refused the same way: else
    # a few dry runs found the day of a signal, also another organisation's (review)
    for born in ("05-04-2014", "04-01-2026", "06-01-2026"):
        again = write_list(tmp_path / "c.csv", [pupil(BSN_ANNA, born=born)])
        refused = run_import(vix, again, "--droog")
        assert refused.exit_code == 1
        assert json.loads(refused.stdout)["errors"] == [error]
    # an earlier birth date is the school's to give
    fine = write_list(tmp_path / "d.csv", [pupil(BSN_ANNA, born="01-04-2014")])
    assert as_json(run_import(vix, fine))["updated"] == 1
    assert db_rows(vix_env, "SELECT birth_date FROM youths")[0][0] == "2014-04-01"


def test_a_later_birth_date_of_a_pupil_the_index_recorded_nothing_of_is_taken(
    vix, region, vix_env, tmp_path
):
    first = write_list(tmp_path / "a.csv", [pupil(BSN_ANNA, born="03-04-2014")])
    ok(run_import(vix, first))
    later = write_list(tmp_path / "b.csv", [pupil(BSN_ANNA, born="05-04-2014")])
    assert as_json(run_import(vix, later))["updated"] == 1
    assert db_rows(vix_env, "SELECT birth_date FROM youths")[0][0] == "2014-04-05"


def test_a_pupils_corrected_birth_date_moves_the_end_of_her_signals(vix, region, vix_env, tmp_path):
    # rule 15: a signal ends at the 23rd birthday at the latest. The list made the pupil
    # older (22 now, 23 on 01-01-2027), and her signals kept their old end dates in 2028
    first = write_list(tmp_path / "a.csv", [pupil(BSN_ANNA, born="03-04-2008")])
    ok(run_import(vix, first, now="2026-01-10T10:00:00"))
    then = "2026-01-10T10:00:00"
    ok(vix("signaleer", BSN_ANNA, "--ouders-geinformeerd", als=region.school, now=then))
    anna = new_youth(BSN_ANNA, "Anna", born="03-04-2008")
    ok(vix("signaleer", *anna, "--ouders-geinformeerd", als=region.jgz, now=then))
    ok(vix("intrekken", "2", "--reden", "weggenomen", als=region.jgz, now="2026-02-01T10:00:00"))
    ends = "SELECT planned_removal, archive_until FROM signals ORDER BY id"
    assert [tuple(r) for r in db_rows(vix_env, ends)] == [
        ("2028-01-10", None),
        ("2028-01-10", "2031-02-01"),
    ]
    older = write_list(tmp_path / "b.csv", [pupil(BSN_ANNA, born="01-01-2004")])
    assert as_json(run_import(vix, older))["updated"] == 1
    assert [tuple(r) for r in db_rows(vix_env, ends)] == [
        ("2027-01-01", None),
        ("2028-01-10", "2027-01-01"),
    ]
    # and on her 23rd birthday the nightly run deletes both (rule 15: at 23, not archived)
    ok(vix("onderhoud", als=region.coordinator, now="2027-01-01T03:00:00"))
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 0


def test_import_keeps_its_temporary_storage_on_disk(
    vix, region: Region, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The savepoint of an import holds the first image of every page it changes (63 MB
    for 50,000 pupils into a national database): SQLite keeps it in a file, because the
    command's transaction began with the temporary storage there."""
    from vix import cli_import

    seen: list[int] = []
    real = cli_import.import_pupils

    def recording(store, *args, **kwargs):
        seen.append(store.scalar("PRAGMA temp_store"))
        return real(store, *args, **kwargs)

    monkeypatch.setattr(cli_import, "import_pupils", recording)
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)])
    ok(run_import(vix, path))
    assert seen == [1]  # FILE (2 is MEMORY)
