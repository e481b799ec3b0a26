"""Benchmark: the yearly region report over a national-size database.

Generates (once, cached under bench/out/) a database made by the real
migrations (vix.db.open_store(create=True)) and filled with executemany:
by default 1.5 million youths and 2.4 million signals, of which 400,000
active, plus matches, members, milestones, escalations, deletion counters
(signals deleted at once, archive entries that went) and moves in plausible
proportions. Then it runs the yearly region report (domain call plus text
rendering) in fresh child processes, and prints the best time of a few runs
and the child's peak memory (ru_maxrss); then the same for one municipality's
report (`--gemeente`, a line of its own at the end).

Targets (issue 5): under 2 seconds and under 150 MB.

    python bench/bench_report.py                 # national size
    python bench/bench_report.py --jeugdigen 50000 --runs 3   # small try-out
    python bench/bench_report.py --gemeente GM0100            # another municipality
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vix.db import open_store  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0, 0)
DOMAINS = [
    ("education", 0.55),
    ("childcare", 0.05),
    ("youth_health", 0.08),
    ("youth_care", 0.15),
    ("youth_protection", 0.04),
    ("health_care", 0.04),
    ("social_support", 0.04),
    ("work_income", 0.02),
    ("police_justice", 0.02),
    ("municipality", 0.01),
]


def day(d: date) -> str:
    return d.isoformat()


def stamp(d: date, rnd: random.Random) -> str:
    return f"{d.isoformat()}T{rnd.randint(8, 17):02d}:{rnd.randint(0, 59):02d}:00"


def archive_deletion_rows(n_org: int, months: list[str], seed: int) -> list[tuple[object, ...]]:
    """Counters of archived signals whose archive entry went (migration 0016): withdrawn or
    expired up to two years after the month they were placed. A generator of its own, so
    that the rest of the data is what it was before these counters existed."""
    rnd = random.Random(seed + 1)
    return [
        (
            rnd.randint(1, n_org),
            months[i],
            months[min(i + rnd.randint(0, 24), len(months) - 1)],
            rnd.choice(["resolved", "expired"]),
            rnd.randint(1, 3),
        )
        for i in range(len(months))
        for _ in range(n_org // 10)
    ]


def generate(path: Path, youths: int, signals: int, active: int, seed: int = 5) -> None:
    rnd = random.Random(seed)
    os.environ.pop("VIX_SLEUTEL", None)
    store = open_store(path, NOW, create=True)
    conn = store.db.conn
    conn.execute("PRAGMA foreign_keys = OFF")  # bulk load of consistent data
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -800000")  # 800 MB while loading: random index inserts
    n_mun = 342
    n_org = max(20, youths // 250)
    n_prof = n_org * 2
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('regio_naam', ?)", (json.dumps("Nederland"),)
    )
    conn.executemany(
        "INSERT INTO municipalities (id, code, name) VALUES (?, ?, ?)",
        [(i, f"GM{i:04d}", f"Gemeente {i}") for i in range(1, n_mun + 1)],
    )
    names, weights = zip(*DOMAINS, strict=True)
    conn.executemany(
        "INSERT INTO organisations (id, code, name, domain, municipality_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, '2019-01-01')",
        [
            (
                i,
                f"ORG{i:05d}",
                f"Organisatie {i}",
                rnd.choices(names, weights)[0],
                rnd.randint(1, n_mun),
            )
            for i in range(1, n_org + 1)
        ],
    )
    conn.executemany(
        "INSERT INTO professionals (id, email, name, organisation_id, role, created_at)"
        " VALUES (?, ?, ?, ?, 'signaller', '2019-01-01')",
        [(i, f"p{i}@org.nl", f"Professional {i}", (i - 1) // 2 + 1) for i in range(1, n_prof + 1)],
    )
    conn.execute(
        "INSERT INTO professionals (email, name, role, created_at)"
        " VALUES ('coordinator@land.nl', 'Coördinator', 'coordinator', '2019-01-01')"
    )
    born0 = date(2004, 1, 1)

    def youth_rows() -> Iterator[tuple[object, ...]]:
        for i in range(1, youths + 1):
            born = born0 + timedelta(days=rnd.randint(0, 21 * 365))
            yield (
                i,
                str(100_000_000 + i),
                "Kind",
                f"Achternaam{i}",
                day(born),
                rnd.randint(1, n_mun),
                "2019-01-01",
                "2019-01-01",
            )

    conn.executemany(
        "INSERT INTO youths (id, bsn, given_name, surname, birth_date, municipality_id,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        youth_rows(),
    )
    print(f"  jeugdigen: {time.perf_counter() - t0:.0f} s", flush=True)

    def signal_rows() -> Iterator[tuple[object, ...]]:
        start_ended, start_active = date(2019, 6, 1), NOW.date() - timedelta(days=730)
        for i in range(1, signals + 1):
            prof = rnd.randint(1, n_prof)
            org = (prof - 1) // 2 + 1
            youth = rnd.randint(1, youths)
            if i <= signals - active:
                placed = start_ended + timedelta(days=rnd.randint(0, 2600))
                ended = min(placed + timedelta(days=rnd.randint(30, 730)), NOW.date())
                placed_at = stamp(placed, rnd)
                reason = "expired" if (ended - placed).days >= 700 else "resolved"
                end: tuple[object, ...] = (
                    "ended",
                    stamp(ended, rnd),
                    reason,
                    day(ended + timedelta(days=5 * 365)),
                )
            else:
                placed = start_active + timedelta(days=rnd.randint(0, 729))
                placed_at = stamp(placed, rnd)
                end = ("active", None, None, None)
            yield (i, youth, prof, org, placed_at, day(placed + timedelta(730)), day(placed), *end)

    conn.executemany(
        "INSERT OR IGNORE INTO signals (id, youth_id, professional_id, organisation_id,"
        " placed_at, planned_removal, parents_informed_on, status, ended_at, end_reason,"
        " archive_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        signal_rows(),
    )
    print(f"  signalen: {time.perf_counter() - t0:.0f} s", flush=True)
    n_signals = int(conn.execute("SELECT MAX(id) FROM signals").fetchone()[0])
    months = [f"{y}-{m:02d}" for y in range(2020, 2027) for m in range(1, 13)]
    conn.executemany(
        "INSERT OR IGNORE INTO signal_deletions (organisation_id, month, reason, placed_month,"
        " count) VALUES (?, ?, ?, ?, ?)",
        [
            (
                rnd.randint(1, n_org),
                mo,
                rnd.choice(["unjustified", "age_23"]),
                mo,
                rnd.randint(1, 3),
            )
            for mo in months[:-1]
            for _ in range(n_org // 20)
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO archive_deletions (organisation_id, placed_month, ended_month,"
        " end_reason, count) VALUES (?, ?, ?, ?, ?)",
        archive_deletion_rows(n_org, months[:-1], seed),
    )
    # matches: about one for every eight signals, over the same years
    n_matches = signals // 8
    match_rows, members, milestones, escalations = [], [], [], []
    for mid in range(1, n_matches + 1):
        created = date(2020, 1, 1) + timedelta(
            days=rnd.randint(0, (NOW.date() - date(2020, 1, 1)).days)
        )
        ended = created + timedelta(days=rnd.randint(20, 900))
        kind = "family" if rnd.random() < 0.15 else "youth"
        match_rows.append(
            (
                mid,
                kind,
                None if kind == "family" else rnd.randint(1, youths),
                rnd.randint(1, n_mun),
                stamp(created, rnd),
                stamp(ended, rnd) if ended < NOW.date() else None,
                rnd.randint(1, n_prof),
            )
        )
        for _ in range(rnd.choice([2, 2, 2, 3, 3, 4])):
            sid = rnd.randint(1, n_signals)
            prof = rnd.randint(1, n_prof)
            members.append((mid, sid, prof, (prof - 1) // 2 + 1, stamp(created, rnd)))
        if rnd.random() < 0.85:
            milestones.append((mid, "contact", day(created + timedelta(rnd.randint(0, 8)))))
        if rnd.random() < 0.75:
            milestones.append((mid, "agreement", day(created + timedelta(rnd.randint(1, 25)))))
        if rnd.random() < 0.1:
            for level in range(1, rnd.choice([1, 1, 2, 3]) + 1):
                escalations.append((mid, level, day(created + timedelta(7 * level))))
    conn.executemany(
        "INSERT INTO matches (id, kind, youth_id, municipality_id, created_at, ended_at,"
        " director_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        match_rows,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO match_members (match_id, signal_id, professional_id,"
        " organisation_id, joined_at) VALUES (?, ?, ?, ?, ?)",
        members,
    )
    conn.executemany(
        "INSERT INTO match_milestones (match_id, kind, on_date, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, 1, ?)",
        [(m, k, d, d) for m, k, d in milestones],
    )
    conn.executemany(
        "INSERT INTO escalations (match_id, level, on_date, recorded_at) VALUES (?, ?, ?, ?)",
        [(m, lv, d, d) for m, lv, d in escalations],
    )
    conn.executemany(
        "INSERT INTO youth_moves (youth_id, from_municipality_id, to_municipality_id, moved_on,"
        " recorded_at) VALUES (?, ?, ?, ?, ?)",
        [
            (
                rnd.randint(1, youths),
                rnd.randint(1, n_mun),
                rnd.randint(1, n_mun),
                day(date(2021, 1, 1) + timedelta(rnd.randint(0, 2100))),
                "2026-01-01",
            )
            for _ in range(youths // 60)
        ],
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"  klaar: {time.perf_counter() - t0:.0f} s", flush=True)


CHILD = """
import json, resource, sys, time
from datetime import date, datetime
sys.path.insert(0, {root!r})
from vix import reports
from vix.db import open_store
from vix.people import actor
t0 = time.perf_counter()
store = open_store(__import__("pathlib").Path({db!r}), datetime(2026, 11, 23, 10, 0))
with store.transaction():
    me = actor(store, "coordinator@land.nl")
    scope = reports.resolve_scope(store, me, **{scope!r})
    found = reports.jaarverslag(store, me, scope, date(2025, 11, 1), date(2026, 10, 31))
    text = reports.render_document(store, "rapport/jaarverslag", "tekst", rapport=found,
                                   grafieken=reports.report_charts(found))
seconds = time.perf_counter() - t0
store.close()
# VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec and may be the parent's peak
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1])
print(json.dumps({{"seconds": seconds, "maxrss_kb": peak, "placed": found.signals.placed,
    "matches": found.matches.arisen, "lines": text.count(chr(10))}}))
"""


def _objects(conn: sqlite3.Connection, kind: str) -> dict[str, str]:
    return {
        r[0]: " ".join(r[1].split())
        for r in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL"
            " AND name NOT LIKE '%sqlite_%'",
            (kind,),
        )
    }


def without_statistics(db: Path) -> None:
    """Drop the planner statistics that older versions of this script made (ANALYZE).

    vix never runs ANALYZE, so a region's database has none: measured with them,
    the report would run on plans that no real database gets.
    """
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        for table in ("sqlite_stat1", "sqlite_stat4"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    finally:
        conn.close()


def reuse_with_current_indexes(db: Path) -> bool:
    """Bring a cached database of the same size but an older schema.sql up to date.

    Only when its tables are exactly those of the current schema.sql (the data
    then is the same as a fresh generation would give): indexes that schema.sql
    no longer has are dropped, new or changed ones are (re)created, and the
    file is renamed to the current cache key. Otherwise False.
    """
    size = db.name.rsplit("-", 1)[0]
    fresh = sqlite3.connect(":memory:")
    fresh.executescript((ROOT / "schema.sql").read_text())
    want_tables, want_indexes = _objects(fresh, "table"), _objects(fresh, "index")
    for old in sorted(db.parent.glob(f"{size}-*.db")):
        conn = sqlite3.connect(old, isolation_level=None)
        try:
            if _objects(conn, "table") != want_tables:
                continue
            have = _objects(conn, "index")
            changed = [n for n in have if want_indexes.get(n) != have[n]]
            print(f"Hergebruik {old.name}: indexen bijwerken naar schema.sql", flush=True)
            for name in changed:
                print(f"  DROP INDEX {name}", flush=True)
                conn.execute(f"DROP INDEX {name}")
            for name, sql in want_indexes.items():
                if have.get(name) != sql:
                    print(f"  {sql}", flush=True)
                    conn.execute(sql)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        old.rename(db)
        Path(str(old) + ".sleutel").rename(str(db) + ".sleutel")
        return True
    return False


def run_once(db: Path, scope: dict[str, object]) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "VIX_SLEUTEL"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), db=str(db), scope=scope)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    result["wall"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jeugdigen", type=int, default=1_500_000)
    parser.add_argument("--signalen", type=int, default=None, help="standaard 1,6 x jeugdigen")
    parser.add_argument("--actief", type=int, default=None, help="standaard 1/6 van de signalen")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--uit", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--gemeente",
        default="GM0046",
        help="ook het rapport van deze gemeente (een regievoerder); '' om over te slaan",
    )
    args = parser.parse_args()
    signals = args.signalen or int(args.jeugdigen * 1.6)
    active = args.actief or signals // 6
    args.uit.mkdir(parents=True, exist_ok=True)
    schema = hashlib.sha256((ROOT / "schema.sql").read_bytes()).hexdigest()[:8]
    db = args.uit / f"vix-{args.jeugdigen}-{signals}-{active}-{schema}.db"
    if not db.exists() and not reuse_with_current_indexes(db):
        print(
            f"Genereren: {db.name} ({args.jeugdigen} jeugdigen, {signals} signalen, "
            f"{active} actief)",
            flush=True,
        )
        try:
            generate(db, args.jeugdigen, signals, active)
        except BaseException:
            db.unlink(missing_ok=True)
            Path(str(db) + ".sleutel").unlink(missing_ok=True)
            raise
    without_statistics(db)
    size_mb = db.stat().st_size / 1e6
    runs = [run_once(db, {"region": True}) for _ in range(args.runs)]
    best = min(runs, key=lambda r: r["seconds"])
    peak_mb = max(r["maxrss_kb"] for r in runs) / 1024
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpu, "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}"
    )
    print(
        f"database: {size_mb:,.0f} MB; rapport: {best['placed']} signalen, "
        f"{best['matches']} matches, {best['lines']:.0f} regels tekst"
    )
    print(
        f"jaarverslag regio (beste van {args.runs}): {best['seconds']:.2f} s "
        f"(met opstarten van Python: {min(r['wall'] for r in runs):.2f} s); "
        f"piekgeheugen {peak_mb:.0f} MB"
    )
    ok = best["seconds"] < 2.0 and peak_mb < 150
    print("doel (< 2 s, < 150 MB):", "gehaald" if ok else "NIET gehaald")
    if args.gemeente:
        runs = [run_once(db, {"municipality": args.gemeente}) for _ in range(args.runs)]
        best = min(runs, key=lambda r: r["seconds"])
        print(
            f"jaarverslag gemeente {args.gemeente} (beste van {args.runs}): "
            f"{best['seconds']:.2f} s (met opstarten van Python: "
            f"{min(r['wall'] for r in runs):.2f} s); piekgeheugen "
            f"{max(r['maxrss_kb'] for r in runs) / 1024:.0f} MB; "
            f"{best['placed']} signalen, {best['matches']} matches"
        )


if __name__ == "__main__":
    main()
