"""Need to know (rules 9 and 16): whoever recorded a milestone is named only while still
in the match. Youth care records the contact in a family match, then its youth, Cas,
moves out of the family's home: youth care's signal is still active, but no longer in
the match. Youth protection, joining later, is not told youth care's name (it never was
in a match with youth care). Pinned by mutation testing (session 25): no test noticed
`matching.named_sql` naming a recorder whose signal left the match but stayed active."""

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

HANS = "Hans Hulp"  # region.care
HOME = {"postcode": "2011AB", "number": "12"}


def test_a_recorder_whose_youth_moved_out_is_not_named_to_a_newcomer(
    vix: Runner, region: Region
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", **HOME))
    found: dict[str, Any] = signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", **HOME))
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas", **HOME))
    ok(vix("contact", str(match_id), als=region.care))
    seen = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert [m["recorded_by"] for m in seen["milestones"]] == [HANS]
    ok(vix("jeugdige", "verhuis", BSN_CAS, "--gemeente", "HAARLEM", "--postcode", "2012CD",
           "--huisnummer", "3", als=region.care))  # fmt: skip
    assert len(as_json(vix("signalen", "--json", als=region.care))) == 1  # still active
    signal(vix, region.gi, *new_youth(BSN_DAAN, "Daan", **HOME))
    seen = as_json(vix("match", str(match_id), "--json", als=region.gi))
    assert HANS not in {m["name"] for m in seen["members"]}
    assert [(m["kind"], m["recorded_by"]) for m in seen["milestones"]] == [("contact", None)]
    assert HANS not in ok(vix("match", str(match_id), als=region.gi)).stdout
