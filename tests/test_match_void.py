"""A match that only a deleted signal made goes as if it never existed (rule 15).

The school signals Anna on Monday 23-11 at 10:00, youth care at 10:05: a match.
The school records contact on 25-11; on Monday 07-12 the match stagnates and is
escalated. Then youth care's signal turns out to be unjustified and is deleted
"as if it never existed". Without it the school's signal never made a match, so
there never was one: no report counts it, no view or inzage shows it, its
follow-up goes with it. Whoever knew of the match hears that it ended, as from
any other ending. A match that the remaining signals did make, or that ended
because a worry was gone, stays (tests/test_match_restart.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    INFORMED,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from smtp_server import Server
from test_notice_withdrawal import mail_to, send

SCHOOL_ON = "2026-11-23T10:00:00"  # Monday
CARE_ON = "2026-11-23T10:05:00"  # the match
CONTACT_ON = "2026-11-25T10:00:00"
STEP = "2026-12-07T09:00:00"  # Monday: stagnating, escalated to level 1
DELETED = "2026-12-07T09:30:00"
LATER = "2026-12-07T11:00:00"

CARE = "Hans Hulp"  # region.care


def place(vix: Runner, als: str, now: str, *youth: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("signaleer", *youth, *INFORMED, "--json", als=als, now=now))
    return found


def report(vix: Runner, region: Region, *scope: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(
        vix(
            "rapport", "jaarverslag", *scope, "--van", "01-11-2026", "--tot", "31-12-2026",
            "--json", als=region.coordinator, now=LATER,
        )
    )  # fmt: skip
    return found


def counted(vix: Runner, region: Region) -> dict[str, Any]:
    """What the region's, the municipality's and the school's reports say of matches."""
    whole = report(vix, region, "--regio")
    town = report(vix, region, "--gemeente", "HAARLEM")
    school = report(vix, region, "--organisatie", "ZON")
    return {
        "arisen": whole["matches"]["arisen"],
        "ended": whole["matches"]["youth_ended"],
        "in november": {m["month"]: m["matches"] for m in whole["per_month"]}["2026-11"],
        "with contact": whole["matches"]["with_contact"],
        "escalated": whole["matches"]["escalations"][0]["count"],
        "municipality": town["matches"]["arisen"],
        "school": school["per_organisation"][0]["matches"],
    }


def school_and_care(vix: Runner, region: Region) -> dict[str, int]:
    """The scenario up to the deletion; the signal ids and the match."""
    school = place(vix, region.school, SCHOOL_ON, *new_youth(BSN_ANNA, "Anna"))
    care = place(vix, region.care, CARE_ON, *new_youth(BSN_ANNA, "Anna"))
    match_id = int(care["matches"][0]["id"])
    ok(vix("contact", str(match_id), als=region.school, now=CONTACT_ON))
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=STEP))
    return {"school": school["signal_id"], "care": care["signal_id"], "match": match_id}


def withdraw(vix: Runner, signal_id: int, als: str, reason: str = "onterecht") -> None:
    ok(vix("intrekken", str(signal_id), "--reden", reason, als=als, now=DELETED))


def test_no_report_counts_a_match_that_never_existed(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ids = school_and_care(vix, region)
    match_id = ids["match"]
    mine = as_json(vix("matches", "--json", als=region.school, now=STEP))
    assert [m["id"] for m in mine] == [match_id]
    assert counted(vix, region) == {
        "arisen": "<5",
        "ended": 0,
        "in november": "<5",
        "with contact": "<5",
        "escalated": "<5",
        "municipality": "<5",
        "school": "<5",
    }

    withdraw(vix, ids["care"], region.care)

    # not as an ended match either: nothing counts it, in any scope
    assert set(counted(vix, region).values()) == {0}
    assert as_json(vix("matches", "--json", als=region.school, now=LATER)) == []
    shown = vix("match", str(match_id), als=region.school, now=LATER)
    never = vix("match", "99", als=region.school, now=LATER)
    assert shown.exit_code == never.exit_code == 1
    assert shown.stderr == never.stderr.replace("99", str(match_id))
    assert as_json(vix("stagnatie", "--json", als=region.coordinator, now=LATER)) == []
    # the row goes with its members, milestones and escalation steps
    for table in ("matches", "match_members", "match_milestones", "escalations"):
        assert db_rows(vix_env, f"SELECT count(*) FROM {table}")[0][0] == 0, table
    # one audit record of the removal: the reason and the deleted signal, never a BSN
    [record] = db_rows(
        vix_env,
        "SELECT actor_id, entity_id, subject, detail FROM audit_log"
        " WHERE action = 'delete' AND entity = 'match'",
    )
    assert record["entity_id"] == match_id
    assert json.loads(record["detail"]) == {
        "reden": "unjustified",
        "signaal": ids["care"],
        "match": match_id,
        "soort": "youth",
    }
    [signal_record] = db_rows(
        vix_env, "SELECT subject FROM audit_log WHERE action = 'delete' AND entity = 'signal'"
    )
    assert record["subject"] == signal_record["subject"] != BSN_ANNA
    assert all(BSN_ANNA not in str(value) for value in tuple(record))
    # the school's own signal stands, in no match
    [own] = as_json(vix("signalen", "--json", als=region.school, now=LATER))
    assert (own["status"], own["in_match"]) == ("actief", False)


def test_a_match_that_ended_because_the_worry_was_gone_stays(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """'weggenomen': the involvement was real, and so was the match."""
    ids = school_and_care(vix, region)
    withdraw(vix, ids["care"], region.care, "weggenomen")
    found = counted(vix, region)
    assert (found["arisen"], found["ended"], found["escalated"]) == ("<5", "<5", "<5")
    [(ended,)] = db_rows(vix_env, "SELECT ended_at FROM matches")
    assert ended == DELETED
    assert (
        db_rows(vix_env, "SELECT id FROM audit_log WHERE entity = 'match' AND action = 'delete'")
        == []
    )


def test_the_member_who_knew_of_the_match_hears_that_it_ended(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The new-match notices went out: the school knows of youth care, so it hears that the
    match ended, as from any other ending. The notice names nobody and sends the school to
    its signals, not to a match number that no longer leads anywhere."""
    ids = school_and_care(vix, region)
    send(vix, region, STEP)
    withdraw(vix, ids["care"], region.care)
    send(vix, region, LATER)

    school = mail_to(smtp, region.school)
    assert [subject for subject, _ in school] == [
        "Verwijsindex: nieuwe match",
        "Verwijsindex: match beëindigd",
    ]
    body = school[-1][1]
    assert f"Match {ids['match']} is beëindigd" in body and "Anna Vries" in body
    assert CARE not in body and "Jeugdhulp" not in body
    assert "vix match" not in body and "vix signalen" in body
    assert [s for s, _ in mail_to(smtp, region.care)] == ["Verwijsindex: nieuwe match"]
    # what was sent stays recorded as sent, without the match it told of; the escalation
    # notice to the school's manager was sent too, and stays so
    kept = db_rows(vix_env, "SELECT kind, status, match_id FROM outbox ORDER BY id")
    assert {(r["kind"], r["status"]) for r in kept} == {
        ("match_nieuw", "sent"),
        ("escalatie_1", "sent"),
        ("match_beeindigd", "sent"),
    }
    assert {r["match_id"] for r in kept} == {None}
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0


def test_a_member_who_never_heard_of_it_is_told_nothing(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """Before the mail run: nobody hears of a match that never was, nor that it ended;
    the escalation notice to the school's manager is withdrawn with it."""
    ids = school_and_care(vix, region)
    withdraw(vix, ids["care"], region.care)
    send(vix, region, LATER)
    assert smtp.mailbox.messages == []
    assert db_rows(vix_env, "SELECT count(*) FROM outbox")[0][0] == 0
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0


def test_the_inzage_shows_no_match_only_that_it_was_erased(
    vix: Runner, region: Region, smtp: Server
) -> None:
    ids = school_and_care(vix, region)
    send(vix, region, STEP)
    withdraw(vix, ids["care"], region.care)
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=LATER))

    assert z["matches"] == []
    log = [(e["at"], e["action"]) for e in z["log"]]
    # the deletion of the signal and of the match it made, as the signal's deletion
    assert (DELETED, "gewist: signaal") in log and (DELETED, "gewist: match") in log
    [erased] = [e for e in z["log"] if e["action"] == "gewist: match"]
    assert erased["who"] == CARE
    # none of the match's own events (made, director chosen, contact, escalated, ended)
    assert not [
        a for _, a in log if a.endswith(": match") and not a.startswith(("gewist", "ingezien"))
    ]
    # the notices the school and youth care received about it were sent: they stay listed,
    # with the school's news that the match ended; so does the sent notice to the school's
    # manager that it stagnated, which stays in the outbox without its match (before, the
    # inzage found a client match's notices by the match's number only, and lost it)
    assert sorted((n["kind"], n["status"], n["recipient"]) for n in z["notices"]) == [
        ("match beëindigd", "nog te versturen", "Ineke Bos"),
        ("nieuwe match", "verstuurd", CARE),
        ("nieuwe match", "verstuurd", "Ineke Bos"),
        ("opgeschaald (niveau 1)", "verstuurd", "Dirk Directeur"),
    ]
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator, now=LATER)).stdout
    matches = text.split("MATCHES")[1].split("BERICHTEN")[0]
    assert "Geen matches." in matches and CARE not in matches


@pytest.mark.parametrize("how", ["onterecht", "bezwaar"])
def test_a_family_match_that_only_the_brother_s_signal_made_goes(
    vix: Runner, region: Region, smtp: Server, vix_env: Path, how: str
) -> None:
    """The school signals Anna, youth care her brother Bram: a family match, and the mail
    goes out. Youth care's signal on Bram is then deleted at once. The school knew of the
    family match: it hears that it ended, without a word about Bram. Anna's inzage no
    longer shows it; the removal is logged under Bram, whose signal made it."""
    place(vix, region.school, SCHOOL_ON, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    bram = new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_MOTHER,))
    care = place(vix, region.care, CARE_ON, *bram)
    match_id = int(care["matches"][0]["id"])
    send(vix, region, STEP)
    before = report(vix, region, "--regio")["matches"]
    assert (before["family_arisen"], before["youth_arisen"]) == ("<5", 0)
    if how == "onterecht":
        withdraw(vix, care["signal_id"], region.care)
    else:
        wis = ("jeugdige", "wis", BSN_BRAM, "--reden", how)
        ok(vix(*wis, als=region.coordinator, now=DELETED))
    later = "2026-12-08T07:00:00"
    send(vix, region, later)

    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0
    after = report(vix, region, "--regio")["matches"]
    assert (after["family_arisen"], after["family_ended"]) == (0, 0)
    school = mail_to(smtp, region.school)
    assert [subject for subject, _ in school] == [
        "Verwijsindex: nieuwe match",
        "Verwijsindex: match beëindigd",
    ]
    assert f"Gezinsmatch {match_id} is beëindigd" in school[-1][1]
    assert "Bram" not in school[-1][1] and CARE not in school[-1][1]
    anna = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=later))
    assert anna["matches"] == []
    assert not [e for e in anna["log"] if e["action"] == "gewist: match"]
    assert "Bram" not in json.dumps(anna) and CARE not in json.dumps(anna)
    # Bram is erased (no signal, no school), but the log under his number says what went
    brams = as_json(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator, now=later))
    actions = [e["action"] for e in brams["log"]]
    assert "gewist: signaal" in actions and "gewist: match" in actions
    [(detail,)] = db_rows(
        vix_env, "SELECT detail FROM audit_log WHERE action = 'delete' AND entity = 'match'"
    )
    reason = {"onterecht": "unjustified", "bezwaar": "objection"}[how]
    assert json.loads(detail) == {
        "reden": reason,
        "signaal": care["signal_id"],
        "match": match_id,
        "soort": "family",
    }


def test_a_family_match_of_a_brother_who_turns_23_stays_in_the_reports(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Bram's signal is deleted at his 23rd birthday (rule 15), but the family match it
    made was real: unlike an unjustified signal or an upheld objection it stays, ended,
    and the reports over the period it arose in keep counting it."""
    place(vix, region.school, SCHOOL_ON, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    bram = new_youth(BSN_BRAM, "Bram", surname="Smit", born="08-12-2003", parents=(P_MOTHER,))
    place(vix, region.care, CARE_ON, *bram)
    before = report(vix, region, "--regio")["matches"]
    assert (before["family_arisen"], before["family_ended"]) == ("<5", 0)
    ok(vix("onderhoud", als=region.coordinator, now="2026-12-08T06:00:00"))
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1  # Anna's
    assert [tuple(r) for r in db_rows(vix_env, "SELECT created_at, ended_at FROM matches")] == [
        (CARE_ON, "2026-12-08T06:00:00")
    ]
    after = report(vix, region, "--regio")["matches"]
    assert (after["family_arisen"], after["family_ended"]) == ("<5", "<5")
    deleted = "SELECT 1 FROM audit_log WHERE entity = 'match' AND action = 'delete'"
    assert not db_rows(vix_env, deleted)


def test_an_ended_match_no_longer_names_youth_protection_whose_signal_was_unlawful(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """School and JGZ make a match, youth protection joins and leads it (rule 12). JGZ's
    worry goes, then the school's: the match ends with youth protection alone in it. Then
    youth protection withdraws its signal as unjustified. The match was real (school and
    JGZ), so it stays, but its history no longer names youth protection as director
    or care coordinator: that involvement should never have been."""
    anna = new_youth(BSN_ANNA, "Anna")
    school = place(vix, region.school, SCHOOL_ON, *anna)
    jgz = place(vix, region.jgz, CARE_ON, *anna)
    place(vix, region.gi, "2026-11-24T10:00:00", *anna)
    roles = "SELECT d.email, c.email FROM matches m LEFT JOIN professionals d ON d.id ="
    roles += " m.director_id LEFT JOIN professionals c ON c.id = m.care_coordinator_id"
    assert [tuple(r) for r in db_rows(vix_env, roles)] == [(region.gi, region.gi)]
    ok(vix("intrekken", str(jgz["signal_id"]), "--reden", "weggenomen", als=region.jgz,
           now="2026-11-25T10:00:00"))  # fmt: skip
    ok(vix("intrekken", str(school["signal_id"]), "--reden", "weggenomen", als=region.school,
           now="2026-11-26T10:00:00"))  # fmt: skip
    assert db_rows(vix_env, "SELECT ended_at FROM matches")[0][0] == "2026-11-26T10:00:00"
    assert [tuple(r) for r in db_rows(vix_env, roles)] == [(region.gi, region.gi)]  # history
    gi = db_rows(vix_env, "SELECT s.id FROM signals s JOIN professionals p ON p.id ="
                 f" s.professional_id WHERE p.email = '{region.gi}'")[0][0]  # fmt: skip
    withdraw(vix, gi, region.gi)
    assert [tuple(r) for r in db_rows(vix_env, roles)] == [(None, None)]
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=LATER))
    [match] = z["matches"]
    assert (match["director"], match["care_coordinator"]) == (None, None)
    assert "Jeugdbescherming" not in json.dumps(z["matches"])
