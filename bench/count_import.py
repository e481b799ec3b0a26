"""Instructions per row of `vix import leerlingen`, per process, under callgrind.

Wall-clock time varies with the machine's load; instruction counts do not. This
imports a generated list (`bench_import.generate`) of N1 and of N2 rows into a
fresh region under `valgrind --tool=callgrind --trace-children=yes` (the reader
process is followed) and prints, for the importing process and the reader
process, (Ir at N2 - Ir at N1) / (N2 - N1): the cost of a row without the
start-up. With `--opnieuw` the same list is then imported again (a re-import).

    python bench/count_import.py                      # 30,000 and 60,000 rows
    python bench/count_import.py --rijen 20000 40000 --opnieuw

Both sizes must be well over 20,000 rows (importer.DEFER_MIN_ROWS, estimated from
the line length), or the smaller one is no first import and the two take different
ways. Under valgrind the reader is left to exit by itself (a killed process writes no
counts), and OpenSSL's SHA-256 runs without the CPU's SHA extensions, so the
parents' HMAC counts more than it costs on the machine itself.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def import_once(db: Path, csv_path: Path) -> None:
    """The child under valgrind: one import, as bench_import.run_vix does it."""
    subprocess.Popen.kill = lambda self: None  # type: ignore[method-assign]
    sys.path.insert(0, str(HERE))
    from bench_import import NOW

    from vix import people
    from vix.db import open_store
    from vix.importer import import_pupils

    store = open_store(db, NOW)
    admin = people.find_professional(store, "beheer@regio.nl")
    assert admin is not None
    with store.transaction(temp_on_disk=True):
        result = import_pupils(store, admin, csv_path, "SCHOOL")
    assert result.written and result.rejected == 0, result.errors[:3]
    store.close()


def region(db: Path) -> None:
    """A fresh region with the school, as bench_import.run_vix sets it up."""
    sys.path.insert(0, str(HERE))
    from bench_import import fresh_region

    fresh_region(db)


def counted(workdir: Path, db: Path, csv_path: Path) -> dict[str, int]:
    """Instructions of each process of one import under callgrind."""
    out = workdir / "cg"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--trace-children=yes",
         f"--callgrind-out-file={out}/cg.%p", sys.executable, __file__,
         "--alleen", "import", "--db", str(db), "--bestand", str(csv_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    found: dict[str, int] = {}
    for path in out.iterdir():
        text = path.read_text(errors="replace")
        command = re.search(r"^cmd: (.*)$", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if command is None or total is None:
            continue
        kind = "leesproces" if "vix.pupilrows" in command.group(1) else "import"
        found[kind] = found.get(kind, 0) + int(total.group(1))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rijen", type=int, nargs=2, default=[30_000, 60_000])
    parser.add_argument("--opnieuw", action="store_true", help="meet ook een herimport")
    parser.add_argument("--alleen", choices=("import",), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bestand", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.alleen == "import":
        import_once(args.db, args.bestand)
        return
    sys.path.insert(0, str(HERE))
    from bench_import import generate

    small, big = args.rijen
    kinds = ["eerste", "opnieuw"] if args.opnieuw else ["eerste"]
    counts: dict[tuple[str, int], dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for rows in (small, big):
            csv_path = workdir / f"l{rows}.csv"
            generate(csv_path, rows)
            db = workdir / f"vix{rows}.db"
            region(db)
            for kind in kinds:
                counts[kind, rows] = counted(workdir, db, csv_path)
    for kind in kinds:
        per_row = {
            process: (counts[kind, big][process] - counts[kind, small][process]) / (big - small)
            for process in sorted(counts[kind, small])
        }
        shown = ", ".join(f"{process} {value:,.0f}" for process, value in per_row.items())
        print(f"{kind} import: instructies per rij: {shown}")


if __name__ == "__main__":
    main()
