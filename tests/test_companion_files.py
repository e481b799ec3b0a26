"""The -wal, -shm and -journal beside the database must be the database's own.

SQLite takes such a file as it finds it. Another account that can create files in the
database's folder (a shared folder, a sticky one like /tmp) put an empty -wal there,
readable and writable by itself: every page vix wrote went into it, BSNs and all, and a
page it changed was taken in (rule 16). vix now refuses to open the database then.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ADMIN, Region, Runner, db_rows, ok

from vix.db import remove_new_database

OTHER_UID = 2002


def refused(result: object, companion: Path, why: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    told = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    assert f"Naast de database staat {companion}, en {why}." in told
    assert "verwijder het (niet zolang een vix- of SQLite-proces de database open heeft)" in told


def test_a_wal_that_others_may_read_is_refused(vix: Runner, region: Region, vix_env: Path) -> None:
    wal = Path(f"{vix_env}-wal")
    wal.unlink(missing_ok=True)
    wal.touch()
    wal.chmod(0o666)  # as another account would leave it (umask 0)
    result = vix("gemeente", "toevoegen", "BLOEM", "Bloemendaal", als=region.admin)
    refused(result, wal, "anderen mogen het lezen of schrijven en de database niet")
    assert wal.stat().st_size == 0  # nothing went into it
    wal.unlink()
    ok(vix("gemeente", "toevoegen", "BLOEM", "Bloemendaal", als=region.admin))
    assert [
        r[0] for r in db_rows(vix_env, "SELECT name FROM municipalities WHERE code = 'BLOEM'")
    ] == ["Bloemendaal"]


def test_a_wal_of_another_account_is_refused(vix: Runner, region: Region, vix_env: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another account needs root")
    shm = Path(f"{vix_env}-shm")
    shm.unlink(missing_ok=True)
    shm.touch(mode=0o600)
    os.chown(shm, OTHER_UID, OTHER_UID)
    result = vix("matches", als=region.school)
    refused(result, shm, "het heeft een andere eigenaar dan de database")


def test_a_wal_that_is_a_link_is_refused(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elders"
    elsewhere.touch(mode=0o600)
    wal = Path(f"{vix_env}-wal")
    wal.unlink(missing_ok=True)
    wal.symlink_to(elsewhere)
    result = vix("matches", als=region.school)
    refused(result, wal, "het is geen gewoon bestand (een koppeling, map of apparaat)")
    assert elsewhere.stat().st_size == 0


LEFTOVER = (
    "Naast de nieuwe database staat al {}. Een bestand met die naam hoort bij een database "
    "op dit pad: meestal is het over van een eerdere database daar, die zonder dit bestand "
    "is verwijderd of verplaatst. vix maakt de database zo niet: SQLite zou het lezen als "
    "deel van de nieuwe database. Verplaats of verwijder het eerst (niet zolang een vix- of "
    "SQLite-proces een database op dit pad open heeft), of kies een ander pad."
)


def test_init_beside_a_leftover_wal_makes_nothing(vix: Runner, vix_env: Path) -> None:
    """The user's own -wal of an earlier database at the path: "Naast de database staat
    ..., en terwijl de database nog moet worden gemaakt", and advice about a folder only
    the user may write, did not say what the file was or what to do (review)."""
    wal = Path(f"{vix_env}-wal")
    wal.touch(mode=0o600)
    wal.chmod(0o600)
    result = vix("init", "--naam", "F. Beheer", "--email", ADMIN)
    assert (result.exit_code, result.stdout) == (1, "")
    assert " ".join(result.stderr.split()) == f"Fout: {LEFTOVER.format(wal)}"
    assert sorted(p.name for p in vix_env.parent.iterdir()) == [wal.name]  # no database, key
    wal.unlink()
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))


def test_init_beside_a_planted_wal_makes_nothing(vix: Runner, vix_env: Path) -> None:
    wal = Path(f"{vix_env}-wal")
    wal.touch()
    wal.chmod(0o666)  # as another account would leave it (umask 0)
    result = vix("init", "--naam", "F. Beheer", "--email", ADMIN)
    assert (result.exit_code, result.stdout) == (1, "")
    told = " ".join(result.stderr.split())
    assert told.startswith(f"Fout: {LEFTOVER.format(wal)} Let op, anderen mogen het lezen of ")
    assert "laat nagaan wie het maakte" in told
    assert "zet de database in een map waar alleen u kunt schrijven" in told
    assert sorted(p.name for p in vix_env.parent.iterdir()) == [wal.name]  # no database, key
    wal.unlink()
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))


def test_a_kept_demo_beside_a_leftover_journal_makes_nothing(vix: Runner, tmp_path: Path) -> None:
    kept = tmp_path / "demo.db"
    journal = Path(f"{kept}-journal")
    journal.symlink_to(tmp_path / "elders")
    result = vix("demo", "--bewaar", str(kept))
    assert (result.exit_code, result.stdout) == (1, "")
    told = " ".join(result.stderr.split())
    assert told.startswith(f"Fout: {LEFTOVER.format(journal)} Let op, het is geen gewoon")
    assert sorted(p.name for p in tmp_path.iterdir()) == [journal.name]


def test_a_failed_init_removes_its_key_even_when_a_companion_cannot_go(tmp_path: Path) -> None:
    """One leftover that cannot be removed kept the key, and the next 'vix init' was told
    the key file exists."""
    db, key = tmp_path / "regio.db", tmp_path / "regio.db.sleutel"
    db.touch()
    key.touch()
    stuck = Path(f"{db}-wal")
    stuck.mkdir()  # unlink fails on it as on a file of another user in a sticky folder
    remove_new_database(db, key)
    assert not db.exists() and not key.exists()


def test_a_wal_of_a_colleague_in_the_database_s_group_is_taken(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """An account per user, sharing the database through a group: SQLite gives the -wal to
    whoever opened the database first. Refused as another owner's, a colleague's running
    import stopped every other command."""
    if os.geteuid() != 0:
        pytest.skip("giving a file to another account needs root")
    group = 3000
    os.chown(vix_env, os.geteuid(), group)
    vix_env.chmod(0o660)
    wal = Path(f"{vix_env}-wal")
    wal.unlink(missing_ok=True)
    wal.touch(mode=0o660)
    os.chown(wal, OTHER_UID, group)
    ok(vix("matches", als=region.school))
    wal.touch(mode=0o660)  # SQLite removed it when vix closed the database
    os.chown(wal, OTHER_UID, group + 1)  # another group: not the database's
    refused(vix("matches", als=region.school), wal, "het heeft een andere eigenaar dan de database")
