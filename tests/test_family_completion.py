"""What a second signaller's parents, address and municipality do to a registered youth
(`youths.complete_youth`) beyond filling what nobody knew: a field a correction or a
move emptied stays empty, an address in another municipality is not used, an empty
municipality is filled, and rule 15 holds over the family the filled links make, as
over the family a move makes (`signals.move_youth`)."""

from __future__ import annotations

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
