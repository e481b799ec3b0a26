"""Rule 7 after an erasure: Anna, child of both a mother and a father, is the only link
between her half-brothers Bram (the mother's) and Cas (the father's). When she is erased
(an upheld objection), Bram and Cas are no family any more: their family match ends
(`signals.forget_youth_if_unused` reconciles the relatives). Pinned by mutation testing
(session 25): no test noticed the match staying open once the link was gone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)


def test_the_family_match_ends_when_the_child_who_linked_it_is_erased(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER, P_FATHER)))
    found: dict[str, Any] = signal(
        vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,))
    )
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=(P_FATHER,)))
    seen = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert {m["email"] for m in seen["members"]} == {region.school, region.jgz, region.care}
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator))
    assert as_json(vix("matches", "--json", als=region.jgz)) == []
    assert as_json(vix("matches", "--json", als=region.care)) == []
    [row] = db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = ?", (match_id,))
    assert row[0] is not None
