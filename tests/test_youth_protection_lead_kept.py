"""Rule 12: youth protection joining takes over the lead from another domain; a match
that youth protection leads already keeps the director it chose. Two youth protection
workers are in Anna's match and the lead passed to the second; a newcomer from youth
care changes nothing of that (`matching._keep_director`, `takes_over`). Pinned by
mutation testing (session 25): no test noticed the lead taken back to the first youth
protection worker whenever a member joined."""

from __future__ import annotations

from conftest import ADMIN, BSN_ANNA, Region, Runner, as_json, new_youth, ok, signal

GI2 = "jb2@gi.nl"


def test_a_newcomer_leaves_youth_protections_chosen_director(vix: Runner, region: Region) -> None:
    ok(vix("professional", "toevoegen", GI2, "Gijs Jansen", "--rol", "meldingsbevoegde",
           "--organisatie", "GI", "--telefoon", "023-5550000", als=ADMIN))  # fmt: skip
    signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))
    match_id = str(signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))["matches"][0]["id"])
    signal(vix, GI2, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("regie", match_id, "--regisseur", GI2, als=region.gi))
    assert as_json(vix("match", match_id, "--json", als=GI2))["director"] == "Gijs Jansen"
    signal(vix, region.care, *new_youth(BSN_ANNA, "Anna"))
    seen = as_json(vix("match", match_id, "--json", als=region.care))
    assert seen["director"] == "Gijs Jansen"
