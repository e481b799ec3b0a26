"""Two families that grow together make one family match (rule 7): the older match
goes on with everyone, with its follow-up, and the younger one ends, gone up in it.
Pinned by mutation testing (session 25): no test noticed the younger match kept and
the older one ended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    INFORMED,
    P_FATHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)

AT_12 = {"postcode": "2011AB", "number": "12"}


def place(vix: Runner, als: str, now: str, *youth: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("signaleer", *youth, *INFORMED, "--json", als=als, now=now))
    return found


def family_match(found: dict[str, Any]) -> int:
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    return int(match_id)


def test_the_older_family_match_takes_in_the_younger(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # Anna (school) and Bram (JGZ) live at 2011AB 12: the older family match
    place(vix, region.school, "2026-11-23T10:00:00", *new_youth(BSN_ANNA, "Anna", **AT_12))
    older = family_match(
        place(vix, region.jgz, "2026-11-23T10:01:00", *new_youth(BSN_BRAM, "Bram", **AT_12))
    )
    # Cas (youth care) and Daan (youth protection), children of one father elsewhere
    father = (P_FATHER,)
    place(vix, region.care, "2026-11-23T10:02:00", *new_youth(BSN_CAS, "Cas", parents=father))
    younger = family_match(
        place(vix, region.gi, "2026-11-23T10:03:00", *new_youth(BSN_DAAN, "Daan", parents=father))
    )
    assert older < younger
    # Cas moves in at 2011AB 12: one family now
    ok(vix("jeugdige", "verhuis", BSN_CAS, "--gemeente", "HAARLEM", "--postcode", "2011AB",
           "--huisnummer", "12", als=region.care, now="2026-11-24T09:00:00"))  # fmt: skip
    ended = dict(db_rows(vix_env, "SELECT id, ended_at FROM matches WHERE kind = 'family'"))
    assert ended == {older: None, younger: "2026-11-24T09:00:00"}
    seen = as_json(vix("match", str(older), "--json", als=region.school, now="2026-11-24T09:01:00"))
    assert {m["email"] for m in seen["members"]} == {
        region.school,
        region.jgz,
        region.care,
        region.gi,
    }
    assert vix("match", str(younger), als=region.gi, now="2026-11-24T09:01:00").exit_code == 1
