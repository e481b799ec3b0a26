"""A known region history for the report tests, built through the real CLI.

Milestones and escalations are written with plain SQL through the store: they
stand in for `vix contact/afstemming/escaleer` of the follow-up issue, whose
code this branch does not have. Everything else goes through the CLI.

The expected figures for 2026 are worked out by hand in test_reports.py.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from conftest import NOW, P_FATHER, P_MOTHER, Region, Runner, as_json, ok
from import_helpers import bsn, pupil, write_list
from stdnum.nl import bsn as stdnum_bsn

from vix.db import open_store


def valid_bsns(count: int, start: int = 200_000_000) -> list[str]:
    found: list[str] = []
    number = start
    while len(found) < count:
        if stdnum_bsn.is_valid(str(number)):
            found.append(str(number))
        number += 1
    return found


Y = valid_bsns(12)


def place(vix: Runner, als: str, now: str, *args: str) -> dict[str, Any]:
    day = now[8:10] + "-" + now[5:7] + "-" + now[0:4]
    return dict(
        as_json(vix("signaleer", *args, "--ouders-geinformeerd", day, "--json", als=als, now=now))
    )


def withdraw(vix: Runner, als: str, now: str, placed: dict[str, Any], reason: str) -> None:
    """`vix intrekken` of the signal `place` answered `placed` with, at `now`."""
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", reason, als=als, now=now))


def new(bsn: str, given: str, born: str = "03-04-2014", town: str = "HAARLEM") -> list[str]:
    return [
        bsn,
        "--voornaam",
        given,
        "--achternaam",
        "Test",
        "--geboortedatum",
        born,
        "--gemeente",
        town,
    ]


def build(vix: Runner, r: Region, db: Path) -> dict[str, int]:
    """The 2024-2026 history; returns match ids by youth index ('fam' for the family)."""
    place(vix, r.school, "2024-06-03T09:00:00", *new(Y[8], "Oud"))
    place(vix, r.care, "2024-07-01T09:00:00", *new(Y[9], "Bijna", born="10-03-2003"))
    school = [place(vix, r.school, "2026-02-02T09:00:00", *new(Y[i], f"Kind{i}")) for i in range(6)]
    jgz = [place(vix, r.jgz, "2026-03-02T09:00:00", *new(Y[i], f"Kind{i}")) for i in range(5)]
    ok(vix("onderhoud", als=r.coordinator, now="2026-03-11T06:00:00"))  # Y9: 23 -> deleted
    place(vix, r.care, "2026-04-01T09:00:00", *new(Y[0], "Kind0"))
    withdraw(vix, r.school, "2026-05-04T09:00:00", school[5], "weggenomen")
    wrong = place(vix, r.school_colleague, "2026-06-01T09:00:00", *new(Y[6], "Vergissing"))
    withdraw(vix, r.school_colleague, "2026-06-02T09:00:00", wrong, "onterecht")
    ok(vix("onderhoud", als=r.coordinator, now="2026-06-04T06:00:00"))  # Y8: 2 years
    place(vix, r.gi, "2026-07-01T09:00:00", *new(Y[1], "Kind1"))
    ok(
        vix(
            "jeugdige",
            "verhuis",
            Y[2],
            "--gemeente",
            "ZANDVOORT",
            "--datum",
            "03-08-2026",
            als=r.coordinator,
            now="2026-08-03T09:00:00",
        )
    )
    withdraw(vix, r.jgz, "2026-09-01T09:00:00", jgz[4], "weggenomen")
    place(
        vix,
        r.school2,
        "2026-10-05T09:00:00",
        *new(Y[7], "Zus", town="ZANDVOORT"),
        "--ouder",
        P_MOTHER,
    )
    fam = place(vix, r.care, "2026-10-05T10:00:00", *new(Y[10], "Broer"), "--ouder", P_MOTHER)
    matches = {str(i): jgz[i]["matches"][0]["id"] for i in range(5)}
    matches["fam"] = fam["matches"][0]["id"]
    # Stand-in for `vix contact / afstemming / escaleer` (follow-up issue).
    store = open_store(db, datetime.fromisoformat(NOW))
    try:
        with store.transaction():
            by = store.scalar("SELECT id FROM professionals WHERE email = ?", (r.coordinator,))
            for key, kind, on in [
                ("0", "contact", "2026-03-03"),
                ("0", "agreement", "2026-03-05"),
                ("1", "contact", "2026-03-04"),
                ("1", "agreement", "2026-03-06"),
                ("2", "contact", "2026-03-03"),
                ("2", "agreement", "2026-03-13"),
                ("4", "contact", "2026-03-09"),
                ("4", "agreement", "2026-03-09"),
                ("fam", "contact", "2026-10-06"),
                ("fam", "agreement", "2026-10-07"),
            ]:
                store.insert(
                    "INSERT INTO match_milestones (match_id, kind, on_date, recorded_by,"
                    " recorded_at) VALUES (?, ?, ?, ?, ?)",
                    (matches[key], kind, on, by, on + "T12:00:00"),
                )
            for level, on in [(1, "2026-03-10"), (2, "2026-03-20")]:
                store.insert(
                    "INSERT INTO escalations (match_id, level, on_date, recorded_by, recorded_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (matches["3"], level, on, by, on + "T12:00:00"),
                )
    finally:
        store.close()
    return matches


_CACHE: dict[str, Any] = {}


def scenario_db(vix: Runner, db: Path, key: Path, make_region: Any, cache_dir: Path) -> Any:
    """Build the scenario once per test session; later tests get a copy of the files."""
    if "matches" not in _CACHE:
        region = make_region()
        _CACHE["matches"] = build(vix, region, db)
        _CACHE["region"] = region
        shutil.copy(db, cache_dir / "vix.db")
        shutil.copy(key, cache_dir / "vix.sleutel")
    else:
        shutil.copy(cache_dir / "vix.db", db)
        shutil.copy(cache_dir / "vix.sleutel", key)
    return _CACHE["region"], _CACHE["matches"]


# -- a pupil of two schools, for the inzage -------------------------------------

PUPIL = bsn(40_000_000)


def enrol_pupil(vix: Runner, r: Region, folder: Path) -> None:
    """One youth on the lists of two schools, through `vix import leerlingen`.

    - 01-09-2026 08:00: the school's manager (Dirk Directeur) imports ZON's list:
      the youth is created with both parents, class 5, pupil number 0042.
    - 02-09-2026 08:30: the administrator (F. Beheer) imports ESD's list with a new
      house number: the youth's row is updated, an ESD registration (class 6, E7).
    - 01-10-2026 08:00: the administrator imports ZON's list again, now with the new
      house number too: the run is logged but writes nothing, so the ZON registration
      still dates from Dirk's run.
    """

    def load(org: str, als: str, now: str, **fields: str) -> None:
        row = pupil(PUPIL, "Pien", "Leerling", parent1=P_MOTHER, parent2=P_FATHER, **fields)
        path = write_list(folder / f"{org}-{now[:10]}.csv", [row])
        ok(vix("import", "leerlingen", str(path), "--organisatie", org, als=als, now=now))

    load("ZON", r.manager, "2026-09-01T08:00:00", group="5", pupil_number="0042")
    load("ESD", r.admin, "2026-09-02T08:30:00", group="6", pupil_number="E7", house="14")
    load("ZON", r.admin, "2026-10-01T08:00:00", group="5", pupil_number="0042", house="14")
