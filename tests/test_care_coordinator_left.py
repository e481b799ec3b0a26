"""A care coordinator who was deactivated is shown as no longer active in `vix match`,
text and --json (`views.MatchView.care_coordinator_left`): the members see that nobody
coordinates the care until a member takes the lead (rule 12)."""

from __future__ import annotations

from conftest import ADMIN, BSN_ANNA, Region, Runner, as_json, new_youth, ok, signal

GEA = "Gea Jansen"  # youth protection (conftest.region)


def test_a_deactivated_care_coordinator_is_shown_as_such(vix: Runner, region: Region) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    [match] = signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))["matches"]
    match_id = str(match["id"])
    seen = as_json(vix("match", match_id, "--json", als=region.school))
    assert (seen["care_coordinator"], seen["care_coordinator_left"]) == (GEA, False)
    assert f"Zorgcoördinator: {GEA}\n" in ok(vix("match", match_id, als=region.school)).stdout

    ok(vix("professional", "deactiveer", region.gi, als=ADMIN))
    seen = as_json(vix("match", match_id, "--json", als=region.school))
    assert (seen["care_coordinator"], seen["care_coordinator_left"]) == (GEA, True)
    text = ok(vix("match", match_id, als=region.school)).stdout
    assert f"Zorgcoördinator: {GEA} (niet meer actief)" in text
