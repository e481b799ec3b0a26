"""Levels 2 and 3 say the organisation managers were told only if a level-1 notice
reached one: a level-1 notice that failed for good told nobody
(`followup._queue_escalation`, `beheerders_ingelicht`)."""

from __future__ import annotations

from pathlib import Path

from conftest import Region, anna_s_match, db_rows, ok
from smtp_server import Server


def flat(text: str) -> str:
    return " ".join(text.split())


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
