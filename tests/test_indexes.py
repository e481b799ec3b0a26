"""Placing and withdrawing a signal never scans the big tables (the index stays fast).

Every statement vix runs for `place_signal` and `withdraw` is traced and put
through EXPLAIN QUERY PLAN: signals, youths, parents, matches, members, audit
log and outbox may only be searched through an index, never scanned whole.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date

from conftest import BSN_ANNA, BSN_BRAM, P_MOTHER, Region

from vix import people, signals
from vix.db import Store
from vix.youths import YouthData

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
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
            detail = row[3]
            scan = re.match(r"SCAN (\w+)(?! USING (?:COVERING )?INDEX)", detail)
            if scan and scan.group(1) in BIG_TABLES and "USING" not in detail:
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
