"""A restarted match keeps an escalation step only if it was over its limit on the step's day.

School and youth care signal Anna on Monday 23-11 and the match is escalated on Monday
07-12 (limit 5 working days). Youth care's signal is deleted as unjustified, so the
match starts when JGZ joined (`followup.follow_deletion`, `_restated`). Counted from
that day the step's day is working day 5 (in time: the step goes) or 6 (overdue: it
stays). The day the limit ends is still in time, as for `vix stagnatie`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import BSN_ANNA, INFORMED, Region, Runner, as_json, db_rows, new_youth, ok

FOUNDED = "2026-11-23T10:00:00"  # Monday
STEP = "2026-12-07T09:00:00"  # Monday
DELETED = "2026-12-07T09:30:00"


def signal(vix: Runner, als: str, now: str) -> dict[str, Any]:
    return dict(
        as_json(
            vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=als, now=now)
        )
    )


@pytest.mark.parametrize(
    ("joined", "kept"),
    [
        ("2026-11-30T10:00:00", False),  # Mon 30-11: 07-12 is working day 5, in time
        ("2026-11-27T10:00:00", True),  # Fri 27-11: 07-12 is working day 6, overdue
    ],
)
def test_the_step_stays_only_past_the_limit_from_the_new_start(
    vix: Runner, region: Region, vix_env: Path, joined: str, kept: bool
) -> None:
    signal(vix, region.school, FOUNDED)
    care = signal(vix, region.care, FOUNDED)
    match_id = int(care["matches"][0]["id"])
    signal(vix, region.jgz, joined)
    [item] = as_json(vix("stagnatie", "--escaleer", "--json", als=region.coordinator, now=STEP))
    assert item["escalated_to"] == 1
    ok(
        vix(
            "intrekken",
            str(care["signal_id"]),
            "--reden",
            "onterecht",
            als=region.care,
            now=DELETED,
        )
    )

    steps = db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,))
    assert [s[0] for s in steps] == ([1] if kept else [])
    [(level,)] = db_rows(vix_env, "SELECT escalation_level FROM matches WHERE id = ?", (match_id,))
    assert level == (1 if kept else 0)
    found = as_json(vix("stagnatie", "--json", als=region.coordinator, now=DELETED))
    assert [(s["since"], s["age"]) for s in found] == ([(joined[:10], 6)] if kept else [])
