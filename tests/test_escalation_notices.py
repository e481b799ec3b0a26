"""The escalation notices as they reach their recipients (rule 13), through the real CLI
and a real SMTP server on loopback: what they say, and that they go only while true."""

from __future__ import annotations

import json
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from conftest import BSN_ANNA, INFORMED, Region, as_json, db_rows, new_youth, ok
from smtp_server import Server

CARE_MANAGER = "directeur@jeugdhulp.nl"  # organisation manager of Jeugdhulp (JH)
STEP = "2026-12-01T07:30:00"  # Tuesday: working day 6 of a match from Monday 23-11
LATER = "2026-12-01T09:00:00"


def add_care_manager(vix: Any, region: Region) -> None:
    ok(
        vix(
            "professional",
            "toevoegen",
            CARE_MANAGER,
            "Joke Jeugdhulp",
            "--rol",
            "instantiebeheerder",
            "--organisatie",
            "JH",
            als=region.admin,
        )
    )


def signal_anna(vix: Any, als: str) -> int:
    """Place a signal on Anna; its id."""
    found = as_json(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=als))
    return int(found["signal_id"])


def escalate(vix: Any, region: Region, now: str = STEP) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = as_json(
        vix("stagnatie", "--escaleer", "--json", als=region.coordinator, now=now)
    )
    return found


def send(vix: Any, region: Region, now: str = LATER) -> Any:
    return ok(vix("berichten", "verstuur", als=region.coordinator, now=now))


def delivered(smtp: Server) -> list[tuple[str, str]]:
    return [
        (str(m["To"]), str(make_header(decode_header(m["Subject"])))) for m in smtp.mailbox.messages
    ]


def withdrawn(db: Path) -> list[dict[str, Any]]:
    return [
        {"id": r["entity_id"], **json.loads(r["detail"])}
        for r in db_rows(
            db, "SELECT entity_id, detail FROM audit_log WHERE action = 'withdraw' ORDER BY id"
        )
    ]


# -- a notice goes only while it is true -------------------------------------------------


def test_a_match_that_ended_before_the_mail_went_escalates_to_nobody(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    """School and youth care; level 1 is queued to both organisation managers at 07:30,
    youth care withdraws at 09:00 (the worry is gone) and the match ends: the
    managers are not told at 10:00 that it stagnates, only the school that it ended."""
    add_care_manager(vix, region)
    signal_anna(vix, region.school)
    care = signal_anna(vix, region.care)
    (step,) = escalate(vix, region)
    assert (step["escalated_to"], step["notices"]) == (1, 2)
    queued = db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'escalatie_1' ORDER BY id")
    ok(vix("intrekken", str(care), "--reden", "weggenomen", als=region.care, now=LATER))

    send(vix, region, "2026-12-01T10:00:00")
    assert not [s for _, s in delivered(smtp) if "stagneert" in s]
    assert (f"Ineke Bos <{region.school}>", "Verwijsindex: match beëindigd") in delivered(smtp)
    assert db_rows(vix_env, "SELECT id FROM outbox WHERE kind LIKE 'escalatie%'") == []
    match_id = step["match_id"]
    assert withdrawn(vix_env) == [
        {"id": r["id"], "reden": "match_ended", "match": match_id} for r in queued
    ]
    # the step itself was taken and stays on record
    assert db_rows(vix_env, "SELECT level FROM escalations")[0][0] == 1


def test_an_organisation_that_left_the_match_is_not_told_it_stagnates(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The match goes on without youth care: its manager is not told of a match his or her
    organisation is no longer in; the school's manager is, as before."""
    add_care_manager(vix, region)
    signal_anna(vix, region.school)
    signal_anna(vix, region.jgz)
    care = signal_anna(vix, region.care)
    (step,) = escalate(vix, region)
    assert step["notices"] == 2  # JGZ has no organisation manager
    ok(vix("intrekken", str(care), "--reden", "weggenomen", als=region.care, now=LATER))

    send(vix, region, "2026-12-01T10:00:00")
    stagnates = [to for to, s in delivered(smtp) if "stagneert" in s]
    assert stagnates == [f"Dirk Directeur <{region.manager}>"]
    assert [w["reden"] for w in withdrawn(vix_env)] == ["organisation_left"]
