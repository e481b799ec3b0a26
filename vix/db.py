"""Opening a vix database: the one way in.

`open_store()` opens (or, for `vix init`, creates) the SQLite file, sets the
pragmas every connection needs (foreign keys, WAL, busy timeout, synchronous
NORMAL), loads the pseudonymisation key and applies pending migrations (a
migration that writes audit records needs the key). Nothing else in vix
migrates or sets pragmas.

The first migration runs `schema.sql` (shipped inside the package). Later
schema changes are appended to `MIGRATIONS` as new named functions; an applied
migration is never edited. Nor does one call live domain code: a migration that
derives values (0002, 0006, 0011, 0021, 0022, 0023) carries its own frozen copy
of the rule (`_m00NN_...`), so that a later change to the live rule cannot change
what an old database gets on its upgrade. A changed rule is a new migration; the
tests that hold each frozen copy against its live rule say so. Where an upgrade
needs a live rule itself (ending a match, telling its members), the migration
marks what it must look at (0022) and `open_store` has `upgrade.finish_upgrade`
do it right after the migrations, in its own transaction. Should that fail, the
marks stay for the next opening; if this opening committed migrations, the failure
comes as `errors.UpgradeUnfinished`, so that the command does not say that nothing
was stored.

The key file holds the secret for keyed hashes (HMAC-SHA256) of BSNs: audit
subjects and parents' BSNs are stored only as such hashes, so a copy of the
database alone does not reveal them. The key lives outside the database file:
`VIX_SLEUTEL`, else the database path with `.sleutel` appended. Both files are
created with mode 0600. A fingerprint of the key is stored in `settings`, so a
wrong key is refused instead of silently producing other pseudonyms.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import stat
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .errors import (
    DISK_FULL,
    DatabaseProblem,
    UpgradeUnfinished,
    VixError,
    disk_reason,
    interrupt_held,
)
from .files import Draft

DEFAULT_DB = "vix.db"
# Every time vix stores or compares is Dutch local time without an offset, whatever zone
# the machine or cron runs in (servers often run in UTC): a signal placed at 00:30 on
# 1 April belongs to April, and "today" is the Dutch day.
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
KEY_SUFFIX = ".sleutel"
# "VIX1" in the SQLite header marks a vix file: `vix init` writes it, migration 0024 makes
# it "VIX2" (which a vix older than 17c0265 refuses); any other "VIX" id is a newer vix's
APPLICATION_ID = 0x56495831
_VIX_ID_PREFIX = 0x564958  # "VIX"

MIGRATIONS = Migrations("vix")


def schema_sql() -> str:
    return (resources.files("vix") / "schema.sql").read_text(encoding="utf-8")


@MIGRATIONS(name="0001_schema")
def _m0001_schema(db: Database) -> None:
    db.executescript(schema_sql())


def pseudonym(key: bytes, number: str) -> str:
    """Keyed hash of a BSN (or other youth number): stable, not reversible."""
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:32]


def key_as_int(digest: bytes) -> int:
    """The first 8 bytes of a keyed hash as a signed 64-bit integer (SQLite's INTEGER)."""
    return int.from_bytes(digest[:8], "big", signed=True)


@MIGRATIONS(name="0002_parent_keys_as_integers")
def _m0002_parent_keys_as_integers(db: Database) -> None:
    """Parents' keys become the first 64 bits of the same HMAC, as INTEGER.

    Half the bytes in the table and its index, and an integer comparison: a
    first import of a big pupil list writes almost two of these per pupil. A
    collision between two parents' keys (a false family link) needs about 4
    billion parents before it becomes likely; a region has a few hundred
    thousand. The old keys were the HMAC's first 32 hex digits, so the new key
    follows from the old one without the key file.
    """
    db.conn.create_function(
        "vix_hex_key", 1, lambda h: _m0002_key_as_int(bytes.fromhex(h[:16])), deterministic=True
    )
    db.executescript(
        """
        CREATE TABLE youth_parents_new (
            youth_id INTEGER NOT NULL REFERENCES youths(id) ON DELETE CASCADE,
            parent_key INTEGER NOT NULL,
            PRIMARY KEY (youth_id, parent_key)
        ) WITHOUT ROWID;
        INSERT INTO youth_parents_new (youth_id, parent_key)
            SELECT youth_id, vix_hex_key(parent_key) FROM youth_parents;
        DROP TABLE youth_parents;
        ALTER TABLE youth_parents_new RENAME TO youth_parents;
        CREATE INDEX youth_parents_key ON youth_parents(parent_key);
        """
    )


def _m0002_key_as_int(digest: bytes) -> int:
    """FROZEN for migration 0002: `key_as_int` as it was when 0002 was written (the first
    8 bytes, big-endian, signed). Never change it; see the module docstring."""
    return int.from_bytes(digest[:8], "big", signed=True)


@MIGRATIONS(name="0003_pupils_keyed_by_youth")
def _m0003_pupils_keyed_by_youth(db: Database) -> None:
    """A school's registration of a pupil is keyed by (youth, school), WITHOUT ROWID.

    The rowid, the UNIQUE (school, youth) index and the index on youth_id held
    the same pairs three times; the key serves every lookup by youth (and the
    cascade when a youth is erased), the pupil-number index every lookup by
    school. A first import writes one of these per pupil.
    """
    db.executescript(
        """
        CREATE TABLE pupils_new (
            youth_id INTEGER NOT NULL REFERENCES youths(id) ON DELETE CASCADE,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            pupil_number TEXT,
            class_name TEXT,
            imported_at TEXT NOT NULL,
            PRIMARY KEY (youth_id, organisation_id)
        ) WITHOUT ROWID;
        INSERT INTO pupils_new (youth_id, organisation_id, pupil_number, class_name, imported_at)
            SELECT youth_id, organisation_id, pupil_number, class_name, imported_at FROM pupils;
        DROP TABLE pupils;
        ALTER TABLE pupils_new RENAME TO pupils;
        CREATE UNIQUE INDEX pupils_number ON pupils(organisation_id, pupil_number)
            WHERE pupil_number IS NOT NULL;
        """
    )


@MIGRATIONS(name="0004_audit_renumbered_index")
def _m0004_audit_renumbered_index(db: Database) -> None:
    """Find the 'renumber' record that names an old pseudonym, without a scan.

    When an import gives a youth known by an onderwijsnummer its BSN, the audit
    record 'renumber' (under the new pseudonym) names the old one. An inzage
    asked with the old number looks it up here to say which number to use.
    """
    db.execute(
        "CREATE INDEX audit_renumbered ON audit_log(json_extract(detail, '$.vorige_sleutel'))"
        " WHERE action = 'renumber'"
    )


@MIGRATIONS(name="0005_outbox_youths")
def _m0005_outbox_youths(db: Database) -> None:
    """Which youths a notice names, so that erasing a youth erases its notices too.

    A match, move or history notice names youths (name and birth date) in its
    body. Rule 15 deletes a youth's data at once; without this link a queued
    notice would still be sent after an upheld objection, and a sent one kept.
    Notices queued before this migration are linked through their youth match
    where they have one; others (a family match, a move) cannot be traced back.
    """
    db.executescript(
        """
        CREATE TABLE outbox_youths (
            youth_id INTEGER NOT NULL REFERENCES youths(id) ON DELETE CASCADE,
            outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
            PRIMARY KEY (youth_id, outbox_id)
        ) WITHOUT ROWID;
        CREATE INDEX outbox_youths_outbox ON outbox_youths(outbox_id);
        INSERT INTO outbox_youths (youth_id, outbox_id)
            SELECT m.youth_id, o.id FROM outbox o JOIN matches m ON m.id = o.match_id
            WHERE m.kind = 'youth' AND m.youth_id IS NOT NULL;
        """
    )


@MIGRATIONS(name="0006_address_keys_keep_the_addition")
def _m0006_address_keys_keep_the_addition(db: Database) -> None:
    """Address keys keep a house number apart from its addition: '2011AB-12-2', not
    '2011AB-122', which is number 122 (a family match between two unrelated homes).

    A youth's key is made again from its stored postcode and house number. An
    institution's address is stored only as its key: there the digits before
    the first letter are the number (an addition of digits only cannot be
    told apart from the number; such a key stays as it was).
    """
    changed = []
    for youth_id, postcode, house, old in db.execute(
        "SELECT id, postcode, house_number, address_key FROM youths WHERE address_key IS NOT NULL"
    ).fetchall():
        try:
            new = _m0006_address_key(postcode, house)
        except ValueError:  # accepted by the old rule only: keep its key
            continue
        if new != old:
            changed.append((new, youth_id))
    db.conn.executemany("UPDATE youths SET address_key = ? WHERE id = ?", changed)
    for (old,) in db.execute("SELECT address_key FROM institution_addresses").fetchall():
        parts = re.fullmatch(r"(.+-)([0-9]+)([A-Z][A-Z0-9]*)", old)
        if parts is not None:
            db.execute(
                "UPDATE institution_addresses SET address_key = ? WHERE address_key = ?",
                (f"{parts[1]}{parts[2]}-{parts[3]}", old),
            )


# FROZEN for migrations 0006 (with `_m0006_address_key`) and 0013: `youths._HOUSE_PARTS`
_M0006_HOUSE_PARTS = re.compile(r"0*([0-9]{1,5})(?![0-9])[\s-]*([A-Z0-9][A-Z0-9\s-]*)?")


def _m0006_address_key(postcode: str | None, house_number: str | None) -> str | None:
    """FROZEN for migration 0006: `youths.address_key` (with `clean_postcode` and
    `clean_house_number`) as 0006 has applied it since 6 December 2026: None when
    incomplete, ValueError where the live rule says InvalidInput. Never change it;
    see the module docstring.

    When 0006 was written (24 November 2026) it called the live rule, which then
    took a house number and an addition of any length; the limits of 5 digits and
    6 characters (da77918) reached 0006 without a migration. This copy keeps the
    rule 0006 applies now rather than going back: the two differ only for a house
    number of over 5 digits with an addition, or an addition of over 6
    characters, whose key the first rule split and this one keeps as stored.
    """
    if not postcode or not house_number:
        return None
    code = re.sub(r"\s", "", postcode).upper()
    if not re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", code):
        raise ValueError("postcode")
    parts = _M0006_HOUSE_PARTS.fullmatch(house_number.strip().upper())
    addition = "" if parts is None else re.sub(r"[\s-]", "", parts[2] or "")
    if parts is None or len(addition) > 6:
        raise ValueError("huisnummer")
    return f"{code}-{parts[1]}-{addition}" if addition else f"{code}-{parts[1]}"


def _refuse_broken_references(db: Database, migration: str, rebuilt: str | None = None) -> None:
    """After a migration rebuilt a table with foreign keys off: every reference holds.

    With `rebuilt`, only the references to that table are checked: its own rows
    are copies whose references point where they did, but a row lost in the copy
    would leave references to it without a target. A check of the whole database
    (`PRAGMA foreign_key_check`) takes most of a minute at the size of
    bench/bench_report.py's, under the write lock of the upgrade.
    """
    conn = db.conn
    if rebuilt is None:
        broken = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    else:
        broken = sum(
            conn.execute(
                f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IS NOT NULL'
                f' AND "{column}" NOT IN (SELECT "{target or "rowid"}" FROM "{rebuilt}")'
            ).fetchone()[0]
            for table, column, target in conn.execute(
                'SELECT m.name, f."from", f."to" FROM sqlite_master m,'
                " pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = ?",
                (rebuilt,),
            ).fetchall()
        )
    if broken:
        raise DatabaseProblem(
            f"Bijwerken van de database ({migration}) laat {broken} verwijzingen zonder "
            "doel achter; er is niets gewijzigd."
        )


@MIGRATIONS(name="0007_youths_bsn_index")
def _m0007_youths_bsn_index(db: Database) -> None:
    """The uniqueness of youths.bsn becomes a named index (youths_bsn) instead of the
    column's UNIQUE constraint.

    Same rule, same index content; but SQLite cannot drop the index of a column
    constraint, and a named one can be. A first import into an empty table
    drops it and builds it after the rows from sorted data (`vix.importer`):
    at a million pupils, random inserts into this index cost about a second.
    The table is rebuilt (SQLite cannot drop a constraint), so this runs with
    foreign keys off (`_apply_migrations`), which keeps the rows that refer to
    youths; the check at the end proves that every reference still holds.
    """
    db.executescript(
        """
        CREATE TABLE youths_new (
            id INTEGER PRIMARY KEY,
            -- BSN, onderwijsnummer, or a substitute number derived from surname,
            -- date of birth and sex for a youth without a BSN [BJW 7.3.1];
            -- unique through the index youths_bsn
            bsn TEXT NOT NULL,
            -- the CHECKs on this bulk-loaded table are written as OR chains: SQLite
            -- builds an ephemeral table per row for an IN list of three or more
            -- values, which made each youths INSERT of a pupil import twice as slow
            id_kind TEXT NOT NULL DEFAULT 'bsn'
                CHECK (id_kind = 'bsn' OR id_kind = 'onderwijsnummer' OR id_kind = 'substitute'),
            given_name TEXT NOT NULL,
            infix TEXT NOT NULL DEFAULT '',
            surname TEXT NOT NULL,
            birth_date TEXT NOT NULL,          -- ISO date
            sex TEXT CHECK (sex = 'M' OR sex = 'V' OR sex = 'X'),
            municipality_id INTEGER REFERENCES municipalities(id),
            postcode TEXT,
            house_number TEXT,
            address_key TEXT,                  -- normalised postcode + house number
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        INSERT INTO youths_new (id, bsn, id_kind, given_name, infix, surname, birth_date, sex,
                                municipality_id, postcode, house_number, address_key,
                                created_at, updated_at)
            SELECT id, bsn, id_kind, given_name, infix, surname, birth_date, sex,
                   municipality_id, postcode, house_number, address_key, created_at, updated_at
            FROM youths;
        DROP TABLE youths;
        ALTER TABLE youths_new RENAME TO youths;
        CREATE UNIQUE INDEX youths_bsn ON youths(bsn);
        CREATE INDEX youths_address ON youths(address_key) WHERE address_key IS NOT NULL;
        CREATE INDEX youths_municipality ON youths(municipality_id);
        """
    )
    _refuse_broken_references(db, "0007")


@MIGRATIONS(name="0008_audit_entity_index")
def _m0008_audit_entity_index(db: Database) -> None:
    """Find the audit records of one match or notice without a scan.

    An inzage lists the events of the youth's matches and notices, which are
    logged on the match or notice itself (a match concerns more than one
    youth, so those records have no subject). With three million audit
    records the scan for them took an inzage from 0.3 to 1.5 seconds.
    """
    db.execute("CREATE INDEX audit_entity ON audit_log(entity, entity_id)")


@MIGRATIONS(name="0009_leap_day_births_turn_23_on_1_march")
def _m0009_leap_day_births_turn_23_on_1_march(db: Database) -> None:
    """A youth born on 29 February turns 23 on 1 March in a common year.

    Rule 2 accepted such a youth on 28 February, while the signals and
    archive entries ended that same day: a signal was placed and deleted as
    '23 jaar' within the hour. A stored end that is that 28 February moves to
    1 March, unless the term itself ends on 28 February (a signal placed on a
    28 or 29 February), where the earlier date stands.
    """
    for column, start in (("planned_removal", "placed_at"), ("archive_until", "ended_at")):
        db.execute(
            f"UPDATE signals SET {column} = date({column}, '+1 day')"
            " WHERE youth_id IN (SELECT id FROM youths WHERE substr(birth_date, 6) = '02-29')"
            f" AND {column} = date((SELECT birth_date FROM youths WHERE id = youth_id),"
            " '+23 years', '-1 day')"
            f" AND substr({start}, 6, 5) NOT IN ('02-28', '02-29')"
        )


@MIGRATIONS(name="0010_signal_and_notice_ids_are_never_reused")
def _m0010_signal_and_notice_ids_are_never_reused(db: Database) -> None:
    """Signals and notices get AUTOINCREMENT ids: a deleted one's id is never given again.

    Without it SQLite gives a new row max(id) + 1, so deleting the row with the
    highest id (an unjustified withdrawal, an erasure, a purge; an erased
    youth's notices) handed its id to the next row, of another youth. The
    audit log keeps ids for good: the inzage follows a youth's notices to their
    audit records by id and showed the events of an erased youth's notice
    (rules 16-17). Professionals keep signal numbers in hand ('vix signalen',
    the evaluation list): the same number typed again withdrew, or put in a
    letter, another youth's signal.

    Both tables are rebuilt with the same columns, checks and indexes (foreign
    keys are off while migrations run, so the rows that refer to them stay; the
    check at the end proves every reference still holds). The sequence starts
    at the highest id the table or its audit records ever named, so an id
    deleted before this migration is not given again either.

    Not `youths`: after an erasure nothing holds a youth's id (the rows that
    refer to it go with it, matches forget it, the audit log and the inzage
    follow a youth by the keyed hash of its number), and the pupil import
    writes its ids itself, a million at a time. Not matches, professionals,
    organisations or municipalities: they are never deleted.
    """
    db.executescript(
        """
        CREATE TABLE signals_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            youth_id INTEGER NOT NULL REFERENCES youths(id),
            professional_id INTEGER NOT NULL REFERENCES professionals(id),
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            placed_at TEXT NOT NULL,           -- ISO timestamp
            planned_removal TEXT NOT NULL,     -- ISO date [7.1.4.3]
            -- rule 4: either when parents were informed, or why not (seen only by
            -- the signaller, the organisation manager and auditors)
            parents_informed_on TEXT,
            parents_not_informed_reason TEXT,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
            ended_at TEXT,
            end_reason TEXT CHECK (end_reason IN ('resolved', 'expired')),
            archive_until TEXT,
            CHECK ((parents_informed_on IS NULL) <> (parents_not_informed_reason IS NULL)),
            CHECK ((status = 'active') = (ended_at IS NULL))
        );
        INSERT INTO signals_new (id, youth_id, professional_id, organisation_id, placed_at,
                                 planned_removal, parents_informed_on,
                                 parents_not_informed_reason, status, ended_at, end_reason,
                                 archive_until)
            SELECT id, youth_id, professional_id, organisation_id, placed_at, planned_removal,
                   parents_informed_on, parents_not_informed_reason, status, ended_at,
                   end_reason, archive_until
            FROM signals;
        DROP TABLE signals;
        ALTER TABLE signals_new RENAME TO signals;
        CREATE UNIQUE INDEX signals_one_active ON signals(youth_id, professional_id)
            WHERE status = 'active';
        CREATE INDEX signals_youth ON signals(youth_id, status, organisation_id);
        CREATE INDEX signals_professional ON signals(professional_id, status);
        CREATE INDEX signals_organisation ON signals(organisation_id, status, placed_at);
        CREATE INDEX signals_placed ON signals(placed_at, organisation_id, youth_id);
        CREATE INDEX signals_ended ON signals(organisation_id, end_reason, ended_at, status)
            WHERE status = 'ended';
        CREATE INDEX signals_removal ON signals(planned_removal) WHERE status = 'active';
        CREATE INDEX signals_archive ON signals(archive_until) WHERE status = 'ended';

        CREATE TABLE outbox_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            kind TEXT NOT NULL,
            match_id INTEGER REFERENCES matches(id) ON DELETE SET NULL,
            recipient_id INTEGER REFERENCES professionals(id),
            recipient_name TEXT NOT NULL,
            recipient_email TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            last_attempt_at TEXT,
            sent_at TEXT
        );
        INSERT INTO outbox_new (id, created_at, kind, match_id, recipient_id, recipient_name,
                                recipient_email, subject, body, message_id, status, attempts,
                                last_error, last_attempt_at, sent_at)
            SELECT id, created_at, kind, match_id, recipient_id, recipient_name,
                   recipient_email, subject, body, message_id, status, attempts, last_error,
                   last_attempt_at, sent_at
            FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_new RENAME TO outbox;
        CREATE INDEX outbox_status ON outbox(status);
        CREATE INDEX outbox_match ON outbox(match_id);
        CREATE INDEX outbox_recipient ON outbox(recipient_id);
        """
    )
    for table, entity in (("signals", "signal"), ("outbox", "notice")):
        highest = db.conn.execute(
            f"SELECT MAX((SELECT COALESCE(MAX(id), 0) FROM {table}),"
            " (SELECT COALESCE(MAX(entity_id), 0) FROM audit_log WHERE entity = ?))",
            (entity,),
        ).fetchone()[0]
        # sqlite_sequence has no key: the copy above may have left a row for the table
        db.conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        db.conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, int(highest))
        )
    _refuse_broken_references(db, "0010")


@MIGRATIONS(name="0011_substitute_numbers_read_the_infix")
def _m0011_substitute_numbers_read_the_infix(db: Database) -> None:
    """Substitute numbers are derived again, from the surname with its infix.

    The old rule read the surname field alone: a youth registered with infix
    "de" and surname "Vries" got another number than one registered as "de
    Vries", and a second signaller who split the name the other way made a
    second registration without a match. Without an infix both rules give the
    same number, so only substitute numbers of youths with an infix are made
    again. Each youth whose number changes gets the 'renumber' audit record a
    correction writes (`corrections._audit_renumber`; the actor is vix itself),
    so that an inzage by the new number lists what was logged under the old
    one, and an inzage by the old number says that it was replaced. The
    pseudonyms need the key, which lives outside the database: `open_store`
    lends it as the SQL function vix_pseudonym(), and the command's clock as
    vix_now() (`_register_functions`).

    A new number that another youth already holds is the duplicate the old rule
    made: one child registered under both splits, or two children of one sex
    born on one day (twins), whom the new rule can no longer tell apart. This
    migration never merges: that youth keeps the old number, and `vix jeugdige
    dubbel` lists it with the registration that holds its number, for the
    coordinator to merge them (`vix jeugdige samenvoegen`) or to record a BSN.
    """
    wanted: dict[int, tuple[str, str]] = {}
    for youth_id, old, infix, surname, born, sex in db.execute(
        "SELECT id, bsn, infix, surname, birth_date, sex FROM youths"
        " WHERE id_kind = 'substitute' AND infix <> ''"
    ).fetchall():
        new = _m0011_substitute_number(
            infix=infix, surname=surname, birth_date=date.fromisoformat(born), sex=sex
        )
        if new is None:  # no sex or no letters: no number to derive, keep it
            continue
        if new != old:
            wanted[youth_id] = (old, new)
    # the number one youth needs may be held by another that moves on too (a surname
    # field that holds a shorter name's infix): go round until nothing moves
    moved = True
    while moved:
        moved = False
        for youth_id, (old, new) in sorted(wanted.items()):
            if db.execute("SELECT 1 FROM youths WHERE bsn = ?", (new,)).fetchone():
                continue
            db.execute(
                "UPDATE youths SET bsn = ?, updated_at = vix_now() WHERE id = ?", (new, youth_id)
            )
            link = {"vorige_sleutel": _sql_pseudonym(db, old), "nummer": "substitute"}
            db.execute(
                "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, subject, detail)"
                " VALUES (vix_now(), NULL, 'renumber', 'youth', ?, vix_pseudonym(?), ?)",
                (youth_id, new, json.dumps(link, ensure_ascii=False)),
            )
            del wanted[youth_id]
            moved = True


def _m0011_substitute_number(
    *, infix: str, surname: str, birth_date: date, sex: str | None
) -> str | None:
    """FROZEN for migration 0011: `youths.substitute_number` as it was when 0011 was
    written: infix + surname folded to the letters A-Z, birth date and sex, hashed;
    None where the live rule says InvalidInput (no letters, no sex). Never change
    it; see the module docstring."""
    decomposed = unicodedata.normalize("NFKD", infix + surname)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    folded = re.sub(r"[^A-Z]", "", letters)
    if not folded or sex is None:
        return None
    digest = hashlib.sha256(f"{folded}|{birth_date.isoformat()}|{sex}".encode()).hexdigest()
    return "VN" + digest[:12].upper()


def _sql_pseudonym(db: Database, number: str) -> str:
    found: str = db.execute("SELECT vix_pseudonym(?)", (number,)).fetchone()[0]
    return found


@MIGRATIONS(name="0012_kept_apart")
def _m0012_kept_apart(db: Database) -> None:
    """Pairs of registrations without a BSN that the coordinator judged two children.

    After 0011 a youth may keep a substitute number of the old rule because
    another registration holds the number his or her data give now: most
    likely one child registered twice, but twins of one sex are two children
    whom the number cannot tell apart. `vix jeugdige dubbel` lists each pair
    until it is merged, and no inzage of either was made without `--apart`.
    A row here records the coordinator's judgement that the two are different
    children (`vix jeugdige apart`): the pair leaves the list, and an inzage
    by number shows that registration alone. Only who judged, when and the two
    youth ids, the lower id first: nothing about the children. Erasing or
    merging either youth drops the row (ON DELETE CASCADE); the index on the
    second id serves that cascade.
    """
    db.executescript(
        """
        CREATE TABLE kept_apart (
            youth_id INTEGER NOT NULL REFERENCES youths(id) ON DELETE CASCADE,
            other_youth_id INTEGER NOT NULL REFERENCES youths(id) ON DELETE CASCADE,
            judged_by INTEGER NOT NULL REFERENCES professionals(id),
            judged_at TEXT NOT NULL,           -- ISO timestamp
            PRIMARY KEY (youth_id, other_youth_id),
            CHECK (youth_id < other_youth_id)
        ) WITHOUT ROWID;
        CREATE INDEX kept_apart_other ON kept_apart(other_youth_id);
        """
    )


@MIGRATIONS(name="0013_house_numbers_within_limits")
def _m0013_house_numbers_within_limits(db: Database) -> None:
    """A stored house number beyond the limits is no house number: it goes.

    Until 6 December 2026 (da77918) a house number of any length was accepted,
    in `vix signaleer` and in the import; since then at most 5 digits and an
    addition of at most 6 characters. A value stored before that beyond those
    limits was a mistake, in the worst case a BSN in the house-number column,
    kept in clear in `house_number` and in the address key. Both are cleared
    (the postcode stays: it is no number of a person), with an audit record on
    the youth (`address_dropped`, actor vix itself) that the inzage shows. A
    family match that stood on such a key is not recomputed here (that is live
    domain code): it ends at the next change of one of its youths, as any
    match whose address link is gone.
    """
    rows = db.execute(
        "SELECT id, bsn, house_number FROM youths WHERE house_number IS NOT NULL"
    ).fetchall()
    for youth_id, number, house in rows:
        if _m0013_house_number_ok(house):
            continue
        db.execute(
            "UPDATE youths SET house_number = NULL, address_key = NULL, updated_at = vix_now()"
            " WHERE id = ?",
            (youth_id,),
        )
        db.execute(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, subject, detail)"
            " VALUES (vix_now(), NULL, 'address_dropped', 'youth', ?, vix_pseudonym(?), ?)",
            (youth_id, number, json.dumps({"velden": ["house_number"]})),
        )


def _m0013_house_number_ok(house: str) -> bool:
    """FROZEN for migration 0013: whether a stored house number is within the limits
    of `youths.clean_house_number` as 0013 was written (5 digits, an addition of 6
    characters); the stored form ('12-A') and a typed one ('12 a') both read. Never
    change it; see the module docstring."""
    parts = _M0006_HOUSE_PARTS.fullmatch(house.strip().upper())
    return parts is not None and len(re.sub(r"[\s-]", "", parts[2] or "")) <= 6


@MIGRATIONS(name="0014_youths_birth_index")
def _m0014_youths_birth_index(db: Database) -> None:
    """Find the youths who turned 23 without reading them all.

    `vix onderhoud` (nightly) removes the school registrations of youths who
    turned 23 and erases who is then left with nothing
    (`signals.end_registrations_at_23`). Nobody of 23 or over stays after a
    run, so a range on this index reads only those who turned 23 since the
    last one; without it every night read every youth. A big pupil import
    builds it after its rows, as the other indexes on youths
    (`importer.DEFERRABLE`).
    """
    db.execute("CREATE INDEX youths_birth ON youths(birth_date)")


@MIGRATIONS(name="0015_match_ids_are_never_reused")
def _m0015_match_ids_are_never_reused(db: Database) -> None:
    """Matches get AUTOINCREMENT ids: a deleted match's id is never given again.

    Until now matches were never deleted (0010 left them as they were). A match
    that arose only through a signal that should never have been placed
    (withdrawn as unjustified, or an objection upheld) now goes with it, as if it
    never existed (`notices.forget_matches`). The audit log keeps its id for good,
    and the inzage lists the events of a youth's matches by match id: a new
    match that took the id would show its youth's parents the create, end and
    reads of the deleted one. Members keep match numbers in hand too (the
    notices, `vix contact N`).

    The table is rebuilt with the same columns, checks and indexes (foreign keys
    are off while migrations run, so the rows that refer to it stay; the check
    at the end proves every reference to a match still has its match), as 0010
    did for signals and notices. The sequence starts at the highest id the table or its audit
    records ever named.
    """
    db.executescript(
        """
        CREATE TABLE matches_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('youth', 'family')),
            youth_id INTEGER REFERENCES youths(id) ON DELETE SET NULL,  -- kind youth only
            municipality_id INTEGER REFERENCES municipalities(id),
            created_at TEXT NOT NULL,
            ended_at TEXT,
            -- follow-up (rules 12-13)
            director_id INTEGER REFERENCES professionals(id),
            regievoerder_id INTEGER REFERENCES professionals(id),
            care_coordinator_id INTEGER REFERENCES professionals(id),
            escalation_level INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO matches_new (id, kind, youth_id, municipality_id, created_at, ended_at,
                                 director_id, regievoerder_id, care_coordinator_id,
                                 escalation_level)
            SELECT id, kind, youth_id, municipality_id, created_at, ended_at, director_id,
                   regievoerder_id, care_coordinator_id, escalation_level
            FROM matches;
        DROP TABLE matches;
        ALTER TABLE matches_new RENAME TO matches;
        CREATE INDEX matches_youth ON matches(youth_id, ended_at);
        CREATE INDEX matches_created ON matches(created_at, kind, municipality_id, youth_id,
                                                ended_at);
        CREATE INDEX matches_open ON matches(ended_at, kind);
        """
    )
    highest = db.conn.execute(
        "SELECT MAX((SELECT COALESCE(MAX(id), 0) FROM matches),"
        " (SELECT COALESCE(MAX(entity_id), 0) FROM audit_log WHERE entity = 'match'))"
    ).fetchone()[0]
    db.conn.execute("DELETE FROM sqlite_sequence WHERE name = 'matches'")
    db.conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('matches', ?)", (highest,))
    _refuse_broken_references(db, "0015", "matches")


@MIGRATIONS(name="0016_archive_deletions")
def _m0016_archive_deletions(db: Database) -> None:
    """Counters for archived signals that were deleted, so that the reports keep them.

    An archived signal (worry gone, two-year limit) counts in the reports as
    placed in its month and as ended, per end reason, in the month it ended.
    When its archive entry goes (end of the archive term, the 23rd birthday,
    `vix jeugdige wis`), the row is deleted and the figures of every report
    over those months dropped with it. A row here keeps them as a number per
    organisation, month of placing, month of ending and end reason, like
    `signal_deletions` does for signals deleted at once: nothing of the youth
    or the professional (DOMAIN.md rules 15, 16). `end_reason` is the
    signal's own, whatever ends the archive may hold; a report counts those it
    counts as withdrawn or expired.

    Nothing is filled in: what was purged before this migration left no
    count, and its figures stay missing from the reports.
    """
    db.executescript(
        """
        CREATE TABLE archive_deletions (
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            placed_month TEXT NOT NULL,        -- YYYY-MM
            ended_month TEXT NOT NULL,         -- YYYY-MM
            end_reason TEXT NOT NULL,          -- signals.end_reason ('' if none)
            count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (organisation_id, ended_month, end_reason, placed_month)
        ) WITHOUT ROWID;
        """
    )


@MIGRATIONS(name="0017_match_members_keep_each_period")
def _m0017_match_members_keep_each_period(db: Database) -> None:
    """A member's time in a match is a period; a signal that comes back starts another.

    A row of `match_members` was keyed by (match, signal): a signal that left
    a family match (a move split the family) and came back (a corrected
    parent joined it again) could only clear its `left_at`, and the time it
    was out was gone: the inzage and `vix match` showed its professional in
    the match all along, and `notices.members_at` counted him or her in it
    then. Now the key holds the start of the period too, and at most one
    period of a signal in a match is open (`match_members_open`). The
    existing rows become one period each; a gap an older vix erased cannot be
    found again (nothing else recorded it). Nothing refers to this table.
    """
    db.executescript(
        """
        CREATE TABLE match_members_new (
            match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
            signal_id INTEGER NOT NULL REFERENCES signals(id) ON DELETE CASCADE,
            professional_id INTEGER NOT NULL REFERENCES professionals(id),
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            joined_at TEXT NOT NULL,
            left_at TEXT,
            PRIMARY KEY (match_id, signal_id, joined_at)
        ) WITHOUT ROWID;
        INSERT INTO match_members_new (match_id, signal_id, professional_id, organisation_id,
                                       joined_at, left_at)
            SELECT match_id, signal_id, professional_id, organisation_id, joined_at, left_at
            FROM match_members;
        DROP TABLE match_members;
        ALTER TABLE match_members_new RENAME TO match_members;
        CREATE UNIQUE INDEX match_members_open ON match_members(match_id, signal_id)
            WHERE left_at IS NULL;
        CREATE INDEX match_members_signal ON match_members(signal_id);
        CREATE INDEX match_members_professional ON match_members(professional_id, left_at);
        CREATE INDEX match_members_organisation ON match_members(organisation_id, match_id);
        """
    )
    # nothing refers to match_members, and its own rows are copies: no reference to check


# FROZEN for migration 0018: the end_reason column as 0010 made it, and as 0018 leaves it
_M0018_END_REASON = "end_reason TEXT CHECK (end_reason IN ('resolved', 'expired'))"
_M0018_END_REASON_NEW = (
    "end_reason TEXT CHECK (end_reason IN ('resolved', 'expired', 'transferred'))"
)


@MIGRATIONS(name="0018_signals_end_as_transferred")
def _m0018_signals_end_as_transferred(db: Database) -> None:
    """A signal's end_reason may be 'transferred' too.

    When a transfer (`vix professional overdragen`) meets a colleague who already
    signals the youth (rule 5), the leaver's signal ends. It was stored as
    'resolved', which the reports count as withdrawn because the worry was gone,
    while the organisation's involvement goes on through the colleague's signal.
    'transferred' is archived like 'resolved' and counted as neither withdrawn nor
    expired (`vix.transfer`, `vix.reports`).

    Only the CHECK on the column changes, and only to allow one more value: every
    stored row keeps satisfying it, and nothing on disk but the table's definition
    changes. So the definition is edited in place, as SQLite documents for
    removing a CHECK ("Making Other Kinds Of Table Schema Changes" in its ALTER
    TABLE page: writable_schema, then a new schema_version so that every
    connection reads the schema again), in the migration's transaction: 10 ms on
    the 2.4 million signals of bench/bench_report.py's database, where rebuilding
    the table as 0010 did took 80 seconds (copy, eight indexes, the reference
    check) under the write lock, and every other command would have given up
    after its 10-second busy timeout. The
    definition must hold the column exactly as 0010 made it; anything else is
    refused with nothing changed. A SQLite that refuses edits of its schema
    table (compiled or configured "defensive") gets the table rebuilt from that
    definition (`_m0018_rebuild`), with the same columns, indexes and sequence.
    """
    conn = db.conn
    old = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'signals'"
    ).fetchone()[0]
    if old.count(_M0018_END_REASON) != 1:
        raise DatabaseProblem(
            "Bijwerken van de database (0018) vindt de tabel signals niet zoals vix die "
            "maakte: is het schema met de hand gewijzigd? Er is niets gewijzigd."
        )
    new = old.replace(_M0018_END_REASON, _M0018_END_REASON_NEW)
    version = int(conn.execute("PRAGMA schema_version").fetchone()[0])
    conn.execute("PRAGMA writable_schema = ON")
    try:
        try:
            conn.execute(
                "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'signals'",
                (new,),
            )
        except sqlite3.OperationalError as error:
            if "may not be modified" not in str(error):  # anything but the defensive refusal
                raise
            edited = False
        else:
            edited = True
            conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    if not edited:
        _m0018_rebuild(db, new)


def _m0018_rebuild(db: Database, definition: str) -> None:
    """0018 for a SQLite that refuses the in-place edit: signals rebuilt from `definition`
    (the stored one with the new end_reason), with the indexes as stored and the sequence.

    Read from the file rather than written out again: the table is exactly what
    0010 left, but for the one CHECK, whatever its text looks like on disk.
    """
    conn = db.conn
    indexes = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'signals'"
            " AND sql IS NOT NULL"
        )
    ]
    sequence = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'signals'").fetchone()
    conn.execute(re.sub(r'^CREATE TABLE "?signals"?', "CREATE TABLE signals_new", definition))
    conn.execute("INSERT INTO signals_new SELECT * FROM signals")
    conn.execute("DROP TABLE signals")
    conn.execute("ALTER TABLE signals_new RENAME TO signals")
    for sql in indexes:
        conn.execute(sql)
    # the copy counted on from the highest id left; an id deleted before stays used
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'signals'")
    conn.execute(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'signals', MAX(?, COALESCE(MAX(id), 0))"
        " FROM signals",
        (0 if sequence is None else int(sequence[0]),),
    )
    _refuse_broken_references(db, "0018", "signals")


@MIGRATIONS(name="0019_moot_escalation_notices_withdrawn")
def _m0019_moot_escalation_notices_withdrawn(db: Database) -> None:
    """Escalation notices left unsent about a match that ended, or to the organisation
    manager of an organisation that left the match, are withdrawn.

    From this version the change that ends a match, or takes an organisation out
    of it, withdraws them in its own transaction
    (`followup.drop_moot_escalations`). A notice queued before is still in the
    outbox of a region whose mail did not go out (no mail server set up yet, or
    one that was down): sent now, it would tell an organisation manager, a
    coordinator or the alderman that a match stagnates that ended long ago, and
    name its organisations and director. Each goes as that step withdraws it:
    deleted, with a 'withdraw' audit record by outbox id with the reason and the
    match (the actor is vix itself). Sent or being sent is sent. A frozen copy of
    the rule, in SQL.
    """
    moot = """
        SELECT o.id, o.match_id,
               CASE WHEN m.ended_at IS NOT NULL THEN 'match_ended'
                    ELSE 'organisation_left' END AS reason
        FROM outbox o JOIN matches m ON m.id = o.match_id
        WHERE o.status IN ('queued', 'failed')
          AND o.kind IN ('escalatie_1', 'escalatie_2', 'escalatie_3')
          AND (m.ended_at IS NOT NULL
               OR (o.kind = 'escalatie_1' AND (SELECT p.organisation_id FROM professionals p
                                               WHERE p.id = o.recipient_id)
                   NOT IN (SELECT mm.organisation_id FROM match_members mm
                           WHERE mm.match_id = m.id AND mm.left_at IS NULL)))
        ORDER BY o.id
    """
    for outbox_id, match_id, reason in db.execute(moot).fetchall():
        # foreign keys are off while migrations run: no cascade (an escalation notice
        # names no youth, but a link would outlive its notice)
        db.execute("DELETE FROM outbox_youths WHERE outbox_id = ?", (outbox_id,))
        db.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))
        db.execute(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, subject, detail)"
            " VALUES (vix_now(), NULL, 'withdraw', 'notice', ?, NULL, ?)",
            (outbox_id, json.dumps({"reden": reason, "match": match_id})),
        )


@MIGRATIONS(name="0020_outbox_withdraw_if_unsent")
def _m0020_outbox_withdraw_if_unsent(db: Database) -> None:
    """Outbox rows get `withdraw_if_unsent`: a notice being sent when a change would
    have withdrawn it is withdrawn after all if its delivery fails.

    A withdrawal (a signal deleted at once, rule 15) cannot take back a notice
    that a run is talking to the server about: it may have arrived. Until now it
    counted as sent, and a transient failure put it back in the queue, so the
    next run sent a notice that named an erased signaller. The change now leaves
    the row as it is and writes here what it would have done (JSON:
    `notices.withdraw_notices`); `mail.deliver` carries it out once the delivery
    did not go through. NULL on every existing row: nothing was marked before.
    Adding a nullable column rewrites no row.
    """
    db.execute("ALTER TABLE outbox ADD COLUMN withdraw_if_unsent TEXT")


@MIGRATIONS(name="0021_outbox_named")
def _m0021_outbox_named(db: Database) -> None:
    """Outbox rows get `named`: whom a match notice named as the other members.

    When a signal is deleted at once (rule 15), a member whose notices about it
    are withdrawn hears what is left of the match compared with what he or she
    was told before (`notices.tell_what_is_left`). That was derived from
    `match_members` at the time of the last notice, and a signal deleted earlier
    took its rows along (a match that restarts without it moves the others'
    start too): after two deletions before one mail run, the member heard who
    was still in but not that the first signaller had left. From now on a
    new-match or change notice stores the professional ids of the members it
    listed (JSON array, `notices._queue_match_notice`); nothing about the youth
    or the worry. The record is part of the notice's row, so it goes wherever
    the notice goes (withdrawn, erased with its youth).

    The notices already there get the record as vix read it until now: the
    members other than the recipient at the time the notice was queued
    (`_M0021_NAMED`, a frozen copy of `notices.members_at`). That is never worse
    than reading it when needed, and keeps it from here on: a signal deleted
    after the upgrade no longer takes a member out of what an older notice told.
    A member whose signal was deleted before the upgrade stays missing (nothing
    else recorded him or her). End notices name nobody and stay NULL, as does a
    notice whose match is gone (nothing reads it); a naming notice without a
    record would be read from the members as before.
    """
    db.execute("ALTER TABLE outbox ADD COLUMN named TEXT")
    rows = db.execute(
        "SELECT id, match_id, recipient_id, created_at FROM outbox"
        " WHERE kind IN ('match_nieuw', 'match_gewijzigd')"
        " AND match_id IS NOT NULL AND recipient_id IS NOT NULL"
    ).fetchall()
    for outbox_id, match_id, recipient_id, at in rows:
        named = [r[0] for r in db.execute(_M0021_NAMED, (match_id, at, at, recipient_id))]
        db.execute("UPDATE outbox SET named = ? WHERE id = ?", (json.dumps(named), outbox_id))


# FROZEN for migration 0021: `notices.members_at` at a notice's time, without its recipient
_M0021_NAMED = (
    "SELECT DISTINCT professional_id FROM match_members WHERE match_id = ?"
    " AND joined_at <= ? AND (left_at IS NULL OR left_at > ?) AND professional_id <> ?"
    " ORDER BY professional_id"
)


@MIGRATIONS(name="0022_family_matches_to_check")
def _m0022_family_matches_to_check(db: Database) -> None:
    """Family matches that a link made by an older rule held together are marked, for
    the live rule to look at again (`family_match_checks`, `upgrade.finish_upgrade`).

    Before 0006 house number 12 with addition 2 and house number 122 had one
    address key; 0006 (and 0013, which cleared house numbers beyond the limits)
    made the keys again but left the family matches built on the old ones: two
    unrelated professionals kept seeing each other, the match stagnated and was
    escalated, and a later signal at one of the two homes joined it with its
    start and escalation history (rule 7). Ending a match and telling its members
    is live domain code (`matching.reconcile`, `notices.queue_for_changes`), which
    a migration never calls: this one marks every open family match whose current
    members' youths are no longer one family under the links as they are now
    (`_m0022_family`, a frozen copy of `matching.family_of`), and `open_store`
    has the live rule finish the job right after the migrations, in its own
    transaction (so also a database that got 0006 long ago). A match that is still
    one family is not marked: nothing changes for it.
    """
    db.executescript(
        """
        CREATE TABLE family_match_checks (
            match_id INTEGER PRIMARY KEY REFERENCES matches(id) ON DELETE CASCADE
        );
        """
    )
    members: dict[int, set[int]] = {}
    for match_id, youth_id in db.execute(
        "SELECT DISTINCT mm.match_id, s.youth_id FROM match_members mm"
        " JOIN signals s ON s.id = mm.signal_id JOIN matches m ON m.id = mm.match_id"
        " WHERE m.kind = 'family' AND m.ended_at IS NULL AND mm.left_at IS NULL"
    ).fetchall():
        members.setdefault(int(match_id), set()).add(int(youth_id))
    families: dict[int, frozenset[int]] = {}  # youth -> its family, each read once
    for match_id, youths in sorted(members.items()):
        first = min(youths)
        if first not in families:
            family = frozenset(_m0022_family(db, first))
            families.update(dict.fromkeys(family, family))
        if not youths <= families[first]:
            db.execute("INSERT INTO family_match_checks (match_id) VALUES (?)", (match_id,))


def _m0022_family(db: Database, youth_id: int) -> set[int]:
    """FROZEN for migration 0022: `matching.family_of` as it was when 0022 was written
    (shared parent key, or a shared address key that is no institution's, read up to
    200 youths). Never change it; see the module docstring."""
    family = {youth_id}
    frontier = [youth_id]
    while frontier and len(family) < 200:
        marks = ",".join("?" for _ in frontier)
        found = db.execute(
            "SELECT p2.youth_id FROM youth_parents p1"
            " JOIN youth_parents p2 ON p2.parent_key = p1.parent_key"
            f" WHERE p1.youth_id IN ({marks})"
            " UNION "
            "SELECT y2.id FROM youths y1 JOIN youths y2 ON y2.address_key = y1.address_key"
            f" WHERE y1.id IN ({marks}) AND y1.address_key IS NOT NULL"
            " AND y1.address_key NOT IN (SELECT address_key FROM institution_addresses)",
            [*frontier, *frontier],
        ).fetchall()
        frontier = [int(r[0]) for r in found if int(r[0]) not in family]
        family.update(frontier)
    return family


@MIGRATIONS(name="0023_older_notices_linked_to_their_youths")
def _m0023_older_notices_linked_to_their_youths(db: Database) -> None:
    """Notices from before 0005 that name youths are linked to them after all, so that
    erasing a youth erases them too (rules 15 and 17).

    0005 linked the notices already queued only through a youth match; a family
    match notice, a move notice and a history notice stayed unlinked, and `vix
    jeugdige wis` kept them, sent or not, while it said that nothing about the
    youth was left. They can be traced (`_M0023_LINKS`, frozen copies of what
    the notice named when it was queued):

    - a match notice (new, changed, left, ended) names its recipient's own youths
      in the match (`notices._own_youths`): the youths of the signals through
      which the recipient was a member at the notice's time;
    - a move notice names the youth who moved in that command (`youth_moves`,
      recorded at the notice's time). One command may move many youths (a pupil
      list): then the youths on which the recipient had a signal by then, or that
      moved to the municipality whose regievoerder the recipient is (where none
      is, all of them), and of those the ones whose name and birth date the body
      holds, where any does (a region's own template may word it otherwise);
    - a history notice names the youth its recipient signalled then (the
      archived signal it told of, `history_notices`, or the recipient's signal
      placed at that moment).

    Only notices of those kinds without any link yet: 0005 and every later vix
    link what they queue. A youth whose signal was deleted before (its member
    rows went with it) cannot be traced this way and stays unlinked.
    """
    for sql in _M0023_LINKS:
        db.execute(sql)
    for outbox_id, at, recipient, body in db.execute(
        "SELECT o.id, o.created_at, o.recipient_id, o.body FROM outbox o WHERE o.kind = 'move'"
        " AND NOT EXISTS (SELECT 1 FROM outbox_youths l WHERE l.outbox_id = o.id)"
    ).fetchall():
        moved = db.execute(_M0023_MOVED, (at, recipient, body)).fetchall()
        told = [r for r in moved if r[1]] or moved  # the recipient's youths, else any
        named = [r[0] for r in told if r[2]] or [r[0] for r in told]
        db.conn.executemany(
            "INSERT OR IGNORE INTO outbox_youths (youth_id, outbox_id) VALUES (?, ?)",
            [(youth_id, outbox_id) for youth_id in named],
        )


# FROZEN for migration 0023: whom an older notice named (`notices._own_youths` at the
# notice's time; `signals._history_match`)
_M0023_UNLINKED = "NOT EXISTS (SELECT 1 FROM outbox_youths l WHERE l.outbox_id = o.id)"
_M0023_LINKS = (
    "INSERT OR IGNORE INTO outbox_youths (youth_id, outbox_id)"
    " SELECT DISTINCT s.youth_id, o.id FROM outbox o"
    " JOIN match_members mm ON mm.match_id = o.match_id AND mm.professional_id = o.recipient_id"
    " JOIN signals s ON s.id = mm.signal_id"
    " WHERE o.kind IN ('match_nieuw', 'match_gewijzigd', 'match_verlaten', 'match_beeindigd')"
    f" AND mm.joined_at <= o.created_at AND {_M0023_UNLINKED}",
    "INSERT OR IGNORE INTO outbox_youths (youth_id, outbox_id)"
    " SELECT DISTINCT s.youth_id, o.id FROM outbox o"
    " JOIN history_notices h ON h.professional_id = o.recipient_id AND h.told_at = o.created_at"
    " JOIN signals s ON s.id = h.archived_signal_id"
    f" WHERE o.kind = 'history_match' AND {_M0023_UNLINKED}"
    " UNION"
    " SELECT DISTINCT s.youth_id, o.id FROM outbox o"
    " JOIN signals s ON s.professional_id = o.recipient_id AND s.placed_at = o.created_at"
    f" WHERE o.kind = 'history_match' AND {_M0023_UNLINKED}",
)
# the youths a move notice (time, recipient) may name, and whether its body names each
_M0023_MOVED = """
    SELECT DISTINCT mv.youth_id,
           EXISTS (SELECT 1 FROM signals s WHERE s.youth_id = mv.youth_id
                   AND s.professional_id = ?2 AND s.placed_at <= ?1)
           OR EXISTS (SELECT 1 FROM municipalities mu WHERE mu.id = mv.to_municipality_id
                      AND mu.director_id = ?2),
           instr(?3, y.given_name) > 0 AND instr(?3, y.surname) > 0
           AND instr(?3, strftime('%d-%m-%Y', y.birth_date)) > 0
    FROM youth_moves mv JOIN youths y ON y.id = mv.youth_id
    WHERE mv.recorded_at = ?1
    ORDER BY mv.youth_id
"""


@MIGRATIONS(name="0024_application_id_vix2")
def _m0024_application_id_vix2(db: Database) -> None:
    """The file's application id becomes "VIX2": a vix older than 17c0265 refuses it.

    Since 17c0265 (24 November 2026) vix refuses a file that a newer vix
    migrated ("bijgewerkt door een nieuwere versie"); the versions before it
    only checked the application id and went on, writing into a schema they did
    not know: parents' keys as text where 0002 made integers (family links
    lost), address keys by the rule 0006 replaced (false family matches again),
    notices that 0005's erasure cannot find. Those versions refuse any other id
    as "geen vix-database": not the precise reason, but nothing is written. The
    versions from 17c0265 until this migration say the same now instead of
    naming the newer version (README, "Terug naar een oudere versie"); this one
    and later ones know every "VIX" id (`_check_is_vix`). The id is in the
    file's header, written in the migration's transaction.
    """
    db.conn.execute(f"PRAGMA application_id = {_M0024_APPLICATION_ID}")


# FROZEN for migration 0024: "VIX2"
_M0024_APPLICATION_ID = 0x56495832


@MIGRATIONS(name="0025_outbox_claimed_until")
def _m0025_outbox_claimed_until(db: Database) -> None:
    """Outbox rows get `claimed_until`: the moment (UTC) after which a notice that a run
    claimed ('sending') is stale, and another run sends it again.

    Until now every run took a claim older than 15 minutes as stale. A run may be
    busy with a message longer than that: the server may take up to ten times
    `smtp_time_out` (up to 300 s) over it, and recording its 250 waits for another
    command's write lock up to 10 minutes, or VIX_WACHTTIJD when longer (the
    README's crontab sets 900 s). A later run then sent the message again while the
    first could still record it. The claiming run now writes its own deadline
    (`mail.claim_hold`). A row 'sending' now was claimed by an older vix: it gets
    the deadline that vix kept, 15 minutes after its last attempt (Dutch local
    time, as stored). Adding a nullable column rewrites no row.
    """
    db.execute("ALTER TABLE outbox ADD COLUMN claimed_until TEXT")
    claims = db.conn.execute(
        "SELECT id, last_attempt_at FROM outbox"
        " WHERE status = 'sending' AND last_attempt_at IS NOT NULL"
    ).fetchall()
    for outbox_id, attempt in claims:
        claimed = datetime.fromisoformat(attempt).replace(tzinfo=LOCAL_TIME).astimezone(UTC)
        until = (claimed + _M0025_STALE_AFTER).isoformat(timespec="seconds")
        db.conn.execute("UPDATE outbox SET claimed_until = ? WHERE id = ?", (until, outbox_id))


# FROZEN for migration 0025: how long an older vix left another run's claim alone
_M0025_STALE_AFTER = timedelta(minutes=15)


@MIGRATIONS(name="0026_pupils_list_digests")
def _m0026_pupils_list_digests(db: Database) -> None:
    """School registrations remember what the school's list last said, as keyed digests.

    `person_digest` (name, birth date, sex), `address_digest` (postcode, house
    number, the municipality of the woonplaats) and `parents_digest` (the parents)
    are 64-bit keyed hashes (`Store.list_digest_key`) of a group of a row of this
    school's list, never the values. The next list applies a group only when its
    digest differs: an unchanged list then no longer undoes a move, a correction or
    another school's address (`importer._Run._write`). NULL: nothing remembered, as
    for every registration an upgrade keeps; the school's next list compares that
    group with what is stored, as before, and remembers it. Adding nullable
    columns rewrites no row.
    """
    for column in ("person_digest", "address_digest", "parents_digest"):
        db.execute(f"ALTER TABLE pupils ADD COLUMN {column} INTEGER")


@MIGRATIONS(name="0027_signal_term_two_years")
def _m0027_signal_term_two_years(db: Database) -> None:
    """Rule 15 (Jeugdwet 7.1.4.5): a signal ends two years after it was placed at the
    latest. `vix instelling zet signaal_jaren` took up to 5: a region that set more
    than 2 gets 2, and each active signal placed under it ends two years after it was
    placed (at 23 still, as its date already says). An archived signal ended already.
    """
    stored = db.conn.execute("SELECT value FROM settings WHERE key = 'signaal_jaren'").fetchone()
    try:
        years = int(json.loads(stored[0])) if stored is not None else 0
    except (TypeError, ValueError):  # edited by hand into something else: vix reads 2 then
        years = _M0027_MAX_YEARS + 1
    if years <= _M0027_MAX_YEARS:
        return
    db.conn.execute(
        "UPDATE settings SET value = ? WHERE key = 'signaal_jaren'", (json.dumps(_M0027_MAX_YEARS),)
    )
    rows = db.conn.execute(
        "SELECT id, placed_at, planned_removal FROM signals WHERE status = 'active'"
    ).fetchall()
    for signal_id, placed, planned in rows:
        latest = datetime.fromisoformat(placed).date() + relativedelta(years=_M0027_MAX_YEARS)
        if date.fromisoformat(planned) > latest:
            db.conn.execute(
                "UPDATE signals SET planned_removal = ? WHERE id = ?",
                (latest.isoformat(), signal_id),
            )


# FROZEN for migration 0027: the longest term rule 15 allows a signal
_M0027_MAX_YEARS = 2


@MIGRATIONS(name="0028_pupils_listed_municipality")
def _m0028_pupils_listed_municipality(db: Database) -> None:
    """School registrations remember the municipality the school's list last gave.

    `listed_municipality`: the municipality of the woonplaats in the row of the
    school's last list (0: the list named none vix knew). The import counts a pupil
    as moved ("verhuisd") when the list gives another municipality than that, not
    when it differs from what is stored: with a dry run with another address a
    school could otherwise see whether someone else (another school's list, `vix
    jeugdige verhuis`) had already put its pupil in that municipality (rule 16).
    NULL: nothing remembered, as for every registration an upgrade keeps; the next
    list counts by what is stored, as before, and remembers it.
    """
    db.execute("ALTER TABLE pupils ADD COLUMN listed_municipality INTEGER")


@MIGRATIONS(name="0029_match_notices_linked_to_the_match_youths")
def _m0029_match_notices_linked_to_the_match_youths(db: Database) -> None:
    """Notices about a match that name no youth are linked to the youths of the match
    (rules 15 and 17), as `notices.link_match_youths` links them from now on.

    A lead, hand-over or escalation notice (regie_*, escalatie_*) names no child,
    but lists the members of the match with their phone and e-mail, or its
    organisations. Until now it was linked to no youth: a client match's went
    with the match's youth (by its match id), but a family match's stayed when
    every child of the family was erased (or his or her signals all ended and
    left the archive), with everyone's contact details in its body, and showed in
    no child's inzage. Each is linked to the youths whose signal was in the match
    when it was queued (a client match's youth too), else to every youth that was
    ever in it (`_M0029_LINKS`, frozen copies of the live rule).

    One that cannot be linked any more is deleted, sent or not: the match is gone
    (an upheld objection deleted it: match_id NULL) or no signal of it is left
    (all erased or purged), so the youths it was about are gone from it, and the
    notices that named them went with them then (README: "Bijwerken").
    """
    for sql in _M0029_LINKS:
        db.execute(sql)
    db.execute(
        f"DELETE FROM outbox WHERE kind NOT IN {_M0029_OWN_KINDS} AND"
        " (match_id IS NOT NULL OR kind LIKE 'regie_%' OR kind LIKE 'escalatie_%')"
        " AND NOT EXISTS (SELECT 1 FROM outbox_youths l WHERE l.outbox_id = outbox.id)"
    )


# FROZEN for migration 0029: the notices linked to their youths when queued (a match
# notice to its recipient's own youths, a move, history or erasure notice to its youth
# or none), and whom a notice about a match is about (`notices.link_match_youths`)
_M0029_OWN_KINDS = (
    "('match_nieuw', 'match_gewijzigd', 'match_verlaten', 'match_beeindigd', 'move',"
    " 'history_match', 'signaal_gewist')"
)
_M0029_UNLINKED = (
    f"o.match_id IS NOT NULL AND o.kind NOT IN {_M0029_OWN_KINDS}"
    " AND NOT EXISTS (SELECT 1 FROM outbox_youths l WHERE l.outbox_id = o.id)"
)
_M0029_LINKS = (
    "INSERT OR IGNORE INTO outbox_youths (youth_id, outbox_id)"
    " SELECT m.youth_id, o.id FROM outbox o JOIN matches m ON m.id = o.match_id"
    f" WHERE m.youth_id IS NOT NULL AND {_M0029_UNLINKED}"
    " UNION"
    " SELECT DISTINCT s.youth_id, o.id FROM outbox o"
    " JOIN match_members mm ON mm.match_id = o.match_id JOIN signals s ON s.id = mm.signal_id"
    " WHERE mm.joined_at <= o.created_at AND (mm.left_at IS NULL OR mm.left_at >= o.created_at)"
    f" AND {_M0029_UNLINKED}",
    # one queued when none of them was in it: every youth that was
    "INSERT OR IGNORE INTO outbox_youths (youth_id, outbox_id)"
    " SELECT DISTINCT s.youth_id, o.id FROM outbox o"
    " JOIN match_members mm ON mm.match_id = o.match_id JOIN signals s ON s.id = mm.signal_id"
    f" WHERE {_M0029_UNLINKED}",
)


@MIGRATIONS(name="0030_audit_notice_match_index")
def _m0030_audit_notice_match_index(db: Database) -> None:
    """Find the notices of a match that are no longer in the outbox without a scan.

    A notice withdrawn before it went (a transfer, a change of its match) is
    deleted from the outbox; its audit records ('queue' with the match in its
    detail, 'withdraw') stay, and the inzage lists them for the youth's matches
    (`reports.inzage`). The match is in the JSON detail only: without this index
    the inzage would read the records of every notice ever queued.
    """
    db.execute(
        "CREATE INDEX audit_notice_match ON audit_log(json_extract(detail, '$.match'))"
        " WHERE entity = 'notice' AND action = 'queue'"
    )


def _register_functions(db: Database, key: bytes, now: datetime) -> None:
    """Lend migrations what the file does not hold: the key and the command's clock.

    vix_pseudonym(number) is `Store.pseudonym`, vix_now() is `Store.stamp`: a
    migration that writes an audit record (0011) writes it as a command would.
    """
    db.conn.create_function(
        "vix_pseudonym", 1, lambda number: pseudonym(key, number), deterministic=True
    )
    db.conn.create_function("vix_now", 0, lambda: now.isoformat(timespec="seconds"))


# every migration this vix knows: all of them are pending on an empty database
_REGISTERED = frozenset(m.name for m in MIGRATIONS.pending(Database(memory=True)))


# how long a read waits inside SQLite for another process's lock before it says the
# database is busy; the write lock and the first read of the file are waited for longer,
# in short tries (`patiently`)
BUSY_TIMEOUT_MS = 10_000
# how long a command waits for the write lock by default (`LockWait`, VIX_WACHTTIJD): past
# what the longer runs hold it (a big import, `vix stagnatie --escaleer` at national size),
# short enough that a command stuck behind a run of minutes says so within a minute
LOCK_WAIT_S = 60
# the most VIX_WACHTTIJD may ask for: a day (a lock held longer is stuck, not busy, and a
# daily cron job that waited longer would queue behind its own next run)
LOCK_WAIT_MAX_S = 86_400
# one try at the lock waits this long inside SQLite, where Python runs no signal handler:
# Ctrl-C or SIGTERM between tries stops the wait within a fifth of a second
_LOCK_TRY_MS = 200
# a try that SQLite ends at once (no busy handler called) is stretched to this, so that
# the wait never spins
_LOCK_TRY_MIN_S = 0.05


@dataclass
class LockWait:
    """How long a command waits for a lock another process holds, and whom it tells.

    `seconds`: the most it waits before it gives up with `DatabaseBusy`.
    `waiting`: called once per wait, after the first short try found the database
    busy, with `seconds` (the CLI says on a terminal that vix waits and that
    Ctrl-C stops it; off a terminal it stays silent, as cron must when the wait
    ends well).
    """

    seconds: int = LOCK_WAIT_S
    waiting: Callable[[int], None] | None = None


class DatabaseBusy(VixError):
    """Another process held the lock longer than the command would wait (`LockWait`)."""

    def __init__(self, seconds: int) -> None:
        waited = (
            "vix wachtte niet"
            if seconds == 0
            else f"vix heeft er {seconds} {'seconde' if seconds == 1 else 'seconden'} op gewacht"
        )
        if seconds >= LOCK_WAIT_MAX_S:
            # waiting longer is not allowed, and would not help: a lock held a day is stuck
            advice = (
                "Langer wachten kan niet en helpt niet: zoek het proces dat de database "
                "vasthoudt (bijvoorbeeld met 'fuser' of 'lsof' op het databasebestand) en "
                "stop het, of wacht tot het klaar is, en probeer het dan opnieuw."
            )
        else:
            longer = min(LOCK_WAIT_MAX_S, max(LOCK_WAIT_S, 2 * seconds))
            advice = (
                "Probeer het later opnieuw, of laat vix langer wachten met de "
                "omgevingsvariabele VIX_WACHTTIJD in seconden "
                f"(bijvoorbeeld VIX_WACHTTIJD={longer})."
            )
        super().__init__(
            "De database is bezet door een ander proces (bijvoorbeeld een andere vix-opdracht "
            f"of een back-up); {waited}. {advice}"
        )
        self.seconds = seconds


_T = TypeVar("_T")


def is_busy(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds a lock."""
    return "locked" in str(error) or "busy" in str(error)


def patiently(conn: sqlite3.Connection, wait: LockWait, attempt: Callable[[], _T]) -> _T:
    """Run `attempt` (BEGIN IMMEDIATE, or the first read of the file) until no other
    process's lock stops it, for at most `wait.seconds`; then `DatabaseBusy`.

    SQLite waits for a lock inside C, and Python runs a signal handler only
    when that call returns: one busy timeout of a minute would keep Ctrl-C and
    SIGTERM from stopping vix for a minute. So the wait is a loop of short tries
    (`_LOCK_TRY_MS`), and a stop between tries ends it at once (the caller rolls
    back, `Store.transaction`). The connection's own busy timeout is put back
    after, for the reads and writes that follow.
    """
    deadline = time.monotonic() + wait.seconds
    (normal,) = conn.execute("PRAGMA busy_timeout").fetchone()
    told = False
    try:
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            conn.execute(f"PRAGMA busy_timeout = {max(0, min(_LOCK_TRY_MS, left_ms))}")
            began = time.monotonic()
            try:
                return attempt()
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(wait.seconds) from error
            if not told and wait.waiting is not None:
                told = True
                wait.waiting(wait.seconds)
            time.sleep(max(0.0, _LOCK_TRY_MIN_S - (time.monotonic() - began)))
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(normal)}")


def _set_pragmas(conn: sqlite3.Connection, wait: LockWait) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    # rule 15: what is deleted is gone from the file, not left in free space (and so in
    # every back-up) until the page is reused; many SQLite builds leave this off
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # a file in rollback mode (vix made it WAL, but a restore or a copy through a tool
    # can turn it back) is switched once; the switch needs the file to itself, so a
    # process reading it is waited for as for the write lock (`patiently`, `wait`),
    # not SQLite's fixed busy timeout. Asking the mode takes no lock
    (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    if str(mode).lower() != "wal":
        patiently(conn, wait, lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
    conn.execute("PRAGMA synchronous = NORMAL")
    # reports sort and count hundreds of thousands of index entries: sort in memory
    # and keep a 32 MB page cache (an upper bound, only used when touched)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32000")


def key_path_for(db_path: Path) -> Path:
    env = os.environ.get("VIX_SLEUTEL")
    return Path(env) if env else Path(str(db_path) + KEY_SUFFIX)


def remove_new_database(path: Path, key_path: Path | None) -> None:
    """Remove a database that `vix init` began and could not finish, with its journal
    files and `key_path` (None: the key is not this command's): a half-made pair would
    block the next attempt.

    Only for files this command made itself (`_touch_private`, O_EXCL): a second
    'vix init' on the same path that lost the race removed the winner's database
    and key.
    """
    made = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    for leftover in [*made, *([] if key_path is None else [key_path])]:
        # each on its own: one that cannot go (a file of another user in a sticky
        # folder) must not keep the key, which would block the next 'vix init'
        with suppress(OSError):
            leftover.unlink(missing_ok=True)


COMPANIONS = ("-wal", "-shm", "-journal")


def check_companions(path: Path, *, new: bool = False) -> None:
    """Refuse a -wal, -shm or -journal beside the database that is not the database's own.

    SQLite takes such a file as it finds it. Another account that can create files
    in the database's folder (a shared or sticky folder such as /tmp) could put an
    empty one there, readable and writable by itself: every page vix wrote to it,
    BSNs included, would be its to read, and a page it changed would be taken in
    (rule 16). SQLite makes its own with the database's mode, owned by the account
    that opened the database first: its owner, or, for a database its group may
    write (an account per user), one of that group, in the database's group. For a new
    database (`new`) none may exist yet: most often it is left over from an earlier
    database at that path, and SQLite would read an old -wal's pages into the new
    one (`_leftover`). The folder SQLite uses is that of the real file behind a
    symbolic link, so both are looked at.
    """
    owner = None if new else path.stat()
    for base in dict.fromkeys([path, path.resolve()]):
        for end in COMPANIONS:
            companion = Path(f"{base}{end}")
            try:
                found = companion.lstat()
            except OSError:  # none there (or the folder unreadable: SQLite says so)
                continue
            if owner is None:
                raise DatabaseProblem(_leftover(companion, found))
            why = _not_its_own(found, owner.st_uid, owner.st_gid, owner.st_mode)
            if why is None:
                continue
            raise DatabaseProblem(
                f"Naast de database staat {companion}, en {why}. vix opent de database zo "
                "niet: wie dat bestand beheert, kan lezen en veranderen wat vix erin schrijft. "
                "Laat nagaan wie het maakte, verwijder het (niet zolang een vix- of "
                "SQLite-proces de database open heeft), en zet de database in een map waar "
                "alleen u kunt schrijven."
            )


def _not_its_own(found: os.stat_result, uid: int, gid: int, mode: int) -> str | None:
    """Why a companion file is not one SQLite made for a database of owner `uid`, group
    `gid` and `mode` (a clause after "en"); None when it may be."""
    if not stat.S_ISREG(found.st_mode):
        return "het is geen gewoon bestand (een koppeling, map of apparaat)"
    if found.st_uid != uid and not (
        # shared through a group (an account per user): SQLite gives its files to
        # whoever of the group opened the database first, in the database's group
        mode & stat.S_IWGRP and found.st_gid == gid
    ):
        return "het heeft een andere eigenaar dan de database"
    if stat.S_IMODE(found.st_mode) & ~stat.S_IMODE(mode):
        return "anderen mogen het lezen of schrijven en de database niet"
    return None


def _leftover(companion: Path, found: os.stat_result) -> str:
    """The refusal to make a database beside `companion`: usually the user's own
    leftover of an earlier database at that path (removed without it), so the advice
    is to move it away; one that is no regular file of this account, or that others
    may read or write, is said to be suspect as well."""
    told = (
        f"Naast de nieuwe database staat al {companion}. Een bestand met die naam hoort bij "
        "een database op dit pad: meestal is het over van een eerdere database daar, die "
        "zonder dit bestand is verwijderd of verplaatst. vix maakt de database zo niet: "
        "SQLite zou het lezen als deel van de nieuwe database. Verplaats of verwijder het "
        "eerst (niet zolang een vix- of SQLite-proces een database op dit pad open heeft), "
        "of kies een ander pad."
    )
    if not stat.S_ISREG(found.st_mode):
        why = "het is geen gewoon bestand (een koppeling, map of apparaat)"
    elif found.st_uid != os.geteuid():
        why = "het is van een ander account"
    elif stat.S_IMODE(found.st_mode) & 0o077:
        why = "anderen mogen het lezen of schrijven"
    else:
        return told
    return (
        f"{told} Let op, {why}: laat nagaan wie het maakte, want wie dat bestand beheert, "
        "kan lezen en veranderen wat vix erin schrijft, en zet de database in een map waar "
        "alleen u kunt schrijven."
    )


def _touch_private(path: Path) -> None:
    """Create an empty file readable by the owner only."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _fingerprint(key: bytes) -> str:
    return hmac.new(key, b"vix-key-check", hashlib.sha256).hexdigest()[:16]


@dataclass
class Store:
    """An open vix database plus what every domain call needs with it.

    `now` is the injected clock: the CLI fills it from the real time in `LOCAL_TIME`
    (or `VIX_NU` in tests and the demo), domain code never calls `datetime.now()`.

    `drafts` are the files with personal data that the transaction wrote (the
    import's rejected rows): the CLI's session puts them in place after COMMIT,
    or removes them when the transaction did not commit (`files.Draft`).

    `lock_wait` is how long a transaction waits for another process's write
    lock, and who hears that it waits (the CLI fills it from VIX_WACHTTIJD).

    `memo` holds what one transaction reads again and again and nobody else can
    change while it holds the write lock: the settings (`setting`) and the loaded
    notice templates (`render.render_cached`). A run that queues 30,000 notices read
    the settings 150,000 times otherwise. It lives from BEGIN to COMMIT or
    ROLLBACK (None outside a transaction: then every read goes to the database);
    `set_setting` and `reset_setting` keep it true within the transaction.
    """

    db: Database
    key: bytes
    now: datetime
    path: Path
    key_path: Path
    drafts: list[Draft] = field(default_factory=list, repr=False)
    memo: dict[Any, Any] | None = field(default=None, repr=False)
    upgraded: str | None = None  # what opening it changed for a live rule (`upgrade`)
    lock_wait: LockWait = field(default_factory=LockWait, repr=False)

    @property
    def today(self) -> date:
        return self.now.date()

    def own_files(self) -> dict[Path, str]:
        """vix's own files, which no report, letter or list of rejected rows may
        replace (`files.refuse_own_file`), with what each is called in the refusal; and
        the folders of the templates, in which none may be written."""
        db = "de database"
        own = {self.path: db}
        # SQLite names its files after the database file itself: with --db a symbolic
        # link, beside the file the link points to
        for base in {self.path, self.path.resolve()}:
            own.update({Path(f"{base}{end}"): db for end in ("-wal", "-shm", "-journal")})
        own[self.key_path] = "het sleutelbestand"
        from .render import template_folders  # Jinja only where a file is written

        own.update(template_folders(self.setting("sjablonen_map", None)))
        return own

    @property
    def stamp(self) -> str:
        return self.now.isoformat(timespec="seconds")

    def pseudonym(self, number: str) -> str:
        """Keyed hash of a BSN (or other youth number): stable, not reversible."""
        return pseudonym(self.key, number)

    def parent_key(self, number: str) -> int:
        """Keyed hash of a parent's BSN, as stored in youth_parents (64 bits of the HMAC)."""
        return key_as_int(hmac.new(self.key, number.encode(), hashlib.sha256).digest())

    def list_digest_key(self) -> bytes:
        """The key of the digests a pupil row keeps of what its school's list said
        (`pupilrows.ListDigests`): derived from the key file by the HMAC of a text that
        begins with NUL, which no number (whose HMAC is a pseudonym or a parent's key)
        holds, so that this key is none of those."""
        return hmac.new(self.key, b"\0vix-pupil-list-digest", hashlib.sha256).digest()

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.db.conn.execute(sql, params)

    def rows(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        return list(self.db.conn.execute(sql, params).fetchall())

    def row(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        found: sqlite3.Row | None = self.db.conn.execute(sql, params).fetchone()
        return found

    def scalar(self, sql: str, params: Any = ()) -> Any:
        found = self.db.conn.execute(sql, params).fetchone()
        return None if found is None else found[0]

    def insert(self, sql: str, params: Any = ()) -> int:
        cursor = self.db.conn.execute(sql, params)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def setting(self, key: str, default: Any) -> Any:
        memo = self.memo
        slot = ("setting", key)
        if memo is not None and slot in memo:
            value = memo[slot]
        else:
            value = self.scalar("SELECT value FROM settings WHERE key = ?", (key,))
            if memo is not None:
                memo[slot] = value
        # the stored JSON text is what is kept: every caller gets its own value to change
        return default if value is None else json.loads(value)

    def set_setting(self, key: str, value: Any) -> None:
        text = json.dumps(value)
        self.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, text),
        )
        if self.memo is not None:
            self.memo[("setting", key)] = text

    def reset_setting(self, key: str) -> None:
        """Remove a stored setting: its default applies again."""
        self.execute("DELETE FROM settings WHERE key = ?", (key,))
        if self.memo is not None:
            self.memo[("setting", key)] = None

    def audit(
        self,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: int | None = None,
        *,
        subject_number: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Write one audit record (rule 18) in the current transaction."""
        self.execute(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, subject, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.stamp,
                actor_id,
                action,
                entity,
                entity_id,
                None if subject_number is None else self.pseudonym(subject_number),
                None if detail is None else json.dumps(detail, ensure_ascii=False),
            ),
        )

    def audit_each(
        self,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_ids: Sequence[int],
        subjects: Sequence[str | None] | None = None,
    ) -> None:
        """One audit record per entity id, as `audit` without detail writes them, in that
        order: a night's purge logs hundreds of thousands after a backlog. `subjects`:
        the youth's key of each (`pseudonym`), or none."""
        keys = [None] * len(entity_ids) if subjects is None else subjects
        self.db.conn.executemany(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, subject)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (self.stamp, actor_id, action, entity, i, k)
                for i, k in zip(entity_ids, keys, strict=True)
            ],
        )

    @contextmanager
    def transaction(
        self, *, temp_on_disk: bool = False, wait: LockWait | None = None
    ) -> Iterator[Store]:
        """One command, one transaction: on any error nothing is written.

        BEGIN IMMEDIATE takes the write lock up front, so two overlapping runs
        (two cron jobs, say) queue behind each other instead of both reading the
        same state and both acting on it. The later one waits for the lock up to
        `lock_wait` (or `wait`, for a step that must wait longer or shorter: the
        mail run's record), in short tries that Ctrl-C stops (`patiently`); then
        `DatabaseBusy`. The one exception: a refusal that revealed a
        registration (its `lookups`: `RevealingConflict`, `errors.revealing`) is
        logged as a lookup after the rollback.

        `temp_on_disk`, for a command that changes many pages under a savepoint
        (the import): SQLite's temporary storage is a file for this transaction,
        so the savepoint's journal (the first image of every changed page) and
        big sorts spill to disk instead of growing in memory. SQLite fixes where
        that journal goes when the transaction begins, so it is set before BEGIN,
        and put back to memory after.
        """
        conn = self.db.conn
        if temp_on_disk:
            conn.execute("PRAGMA temp_store = FILE")
        try:
            try:
                # in the try: Ctrl-C right after BEGIN returns must not leave it open
                patiently(conn, wait or self.lock_wait, lambda: conn.execute("BEGIN IMMEDIATE"))
                self.memo = {}
                yield self
            except BaseException as error:
                self.memo = None
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(error, VixError) and error.lookups:
                    self._log_lookups(error)
                raise
            self.memo = None
            with interrupt_held():
                conn.execute("COMMIT")
        finally:
            if temp_on_disk and not conn.in_transaction:
                # never in place of what ended the transaction: after Ctrl-C a statement
                # the traceback keeps alive (a cursor being read) makes SQLite refuse it,
                # and "kon niet worden gelezen of geschreven" was said instead of 130
                with suppress(sqlite3.Error):
                    conn.execute("PRAGMA temp_store = MEMORY")

    def lookup(
        self,
        actor_id: int | None,
        youth_id: int,
        number: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Log that an answer told `actor_id` of this registered youth (rule 18): a read,
        whatever else the command did or refused; `number` is stored as its pseudonym."""
        self.audit(actor_id, "lookup", "youth", youth_id, subject_number=number, detail=detail)

    def _log_lookups(self, refusal: VixError) -> None:
        """The reads a refusal revealed (rule 18), kept although the command stored nothing."""
        with self.transaction():  # audit raises no VixError with lookups: no second round
            for seen in refusal.lookups:
                self.lookup(seen.actor_id, seen.youth_id, seen.number, seen.detail or None)

    def close(self) -> None:
        """Close, first emptying the -wal file (rule 15).

        SQLite removes the -wal when the last connection to the file closes. While
        another program keeps the database open (a back-up agent, a reader of the
        file), it stays, and holds the page images of what a command deleted (an
        erased youth) until later writes happen to overwrite them. So every command
        ends with a checkpoint that truncates it, when no other process is reading
        or writing at that moment (no waiting: otherwise the next command does it).
        """
        conn = self.db.conn
        with suppress(sqlite3.Error):
            if not conn.in_transaction:
                conn.execute("PRAGMA busy_timeout = 0")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        self.db.close()


def _connect(path: Path, wait: LockWait, *, pragmas: bool = True) -> Database:
    # the busy time-out from the start, also for `_check_is_vix` (pragmas=False): it changes
    # nothing in the file, and the check waits for a lock as long as any other read
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    if pragmas:
        _set_pragmas(conn, wait)
    return Database(conn, execute_plugins=False)


def _migrate(db: Database, path: Path, key: bytes, now: datetime, wait: LockWait) -> bool:
    """Apply pending migrations under the write lock; refuse a schema from a newer vix.
    Returns whether this committed any.

    Two commands that open an old database at once (cron) queue on BEGIN
    IMMEDIATE, the second waiting as for any transaction (`wait`); it finds
    nothing pending once it has the lock. The key has been checked against the
    file before: a migration that makes pseudonyms (0011) makes them with the
    database's own key.
    """
    applied = {m.name for m in MIGRATIONS.applied(db)}
    if applied - _REGISTERED:
        raise _newer_vix(path)
    if applied == _REGISTERED:  # nothing pending
        return False
    _register_functions(db, key, now)
    # a rebuild sorts whole tables for its indexes (0017: 800,000 member rows at national
    # size): in a temporary file, not in memory (300 MB), as the import builds its own
    db.conn.execute("PRAGMA temp_store = FILE")
    try:
        with _foreign_keys_off(db):
            patiently(db.conn, wait, lambda: db.conn.execute("BEGIN IMMEDIATE"))
            try:
                # read again under the lock: another process may have migrated meanwhile
                pending = _REGISTERED - {m.name for m in MIGRATIONS.applied(db)}
                MIGRATIONS.apply(db)
            except BaseException:
                db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")
    finally:
        db.conn.execute("PRAGMA temp_store = MEMORY")
    return bool(pending)


def _newer_vix(path: Path) -> DatabaseProblem:
    return DatabaseProblem(
        f"{path} is bijgewerkt door een nieuwere versie van vix dan deze. Gebruik die "
        "versie (of een nog nieuwere); deze versie laat de database ongemoeid."
    )


@contextmanager
def _foreign_keys_off(db: Database) -> Iterator[None]:
    """Foreign keys off while migrations run (outside any transaction: SQLite ignores the
    pragma inside one), on again after, whatever happens.

    A migration that rebuilds a table others refer to (0007: youths) drops the
    old table; with foreign keys on, that drop would first delete its rows and
    cascade to every pupil, parent and move. Such a migration checks the
    references itself before it commits (PRAGMA foreign_key_check).
    """
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")


def open_reader(path: Path) -> sqlite3.Connection:
    """A second, read-only connection to an open store's file (parallel report queries).

    No migrations, no key: it only reads what the store's own connection
    already opened, checked and migrated.
    """
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA query_only = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -16000")
    return conn


# SQLite's primary result codes for a file it may not open or write (an extended
# code carries the primary one in its low byte)
_NO_ACCESS = {3: "SQLITE_PERM", 8: "SQLITE_READONLY", 10: "SQLITE_IOERR", 14: "SQLITE_CANTOPEN"}


def _check_is_vix(db: Database, path: Path, wait: LockWait) -> None:
    # the first read waits for a lock as the write lock is waited for (`patiently`): a
    # process that holds the file exclusively (sqlite3, a back-up tool) blocks reads too
    try:
        app_id = patiently(
            db.conn, wait, lambda: db.conn.execute("PRAGMA application_id").fetchone()[0]
        )
    except sqlite3.DatabaseError as exc:
        if disk_reason(exc, path.absolute().parent) == DISK_FULL:
            # no room for the -shm file comes back as an I/O error, like a folder without
            # rights: "Controleer de rechten" sent the coordinator to the wrong thing
            raise DatabaseProblem(
                f"{path} kan niet worden geopend ({DISK_FULL}): vix moet in de map "
                f"{path.parent} de bestanden {path.name}-wal en {path.name}-shm kunnen maken. "
                "Maak ruimte vrij op de schijf en probeer het opnieuw."
            ) from exc
        if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _NO_ACCESS:
            # a WAL database needs its -wal and -shm files beside it, even to read: a
            # read-only folder was reported as 'geen SQLite-database'
            raise DatabaseProblem(
                f"{path} kan niet worden geopend: vix moet het bestand kunnen lezen en "
                f"schrijven, en in de map {path.parent} de bestanden {path.name}-wal en "
                f"{path.name}-shm kunnen maken. Controleer de rechten (of een alleen-lezen "
                "schijf) of kies een ander pad met --db of VIX_DB."
            ) from exc
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_NOTADB:
            raise DatabaseProblem(
                f"{path} is geen SQLite-database. Controleer het pad bij --db of VIX_DB."
            ) from exc
        # busy (another process holds the lock), damaged (a truncated copy) or another
        # trouble: `cli_common.guarded` says which, not that the path is wrong
        raise
    known = (APPLICATION_ID, _M0024_APPLICATION_ID)
    if app_id not in known and app_id >> 8 == _VIX_ID_PREFIX:
        raise _newer_vix(path)
    if app_id not in known and _is_empty(path):
        # 'vix init' refuses a path where a file lies: that advice could not be followed
        raise DatabaseProblem(
            f"{path} is een leeg bestand, geen vix-database. Controleer het pad bij --db of "
            "VIX_DB; hoort de nieuwe database daar te komen, verwijder dan het lege bestand "
            "en maak hem met 'vix init'."
        )
    if app_id not in known:
        raise DatabaseProblem(
            f"{path} is geen vix-database. Controleer het pad bij --db of VIX_DB, "
            "of maak met 'vix init' een nieuwe database op een ander pad."
        )


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


KEY_FILE_LIMIT = 1024  # a key file holds 64 hex digits and a newline


def _load_key(db: Database, key_path: Path) -> bytes:
    try:
        # a pipe or a device (VIX_SLEUTEL=/dev/zero) would hang or fill memory: only a
        # regular file is read, and no more of it than a key can be
        if key_path.exists() and not key_path.is_file():
            raise DatabaseProblem(
                f"Het sleutelbestand {key_path} is geen gewoon bestand. Zet VIX_SLEUTEL op "
                "het pad van de sleutel die 'vix init' voor deze database maakte."
            )
        with key_path.open("rb") as file:
            key = bytes.fromhex(file.read(KEY_FILE_LIMIT).decode("ascii").strip())
    except FileNotFoundError as exc:
        raise DatabaseProblem(
            f"Het sleutelbestand {key_path} ontbreekt. Zet VIX_SLEUTEL op het pad van de "
            "sleutel die 'vix init' voor deze database maakte."
        ) from exc
    except ValueError as exc:  # also UnicodeDecodeError
        raise DatabaseProblem(
            f"Het sleutelbestand {key_path} is beschadigd. Zet de back-up van het "
            "sleutelbestand van deze database terug (zonder de sleutel kan vix geen "
            "pseudoniem of ouder-sleutel maken); is VIX_SLEUTEL gezet, controleer dan het pad."
        ) from exc
    stored = db.conn.execute("SELECT value FROM settings WHERE key = 'key_fingerprint'").fetchone()
    if stored is None or json.loads(stored[0]) != _fingerprint(key):
        raise DatabaseProblem(
            f"Het sleutelbestand {key_path} hoort niet bij deze database. "
            "Gebruik de sleutel die 'vix init' voor deze database maakte (VIX_SLEUTEL)."
        )
    return key


def open_store(
    path: Path,
    now: datetime,
    *,
    create: bool = False,
    key_path: Path | None = None,
    lock_wait: LockWait | None = None,
) -> Store:
    """Open the vix database at `path` (creating it and its key with `create`).

    `lock_wait`: how long opening it and each transaction wait for another
    process's lock (`Store.lock_wait`; default `LOCK_WAIT_S`, silently).
    """
    key_path = key_path or key_path_for(path)
    lock_wait = lock_wait or LockWait()
    if create:
        if path.exists():
            raise DatabaseProblem(f"{path} bestaat al; kies een ander pad met --db.")
        if key_path.exists():
            raise DatabaseProblem(
                f"Het sleutelbestand {key_path} bestaat al; verwijder het of kies een "
                "ander pad met VIX_SLEUTEL."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        check_companions(path, new=True)
        try:
            _touch_private(path)
        except FileExistsError:
            # another 'vix init' made it since the check above: its file, not ours to remove
            raise DatabaseProblem(f"{path} bestaat al; kies een ander pad met --db.") from None
        key_made = False
        try:
            key = secrets.token_bytes(32)
            try:
                _touch_private(key_path)
            except FileExistsError:
                raise DatabaseProblem(
                    f"Het sleutelbestand {key_path} bestaat al; verwijder het of kies een "
                    "ander pad met VIX_SLEUTEL."
                ) from None
            key_made = True
            key_path.write_text(key.hex() + "\n")
            db = _connect(path, lock_wait)
            db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            _register_functions(db, key, now)
            with _foreign_keys_off(db):
                MIGRATIONS.apply(db)
            with db.atomic():
                db.conn.execute(
                    "INSERT INTO settings (key, value) VALUES ('key_fingerprint', ?)",
                    (json.dumps(_fingerprint(key)),),
                )
        except BaseException:
            # what this command made (O_EXCL), not a key another one made meanwhile
            remove_new_database(path, key_path if key_made else None)
            raise
        return Store(db=db, key=key, now=now, path=path, key_path=key_path, lock_wait=lock_wait)
    if not path.exists():
        raise DatabaseProblem(
            f"Database {path} bestaat niet. Maak er een met 'vix init' of geef het pad "
            "met --db of VIX_DB."
        )
    check_companions(path)
    db = _connect(path, lock_wait, pragmas=False)
    try:
        _check_is_vix(db, path, lock_wait)  # before any pragma writes: never change another file
        _set_pragmas(db.conn, lock_wait)
        key = _load_key(db, key_path)  # before migrating: 0011 makes pseudonyms with it
        migrated = _migrate(db, path, key, now, lock_wait)
        store = Store(db=db, key=key, now=now, path=path, key_path=key_path, lock_wait=lock_wait)
        # what a migration marked for a live rule (0022); imported here: it is domain
        # code, which imports this module
        from .upgrade import finish_upgrade

        try:
            finish_upgrade(store)
        except (Exception, KeyboardInterrupt) as error:
            if migrated:  # committed above: "nothing stored" would not be true
                raise UpgradeUnfinished() from error
            raise
    except BaseException:
        db.close()
        raise
    return store
