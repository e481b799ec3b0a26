"""A pupil list's row for a youth the index knows from another organisation.

An auditor found that a school's first import of a youth that another
organisation registered (here: JGZ signalled Daan Bakker, with his mother and his
address) took the list's row over whole: a clearly different name passed
unchecked, and name, address and parents were replaced without a word, so that
Daan's family links, and with them the family matches of JGZ's signal, followed
another child's data (rule 7). Now such a row must fit the youth (birth date, and
a name by the test of `vix signaleer`, `youths.names_fit`), or it is refused as a
wrong birth date is. Real CLI, real CSV files.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ADMIN,
    BSN_BRAM,
    BSN_DAAN,
    INFORMED,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    signal,
)
from import_helpers import pupil, write_list

BORN = "05-06-2013"


@pytest.fixture(autouse=True, params=["inline", "reader"])
def checked_where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with the rows checked here, and in the reader process (which also
    screens which rows may be known youths, `vix.screening`)."""
    monkeypatch.setattr("vix.importer.PARALLEL_MIN_ROWS", 0 if request.param == "reader" else 10**9)
    return str(request.param)


def jgz_signals_daan(vix: Runner, region: Region) -> None:
    """JGZ registers Daan Bakker with his mother and an address in Haarlem."""
    daan = new_youth(
        BSN_DAAN, "Daan", "Bakker", born=BORN, parents=(P_MOTHER,), postcode="2011AB", number="12"
    )
    signal(vix, region.jgz, *daan)


def daan(given: str = "Daan", surname: str = "Bakker", **fields: str) -> list[str]:
    """ZON's row for Daan's number; by default an address and a parent JGZ did not give."""
    values = {"born": BORN, "sex": "", "postcode": "9999ZZ", "house": "1", "parent1": P_FATHER}
    values.update(fields)
    return pupil(BSN_DAAN, given, surname, pupil_number="D1", **values)


def run_import(vix: Runner, path: Path, *extra: str, now: str | None = None) -> Any:
    return vix(
        "import", "leerlingen", str(path), "--organisatie", "ZON", "--json", *extra,
        als=ADMIN, now=now,
    )  # fmt: skip


def stored_daan(db: Path) -> dict[str, Any]:
    """Everything the index holds of Daan that a list could change."""
    [row] = db_rows(
        db,
        "SELECT given_name, infix, surname, birth_date, sex, postcode, house_number,"
        " address_key, municipality_id, updated_at FROM youths WHERE bsn = ?",
        (BSN_DAAN,),
    )
    parents = db_rows(
        db,
        "SELECT parent_key FROM youth_parents WHERE youth_id ="
        " (SELECT id FROM youths WHERE bsn = ?) ORDER BY parent_key",
        (BSN_DAAN,),
    )
    return {**dict(row), "parents": [r[0] for r in parents]}


def zon_registration(db: Path) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in db_rows(
            db,
            "SELECT p.pupil_number, p.class_name FROM pupils p"
            " JOIN youths y ON y.id = p.youth_id WHERE y.bsn = ?",
            (BSN_DAAN,),
        )
    ]


def lookups(db: Path) -> list[dict[str, Any]]:
    return [
        json.loads(r[0])
        for r in db_rows(db, "SELECT detail FROM audit_log WHERE action = 'lookup' ORDER BY id")
    ]


@pytest.mark.parametrize("extra", [[], ["--droog"]])
def test_a_clearly_other_name_refuses_the_list_and_names_the_line(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path, extra: list[str]
) -> None:
    """The auditor's row: Daan's number and birth date, another child's name, address and
    parent. All or nothing: the whole list is refused, with the line, and nothing changes."""
    jgz_signals_daan(vix, region)
    before = stored_daan(vix_env)
    outbox = db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0]
    rows = [pupil(BSN_BRAM, "Bram", pupil_number="B1"), daan("Zed", "Qqq")]
    result = run_import(vix, write_list(tmp_path / "l.csv", rows), *extra)
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert (answer["rejected"], answer["written"]) == (1, False)
    [error] = answer["errors"]
    assert (error["line"], error["column"]) == (3, "BSN")
    assert "andere naam" in error["reason"]
    assert BSN_DAAN not in result.output and "Bakker" not in result.output
    # nothing of the list is kept, and Daan is as JGZ registered him
    assert stored_daan(vix_env) == before
    assert zon_registration(vix_env) == []
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 0
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == outbox
    # the refusal told that the number is known: a lookup on Daan, with what differed
    assert lookups(vix_env) == [{"bron": "import", "organisatie": "ZON", "naam": "wijkt af"}]


def test_with_skip_errors_the_row_goes_to_the_error_file_and_the_rest_is_imported(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    jgz_signals_daan(vix, region)
    before = stored_daan(vix_env)
    rows = [pupil(BSN_BRAM, "Bram", pupil_number="B1"), daan("Zed", "Qqq")]
    path = write_list(tmp_path / "l.csv", rows)
    answer = as_json(run_import(vix, path, "--sla-fouten-over"))
    assert (answer["new"], answer["rejected"], answer["written"]) == (1, 1, True)
    assert stored_daan(vix_env) == before
    assert zon_registration(vix_env) == []
    errors = tmp_path / "l-fouten.csv"
    with errors.open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle, delimiter=";"))
    assert header[:3] == ["fout_regel", "fout_reden", "BSN"]
    assert row[0] == "3" and "andere naam" in row[1] and row[2] == BSN_DAAN
    assert row[3:4] == ["Zed"]


def test_the_refusal_tells_no_more_than_the_one_for_a_birth_date(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """One reason for another name, another birth date and both: a refusal for the name
    must not confirm that the birth date was right (nor the other way round)."""
    jgz_signals_daan(vix, region)
    reasons = set()
    for given, surname, born in [
        ("Zed", "Qqq", BORN),
        ("Daan", "Bakker", "06-06-2013"),
        ("Zed", "Qqq", "06-06-2013"),
    ]:
        path = write_list(tmp_path / "l.csv", [daan(given, surname, born=born)])
        result = run_import(vix, path)
        assert result.exit_code == 1
        [error] = json.loads(result.stdout)["errors"]
        reasons.add((error["column"], error["reason"]))
    assert len(reasons) == 1
    assert [sorted(d) for d in lookups(vix_env)] == [
        ["bron", "naam", "organisatie"],
        ["bron", "geboortedatum", "organisatie"],
        ["bron", "geboortedatum", "naam", "organisatie"],
    ]


@pytest.mark.parametrize(
    ("given", "surname", "fits"),
    [
        ("daan", "BAKKER", True),  # case
        ("Daan", "Bakkers", True),  # one typo
        ("Dani", "Bakker", True),  # another given name, the surname fits
        ("Daan", "Jansen-Bakker", True),  # a double name ending in the stored one
        ("Daan", "de Bakker", True),  # an infix in the surname cell
        ("Zed", "Bakkerman", False),  # both differ
        ("Dina", "Qqq", False),
    ],
)
def test_the_list_accepts_exactly_the_names_signaleer_accepts(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path, given: str, surname: str, fits: bool
) -> None:
    """The import and `vix signaleer` ask the same question of a name (`names_fit`):
    a spelling the one takes, the other takes. An accepted row registers the pupil."""
    jgz_signals_daan(vix, region)
    before = stored_daan(vix_env)
    result = run_import(vix, write_list(tmp_path / "l.csv", [daan(given, surname)]))
    assert (result.exit_code == 0) is fits
    assert zon_registration(vix_env) == ([("D1", "5")] if fits else [])
    if not fits:
        assert stored_daan(vix_env) == before
    asked = new_youth(BSN_DAAN, given, surname, born=BORN)
    by_care = vix("signaleer", *asked, *INFORMED, als=region.care)
    assert (by_care.exit_code == 0) is fits
