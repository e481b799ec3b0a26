"""A deleted signal's professional recorded nothing in a match that goes on (rule 15).

The school and JGZ signal Anna on Monday 23-11: a match, JGZ proposed as match
director. Youth care joins on Tuesday 24-11, takes the lead and records the
agreement. On Wednesday 25-11 its signal turns out to be unjustified and is
deleted "as if it never existed". The match did not arise from it (its start
stays), but a director who never was made no agreement: the school and JGZ never
agreed who leads. So the agreement goes, the match stagnates once its term is
past, and nothing (views, inzage, reports, notices) tells it as recorded. Work
of a member who is still in the match through another signal stays, and so does
everything after a real involvement ended ('weggenomen').
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
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

FOUNDED = "2026-11-23T10:00:00"  # Monday: the school and JGZ
JOINED = "2026-11-24T10:00:00"  # Tuesday: youth care joins, leads and agrees
DELETED = "2026-11-25T10:00:00"  # Wednesday: youth care's signal goes
OVERDUE = "2026-12-01T10:00:00"  # 6 working days after 23-11: past the limit of 5


def place(vix: Runner, als: str, now: str, *youth: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("signaleer", *youth, *INFORMED, "--json", als=als, now=now))
    return found


def anna(vix: Runner, als: str, now: str) -> dict[str, Any]:
    return place(vix, als, now, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))


def withdraw(vix: Runner, signal_id: int, als: str, now: str, reason: str = "onterecht") -> None:
    ok(vix("intrekken", str(signal_id), "--reden", reason, als=als, now=now))


def shown(vix: Runner, match_id: int, als: str, now: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("match", str(match_id), "--json", als=als, now=now))
    return found


def stagnating(vix: Runner, region: Region, now: str, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = as_json(
        vix("stagnatie", *args, "--json", als=region.coordinator, now=now)
    )
    return found


def removed(vix_env: Path, match_id: int) -> list[dict[str, Any]]:
    """The details of the match's `milestone_removed` records, oldest first."""
    return [
        json.loads(r[0])
        for r in db_rows(
            vix_env,
            "SELECT detail FROM audit_log WHERE action = 'milestone_removed' AND entity_id = ?"
            " ORDER BY id",
            (match_id,),
        )
    ]


def care_leads(vix: Runner, region: Region) -> dict[str, int]:
    """The scenario up to the deletion: the match, and youth care's signal."""
    anna(vix, region.school, FOUNDED)
    match_id = int(anna(vix, region.jgz, FOUNDED)["matches"][0]["id"])
    care = anna(vix, region.care, JOINED)
    ok(vix("regie", str(match_id), "--regisseur", region.care, als=region.care, now=JOINED))
    ok(vix("afstemming", str(match_id), als=region.care, now=JOINED))
    return {"match": match_id, "care": int(care["signal_id"])}


def agreed_in_time(vix: Runner, region: Region, now: str) -> Any:
    """The school's own (exact) annual report: matches agreed within the term."""
    report = as_json(
        vix(
            "rapport", "jaarverslag", "--organisatie", "ZON", "--van", "01-11-2026",
            "--tot", "31-12-2026", "--json", als=region.manager, now=now,
        )
    )  # fmt: skip
    return report["matches"]["agreement_in_time"]


@pytest.mark.parametrize("reason", ["onterecht", "weggenomen"])
def test_the_agreement_of_a_director_who_never_was_goes(
    vix: Runner, region: Region, vix_env: Path, reason: str
) -> None:
    ids = care_leads(vix, region)
    match_id = ids["match"]
    assert agreed_in_time(vix, region, OVERDUE) == 1
    withdraw(vix, ids["care"], region.care, DELETED, reason)

    match = shown(vix, match_id, region.jgz, OVERDUE)
    inzage = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    [kept] = inzage["matches"]
    if reason == "weggenomen":
        # real involvement: the agreement was made, and stays
        assert [m["kind"] for m in match["milestones"]] == ["agreement"]
        assert kept["milestones"] == [["afstemming", "2026-11-24"]]
        assert stagnating(vix, region, OVERDUE) == []
        assert agreed_in_time(vix, region, OVERDUE) == 1
        assert removed(vix_env, match_id) == []
        return
    # the start stays (the match did not arise from youth care), the agreement goes
    assert match["since"] == FOUNDED and match["milestones"] == []
    assert kept["milestones"] == []
    assert "afstemming" not in ok(vix("match", str(match_id), als=region.jgz, now=OVERDUE)).stdout
    # the lead went back to a member: JGZ, which must now agree with the school
    assert match["director"] == "Karin Arts"
    [(director,)] = db_rows(
        vix_env,
        "SELECT director_id IN (SELECT professional_id FROM match_members"
        " WHERE match_id = m.id AND left_at IS NULL) FROM matches m WHERE id = ?",
        (match_id,),
    )
    assert director == 1
    # not yet overdue on 30-11, counted from the match's start; overdue the day after
    assert stagnating(vix, region, "2026-11-30T10:00:00") == []
    [item] = stagnating(vix, region, OVERDUE)
    assert (item["match_id"], item["stage"], item["since"], item["age"]) == (
        match_id,
        "afstemming",
        "2026-11-23",
        6,
    )
    assert item["director"] == "Karin Arts"
    text = ok(vix("stagnatie", als=region.coordinator, now=OVERDUE)).stdout
    assert f"match {match_id}" in text and "geen afstemming na 6 werkdagen" in text
    # the reports no longer count an agreement in time
    assert agreed_in_time(vix, region, OVERDUE) == 0
    # audited as the restart takes milestones back: reason, signal, match, kind, date
    assert removed(vix_env, match_id) == [
        {
            "reden": "unjustified",
            "signaal": ids["care"],
            "match": match_id,
            "soort": "agreement",
            "was": "2026-11-24",
        }
    ]
    assert db_rows(vix_env, "SELECT id FROM audit_log WHERE action = 'restart'") == []


def test_the_members_are_not_told_the_agreement_as_recorded(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """The notices of the match went out, so JGZ and the school hear that youth care is
    no longer involved: the notice to JGZ, the director now, asks for the agreement
    instead of telling the one youth care recorded."""
    ids = care_leads(vix, region)
    send(vix, region, JOINED)
    withdraw(vix, ids["care"], region.care, DELETED)
    send(vix, region, DELETED)

    subject, body = mail_to(smtp, region.jgz)[-1]
    assert subject == "Verwijsindex: wijziging in een match"
    assert "Al vastgelegd" not in body and "24-11-2026" not in body
    asked = f"legt u de datum van afstemming vast met 'vix afstemming {ids['match']}'"
    assert f"Als matchregisseur {asked}" in body
    subject, body = mail_to(smtp, region.school)[-1]
    assert subject == "Verwijsindex: wijziging in een match" and "Al vastgelegd" not in body


def test_contact_by_the_deleted_professional_goes_and_the_members_work_stays(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Youth care recorded contact; JGZ, the director, the agreement after it. The contact
    goes with youth care's signal, JGZ's agreement is work between the members that are
    left and stays."""
    anna(vix, region.school, FOUNDED)
    match_id = int(anna(vix, region.jgz, FOUNDED)["matches"][0]["id"])
    care = anna(vix, region.care, JOINED)
    ok(vix("contact", str(match_id), als=region.care, now=JOINED))
    ok(vix("afstemming", str(match_id), als=region.jgz, now=JOINED))
    withdraw(vix, care["signal_id"], region.care, DELETED)

    match = shown(vix, match_id, region.jgz, OVERDUE)
    assert [(m["kind"], m["recorded_by"]) for m in match["milestones"]] == [
        ("agreement", "Karin Arts")
    ]
    assert stagnating(vix, region, OVERDUE) == []
    assert [(d["soort"], d["signaal"]) for d in removed(vix_env, match_id)] == [
        ("contact", care["signal_id"])
    ]


def test_a_match_that_ended_keeps_no_milestone_of_the_deleted_professional(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """JGZ's worry went; the match went on between the school and youth care, whose
    signal then goes as unjustified: the match ends (it did arise, from the school and
    JGZ), and its history in the inzage holds no contact by youth care."""
    anna(vix, region.school, FOUNDED)
    jgz = anna(vix, region.jgz, FOUNDED)
    match_id = int(jgz["matches"][0]["id"])
    care = anna(vix, region.care, JOINED)
    ok(vix("contact", str(match_id), als=region.care, now=JOINED))
    withdraw(vix, jgz["signal_id"], region.jgz, JOINED, "weggenomen")
    withdraw(vix, care["signal_id"], region.care, DELETED)

    [(ended,)] = db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = ?", (match_id,))
    assert ended == DELETED
    inzage = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    [kept] = inzage["matches"]
    assert kept["milestones"] == []
    assert [d["soort"] for d in removed(vix_env, match_id)] == ["contact"]


def test_a_professional_still_in_the_family_match_keeps_his_work_there(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Youth care signals Anna and her brother Bram and records contact in Anna's match
    and in the family match. Its signal on Anna goes as unjustified: in Anna's match
    youth care was only through that signal, so its contact goes; in the family match it
    is still a member through Bram, and the contact there is its work as a member."""
    anna(vix, region.school, FOUNDED)
    youth_match = int(anna(vix, region.jgz, FOUNDED)["matches"][0]["id"])
    bram = new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_MOTHER,))
    [family] = place(vix, region.care, FOUNDED, *bram)["matches"]
    assert family["kind"] == "family"
    family_match = int(family["id"])
    care = anna(vix, region.care, JOINED)
    # youth care's signal on Anna is in both matches
    assert {
        r[0]
        for r in db_rows(
            vix_env, "SELECT match_id FROM match_members WHERE signal_id = ?", (care["signal_id"],)
        )
    } == {youth_match, family_match}
    for match_id in (youth_match, family_match):
        ok(vix("contact", str(match_id), als=region.care, now=JOINED))
    withdraw(vix, care["signal_id"], region.care, DELETED)

    assert shown(vix, youth_match, region.jgz, DELETED)["milestones"] == []
    assert [
        (m["kind"], m["recorded_by"])
        for m in shown(vix, family_match, region.care, DELETED)["milestones"]
    ] == [("contact", "Hans Hulp")]
    assert [d["match"] for d in removed(vix_env, youth_match)] == [youth_match]
    assert removed(vix_env, family_match) == []


@pytest.mark.parametrize(
    ("action_days", "step_on", "level", "facts"),
    [
        # on Thursday 26-11 the match is 3 working days old: from its start it did not
        # stagnate, so the step on the action stage goes
        (1, "2026-11-26T09:00:00", 0, None),
        # on Wednesday 02-12 it is 7 working days old, past the agreement limit: the
        # step stays, told from the match's start without an agreement
        (
            3,
            "2026-12-02T09:00:00",
            1,
            {"stap": "afstemming", "sinds": "2026-11-23", "leeftijd": 7, "termijn": 5},
        ),
    ],
)
def test_a_step_on_the_deleted_agreement_is_judged_again(
    vix: Runner,
    region: Region,
    vix_env: Path,
    action_days: int,
    step_on: str,
    level: int,
    facts: dict[str, Any] | None,
) -> None:
    """With an action limit, the match stagnated on the action stage, counted from youth
    care's agreement, and was escalated. Without that agreement the step is judged as
    the restart judges it: from the match's start, on the agreement stage."""
    ok(vix("instelling", "zet", "actie_dagen", str(action_days), als=region.admin))
    ids = care_leads(vix, region)
    match_id = ids["match"]
    [item] = stagnating(vix, region, step_on, "--escaleer")
    assert (item["stage"], item["level"]) == ("actie", 1)
    later = step_on.replace("09:00", "11:00")
    withdraw(vix, ids["care"], region.care, step_on.replace("09:00", "10:00"))

    [(kept,)] = db_rows(vix_env, "SELECT escalation_level FROM matches WHERE id = ?", (match_id,))
    assert kept == level
    steps = db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,))
    assert [s[0] for s in steps] == ([1] if level else [])
    records = db_rows(
        vix_env,
        "SELECT action, detail FROM audit_log WHERE action LIKE 'escalation_%' AND entity_id = ?",
        (match_id,),
    )
    [(action, detail)] = [tuple(r) for r in records]
    told = json.loads(detail)
    assert told["reden"] == "unjustified" and told["signaal"] == ids["care"]
    if facts is None:
        assert (action, told["niveau"], told["was"]) == ("escalation_removed", 1, step_on[:10])
        assert stagnating(vix, region, later) == []
        # its notice to the school's manager, not sent, went with it
        assert db_rows(vix_env, "SELECT id FROM outbox WHERE kind LIKE 'escalatie%'") == []
    else:
        assert action == "escalation_restated"
        assert {k: told[k] for k in facts} == facts
        [item] = stagnating(vix, region, later)
        assert (item["stage"], item["since"], item["level"]) == ("afstemming", "2026-11-23", 1)


def test_work_done_through_an_earlier_real_signal_stays(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Youth care recorded contact while its first signal on Anna was in the match; that
    worry went ('weggenomen'). Its second signal then joined, and youth care took the
    lead and recorded the agreement through it; that one was unjustified. The contact
    was the work of a real member and stays; the agreement goes."""
    anna(vix, region.school, FOUNDED)
    match_id = int(anna(vix, region.jgz, FOUNDED)["matches"][0]["id"])
    first = anna(vix, region.care, FOUNDED.replace("10:00", "11:00"))
    ok(vix("contact", str(match_id), als=region.care, now=JOINED))
    withdraw(vix, first["signal_id"], region.care, JOINED.replace("10:00", "11:00"), "weggenomen")
    second = anna(vix, region.care, DELETED)
    ok(vix("regie", str(match_id), "--regisseur", region.care, als=region.care, now=DELETED))
    ok(vix("afstemming", str(match_id), als=region.care, now=DELETED))
    withdraw(vix, second["signal_id"], region.care, OVERDUE)

    match = shown(vix, match_id, region.jgz, OVERDUE)
    assert [(m["kind"], m["recorded_by"]) for m in match["milestones"]] == [("contact", None)]
    assert [(d["soort"], d["signaal"]) for d in removed(vix_env, match_id)] == [
        ("agreement", second["signal_id"])
    ]


def test_an_upheld_objection_moves_the_start_and_takes_the_work_along(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The school signals Anna, youth care her brother Bram (a family match), JGZ their
    sister Cas. Youth care records contact on 24-11; then an objection about Bram is
    upheld. Without youth care the family match arose when JGZ came in (the start
    moves, still 23-11), and youth care's contact, dated after that, goes all the same:
    both rules, in one rewrite of the match."""
    anna(vix, region.school, FOUNDED)
    bram = new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_MOTHER,))
    [family] = place(vix, region.care, FOUNDED.replace("10:00", "10:05"), *bram)["matches"]
    match_id = int(family["id"])
    cas = new_youth(BSN_CAS, "Cas", surname="Smit", parents=(P_MOTHER,))
    place(vix, region.jgz, FOUNDED.replace("10:00", "10:10"), *cas)
    ok(vix("contact", str(match_id), als=region.care, now=JOINED))
    wis = ("jeugdige", "wis", BSN_BRAM, "--reden", "bezwaar")
    erased = ok(vix(*wis, als=region.coordinator, now=DELETED))
    # the match goes on without Bram: the coordinator hears it changed, not that it ended
    assert "1 signaal gewist; 1 match bijgewerkt." in erased.stderr

    match = shown(vix, match_id, region.jgz, DELETED)
    assert match["since"] == "2026-11-23T10:10:00" and match["milestones"] == []
    [restart] = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'restart'")
    [gone] = removed(vix_env, match_id)
    assert gone["reden"] == json.loads(restart[0])["reden"] == "objection"
    assert (gone["soort"], gone["was"]) == ("contact", "2026-11-24")
    assert BSN_BRAM not in json.dumps(gone)


def test_an_agreement_recorded_before_the_signal_was_handed_over_goes_with_it(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Youth care leads and agrees, then its signal goes to a colleague (`professional
    overdragen`), who finds it unjustified. The agreement was recorded through that
    signal by its first holder: it goes too (a reviewer found it kept)."""
    anna(vix, region.school, FOUNDED)
    match_id = int(anna(vix, region.jgz, FOUNDED)["matches"][0]["id"])
    care = anna(vix, region.care, JOINED)
    ok(vix("regie", str(match_id), "--regisseur", region.care, als=region.care, now=JOINED))
    ok(vix("afstemming", str(match_id), als=region.care, now=JOINED))
    colleague = "hulp2@jeugdhulp.nl"
    role = ["--rol", "meldingsbevoegde", "--organisatie", "JH"]
    ok(vix("professional", "toevoegen", colleague, "Harm Hulp", *role, als=ADMIN))
    ok(vix("professional", "overdragen", region.care, colleague, als=ADMIN, now=DELETED))
    withdraw(vix, care["signal_id"], colleague, DELETED.replace("10:00", "11:00"))
    assert shown(vix, match_id, region.jgz, OVERDUE)["milestones"] == []
    assert [(d["soort"], d["signaal"]) for d in removed(vix_env, match_id)] == [
        ("agreement", care["signal_id"])
    ]
    assert [s["match_id"] for s in stagnating(vix, region, OVERDUE)] == [match_id]
