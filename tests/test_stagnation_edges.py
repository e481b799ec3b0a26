"""Edges of stagnation and its escalation ladder that the main tests step over (rule 13).

Each test pins one decision of `followup.stagnation` or `workdays.Calendar` at its
boundary: the day before and the day of a step, a weekend or a holiday in a term, and
what ends the clock. They drive the real CLI, as a coordinator's cron does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    INFORMED,
    Region,
    as_json,
    db_rows,
    family_at_one_address,
    new_youth,
    ok,
)

MONDAY = "2026-11-23T10:00:00"  # conftest NOW: the match arises on a Monday


def match_on(vix: Any, region: Region, when: str = MONDAY) -> int:
    for who in (region.school, region.jgz):
        found = as_json(
            vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=who, now=when)
        )
    return int(found["matches"][0]["id"])


def stagnating(vix: Any, region: Region, now: str, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = as_json(
        vix("stagnatie", *args, "--json", als=region.coordinator, now=now)
    )
    return found


def test_the_next_step_counts_from_the_latest_step_not_the_first(vix, region: Region) -> None:
    """Level 1 on Tue 01-12, level 2 on Tue 08-12: level 3 waits 5 working days from the
    second step (Tue 15-12), not from the first, which is long enough ago the day after."""
    match_on(vix, region)
    for day, level in (("2026-12-01", 1), ("2026-12-08", 2)):
        (step,) = stagnating(vix, region, f"{day}T07:00", "--escaleer")
        assert step["escalated_to"] == level
    (seen,) = stagnating(vix, region, "2026-12-09T07:00")
    assert (seen["level"], seen["next_level"], seen["next_from"]) == (2, 3, "2026-12-15")
    for day in ("2026-12-09", "2026-12-14"):
        (early,) = stagnating(vix, region, f"{day}T07:00", "--escaleer")
        assert (early["escalated_to"], early["level"]) == (None, 2)
    db = Path(os.environ["VIX_DB"])
    assert [r[0] for r in db_rows(db, "SELECT level FROM escalations ORDER BY level")] == [1, 2]
    (third,) = stagnating(vix, region, "2026-12-15T07:00", "--escaleer")
    assert third["escalated_to"] == 3


def test_a_manager_whose_organisation_left_the_match_no_longer_sees_it(vix, region: Region) -> None:
    """Rule 16: the organisation manager sees the stagnating matches his or her
    organisation is in. Once the school's signal is withdrawn the match goes on between
    JGZ and youth care, and the school's manager no longer sees it; the coordinator does."""
    for who in (region.school, region.jgz, region.care):
        as_json(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=who))
    (own,) = as_json(vix("signalen", "--json", als=region.school))
    now = "2026-12-01T07:00"
    assert len(stagnating(vix, region, now)) == 1
    (managed,) = as_json(vix("stagnatie", "--json", als=region.manager, now=now))
    assert managed["organisations"] == ["JGZ", "JH", "ZON"]
    ok(vix("intrekken", str(own["id"]), "--reden", "weggenomen", als=region.school))
    (seen,) = stagnating(vix, region, now)
    assert seen["organisations"] == ["JGZ", "JH"]
    assert as_json(vix("stagnatie", "--json", als=region.manager, now=now)) == []


def test_in_a_family_match_each_signaller_sees_only_the_youth_he_signalled(
    vix, region: Region
) -> None:
    """Rule 16: the school signalled Anna, JGZ her brother Bram; the family match stagnates.
    Each signaller's stagnation list names his or her own youth only, the coordinator
    none (`followup._youth_names`)."""
    match_id = family_at_one_address(vix, region)["id"]
    now = "2026-12-01T07:00"
    for who, names in ((region.school, ["Anna Vries"]), (region.jgz, ["Bram Vries"])):
        (item,) = as_json(vix("stagnatie", "--json", als=who, now=now))
        assert (item["match_id"], item["kind"], item["youths"]) == (match_id, "family", names)
    (seen,) = stagnating(vix, region, now)
    assert seen["youths"] == []
