"""Rule 7 after a family splits: Anna moves out of the home she shared with Bram and Cas;
their family match goes on without her. When Anna's new housemate Daan is signalled,
Anna and Daan make a family match of their own: the old one, which Anna left, is not
taken over (a match of a family is found through its current members only,
`matching.open_family_matches`). Pinned by mutation testing (session 25): no test
noticed the old match taken over, and Bram and Cas dropped from it."""

from __future__ import annotations

from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    Region,
    Runner,
    as_json,
    new_youth,
    ok,
    signal,
)


def family_match(found: dict[str, Any]) -> int:
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    return int(match_id)


def members(vix: Runner, als: str, match_id: int) -> set[str]:
    seen = as_json(vix("match", str(match_id), "--json", als=als))
    return {m["email"] for m in seen["members"]}


def test_a_youth_who_left_a_family_match_does_not_take_it_to_her_new_home(
    vix: Runner, region: Region
) -> None:
    old_home = {"postcode": "2011AB", "number": "12"}
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", **old_home))
    old = family_match(signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", **old_home)))
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas", **old_home))
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "HAARLEM", "--postcode", "2012CD",
           "--huisnummer", "3", als=region.school))  # fmt: skip
    assert members(vix, region.jgz, old) == {region.jgz, region.care}
    daan = signal(vix, region.gi, *new_youth(BSN_DAAN, "Daan", postcode="2012CD", number="3"))
    new = family_match(daan)
    assert new != old
    assert members(vix, region.gi, new) == {region.school, region.gi}
    assert members(vix, region.jgz, old) == {region.jgz, region.care}
