"""A full disk under the database is told as a full disk: not as a problem of rights.

SQLite's "database or disk is full" and the I/O error of a WAL index it could
not make were both told as "Controleer het pad en de rechten", which sends
whoever reads the cron mail to the wrong thing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BSN_ANNA, Region, Runner, db_rows, new_youth, ok, signal
from disk_helpers import log_kept_open, run_limited, run_on_full_disk


def audit_count(db: Path) -> int:
    return int(db_rows(db, "SELECT COUNT(*) FROM audit_log")[0][0])


@pytest.mark.parametrize(
    ("room", "said"),
    [
        # not even room for the WAL index: opening the database fails
        (0, "kan niet worden geopend (de schijf is vol): vix moet in de map"),
        # room for the WAL index, not for the transaction: COMMIT fails
        (36 * 1024, "De database kon niet worden geschreven (de schijf is vol); er is niets"),
    ],
)
def test_a_full_disk_is_told_as_a_full_disk(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path, room: int, said: str
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("signalen", als=region.school))  # the database closed cleanly: no -wal to copy
    before = audit_count(vix_env)
    args = ["inzage", "--bsn", BSN_ANNA, "--json"]
    found = run_on_full_disk(vix_env, tmp_path / "schijf", room, args, region.coordinator)
    if found is None:
        pytest.skip("no user and mount namespace with a tmpfs on this machine")
    assert found["code"] == 1, found
    message = " ".join(found["err"].split())
    assert said in message, message
    assert "Maak ruimte vrij op de schijf" in message
    assert "rechten" not in message
    assert found["out"] == ""
    assert found["audit"] == before


def test_an_io_error_is_told_as_one_not_as_rights(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """A file size limit (ulimit -f) fails SQLite's write as an I/O error, not as a full
    disk, and the folder has room: a disk problem all the same, not the path."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    before = audit_count(vix_env)
    with log_kept_open(vix_env):
        failed = run_limited(["inzage", "--bsn", BSN_ANNA], region.coordinator)
    assert failed.returncode == 1
    message = " ".join(failed.stderr.split())
    assert (
        "De database kon niet worden gelezen of geschreven (het systeem meldt een lees- of "
        "schrijffout); er is niets opgeslagen. Controleer de schijf van"
    ) in message, message
    assert "ulimit -f" in message and "rechten" not in message
    assert audit_count(vix_env) == before
