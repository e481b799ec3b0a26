"""Placing and withdrawing a signal and an inzage never scan the big tables.

Every statement vix runs for `place_signal`, `withdraw` and `inzage` is traced
and put through EXPLAIN QUERY PLAN: signals, youths, parents, matches, members,
audit log and outbox may only be searched through an index, never scanned
whole (also not in an index's order).

A look-up that starts from a few youths or matches must also not read through
matches_open: `ended_at IS NULL AND kind = ?` is an index search, yet it walks
every open match of the kind (47,000 client matches at national size). vix
keeps no planner statistics, so the plans on these small databases are the
plans every real database gets.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import ADMIN, BSN_ANNA, BSN_BRAM, BSN_CAS, BSN_DAAN, P_MOTHER, Region
from import_helpers import pupil, write_list

from vix import followup, matching, people, reports, signals, views
from vix.db import Store, open_store
from vix.followup import Rules
from vix.importer import import_pupils
from vix.youths import SubstituteData, YouthData, substitute_number

BIG_TABLES = {
    "signals",
    "youths",
    "youth_parents",
    "matches",
    "match_members",
    "audit_log",
    "outbox",
    "pupils",
    "history_notices",
    "match_milestones",
    "escalations",
}


def traced(store: Store, action: object) -> list[str]:
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        with store.transaction():
            action()  # type: ignore[operator]
    finally:
        store.db.conn.set_trace_callback(None)
    return statements


def full_scans(conn: sqlite3.Connection, statements: list[str]) -> list[str]:
    found = []
    for sql in statements:
        if not re.match(
            r"\s*(SELECT|UPDATE|DELETE|INSERT INTO \w+ .*SELECT|WITH)", sql, re.I | re.S
        ):
            continue
        # the plan names a table by its alias: "SCAN a" for "FROM audit_log a"
        aliases = {
            alias: table
            for table, alias in re.findall(
                r"\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(?!WHERE|JOIN|ON|LEFT|ORDER|GROUP)(\w+)",
                sql,
                re.I,
            )
        }
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
            detail = row[3]
            # "SCAN t USING INDEX i" reads all of t too, only in the index's order
            scan = re.match(r"SCAN (\w+)", detail)
            table = scan and aliases.get(scan.group(1), scan.group(1))
            if table in BIG_TABLES:
                found.append(f"{detail} :: {sql[:120]}")
    return found


def open_match_walks(conn: sqlite3.Connection, statements: list[str]) -> list[str]:
    """The statements whose plan reads matches through matches_open."""
    found = []
    for sql in statements:
        if not re.match(r"\s*(SELECT|UPDATE|DELETE|WITH)", sql, re.I):
            continue
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
            if "matches_open" in row[3]:
                found.append(f"{row[3]} :: {sql[:160]}")
    return found


def youth(number: str, name: str) -> YouthData:
    return YouthData(
        number=number,
        id_kind="bsn",
        given_name=name,
        surname="Vries",
        birth_date=date(2014, 4, 3),
        municipality="HAARLEM",
        parents=[P_MOTHER],
        postcode="2011AB",
        house_number="12",
    )


def test_signal_and_withdraw_use_indexes(store: Store, region: Region) -> None:
    def place(email: str, number: str, name: str) -> None:
        signals.place_signal(
            store,
            people.actor(store, email),
            signals.SignalRequest(
                youth_number=number,
                new_youth=youth(number, name),
                parents_informed_on=store.today,
                parents_not_informed_reason=None,
            ),
        )

    statements = traced(store, lambda: place(region.school, BSN_ANNA, "Anna"))
    statements += traced(store, lambda: place(region.jgz, BSN_ANNA, "Anna"))
    statements += traced(store, lambda: place(region.care, BSN_BRAM, "Bram"))
    sid = store.scalar("SELECT max(id) FROM signals")
    statements += traced(
        store, lambda: signals.withdraw(store, people.actor(store, region.care), sid, "onterecht")
    )
    assert len(statements) > 30
    assert full_scans(store.db.conn, statements) == []
    # Anna and Bram are sister and brother: their family match is looked up by both
    assert any("json_each" in sql and "signals s" in sql for sql in statements)
    assert open_match_walks(store.db.conn, statements) == []


def test_inzage_uses_indexes(store: Store, region: Region) -> None:
    """The audit log grows without end: an inzage finds its records through indexes."""
    for email in (region.school, region.jgz):
        signals.place_signal(
            store,
            people.actor(store, email),
            signals.SignalRequest(
                youth_number=BSN_ANNA,
                new_youth=youth(BSN_ANNA, "Anna"),
                parents_informed_on=store.today,
                parents_not_informed_reason=None,
            ),
        )
    coordinator = people.actor(store, region.coordinator)
    statements = traced(store, lambda: reports.inzage(store, coordinator, BSN_ANNA))
    assert any("a.entity = 'match'" in sql for sql in statements), "the match events were read"
    assert full_scans(store.db.conn, statements) == []


def test_inzage_by_name_uses_indexes(store: Store, region: Region) -> None:
    """The registrations a name may have (its number, and the numbers of the rule before
    0011 for each shorter end of the name) are looked up by number, never by reading
    every youth without a BSN."""
    born = date(2014, 4, 3)
    number = substitute_number(infix="de", surname="Vries", birth_date=born, sex="V")
    lisa = YouthData(
        number=number,
        id_kind="substitute",
        given_name="Lisa",
        infix="de",
        surname="Vries",
        birth_date=born,
        sex="V",
    )
    signals.place_signal(
        store,
        people.actor(store, region.school),
        signals.SignalRequest(
            youth_number=number,
            new_youth=lisa,
            parents_informed_on=store.today,
            parents_not_informed_reason=None,
        ),
    )
    coordinator = people.actor(store, region.coordinator)
    asked = SubstituteData(infix="", surname="de Vries", birth_date=born, sex="V")
    found: list[object] = []
    statements = traced(
        store, lambda: found.append(reports.inzage(store, coordinator, by_name=asked))
    )
    [z] = found
    assert isinstance(z, reports.Inzage) and z.found and z.name == "Lisa de Vries"
    assert any("json_each" in sql and "FROM youths y" in sql for sql in statements)
    assert full_scans(store.db.conn, statements) == []


def test_daily_commands_use_indexes(scenario: Region, vix_env: Path) -> None:
    """What cron and the signallers run every day reads no big table whole: stagnation
    (coordinator and school), maintenance, the own signals and matches."""
    store = open_store(vix_env, datetime(2026, 11, 23, 10, 0))
    try:
        coordinator = people.actor(store, scenario.coordinator)
        school = people.actor(store, scenario.school)
        runs = {
            "stagnatie": lambda: followup.stagnation(store, coordinator, Rules.of(store)),
            "stagnatie school": lambda: followup.stagnation(store, school, Rules.of(store)),
            "onderhoud": lambda: signals.expire_signals(store, coordinator),
            "onderhoud 23": lambda: signals.end_registrations_at_23(store, coordinator),
            "signalen": lambda: signals.list_signals(store, school),
            "matches": lambda: views.my_matches(store, people.actor(store, scenario.jgz)),
        }
        found = {name: full_scans(store.db.conn, traced(store, run)) for name, run in runs.items()}
    finally:
        store.close()
    assert found == {name: [] for name in runs}


def _family(store: Store, region: Region) -> list[int]:
    """Four children of one mother, signalled by school, youth health and youth care: a
    family match and a client match. Returns the youth ids."""
    numbers = [(BSN_ANNA, "Anna"), (BSN_BRAM, "Bram"), (BSN_CAS, "Cas"), (BSN_DAAN, "Daan")]
    for email, (number, name) in zip(
        [region.school, region.jgz, region.care, region.care], numbers, strict=True
    ):
        signals.place_signal(
            store,
            people.actor(store, email),
            signals.SignalRequest(
                youth_number=number,
                new_youth=youth(number, name),
                parents_informed_on=store.today,
                parents_not_informed_reason=None,
            ),
        )
    signals.place_signal(
        store,
        people.actor(store, region.school),
        signals.SignalRequest(
            youth_number=BSN_DAAN,
            new_youth=youth(BSN_DAAN, "Daan"),
            parents_informed_on=store.today,
            parents_not_informed_reason=None,
        ),
    )
    return [int(r[0]) for r in store.rows("SELECT id FROM youths ORDER BY id")]


@pytest.mark.parametrize("count", [1, 2, 10])
def test_lookups_from_ids_start_from_the_ids(store: Store, region: Region, count: int) -> None:
    """With one id or ten, the open matches of some youths (or some matches) are found
    from those ids: SQLite reads the ids first and no matches through matches_open."""
    with store.transaction():
        ids = _family(store, region)
    youth_match = int(store.scalar("SELECT id FROM matches WHERE kind = 'youth'"))
    family_match = int(store.scalar("SELECT id FROM matches WHERE kind = 'family'"))
    # Daan (in both matches) first, then his family, then youths and matches vix never had
    youths = [ids[3], *ids[:3], *range(9000, 9006)][:count]
    matches = [youth_match, family_match, *range(9000, 9008)][:count]
    found: dict[str, object] = {}
    runs = {
        "gezin": lambda: found.update(f=matching.open_family_matches(store, youths)),
        "jeugdige": lambda: found.update(y=matching.open_youth_matches(store, youths)),
        "woonplaats": lambda: matching.follow_residence(store, matches),
        "verhuizing": lambda: followup.follow_move(store, None, matches),
    }
    conn = store.db.conn
    for name, run in runs.items():
        statements = traced(store, run)
        # the look-up itself is the run's first query
        sql = next(sql for sql in statements if sql.lstrip().startswith("SELECT"))
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert re.match(r"SCAN (j|json_each) VIRTUAL TABLE", plan[0]), (name, plan)
        assert open_match_walks(conn, statements) == [], name
        assert full_scans(conn, statements) == [], name
    assert found == {"f": [family_match], "y": [youth_match]}


def test_move_reads_no_open_match_list(store: Store, region: Region) -> None:
    """A move of a youth in a client and a family match finds them from the youth."""
    with store.transaction():
        _family(store, region)
    coordinator = people.actor(store, region.coordinator)
    statements = traced(
        store,
        lambda: signals.move_youth(
            store,
            coordinator,
            BSN_DAAN,
            "ZANDVOORT",
            store.today,
            postcode="2042AB",
            house_number="7",
        ),
    )
    assert any("j CROSS JOIN matches m ON m.id = j.value" in sql for sql in statements)
    assert open_match_walks(store.db.conn, statements) == []
    assert full_scans(store.db.conn, statements) == []


def test_import_finds_dropped_links_from_the_keys(
    store: Store, region: Region, tmp_path: Path
) -> None:
    """A re-import that gives a pupil another parent and address looks up who still
    holds the old ones by those keys, not by reading every registered address."""
    with store.transaction():
        _family(store, region)
    admin = people.actor(store, ADMIN)
    first = write_list(
        tmp_path / "a.csv",
        [pupil(BSN_ANNA, "Anna", postcode="2011 AB", parent1="123456782", pupil_number="1")],
    )
    moved = write_list(
        tmp_path / "b.csv",
        [pupil(BSN_ANNA, "Anna", postcode="2042 AB", parent1="111111110", pupil_number="1")],
    )
    with store.transaction():
        import_pupils(store, admin, first, "ZON")
    statements = traced(store, lambda: import_pupils(store, admin, moved, "ZON"))
    linked = [sql for sql in statements if "import_old_keys k" in sql]
    assert linked, "the dropped keys were looked up"
    made = [sql for sql in statements if sql.startswith("CREATE TEMP TABLE import_")]
    for sql in made:  # the import dropped its tables again: the plan needs them
        store.db.conn.execute(sql)
    assert full_scans(store.db.conn, linked) == []
