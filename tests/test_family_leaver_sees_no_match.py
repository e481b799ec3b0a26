"""A signaller whose youth left a family match that goes on no longer sees it (rule 16).

Anna (the school), Bram (JGZ) and Cas (youth care) live at one address: a family
match of three organisations (rule 7). Cas moves; the match goes on for Anna and
Bram, and youth care's signal on Cas stays active. Youth care is no longer in the
match: `vix matches` (text and --json) lists it no more and `vix match` refuses it,
as for a match that does not exist, though its signal is still active
(`views.my_matches` reads the member rows that have not left)."""

from __future__ import annotations

from conftest import BSN_ANNA, BSN_BRAM, BSN_CAS, Region, Runner, as_json, new_youth, ok, signal


def test_a_member_whose_youth_moved_out_no_longer_sees_the_family_match(
    vix: Runner, region: Region
) -> None:
    home = {"postcode": "2011AB", "number": "12"}
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", **home))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", born="05-06-2012", **home))
    placed = signal(vix, region.care, *new_youth(BSN_CAS, "Cas", born="07-08-2010", **home))
    [family] = placed["matches"]
    assert family["kind"] == "family" and len(family["members"]) == 3
    match_id = str(family["id"])

    ok(vix("jeugdige", "verhuis", BSN_CAS, "--gemeente", "ZANDVOORT", als=region.care))

    # the match goes on for the school and JGZ, without youth care
    seen = as_json(vix("match", match_id, "--json", als=region.school))
    assert seen["status"] == "lopend"
    assert {m["email"] for m in seen["members"]} == {region.school, region.jgz}
    # youth care's signal on Cas is still active, but the match is not its business
    [own] = as_json(vix("signalen", "--json", als=region.care))
    assert own["status"] == "actief"
    assert as_json(vix("matches", "--json", als=region.care)) == []
    listed = ok(vix("matches", als=region.care))
    assert "Ineke Bos" not in listed.stdout and "Karin Arts" not in listed.stdout
    assert "U zit in geen lopende match." in listed.stderr
    refused = vix("match", match_id, als=region.care)
    assert refused.exit_code == 1 and "bestaat niet of u bent er niet bij betrokken" in (
        refused.stderr
    )
    assert "Ineke Bos" not in refused.output
