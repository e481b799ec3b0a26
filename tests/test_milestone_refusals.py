"""Refusals around milestones that no other test reaches (found by coverage).

Taking back a milestone that was never recorded, and recording the agreement of a
match whose request for regie waits for a regievoerder (no director, no regievoerder):
each gets a Dutch message with the way out and exit status 1, and nothing changes.
"""

from __future__ import annotations

from pathlib import Path

from conftest import Region, anna_s_match, db_rows, ok


def flat(text: str) -> str:
    return " ".join(text.split())


def test_taking_back_a_milestone_that_was_never_recorded_is_refused(
    vix, region: Region, vix_env: Path
) -> None:
    match_id = anna_s_match(vix, region)
    for kind, label in (("contact", "Het contact"), ("afstemming", "De afstemming")):
        run = vix(kind, str(match_id), "--wis", als=region.jgz)
        assert (run.exit_code, run.stdout) == (1, "")
        assert f"{label} van match {match_id} is niet vastgelegd." in flat(run.stderr)
        assert "Traceback" not in run.stderr
    assert db_rows(vix_env, "SELECT id FROM audit_log WHERE action = 'milestone_removed'") == []


def test_the_agreement_of_a_match_waiting_for_a_regievoerder_needs_a_member_to_lead(
    vix, region: Region, vix_env: Path
) -> None:
    match_id = anna_s_match(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    ok(vix("professional", "deactiveer", region.regie, als=region.admin))  # the request waits
    run = vix("afstemming", str(match_id), als=region.school)
    assert (run.exit_code, run.stdout) == (1, "")
    assert (
        f"Match {match_id} heeft geen matchregisseur; die legt de afstemming vast. Neem zelf "
        f"de regie met 'vix regie {match_id} --regisseur {region.school}'."
    ) in flat(run.stderr)
    assert db_rows(vix_env, "SELECT kind FROM match_milestones") == []
    # the way out it names works
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.school))
    ok(vix("afstemming", str(match_id), als=region.school))


def test_a_member_who_took_the_lead_records_the_agreement_not_the_regievoerder(
    vix, region: Region, vix_env: Path
) -> None:
    """The regievoerder was asked, then the school took the lead: the director records the
    agreement, even while the regievoerder still holds the request."""
    match_id = anna_s_match(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.school))
    refused = vix("afstemming", str(match_id), als=region.regie)
    assert refused.exit_code == 1
    assert "Alleen de matchregisseur (Ineke Bos)" in flat(refused.stderr)
    ok(vix("afstemming", str(match_id), als=region.school))
