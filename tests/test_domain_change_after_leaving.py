"""A domain change to or from youth protection waits while the organisation is in an open
match (rule 12); once its signal left the match, which goes on without it, the change is
made (`people._refuse_lead_change` counts the member rows that have not left)."""

from __future__ import annotations

from conftest import ADMIN, BSN_ANNA, Region, Runner, as_json, new_youth, ok, signal


def test_youth_protection_that_left_an_open_match_may_change_its_domain(
    vix: Runner, region: Region
) -> None:
    for who in (region.school, region.jgz):
        signal(vix, who, *new_youth(BSN_ANNA, "Anna"))
    placed = signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))
    match_id = str(placed["matches"][0]["id"])
    refused = vix("organisatie", "wijzig", "GI", "--domein", "jeugdhulp", als=ADMIN)
    assert refused.exit_code == 1 and "zit met actieve signalen in 1 lopende match" in (
        refused.stderr
    )
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.gi))
    seen = as_json(vix("match", match_id, "--json", als=region.school))
    assert seen["status"] == "lopend"
    assert {m["email"] for m in seen["members"]} == {region.school, region.jgz}
    ok(vix("organisatie", "wijzig", "GI", "--domein", "jeugdhulp", als=ADMIN))
