"""Of a family match only its signallers are kept from the municipality and its
regievoerder (`views.family_hides`); the process roles see both, the organisation
manager included, who watches the stagnation of the organisation's matches (rule 14).

tests/test_family_regie_hidden.py shows the signallers' side and the coordinator's;
this is the organisation manager's, in `vix stagnatie` text and --json."""

from __future__ import annotations

from typing import Any

from conftest import BSN_ANNA, BSN_BRAM, P_MOTHER, Region, as_json, new_youth, ok, signal

STAGNATING = "2026-12-01T07:00"  # working day 6 after the matches of conftest's Monday


def test_the_organisation_manager_sees_the_municipality_and_regievoerder_of_a_family_match(
    vix: Any, region: Region
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    found = signal(
        vix, region.jgz, *new_youth(BSN_BRAM, "Bram", town="ZANDVOORT", parents=(P_MOTHER,))
    )
    [match] = found["matches"]
    assert match["kind"] == "family"
    ok(vix("regie", str(match["id"]), "--regievoerder", als=region.jgz))
    # the signaller does not see them ...
    [hidden] = as_json(vix("stagnatie", "--json", als=region.school, now=STAGNATING))
    assert (hidden["municipality"], hidden["regievoerder"]) == (None, None)
    # ... the school's organisation manager does, as the coordinator
    [seen] = as_json(vix("stagnatie", "--json", als=region.manager, now=STAGNATING))
    assert seen["match_id"] == match["id"]
    assert (seen["municipality"], seen["regievoerder"]) == ("Haarlem", "Rita Regie")
    assert seen["regievoerder_asked"] is False
    text = ok(vix("stagnatie", als=region.manager, now=STAGNATING)).stdout
    assert "regievoerder Rita Regie; gemeente Haarlem" in text
