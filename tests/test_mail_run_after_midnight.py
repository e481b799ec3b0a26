"""The mail run ends what is past its planned removal before it sends (rule 15,
`cli_common.session_without_transaction`): the match notices that name a youth who
turned 23 at midnight do not go out when `vix berichten verstuur` runs before `vix
onderhoud` came round; they are withdrawn with his signals, as the night would have."""

from __future__ import annotations

from pathlib import Path

from conftest import BSN_BRAM, INFORMED, Region, Runner, as_json, db_rows, new_youth, ok
from smtp_server import Server

# Bram, born 10-02-2004, turns 23 on 10-02-2027: his signals are deleted that day
BORN = "10-02-2004"
PLACED = "2027-02-09T10:00:00"
AFTER_MIDNIGHT = "2027-02-10T00:05:00"


def test_the_mail_run_after_midnight_sends_nothing_naming_a_youth_who_turned_23(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    for who in (region.school, region.jgz):
        youth = new_youth(BSN_BRAM, "Bram", born=BORN)
        as_json(vix("signaleer", *youth, *INFORMED, "--json", als=who, now=PLACED))
    unsent = db_rows(vix_env, "SELECT body FROM outbox WHERE sent_at IS NULL")
    assert any("Bram" in r["body"] for r in unsent)

    ok(vix("berichten", "verstuur", als=region.coordinator, now=AFTER_MIDNIGHT))
    sent = [m.as_string() for m in smtp.mailbox.messages]
    assert not any("Bram" in text or BSN_BRAM[-3:] in text for text in sent)
    assert db_rows(vix_env, "SELECT * FROM signals") == []
    assert db_rows(vix_env, "SELECT * FROM youths") == []
