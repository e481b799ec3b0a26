"""A regievoerder sees a match while it is open and he or she holds its request for regie
(rule 16): once the match ends it is gone from `vix matches` and `vix match`, though
the ended match still names him or her as its regievoerder."""

from __future__ import annotations

from pathlib import Path

from conftest import Region, Runner, anna_s_match, as_json, db_rows, ok


def test_the_regievoerder_no_longer_sees_a_match_that_ended(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = anna_s_match(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    [held] = as_json(vix("matches", "--json", als=region.regie))
    assert held["id"] == match_id and held["regievoerder"] == "Rita Regie"

    [school_signal] = as_json(vix("signalen", "--json", als=region.school))
    ok(vix("intrekken", str(school_signal["id"]), "--reden", "weggenomen", als=region.school))
    [row] = db_rows(
        vix_env,
        "SELECT m.ended_at, p.email FROM matches m JOIN professionals p"
        " ON p.id = m.regievoerder_id WHERE m.id = ?",
        (match_id,),
    )
    assert row["ended_at"] is not None and row["email"] == region.regie

    assert as_json(vix("matches", "--json", als=region.regie)) == []
    listed = ok(vix("matches", als=region.regie))
    assert "Anna" not in listed.stdout and "Karin Arts" not in listed.stdout
    refused = vix("match", str(match_id), "--json", als=region.regie)
    assert refused.exit_code == 1 and "bestaat niet of u bent er niet bij betrokken" in (
        refused.stderr
    )
