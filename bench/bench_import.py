"""Benchmark: `vix import leerlingen` against the floor of csv + executemany.

Generates a realistic pupil export (ParnasSys-like: `;`, UTF-8 with BOM, CRLF,
dd-mm-jjjj, brothers and sisters sharing parents and an address, sorted by
group and name, so BSNs and pupil numbers come in no order), then
measures in one run, each in its own child process so that peak memory is its
own:

- floor: Python's csv reader + `executemany` of the same rows into a bare
  table (same file, same pragmas, one transaction);
- vix: `importer.import_pupils` on a fresh vix database (validation, youths,
  parents, pupils, the run's audit record, one transaction), as the CLI calls
  it: a list this size is checked in vix's reader process while the importing
  process writes, so vix's peak memory is the sum of both.

Prints rows/s of both, the ratio and each side's peak RSS. With `--opnieuw`
vix then imports the same list once more into what it stored (a school's next
night): every row is a known pupil whose list says nothing new, so nothing is
written; the time of that second import is printed too.

    python bench/bench_import.py              # 1,000,000 rows
    python bench/bench_import.py --rijen 20000 --opnieuw
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 23, 10, 0, 0)
HEADER = [
    "BSN",
    "Roepnaam",
    "Tussenvoegsel",
    "Achternaam",
    "Geboortedatum",
    "Geslacht",
    "Postcode",
    "Huisnummer",
    "Woonplaats",
    "Groep",
    "Leerlingnummer",
    "BSN ouder 1",
    "BSN ouder 2",
]
GIVEN = ["Anna", "Bram", "Zoë", "Eriñ", "Daan", "Sem", "Noah", "Emma", "Julia", "Mila", "Luuk"]
GIVEN += ["Tess", "Sara", "Finn", "Levi", "Yara", "Amira", "Mohamed", "Ayşe", "Chloé", "Jesse"]
SURNAMES = [
    ("", "Jansen"),
    ("de", "Vries"),
    ("van", "Dijk"),
    ("", "Çelik"),
    ("", "Bakker"),
    ("van der", "Berg"),
    ("", "Yılmaz"),
    ("", "Visser"),
    ("", "Smit"),
    ("de", "Boer"),
    ("", "El Amrani"),
    ("", "Mulder"),
]
TOWNS = ["Haarlem", "Haarlem", "Haarlem", "Zandvoort", "Bloemendaal", "Heemstede", "Overveen"]


STEMS = 90_000_000  # 8-digit stems 10000000..99999999
STEP = 48_271_619  # coprime with STEMS: the walk below visits every stem once


def bsn_numbers(rng: random.Random) -> object:
    """Endless distinct valid BSNs (11-test) in no order, as a school's BSNs are.

    A walk over the 8-digit stems by a large step that is coprime with their
    count: consecutive numbers land far apart, and no stem comes twice.
    """
    stem = rng.randrange(STEMS)
    while True:
        stem = (stem + STEP) % STEMS
        digits = f"{10_000_000 + stem:08d}"
        total = sum((9 - i) * int(d) for i, d in enumerate(digits))
        check = total % 11
        if check < 10:
            yield digits + str(check)


def generate(path: Path, rows: int, seed: int = 42) -> None:
    """A school board's export: families (brothers and sisters share parents and an
    address) spread over the groups, the list sorted by group and name as the
    administration systems export it."""
    rng = random.Random(seed)
    numbers = bsn_numbers(rng)
    today = NOW.date()
    pupils: list[tuple[str, ...]] = []
    while len(pupils) < rows:
        # a family: one or two parents, an address, one to four children at school
        parents = [next(numbers) for _ in range(rng.choice((1, 2, 2, 2)))]  # type: ignore[call-overload]
        postcode = f"{rng.randrange(1000, 9999)} {rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRST')}"
        house = str(rng.randrange(1, 300)) + rng.choice(["", "", "", "A", "-2"])
        town = rng.choice(TOWNS)
        infix, surname = rng.choice(SURNAMES)
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4)), rows - len(pupils))):
            born = today - timedelta(days=rng.randrange(4 * 365, 18 * 365))
            pupils.append(
                (
                    f"{rng.randrange(1, 9)}{rng.choice('AB')}",
                    surname,
                    rng.choice(GIVEN),
                    next(numbers),  # type: ignore[call-overload]
                    infix,
                    born.strftime("%d-%m-%Y"),
                    rng.choice("MV"),
                    postcode,
                    house,
                    town,
                    parents[0],
                    parents[1] if len(parents) > 1 else "",
                    f"{len(pupils) + 1:07d}",  # pupil numbers in order of enrolment
                )
            )
    pupils.sort(key=lambda p: p[:3])  # by group, surname, given name; ties as enrolled
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        out.writerow(HEADER)
        for group, surname, given, bsn, infix, *rest in pupils:
            birth, sex, postcode, house, town, parent1, parent2, pupil_number = rest
            out.writerow(
                [bsn, given, infix, surname, birth, sex, postcode, house, town, group,
                 pupil_number, parent1, parent2]
            )  # fmt: skip


def peak_mb() -> float:
    """Peak RSS of this process plus that of its largest child (vix's reader process).

    The two run at the same time, so their sum bounds what the import held at once.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + child) / 1024


def run_floor(csv_path: Path, workdir: Path) -> dict[str, float]:
    db = workdir / "floor.db"
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    columns = ", ".join(f"c{i} TEXT" for i in range(len(HEADER)))
    conn.execute(f"CREATE TABLE rows ({columns})")
    marks = ", ".join("?" for _ in HEADER)
    start = time.perf_counter()
    conn.execute("BEGIN")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        conn.executemany(f"INSERT INTO rows VALUES ({marks})", reader)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    count = conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
    conn.close()
    return {"rows": count, "seconds": seconds, "peak_mb": peak_mb()}


def fresh_region(db: Path) -> Any:
    """A new region at `db` (its key beside it) with the school the list belongs to;
    returns its administrator (`bench/count_import.py` uses it too)."""
    from vix import people
    from vix.db import open_store

    for leftover in (db, Path(str(db) + ".sleutel"), Path(str(db) + "-wal")):
        leftover.unlink(missing_ok=True)
    os.environ.pop("VIX_SLEUTEL", None)
    store = open_store(db, NOW, create=True)
    with store.transaction():
        admin = people.add_professional(
            store, None, email="beheer@regio.nl", name="Beheer", phone=None,
            organisation=None, role="beheerder",
        )  # fmt: skip
        for code, name in [("HAARLEM", "Haarlem"), ("ZANDVOORT", "Zandvoort")]:
            people.add_municipality(store, admin, code, name)
        people.add_municipality(store, admin, "BLOEMENDAAL", "Bloemendaal")
        people.add_organisation(
            store, admin, code="SCHOOL", name="Scholengroep", domain="onderwijs",
            municipality="HAARLEM", phone=None, email=None,
        )  # fmt: skip
    store.close()
    return admin


def run_vix(csv_path: Path, workdir: Path, again: bool = False) -> dict[str, float]:
    from vix.db import open_store
    from vix.importer import import_pupils

    db = workdir / "vix.db"
    admin = fresh_region(db)
    store = open_store(db, NOW)  # a fresh connection, as every vix command opens one
    start = time.perf_counter()
    with store.transaction(temp_on_disk=True):  # as `vix import leerlingen` begins it
        result = import_pupils(store, admin, csv_path, "SCHOOL")
    seconds = time.perf_counter() - start
    assert result.written and result.rejected == 0, (result.rejected, result.errors[:3])
    count = store.scalar("SELECT COUNT(*) FROM pupils")
    store.close()
    answer = {"rows": count, "seconds": seconds, "peak_mb": peak_mb()}
    if again:
        # the school's next night: the same list into what the first import stored
        store = open_store(db, NOW)
        start = time.perf_counter()
        with store.transaction(temp_on_disk=True):
            result = import_pupils(store, admin, csv_path, "SCHOOL")
        answer["again_seconds"] = time.perf_counter() - start
        assert result.unchanged == count and result.updated == 0, (result.updated, count)
        store.close()
    return answer


def child(kind: str, csv_path: Path, workdir: Path, again: bool = False) -> dict[str, float]:
    found = subprocess.run(
        [sys.executable, __file__, "--alleen", kind, "--bestand", str(csv_path),
         "--map", str(workdir), *(["--opnieuw"] if again else [])],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    answer: dict[str, float] = json.loads(found.stdout)
    return answer


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    python = sys.version.split()[0]
    return f"{cpu}, {os.cpu_count()} cpu, Python {python}, SQLite {sqlite3.sqlite_version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rijen", type=int, default=1_000_000, help="aantal leerlingen")
    parser.add_argument("--map", type=Path, default=None, help="werkmap (standaard tijdelijk)")
    parser.add_argument(
        "--opnieuw", action="store_true", help="importeer de lijst daarna nog eens (ongewijzigd)"
    )
    parser.add_argument("--alleen", choices=("generate", "floor", "vix"), help=argparse.SUPPRESS)
    parser.add_argument("--bestand", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.alleen == "generate":
        generate(args.bestand, args.rijen)
        return
    if args.alleen == "floor":
        print(json.dumps(run_floor(args.bestand, args.map)))
        return
    if args.alleen == "vix":
        print(json.dumps(run_vix(args.bestand, args.map, args.opnieuw)))
        return
    with tempfile.TemporaryDirectory(dir=args.map) as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "leerlingen.csv"
        started = time.perf_counter()
        # in a child process: sorting the list holds it all in memory, and a child
        # started from a big process would report that process's peak as its own
        subprocess.run(
            [sys.executable, __file__, "--alleen", "generate", "--bestand", str(csv_path),
             "--rijen", str(args.rijen)],
            check=True,
        )  # fmt: skip
        size = csv_path.stat().st_size / 1e6
        print(f"machine: {machine()}")
        took = time.perf_counter() - started
        print(f"generated {args.rijen:,} rows ({size:.0f} MB) in {took:.1f} s")
        floor = child("floor", csv_path, workdir)
        vix = child("vix", csv_path, workdir, args.opnieuw)
    f_rate = floor["rows"] / floor["seconds"]
    v_rate = vix["rows"] / vix["seconds"]
    print(f"floor (csv + executemany): {f_rate:>10,.0f} rows/s  {floor['seconds']:6.1f} s  "
          f"peak {floor['peak_mb']:.0f} MB")  # fmt: skip
    print(f"vix import leerlingen:     {v_rate:>10,.0f} rows/s  {vix['seconds']:6.1f} s  "
          f"peak {vix['peak_mb']:.0f} MB")  # fmt: skip
    if "again_seconds" in vix:
        print(f"the same list again:       {vix['rows'] / vix['again_seconds']:>10,.0f} rows/s  "
              f"{vix['again_seconds']:6.1f} s")  # fmt: skip
    ratio = f_rate / v_rate
    print(f"ratio floor/vix: {ratio:.2f}x (target <= 3x); vix peak memory target < 150 MB")
    print(f"date: {date.today().isoformat()}")


if __name__ == "__main__":
    main()
