"""Benchmark: `vix stagnatie` over many open matches (not a test; run by hand).

Builds a throw-away region with N open youth matches (two organisations each,
a third of them with an agreement) straight through the Store, then times the
stagnation listing and one escalation run, counts the SQL statements each ran,
and times printing the lines and the JSON as the command does (to /dev/null).
Usage:

    .venv/bin/python bench/bench_stagnation.py [N]

A national region (the scale audit's database) has 55,000 open matches of
which 13,600 stagnate: N = 20000 gives about as many stagnating matches.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from vix import followup
from vix.cli_common import print_json_items, print_lines
from vix.cli_followup import _stagnation_line
from vix.db import open_store
from vix.people import find_professional


def build(path: Path, count: int) -> None:
    start = datetime(2026, 1, 5, 9)
    store = open_store(path, start, create=True)
    with store.transaction():
        store.execute("INSERT INTO municipalities (code, name) VALUES ('M', 'Gemeente')")
        for code, domain in (("A", "education"), ("B", "youth_care")):
            store.execute(
                "INSERT INTO organisations (code, name, domain, municipality_id, created_at)"
                " VALUES (?, ?, ?, 1, ?)",
                (code, f"Organisatie {code}", domain, store.stamp),
            )
        for email, role, org in (
            ("a@x.nl", "signaller", 1),
            ("b@x.nl", "signaller", 2),
            ("m@x.nl", "org_manager", 1),
            ("c@x.nl", "coordinator", None),
        ):
            store.execute(
                "INSERT INTO professionals (email, name, organisation_id, role, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (email, email, org, role, store.stamp),
            )
        for i in range(count):
            day = (start + timedelta(days=i % 300)).isoformat(timespec="seconds")
            youth = store.insert(
                "INSERT INTO youths (bsn, given_name, surname, birth_date, municipality_id,"
                " created_at, updated_at) VALUES (?, 'J', 'X', '2014-01-01', 1, ?, ?)",
                (f"{i:09d}", day, day),
            )
            match = store.insert(
                "INSERT INTO matches (kind, youth_id, municipality_id, created_at, director_id)"
                " VALUES ('youth', ?, 1, ?, 2)",
                (youth, day),
            )
            for prof in (1, 2):
                signal = store.insert(
                    "INSERT INTO signals (youth_id, professional_id, organisation_id, placed_at,"
                    " planned_removal, parents_informed_on) VALUES (?, ?, ?, ?, '2028-01-01',"
                    " '2026-01-01')",
                    (youth, prof, prof, day),
                )
                store.execute(
                    "INSERT INTO match_members (match_id, signal_id, professional_id,"
                    " organisation_id, joined_at) VALUES (?, ?, ?, ?, ?)",
                    (match, signal, prof, prof, day),
                )
            if i % 3 == 0:
                store.execute(
                    "INSERT INTO match_milestones (match_id, kind, on_date, recorded_by,"
                    " recorded_at) VALUES (?, 'agreement', ?, 2, ?)",
                    (match, day[:10], day),
                )
    store.close()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        os.environ["VIX_SLEUTEL"] = str(Path(tmp) / "bench.sleutel")
        build(path, count)
        store = open_store(path, datetime(2026, 12, 1, 7))
        me = find_professional(store, "c@x.nl")
        assert me is not None
        for label, escalate, action_days in (
            ("lijst (afstemming)", False, None),
            ("lijst (+ actie 10)", False, 10),
            ("--escaleer", True, 10),
        ):
            statements: list[str] = []
            store.db.conn.set_trace_callback(statements.append)
            began = time.perf_counter()
            with store.transaction():
                rules = followup.Rules.of(store, action_days=action_days)
                found = followup.stagnation(store, me, rules, escalate=escalate)
            took = time.perf_counter() - began
            store.db.conn.set_trace_callback(None)
            print(
                f"{count} open matches, {label}: {len(found)} stagnerend in {took:.2f} s"
                f" ({len(statements)} SQL-opdrachten)"
            )
        print_output(found)
        store.close()


def print_output(found: list[followup.Stagnation]) -> None:
    """Time what `vix stagnatie` prints of the last run: the lines, and the JSON."""
    stdout = sys.stdout
    for label, write in (
        ("regels", lambda: print_lines([_stagnation_line(s) for s in found])),
        ("--json", lambda: print_json_items(found)),
    ):
        with open(os.devnull, "w") as sys.stdout:
            began = time.perf_counter()
            write()
            took = time.perf_counter() - began
        sys.stdout = stdout
        print(f"{len(found)} stagnerend, uitvoer {label}: {took:.2f} s")


if __name__ == "__main__":
    main()
