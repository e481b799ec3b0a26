"""Benchmark: what ending overdue signals costs a command at national size (run by hand).

Every command first ends the signals past their planned removal (`cli_common.acting`,
rule 15), so that none is shown, counted or notified before tonight's `vix onderhoud`.
After a night that ran this finds nothing through an index; the first command of a day
whose night did not run ends the whole day's share (about 550 of 400,000 active signals
at national size), and after a week without nights about 4,400.

This script copies the national database of bench_report.py (generate it first with
`python bench/bench_report.py`), and for each clock time runs one real command
(`vix signalen` as a signaller, through the console entry) on a fresh copy twice: the
first run ends what is due, the second finds nothing. It prints the wall times and the
number of signals the first run ended.

    python bench/bench_overdue.py
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the database's own day (bench_report.NOW: 548 due), the next day, and a week later
CLOCKS = ["2026-11-23T10:00:00", "2026-11-24T10:00:00", "2026-11-30T10:00:00"]


def active(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (count,) = conn.execute("SELECT count(*) FROM signals WHERE status = 'active'").fetchone()
        return int(count)
    finally:
        conn.close()


def busiest_signaller(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT p.email FROM signals s JOIN professionals p ON p.id = s.professional_id"
            " WHERE s.status = 'active' GROUP BY p.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        return str(row[0])
    finally:
        conn.close()


def run(db: Path, clock: str, who: str) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("VIX_SLEUTEL", "VIX_DB")}
    env.update(VIX_NU=clock, VIX_GEBRUIKER=who, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "vix", "--db", str(db), "signalen"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uit", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    found = sorted(args.uit.glob("vix-1500000-*.db"))
    if not found:
        sys.exit("Geen landelijke database; maak er een met: python bench/bench_report.py")
    source = found[-1]
    who = busiest_signaller(source)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpu, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(f"database: {source.name}; als {who}")
    for clock in CLOCKS:
        with tempfile.TemporaryDirectory(dir=args.uit) as folder:
            db = Path(folder) / "vix.db"
            shutil.copyfile(source, db)
            shutil.copyfile(f"{source}.sleutel", f"{db}.sleutel")
            before = active(db)
            first = run(db, clock, who)
            ended = before - active(db)
            second = run(db, clock, who)
        print(
            f"{clock[:10]}: eerste opdracht {first:.2f} s ({ended} signalen beëindigd), "
            f"tweede {second:.2f} s (niets meer te beëindigen)"
        )


if __name__ == "__main__":
    main()
