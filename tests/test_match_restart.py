"""A signal deleted at once takes the match's start along if the match arose from it (rule 15).

School and youth care signal Anna on Monday 23-11: a match. JGZ joins on Friday
04-12. On Monday 07-12 the match stagnates (no agreement after 10 working days)
and is escalated to the school's manager. Then youth care's signal turns out to
be unjustified and is deleted "as if it never existed": without it, the match of
school and JGZ arose only on 04-12, one working day ago. So it starts then, for
the members, the stagnation clock, the escalation ladder and the reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import BSN_ANNA, INFORMED, Region, Runner, as_json, db_rows, new_youth, ok

FOUNDED = "2026-11-23T10:00:00"  # Monday: school, then youth care
JOINED = "2026-12-04T10:00:00"  # Friday: JGZ joins
STEP = "2026-12-07T09:00:00"  # Monday: 10 working days, level 1
DELETED = "2026-12-07T09:30:00"
LATER = "2026-12-07T11:00:00"


def signal(vix: Runner, als: str, now: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(
        vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=als, now=now)
    )
    return found


def stagnating(vix: Runner, region: Region, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = as_json(
        vix("stagnatie", *args, "--json", als=region.coordinator, now=LATER)
    )
    return found


def founded_by(vix: Runner, region: Region, first: str, second: str, third: str) -> dict[str, int]:
    """Three signals on Anna: `first` and `second` on 23-11, `third` on 04-12; escalated on
    07-12. Returns the signal ids by email, and the match under 'match'."""
    ids = {first: signal(vix, first, FOUNDED)["signal_id"]}
    found = signal(vix, second, FOUNDED)
    ids[second] = found["signal_id"]
    ids[third] = signal(vix, third, JOINED)["signal_id"]
    ids["match"] = int(found["matches"][0]["id"])
    [item] = stagnating(vix, region, "--escaleer")
    assert item["level"] == 1 and item["since"] == "2026-11-23"
    return ids


def withdraw(vix: Runner, signal_id: int, als: str) -> None:
    ok(vix("intrekken", str(signal_id), "--reden", "onterecht", als=als, now=DELETED))


def test_the_match_starts_when_the_match_that_is_left_arose(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ids = founded_by(vix, region, region.school, region.care, region.jgz)
    match_id = ids["match"]
    withdraw(vix, ids[region.care], region.care)

    shown = as_json(vix("match", str(match_id), "--json", als=region.jgz, now=LATER))
    assert shown["since"] == JOINED
    # each member joined the match as it is: nobody was in it before it arose
    assert {m["email"]: m["since"] for m in shown["members"]} == {
        region.school: JOINED,
        region.jgz: JOINED,
    }
    [(created,)] = db_rows(vix_env, "SELECT created_at FROM matches WHERE id = ?", (match_id,))
    assert created == JOINED
    # the annual report counts the match in December, when it arose
    report = as_json(
        vix(
            "rapport",
            "jaarverslag",
            "--regio",
            "--van",
            "01-01-2026",
            "--tot",
            "31-12-2026",
            "--json",
            als=region.coordinator,
            now=LATER,
        )
    )
    months = {m["month"]: m["matches"] for m in report["per_month"]}
    assert months["2026-11"] == 0 and months["2026-12"] != 0
    # the restart is audited, without a BSN
    [(detail,)] = db_rows(
        vix_env,
        "SELECT detail FROM audit_log WHERE action = 'restart' AND entity_id = ?",
        (match_id,),
    )
    told = json.loads(detail)
    assert told["was"] == FOUNDED and told["wordt"] == JOINED
    assert told["signaal"] == ids[region.care] and BSN_ANNA not in detail


def test_an_escalation_on_a_stagnation_that_never_was_is_taken_back(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """From 04-12 the match is one working day old on 07-12: it did not stagnate, so the
    step goes with its unsent notice to the school's manager, and nothing stagnates."""
    ids = founded_by(vix, region, region.school, region.care, region.jgz)
    match_id = ids["match"]
    withdraw(vix, ids[region.care], region.care)

    assert stagnating(vix, region) == []
    assert db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,)) == []
    [(level,)] = db_rows(vix_env, "SELECT escalation_level FROM matches WHERE id = ?", (match_id,))
    assert level == 0
    assert db_rows(vix_env, "SELECT id FROM outbox WHERE kind LIKE 'escalatie%'") == []
    [(detail,)] = db_rows(
        vix_env,
        "SELECT detail FROM audit_log WHERE action = 'escalation_removed' AND entity_id = ?",
        (match_id,),
    )
    assert json.loads(detail)["niveau"] == 1 and json.loads(detail)["was"] == "2026-12-07"


@pytest.mark.parametrize(
    ("care_on", "jgz_on", "since", "age"),
    [
        # youth care founded the match with the school; JGZ joined on Tuesday 24-11:
        # from then the match is 9 working days old on 07-12, still past the limit of 5
        (FOUNDED, "2026-11-24T10:00:00", "2026-11-24", 9),
        # JGZ founded it with the school; youth care joined on 04-12: the match did
        # arise on 23-11, so nothing about its start changes
        (JOINED, FOUNDED, "2026-11-23", 10),
    ],
)
def test_a_step_that_still_holds_is_told_from_when_the_match_arose(
    vix: Runner, region: Region, vix_env: Path, care_on: str, jgz_on: str, since: str, age: int
) -> None:
    """The step stays, and its renewed notice (which no longer names youth care)
    counts from when the match that is left arose."""
    signal(vix, region.school, FOUNDED)
    placed = {
        email: signal(vix, email, when)
        for email, when in sorted(
            [(region.care, care_on), (region.jgz, jgz_on)], key=lambda x: x[1]
        )
    }
    match_id = int(placed[region.jgz if jgz_on == FOUNDED else region.care]["matches"][0]["id"])
    stagnating(vix, region, "--escaleer")
    withdraw(vix, placed[region.care]["signal_id"], region.care)

    [item] = stagnating(vix, region)
    assert (item["since"], item["age"], item["level"]) == (since, age, 1)
    [(body,)] = db_rows(vix_env, "SELECT body FROM outbox WHERE kind = 'escalatie_1'")
    dutch = f"{since[8:]}-{since[5:7]}-{since[:4]}"
    assert f"ontstaan op {dutch}" in body and f"na {age} werkdagen" in body
    assert "Jeugdhulp" not in body
    [(level,)] = db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,))
    assert level == 1
    [(created,)] = db_rows(vix_env, "SELECT created_at FROM matches WHERE id = ?", (match_id,))
    assert created[:10] == since
    restarts = db_rows(vix_env, "SELECT id FROM audit_log WHERE action = 'restart'")
    assert len(restarts) == (since != FOUNDED[:10])


def test_a_milestone_from_before_the_match_arose_goes(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The school recorded contact on 25-11: that was with youth care, before JGZ was
    in the match. Without youth care's signal there was no match to make contact in."""
    signal(vix, region.school, FOUNDED)
    care = signal(vix, region.care, FOUNDED)
    match_id = int(care["matches"][0]["id"])
    ok(vix("contact", str(match_id), als=region.school, now="2026-11-25T10:00:00"))
    signal(vix, region.jgz, JOINED)
    withdraw(vix, care["signal_id"], region.care)

    shown = as_json(vix("match", str(match_id), "--json", als=region.jgz, now=LATER))
    assert shown["milestones"] == []
    [(detail,)] = db_rows(
        vix_env,
        "SELECT detail FROM audit_log WHERE action = 'milestone_removed' AND entity_id = ?",
        (match_id,),
    )
    assert json.loads(detail)["soort"] == "contact"
