"""The municipality reports' figures, kept in a golden file.

A municipality's signals are those of the youths living there now. The golden
file holds what the report made of three municipalities (the report scenario
plus a third town with its own history, built through the CLI), exact and
shielded, for three periods: a change in how the report counts them must give
the same figures.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from conftest import NOW, Region, Runner, as_json, ok
from report_scenario import Y, new, place, valid_bsns

from vix.db import open_store
from vix.people import find_professional, municipality_id
from vix.reports import Scope, jaarverslag

GOLDEN = Path(__file__).parent / "golden" / "jaarverslag_gemeenten.json"
TOWNS = ("HAARLEM", "ZANDVOORT", "BLOEMENDAAL")
PERIODS = {  # the year, the default period (12 months to October), one quarter
    "2026": (date(2026, 1, 1), date(2026, 12, 31)),
    "standaard": (date(2025, 11, 1), date(2026, 10, 31)),
    "kwartaal": (date(2026, 8, 1), date(2026, 10, 31)),
}
Z = valid_bsns(7, start=300_000_000)


def more_towns(vix: Runner, r: Region) -> None:
    """The report scenario plus a third municipality with its own history, through the CLI."""
    ok(vix("gemeente", "toevoegen", "BLOEMENDAAL", "Bloemendaal", als=r.admin))
    # placed two years before: ended by `onderhoud` as expired in October 2026
    old = place(vix, r.jgz, "2024-10-01T09:00:00", *new(Z[0], "Lang", town="BLOEMENDAAL"))
    assert old["signal_id"]
    place(vix, r.school, "2024-10-02T09:00:00", *new(Z[1], "Ouder", town="BLOEMENDAAL"))
    ok(vix("onderhoud", als=r.coordinator, now="2026-10-06T06:00:00"))
    sig = {
        (who, i): place(vix, email, now, *new(Z[i], f"Bl{i}", town="BLOEMENDAAL"))
        for who, email, i, now in [
            ("school", r.school, 2, "2026-10-07T09:00:00"),
            ("jgz", r.jgz, 2, "2026-10-08T09:00:00"),
            ("care", r.care, 2, "2026-10-09T09:00:00"),
            ("school2", r.school2, 3, "2026-10-12T09:00:00"),
            ("gi", r.gi, 3, "2026-10-13T09:00:00"),
            ("care", r.care, 4, "2026-11-02T09:00:00"),
            ("jgz", r.jgz, 5, "2026-11-03T09:00:00"),
            ("school", r.school, 1, "2026-11-04T09:00:00"),
        ]
    }
    sig[("gi", 6)] = place(vix, r.gi, "2026-10-14T09:00:00", *new(Z[6], "Zv", town="ZANDVOORT"))
    for who, email, i, reason, now in [
        ("care", r.care, 2, "weggenomen", "2026-10-20T09:00:00"),
        ("school2", r.school2, 3, "weggenomen", "2026-11-05T09:00:00"),
        ("jgz", r.jgz, 5, "onterecht", "2026-11-06T09:00:00"),
        ("gi", r.gi, 6, "weggenomen", "2026-10-21T09:00:00"),
    ]:
        sid = str(sig[(who, i)]["signal_id"])
        ok(vix("intrekken", sid, "--reden", reason, als=email, now=now))
    # a youth of the scenario moves from Haarlem: its signals go with it
    ok(
        vix(
            "jeugdige", "verhuis", Y[3], "--gemeente", "BLOEMENDAAL", "--datum", "09-11-2026",
            als=r.coordinator, now="2026-11-09T09:00:00",
        )
    )  # fmt: skip


def figures(vix: Runner, r: Region, db: Path) -> dict[str, Any]:
    """Every municipality's report: exact (the domain) and shielded (the CLI), sans time."""
    out: dict[str, Any] = {}
    store = open_store(db, datetime.fromisoformat(NOW))
    try:
        by = find_professional(store, r.coordinator)
        assert by is not None
        for town in TOWNS:
            scope = Scope("gemeente", town, municipality_id(store, town), internal=True)
            for name, (start, end) in PERIODS.items():
                with store.transaction():
                    exact = dataclasses.asdict(jaarverslag(store, by, scope, start, end))
                del exact["made_at"]
                out[f"{town} {name} exact"] = exact
    finally:
        store.close()
    for town in TOWNS:
        for name, (start, end) in PERIODS.items():
            period = ["--van", start.strftime("%d-%m-%Y"), "--tot", end.strftime("%d-%m-%Y")]
            shielded = as_json(
                vix(
                    "rapport", "jaarverslag", "--gemeente", town, *period, "--json",
                    als=r.coordinator,
                )
            )  # fmt: skip
            del shielded["made_at"]
            out[f"{town} {name}"] = shielded
    return out


def test_municipality_reports_keep_their_figures(
    vix: Runner, scenario: Region, vix_env: Path
) -> None:
    more_towns(vix, scenario)
    found = figures(vix, scenario, vix_env)
    text = json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("VIX_GOLDEN_UPDATE"):
        GOLDEN.write_text(text)
    # the scenario gives each municipality something to count
    for town in TOWNS:
        s = found[f"{town} 2026 exact"]["signals"]
        assert s["placed"] and s["active_now"] and s["withdrawn_resolved"], town
    assert found["BLOEMENDAAL 2026 exact"]["signals"]["expired"] == 2
    assert text == GOLDEN.read_text()
