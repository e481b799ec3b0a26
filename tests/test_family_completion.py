"""What a second signaller's parents, address and municipality do to a registered youth
(`youths.complete_youth`) beyond filling what nobody knew: a field a correction or a
move emptied stays empty, an empty address is filled whatever municipality is given,
an empty municipality is filled, and rule 15 holds over the family the filled links
make, as over the family a move makes (`signals.move_youth`)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    INFORMED,
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


def _open_family_matches(db: Path) -> int:
    return int(
        db_rows(db, "SELECT count(*) FROM matches WHERE kind = 'family' AND ended_at IS NULL")[0][0]
    )


def test_parents_a_correction_emptied_are_not_filled_back(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    assert _open_family_matches(vix_env) == 1
    # the parents asked: the registered parent was wrong
    ok(vix("jeugdige", "corrigeer", BSN_ANNA, "--geen-ouders", als=region.coordinator))
    assert _open_family_matches(vix_env) == 0
    # an older file with the same parent does not undo that unseen
    again = signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    assert again["not_used"] == ["ouders"]
    assert [m["kind"] for m in again["matches"]] == ["youth"]
    assert _open_family_matches(vix_env) == 0
    anna = db_rows(vix_env, "SELECT id FROM youths WHERE bsn = ?", (BSN_ANNA,))[0][0]
    assert (
        db_rows(vix_env, "SELECT count(*) FROM youth_parents WHERE youth_id = ?", (anna,))[0][0]
        == 0
    )


def test_an_address_a_move_cleared_is_not_filled_back(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    home = {"postcode": "2011AB", "number": "5"}
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", **home))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", **home))
    assert _open_family_matches(vix_env) == 1
    move = ("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT")
    ok(vix(*move, als=region.school))
    assert _open_family_matches(vix_env) == 0
    # the new municipality agrees, but the old address from a file does not come back
    old = new_youth(BSN_ANNA, "Anna", town="ZANDVOORT", **home)
    placed = ok(vix("signaleer", *old, *INFORMED, als=region.gi))
    told = " ".join(placed.stderr.split())
    assert "Niet overgenomen: adres." in told and "'vix jeugdige corrigeer'" in told
    # true for a field emptied on purpose as for one that differs, and names the move too
    assert "wijkt af" not in told and "overschrijft of herstelt niets" in told
    assert "'vix jeugdige verhuis'" in told
    assert _open_family_matches(vix_env) == 0
    [anna] = db_rows(vix_env, "SELECT address_key FROM youths WHERE bsn = ?", (BSN_ANNA,))
    assert anna[0] is None
    [seen] = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'lookup'")
    assert json.loads(seen[0]) == {
        "bron": "signaleer",
        "niet_overgenomen": ["adres"],
        "afwijkend": ["adres"],
    }


def test_an_empty_address_is_filled_whatever_municipality_is_given(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """It was left out for another municipality than the stored one: that answer told
    the signaller the municipality (rule 16). The stored municipality stays."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    other = new_youth(BSN_ANNA, "Anna", town="ZANDVOORT", postcode="2042AB", number="7")
    again = signal(vix, region.jgz, *other)
    assert again["not_used"] == []
    [anna] = db_rows(
        vix_env,
        "SELECT y.postcode, y.house_number, y.address_key, mu.code FROM youths y"
        " JOIN municipalities mu ON mu.id = y.municipality_id",
    )
    assert tuple(anna) == ("2042AB", "7", "2042AB-7", "HAARLEM")
    assert db_rows(vix_env, "SELECT count(*) FROM youth_moves")[0][0] == 0


def test_an_empty_municipality_is_filled_and_the_match_has_it(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A pupil whose town the import did not recognise has no municipality."""
    pupils = write_list(tmp_path / "zon.csv", [pupil(BSN_ANNA, town="Nergenshuizen")])
    ok(vix("import", "leerlingen", str(pupils), "--organisatie", "ZON", als=ADMIN))
    assert db_rows(vix_env, "SELECT municipality_id FROM youths")[0][0] is None
    # an unknown code is refused, as for a new youth, and nothing is stored
    unknown = ("--leerling", "0042", "--gemeente", "NERGENS", *INFORMED)
    refused = vix("signaleer", *unknown, als=region.school)
    assert refused.exit_code == 1 and "NERGENS" in refused.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    by_pupil = ("--leerling", "0042", "--gemeente", "HAARLEM", *INFORMED, "--json")
    placed = as_json(vix("signaleer", *by_pupil, als=region.school))
    assert placed["not_used"] == []
    haarlem = db_rows(vix_env, "SELECT id FROM municipalities WHERE code = 'HAARLEM'")[0][0]
    assert db_rows(vix_env, "SELECT municipality_id FROM youths")[0][0] == haarlem
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    [match] = db_rows(vix_env, "SELECT municipality_id FROM matches WHERE ended_at IS NULL")
    assert match[0] == haarlem  # the regievoerder and the alderman of HAARLEM
    logged = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'update'")
    assert {"bron": "signaleer", "velden": ["gemeente"]} in [json.loads(r[0]) for r in logged]


def test_a_match_without_municipality_follows_the_one_filled(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    pupils = write_list(tmp_path / "zon.csv", [pupil(BSN_ANNA, town="Nergenshuizen")])
    ok(vix("import", "leerlingen", str(pupils), "--organisatie", "ZON", als=ADMIN))
    ok(vix("signaleer", "--leerling", "0042", *INFORMED, als=region.school))
    # a second school of the youth's (same list, same town) makes the match without one
    ok(vix("import", "leerlingen", str(pupils), "--organisatie", "ESD", als=ADMIN))
    ok(vix("signaleer", "--leerling", "0042", *INFORMED, als=region.school2))
    # (two schools: one domain but two organisations, so a match)
    [match] = db_rows(vix_env, "SELECT municipality_id FROM matches WHERE ended_at IS NULL")
    assert match[0] is None
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    zandvoort = db_rows(vix_env, "SELECT id FROM municipalities WHERE code = 'ZANDVOORT'")[0][0]
    [match] = db_rows(vix_env, "SELECT municipality_id FROM matches WHERE ended_at IS NULL")
    assert match[0] == zandvoort


# a signal placed two years before NOW: past its planned removal, `vix onderhoud` not run
EARLY = "2024-11-01T10:00:00"
EARLY_INFORMED = ["--ouders-geinformeerd", "01-11-2024"]


def _expired_signal_on_bram(vix: Runner, region: Region, *extra: str) -> None:
    args = (*new_youth(BSN_BRAM, "Bram", born="01-01-2016"), *extra, *EARLY_INFORMED)
    ok(vix("signaleer", *args, als=region.jgz, now=EARLY))


def test_a_parent_filled_in_does_not_join_an_expired_signal(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    _expired_signal_on_bram(vix, region, "--ouder", P_MOTHER)
    pupils = write_list(tmp_path / "zon.csv", [pupil(BSN_ANNA, postcode="", house="")])
    ok(vix("import", "leerlingen", str(pupils), "--organisatie", "ZON", als=ADMIN))
    by_pupil = ("--leerling", "0042", "--ouder", P_MOTHER, *INFORMED, "--json")
    placed = as_json(vix("signaleer", *by_pupil, als=region.school))
    assert placed["matches"] == []
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0
    rows = db_rows(vix_env, "SELECT status FROM signals ORDER BY id")
    assert [r[0] for r in rows] == ["ended", "active"]


def test_a_new_address_on_a_move_does_not_join_an_expired_signal(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    _expired_signal_on_bram(vix, region)
    ok(
        vix(
            "jeugdige",
            "corrigeer",
            BSN_BRAM,
            "--postcode",
            "2042AB",
            "--huisnummer",
            "3",
            als=region.coordinator,
            now=EARLY,
        )
    )
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    move = ("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT")
    ok(vix(*move, "--postcode", "2042AB", "--huisnummer", "3", als=region.school))
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0
    rows = db_rows(vix_env, "SELECT status FROM signals ORDER BY id")
    assert [r[0] for r in rows] == ["ended", "active"]
