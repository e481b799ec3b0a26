"""The escalation notices as they reach their recipients (rule 13), through the real CLI
and a real SMTP server on loopback: what they say, and that they go only while true."""

from __future__ import annotations

import json
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    INFORMED,
    Region,
    anna_s_match,
    as_json,
    db_rows,
    new_youth,
    ok,
    waiting_for_a_regievoerder,
)
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


def test_a_manager_who_is_no_longer_one_is_not_told_it_stagnates(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    """Youth care's manager is made a signaller again before the mail goes: the level-1
    notice is his no longer (deactivation and his organisation leaving the match
    withdrew it already; a role change did not: review)."""
    add_care_manager(vix, region)
    signal_anna(vix, region.school)
    signal_anna(vix, region.jgz)
    signal_anna(vix, region.care)
    (step,) = escalate(vix, region)
    assert step["notices"] == 2
    change = ("professional", "wijzig", CARE_MANAGER, "--rol", "meldingsbevoegde")
    ok(vix(*change, als=region.admin, now=LATER))
    run = send(vix, region, "2026-12-01T10:00:00")
    stagnates = [to for to, s in delivered(smtp) if "stagneert" in s]
    assert stagnates == [f"Dirk Directeur <{region.manager}>"]
    assert [w["reden"] for w in withdrawn(vix_env)] == ["role_changed"]
    assert "1 opschaalbericht niet verstuurd: de ontvanger heeft de rol" in " ".join(
        run.stderr.split()
    )


def test_a_notice_about_signals_past_their_planned_removal_is_not_sent(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    """Level 1 is queued on 22-11-2028 for a match of 23-11-2026; the mail does not go
    that day (an outage), the signals end on 23-11-2028 and `vix onderhoud` does not
    run that night either. The next mail run does not tell the managers that a match
    stagnates that ended by rule 15 (review): it ends the signals first, as the night
    run would, and the match's end withdraws the notices."""
    add_care_manager(vix, region)
    signal_anna(vix, region.school)
    signal_anna(vix, region.care)
    (step,) = escalate(vix, region, "2028-11-22T07:30:00")
    assert (step["escalated_to"], step["notices"]) == (1, 2)
    queued = db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'escalatie_1' ORDER BY id")
    run = send(vix, region, "2028-11-23T10:00:00")
    assert not [s for _, s in delivered(smtp) if "stagneert" in s]
    assert db_rows(vix_env, "SELECT id FROM outbox WHERE kind LIKE 'escalatie%'") == []
    assert withdrawn(vix_env) == [
        {"id": r["id"], "reden": "match_ended", "match": step["match_id"]} for r in queued
    ]
    assert db_rows(vix_env, "SELECT ended_at IS NOT NULL FROM matches")[0][0] == 1
    assert run.exit_code == 0
    # the other notices (the match's own) go as before
    assert len(delivered(smtp)) == 2
    # the night run ends the match later, with nothing left to withdraw
    ok(vix("onderhoud", als=region.coordinator, now="2028-11-24T02:15:00"))
    assert len(withdrawn(vix_env)) == 2


def test_a_level_one_notice_to_an_organisation_past_its_planned_removal_is_not_sent(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The school's signal ends on 23-11-2028, JGZ and youth care go on: the school's
    manager is not asked on 23-11 to speak to a professional whose signal ended,
    youth care's manager is (review)."""
    add_care_manager(vix, region)
    signal_anna(vix, region.school)
    youth = new_youth(BSN_ANNA, "Anna")
    for who in (region.jgz, region.care):
        as_json(vix("signaleer", *youth, *INFORMED, "--json", als=who, now="2028-11-13T10:00"))
    (step,) = escalate(vix, region, "2028-11-22T07:30:00")
    assert step["notices"] == 2
    send(vix, region, "2028-11-23T10:00:00")
    stagnates = [to for to, s in delivered(smtp) if "stagneert" in s]
    assert stagnates == [f"Joke Jeugdhulp <{CARE_MANAGER}>"]
    # the mail run ended the school's signal first: its organisation left the match
    assert [w["reden"] for w in withdrawn(vix_env)] == ["organisation_left"]


# -- the terms a notice names ------------------------------------------------------------


def bodies(smtp: Server) -> dict[str, str]:
    """Subject -> body of the stagnation mails the server accepted, one per level."""
    found = {}
    for m in smtp.mailbox.messages:
        subject = str(make_header(decode_header(m["Subject"])))
        if "stagneert" in subject:
            payload = m.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found[subject.rsplit("niveau ", 1)[1].rstrip(")")] = " ".join(payload.decode().split())
    return found


def test_a_region_counting_calendar_days_is_told_calendar_days_only(
    vix, region: Region, smtp: Server
) -> None:
    """Calendar days and an agreement term of 10: no escalation mail says 'werkdagen' (the
    contact term of 5 working days is not what the run watched), each names the term
    that was overdue and the one to the next step, both in calendar days."""
    for key, value in (("werkdagen", "nee"), ("stagnatie_dagen", "10")):
        ok(vix("instelling", "zet", key, value, als=region.admin))
    signal_anna(vix, region.school)
    signal_anna(vix, region.jgz)
    # Monday 23-11 + 10 calendar days = Thursday 03-12 in time, Friday 04-12 overdue;
    # each next step 5 calendar days after the one before
    for day in ("2026-12-04", "2026-12-09", "2026-12-14"):
        (step,) = escalate(vix, region, f"{day}T07:30:00")
        assert step["escalated_to"] is not None
    send(vix, region, "2026-12-14T09:00:00")
    told = bodies(smtp)
    assert sorted(told) == ["1", "2", "3"]
    for body in told.values():
        assert "werkdagen" not in body
        assert "(afgesproken termijn: 10 kalenderdagen na het ontstaan)" in body
    assert (
        "de afstemming (wie wat doet) is niet binnen de afgesproken termijn van "
        "10 kalenderdagen vastgelegd" in told["1"]
    )
    assert (
        "Stagneert de match 5 kalenderdagen na deze opschaling nog, dan volgt de "
        "regionaal coördinator" in told["1"]
    )
    assert (
        "Stagneert de match 5 kalenderdagen na deze opschaling nog, dan wordt de wethouder"
        in told["2"]
    )


def test_level_one_in_the_action_stage_asks_for_the_action(
    vix, region: Region, smtp: Server
) -> None:
    """An agreement was recorded and the action is overdue: the manager is told of the
    action term, not asked to have the agreement recorded."""
    ok(vix("instelling", "zet", "actie_dagen", "3", als=region.admin))
    match_id = anna_s_match(vix, region)
    ok(vix("afstemming", str(match_id), als=region.jgz, now="2026-11-24T10:00:00"))
    # 24-11 + 3 working days = Friday 27-11 in time, Monday 30-11 overdue
    (step,) = escalate(vix, region, "2026-11-30T07:30:00")
    assert (step["stage"], step["escalated_to"]) == ("actie", 1)
    send(vix, region, "2026-11-30T09:00:00")
    body = bodies(smtp)["1"]
    assert (
        "de afgesproken actie is niet binnen de afgesproken termijn van 3 werkdagen vastgelegd"
        in body
    )
    assert "zodat de afgesproken actie wordt uitgevoerd en vastgelegd" in body
    assert "afstemming vastlegt" not in body


def test_the_signaller_is_told_the_region_s_contact_term(vix, region: Region) -> None:
    ok(vix("instelling", "zet", "contact_dagen", "3", als=region.admin))
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.school))
    shown = ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz)).stdout
    assert "Neem binnen 3 werkdagen contact op" in " ".join(shown.split())


# -- what the alderman is asked, and which dates a notice names ---------------------------

LADDER = ("2026-12-01T07:30:00", "2026-12-08T07:30:00", "2026-12-15T07:30:00")


def to_the_alderman(vix: Any, region: Region, smtp: Server, first: str = LADDER[0]) -> str:
    """Climb the three steps (the first on `first`) and mail them: the alderman's body."""
    for day in (first, *LADDER[1:]):
        (step,) = escalate(vix, region, day)
        assert step["escalated_to"] is not None, (day, step)
    send(vix, region, "2026-12-15T09:00:00")
    [alderman] = [m for m in smtp.mailbox.messages if "wethouder@haarlem.nl" in str(m["To"])]
    assert "niveau 3" in str(make_header(decode_header(alderman["Subject"])))
    return bodies(smtp)["3"]


def test_the_alderman_is_asked_for_a_care_coordinator_only_when_no_member_can_lead(
    vix, region: Region, smtp: Server
) -> None:
    """Rule 12: the regievoerder appoints a care coordinator only when none of the
    signallers can lead. Here JGZ leads (proposed as director): the alderman is
    asked to have the organisations see to the agreement, not for a care coordinator."""
    signal_anna(vix, region.school)
    signal_anna(vix, region.jgz)
    body = to_the_alderman(vix, region, smtp)
    assert "Matchregisseur: Karin Arts" in body
    assert "zorgcoördinator" not in body
    assert "zodat de matchregisseur die afstemming alsnog met de betrokkenen maakt" in body


def test_the_alderman_is_asked_for_a_care_coordinator_when_the_regievoerder_was_asked(
    vix, region: Region, smtp: Server
) -> None:
    match_id = anna_s_match(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    body = to_the_alderman(vix, region, smtp)
    assert "Matchregisseur: niet aangewezen, regievoerder: Rita Regie" in body
    assert (
        "Wij vragen u de regievoerder te laten zorgen dat er zo snel mogelijk een "
        "zorgcoördinator is aangewezen" in body
    )


def test_the_alderman_is_asked_for_a_regievoerder_when_the_request_waits_for_one(
    vix, region: Region, smtp: Server
) -> None:
    waiting_for_a_regievoerder(vix, region)
    body = to_the_alderman(vix, region, smtp)
    assert "Matchregisseur: niet aangewezen" in body and "Rita" not in body
    assert "Wij vragen u te zorgen dat de gemeente een regievoerder vastlegt" in body


def test_the_alderman_is_asked_for_the_action_in_the_action_stage(
    vix, region: Region, smtp: Server
) -> None:
    ok(vix("instelling", "zet", "actie_dagen", "3", als=region.admin))
    match_id = anna_s_match(vix, region)
    ok(vix("afstemming", str(match_id), als=region.jgz, now="2026-11-24T10:00:00"))
    body = to_the_alderman(vix, region, smtp, first="2026-11-30T07:30:00")
    assert "afstemming op 24-11-2026" in body and "Over tijd sinds 30-11-2026" in body
    assert "zorgcoördinator" not in body
    assert "de afgesproken actie is niet uitgevoerd" in body


def test_a_notice_names_when_the_match_arose_and_since_when_it_is_overdue(
    vix, region: Region, smtp: Server
) -> None:
    """A match of Monday 20-04-2026 is 5 working days old on Tuesday 28-04
    (King's Day, Monday 27-04, does not count) and overdue from Wednesday 29-04: the
    notice says both dates, and which is which."""
    for als in (region.school, region.jgz):
        ok(
            vix(
                "signaleer",
                *new_youth(BSN_ANNA, "Anna"),
                "--ouders-geinformeerd",
                "20-04-2026",
                als=als,
                now="2026-04-20T10:00:00",
            )
        )
    assert escalate(vix, region, "2026-04-28T07:30:00") == []
    (step,) = escalate(vix, region, "2026-04-29T07:30:00")
    assert step["escalated_to"] == 1
    send(vix, region, "2026-04-29T09:00:00")
    body = bodies(smtp)["1"]
    assert "gemeente Haarlem, ontstaan op 20-04-2026" in body
    assert "Over tijd sinds 29-04-2026: geen afstemming vastgelegd na 6 werkdagen" in body
    assert "(afgesproken termijn: 5 werkdagen na het ontstaan)" in body
    assert "Stagneert sinds" not in body


def test_a_notice_that_the_agreement_is_missing_goes_no_more_once_it_is_recorded(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    """Level 1 is queued to the school's manager at 07:30 ("geen afstemming vastgelegd");
    at 09:00 the director records the agreement: the manager is not asked at 10:00 to
    chase a match that no longer stagnates (review)."""
    signal_anna(vix, region.school)
    signal_anna(vix, region.jgz)
    (step,) = escalate(vix, region)
    [queued] = db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'escalatie_1'")
    match_id = step["match_id"]
    ok(vix("afstemming", str(match_id), als=region.jgz, now=LATER))
    assert withdrawn(vix_env) == [
        {"id": queued["id"], "reden": "milestone_recorded", "match": match_id}
    ]
    send(vix, region, "2026-12-01T10:00:00")
    assert not [s for _, s in delivered(smtp) if "stagneert" in s]
    assert db_rows(vix_env, "SELECT level FROM escalations")[0][0] == 1  # the step stays


def test_a_request_for_regie_goes_no_more_once_the_match_ended(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The school hands the regie to the regievoerder; before the mail run youth care
    withdraws and the match ends: the regievoerder is not asked for a care coordinator
    of a match that ended, with its members' contact details (review)."""
    signal_anna(vix, region.school)
    care = signal_anna(vix, region.care)
    [match] = as_json(vix("matches", "--json", als=region.school))
    ok(vix("regie", str(match["id"]), "--regievoerder", als=region.school, now=STEP))
    [request] = db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'regie_regievoerder'")
    ok(vix("intrekken", str(care), "--reden", "weggenomen", als=region.care, now=LATER))
    assert {"id": request["id"], "reden": "match_ended", "match": match["id"]} in withdrawn(vix_env)
    send(vix, region, "2026-12-01T10:00:00")
    assert not [s for _, s in delivered(smtp) if "regie" in s.lower()]
