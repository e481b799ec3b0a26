"""Need to know (rules 9 and 16): the regievoerder who was asked to appoint a care
coordinator sees the match while it runs, not after it ended. Pinned by mutation
testing (session 25): no test noticed `matching.can_see` letting the regievoerder of an
ended match see it."""

from __future__ import annotations

from conftest import Region, Runner, anna_s_match, as_json, ok


def test_the_regievoerder_no_longer_sees_a_match_that_ended(vix: Runner, region: Region) -> None:
    match_id = str(anna_s_match(vix, region))
    ok(vix("regie", match_id, "--regievoerder", als=region.jgz))
    assert as_json(vix("match", match_id, "--json", als=region.regie))["id"] == int(match_id)
    [jgz] = as_json(vix("signalen", "--json", als=region.jgz))
    ok(vix("intrekken", str(jgz["id"]), "--reden", "weggenomen", als=region.jgz))
    refused = vix("match", match_id, als=region.regie)
    assert refused.exit_code == 1
    assert f"Match {match_id} bestaat niet of u bent er niet bij betrokken." in refused.stderr
    # the same answer as for a match that never existed (rule 16)
    assert vix("match", "999", als=region.regie).stderr == refused.stderr.replace(match_id, "999")
