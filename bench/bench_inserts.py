"""Benchmark: what one `executemany` into a table shaped like `youths` costs, apart from vix.

Inserts the same 1,000,000 rows of 14 columns, in batches of 500 as the import
does, into a fresh database four ways: with the table's foreign key and CHECKs,
without the foreign key, into a bare table, and with the two timestamps as
literal text in the SQL. And once more through one JSON text per batch,
unpacked by `INSERT ... SELECT ... FROM json_each(?)`. It answers where the
time of the import's inserts goes (docs/README-import.md, "Wat niet hielp").

    python bench/bench_inserts.py
    python bench/bench_inserts.py --rijen 100000
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

STAMP = "2026-11-24T09:00:00"
COLUMNS = (
    "id, bsn, id_kind, given_name, infix, surname, birth_date, sex, postcode, house_number,"
    " address_key, municipality_id, created_at, updated_at"
)
CHECKS = (
    "CHECK (id_kind = 'bsn' OR id_kind = 'onderwijsnummer' OR id_kind = 'substitute')",
    "CHECK (sex = 'M' OR sex = 'V' OR sex = 'X')",
)
BATCH = 500


def table_sql(foreign_key: bool, checks: bool) -> str:
    kind_check, sex_check = CHECKS if checks else ("", "")
    reference = "REFERENCES municipalities(id)" if foreign_key else ""
    return f"""CREATE TABLE youths (
        id INTEGER PRIMARY KEY, bsn TEXT NOT NULL,
        id_kind TEXT NOT NULL DEFAULT 'bsn' {kind_check},
        given_name TEXT NOT NULL, infix TEXT NOT NULL DEFAULT '', surname TEXT NOT NULL,
        birth_date TEXT NOT NULL, sex TEXT {sex_check}, postcode TEXT, house_number TEXT,
        address_key TEXT, municipality_id INTEGER {reference},
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"""


def timed(
    folder: Path, foreign_key: bool, checks: bool, insert: Callable[[sqlite3.Connection], None]
) -> float:
    path = folder / f"t{time.monotonic_ns()}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_key else 'OFF'}")
        conn.execute("CREATE TABLE municipalities (id INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO municipalities VALUES (1)")
        conn.execute(table_sql(foreign_key, checks))
        conn.execute("BEGIN")
        start = time.perf_counter()
        insert(conn)
        seconds = time.perf_counter() - start
        conn.execute("COMMIT")
    finally:
        conn.close()
        path.unlink()
    return seconds


def batches(rows: Sequence[Any]) -> list[Sequence[Any]]:
    return [rows[k : k + BATCH] for k in range(0, len(rows), BATCH)]


def executemany(sql: str, rows: Sequence[Any]) -> Callable[[sqlite3.Connection], None]:
    def insert(conn: sqlite3.Connection) -> None:
        for batch in batches(rows):
            conn.executemany(sql, batch)

    return insert


def execute_each(sql: str, texts: list[str]) -> Callable[[sqlite3.Connection], None]:
    def insert(conn: sqlite3.Connection) -> None:
        for text in texts:
            conn.execute(sql, (text,))

    return insert


def row(i: int) -> tuple[Any, ...]:
    person = (f"{100_000_000 + 7 * i}", "bsn", "Anna", "van", "Vries", "2014-04-03", "V")
    return (i + 1, *person, "2011AB", "12", "2011AB-12", 1, STAMP, STAMP)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rijen", type=int, default=1_000_000)
    n = parser.parse_args().rijen
    rows = [row(i) for i in range(n)]
    plain = f"INSERT INTO youths ({COLUMNS}) VALUES ({'?, ' * 13}?)"
    literal = f"INSERT INTO youths ({COLUMNS}) VALUES ({'?, ' * 11}?, '{STAMP}', '{STAMP}')"
    unpacked = ", ".join(f"v ->> {i}" for i in range(14))
    from_json = (
        f"INSERT INTO youths ({COLUMNS}) SELECT {unpacked}"
        " FROM (SELECT value AS v FROM json_each(?))"
    )
    start = time.perf_counter()
    texts = [json.dumps(b) for b in batches(rows)]
    dumps = time.perf_counter() - start
    short = [r[:12] for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # a first run is slower whatever it inserts (the allocator, the file system): not timed
        timed(folder, True, True, executemany(plain, rows[: n // 5]))
        results = [
            ("foreign key en CHECKs", timed(folder, True, True, executemany(plain, rows))),
            ("zonder foreign key", timed(folder, False, True, executemany(plain, rows))),
            ("kale tabel", timed(folder, False, False, executemany(plain, rows))),
            ("tijdstempels letterlijk", timed(folder, True, True, executemany(literal, short))),
            (
                "JSON per batch (json_each)",
                timed(folder, True, True, execute_each(from_json, texts)),
            ),
        ]
    print(f"SQLite {sqlite3.sqlite_version}, {n:,} rijen van 14 kolommen, batches van {BATCH}")
    for label, seconds in results:
        print(f"{label:28} {seconds:5.2f} s")
    print(f"{'json.dumps van de batches':28} {dumps:5.2f} s")


if __name__ == "__main__":
    main()
