"""Rule 12: a new match's director is proposed among the members who can act. JGZ would
lead before the school (education is usually not the director), but the JGZ doctor has
been deactivated: she gets no notice and cannot log in, so the school leads
(`matching.proposed_director`, `REACHABLE_SQL`). Pinned by mutation testing (session
25): no test noticed a deactivated member proposed as director of a new match."""

from __future__ import annotations

from conftest import ADMIN, BSN_ANNA, Region, Runner, as_json, new_youth, ok, signal


def test_a_deactivated_member_is_not_made_director_of_a_new_match(
    vix: Runner, region: Region
) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    found = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    [match] = found["matches"]
    seen = as_json(vix("match", str(match["id"]), "--json", als=region.school))
    assert seen["director"] == "Ineke Bos"
