"""Placing and withdrawing a signal, an inzage and the reports never scan the big tables.

Every statement vix runs for `place_signal`, `withdraw`, `inzage`, the daily
commands and the jaarverslag in each scope is traced and put through EXPLAIN
QUERY PLAN: signals, youths, parents, matches, members, audit log and outbox
may only be searched through an index, never scanned whole (also not in an
index's order). The same for a mail run, whose claim, once per message, must
moreover find the next notice without sorting the queue. The databases have no
planner statistics, as vix runs no ANALYZE: the plans are those a region's
database gets.

A look-up that starts from a few youths or matches must also not read through
matches_open: `ended_at IS NULL AND kind = ?` is an index search, yet it walks
every open match of the kind (47,000 client matches at national size).
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    INFORMED,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    claimed_by_a_crashed_run,
    db_rows,
    new_youth,
    ok,
)
from import_helpers import pupil, write_list
from smtp_server import Server

from vix import followup, mail, matching, people, reports, signals, views
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


def place(store: Store, email: str, number: str, name: str) -> None:
    """`email` signals a youth the index may not know yet (born 2014, informed today)."""
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


def test_signal_and_withdraw_use_indexes(store: Store, region: Region) -> None:
    statements = traced(store, lambda: place(store, region.school, BSN_ANNA, "Anna"))
    statements += traced(store, lambda: place(store, region.jgz, BSN_ANNA, "Anna"))
    statements += traced(store, lambda: place(store, region.care, BSN_BRAM, "Bram"))
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
        place(store, email, BSN_ANNA, "Anna")
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


def test_a_mail_run_claims_each_notice_without_sorting_the_queue(
    vix: Any, region: Region, smtp: Server, store: Store
) -> None:
    """The claim runs once per message: searched in outbox_status from the last id on,
    it stops at the first notice that fits. With an OR of queued and stale rows it
    gathered every remaining queued notice, tested each, sorted them and kept one: a
    run over 32,697 notices sent 8 a second. The order stays: by id, a stale claim of
    a crashed run (sent again) in its place between the queued ones."""
    for als in (region.school, region.jgz):
        as_json(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=als))
    for als in (region.school, region.care):
        as_json(vix("signaleer", *new_youth(BSN_BRAM, "Bram"), *INFORMED, "--json", als=als))
    ids = [r[0] for r in store.rows("SELECT id FROM outbox ORDER BY id")]
    assert len(ids) == 4
    with store.transaction():  # a run that died after claiming the second one
        claimed_by_a_crashed_run(store.db.conn, ids[1], "2026-11-23T09:00:00")
        config = mail.config_of(store, people.actor(store, region.coordinator), {})
    assert config is not None
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        report = mail.deliver(store, config, lambda: datetime(2026, 11, 23, 10, 0))
    finally:
        store.db.conn.set_trace_callback(None)
    assert (report.sent, report.retried) == (4, 1)
    message_ids = [r[0] for r in store.rows("SELECT message_id FROM outbox ORDER BY id")]
    assert [m["Message-ID"] for m in smtp.mailbox.messages] == message_ids
    conn = store.db.conn
    assert full_scans(conn, statements) == []
    claims = {sql for sql in statements if "ORDER BY o.id LIMIT 1" in sql}
    assert len(claims) >= 2, "the queued and the stale claim were traced"
    for sql in claims:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert not [p for p in plan if "TEMP B-TREE" in p or "MULTI-INDEX" in p], plan
        assert plan[0].startswith("SEARCH o USING INDEX outbox_status (status=? AND rowid>?)")


def test_the_outbox_listing_reads_no_sent_notice(store: Store, vix: Any, region: Region) -> None:
    """The sent notices stay in the outbox, with their bodies, and only grow: `vix
    berichten` finds the unsent ones it shows through outbox_status."""
    for als in (region.school, region.jgz):
        as_json(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=als))
    coordinator = people.actor(store, region.coordinator)
    found: list[mail.Outbox] = []
    statements = traced(store, lambda: found.append(mail.list_outbox(store, coordinator)))
    assert [i.status for i in found[0].items] == ["queued", "queued"]
    # the counts per status read outbox_status whole: a few bytes per notice, never a row
    counts = "SCAN outbox USING COVERING INDEX outbox_status :: SELECT status, COUNT(*)"
    assert [s for s in full_scans(store.db.conn, statements) if not s.startswith(counts)] == []


def plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


def report_statements(store: Store, scope: reports.Scope) -> list[str]:
    """Every query of the jaarverslag in `scope`, the side reader's too: a write first
    keeps them all on the traced connection (`_SideQueries` runs them there then)."""
    by = people.actor(store, "coordinator@regio.nl")

    def run() -> None:
        store.audit(by.id, "report", "report", None)
        reports.jaarverslag(store, by, scope, date(2026, 1, 1), date(2026, 12, 31))

    return [s for s in traced(store, run) if re.match(r"\s*(SELECT|WITH)", s, re.I)]


def test_reports_read_no_big_table_whole(scenario: Region, vix_env: Path) -> None:
    store = open_store(vix_env, datetime(2026, 11, 23, 10, 0))
    try:
        zon, esd = (people.organisation_id(store, code) for code in ("ZON", "ESD"))
        scopes = {
            "regio": reports.Scope("regio", "regio"),
            "gemeente": reports.Scope(
                "gemeente", "gemeente", people.municipality_id(store, "HAARLEM")
            ),
            "organisatie": reports.Scope(
                "organisatie", "ZON", organisation_ids=(zon,), internal=True
            ),
            "bestuur": reports.Scope("bestuur", "bestuur", organisation_ids=(zon, esd)),
        }
        found = {
            name: full_scans(store.db.conn, report_statements(store, scope))
            for name, scope in scopes.items()
        }
    finally:
        store.close()
    assert found == {name: [] for name in scopes}


def test_municipality_report_counts_signals_from_its_youths(
    scenario: Region, vix_env: Path
) -> None:
    """A municipality's signals are read from its youths, each once: never probed per
    organisation or per month of the region (6,000 organisations x 4,500 youths took 20 s
    on the national database). Without planner statistics, as vix runs no ANALYZE."""
    store = open_store(vix_env, datetime(2026, 11, 23, 10, 0))
    try:
        scope = reports.Scope("gemeente", "gemeente", people.municipality_id(store, "HAARLEM"))
        statements = report_statements(store, scope)
        assert store.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'") == 0
        plans = {
            sql: plan(store.db.conn, sql)
            for sql in statements
            if re.search(r"FROM (youths y CROSS JOIN )?signals s\b", sql)
        }
    finally:
        store.close()
    assert len(plans) == 5  # placed per month and per organisation, ended, active, youths
    for sql, steps in plans.items():
        reads = [step for step in steps if step.startswith(("SEARCH", "SCAN"))]
        assert reads[:2] == [
            "SEARCH y USING COVERING INDEX youths_municipality (municipality_id=?)",
            reads[1],
        ], sql
        assert re.match(r"SEARCH s USING (COVERING )?INDEX signals_youth \(youth_id=\?", reads[1])
        assert not [s for s in steps if "SUBQUERY" in s], (sql, steps)


def _family(store: Store, region: Region) -> list[int]:
    """Four children of one mother, signalled by school, youth health and youth care: a
    family match and a client match. Returns the youth ids."""
    numbers = [(BSN_ANNA, "Anna"), (BSN_BRAM, "Bram"), (BSN_CAS, "Cas"), (BSN_DAAN, "Daan")]
    for email, (number, name) in zip(
        [region.school, region.jgz, region.care, region.care], numbers, strict=True
    ):
        place(store, email, number, name)
    place(store, region.school, BSN_DAAN, "Daan")
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
