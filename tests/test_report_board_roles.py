"""Only the instellingscoördinator of a member makes the report over the whole board;
the instantiebeheerder of a member makes the internal report of the own organisation and
nothing wider (README-reports.md, table: "instellingscoördinator van een lid: alleen het
hele vastgelegde bestuur"). The tests asked the board report of a manager only for a
part of a board, never for the whole one, so letting a manager through as a board's
coordinator went unnoticed.
"""

from __future__ import annotations

from pathlib import Path

from conftest import Region, Runner, db_rows, ok

BOARD = ["--organisatie", "ZON", "--organisatie", "ESD"]
YEAR = ["--van", "01-01-2026", "--tot", "31-12-2026"]


def test_an_organisations_manager_does_not_make_its_boards_report(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ok(vix("rapport", "bestuur", "Kennemer Scholen", *BOARD, als=region.admin))
    refused = vix("rapport", "jaarverslag", *BOARD, *YEAR, als=region.manager)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert "u maakt alleen het rapport over uw eigen organisatie" in " ".join(
        refused.stderr.split()
    )
    assert "of over het hele bestuur" not in refused.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM audit_log WHERE action = 'report'")[0][0] == 0
    ok(vix("rapport", "jaarverslag", *BOARD, *YEAR, als=region.coordinator))
