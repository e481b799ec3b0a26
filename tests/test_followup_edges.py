"""Edges of the follow-up that mutation testing found no test pinning (rules 12-13,
docs/README-followup.md): milestones refused and allowed, who records the agreement, naming
the director who already leads, a waiting request withdrawn when a member takes the lead,
and a level-one escalation notice that failed.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Region, anna_s_match, as_json, db_rows, ok, waiting_for_a_regievoerder
from smtp_server import Server

# --- milestone refusals
# Refusals around milestones that no other test reaches (found by coverage).
#
# Taking back a milestone that was never recorded, and recording the agreement of a
# match whose request for regie waits for a regievoerder (no director, no regievoerder):
# each gets a Dutch message with the way out and exit status 1, and nothing changes.


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
    match_id = waiting_for_a_regievoerder(vix, region)
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


# --- milestone same day
# Milestones may share a day: contact <= agreement <= action (`followup.record_milestone`).
#
# Contact recorded after the agreement, dated the agreement's day, is in order; a day
# later is not.


def test_contact_may_be_dated_the_day_of_the_agreement(vix, region: Region) -> None:
    match_id = anna_s_match(vix, region)  # JGZ leads
    now = "2026-11-27T10:00:00"
    ok(vix("afstemming", str(match_id), "--datum", "25-11-2026", als=region.jgz, now=now))
    late = vix("contact", str(match_id), "--datum", "26-11-2026", als=region.school, now=now)
    assert late.exit_code == 1 and "niet na de afstemming" in " ".join(late.stderr.split())
    ok(vix("contact", str(match_id), "--datum", "25-11-2026", als=region.school, now=now))
    shown = as_json(vix("match", str(match_id), "--json", als=region.school, now=now))
    assert sorted((m["kind"], m["on_date"]) for m in shown["milestones"]) == [
        ("agreement", "2026-11-25"),
        ("contact", "2026-11-25"),
    ]


# --- director already
# Naming the match director who already leads the match is refused, and changes nothing.


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


# --- waiting request ends with a director
# A request for regie that waits for a regievoerder ends when a member takes the lead.
#
# The regional coordinators are told that the request waits (`regie_wacht`), so that the
# administrator records a regievoerder. Once a member of the match leads it
# (`vix regie N --regisseur`), that notice, still unsent, would send them to the
# administrator for nothing: it is withdrawn (`followup.set_director`, `_stop_waiting`).


def test_a_member_who_takes_the_lead_withdraws_the_unsent_waiting_notice(
    vix, region: Region, vix_env: Path
) -> None:
    match_id = waiting_for_a_regievoerder(vix, region)
    [waiting] = db_rows(
        vix_env,
        "SELECT o.id, p.email FROM outbox o JOIN professionals p ON p.id = o.recipient_id"
        " WHERE o.kind = 'regie_wacht' AND o.match_id = ?",
        (match_id,),
    )
    assert waiting["email"] == region.coordinator

    ok(vix("regie", str(match_id), "--regisseur", region.jgz, als=region.jgz))

    assert db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'regie_wacht'") == []
    [record] = db_rows(
        vix_env,
        "SELECT detail FROM audit_log WHERE action = 'withdraw' AND entity = 'notice'"
        " AND entity_id = ?",
        (waiting["id"],),
    )
    assert json.loads(record["detail"]) == {"reden": "director_set", "match": match_id}


# --- escalation after failed level one
# Levels 2 and 3 say the organisation managers were told only if a level-1 notice
# reached one: a level-1 notice that failed for good told nobody
# (`followup._queue_escalation`, `beheerders_ingelicht`).


def test_a_failed_level_one_notice_counts_as_no_manager_told(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    match_id = anna_s_match(vix, region)
    ok(vix("berichten", "verstuur", als=region.coordinator))  # the match notices go
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-01T07:00"))
    smtp.mailbox.rcpt_reply = "550 5.1.1 Mailbox unknown"  # the manager's address is wrong
    refused = vix("berichten", "verstuur", als=region.coordinator, now="2026-12-01T08:00")
    assert refused.exit_code == 1
    [(status,)] = db_rows(vix_env, "SELECT status FROM outbox WHERE kind = 'escalatie_1'")
    assert status == "failed"
    smtp.mailbox.rcpt_reply = None

    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-08T07:00"))
    [(body,)] = db_rows(
        vix_env, "SELECT body FROM outbox WHERE kind = 'escalatie_2' AND match_id = ?", (match_id,)
    )
    assert "Bij niveau 1 is geen instantiebeheerder ingelicht" in flat(body)
    assert "ook nadat de instantiebeheerders zijn ingelicht" not in flat(body)
