"""A school's list applies what it says new about a pupil, not what it says again.

Schools export their whole list every night. The import compared each row with the
youth as stored and wrote every difference, so an unchanged list undid what another
route changed since: a move recorded with `vix jeugdige verhuis` (and told the move
again), a correction with `vix jeugdige corrigeer`, and the address of another school
that lists the same youth (the two lists flipped the youth back and forth, each time a
move). Now a pupil row remembers a keyed digest of what its school's list said per
group (person, address, parents; migration 0026) and a row applies a group only when
that digest changed. Real CLI, real CSV files, real SQLite.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN, P_FATHER, P_MOTHER, Region, Runner, as_json, db_rows, ok, signal
from import_helpers import onderwijsnummer, pupil, write_list

PIET = "111222333"
BORN = "05-06-2013"
HAARLEM_HOME = {"postcode": "2011 AB", "house": "12", "town": "Haarlem"}
ZANDVOORT_HOME = {"postcode": "2042 AB", "house": "7", "town": "Zandvoort"}
JGZ_PIET = (PIET, "--voornaam", "Piet", "--achternaam", "Klaas", "--geboortedatum", BORN)


@pytest.fixture(autouse=True, params=["inline", "reader"])
def checked_where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with the rows checked here, and in the reader process (which
    computes the digests there)."""
    monkeypatch.setattr("vix.importer.PARALLEL_MIN_ROWS", 0 if request.param == "reader" else 10**9)
    return str(request.param)


def piet(number: str = PIET, given: str = "Piet", **fields: str) -> list[str]:
    """The school's row of Piet Klaas: by default at home in Haarlem with his mother."""
    values = {"born": BORN, "sex": "M", "parent1": P_MOTHER, **HAARLEM_HOME}
    values.update(fields)
    return pupil(number, given, "Klaas", pupil_number="P1", **values)


def import_list(
    vix: Runner, tmp_path: Path, row: list[str], *extra: str, org: str = "ZON"
) -> dict[str, Any]:
    path = write_list(tmp_path / f"{org}-{len(list(tmp_path.iterdir()))}.csv", [row])
    found: dict[str, Any] = as_json(
        vix("import", "leerlingen", str(path), "--organisatie", org, "--json", *extra, als=ADMIN)
    )
    return found


def counts(result: dict[str, Any]) -> tuple[int, int, int]:
    return result["new"], result["updated"], result["unchanged"]


def stored(db: Path) -> dict[str, Any]:
    """What the index holds of Piet that a list could change."""
    [row] = db_rows(
        db,
        "SELECT y.given_name, y.surname, y.birth_date, y.sex, y.postcode, y.house_number,"
        " m.code AS municipality, y.updated_at FROM youths y"
        " LEFT JOIN municipalities m ON m.id = y.municipality_id WHERE y.bsn = ?",
        (PIET,),
    )
    parents = db_rows(
        db,
        "SELECT parent_key FROM youth_parents WHERE youth_id ="
        " (SELECT id FROM youths WHERE bsn = ?) ORDER BY parent_key",
        (PIET,),
    )
    return {**dict(row), "parents": [r[0] for r in parents]}


def moves(db: Path) -> tuple[int, int]:
    """(moves recorded, move notices queued)."""
    recorded = db_rows(db, "SELECT COUNT(*) FROM youth_moves")[0][0]
    told = db_rows(db, "SELECT COUNT(*) FROM outbox WHERE kind = 'move'")[0][0]
    return int(recorded), int(told)


def youth_updates(db: Path) -> int:
    return int(
        db_rows(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND entity = 'youth'")[
            0
        ][0]
    )


def digests(db: Path, org: str = "ZON") -> tuple[Any, ...]:
    [row] = db_rows(
        db,
        "SELECT p.person_digest, p.address_digest, p.parents_digest FROM pupils p"
        " JOIN organisations o ON o.id = p.organisation_id WHERE o.code = ?",
        (org,),
    )
    return tuple(row)


def zon_lists_piet_and_jgz_signals(vix: Runner, region: Region, tmp_path: Path) -> None:
    """ZON's list registers Piet; JGZ signals him (so a move of his is told)."""
    assert counts(import_list(vix, tmp_path, piet())) == (1, 0, 0)
    signal(vix, region.jgz, *JGZ_PIET, "--gemeente", "HAARLEM")


def verhuis(vix: Runner, region: Region, *address: str) -> None:
    move = ("jeugdige", "verhuis", PIET, "--gemeente", "ZANDVOORT")
    ok(vix(*move, *address, als=region.coordinator))


def test_an_unchanged_list_leaves_a_recorded_move_and_tells_nobody_again(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The coordinator recorded Piet's move to Zandvoort before the school's system knew
    it; the school's next list, unchanged, moved him back and told the move again."""
    zon_lists_piet_and_jgz_signals(vix, region, tmp_path)
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    moved = stored(vix_env)
    assert moves(vix_env) == (1, 1)
    updates = youth_updates(vix_env)
    again = import_list(vix, tmp_path, piet())
    assert counts(again) == (0, 0, 1) and again["moved"] == 0
    assert stored(vix_env) == moved  # still in Zandvoort, updated_at as the move left it
    assert (moved["municipality"], moved["postcode"]) == ("ZANDVOORT", "2042AB")
    assert moves(vix_env) == (1, 1)  # no move back, no second notice
    assert youth_updates(vix_env) == updates


def test_a_changed_address_in_the_list_after_a_move_is_applied(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """What the school changes in its list is new and is applied, as ever: a move back to
    Haarlem (another address) is recorded and told."""
    zon_lists_piet_and_jgz_signals(vix, region, tmp_path)
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    before = digests(vix_env)
    changed = import_list(vix, tmp_path, piet(postcode="2013 XY", house="5"))
    # moved within Haarlem by the school's list, whatever the index had since
    assert counts(changed) == (0, 1, 0) and changed["moved"] == 0
    now = stored(vix_env)
    assert (now["municipality"], now["postcode"], now["house_number"]) == ("HAARLEM", "2013XY", "5")
    recorded, told = moves(vix_env)
    assert recorded == 2 and told > 1  # JGZ, and the regievoerder of Haarlem
    after = digests(vix_env)
    assert after[0] == before[0] and after[2] == before[2] and after[1] != before[1]
    # and the same changed list again changes nothing
    assert counts(import_list(vix, tmp_path, piet(postcode="2013 XY", house="5"))) == (0, 0, 1)
    assert moves(vix_env) == (recorded, told)


def test_an_unchanged_list_leaves_a_correction(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The parents had the birth date and the name corrected (rule 17); the school's next
    list, with the old ones, reverted the correction."""
    assert counts(import_list(vix, tmp_path, piet())) == (1, 0, 0)
    correct = ("jeugdige", "corrigeer", PIET, "--geboortedatum", "04-06-2013")
    ok(vix(*correct, "--achternaam", "Klaassen", "--ouder", P_FATHER, als=region.coordinator))
    corrected = stored(vix_env)
    assert (corrected["birth_date"], corrected["surname"]) == ("2013-06-04", "Klaassen")
    assert counts(import_list(vix, tmp_path, piet())) == (0, 0, 1)
    assert stored(vix_env) == corrected  # birth date, name and parents stay corrected
    # a name the school changes is new: that group is applied (with its birth date)
    assert counts(import_list(vix, tmp_path, piet(given="Pieter"))) == (0, 1, 0)
    now = stored(vix_env)
    assert (now["given_name"], now["surname"], now["birth_date"]) == (
        "Pieter",
        "Klaas",
        "2013-06-05",
    )
    assert now["parents"] == corrected["parents"]  # the parents the list gave again stay


def test_two_schools_with_two_addresses_stop_moving_the_youth_back_and_forth(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Piet is a pupil of ZON (Haarlem) and ESD (Zandvoort), whose lists disagree on his
    address. Each import of either list was a move, told to JGZ every night."""
    signal(vix, region.jgz, *JGZ_PIET, "--gemeente", "HAARLEM")
    zon, esd = piet(), piet(**ZANDVOORT_HOME)
    assert counts(import_list(vix, tmp_path, zon)) == (1, 0, 0)
    assert counts(import_list(vix, tmp_path, esd, org="ESD")) == (1, 0, 0)  # moves him
    assert stored(vix_env)["municipality"] == "ZANDVOORT"
    assert moves(vix_env) == (1, 1)
    settled = stored(vix_env)
    for _ in range(2):
        assert counts(import_list(vix, tmp_path, zon)) == (0, 0, 1)
        assert counts(import_list(vix, tmp_path, esd, org="ESD")) == (0, 0, 1)
    assert stored(vix_env) == settled
    assert moves(vix_env) == (1, 1)


def test_a_registration_from_before_0026_compares_once_and_then_remembers(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A pupil row an older vix wrote remembers nothing (NULL): the school's next list
    compares with what is stored, as before, once (it moves Piet back), and remembers."""
    zon_lists_piet_and_jgz_signals(vix, region, tmp_path)
    remembered = digests(vix_env)
    assert None not in remembered
    with sqlite3.connect(vix_env) as conn:  # as migrations 0026 and 0028 leave one
        conn.execute("UPDATE pupils SET person_digest = NULL, address_digest = NULL,"
                     " parents_digest = NULL, listed_municipality = NULL")  # fmt: skip
    conn.close()
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    once = import_list(vix, tmp_path, piet())
    assert counts(once) == (0, 1, 0) and once["moved"] == 1  # as before 0026
    assert stored(vix_env)["municipality"] == "HAARLEM"
    assert digests(vix_env) == remembered  # the same list gives the same digests
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    assert counts(import_list(vix, tmp_path, piet())) == (0, 0, 1)
    assert stored(vix_env)["municipality"] == "ZANDVOORT"


def test_null_digests_and_an_unchanged_youth_are_remembered_as_unchanged(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The first list after the upgrade that says what is stored counts the pupil as
    unchanged and writes nothing but the digests (no update, no audit record)."""
    assert counts(import_list(vix, tmp_path, piet())) == (1, 0, 0)
    remembered = digests(vix_env)
    assert None not in remembered
    with sqlite3.connect(vix_env) as conn:
        conn.execute("UPDATE pupils SET person_digest = NULL, address_digest = NULL,"
                     " parents_digest = NULL")  # fmt: skip
    conn.close()
    before, updates = stored(vix_env), youth_updates(vix_env)
    assert counts(import_list(vix, tmp_path, piet())) == (0, 0, 1)
    assert digests(vix_env) == remembered
    assert stored(vix_env) == before and youth_updates(vix_env) == updates


def test_a_merged_registration_keeps_its_own_address_against_the_unchanged_list(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """ZON listed Piet by his onderwijsnummer; JGZ signalled him by BSN, living in
    Zandvoort. The coordinator merges the two: ZON's registration, with what ZON's list
    said, moves to the BSN registration, which keeps its address. ZON's next list (now
    with his BSN, otherwise the same) says nothing new and writes nothing over it."""
    onr = onderwijsnummer(4242)
    assert counts(import_list(vix, tmp_path, piet(onr))) == (1, 0, 0)
    remembered = digests(vix_env)
    jgz_home = ("--gemeente", "ZANDVOORT", "--postcode", "2042AB", "--huisnummer", "7")
    signal(vix, region.jgz, *JGZ_PIET, *jgz_home)
    ok(vix("jeugdige", "samenvoegen", onr, PIET, als=region.coordinator))
    assert digests(vix_env) == remembered  # the digests travelled with the registration
    merged = stored(vix_env)
    assert (merged["municipality"], merged["postcode"]) == ("ZANDVOORT", "2042AB")
    assert counts(import_list(vix, tmp_path, piet())) == (0, 0, 1)
    assert stored(vix_env) == merged
    assert moves(vix_env) == (0, 0)


def test_a_dry_run_counts_what_the_list_would_apply_and_writes_nothing(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    zon_lists_piet_and_jgz_signals(vix, region, tmp_path)
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    moved, before = stored(vix_env), digests(vix_env)
    dry = import_list(vix, tmp_path, piet(), "--droog")
    assert counts(dry) == (0, 0, 1) and dry["moved"] == 0
    dry = import_list(vix, tmp_path, piet(postcode="2013 XY", house="5"), "--droog")
    assert counts(dry) == (0, 1, 0) and dry["moved"] == 0  # within Haarlem, by the list
    dry = import_list(vix, tmp_path, piet(**ZANDVOORT_HOME), "--droog")
    assert counts(dry) == (0, 1, 0) and dry["moved"] == 1  # by the list, to Zandvoort
    assert stored(vix_env) == moved and digests(vix_env) == before
    assert moves(vix_env) == (1, 1)


def test_a_list_without_address_columns_leaves_the_remembered_address(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A file that cannot say anything about a group neither compares nor records it: the
    full list after it still says nothing new about the address."""
    zon_lists_piet_and_jgz_signals(vix, region, tmp_path)
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    remembered = digests(vix_env)
    header = ["BSN", "Roepnaam", "Achternaam", "Geboortedatum", "Geslacht", "Leerlingnummer"]
    path = write_list(tmp_path / "kort.csv", [[PIET, "Piet", "Klaas", BORN, "M", "P1"]],
                      header=header)  # fmt: skip
    short = as_json(vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--json",
                        als=ADMIN))  # fmt: skip
    # the person group: another set of columns (no infix) is something new, stored
    # already; counted as updated all the same, as the count may not tell what is stored
    assert counts(short) == (0, 1, 0)
    assert digests(vix_env)[1:] == remembered[1:]
    # the full list: its person columns are new again (counted), its address is not
    assert counts(import_list(vix, tmp_path, piet())) == (0, 1, 0)
    assert stored(vix_env)["municipality"] == "ZANDVOORT"
    assert counts(import_list(vix, tmp_path, piet())) == (0, 0, 1)


def test_a_first_import_in_bulk_remembers_what_a_row_by_row_import_compares_with(
    vix: Runner,
    region: Region,
    vix_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A big first import stores every row without a look-up, and digests them partly in
    the reader process and partly in the importing one (every other batch); the next
    import looks every row up and digests it in the importing process. The two agree:
    the same list again remembers nothing new and changes nothing, also after a move."""
    monkeypatch.setattr("vix.importer.DEFER_MIN_ROWS", 0)  # a first import of any size
    monkeypatch.setattr("vix.importer.BATCH", 2)  # batches digested by either process
    others = [
        pupil(number, "Kind", f"Nummer{i}", pupil_number=f"K{i}", parent1=P_FATHER)
        for i, number in enumerate(("111222357", "111222370", "111222382", "123456782"))
    ]
    path = write_list(tmp_path / "groot.csv", [*others, piet()])
    run = ("import", "leerlingen", str(path), "--organisatie", "ZON", "--json")
    assert counts(as_json(vix(*run, als=ADMIN))) == (5, 0, 0)
    remembered = db_rows(vix_env, "SELECT * FROM pupils ORDER BY youth_id")
    assert all(None not in tuple(r)[-3:] for r in remembered)
    signal(vix, region.jgz, *JGZ_PIET, "--gemeente", "HAARLEM")
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    assert counts(as_json(vix(*run, als=ADMIN))) == (0, 0, 5)
    assert db_rows(vix_env, "SELECT * FROM pupils ORDER BY youth_id") == remembered
    assert stored(vix_env)["municipality"] == "ZANDVOORT"


BLOEMENDAAL_HOME = {"postcode": "2061 AB", "house": "3", "town": "Bloemendaal"}


def add_bloemendaal(vix: Runner) -> None:
    """The administrator adds the municipality the import summary named as unknown."""
    ok(vix("gemeente", "toevoegen", "BLOEMENDAAL", "Bloemendaal", als=ADMIN))


def test_a_municipality_added_later_does_not_undo_a_move_recorded_since(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The list names a woonplaats vix does not know (Piet keeps Haarlem from the
    signal); the coordinator records his move to Zandvoort; the administrator then adds
    Bloemendaal, as the summary asks. The same list said nothing new: it moved Piet back
    to the list's address, with move notices, when the digest held the municipality."""
    signal(vix, region.jgz, *JGZ_PIET, "--gemeente", "HAARLEM")
    first = import_list(vix, tmp_path, piet(**BLOEMENDAAL_HOME))
    assert first["unknown_towns"] == ["Bloemendaal"]
    assert stored(vix_env)["municipality"] == "HAARLEM"
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    moved = stored(vix_env)
    assert counts(import_list(vix, tmp_path, piet(**BLOEMENDAAL_HOME))) == (0, 0, 1)
    add_bloemendaal(vix)
    told = moves(vix_env)
    again = import_list(vix, tmp_path, piet(**BLOEMENDAAL_HOME))
    assert counts(again) == (0, 0, 1) and again["moved"] == 0
    assert stored(vix_env) == moved
    assert (moved["municipality"], moved["postcode"]) == ("ZANDVOORT", "2042AB")
    assert moves(vix_env) == told


def test_a_municipality_added_later_is_given_to_a_youth_still_at_the_lists_address(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Without a move since, the municipality the list named becomes known and the youth
    gets it from the same list, as a move (told), once; the list after that is unchanged."""
    signal(vix, region.jgz, *JGZ_PIET, "--gemeente", "HAARLEM")
    import_list(vix, tmp_path, piet(**BLOEMENDAAL_HOME))
    assert (stored(vix_env)["municipality"], stored(vix_env)["postcode"]) == ("HAARLEM", "2061AB")
    add_bloemendaal(vix)
    told = moves(vix_env)
    known = import_list(vix, tmp_path, piet(**BLOEMENDAAL_HOME))
    # not counted as moved: the list named no municipality vix knew, so by the list he
    # moved nowhere; counting what changed would tell the school where JGZ had him
    assert counts(known) == (0, 1, 0) and known["moved"] == 0
    assert stored(vix_env)["municipality"] == "BLOEMENDAAL"
    assert moves(vix_env) == (told[0] + 1, told[1] + 1)
    assert counts(import_list(vix, tmp_path, piet(**BLOEMENDAAL_HOME))) == (0, 0, 1)
    assert moves(vix_env) == (told[0] + 1, told[1] + 1)


TOWN_ONLY = ["BSN", "Roepnaam", "Achternaam", "Geboortedatum", "Geslacht", "Woonplaats"]


def import_town_only(vix: Runner, tmp_path: Path, town: str) -> dict[str, Any]:
    """A list that gives a woonplaats but no postcode or house number."""
    path = write_list(tmp_path / f"plaats-{len(list(tmp_path.iterdir()))}.csv",
                      [[PIET, "Piet", "Klaas", BORN, "M", town]], header=TOWN_ONLY)  # fmt: skip
    found: dict[str, Any] = as_json(
        vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--json", als=ADMIN)
    )
    return found


def test_a_municipality_added_later_does_not_undo_a_move_without_an_address(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A list without addresses: a move recorded with a municipality only leaves no
    address either, and "no address in the row, none stored" proved nothing: adding the
    list's town moved Piet back, with notices."""
    signal(vix, region.jgz, *JGZ_PIET, "--gemeente", "HAARLEM")
    assert import_town_only(vix, tmp_path, "Bloemendaal")["unknown_towns"] == ["Bloemendaal"]
    ok(vix("jeugdige", "verhuis", PIET, "--gemeente", "ZANDVOORT", als=region.coordinator))
    moved = stored(vix_env)
    assert (moved["municipality"], moved["postcode"]) == ("ZANDVOORT", None)
    add_bloemendaal(vix)
    told = moves(vix_env)
    again = import_town_only(vix, tmp_path, "Bloemendaal")
    assert counts(again) == (0, 0, 1) and again["moved"] == 0
    assert stored(vix_env) == moved and moves(vix_env) == told


def test_a_municipality_added_later_is_given_to_a_youth_without_one(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A youth the list registered in an unknown town has no municipality: once it is
    known, the same list gives it (nothing to undo, nobody to tell)."""
    assert counts(import_town_only(vix, tmp_path, "Bloemendaal")) == (1, 0, 0)
    assert stored(vix_env)["municipality"] is None
    add_bloemendaal(vix)
    assert counts(import_town_only(vix, tmp_path, "Bloemendaal")) == (0, 1, 0)
    assert stored(vix_env)["municipality"] == "BLOEMENDAAL"
    assert counts(import_town_only(vix, tmp_path, "Bloemendaal")) == (0, 0, 1)


def test_a_municipality_added_later_is_not_given_to_a_youth_at_another_schools_address(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Two schools list Piet in two towns vix does not know; the second school's list gave
    him its address. Adding the first school's town gave him that municipality at the
    second school's address ("no municipality" is not "still at the list's address")."""
    assert counts(import_list(vix, tmp_path, piet(**BLOEMENDAAL_HOME))) == (1, 0, 0)
    elsewhere = {"postcode": "2061 BB", "house": "9", "town": "Zuidpolder"}
    assert counts(import_list(vix, tmp_path, piet(**elsewhere), org="ESD")) == (1, 0, 0)
    there = stored(vix_env)
    assert (there["municipality"], there["postcode"]) == (None, "2061BB")
    add_bloemendaal(vix)
    again = import_list(vix, tmp_path, piet(**BLOEMENDAAL_HOME))
    assert counts(again) == (0, 0, 1) and again["moved"] == 0
    assert stored(vix_env) == there


@pytest.mark.parametrize("extra", [[], ["--droog"]])
def test_the_counts_do_not_tell_the_school_what_others_stored(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path, extra: list[str]
) -> None:
    """A row that says something new counts as updated, whether or not the index held it
    already. The count compared with what was stored, so a (dry) run confirmed a guessed
    parent that JGZ gave, or told which pupils someone else had moved (review)."""
    # ZON's list has no parents, then JGZ signals Piet with his father (filled in)
    assert counts(import_list(vix, tmp_path, piet(parent1=""))) == (1, 0, 0)
    signal(vix, region.jgz, *JGZ_PIET, "--gemeente", "HAARLEM", "--ouder", P_FATHER)
    said = [
        counts(import_list(vix, tmp_path, piet(parent1=guess), "--droog"))
        for guess in (P_FATHER, P_MOTHER)
    ]
    assert said[0] == said[1] == (0, 1, 0)
    # JGZ records a move; the school's list then gives that same new address
    verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
    updates = youth_updates(vix_env)
    home = piet(parent1="", **ZANDVOORT_HOME)
    assert counts(import_list(vix, tmp_path, home, *extra)) == (0, 1, 0)
    assert youth_updates(vix_env) == updates  # counted, but nothing of the youth changed
    if not extra:
        # remembered: the same list again is unchanged
        assert counts(import_list(vix, tmp_path, home)) == (0, 0, 1)


def test_the_moved_count_does_not_tell_the_school_who_else_moved_its_pupil(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Rule 16: a dry run with Piet in Zandvoort counted him as moved unless someone else
    (here the coordinator, after JGZ's word) had put him in Zandvoort already. The count
    follows the municipality the school's list gave last time (migration 0028), so both
    answers are the same; the move itself is recorded as before."""
    answers = []
    for moved_before in (False, True):
        (tmp_path / str(moved_before)).mkdir()
        with sqlite3.connect(vix_env) as conn:
            conn.execute("DELETE FROM pupils")  # a fresh registration for each round
        conn.close()
        zon = tmp_path / str(moved_before)
        assert counts(import_list(vix, zon, piet())) == (1, 0, 0)
        if moved_before:
            verhuis(vix, region, "--postcode", "2042AB", "--huisnummer", "7")
        dry = import_list(vix, zon, piet(**ZANDVOORT_HOME), "--droog")
        answers.append((counts(dry), dry["moved"]))
    assert answers == [((0, 1, 0), 1), ((0, 1, 0), 1)]


def test_a_registration_remembers_the_municipality_of_the_list(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """What the registration remembers of the list is in the inzage (it is the list's
    data); one from before 0028 remembers it at the next list, unchanged or not, and
    counts that list's move by what is stored, once."""
    listed = "SELECT listed_municipality FROM pupils"
    import_list(vix, tmp_path, piet())
    haarlem = db_rows(vix_env, "SELECT id FROM municipalities WHERE code = 'HAARLEM'")[0][0]
    assert db_rows(vix_env, listed)[0][0] == haarlem
    z = as_json(vix("inzage", "--bsn", PIET, "--json", als=region.coordinator))
    assert [s["listed_municipality"] for s in z["schools"]] == ["Haarlem"]
    text = ok(vix("inzage", "--bsn", PIET, als=region.coordinator)).stdout
    assert "gemeente van de woonplaats op die lijst: Haarlem" in text
    with sqlite3.connect(vix_env) as conn:  # as migration 0028 leaves it
        conn.execute("UPDATE pupils SET listed_municipality = NULL")
    conn.close()
    text = ok(vix("inzage", "--bsn", PIET, als=region.coordinator)).stdout
    assert "op die lijst" not in text
    assert counts(import_list(vix, tmp_path, piet())) == (0, 0, 1)
    assert db_rows(vix_env, listed)[0][0] == haarlem
    # a woonplaats vix does not know: remembered as none (0), and a list without
    # address columns keeps what the last one gave
    unknown = import_list(vix, tmp_path, piet(postcode="2061 AB", house="3", town="Nergenshuizen"))
    assert unknown["unknown_towns"] == ["Nergenshuizen"] and unknown["moved"] == 0
    assert db_rows(vix_env, listed)[0][0] == 0
    z = as_json(vix("inzage", "--bsn", PIET, "--json", als=region.coordinator))
    assert [s["listed_municipality"] for s in z["schools"]] == [""]
