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
from conftest import BSN_ANNA, Region, Runner, as_json, db_rows, new_youth, ok, signal

FOUNDED = "2026-11-23T10:00:00"  # Monday
STEP = "2026-12-07T09:00:00"  # Monday
DELETED = "2026-12-07T09:30:00"


def anna(vix: Runner, als: str, now: str) -> dict[str, Any]:
    return signal(vix, als, *new_youth(BSN_ANNA, "Anna"), now=now)


def founded(vix: Runner, region: Region) -> tuple[dict[str, Any], int]:
    """The school and youth care signal Anna on FOUNDED: youth care's answer and the match."""
    anna(vix, region.school, FOUNDED)
    care = anna(vix, region.care, FOUNDED)
    return care, int(care["matches"][0]["id"])


def unjustified(vix: Runner, region: Region, care: dict[str, Any], now: str) -> None:
    """Youth care's signal deleted as unjustified: the match restarts without it."""
    withdraw = ("intrekken", str(care["signal_id"]), "--reden", "onterecht")
    ok(vix(*withdraw, als=region.care, now=now))


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
    care, match_id = founded(vix, region)
    anna(vix, region.jgz, joined)
    [item] = as_json(vix("stagnatie", "--escaleer", "--json", als=region.coordinator, now=STEP))
    assert item["escalated_to"] == 1
    unjustified(vix, region, care, DELETED)

    steps = db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,))
    assert [s[0] for s in steps] == ([1] if kept else [])
    [(level,)] = db_rows(vix_env, "SELECT escalation_level FROM matches WHERE id = ?", (match_id,))
    assert level == (1 if kept else 0)
    found = as_json(vix("stagnatie", "--json", als=region.coordinator, now=DELETED))
    assert [(s["since"], s["age"]) for s in found] == ([(joined[:10], 6)] if kept else [])


def test_a_milestone_dated_the_day_the_match_that_is_left_arose_stays(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """JGZ joins on Friday 04-12 and records contact that day, with the school. Without
    youth care's signal the match arose on 04-12: the contact is work between the
    members that are left, on the match's first day, and stays (only earlier ones go)."""
    care, match_id = founded(vix, region)
    anna(vix, region.jgz, "2026-12-04T10:00:00")
    ok(vix("contact", str(match_id), als=region.jgz, now="2026-12-04T11:00:00"))
    unjustified(vix, region, care, DELETED)

    shown = as_json(vix("match", str(match_id), "--json", als=region.jgz, now=DELETED))
    assert shown["since"] == "2026-12-04T10:00:00"
    assert [(m["kind"], m["on_date"]) for m in shown["milestones"]] == [("contact", "2026-12-04")]
    assert db_rows(vix_env, "SELECT id FROM audit_log WHERE action = 'milestone_removed'") == []


def test_a_step_above_one_that_goes_goes_too(vix: Runner, region: Region, vix_env: Path) -> None:
    """Level 1 on Mon 07-12, level 2 on Mon 14-12. From JGZ's joining on Mon 30-11 the
    first step was on working day 5 (in time) and goes; the second, on day 10, would hold
    on its own, but the ladder climbs one step at a time: it goes with the first."""
    care, match_id = founded(vix, region)
    anna(vix, region.jgz, "2026-11-30T10:00:00")
    for now, level in ((STEP, 1), ("2026-12-14T09:00:00", 2)):
        [item] = as_json(vix("stagnatie", "--escaleer", "--json", als=region.coordinator, now=now))
        assert item["escalated_to"] == level
    unjustified(vix, region, care, "2026-12-14T09:30:00")

    assert db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,)) == []
    [(level,)] = db_rows(vix_env, "SELECT escalation_level FROM matches WHERE id = ?", (match_id,))
    assert level == 0
    removed = db_rows(
        vix_env,
        "SELECT json_extract(detail, '$.niveau') FROM audit_log"
        " WHERE action = 'escalation_removed' ORDER BY id",
    )
    assert [r[0] for r in removed] == [1, 2]


def test_an_action_whose_agreement_goes_goes_too(vix: Runner, region: Region) -> None:
    """Youth care led and agreed on 25-11; JGZ joined on Friday 04-12 and the school
    recorded the action that day. Without youth care's signal the match arose on 04-12:
    the agreement from before goes, and the action, which follows an agreement, with it."""
    care, match_id = founded(vix, region)
    ok(vix("afstemming", str(match_id), als=region.care, now="2026-11-25T10:00:00"))
    anna(vix, region.jgz, "2026-12-04T10:00:00")
    ok(vix("actie", str(match_id), als=region.school, now="2026-12-04T11:00:00"))
    unjustified(vix, region, care, DELETED)

    shown = as_json(vix("match", str(match_id), "--json", als=region.jgz, now=DELETED))
    assert shown["milestones"] == []


def test_a_step_on_the_agreement_is_judged_again_when_the_agreement_is_dated_back(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Level 1 on 07-12 said the agreement was missing; JGZ, leading, records it on 08-12
    dated back to 04-12, the day it joined. Youth care's signal is then deleted: the match
    arose on 04-12, so on 07-12 it was one working day old and the step goes. An agreement
    dated before a step does not make the step one of the action stage."""
    care, match_id = founded(vix, region)
    anna(vix, region.jgz, "2026-12-04T10:00:00")
    [item] = as_json(vix("stagnatie", "--escaleer", "--json", als=region.coordinator, now=STEP))
    assert (item["escalated_to"], item["stage"]) == (1, "afstemming")
    later = "2026-12-08T10:00:00"
    ok(vix("regie", str(match_id), "--regisseur", region.jgz, als=region.jgz, now=later))
    ok(vix("afstemming", str(match_id), "--datum", "04-12-2026", als=region.jgz, now=later))
    unjustified(vix, region, care, later)

    assert db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,)) == []
    shown = as_json(vix("match", str(match_id), "--json", als=region.jgz, now=later))
    assert [(m["kind"], m["on_date"]) for m in shown["milestones"]] == [("agreement", "2026-12-04")]
