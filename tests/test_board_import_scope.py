"""An instellingscoördinator imports pupil lists for the schools of his or her own board
only (`people.board_with`): a board the coordinator's school is not in, though it holds
the school asked for, opens nothing; nor does a board that holds the coordinator's school
but not the one asked for (an organisation is in one board at most)."""

from __future__ import annotations

from pathlib import Path

from conftest import BSN_ANNA, Region, Runner, db_rows, ok
from import_helpers import pupil, write_list

COORDINATOR = "ic@zonnebloem.nl"  # instellingscoördinator of ZON


def import_for(vix: Runner, path: Path, org: str) -> tuple[int, str]:
    result = vix("import", "leerlingen", str(path), "--organisatie", org, "--json", als=COORDINATOR)
    return result.exit_code, result.stderr


def test_only_a_board_with_both_schools_lets_the_coordinator_import(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    a = region.admin
    ok(vix("professional", "toevoegen", COORDINATOR, "Iris Coördinator", "--rol",
           "instellingscoordinator", "--organisatie", "ZON", als=a))  # fmt: skip
    for code, name in (("DUIN", "Basisschool Het Duin"), ("KUST", "Basisschool De Kust")):
        ok(vix("organisatie", "toevoegen", code, name, "--domein", "onderwijs", "--gemeente",
               "ZANDVOORT", als=a))  # fmt: skip
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)])
    # a board of two other schools, one of them the school asked for
    ok(vix("rapport", "bestuur", "Stichting Kust", "--organisatie", "ESD", "--organisatie",
           "DUIN", als=a))  # fmt: skip
    code, said = import_for(vix, path, "ESD")
    assert code == 1 and "bestuur" in said
    # a board of the coordinator's school and another, not the school asked for
    ok(vix("rapport", "bestuur", "Stichting Zon", "--organisatie", "ZON", "--organisatie",
           "KUST", als=a))  # fmt: skip
    code, said = import_for(vix, path, "ESD")
    assert code == 1 and "bestuur" in said
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 0
    # the board's other school is open to the coordinator
    code, said = import_for(vix, path, "KUST")
    assert code == 0, said
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 1
