"""Placing and withdrawing a signal and an inzage never scan the big tables.

Every statement vix runs for `place_signal`, `withdraw` and `inzage` is traced
and put through EXPLAIN QUERY PLAN: signals, youths, parents, matches, members,
audit log and outbox may only be searched through an index, never scanned
whole (also not in an index's order).
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    INFORMED,
    P_MOTHER,
    Region,
    Runner,
    db_rows,
    new_youth,
    ok,
)

from vix import followup, people, reports, signals, views
from vix.db import Store, open_store
from vix.followup import Rules
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


def test_escalation_reads_do_not_grow_with_the_matches(vix: Runner, region: Region) -> None:
    """An escalation run reads what its steps and notices need once for all its matches:
    a national run took 13,500 steps with 33,000 notices, and asked the database again
    for every match and every notice (350,000 statements under the write lock). The
    run that escalates three matches reads as often as the one that escalates one, and
    neither scans a big table."""
    db = Path(os.environ["VIX_DB"])

    def match_on(number: str, name: str, when: str) -> None:
        for email in (region.school, region.jgz):
            ok(vix("signaleer", *new_youth(number, name), *INFORMED, als=email, now=when))

    match_on(BSN_ANNA, "Anna", "2026-11-23T10:00")  # Monday: stagnates on Tuesday 1 Dec
    for number, name in ((BSN_BRAM, "Bram"), (BSN_CAS, "Cas"), (BSN_DAAN, "Daan")):
        match_on(number, name, "2026-11-25T10:00")  # Wednesday: on Thursday 3 Dec

    def run(now: datetime) -> tuple[list[followup.Stagnation], list[str]]:
        store = open_store(db, now)
        try:
            me = people.actor(store, region.coordinator)
            found: list[list[followup.Stagnation]] = []
            statements = traced(
                store,
                lambda: found.append(
                    followup.stagnation(store, me, Rules.of(store), escalate=True)
                ),
            )
            assert full_scans(store.db.conn, statements) == []
        finally:
            store.close()
        return found[0], [s for s in statements if s.lstrip().upper().startswith("SELECT")]

    one, reads_one = run(datetime(2026, 12, 1, 7))
    three, reads_three = run(datetime(2026, 12, 3, 7))
    assert [(s.escalated_to, s.notices) for s in one] == [(1, 1)]
    # the first match waits for its second step (5 working days after the first)
    assert [(s.escalated_to, s.notices) for s in three] == [(None, 0), (1, 1), (1, 1), (1, 1)]
    assert len(reads_three) == len(reads_one)
    assert len(db_rows(db, "SELECT id FROM outbox WHERE kind = 'escalatie_1'")) == 4
