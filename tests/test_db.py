"""The one way in: creation, file modes, pragmas, migrations, refusal of foreign files."""

from __future__ import annotations

import _sqlite3
import ctypes
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN, Runner, as_json, db_rows, ok
from disk_helpers import run_limited, run_on_full_disk
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from vix import cli_common, matching, notices
from vix.db import (
    _M0021_NAMED,
    APPLICATION_ID,
    MIGRATIONS,
    Store,
    _fingerprint,
    _m0002_key_as_int,
    _m0006_address_key,
    _m0011_substitute_number,
    _m0013_house_number_ok,
    key_as_int,
    key_path_for,
    open_store,
)
from vix.errors import DatabaseProblem, InvalidInput, UpgradeUnfinished
from vix.signals import expire_signals
from vix.youths import address_key, clean_house_number, substitute_number

NOW = datetime(2026, 11, 23, 10, 0)


# every migration, in the order a database gets them
MIGRATION_NAMES = [
    "0001_schema",
    "0002_parent_keys_as_integers",
    "0003_pupils_keyed_by_youth",
    "0004_audit_renumbered_index",
    "0005_outbox_youths",
    "0006_address_keys_keep_the_addition",
    "0007_youths_bsn_index",
    "0008_audit_entity_index",
    "0009_leap_day_births_turn_23_on_1_march",
    "0010_signal_and_notice_ids_are_never_reused",
    "0011_substitute_numbers_read_the_infix",
    "0012_kept_apart",
    "0013_house_numbers_within_limits",
    "0014_youths_birth_index",
    "0015_match_ids_are_never_reused",
    "0016_archive_deletions",
    "0017_match_members_keep_each_period",
    "0018_signals_end_as_transferred",
    "0019_moot_escalation_notices_withdrawn",
    "0020_outbox_withdraw_if_unsent",
    "0021_outbox_named",
    "0022_family_matches_to_check",
    "0023_older_notices_linked_to_their_youths",
    "0024_application_id_vix2",
    "0025_outbox_claimed_until",
    "0026_pupils_list_digests",
    "0027_signal_term_two_years",
    "0028_pupils_listed_municipality",
    "0029_match_notices_linked_to_the_match_youths",
    "0030_audit_notice_match_index",
]


def test_init_creates_private_database_and_key(vix: Runner, vix_env: Path, tmp_path: Path) -> None:
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    key = tmp_path / "vix.sleutel"
    assert stat.S_IMODE(vix_env.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key.read_text().strip())) == 32


def test_init_names_the_key_file_it_wrote(
    vix: Runner, vix_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # it said DATABASE.sleutel while VIX_SLEUTEL had it write elsewhere: an administrator
    # would back up, or move, the wrong file
    result = ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    assert f"Sleutel: {tmp_path / 'vix.sleutel'}." in result.stderr
    assert f"{vix_env}.sleutel" not in result.stderr
    assert (tmp_path / "vix.sleutel").exists() and not Path(f"{vix_env}.sleutel").exists()
    monkeypatch.delenv("VIX_SLEUTEL")
    other = tmp_path / "ander.db"
    result = ok(vix("--db", str(other), "init", "--naam", "F. Beheer", "--email", ADMIN))
    assert f"Sleutel: {other}.sleutel." in result.stderr
    assert Path(f"{other}.sleutel").exists()


def test_init_refuses_existing_database(vix: Runner, vix_env: Path) -> None:
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    again = vix("init", "--naam", "X", "--email", "x@regio.nl")
    assert again.exit_code == 1
    assert "bestaat al" in again.stderr


def test_init_with_bad_email_leaves_no_file(vix: Runner, vix_env: Path) -> None:
    result = vix("init", "--naam", "F. Beheer", "--email", "geen-adres")
    assert result.exit_code == 1
    assert "geen geldig e-mailadres" in result.stderr
    assert list(vix_env.parent.iterdir()) == []  # no database, key or journal left behind
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))  # so trying again just works


def test_init_that_loses_the_race_for_the_path_removes_nothing(vix: Runner, vix_env: Path) -> None:
    """What a second 'vix init' meets when the first made the files after its check: a
    path that `exists()` did not see. A dangling link makes that moment last; the loser
    removed the winner's database and key."""
    key = vix_env.parent / "vix.sleutel"  # VIX_SLEUTEL
    vix_env.symlink_to(vix_env.parent / "nog-niet-gemaakt.db")
    key.symlink_to(vix_env.parent / "nog-niet-gemaakt.sleutel")
    result = vix("init", "--naam", "F. Beheer", "--email", ADMIN)
    assert result.exit_code == 1
    assert "bestaat al" in result.stderr
    assert vix_env.is_symlink() and key.is_symlink()  # neither removed


def test_init_that_loses_the_race_for_the_key_removes_only_its_database(
    vix: Runner, vix_env: Path
) -> None:
    key = vix_env.parent / "vix.sleutel"
    key.symlink_to(vix_env.parent / "nog-niet-gemaakt.sleutel")
    result = vix("init", "--naam", "F. Beheer", "--email", ADMIN)
    assert result.exit_code == 1
    assert "Het sleutelbestand" in result.stderr and "bestaat al" in result.stderr
    assert key.is_symlink()  # not this command's
    assert sorted(p.name for p in vix_env.parent.iterdir()) == ["vix.sleutel"]  # its db gone


def _init_at_once(path: str, start: Any, results: Any) -> None:
    start.wait()
    try:
        open_store(Path(path), NOW, create=True).close()
        results.put("ok")
    except Exception as error:
        results.put(type(error).__name__)


def test_inits_at_once_on_one_path_leave_the_winner_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Processes that start 'vix init' on one path together: one makes the database and
    its key, the others are refused, and what the winner made stays (a loser removed it
    in about one round in eight)."""
    import multiprocessing

    monkeypatch.delenv("VIX_SLEUTEL")  # each round's key beside its database
    spawn = multiprocessing.get_context("fork")
    for round_ in range(8):
        folder = tmp_path / str(round_)
        folder.mkdir()
        path = folder / "vix.db"
        start, results = spawn.Barrier(4), spawn.Queue()
        workers = [
            spawn.Process(target=_init_at_once, args=(str(path), start, results)) for _ in range(4)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        outcomes = sorted(results.get(timeout=10) for _ in workers)
        assert outcomes == ["DatabaseProblem"] * 3 + ["ok"], outcomes
        assert sorted(p.name for p in folder.iterdir()) == ["vix.db", "vix.db.sleutel"]
        open_store(path, NOW).close()  # the key fits the database


def test_init_with_a_key_path_that_cannot_be_made_leaves_no_file(
    vix: Runner, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIX_SLEUTEL", str(vix_env.parent / "geen-map" / "regio.sleutel"))
    result = vix("init", "--naam", "F. Beheer", "--email", ADMIN)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert list(vix_env.parent.iterdir()) == []


def test_pragmas_and_migrations(vix: Runner, vix_env: Path) -> None:
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    with opened(vix_env) as store:
        conn = store.db.conn
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        assert MIGRATIONS.pending(store.db) == []


def test_reopening_applies_nothing_twice(vix: Runner, vix_env: Path) -> None:
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    for _ in range(2):
        open_store(vix_env, NOW).close()
    conn = sqlite3.connect(vix_env)
    applied = conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == len(MIGRATION_NAMES)


def test_upgrade_from_an_unmigrated_vix_file(vix_env: Path, tmp_path: Path) -> None:
    """A vix file whose migrations were never applied is brought up to date on open."""
    store = open_store(vix_env, NOW, create=True)
    store.close()
    conn = sqlite3.connect(vix_env)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"signals", "matches", "match_members", "audit_log", "outbox", "youths"} <= names


# the migration a vix file made by `vix init` from schema.sql alone (0001) lacks first
FIRST_UPGRADE = "0002_parent_keys_as_integers"


def database_at_0001(path: Path) -> bytes:
    """A vix file as `vix init` made it before migration 0002: schema.sql only. Its key."""
    return database_before(path, FIRST_UPGRADE)


def database_before(path: Path, migration: str) -> bytes:
    """A vix file as a vix without `migration` (and what follows it) made it. Its key."""
    key = secrets.token_bytes(32)
    key_path_for(path).write_text(key.hex())
    db = Database(sqlite3.connect(path, isolation_level=None))
    db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    MIGRATIONS.apply(db, stop_before=migration)
    db.conn.execute(
        "INSERT INTO settings VALUES ('key_fingerprint', ?)", (json.dumps(_fingerprint(key)),)
    )
    db.close()
    return key


def filled_before(path: Path, migration: str, sql: str) -> sqlite3.Connection:
    """`database_before(path, migration)` holding the rows of `sql`: an open connection
    (autocommit) to read what the upgrade must keep. Close it before `opened`."""
    database_before(path, migration)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(sql)
    return conn


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    """The file opened through the one way in, which applies the migrations it lacks;
    closed after the block."""
    store = open_store(path, NOW)
    try:
        yield store
    finally:
        store.close()


def test_upgrade_from_0001_keeps_families_and_pupil_registrations(vix_env: Path) -> None:
    """0002 turns the parents' hex keys into integers, 0003 re-keys pupils: nothing is lost."""
    key = database_at_0001(vix_env)
    mother = "111222333"
    old_key = hmac.new(key, mother.encode(), hashlib.sha256).hexdigest()[:32]  # 0001's form
    conn = sqlite3.connect(vix_env, isolation_level=None)
    conn.executescript(
        f"""
        INSERT INTO organisations (id, code, name, domain, created_at)
            VALUES (1, 'ZON', 'Zonnebloem', 'education', 'x'),
                   (2, 'ESD', 'Esdoorn', 'education', 'x');
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, created_at, updated_at)
            VALUES (1, '123456782', 'Kind', 'Vries', '2015-01-01', 'x', 'x'),
                   (2, '234567891', 'Kind', 'Vries', '2016-01-01', 'x', 'x');
        INSERT INTO youth_parents VALUES (1, '{old_key}'), (2, '{old_key}');
        INSERT INTO pupils (organisation_id, youth_id, pupil_number, class_name, imported_at)
            VALUES (1, 1, '0042', '5', '2026-09-01T08:00:00'),
                   (2, 1, NULL, '6', '2026-09-02T08:00:00');
        """
    )
    conn.close()

    with opened(vix_env) as store:
        assert [m.name for m in MIGRATIONS.applied(store.db)][1:] == MIGRATION_NAMES[1:]
        rows = store.rows("SELECT youth_id, parent_key, typeof(parent_key) FROM youth_parents")
        assert [tuple(r) for r in rows] == [
            (1, store.parent_key(mother), "integer"),
            (2, store.parent_key(mother), "integer"),
        ]
        assert matching.family_of(store, 1) == {1, 2}
        plan = store.rows(
            "EXPLAIN QUERY PLAN SELECT youth_id FROM youth_parents WHERE parent_key = 1"
        )
        assert "youth_parents_key" in " ".join(r[3] for r in plan)

        pupils = store.rows("SELECT * FROM pupils ORDER BY organisation_id")
        assert [tuple(r) for r in pupils] == [  # 0026, 0028: nothing of the list remembered yet
            (1, 1, "0042", "5", "2026-09-01T08:00:00", None, None, None, None),
            (1, 2, None, "6", "2026-09-02T08:00:00", None, None, None, None),
        ]
        with pytest.raises(sqlite3.IntegrityError):  # one pupil number per school
            store.execute("INSERT INTO pupils VALUES (2, 1, '0042', NULL, 'x', 1, 2, 3, 4)")
        # 0007 rebuilt youths around its rows: the references to it and its rule hold
        assert store.scalar("SELECT COUNT(*) FROM youth_parents") == 2
        with pytest.raises(sqlite3.IntegrityError):  # one youth per number
            store.execute(
                "INSERT INTO youths (bsn, given_name, surname, birth_date, created_at, updated_at)"
                " VALUES ('123456782', 'X', 'Y', '2015-01-01', 'x', 'x')"
            )
        indexes = {
            r[0] for r in store.rows("SELECT name FROM sqlite_master WHERE tbl_name = 'youths'")
        }
        assert indexes == {
            "youths",
            "youths_bsn",
            "youths_address",
            "youths_municipality",
            "youths_birth",
        }
        assert store.scalar("PRAGMA foreign_keys") == 1
        store.execute("DELETE FROM youths WHERE id = 1")  # erasure cascades
        assert store.scalar("SELECT COUNT(*) FROM pupils") == 0
        assert store.scalar("SELECT COUNT(*) FROM youth_parents") == 1


def test_0006_keeps_the_house_number_apart_from_its_addition(vix_env: Path) -> None:
    """Keys made by the old rule ('12' + '2' -> '122') are made again from the stored address."""
    conn = filled_before(
        vix_env,
        FIRST_UPGRADE,
        """
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, postcode, house_number,
                            address_key, created_at, updated_at)
            VALUES (1, '123456782', 'A', 'Vries', '2015-01-01', '2011AB', '12 2',
                    '2011AB-122', 'x', 'x'),
                   (2, '234567891', 'B', 'Bos', '2016-01-01', '2011AB', '122',
                    '2011AB-122', 'x', 'x'),
                   (3, '111222333', 'C', 'Dijk', '2016-01-01', '2011 ab', '7a',
                    '2011AB-7A', 'x', 'x');
        INSERT INTO institution_addresses VALUES ('2011AB-14B', 'Leefgroep'),
                                                 ('2011AB-15', 'Opvang');
        """,
    )
    conn.close()
    with opened(vix_env) as store:
        keys = store.rows("SELECT id, address_key FROM youths ORDER BY id")
        assert [tuple(r) for r in keys] == [
            (1, "2011AB-12-2"),
            (2, "2011AB-122"),
            (3, "2011AB-7-A"),
        ]
        assert matching.family_of(store, 1) == {1}  # no longer a family with number 122
        institutions = store.rows("SELECT address_key FROM institution_addresses ORDER BY 1")
        assert [r[0] for r in institutions] == ["2011AB-14-B", "2011AB-15"]


def test_0009_moves_the_23rd_birthday_of_leap_day_births_to_1_march(vix_env: Path) -> None:
    """Ends stored as 28 February of the 23rd year move a day, unless the term made them."""
    conn = filled_before(
        vix_env,
        FIRST_UPGRADE,
        """
        INSERT INTO organisations (id, code, name, domain, created_at)
            VALUES (1, 'ZON', 'Zonnebloem', 'education', 'x');
        INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
            VALUES (1, 'ib@zon.nl', 'Ib', 1, 'signaller', 'x'),
                   (2, 'ib2@zon.nl', 'Ib2', 1, 'signaller', 'x');
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, created_at, updated_at)
            VALUES (1, '123456782', 'A', 'Vries', '2004-02-29', 'x', 'x'),
                   (2, '234567891', 'B', 'Bos', '2004-02-28', 'x', 'x');
        INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                             planned_removal, parents_informed_on, status, ended_at,
                             end_reason, archive_until)
            VALUES (1, 1, 1, 1, '2026-11-23T10:00:00', '2027-02-28', '2026-11-23',
                    'active', NULL, NULL, NULL),
                   (2, 1, 2, 1, '2025-02-28T10:00:00', '2027-02-28', '2025-02-28',
                    'active', NULL, NULL, NULL),
                   (3, 1, 1, 1, '2024-01-10T10:00:00', '2026-01-10', '2024-01-10',
                    'ended', '2025-01-10T10:00:00', 'resolved', '2027-02-28'),
                   (4, 2, 1, 1, '2026-11-23T10:00:00', '2027-02-28', '2026-11-23',
                    'active', NULL, NULL, NULL);
        """,
    )
    conn.close()
    with opened(vix_env) as store:
        ends = store.rows("SELECT id, planned_removal, archive_until FROM signals ORDER BY id")
        assert [tuple(r) for r in ends] == [
            (1, "2027-03-01", None),  # the birthday, now 1 March
            (2, "2027-02-28", None),  # two years after 28 February 2025: the term ends first
            (3, "2026-01-10", "2027-03-01"),
            (4, "2027-02-28", None),  # born on 28 February: nothing moves
        ]


AT_0009 = """
    INSERT INTO municipalities (id, code, name) VALUES (1, 'HAARLEM', 'Haarlem');
    INSERT INTO organisations (id, code, name, domain, created_at)
        VALUES (1, 'ZON', 'Zonnebloem', 'education', 'x'), (2, 'JGZ', 'JGZ', 'youth_health', 'x');
    INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
        VALUES (1, 'ib@zon.nl', 'Ib', 1, 'signaller', 'x'),
               (2, 'arts@jgz.nl', 'Arts', 2, 'signaller', 'x');
    INSERT INTO youths (id, bsn, given_name, surname, birth_date, created_at, updated_at)
        VALUES (1, '123456782', 'A', 'Vries', '2015-01-01', 'x', 'x');
    INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                         planned_removal, parents_informed_on, parents_not_informed_reason,
                         status, ended_at, end_reason, archive_until)
        VALUES (1, 1, 1, 1, '2026-11-20T09:00:00', '2028-11-20', NULL,
                'De ouders zijn nu niet bereikbaar.', 'active', NULL, NULL, NULL),
               (2, 1, 2, 2, '2026-11-20T10:00:00', '2028-11-20', '2026-11-20',
                NULL, 'active', NULL, NULL, NULL),
               (5, 1, 2, 2, '2024-01-10T10:00:00', '2026-01-10', '2024-01-10',
                NULL, 'ended', '2025-01-10T10:00:00', 'resolved', '2030-01-10');
    INSERT INTO matches (id, kind, youth_id, municipality_id, created_at)
        VALUES (1, 'youth', 1, 1, '2026-11-20T10:00:00');
    INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id, joined_at)
        VALUES (1, 1, 1, 1, '2026-11-20T10:00:00'), (1, 2, 2, 2, '2026-11-20T10:00:00');
    INSERT INTO history_notices VALUES (5, 1, '2026-11-20T09:00:00');
    INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,
                        recipient_email, subject, body, message_id, status, attempts, sent_at)
        VALUES (1, '2026-11-20T10:00:00', 'match', 1, 1, 'Ib', 'ib@zon.nl', 'Match', 'A Vries',
                '<1@vix.invalid>', 'sent', 1, '2026-11-20T10:05:00'),
               (2, '2026-11-20T10:00:00', 'match', 1, 2, 'Arts', 'arts@jgz.nl', 'Match',
                'A Vries', '<2@vix.invalid>', 'queued', 0, NULL);
    INSERT INTO outbox_youths VALUES (1, 1), (1, 2);
    -- signal 7 and notice 4 were deleted before the upgrade; their audit records stay
    INSERT INTO audit_log (at, action, entity, entity_id)
        VALUES ('2026-11-01T09:00:00', 'create', 'signal', 7),
               ('2026-11-01T09:00:00', 'queue', 'notice', 4),
               ('2026-11-20T10:00:00', 'queue', 'notice', 2);
"""
ARCHIVED_SIGNAL = (
    "INSERT INTO signals (youth_id, professional_id, organisation_id, placed_at, planned_removal,"
    " parents_informed_on, status, ended_at) VALUES (1, 1, 1, 'x', 'x', 'x', 'ended', 'x')"
)
# the tables 0010 rebuilds and those that refer to them
REBUILT = ("signals", "outbox")
# the columns later migrations add (0020, 0021), NULL on every row an upgrade keeps
ADDED_LATER = {"outbox": ("withdraw_if_unsent", "named", "claimed_until")}


def _kept(conn: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
    """A table's rows after the upgrade, as the migration under test left them: without
    the columns a later one added (`ADDED_LATER`), which are NULL on every kept row."""
    cursor = conn.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cursor.description]
    added = ADDED_LATER.get(table, ())
    rows = cursor.fetchall()
    assert all(v is None for r in rows for n, v in zip(names, r, strict=True) if n in added), table
    return [tuple(v for n, v in zip(names, r, strict=True) if n not in added) for r in rows]


def _without_later_columns(shape: dict[str, object], table: str) -> dict[str, object]:
    """A table's shape without the columns later migrations added (`ADDED_LATER`)."""
    sql = str(shape["sql"])
    for name in ADDED_LATER.get(table, ()):
        sql = re.sub(rf",{name} [A-Z]+", "", sql)
    columns = [c for c in shape["columns"] if c[1] not in ADDED_LATER.get(table, ())]  # type: ignore[attr-defined]
    return {**shape, "sql": sql, "columns": columns}


REFERRING = ("match_members", "history_notices", "outbox_youths")


def _normal(sql: str) -> str:
    """SQL without comments, quotes around names and differences in spacing."""
    sql = re.sub(r"--[^\n]*", "", sql).replace('"', "")
    return re.sub(r"\s*([(),])\s*", r"\1", re.sub(r"\s+", " ", sql)).strip()


def _shape(conn: sqlite3.Connection, table: str) -> dict[str, object]:
    """A table as SQLite sees it: columns, keys, checks and the definition of every index."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    return {
        "sql": _normal(sql),
        "columns": [tuple(r) for r in conn.execute(f"PRAGMA table_xinfo({table})")],
        "foreign keys": [tuple(r) for r in conn.execute(f"PRAGMA foreign_key_list({table})")],
        "indexes": [
            (r[0], None if r[1] is None else _normal(r[1]))
            for r in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                " ORDER BY name",
                (table,),
            )
        ],
    }


def test_0010_keeps_signals_and_notices_and_never_gives_their_ids_again(vix_env: Path) -> None:
    """A database at 0009 keeps every row, reference and index; new ids pass every old one."""
    conn = filled_before(vix_env, "0010_signal_and_notice_ids_are_never_reused", AT_0009)
    before = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in REBUILT + REFERRING}
    shapes = {t: _shape(conn, t) for t in REBUILT}
    conn.close()

    with opened(vix_env) as store:
        conn = store.db.conn
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        for table, rows in before.items():
            assert _kept(conn, table) == rows, table
        for table, shape in shapes.items():
            now = _without_later_columns(_shape(conn, table), table)
            assert "id INTEGER PRIMARY KEY AUTOINCREMENT," in str(now["sql"])
            # and 0018 lets a signal end as transferred too
            now["sql"] = str(now["sql"]).replace(" AUTOINCREMENT", "").replace(",'transferred'", "")
            assert now == shape, table
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # the highest id the table or its audit records named: signal 7, notice 4
        new_signal = store.insert(ARCHIVED_SIGNAL)
        new_notice = store.insert(
            "INSERT INTO outbox (created_at, kind, recipient_name, recipient_email, subject,"
            " body, message_id) VALUES ('x', 'match', 'Ib', 'ib@zon.nl', 's', 'b', '<3@x>')"
        )
        assert (new_signal, new_notice) == (8, 5)
        store.execute("DELETE FROM signals WHERE id = 8")
        again = store.insert(ARCHIVED_SIGNAL)
        assert again == 9
        # the references to the rebuilt tables act as before
        store.execute("DELETE FROM signals WHERE id = 1")
        store.execute("DELETE FROM outbox WHERE id = 1")
        assert store.scalar("SELECT COUNT(*) FROM match_members") == 1
        assert store.scalar("SELECT COUNT(*) FROM outbox_youths") == 1
        with pytest.raises(sqlite3.IntegrityError):
            store.execute("DELETE FROM youths WHERE id = 1")  # signals still name the youth


# what 0015 rebuilds: matches, and the tables that refer to it
MATCH_REFERRING = ("match_members", "match_milestones", "escalations", "outbox")
FOLLOWED_UP = """
    INSERT INTO match_milestones (match_id, kind, on_date, recorded_by, recorded_at)
        VALUES (1, 'contact', '2026-11-23', 1, '2026-11-23T09:00:00');
    INSERT INTO escalations (match_id, level, on_date, recorded_by, recorded_at)
        VALUES (1, 1, '2026-11-30', NULL, '2026-11-30T07:30:00');
    -- a match number the log named beyond the table (no vix deleted matches before 0015)
    INSERT INTO audit_log (at, action, entity, entity_id)
        VALUES ('2026-11-21T09:00:00', 'create', 'match', 3);
"""
NEW_MATCH = "INSERT INTO matches (kind, youth_id, created_at) VALUES ('youth', 1, 'x')"


def test_0015_keeps_matches_and_never_gives_their_ids_again(vix_env: Path) -> None:
    """A database at 0014 keeps every match, reference and index; new ids pass every old one."""
    conn = filled_before(vix_env, "0015_match_ids_are_never_reused", AT_0009 + FOLLOWED_UP)
    tables = ("matches", *MATCH_REFERRING)
    before = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    shape = _shape(conn, "matches")
    conn.close()

    with opened(vix_env) as store:
        conn = store.db.conn
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        for table, rows in before.items():
            assert _kept(conn, table) == rows, table
        now = _shape(conn, "matches")
        assert "id INTEGER PRIMARY KEY AUTOINCREMENT," in str(now["sql"])
        now["sql"] = str(now["sql"]).replace(" AUTOINCREMENT", "")
        assert now == shape
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # the highest id the table or its audit records named: match 3
        assert store.insert(NEW_MATCH) == 4
        store.execute("DELETE FROM matches WHERE id = 4")
        assert store.insert(NEW_MATCH) == 5
        # the references to the rebuilt table act as before
        store.execute("DELETE FROM matches WHERE id = 1")
        for table in ("match_members", "match_milestones", "escalations"):
            assert store.scalar(f"SELECT COUNT(*) FROM {table}") == 0, table
        assert [r[0] for r in store.rows("SELECT match_id FROM outbox")] == [None, None]


def vn(folded: str, born: str, sex: str) -> str:
    """The substitute number of a name folded to A-Z. Before 0011 vix folded the surname
    field alone ('de' + 'Vries': VRIES), since then infix and surname (DEVRIES)."""
    digest = hashlib.sha256(f"{folded}|{born}|{sex}".encode()).hexdigest()
    return "VN" + digest[:12].upper()


def test_0011_derives_substitute_numbers_again_with_the_infix(vix_env: Path) -> None:
    """Youths with an infix get the number of infix + surname, with a 'renumber' record;
    a number another registration holds stays as it was, and nothing is merged."""
    key = database_before(vix_env, "0011_substitute_numbers_read_the_infix")
    born = "2015-06-05"
    daan_old = vn("VRIES", born, "M")
    noor_old = vn("DIJK", born, "V")
    noor_other = vn("VANDIJK", born, "V")  # her second registration
    # a surname field that holds the infix of a longer name, and the youth whose new
    # number is that field's old one: the second must wait for the first to move on
    long_old = vn("DEBOER", "2016-01-01", "X")
    short_old = vn("BOER", "2016-01-01", "X")
    unchanged = vn("DEVRIES", "2014-02-02", "M")
    rows = [
        # id, number, kind, infix, surname, birth date, sex
        (1, daan_old, "substitute", "de", "Vries", born, "M"),
        (2, noor_old, "substitute", "van", "Dijk", born, "V"),
        (3, noor_other, "substitute", "", "van Dijk", born, "V"),
        (4, short_old, "substitute", "de", "Boer", "2016-01-01", "X"),
        (5, long_old, "substitute", "van", "de Boer", "2016-01-01", "X"),
        (6, unchanged, "substitute", "", "de Vries", "2014-02-02", "M"),
        (7, "123456782", "bsn", "de", "Vries", born, "M"),
    ]
    conn = sqlite3.connect(vix_env, isolation_level=None)
    conn.executemany(
        "INSERT INTO youths (id, bsn, id_kind, given_name, infix, surname, birth_date, sex,"
        " created_at, updated_at) VALUES (?, ?, ?, 'Kind', ?, ?, ?, ?, 'x', 'x')",
        rows,
    )
    old_key = hmac.new(key, daan_old.encode(), hashlib.sha256).hexdigest()[:32]
    conn.execute(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, subject)"
        " VALUES ('2026-01-01T09:00:00', NULL, 'create', 'youth', 1, ?)",
        (old_key,),
    )
    conn.close()

    # with the wrong key nothing is migrated: its pseudonyms would point nowhere
    right = key_path_for(vix_env).read_text()
    key_path_for(vix_env).write_text("00" * 32)
    with pytest.raises(DatabaseProblem, match="hoort niet bij deze database"):
        open_store(vix_env, NOW)
    key_path_for(vix_env).write_text(right)
    assert sqlite3.connect(vix_env).execute("SELECT bsn FROM youths WHERE id = 1").fetchone() == (
        daan_old,
    )

    with opened(vix_env) as store:
        assert [m.name for m in MIGRATIONS.applied(store.db)][-1] == MIGRATION_NAMES[-1]
        numbers = dict(store.rows("SELECT id, bsn FROM youths"))
        assert numbers == {
            1: vn("DEVRIES", born, "M"),
            2: noor_old,  # her number is her other registration's: kept, not merged
            3: noor_other,
            4: long_old,  # after youth 5 left it
            5: vn("VANDEBOER", "2016-01-01", "X"),
            6: unchanged,  # no infix: the rules agree
            7: "123456782",
        }
        assert store.scalar("SELECT updated_at FROM youths WHERE id = 1") == "2026-11-23T10:00:00"
        assert store.scalar("SELECT updated_at FROM youths WHERE id = 2") == "x"
        links = store.rows(
            "SELECT at, actor_id, entity, entity_id, subject, detail FROM audit_log"
            " WHERE action = 'renumber' ORDER BY entity_id"
        )
        assert [tuple(r) for r in links] == [
            (
                "2026-11-23T10:00:00",
                None,
                "youth",
                youth_id,
                store.pseudonym(numbers[youth_id]),
                json.dumps({"vorige_sleutel": store.pseudonym(old), "nummer": "substitute"}),
            )
            for youth_id, old in ((1, daan_old), (4, short_old), (5, long_old))
        ]
        # the inzage follows the new pseudonym back to what was logged under the old one
        assert json.loads(links[0]["detail"])["vorige_sleutel"] == old_key
        audit = " ".join(str(tuple(r)) for r in store.rows("SELECT * FROM audit_log"))
        assert "VN" not in audit


# -- the frozen copies of the rules migrations derive values with -------------------------
#
# A migration keeps doing what it did when it was written, so it carries its own copy of
# the rule it derives values with instead of calling the live one. These tests hold each
# copy against the live rule on a range of inputs. When one fails, the live rule changed:
# databases that already ran the migration hold values by the old rule. Leave the frozen
# copy as it is, write a new migration that brings the stored values to the new rule,
# and only then make this test expect the difference.

NAME_PARTS = ["", "de", "van", "van den", "'t", "Vries", "de Vries", "Dijk", "Çelik", "Ünal"]
NAME_PARTS += ["Ørsted", "El-Amrani", "O'Brien", "Ĳzerman", "ß", "123", " ", "ﬀ"]
SEXES = ["M", "V", "X", None]


def test_0027_s_frozen_longest_term_is_the_live_rule() -> None:
    from vix import db
    from vix.signals import MAX_SIGNAL_YEARS

    assert db._M0027_MAX_YEARS == MAX_SIGNAL_YEARS


def test_0011_s_frozen_substitute_number_is_the_live_rule() -> None:
    """Migration 0011 derives substitute numbers with its own frozen copy of the rule.

    Today it is `youths.substitute_number`. When the live rule changes, this test
    fails: do not edit the frozen copy, but write a new migration that derives the
    stored numbers by the new rule, and then update this test.
    """
    infixes = ["", "de", "van der", "d'", "Ten", "ĳ", "  "]
    births = [date(2015, 6, 5), date(2000, 2, 29), date(2023, 12, 31)]
    for infix, surname, born, sex in product(infixes, NAME_PARTS, births, SEXES):
        assert_same_substitute_number(infix, surname, born, sex)


@given(
    infix=st.text(max_size=8),
    surname=st.text(max_size=20),
    born=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    sex=st.sampled_from(SEXES),
)
@settings(max_examples=300, deadline=None)
def test_0011_s_frozen_substitute_number_agrees_on_any_text(
    infix: str, surname: str, born: date, sex: str | None
) -> None:
    assert_same_substitute_number(infix, surname, born, sex)


def assert_same_substitute_number(infix: str, surname: str, born: date, sex: str | None) -> None:
    frozen = _m0011_substitute_number(infix=infix, surname=surname, birth_date=born, sex=sex)
    try:
        live = substitute_number(infix=infix, surname=surname, birth_date=born, sex=sex)
    except InvalidInput:
        assert frozen is None, (infix, surname, born, sex)
    else:
        assert frozen == live, (infix, surname, born, sex)


HOUSES = ["12", "12 2", "12-2", "12a", "12 A", "12-a", "012", "0", "99999", "100000", "123456789"]
HOUSES += ["12 bis", "12 ABCDEF", "12 ABCDEFG", "12 a-b c", "a12", "", " ", "12--2", "1 2 3"]
POSTCODES = ["2011AB", "2011 ab", " 2011ab ", "0011AB", "2011A", "2011ABC", "", None, "ABCDEF"]


def test_0006_s_frozen_address_key_is_the_live_rule() -> None:
    """Migration 0006 makes address keys with its own frozen copy of `youths.address_key`;
    a change to the live rule needs a new migration, and then this test is updated."""
    for postcode, house in product(POSTCODES, [*HOUSES, None]):
        assert_same_address_key(postcode, house)


@given(
    postcode=st.one_of(st.none(), st.from_regex(r"[ 0-9]{0,5}[ a-zA-Z]{0,3}", fullmatch=True)),
    house=st.one_of(st.none(), st.text(alphabet="0123456789 -abAB/Ç", max_size=12)),
)
@settings(max_examples=300, deadline=None)
def test_0006_s_frozen_address_key_agrees_on_any_text(
    postcode: str | None, house: str | None
) -> None:
    assert_same_address_key(postcode, house)


def assert_same_address_key(postcode: str | None, house: str | None) -> None:
    try:
        live = address_key(postcode, house)
    except InvalidInput:
        with pytest.raises(ValueError):
            _m0006_address_key(postcode, house)
    else:
        assert _m0006_address_key(postcode, house) == live, (postcode, house)


@given(
    house=st.one_of(st.sampled_from(HOUSES), st.text(alphabet="0123456789 -abAB/Ç", max_size=14))
)
@settings(max_examples=300, deadline=None)
def test_0013_s_frozen_house_number_check_is_the_live_rule(house: str) -> None:
    """Migration 0013 keeps a stored house number its own frozen check accepts: today
    exactly what `youths.clean_house_number` accepts, typed or in its stored form. A
    change to the live rule needs a new migration, and then this test is updated."""
    try:
        stored = clean_house_number(house)
    except InvalidInput:
        assert not _m0013_house_number_ok(house), house
    else:
        assert _m0013_house_number_ok(house) and _m0013_house_number_ok(stored), house


@given(digest=st.binary(min_size=8, max_size=40))
def test_0002_s_frozen_key_as_int_is_the_live_rule(digest: bytes) -> None:
    """Migration 0002 turns parents' keys into integers with its own frozen copy of
    `db.key_as_int`; a change to the live rule needs a new migration, then this test."""
    assert _m0002_key_as_int(digest) == key_as_int(digest)


def test_0012_adds_the_pairs_kept_apart_to_an_existing_database(vix_env: Path) -> None:
    """A database at 0011 keeps its youths and gets the table of pairs judged two children:
    who and when, the two ids once and the lower first, gone with either youth."""
    conn = filled_before(
        vix_env,
        "0012_kept_apart",
        """
        INSERT INTO organisations (id, code, name, domain, created_at)
            VALUES (1, 'ZON', 'Zonnebloem', 'education', 'x');
        INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
            VALUES (1, 'ib@zon.nl', 'Ib', 1, 'signaller', 'x');
        INSERT INTO youths (id, bsn, id_kind, given_name, infix, surname, birth_date, sex,
                            created_at, updated_at)
            VALUES (1, 'VN000000000001', 'substitute', 'Noor', 'van', 'Dijk', '2016-02-01',
                    'V', 'x', 'x'),
                   (2, 'VN000000000002', 'substitute', 'Fleur', '', 'van Dijk', '2016-02-01',
                    'V', 'x', 'x'),
                   (3, 'VN000000000003', 'substitute', 'Lot', 'van der', 'Dijk', '2016-02-01',
                    'V', 'x', 'x');
        """,
    )
    youths = conn.execute("SELECT * FROM youths ORDER BY id").fetchall()
    conn.close()

    with opened(vix_env) as store:
        conn = store.db.conn
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        assert [tuple(r) for r in conn.execute("SELECT * FROM youths ORDER BY id")] == youths
        # nothing about the children: who judged, when, and the two registrations
        columns = [r[1] for r in conn.execute("PRAGMA table_info(kept_apart)")]
        assert columns == ["youth_id", "other_youth_id", "judged_by", "judged_at"]
        store.execute("INSERT INTO kept_apart VALUES (1, 2, 1, '2026-11-23T10:00:00')")
        store.execute("INSERT INTO kept_apart VALUES (2, 3, 1, '2026-11-23T10:00:00')")
        for bad in (
            "(2, 1, 1, 'x')",  # the lower id first: one row per pair
            "(1, 2, 1, 'x')",  # once
            "(1, 1, 1, 'x')",  # a youth is not kept apart from itself
            "(1, 99, 1, 'x')",  # an erased youth
            "(1, 3, 99, 'x')",  # nobody
        ):
            with pytest.raises(sqlite3.IntegrityError):
                store.execute(f"INSERT INTO kept_apart VALUES {bad}")
        plan = " ".join(
            r[3]
            for r in store.rows(
                "EXPLAIN QUERY PLAN SELECT 1 FROM kept_apart WHERE other_youth_id = 2"
            )
        )
        assert "kept_apart_other" in plan  # the cascade from an erased youth finds its rows
        store.execute("DELETE FROM youths WHERE id = 2")  # erasure cascades, either side
        assert store.scalar("SELECT COUNT(*) FROM kept_apart") == 0
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_0014_indexes_birth_dates_of_an_existing_database(vix_env: Path) -> None:
    """A database at 0013 keeps its youths and gets the index through which the nightly
    `vix onderhoud` finds who turned 23, instead of reading every youth."""
    database_before(vix_env, "0014_youths_birth_index")
    conn = sqlite3.connect(vix_env, isolation_level=None)
    conn.execute(
        "INSERT INTO youths (id, bsn, given_name, surname, birth_date, created_at, updated_at)"
        " VALUES (1, '123456782', 'Kind', 'Vries', '2003-11-23', 'x', 'x')"
    )
    conn.close()

    with opened(vix_env) as store:
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        plan = " ".join(
            r[3]
            for r in store.rows(
                "EXPLAIN QUERY PLAN SELECT id FROM youths WHERE birth_date <= '2003-11-24'"
            )
        )
        assert "youths_birth" in plan
        assert store.scalar("SELECT id FROM youths WHERE birth_date <= '2003-11-24'") == 1


def test_0016_counts_archive_entries_from_then_on(vix_env: Path) -> None:
    """A database at 0014 gets the counters for archived signals that go; an archived
    signal it holds stays archived and is counted when it goes. What went before
    the migration left nothing to count: the table starts empty."""
    conn = filled_before(
        vix_env,
        "0016_archive_deletions",
        """
        INSERT INTO organisations (id, code, name, domain, created_at)
            VALUES (1, 'ZON', 'Zonnebloem', 'education', 'x');
        INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
            VALUES (1, 'ib@zon.nl', 'Ib', 1, 'signaller', 'x');
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, created_at, updated_at)
            VALUES (1, '123456782', 'Kind', 'Vries', '2015-01-01', 'x', 'x');
        INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                             planned_removal, parents_informed_on, status, ended_at,
                             end_reason, archive_until)
            VALUES (1, 1, 1, 1, '2021-03-01T10:00:00', '2023-03-01', '2021-03-01', 'ended',
                    '2021-09-14T10:00:00', 'resolved', '2026-09-14');
        """,
    )
    conn.close()

    with opened(vix_env) as store:
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        assert store.scalar("SELECT COUNT(*) FROM archive_deletions") == 0
        assert store.scalar("SELECT status FROM signals WHERE id = 1") == "ended"
        with store.transaction():
            assert expire_signals(store, None) == (0, 0, 1)
        rows = [tuple(r) for r in store.rows("SELECT * FROM archive_deletions")]
        assert rows == [(1, "2021-03", "2021-09", "resolved", 1)]
        assert store.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_0017_keeps_every_member_and_lets_a_signal_come_back_in_a_new_period(
    vix_env: Path,
) -> None:
    """A database from before 0017 keeps its member rows, each a period; after it a signal
    that left a match can join it again in a second period, never in two open ones."""
    conn = filled_before(vix_env, "0017_match_members_keep_each_period", AT_0009)
    conn.execute("UPDATE match_members SET left_at = '2026-11-24T09:00:00' WHERE signal_id = 2")
    before = conn.execute("SELECT * FROM match_members").fetchall()
    conn.close()

    with opened(vix_env) as store:
        conn = store.db.conn
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        assert [tuple(r) for r in conn.execute("SELECT * FROM match_members")] == before
        again = (
            "INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id,"
            " joined_at) VALUES (1, 2, 2, 2, ?)"
        )
        store.execute(again, ("2026-11-26T09:00:00",))
        with pytest.raises(sqlite3.IntegrityError):  # a second open period of signal 2
            store.execute(again, ("2026-11-27T09:00:00",))
        periods = "SELECT joined_at, left_at FROM match_members WHERE signal_id = 2"
        assert [tuple(r) for r in conn.execute(periods)] == [
            ("2026-11-20T10:00:00", "2026-11-24T09:00:00"),
            ("2026-11-26T09:00:00", None),
        ]
        plan = " ".join(
            r[3]
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT 1 FROM match_members WHERE signal_id = 2"
            )
        )
        assert "match_members_signal" in plan
        store.execute("DELETE FROM signals WHERE id = 2")  # both periods go with the signal
        assert store.scalar("SELECT COUNT(*) FROM match_members") == 1
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


BEFORE_0018 = "0018_signals_end_as_transferred"
# signal 8, with a higher id than any left, was deleted: the sequence stands at 8
EIGHT_DELETED = """
    INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                         planned_removal, parents_informed_on, status, ended_at)
        VALUES (8, 1, 1, 1, 'x', 'x', 'x', 'ended', 'x');
    DELETE FROM signals WHERE id = 8;
"""
TRANSFERRED = (
    "INSERT INTO signals (youth_id, professional_id, organisation_id, placed_at,"
    " planned_removal, parents_informed_on, status, ended_at, end_reason)"
    " VALUES (1, 1, 1, 'x', 'x', 'x', 'ended', 'x', ?)"
)


def _at_0017(path: Path) -> tuple[dict[str, list[Any]], dict[str, object]]:
    """A database at 0017 with signals that others refer to: its rows and signals' shape."""
    conn = filled_before(path, BEFORE_0018, AT_0009 + EIGHT_DELETED)
    try:
        rows = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in ("signals", *REFERRING)}
        return rows, _shape(conn, "signals")
    finally:
        conn.close()


def _allows_transferred(store: Store, shape: dict[str, object]) -> None:
    """signals as before, but for the CHECK on end_reason, which now takes 'transferred'."""
    now = _shape(store.db.conn, "signals")
    sql = str(now["sql"])
    assert "end_reason TEXT CHECK(end_reason IN('resolved','expired','transferred'))," in sql
    now["sql"] = sql.replace(",'transferred'", "")
    assert now == shape
    assert store.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'signals'") == 8
    assert store.insert(TRANSFERRED, ("transferred",)) == 9  # 8 is never given again
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        store.insert(TRANSFERRED, ("moved",))


def test_0018_lets_a_signal_end_as_transferred_on_an_existing_database(vix_env: Path) -> None:
    """A database at 0017 keeps every row, reference, index and the sequence of signals;
    only end_reason's CHECK takes one value more, at once (in place, no copy)."""
    before, shape = _at_0017(vix_env)
    conn = sqlite3.connect(vix_env, isolation_level=None)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute(TRANSFERRED, ("transferred",))
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()

    with opened(vix_env) as store:
        conn = store.db.conn
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        for table, rows in before.items():
            assert _kept(conn, table) == rows, table
        # edited in place: one schema change, no second copy of the table (and one more
        # for each column 0020, 0021 and 0025 add to outbox and 0026 and 0028 to pupils,
        # for the table 0022 adds, with its page, and for the index 0030 adds, with its)
        assert conn.execute("PRAGMA schema_version").fetchone()[0] == version + 10
        assert conn.execute("PRAGMA page_count").fetchone()[0] == pages + 2
        _allows_transferred(store, shape)
    conn = sqlite3.connect(vix_env)  # another connection reads the new definition
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        with pytest.raises(sqlite3.IntegrityError, match="'transferred'"):
            conn.execute(TRANSFERRED, ("moved",))
    finally:
        conn.close()


def _defensive(conn: sqlite3.Connection) -> None:
    """SQLite's defensive mode, which some builds have on by default: no edits of
    sqlite_master. Python 3.12 sets it with setconfig; on 3.11 through the C API, with
    the connection's handle (CPython: the field after the object header)."""
    if hasattr(conn, "setconfig"):
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
        return
    handle = ctypes.c_void_p.from_address(id(conn) + 2 * ctypes.sizeof(ctypes.c_void_p))
    config = ctypes.CDLL(_sqlite3.__file__).sqlite3_db_config
    config.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
    on = ctypes.c_int(-1)
    assert config(handle, 1010, 1, ctypes.byref(on)) == 0  # SQLITE_DBCONFIG_DEFENSIVE
    assert on.value == 1


def test_0018_rebuilds_signals_where_sqlite_refuses_to_edit_its_schema(vix_env: Path) -> None:
    """A defensive SQLite refuses the in-place edit: the table is rebuilt as 0010 did, to
    the same definition, rows, references, indexes and sequence."""
    before, shape = _at_0017(vix_env)
    db = Database(sqlite3.connect(vix_env, isolation_level=None))
    _defensive(db.conn)
    db.conn.execute("PRAGMA writable_schema = ON")  # ignored now
    with pytest.raises(sqlite3.OperationalError, match="may not be modified"):
        db.conn.execute("UPDATE sqlite_master SET sql = sql WHERE name = 'signals'")
    db.conn.execute("PRAGMA writable_schema = OFF")
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    MIGRATIONS.apply(db)
    assert db.conn.execute("PRAGMA page_count").fetchone()[0] > pages  # a copy was made
    db.close()

    with opened(vix_env) as store:
        conn = store.db.conn
        for table, rows in before.items():
            assert _kept(conn, table) == rows, table
        _allows_transferred(store, shape)
        with pytest.raises(sqlite3.IntegrityError):  # the references to signals still act
            store.execute("DELETE FROM youths WHERE id = 1")
        store.execute("DELETE FROM signals WHERE id = 1")
        assert store.scalar("SELECT COUNT(*) FROM match_members") == 1


def test_0018_refuses_a_signals_table_it_does_not_know(vix_env: Path) -> None:
    """A definition edited by hand is not guessed at: refused, nothing changed."""
    database_before(vix_env, BEFORE_0018)
    conn = sqlite3.connect(vix_env, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")  # someone allowed a reason of his own
    conn.execute(
        "UPDATE sqlite_master SET sql = replace(sql, \"'expired')\", \"'expired', 'moved')\")"
        " WHERE name = 'signals'"
    )
    conn.close()
    conn = sqlite3.connect(vix_env, isolation_level=None)
    shape = _shape(conn, "signals")
    conn.close()

    with pytest.raises(DatabaseProblem, match=r"0018.*niets gewijzigd"):
        open_store(vix_env, NOW)
    conn = sqlite3.connect(vix_env)
    try:
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
        assert applied == MIGRATION_NAMES[: MIGRATION_NAMES.index(BEFORE_0018)]
        assert _shape(conn, "signals") == shape
    finally:
        conn.close()


def _escalation_notice(outbox_id: int, kind: str, match: int, to: int | None, status: str) -> str:
    recipient = "NULL" if to is None else str(to)
    return (
        "INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,"
        " recipient_email, subject, body, message_id, status) VALUES"
        f" ({outbox_id}, '2026-11-30T07:30:00', '{kind}', {match}, {recipient}, 'X',"
        f" 'x@x.nl', 'Stagneert', 'Match {match}', '<{outbox_id}@vix.invalid>', '{status}');"
    )


def test_0019_withdraws_the_escalation_notices_an_older_vix_left_unsent(vix_env: Path) -> None:
    """An outbox from before 0019 loses the unsent escalation notices of a match that ended
    and the level-1 notice to the manager of an organisation that left an open match,
    each audited as a withdrawal; everything else stays as it was."""
    conn = filled_before(
        vix_env,
        "0019_moot_escalation_notices_withdrawn",
        AT_0009
        + """
        INSERT INTO organisations (id, code, name, domain, created_at)
            VALUES (3, 'JH', 'Jeugdhulp', 'youth_care', 'x');
        INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
            VALUES (3, 'dir@zon.nl', 'Dir', 1, 'org_manager', 'x'),
                   (4, 'dir@jh.nl', 'Baas', 3, 'org_manager', 'x'),
                   (5, 'co@regio.nl', 'Co', NULL, 'coordinator', 'x');
        INSERT INTO matches (id, kind, youth_id, municipality_id, created_at, ended_at)
            VALUES (2, 'youth', 1, 1, '2026-11-01T10:00:00', '2026-11-30T09:00:00');
        """
        + _escalation_notice(10, "escalatie_1", 1, 3, "queued")  # ZON is in match 1: stays
        + _escalation_notice(11, "escalatie_1", 1, 4, "queued")  # JH is not: goes
        + _escalation_notice(12, "escalatie_2", 1, 5, "queued")  # open match: stays
        + _escalation_notice(13, "escalatie_2", 2, 5, "queued")  # ended: goes
        + _escalation_notice(14, "escalatie_3", 2, None, "failed")  # ended, never arrived: goes
        + _escalation_notice(15, "escalatie_1", 2, 3, "sent")  # sent is sent
        + _escalation_notice(16, "escalatie_1", 2, 4, "sending")  # may have arrived
        + _escalation_notice(17, "match_beeindigd", 2, 1, "queued"),  # not an escalation
    )
    conn.close()

    with opened(vix_env) as store:
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        left = [r[0] for r in store.rows("SELECT id FROM outbox ORDER BY id")]
        assert left == [1, 2, 10, 12, 15, 16, 17]
        audited = [
            (r["entity_id"], json.loads(r["detail"]), r["at"])
            for r in store.rows(
                "SELECT entity_id, detail, at FROM audit_log WHERE action = 'withdraw'"
                " AND entity = 'notice' ORDER BY id"
            )
        ]
        stamp = NOW.isoformat(timespec="seconds")
        assert audited == [
            (11, {"reden": "organisation_left", "match": 1}, stamp),
            (13, {"reden": "match_ended", "match": 2}, stamp),
            (14, {"reden": "match_ended", "match": 2}, stamp),
        ]
        assert store.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []


# a youth care organisation with two signallers on the youth of AT_0009's match 1
TWO_CARERS_0021 = """
        INSERT INTO organisations (id, code, name, domain, created_at)
            VALUES (3, 'JH', 'Jeugdhulp', 'youth_care', 'x');
        INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
            VALUES (3, 'hulp@jh.nl', 'Hulp', 3, 'signaller', 'x'),
                   (4, 'ander@jh.nl', 'Ander', 3, 'signaller', 'x');
        INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                             planned_removal, parents_informed_on, status)
            VALUES (8, 1, 3, 3, '2026-11-21T10:00:00', '2028-11-21', '2026-11-21', 'active'),
                   (9, 1, 4, 3, '2026-11-21T09:00:00', '2028-11-21', '2026-11-21', 'active');
"""


def test_0021_records_whom_a_notice_names_on_an_existing_database(vix_env: Path) -> None:
    """An outbox from before 0021 keeps every row and gets, on each notice that names the
    members, whom it named as vix read it until then: the members at the time it was
    queued but its recipient (who left since, or joined after, too). End notices name
    nobody: NULL. A match notice queued after it records the other members it lists."""
    conn = filled_before(
        vix_env,
        "0021_outbox_named",
        AT_0009
        + TWO_CARERS_0021
        + """
        INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id,
                                   joined_at, left_at)
            VALUES (1, 8, 3, 3, '2026-11-21T10:00:00', NULL),
                   (1, 9, 4, 3, '2026-11-21T09:00:00', '2026-11-21T12:00:00');
        """
        + "".join(
            f"""
        INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,
                            recipient_email, subject, body, message_id, status)
            VALUES ({i}, '{at}', '{kind}', {match}, {to}, 'X', 'x@x.nl', 'S', 'B',
                    '<{i}@vix.invalid>', 'sent');"""
            for i, at, kind, match, to in [
                (3, "2026-11-20T10:00:00", "match_nieuw", 1, 1),
                (4, "2026-11-21T10:00:00", "match_gewijzigd", 1, 3),  # 4 is in, for now
                (5, "2026-11-22T10:00:00", "match_gewijzigd", 1, 2),  # 4 left, 3 came
                (6, "2026-11-22T10:00:00", "match_beeindigd", 1, 1),  # names nobody
                (7, "2026-11-22T10:00:00", "match_nieuw", "NULL", 1),  # its match is gone
            ]
        ),
    )
    before = conn.execute("SELECT * FROM outbox ORDER BY id").fetchall()
    conn.close()

    with opened(vix_env) as store:
        assert [m.name for m in MIGRATIONS.applied(store.db)] == MIGRATION_NAMES
        after = store.db.conn.execute("SELECT * FROM outbox ORDER BY id").fetchall()
        # `named`, then 0025's `claimed_until` (NULL: nothing was 'sending')
        assert [tuple(r)[:-2] for r in after] == [tuple(r) for r in before]
        assert {r[-1] for r in after} == {None}
        named = {r[0]: r[-2] for r in after}
        assert named == {1: None, 2: None, 3: "[2]", 4: "[1, 2, 4]", 5: "[1, 3]", 6: None, 7: None}
        with store.transaction():
            store.execute(
                "UPDATE signals SET status = 'ended', ended_at = ?, end_reason = 'resolved'"
                " WHERE id IN (8, 9)",
                (store.stamp,),
            )
            notices.queue_for_changes(store, matching.reconcile(store, [1]), None)
        queued = {
            (r["recipient_id"], r["kind"]): r["named"]
            for r in store.rows("SELECT recipient_id, kind, named FROM outbox WHERE id > 7")
        }
        assert queued == {(1, "match_gewijzigd"): "[2]", (2, "match_gewijzigd"): "[1]"}


def test_0021_s_frozen_members_are_the_live_rule(vix_env: Path) -> None:
    """Migration 0021 records whom an older notice named with its own frozen copy of
    `notices.members_at` (without the recipient): at every moment around members joining,
    leaving and coming back, the same professionals. A change to the live rule needs
    a new migration, and then this test is updated."""
    conn = filled_before(
        vix_env,
        "0021_outbox_named",
        AT_0009
        + TWO_CARERS_0021
        + """
        INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id,
                                   joined_at, left_at)
            VALUES (1, 8, 3, 3, '2026-11-21T10:00:00', '2026-11-22T10:00:00'),
                   (1, 8, 3, 3, '2026-11-23T10:00:00', NULL),
                   (1, 9, 4, 3, '2026-11-21T09:00:00', '2026-11-21T12:00:00');
        """,
    )
    conn.close()
    with opened(vix_env) as store:
        stamps = {
            datetime.fromisoformat(stamp)
            for r in store.rows("SELECT joined_at, left_at FROM match_members")
            for stamp in (r["joined_at"], r["left_at"])
            if stamp is not None
        }
        moments = sorted((s + timedelta(seconds=d)).isoformat() for s in stamps for d in (-1, 0, 1))
        for at, recipient in product(moments, [1, 2, 3, 4]):
            frozen = [r[0] for r in store.rows(_M0021_NAMED, (1, at, at, recipient))]
            live = notices.members_at(store, 1, at) - {recipient}
            assert frozen == sorted(live), (at, recipient)
        # before the match, and with two, three and four members at once
        assert {len(notices.members_at(store, 1, at)) for at in moments} == {0, 2, 3, 4}


def test_0010_with_a_broken_reference_changes_nothing(vix_env: Path) -> None:
    """A member row whose signal is missing: the upgrade is refused as a whole, nothing moved."""
    conn = filled_before(vix_env, "0010_signal_and_notice_ids_are_never_reused", AT_0009)
    conn.execute("INSERT INTO match_members VALUES (1, 99, 1, 1, 'x', NULL)")
    before = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in REBUILT}
    shapes = {t: _shape(conn, t) for t in REBUILT}
    conn.close()

    with pytest.raises(DatabaseProblem, match="0010"):
        open_store(vix_env, NOW)
    conn = sqlite3.connect(vix_env)
    try:
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
        before_0010 = MIGRATION_NAMES.index("0010_signal_and_notice_ids_are_never_reused")
        assert applied == MIGRATION_NAMES[:before_0010]
        assert {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in REBUILT} == before
        assert {t: _shape(conn, t) for t in REBUILT} == shapes
    finally:
        conn.close()


def test_0015_with_a_member_of_a_missing_match_changes_nothing(vix_env: Path) -> None:
    """The check after rebuilding matches looks only at references to matches (a whole
    database check holds the write lock for most of a minute at national size), but
    those it does check: a member row of a match that is not there refuses the upgrade."""
    conn = filled_before(vix_env, "0015_match_ids_are_never_reused", AT_0009)
    conn.execute("INSERT INTO match_members VALUES (99, 1, 1, 1, 'x', NULL)")
    before = conn.execute("SELECT * FROM matches").fetchall()
    shape = _shape(conn, "matches")
    conn.close()

    with pytest.raises(DatabaseProblem, match=r"\(0015\) laat 1 verwijzingen zonder doel"):
        open_store(vix_env, NOW)
    conn = sqlite3.connect(vix_env)
    try:
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
        assert (
            applied == MIGRATION_NAMES[: MIGRATION_NAMES.index("0015_match_ids_are_never_reused")]
        )
        assert conn.execute("SELECT * FROM matches").fetchall() == before
        assert _shape(conn, "matches") == shape
    finally:
        conn.close()


def test_a_new_database_gives_signal_notice_and_match_ids_once(vix: Runner, vix_env: Path) -> None:
    """Fresh: signals and outbox count up for good; youths keep plain rowids (the import)."""
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    conn = sqlite3.connect(vix_env)
    try:
        tables = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        counting = {name for name, sql in tables.items() if "AUTOINCREMENT" in sql}
        assert counting == {"signals", "outbox", "matches"}
        assert conn.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name").fetchall() == [
            ("matches", 0),
            ("outbox", 0),
            ("signals", 0),
        ]
    finally:
        conn.close()


def test_foreign_file_is_refused(vix: Runner, vix_env: Path) -> None:
    vix_env.write_text("dit is geen database\n" * 100)
    result = vix("signalen", als=ADMIN)
    assert result.exit_code == 1
    assert "geen" in result.stderr and "database" in result.stderr
    assert "Traceback" not in result.output


def test_other_sqlite_file_is_refused(vix: Runner, vix_env: Path) -> None:
    conn = sqlite3.connect(vix_env)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    result = vix("signalen", als=ADMIN)
    assert result.exit_code == 1
    assert "geen vix-database" in result.stderr
    names = {r[0] for r in sqlite3.connect(vix_env).execute("SELECT name FROM sqlite_master")}
    assert names == {"t"}, "a foreign file must not be migrated"
    mode = sqlite3.connect(vix_env).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "delete", "nor switched to WAL"


def test_empty_file_is_refused_and_left_empty(vix: Runner, vix_env: Path) -> None:
    vix_env.touch()
    result = vix("signalen", als=ADMIN)
    assert result.exit_code == 1 and "geen vix-database" in result.stderr
    assert vix_env.stat().st_size == 0


def test_database_of_a_newer_vix_is_left_alone(vix: Runner, vix_env: Path) -> None:
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    with sqlite3.connect(vix_env) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('vix', '0099_from_the_future', '2027-01-01')"
        )
    result = vix("signalen", als=ADMIN)
    assert result.exit_code == 1 and "nieuwere versie van vix" in result.stderr


def test_missing_database_is_explained(vix: Runner) -> None:
    result = vix("signalen", als=ADMIN)
    assert result.exit_code == 1
    assert "vix init" in result.stderr


def test_wrong_or_missing_key_is_refused(
    vix: Runner, vix_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    monkeypatch.setenv("VIX_SLEUTEL", str(tmp_path / "elders.sleutel"))
    missing = vix("signalen", als=ADMIN)
    assert missing.exit_code == 1 and "ontbreekt" in missing.stderr
    (tmp_path / "elders.sleutel").write_text("00" * 32 + "\n")
    wrong = vix("signalen", als=ADMIN)
    assert wrong.exit_code == 1 and "hoort niet bij deze database" in wrong.stderr
    with pytest.raises(DatabaseProblem):
        open_store(vix_env, NOW)


FORBIDDEN_COLUMN_WORDS = (
    "reason",
    "risk",
    "note",
    "remark",
    "category",
    "concern",
    "worry",
    "comment",
    "description",
    "content",
)


def test_no_column_can_hold_a_worry(vix: Runner, vix_env: Path) -> None:
    """Rule 3: no field for a reason, risk category or note about a youth.

    The one exception is rule 4's documented argument for not informing parents.
    """
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    conn = sqlite3.connect(vix_env)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    offending = []
    for table in tables:
        for column in conn.execute(f"PRAGMA table_info({table})"):
            name = column[1]
            if any(word in name for word in FORBIDDEN_COLUMN_WORDS) and (
                (table, name) != ("signals", "parents_not_informed_reason")
                and (table, name) != ("signals", "end_reason")
                and (table, name) != ("signal_deletions", "reason")
                and (table, name) != ("archive_deletions", "end_reason")
            ):
                offending.append(f"{table}.{name}")
    assert offending == []


def test_0013_drops_house_numbers_beyond_the_limits(vix: Runner, vix_env: Path) -> None:
    """A BSN typed as a house number before the limits held is stored in clear, in the
    house number and the address key: 0013 clears both, logged on the youth."""
    database_before(vix_env, "0013_house_numbers_within_limits")
    conn = sqlite3.connect(vix_env, isolation_level=None)
    conn.executemany(
        "INSERT INTO youths (id, bsn, given_name, surname, birth_date, postcode, house_number,"
        " address_key, created_at, updated_at) VALUES (?, ?, 'Kind', 'Vries', '2015-01-01',"
        " '2011AB', ?, ?, 'x', 'x')",
        [
            (1, "111222333", "123456782", "2011AB-123456782"),  # a mother's BSN
            (2, "111222357", "12-A", "2011AB-12-A"),
            (3, "111222370", "12-ABCDEFG", "2011AB-12-ABCDEFG"),  # addition of 7
            (4, "111222382", "99999-ABCDEF", "2011AB-99999-ABCDEF"),  # at both limits
        ],
    )
    conn.execute(
        "INSERT INTO professionals (email, name, role, created_at)"
        " VALUES ('coordinator@regio.nl', 'Carla', 'coordinator', 'x')"
    )
    conn.close()

    z = as_json(vix("inzage", "--bsn", "111222333", "--json", als="coordinator@regio.nl"))
    rows = db_rows(vix_env, "SELECT id, postcode, house_number, address_key FROM youths")
    assert [tuple(r) for r in rows] == [
        (1, "2011AB", None, None),
        (2, "2011AB", "12-A", "2011AB-12-A"),
        (3, "2011AB", None, None),
        (4, "2011AB", "99999-ABCDEF", "2011AB-99999-ABCDEF"),
    ]
    dropped = db_rows(
        vix_env,
        "SELECT actor_id, entity_id, detail FROM audit_log WHERE action = 'address_dropped'"
        " ORDER BY entity_id",
    )
    assert [tuple(r) for r in dropped] == [
        (None, 1, '{"velden": ["house_number"]}'),
        (None, 3, '{"velden": ["house_number"]}'),
    ]
    everything = json.dumps(z) + " ".join(
        str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log")
    )
    assert "123456782" not in everything
    assert "ongeldig huisnummer verwijderd" in json.dumps(z, ensure_ascii=False)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_key_path_that_is_no_file_is_refused_not_read(
    vix: Runner, vix_env: Path, tmp_path: Path, kind: str
) -> None:
    """A pipe would hang the command (cron waits for ever) and /dev/zero fill memory."""
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    if kind == "fifo":
        key = tmp_path / "pijp"
        os.mkfifo(key)
    else:
        key = Path("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-m", "vix", "signalen"],
        env={**os.environ, "VIX_SLEUTEL": str(key), "VIX_GEBRUIKER": ADMIN},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert f"Het sleutelbestand {key} is geen gewoon bestand" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("regio", "message"),
    [
        ("Kennemer\x1b[2Jland", "De naam van de regio bevat een regeleinde, tab of ander"),
        ("Kennemerland\nBcc: a@b.nl", "De naam van de regio bevat een regeleinde, tab of ander"),
        ("  ", "Geef de naam van de regio, bijvoorbeeld Kennemerland."),
        ("Regio 123456782", "De naam van de regio bevat een nummer"),
    ],
)
def test_init_checks_the_region_name_as_the_setting_does(
    vix: Runner, vix_env: Path, regio: str, message: str
) -> None:
    # it stored the name unchecked, and it then stood raw in every notice, inzage header
    # and 'instelling lijst'; 'instelling zet regio_naam' refused the same value
    result = vix("init", "--naam", "F. Beheer", "--email", ADMIN, "--regio", regio)
    assert result.exit_code == 1
    assert message in result.stderr
    assert list(vix_env.parent.iterdir()) == []  # no database or key file made
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN, "--regio", " Kennemerland "))
    names = db_rows(vix_env, "SELECT value FROM settings WHERE key = 'regio_naam'")
    assert [r[0] for r in names] == ['"Kennemerland"']


# two homes whose address key was one before 0006 ('12' + '2' and '122'), and a true family
FAMILY_BEFORE_0022 = """
    INSERT INTO municipalities (id, code, name) VALUES (1, 'HAARLEM', 'Haarlem');
    INSERT INTO organisations (id, code, name, domain, created_at)
        VALUES (1, 'ZON', 'Zonnebloem', 'education', 'x'), (2, 'JGZ', 'JGZ', 'youth_health', 'x');
    INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
        VALUES (1, 'ib@zon.nl', 'Ib', 1, 'signaller', 'x'),
               (2, 'arts@jgz.nl', 'Arts', 2, 'signaller', 'x');
    INSERT INTO youths (id, bsn, given_name, surname, birth_date, municipality_id, postcode,
                        house_number, address_key, created_at, updated_at)
        VALUES (1, '111222333', 'Cees', 'Bakker', '2014-01-01', 1, '2011AB', '12-2',
                '2011AB-12-2', 'x', 'x'),
               (2, '100012504', 'Dina', 'Jansen', '2013-02-02', 1, '2011AB', '122',
                '2011AB-122', 'x', 'x'),
               (3, '123456782', 'Eva', 'Smit', '2014-03-03', 1, '2012CD', '5', '2012CD-5',
                'x', 'x'),
               (4, '234567891', 'Finn', 'Smit', '2016-04-04', 1, '2012CD', '5', '2012CD-5',
                'x', 'x');
    INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                         planned_removal, parents_informed_on, status)
        VALUES (1, 1, 1, 1, '2026-11-20T09:00:00', '2028-11-20', '2026-11-20', 'active'),
               (2, 2, 2, 2, '2026-11-20T10:00:00', '2028-11-20', '2026-11-20', 'active'),
               (3, 3, 1, 1, '2026-11-20T09:00:00', '2028-11-20', '2026-11-20', 'active'),
               (4, 4, 2, 2, '2026-11-20T10:00:00', '2028-11-20', '2026-11-20', 'active');
    INSERT INTO matches (id, kind, youth_id, municipality_id, created_at, director_id)
        VALUES (1, 'family', NULL, 1, '2026-11-20T10:00:00', 2),
               (2, 'family', NULL, 1, '2026-11-20T10:00:00', 2);
    INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id, joined_at)
        VALUES (1, 1, 1, 1, '2026-11-20T10:00:00'), (1, 2, 2, 2, '2026-11-20T10:00:00'),
               (2, 3, 1, 1, '2026-11-20T10:00:00'), (2, 4, 2, 2, '2026-11-20T10:00:00');
"""


def test_0022_ends_a_family_match_that_an_old_address_key_made(vix_env: Path) -> None:
    """A family match between 12-2 and 122 (one key before 0006) survived the upgrade:
    both professionals kept seeing each other in it. The first opening after 0022 ends
    it as the live rule ends a match whose family link went, and tells both members;
    a true family's match stays as it was. Opening again changes nothing."""
    conn = filled_before(vix_env, "0022_family_matches_to_check", FAMILY_BEFORE_0022)
    conn.close()

    with opened(vix_env) as store:
        ends = store.rows("SELECT id, ended_at FROM matches ORDER BY id")
        assert [tuple(r) for r in ends] == [(1, NOW.isoformat(timespec="seconds")), (2, None)]
        assert not matching.can_see(store, 1, 1) and not matching.can_see(store, 1, 2)
        told = store.rows("SELECT recipient_id, kind, match_id FROM outbox ORDER BY recipient_id")
        assert [tuple(r) for r in told] == [(1, "match_beeindigd", 1), (2, "match_beeindigd", 1)]
        named = store.rows("SELECT outbox_id, youth_id FROM outbox_youths ORDER BY outbox_id")
        assert [r["youth_id"] for r in named] == [1, 2]  # each its own youth, not the other
        assert store.scalar("SELECT count(*) FROM family_match_checks") == 0
        assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'end'") == 1
    open_store(vix_env, NOW).close()
    assert db_rows(vix_env, "SELECT count(*) FROM outbox")[0][0] == 2


def test_0022_withdraws_the_unsent_introductions_of_a_match_that_was_no_family(
    vix_env: Path,
) -> None:
    """A 'nieuwe match' notice of the false match, still queued at the upgrade, went out
    after it: it told Ib of a colleague involved with "a member of the family" of an
    unrelated home. It is withdrawn, and so is the director's notice (Arts), which
    listed Ib with his or her contact details; one already sent stays sent, and the true
    family's queued notice goes as before. Both members hear that the false match ended."""
    conn = filled_before(
        vix_env,
        "0022_family_matches_to_check",
        FAMILY_BEFORE_0022
        + "".join(
            f"""
        INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,
                            recipient_email, subject, body, message_id, status)
            VALUES ({i}, '2026-11-20T10:00:00', '{kind}', {match}, {to}, 'X',
                    'x@x.nl', 'S', 'B', '<{i}@vix.invalid>', '{status}');"""
            for i, kind, match, to, status in [
                (1, "match_nieuw", 1, 1, "queued"),
                (2, "match_nieuw", 1, 2, "sent"),
                (3, "match_nieuw", 2, 1, "queued"),
                (4, "regie_regisseur", 1, 2, "queued"),
            ]
        ),
    )
    conn.close()

    with opened(vix_env) as store:
        kept = store.rows("SELECT id, kind, match_id, recipient_id, status FROM outbox ORDER BY id")
        assert [tuple(r) for r in kept] == [
            (2, "match_nieuw", 1, 2, "sent"),
            (3, "match_nieuw", 2, 1, "queued"),
            (5, "match_beeindigd", 1, 1, "queued"),
            (6, "match_beeindigd", 1, 2, "queued"),
        ]
        withdrawn = store.rows("SELECT entity_id, detail FROM audit_log WHERE action = 'withdraw'")
        # the regie notice goes with the match that ended, as after any ending
        # (followup.drop_moot_escalations); the introduction as a false link's
        assert sorted((r[0], json.loads(r[1])["reden"]) for r in withdrawn) == [
            (1, "false_family_link"),
            (4, "match_ended"),
        ]


def test_0022_ends_what_rule_15_ended_first_and_the_command_says_what_it_did(
    vix: Runner, vix_env: Path
) -> None:
    """Gijs, at 12-2 as Cees, is on a signal past its planned removal that no
    onderhoud ended yet: it kept the old match alive, and both members heard of a
    change, then of its end the next night. The signal ends first (rule 15), the
    match ends, and whoever runs the first command after the upgrade reads what
    it did. The notices say why a family match ends without claiming that a
    signal went."""
    conn = filled_before(
        vix_env,
        "0022_family_matches_to_check",
        FAMILY_BEFORE_0022
        + """
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, municipality_id,
                            postcode, house_number, address_key, created_at, updated_at)
            VALUES (5, '100000009', 'Gijs', 'Bakker', '2015-05-05', 1, '2011AB', '12-2',
                    '2011AB-12-2', 'x', 'x');
        INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                             planned_removal, parents_informed_on, status)
            VALUES (6, 5, 2, 2, '2024-06-01T10:00:00', '2026-06-01', '2024-06-01', 'active');
        INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id,
                                   joined_at)
            VALUES (1, 6, 2, 2, '2026-11-20T10:00:00');
        """,
    )
    conn.close()

    done = ok(vix("signalen", als="ib@zon.nl", now=NOW.isoformat()))
    assert done.stderr.strip() == (
        "Bij het bijwerken van de database naar deze versie van vix: 1 gezinsmatch op een "
        "oude adreskoppeling beëindigd of gewijzigd, 2 berichten aan de betrokkenen "
        "klaargezet (vix berichten)."
    )
    assert db_rows(vix_env, "SELECT status FROM signals WHERE id = 6")[0][0] != "active"
    assert db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = 1")[0][0] is not None
    told = db_rows(vix_env, "SELECT recipient_id, kind, body FROM outbox ORDER BY recipient_id")
    assert [(r[0], r[1]) for r in told] == [(1, "match_beeindigd"), (2, "match_beeindigd")]
    for r in told:
        assert "hebben jeugdigen van\néén gezin geen signalen van twee of meer" in r[2]
        assert "er zijn geen signalen" not in r[2]
    again = ok(vix("signalen", als="ib@zon.nl", now=NOW.isoformat()))
    assert "bijwerken" not in again.stderr


# the true family Eva and Finn at 5, whose match an old key also gave the signal of Hulp
# (Jeugdhulp) on Cees, who lives at 55 (once one key with 5 addition 5)
OLD_KEY_IN_A_TRUE_FAMILY = (
    FAMILY_BEFORE_0022
    + """
    INSERT INTO organisations (id, code, name, domain, created_at)
        VALUES (3, 'JH', 'Jeugdhulp', 'youth_care', 'x');
    INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
        VALUES (3, 'hulp@jh.nl', 'Hulp', 3, 'signaller', 'x');
    INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                         planned_removal, parents_informed_on, status)
        VALUES (5, 1, 3, 3, '2026-11-20T11:00:00', '2028-11-20', '2026-11-20', 'active');
    UPDATE youths SET address_key = '2012CD-55', house_number = '55' WHERE id = 1;
    DELETE FROM match_members WHERE match_id = 1;
    DELETE FROM signals WHERE id = 1;
    DELETE FROM matches WHERE id = 1;
    INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id, joined_at)
        VALUES (2, 5, 3, 3, '2026-11-20T11:00:00');
"""
)


def test_0022_lets_go_of_the_member_an_old_key_brought_into_a_true_family_s_match(
    vix_env: Path,
) -> None:
    """A match of a true family (Eva and Finn at 5) that an old key also gave the signal
    on Cees (at 55, once one key with 5 addition 5) goes on without it: Cees's signaller
    hears that he or she is out, the others what changed."""
    conn = filled_before(
        vix_env,
        "0022_family_matches_to_check",
        OLD_KEY_IN_A_TRUE_FAMILY,
    )
    conn.close()

    with opened(vix_env) as store:
        assert store.scalar("SELECT ended_at FROM matches WHERE id = 2") is None
        members = store.rows(
            "SELECT signal_id FROM match_members WHERE match_id = 2 AND left_at IS NULL"
        )
        assert sorted(r[0] for r in members) == [3, 4]
        told = store.rows("SELECT recipient_id, kind FROM outbox ORDER BY recipient_id")
        assert [tuple(r) for r in told] == [
            (1, "match_gewijzigd"),
            (2, "match_gewijzigd"),
            (3, "match_verlaten"),
        ]


def test_0022_withdraws_the_introductions_of_the_member_an_old_key_brought_in(
    vix_env: Path,
) -> None:
    """Cees's signaller (Hulp), whom an old key brought into the true family's match,
    still had its 'nieuwe match' notice queued at the upgrade: it would have told Hulp
    of Ib and Arts after he or she was out of the match. It is withdrawn, and so are
    the queued notices that named Hulp to the others as involved with the family: Ib,
    who was told of Arts before, hears nothing (nothing he or she was told changed);
    Arts, never told, gets the match as it is now, without Hulp. Hulp hears that he or
    she is out (the match may have been seen in `vix matches`)."""
    conn = filled_before(
        vix_env,
        "0022_family_matches_to_check",
        OLD_KEY_IN_A_TRUE_FAMILY
        + "".join(
            f"""
        INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,
                            recipient_email, subject, body, message_id, status, named)
            VALUES ({i}, '{at}', '{kind}', 2, {to}, 'X', 'x@x.nl', 'S', 'B',
                    '<{i}@vix.invalid>', '{status}', '{named}');"""
            for i, at, kind, to, status, named in [
                (1, "2026-11-20T11:00:00", "match_nieuw", 3, "queued", "[1, 2]"),
                (2, "2026-11-20T10:00:00", "match_nieuw", 1, "sent", "[2]"),
                (3, "2026-11-20T11:00:00", "match_gewijzigd", 1, "queued", "[2, 3]"),
                (4, "2026-11-20T11:00:00", "match_nieuw", 2, "failed", "[1, 3]"),
            ]
        ),
    )
    conn.close()

    with opened(vix_env) as store:
        kept = store.rows(
            "SELECT id, kind, recipient_id, status, named FROM outbox WHERE match_id = 2"
            " ORDER BY id"
        )
        assert [tuple(r) for r in kept] == [
            (2, "match_nieuw", 1, "sent", "[2]"),
            (7, "match_verlaten", 3, "queued", None),
            (8, "match_nieuw", 2, "queued", "[1]"),
        ]
        withdrawn = store.rows("SELECT entity_id, detail FROM audit_log WHERE action = 'withdraw'")
        assert [(r[0], json.loads(r[1])) for r in withdrawn] == [
            (i, {"reden": "false_family_link", "match": 2}) for i in (1, 3, 5, 4, 6)
        ]
        assert "Hulp" not in store.scalar("SELECT body FROM outbox WHERE id = 8")
        assert store.upgraded is not None
        assert "2 berichten aan de betrokkenen" in store.upgraded


def test_0022_renews_the_lead_and_escalation_notices_that_listed_the_member_let_go(
    vix_env: Path,
) -> None:
    """The director's notice (Arts) and the coordinator's escalation notice queued after
    Hulp's signal joined list Hulp with Jeugdhulp: they are withdrawn, and both, still
    entitled, get them again from the match as it is now. What was sent stays."""
    conn = filled_before(
        vix_env,
        "0022_family_matches_to_check",
        OLD_KEY_IN_A_TRUE_FAMILY
        + """
        INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
            VALUES (4, 'coordinator@regio.nl', 'Carla', NULL, 'coordinator', 'x');
        INSERT INTO escalations (match_id, level, on_date, recorded_at)
            VALUES (2, 1, '2026-11-20', 'x'), (2, 2, '2026-11-21', 'x');
        """
        + "".join(
            f"""
        INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,
                            recipient_email, subject, body, message_id, status)
            VALUES ({i}, '{at}', '{kind}', 2, {to}, 'X', 'x@x.nl', 'S',
                    'Hulp, Jeugdhulp, hulp@jh.nl', '<{i}@vix.invalid>', '{status}');"""
            for i, at, kind, to, status in [
                (1, "2026-11-20T10:00:00", "regie_regisseur", 2, "sent"),
                (2, "2026-11-20T11:00:00", "regie_regisseur", 2, "queued"),
                (3, "2026-11-21T10:00:00", "escalatie_2", 4, "failed"),
            ]
        ),
    )
    conn.close()

    with opened(vix_env) as store:
        lead = store.rows(
            "SELECT id, kind, recipient_id, status, body FROM outbox"
            " WHERE kind LIKE 'regie%' OR kind LIKE 'escalatie%' ORDER BY id"
        )
        assert [tuple(r)[:4] for r in lead] == [
            (1, "regie_regisseur", 2, "sent"),
            (7, "regie_regisseur", 2, "queued"),
            (8, "escalatie_2", 4, "queued"),
        ]
        for r in lead[1:]:
            assert "Jeugdhulp" not in r["body"] and "hulp@jh.nl" not in r["body"], r["body"]
        assert "Zonnebloem" in lead[2]["body"]
        withdrawn = store.rows(
            "SELECT entity_id FROM audit_log WHERE action = 'withdraw' ORDER BY entity_id"
        )
        assert [r[0] for r in withdrawn] == [2, 3]


@pytest.mark.parametrize("disk", ["full", "file size limit"])
def test_a_disk_that_fails_after_the_migrations_is_told_so_and_the_next_command_finishes(
    vix: Runner, vix_env: Path, tmp_path: Path, disk: str
) -> None:
    """The migrations are committed, then the disk fails while the upgrade ends the false
    match and tells its members: the command said "er is niets opgeslagen", but the file
    is at the new version (an older vix refuses it now). It says what happened and that
    the next command finishes the upgrade, which it does."""
    filled_before(vix_env, "0022_family_matches_to_check", FAMILY_BEFORE_0022).close()
    if disk == "full":
        # room for the WAL index and the migrations, not for the upgrade's notices
        found = run_on_full_disk(vix_env, tmp_path / "schijf", 96 * 1024, ["signalen"], "ib@zon.nl")
        if found is None:
            pytest.skip("no user and mount namespace with a tmpfs on this machine")
        code, stderr = found["code"], found["err"]
        reason = "De database kon niet worden geschreven (de schijf is vol)"
    else:
        done = run_limited(["signalen"], "ib@zon.nl", 64 * 1024)
        code, stderr = done.returncode, done.stderr
        reason = "(het systeem meldt een lees- of schrijffout)"
    message = " ".join(stderr.split())
    assert code == 1, message
    assert reason in message
    assert (
        "de database is wel bijgewerkt naar deze versie van vix, maar het afronden daarvan en "
        "de opdracht zelf niet; de volgende opdracht rondt het bijwerken af."
    ) in message, message
    assert "niets opgeslagen" not in message and "Traceback" not in message
    migrations = db_rows(vix_env, "SELECT name FROM _sqlite_migrations ORDER BY rowid")
    assert [r[0] for r in migrations] == MIGRATION_NAMES
    assert [tuple(r) for r in db_rows(vix_env, "SELECT match_id FROM family_match_checks")] == [
        (1,)
    ]
    assert db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = 1")[0][0] is None

    done = ok(vix("signalen", als="ib@zon.nl"))
    assert "1 gezinsmatch op een oude adreskoppeling beëindigd" in done.stderr
    assert db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = 1")[0][0] is not None
    assert db_rows(vix_env, "SELECT count(*) FROM family_match_checks")[0][0] == 0


def test_a_stop_while_the_upgrade_finishes_says_the_database_was_upgraded() -> None:
    """Ctrl-C (or SIGTERM) after the migrations were committed, while the upgrade ends the
    false matches: no real way to time it, so the mapping of what `open_store` raises."""
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as stop:
            raise UpgradeUnfinished() from stop
    except UpgradeUnfinished as unfinished:
        said = cli_common._problem(unfinished, None)
    assert said.exit_code == 130
    assert said.message == (
        "Afgebroken; de database is wel bijgewerkt naar deze versie van vix, maar het "
        "afronden daarvan en de opdracht zelf niet; de volgende opdracht rondt het "
        "bijwerken af."
    )


def test_0022_s_frozen_family_is_the_live_rule(vix_env: Path) -> None:
    """Migration 0022 marks matches with its own frozen copy of `matching.family_of`:
    parents, addresses, an institution's address that links nobody. A change to the
    live rule needs a new migration, and then this test is updated."""
    conn = filled_before(
        vix_env,
        "0022_family_matches_to_check",
        FAMILY_BEFORE_0022
        + """
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, address_key,
                            created_at, updated_at)
            VALUES (5, '345678901', 'Gijs', 'Smit', '2017-01-01', '2013EF-1', 'x', 'x'),
                   (6, '456789012', 'Hans', 'Bos', '2017-01-01', '2013EF-1', 'x', 'x'),
                   (7, '567890123', 'Ina', 'Bos', '2018-01-01', '2014GH-9', 'x', 'x');
        INSERT INTO youth_parents VALUES (4, 11), (5, 11), (6, 12), (7, 12);
        INSERT INTO institution_addresses VALUES ('2014GH-9', 'Leefgroep');
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, address_key,
                            created_at, updated_at)
            VALUES (8, '678901234', 'Jan', 'Kok', '2018-01-01', '2014GH-9', 'x', 'x');
        """,
    )
    conn.close()
    with opened(vix_env) as store:
        from vix.db import _m0022_family

        for youth in range(1, 9):
            assert _m0022_family(store.db, youth) == matching.family_of(store, youth), youth


def test_0023_links_older_notices_to_the_youths_they_name(vix_env: Path) -> None:
    """Before 0005 only a youth match's notices were linked: a family match notice, a
    move notice and a history notice kept naming an erased youth. 0023 links each to
    the youths it named: the recipient's own youths in the match at its time, the
    youth that moved (of two moved in one command, the recipient's), the youth the
    recipient signalled. A notice that names nobody, or is linked already, stays."""
    database_before(vix_env, "0005_outbox_youths")
    conn = sqlite3.connect(vix_env, isolation_level=None)
    notice = (
        "INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,"
        " recipient_email, subject, body, message_id, status) VALUES"
        " ({0}, '{1}', '{2}', {3}, {4}, 'X', 'x@x.nl', 'S', '{5}', '<{0}@vix.invalid>', 'sent');"
    )
    conn.executescript(
        FAMILY_BEFORE_0022
        + """
        INSERT INTO municipalities (id, code, name, director_id) VALUES (2, 'BLOEM', 'B', NULL);
        INSERT INTO youth_moves (youth_id, from_municipality_id, to_municipality_id, moved_on,
                                 recorded_by, recorded_at)
            VALUES (1, 1, 2, '2026-11-21', NULL, '2026-11-21T10:00:00'),
                   (2, 1, 2, '2026-11-21', NULL, '2026-11-21T10:00:00');
        INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                             planned_removal, parents_informed_on, status, ended_at,
                             end_reason, archive_until)
            VALUES (6, 4, 2, 2, '2024-01-01T10:00:00', '2026-01-01', '2024-01-01', 'ended',
                    '2025-01-01T10:00:00', 'resolved', '2030-01-01'),
               (7, 4, 1, 1, '2026-11-22T10:00:00', '2028-11-22', '2026-11-22', 'active',
                    NULL, NULL, NULL);
        INSERT INTO history_notices VALUES (6, 1, '2026-11-22T10:00:00');
        """
        + "".join(
            notice.format(*row)
            for row in [
                (1, "2026-11-20T10:00:00", "match_nieuw", 1, 1, "Uw jeugdige: Cees Bakker"),
                (2, "2026-11-20T10:00:00", "match_nieuw", 1, 2, "Uw jeugdige: Dina Jansen"),
                (3, "2026-11-20T10:00:00", "match_nieuw", 2, 1, "Uw jeugdige: Eva Smit"),
                (4, "2026-11-21T10:00:00", "move", "NULL", 1, "Cees Bakker (geboren 01-01-2014)"),
                (5, "2026-11-21T10:00:00", "move", "NULL", 2, "Dina Jansen (geboren 02-02-2013)"),
                (6, "2026-11-22T10:00:00", "history_match", "NULL", 1, "Finn Smit"),
                (7, "2026-11-22T10:00:00", "regie_regisseur", 1, 2, "Match 1"),
                (8, "2026-11-19T10:00:00", "match_nieuw", 1, 1, "before Cees joined"),
            ]
        )
    )
    conn.close()
    # apply up to 0023 only: 0022's live step would end match 1 and queue notices
    db = Database(sqlite3.connect(vix_env, isolation_level=None))
    MIGRATIONS.apply(db, stop_before="0022_family_matches_to_check")
    db.execute("INSERT INTO outbox_youths VALUES (4, 3)")  # as if linked when queued
    MIGRATIONS.apply(db, stop_before="0024_application_id_vix2")
    links = db.execute("SELECT outbox_id, youth_id FROM outbox_youths ORDER BY 1, 2").fetchall()
    db.close()
    assert links == [(1, 1), (2, 2), (3, 4), (4, 1), (5, 2), (6, 4)]


def test_0029_links_lead_and_escalation_notices_to_the_youths_of_their_match(
    vix_env: Path,
) -> None:
    """A lead or escalation notice names no youth but lists the members of its match (or
    its organisations): before 0029 it was linked to no youth, and stayed when the
    family's children were all erased. 0029 links each to the youths whose signal was in
    the match when it was queued (of a client match its youth too), else to every youth
    ever in it, and deletes one that cannot be linked any more: its match is gone (an
    upheld objection) or none of its signals is left. Match, move and history notices
    keep their own links (0005, 0023); a notice linked already stays as it is."""
    conn = filled_before(
        vix_env,
        "0029_match_notices_linked_to_the_match_youths",
        FAMILY_BEFORE_0022
        + """
        INSERT INTO matches (id, kind, youth_id, municipality_id, created_at, director_id)
            VALUES (3, 'youth', 1, 1, '2026-11-20T10:00:00', 1),
                   (4, 'family', NULL, 1, '2026-11-20T10:00:00', 2);
        UPDATE match_members SET left_at = '2026-11-21T10:00:00' WHERE match_id = 2
            AND signal_id = 3;
        """,
    )
    notice = (
        "INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,"
        " recipient_email, subject, body, message_id, status) VALUES"
        " (?, ?, ?, ?, 2, 'X', 'x@x.nl', 'S', 'B', ?, 'sent')"
    )
    for outbox_id, at, kind, match_id in [
        (1, "2026-11-20T11:00:00", "regie_regisseur", 1),  # family match 1: Cees and Dina
        (2, "2026-11-22T10:00:00", "escalatie_1", 2),  # Eva's signal had left match 2
        (3, "2026-11-19T10:00:00", "regie_wacht", 2),  # before anyone joined: all
        (4, "2026-11-20T11:00:00", "regie_zorgcoordinator", 3),  # client match of Cees
        (5, "2026-11-20T11:00:00", "escalatie_2", 4),  # no signal left in match 4
        (6, "2026-11-20T11:00:00", "regie_regievoerder", None),  # its match was deleted
        (7, "2026-11-20T11:00:00", "match_nieuw", 1),  # a match notice: its own links
        (8, "2026-11-20T11:00:00", "regie_overgenomen", 1),  # linked already
    ]:
        conn.execute(notice, (outbox_id, at, kind, match_id, f"<{outbox_id}@vix.invalid>"))
    conn.execute("INSERT INTO outbox_youths VALUES (1, 8)")
    conn.close()
    open_store(vix_env, NOW).close()
    links = db_rows(vix_env, "SELECT outbox_id, youth_id FROM outbox_youths ORDER BY 1, 2")
    assert [tuple(r) for r in links] == [(1, 1), (1, 2), (2, 4), (3, 3), (3, 4), (4, 1), (8, 1)]
    kept = db_rows(vix_env, "SELECT id FROM outbox ORDER BY id")
    assert [r[0] for r in kept] == [1, 2, 3, 4, 7, 8]


def test_0024_gives_the_file_an_id_that_a_vix_older_than_17c0265_refuses(
    vix: Runner, vix_env: Path
) -> None:
    """A vix from before 17c0265 checked only the application id and wrote into any
    schema; 0024 changes the id, so that it refuses the file ('geen vix-database').
    This vix knows both ids, and says of any other "VIX" id that a newer vix made it."""
    database_before(vix_env, "0024_application_id_vix2")
    assert db_rows(vix_env, "PRAGMA application_id")[0][0] == APPLICATION_ID
    open_store(vix_env, NOW).close()
    assert db_rows(vix_env, "PRAGMA application_id")[0][0] == 0x56495832  # "VIX2"
    with sqlite3.connect(vix_env) as conn:
        conn.execute(f"PRAGMA application_id = {0x56495833}")  # "VIX3": a newer vix's
    result = vix("signalen", als=ADMIN)
    assert result.exit_code == 1 and "nieuwere versie van vix" in result.stderr
    assert "geen vix-database" not in result.stderr


def test_0025_gives_an_older_vix_s_claims_the_deadline_it_kept(vix_env: Path) -> None:
    """An older vix took any claim older than 15 minutes of real time as stale. 0025
    writes that deadline, in UTC, into each row that is 'sending' now: in winter and
    in summer time, and for a claim in the hour that repeats when summer time ends
    (its first pass, as Python reads a repeated local time). Other rows get none."""
    database_before(vix_env, "0025_outbox_claimed_until")
    conn = sqlite3.connect(vix_env, isolation_level=None)
    for outbox_id, status, attempt in (
        (1, "sending", "2026-11-23T09:50:00"),
        (2, "sending", "2026-07-01T12:00:00"),
        (3, "sending", "2026-10-25T02:50:00"),
        (4, "sent", "2026-11-23T09:50:00"),
        (5, "queued", None),
    ):
        conn.execute(
            "INSERT INTO outbox (id, created_at, kind, recipient_name, recipient_email,"
            " subject, body, message_id, status, last_attempt_at)"
            " VALUES (?, '2026-07-01T10:00:00', 'match_nieuw', 'X', 'x@x.nl', 'S', 'B', ?, ?, ?)",
            (outbox_id, f"<{outbox_id}@vix.invalid>", status, attempt),
        )
    conn.close()
    open_store(vix_env, NOW).close()
    assert [tuple(r) for r in db_rows(vix_env, "SELECT id, claimed_until FROM outbox")] == [
        (1, "2026-11-23T09:05:00+00:00"),
        (2, "2026-07-01T10:15:00+00:00"),
        (3, "2026-10-25T01:05:00+00:00"),
        (4, None),
        (5, None),
    ]


def test_0026_keeps_the_registrations_with_nothing_remembered(vix_env: Path) -> None:
    """Before 0026 a school's list was compared with what is stored: an upgraded
    registration remembers no digest of the school's list (NULL), so that its school's
    next list compares with what is stored once more, as before (tests/test_import_again.py).
    No row is rewritten."""
    conn = filled_before(
        vix_env,
        "0026_pupils_list_digests",
        """
        INSERT INTO organisations (id, code, name, domain, created_at)
            VALUES (1, 'ZON', 'Zonnebloem', 'education', 'x');
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, created_at, updated_at)
            VALUES (1, '123456782', 'Kind', 'Vries', '2015-01-01', 'x', 'x');
        INSERT INTO pupils (organisation_id, youth_id, pupil_number, class_name, imported_at)
            VALUES (1, 1, '0042', '5', '2026-09-01T08:00:00');
        """,
    )
    conn.close()
    open_store(vix_env, NOW).close()
    assert [tuple(r) for r in db_rows(vix_env, "SELECT * FROM pupils")] == [
        (1, 1, "0042", "5", "2026-09-01T08:00:00", None, None, None, None)
    ]
    columns = db_rows(vix_env, "SELECT name, type, \"notnull\" FROM pragma_table_info('pupils')")
    assert [tuple(c) for c in columns][-4:] == [
        ("person_digest", "INTEGER", 0),
        ("address_digest", "INTEGER", 0),
        ("parents_digest", "INTEGER", 0),
        ("listed_municipality", "INTEGER", 0),  # 0028
    ]


@pytest.mark.parametrize(
    ("years", "ends"), [("5", "2028-11-20"), ("2", "2031-11-20"), ('"5"', "2028-11-20")]
)
def test_0027_ends_each_signal_two_years_after_it_was_placed(
    vix_env: Path, years: str, ends: str
) -> None:
    """Rule 15: at most two years. A region that set signaal_jaren to 5 (vix took up
    to 5) gets 2, and each active signal ends two years after it was placed at the
    latest; an archived one, and every signal of a region that kept 2, keep their
    dates. A value edited by hand into text is taken for too long (review)."""
    conn = filled_before(
        vix_env,
        "0027_signal_term_two_years",
        f"""
        INSERT INTO settings (key, value) VALUES ('signaal_jaren', '{years}');
        INSERT INTO organisations (id, code, name, domain, created_at)
            VALUES (1, 'ZON', 'Zonnebloem', 'education', 'x');
        INSERT INTO professionals (id, email, name, organisation_id, role, created_at)
            VALUES (1, 'ib@zon.nl', 'Ineke', 1, 'signaller', 'x');
        INSERT INTO youths (id, bsn, given_name, surname, birth_date, created_at, updated_at)
            VALUES (1, '123456782', 'A', 'Vries', '2015-01-01', 'x', 'x'),
                   (2, '234567891', 'B', 'Bos', '2007-01-01', 'x', 'x');
        INSERT INTO signals (id, youth_id, professional_id, organisation_id, placed_at,
                             planned_removal, parents_informed_on, status, ended_at,
                             end_reason, archive_until)
            VALUES (1, 1, 1, 1, '2026-11-20T09:00:00', '{ends if years == "2" else "2031-11-20"}',
                    '2026-11-20', 'active', NULL, NULL, NULL),
                   (2, 2, 1, 1, '2026-11-20T09:00:00', '2030-01-01', '2026-11-20',
                    'active', NULL, NULL, NULL),
                   (3, 1, 1, 1, '2025-11-20T09:00:00', '2030-11-20', '2025-11-20',
                    'ended', '2026-01-01T09:00:00', 'resolved', '2031-01-01');
        """,
    )
    conn.close()
    open_store(vix_env, NOW).close()
    planned = db_rows(vix_env, "SELECT id, planned_removal FROM signals ORDER BY id")
    assert [tuple(r) for r in planned] == [
        (1, ends),
        (2, "2030-01-01" if years == "2" else "2028-11-20"),
        (3, "2030-11-20"),
    ]
    stored = db_rows(vix_env, "SELECT value FROM settings WHERE key = 'signaal_jaren'")
    assert stored[0][0] == "2"


def test_the_list_digest_key_is_none_of_the_other_keyed_hashes(store: Store) -> None:
    """The digests a pupil row keeps have a key of their own, derived from the key file:
    no digest can be compared with a pseudonym or a parent's key."""
    key = store.list_digest_key()
    assert key == hmac.new(store.key, b"\0vix-pupil-list-digest", hashlib.sha256).digest()
    assert key.hex()[:32] != store.pseudonym("vix-pupil-list-digest")
    assert key_as_int(key) != store.parent_key("vix-pupil-list-digest")


def test_a_new_database_has_the_id_of_0024(vix: Runner, vix_env: Path) -> None:
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN))
    assert db_rows(vix_env, "PRAGMA application_id")[0][0] == 0x56495832


def test_transaction_with_temp_on_disk(store: Store) -> None:
    """The import's transaction keeps SQLite's temporary storage (its savepoint journal)
    in a file from BEGIN on, and memory is the default again after, also after an error."""
    assert store.scalar("PRAGMA temp_store") == 2  # MEMORY, as `_set_pragmas` sets it
    with store.transaction(temp_on_disk=True):
        assert store.scalar("PRAGMA temp_store") == 1  # FILE
        store.execute("UPDATE settings SET value = value")
    assert store.scalar("PRAGMA temp_store") == 2
    with pytest.raises(InvalidInput), store.transaction(temp_on_disk=True):
        store.execute("CREATE TEMP TABLE t (x)")  # a temporary database is open
        raise InvalidInput("stop")
    assert store.scalar("PRAGMA temp_store") == 2
    assert not store.db.conn.in_transaction
    with store.transaction():
        assert store.scalar("PRAGMA temp_store") == 2


def test_ctrl_c_while_a_cursor_is_read_in_a_transaction_on_disk_stays_ctrl_c(
    vix_env: Path,
) -> None:
    """The import reads cursors in its transaction with temporary storage on disk; Ctrl-C
    in the middle kept the cursor alive in the traceback, putting temporary storage back
    then failed ("cannot be changed from within a transaction"), and that error took the
    stop's place: 'kon niet worden gelezen of geschreven' and status 1 instead of 130."""
    store = open_store(vix_env, NOW, create=True)
    try:
        with pytest.raises(KeyboardInterrupt), store.transaction(temp_on_disk=True):
            conn = store.db.conn
            conn.execute("CREATE TEMP TABLE listed (n INTEGER)")  # as the import's are
            conn.executemany("INSERT INTO listed VALUES (?)", [(1,), (2,)])

            def stopped(n: int) -> bool:
                raise KeyboardInterrupt

            # in a comprehension: its frame, kept by the traceback, holds the cursor
            {n for (n,) in conn.execute("SELECT n FROM listed") if stopped(n)}
        with store.transaction():  # the connection is usable after it
            assert store.scalar("SELECT count(*) FROM professionals") == 0
    finally:
        store.close()
