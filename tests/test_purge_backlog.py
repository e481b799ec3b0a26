"""The night run after a backlog purges many archive entries at once, with the same result
as one by one (rule 15; audit, rule 18).

`vix onderhoud` deletes the archive entries whose term ran out in sets
(`signals._purge_archived`): after cron was down, a national index has hundreds of
thousands. The scenario mixes what the one-by-one way told apart: youths with nothing
else (erased together), a youth with two entries, brother and sister whose notices
and family go with them, and a youth with an active signal who stays. Every table and
every audit record of the run are checked, as one by one left them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    INFORMED,
    NOW,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from test_indexes import full_scans, traced

from vix import signals
from vix.db import open_store

WITHDRAWN = "2026-12-01T09:00:00"
NIGHT = "2031-12-02T03:00:00"


def bsns(count: int) -> list[str]:
    """Valid BSNs (11-test) that the other tests do not use."""
    found: list[str] = []
    n = 222000000
    while len(found) < count:
        n += 1
        digits = [int(c) for c in f"{n:09d}"]
        if sum(d * w for d, w in zip(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1], strict=True)) % 11:
            continue
        found.append(f"{n:09d}")
    return found


def one(db: Path, sql: str) -> Any:
    return db_rows(db, sql)[0][0]


def place(vix: Runner, als: str, *youth: str, now: str = NOW) -> int:
    return int(
        as_json(vix("signaleer", *youth, *INFORMED, "--json", als=als, now=now))["signal_id"]
    )


def withdraw(vix: Runner, signal_id: int, als: str) -> None:
    ok(vix("intrekken", str(signal_id), "--reden", "weggenomen", als=als, now=WITHDRAWN))


def backlog(vix: Runner, region: Region, plain: int, *, others: bool = True) -> dict[str, int]:
    """Archive entries that all run out on 1-12-2031; returns the signal ids by name."""
    ids: dict[str, int] = {}
    for i, number in enumerate(bsns(plain)):
        ids[f"plain{i}"] = place(vix, region.school, *new_youth(number, f"Kind{i}"))
    if not others:
        for signal_id in ids.values():
            withdraw(vix, signal_id, region.school)
        return ids
    ids["anna_school"] = place(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ids["anna_jgz"] = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    # brother and sister: a family match, with notices that name them
    ids["bram"] = place(vix, region.school, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    ids["cas"] = place(vix, region.jgz, *new_youth(BSN_CAS, "Cas", parents=(P_MOTHER,)))
    ids["daan"] = place(vix, region.school, *new_youth(BSN_DAAN, "Daan"))
    for name, signal_id in ids.items():
        withdraw(vix, signal_id, region.jgz if name in ("anna_jgz", "cas") else region.school)
    # Daan is signalled again before his entry runs out: he stays
    ids["daan_again"] = place(
        vix, region.care, *new_youth(BSN_DAAN, "Daan"), now="2031-06-01T09:00:00"
    )
    return ids


def test_a_backlog_of_archive_entries_goes_as_one_by_one(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ids = backlog(vix, region, plain=12)
    first_audit = int(one(vix_env, "SELECT MAX(id) FROM audit_log"))
    assert one(vix_env, "SELECT COUNT(*) FROM outbox_youths") > 0
    coordinator = one(vix_env, f"SELECT id FROM professionals WHERE email = '{region.coordinator}'")
    answer = ok(vix("onderhoud", als=region.coordinator, now=NIGHT))
    assert answer.stdout == (
        "verlopen: 0 gearchiveerd, 0 gewist (23 jaar), 17 archiefregels gewist, "
        "0 schoolinschrijvingen gewist (23 jaar)\n"
    )
    assert [tuple(r) for r in db_rows(vix_env, "SELECT id, status FROM signals")] == [
        (ids["daan_again"], "active")
    ]
    assert [r[0] for r in db_rows(vix_env, "SELECT bsn FROM youths")] == [BSN_DAAN]
    assert one(vix_env, "SELECT COUNT(*) FROM youth_parents") == 0
    # the notices that named the erased youths went (Daan's about his new signal stays)
    assert (
        one(
            vix_env,
            "SELECT COUNT(*) FROM outbox_youths WHERE youth_id NOT IN (SELECT id FROM youths)",
        )
        == 0
    )
    assert [
        tuple(r)
        for r in db_rows(
            vix_env,
            "SELECT o.code, a.placed_month, a.ended_month, a.end_reason, a.count"
            " FROM archive_deletions a JOIN organisations o ON o.id = a.organisation_id"
            " ORDER BY o.code",
        )
    ] == [
        ("JGZ", "2026-11", "2026-12", "resolved", 2),
        ("ZON", "2026-11", "2026-12", "resolved", 15),
    ]
    # the matches stay (ended), without the members whose signals went
    assert one(vix_env, "SELECT COUNT(*) FROM match_members") == 0
    assert [
        tuple(r)
        for r in db_rows(vix_env, "SELECT kind, ended_at IS NOT NULL FROM matches ORDER BY id")
    ] == [
        ("youth", 1),
        ("family", 1),
    ]
    # one audit record per purged entry, in the order they went; and one per notice of a
    # match that lost its last signal, on its youth (Daan stays); nothing else
    purged = [ids[n] for n in ids if n != "daan_again"]
    logged = [
        tuple(r)
        for r in db_rows(
            vix_env,
            "SELECT at, actor_id, action, entity, entity_id, subject, detail FROM audit_log"
            " WHERE id > ? ORDER BY id",
            (first_audit,),
        )
    ]
    purges = [r for r in logged if r[2] == "purge"]
    assert [r[:5] + r[6:] for r in purges] == [
        (NIGHT, coordinator, "purge", "signal", i, None) for i in sorted(purged)
    ]
    # each on its youth's key (the inzage shows "uit het archief gewist"), never a BSN
    assert all(r[5] and len(r[5]) == 32 for r in purges)
    notices = [r for r in logged if r[2] != "purge"]
    assert notices and {(r[2], r[3], r[6]) for r in notices} == {
        ("delete", "notice", '{"reden": "geen signaal meer in de match"}'),
        # the notice that told Daan's new signaller of the entries that went (rule 10)
        ("delete", "notice", '{"reden": "eerder signaal uit het archief gewist"}'),
    }
    assert one(vix_env, "SELECT COUNT(*) FROM outbox WHERE kind = 'history_match'") == 0
    assert all(r[5] and len(r[5]) == 32 for r in notices)  # the youth's key, never a BSN


def test_the_purge_takes_a_few_statements_however_many_entries_go(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    backlog(vix, region, plain=40, others=False)
    store = open_store(vix_env, datetime.fromisoformat(NIGHT))
    statements: set[str] = set()  # as run, with their values
    try:
        store.db.conn.set_trace_callback(statements.add)
        with store.transaction():
            assert signals.expire_signals(store, None) == (0, 0, 40)
        store.db.conn.set_trace_callback(None)  # not the closing (its checkpoint)
    finally:
        store.close()
    # besides the audit record of each entry (rule 18); one by one it took two more per
    # entry (counter, delete) and a few per youth
    rest = sorted(s for s in statements if not s.startswith("INSERT INTO audit_log"))
    assert len(rest) < 20, "\n".join(rest)
    assert one(vix_env, "SELECT COUNT(*) FROM signals") == 0
    assert one(vix_env, "SELECT COUNT(*) FROM youths") == 0
    assert one(vix_env, "SELECT COUNT(*) FROM audit_log WHERE action = 'purge'") == 40


def test_the_purge_reads_no_big_table_whole(vix: Runner, region: Region, vix_env: Path) -> None:
    backlog(vix, region, plain=3)
    store = open_store(vix_env, datetime.fromisoformat(NIGHT))
    try:
        run = traced(store, lambda: signals.expire_signals(store, None))
        assert any(s.startswith("DELETE FROM signals WHERE id IN") for s in run)
        assert full_scans(store.db.conn, run) == []
    finally:
        store.close()
