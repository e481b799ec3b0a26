"""Naming the match director who already leads the match is refused, and changes nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import Region, anna_s_match, as_json, db_rows


def test_naming_the_director_again_is_refused(vix, region: Region, vix_env: Path) -> None:
    match_id = anna_s_match(vix, region)
    # of school and JGZ, JGZ leads (education is usually not the director: rule 12)
    assert (
        as_json(vix("match", str(match_id), "--json", als=region.jgz))["director"] == "Karin Arts"
    )
    before = db_rows(vix_env, "SELECT count(*) FROM outbox")[0][0]
    run = vix("regie", str(match_id), "--regisseur", region.jgz, als=region.coordinator)
    assert (run.exit_code, run.stdout) == (1, "")
    assert f"Karin Arts is al matchregisseur van match {match_id}." in " ".join(run.stderr.split())
    assert db_rows(vix_env, "SELECT id FROM audit_log WHERE action = 'set_director'") == []
    assert db_rows(vix_env, "SELECT count(*) FROM outbox")[0][0] == before
