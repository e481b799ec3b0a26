"""A pupil list's row for a youth the index knows from another organisation.

An auditor found that a school's first import of a youth that another
organisation registered (here: JGZ signalled Daan Bakker, with his mother and his
address) took the list's row over whole: a clearly different name passed
unchecked, and name, address and parents were replaced without a word, so that
Daan's family links, and with them the family matches of JGZ's signal, followed
another child's data (rule 7). Now such a row must fit the youth (birth date, and
a name by the test of `vix signaleer`, `youths.names_fit`), or it is refused as a
wrong birth date is; a fitting first row completes the registration and writes
nothing over it, and the school's own later changes are taken
(`importer._Run._first_listing`, `_listed_again`). Real CLI, real CSV files.
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
    ok,
    signal,
)
from import_helpers import pupil, write_list

BORN = "05-06-2013"
EVA = "111222394"  # a child of another family, signalled by youth care


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
            "SELECT p.pupil_number, p.class_name, p.not_taken IS NOT NULL FROM pupils p"
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
    a spelling the one takes, the other takes. An accepted row registers the pupil,
    but Daan keeps the name JGZ registered."""
    jgz_signals_daan(vix, region)
    before = stored_daan(vix_env)
    result = run_import(vix, write_list(tmp_path / "l.csv", [daan(given, surname)]))
    asked = new_youth(BSN_DAAN, given, surname, born=BORN)
    by_care = vix("signaleer", *asked, *INFORMED, als=region.care)
    assert (result.exit_code == 0) is fits
    assert (by_care.exit_code == 0) is fits
    after = stored_daan(vix_env)
    assert (after["given_name"], after["surname"]) == ("Daan", "Bakker")
    assert zon_registration(vix_env) == ([("D1", "5", True)] if fits else [])
    if not fits:
        assert after == before


def test_a_first_row_does_not_move_the_family_links_of_another_organisation_s_youth(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Rule 7: JGZ registered Daan with his mother; youth care signals Eva, daughter of
    another father. The school lists Daan (fitting name) with Eva's father as his parent.
    Taking that over would join JGZ's and youth care's signals in a family match that
    nobody checked; the row is not taken, and no professional is told of anything."""
    jgz_signals_daan(vix, region)
    signal(vix, region.care, *new_youth(EVA, "Eva", "Smit", parents=(P_FATHER,)))
    before = stored_daan(vix_env)
    outbox = db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0]
    answer = as_json(run_import(vix, write_list(tmp_path / "l.csv", [daan()])))
    assert (answer["new"], answer["rejected"]) == (1, 0)
    assert stored_daan(vix_env)["parents"] == before["parents"]
    assert db_rows(vix_env, "SELECT COUNT(*) FROM matches")[0][0] == 0
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == outbox


def test_a_first_row_completes_and_the_school_s_later_changes_are_taken(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The first row fills what JGZ left empty (sex) and keeps what JGZ registered
    otherwise (address, parent); the same list again changes nothing; the school's
    changed list, its own pupil's news, is taken field by field."""
    jgz_signals_daan(vix, region)
    before = stored_daan(vix_env)
    first = write_list(tmp_path / "a.csv", [daan(sex="M", group="5")])
    answer = as_json(run_import(vix, first, now="2026-11-24T09:00:00"))
    assert (answer["new"], answer["updated"], answer["unchanged"]) == (1, 0, 0)
    after = stored_daan(vix_env)
    assert after["sex"] == "M"  # filled
    kept = ("postcode", "house_number", "address_key", "parents", "given_name", "surname")
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    assert zon_registration(vix_env) == [("D1", "5", True)]
    [update] = db_rows(
        vix_env, "SELECT detail FROM audit_log WHERE action = 'update' AND entity = 'youth'"
    )
    assert json.loads(update[0]) == {
        "bron": "import",
        "organisatie": "ZON",
        "niet_overgenomen": ["adres", "ouders"],
    }
    inzage = ok(vix("inzage", "--bsn", BSN_DAAN, als=region.coordinator)).stdout
    assert "niet overgenomen uit deze lijst" in inzage and "adres, ouders/verzorgers" in inzage
    assert "9999" not in inzage

    # the same list again: nothing changes, nothing is logged
    audit = db_rows(vix_env, "SELECT COUNT(*) FROM audit_log WHERE entity = 'youth'")[0][0]
    again = as_json(run_import(vix, first, now="2026-11-25T09:00:00"))
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert stored_daan(vix_env) == after
    youth_records = "SELECT COUNT(*) FROM audit_log WHERE entity = 'youth'"
    assert db_rows(vix_env, youth_records)[0][0] == audit

    # the school changes the address (Daan moved within Haarlem) and the class: taken;
    # the parent it still lists as before stays as JGZ registered it
    moved = write_list(tmp_path / "b.csv", [daan(sex="M", group="6", postcode="2012CD", house="9")])
    changed = as_json(run_import(vix, moved, now="2026-11-26T09:00:00"))
    assert (changed["updated"], changed["unchanged"]) == (1, 0)
    now = stored_daan(vix_env)
    assert (now["postcode"], now["house_number"]) == ("2012CD", "9")
    assert now["parents"] == before["parents"]
    assert zon_registration(vix_env) == [("D1", "6", True)]
    # then the parents: the school's news too, and then all is taken
    both = daan(sex="M", group="6", postcode="2012CD", house="9", parent2=P_MOTHER)
    as_json(run_import(vix, write_list(tmp_path / "c.csv", [both]), now="2026-11-27T09:00:00"))
    assert len(stored_daan(vix_env)["parents"]) == 2
    assert zon_registration(vix_env) == [("D1", "6", False)]
    ok(run_import(vix, write_list(tmp_path / "c.csv", [both]), now="2026-11-28T09:00:00"))
    inzage = ok(vix("inzage", "--bsn", BSN_DAAN, als=region.coordinator)).stdout
    assert "niet overgenomen" not in inzage


def test_a_re_import_still_updates_the_school_s_own_pupils(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Issue #4: a changed list updates name, address, parents and class of the school's
    pupils: of a pupil the list registered, of one the school's own signaller registered
    before the list (its own registration: taken whole), and of one whose first row was
    not all taken once the school changes what it said."""
    jgz_signals_daan(vix, region)
    signal(vix, region.school, *new_youth(EVA, "Eva", "Smit", postcode="2011AB", number="3"))
    rows = [
        pupil(BSN_BRAM, "Bram", pupil_number="B1", parent1=P_MOTHER),
        pupil(EVA, "Eva", "Smit", pupil_number="E1", postcode="2013EF", house="4"),
        daan(),
    ]
    ok(run_import(vix, write_list(tmp_path / "a.csv", rows), now="2026-11-24T09:00:00"))
    eva = db_rows(vix_env, "SELECT postcode, house_number FROM youths WHERE bsn = ?", (EVA,))
    assert tuple(eva[0]) == ("2013EF", "4")  # the school's own registration: taken
    assert stored_daan(vix_env)["postcode"] == "2011AB"  # JGZ's: kept
    changed = [
        pupil(BSN_BRAM, "Bram", "Vries-Smit", pupil_number="B1", group="6", parent1=P_FATHER),
        pupil(EVA, "Eva", "Smit", pupil_number="E1", postcode="2014GH", house="5"),
        daan(postcode="2015JK", house="6", parent1=P_MOTHER, group="7"),
    ]
    answer = as_json(run_import(vix, write_list(tmp_path / "b.csv", changed)))
    assert (answer["updated"], answer["unchanged"], answer["rejected"]) == (3, 0, 0)
    bram = db_rows(
        vix_env,
        "SELECT y.surname, p.class_name, (SELECT COUNT(*) FROM youth_parents WHERE youth_id"
        " = y.id) FROM youths y JOIN pupils p ON p.youth_id = y.id WHERE y.bsn = ?",
        (BSN_BRAM,),
    )
    assert tuple(bram[0]) == ("Vries-Smit", "6", 1)
    eva = db_rows(vix_env, "SELECT postcode, house_number FROM youths WHERE bsn = ?", (EVA,))
    assert tuple(eva[0]) == ("2014GH", "5")
    daan_now = stored_daan(vix_env)
    assert (daan_now["postcode"], daan_now["house_number"]) == ("2015JK", "6")
    assert len(daan_now["parents"]) == 1  # now the school's mother, as JGZ had too
    assert zon_registration(vix_env) == [("D1", "7", False)]


def test_another_municipality_on_a_first_row_is_a_move_as_ever(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Rule 11: a first row in another municipality is recorded as a move, with the
    list's address, and JGZ and the new municipality are told; not silently."""
    jgz_signals_daan(vix, region)
    parents = stored_daan(vix_env)["parents"]
    row = daan(town="Zandvoort", postcode="2041AA", house="7")
    ok(run_import(vix, write_list(tmp_path / "l.csv", [row])))
    after = stored_daan(vix_env)
    assert (after["postcode"], after["house_number"]) == ("2041AA", "7")
    assert len(db_rows(vix_env, "SELECT * FROM youth_moves")) == 1
    told = db_rows(vix_env, "SELECT recipient_email FROM outbox WHERE kind = 'move'")
    assert [r[0] for r in told] == [region.jgz]
    # the parent it gave otherwise is still not taken, and the registration says so
    assert stored_daan(vix_env)["parents"] == parents
    assert zon_registration(vix_env) == [("D1", "5", True)]


def test_a_first_row_does_not_fill_back_what_a_correction_emptied(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The parents asked the coordinator to remove Daan's address and parents (rule 17):
    empty on purpose, which a school's first row must not undo, as `vix signaleer`
    does not (`youths.emptied_on_purpose`)."""
    jgz_signals_daan(vix, region)
    erase = ("jeugdige", "corrigeer", BSN_DAAN, "--geen-adres", "--geen-ouders")
    ok(vix(*erase, als=region.coordinator))
    before = stored_daan(vix_env)
    assert (before["postcode"], before["parents"]) == (None, [])
    ok(run_import(vix, write_list(tmp_path / "l.csv", [daan(sex="M")])))
    after = stored_daan(vix_env)
    assert (after["postcode"], after["house_number"], after["parents"]) == (None, None, [])
    assert after["sex"] == "M"  # nobody emptied that: filled
    assert zon_registration(vix_env) == [("D1", "5", True)]
