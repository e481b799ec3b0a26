"""Unsent notices tell who leads the match now (rules 9, 12, 13).

An escalation notice names the match's director (or regievoerder), a match notice
marks the member who leads and tells its recipient who records the agreement, and a
lead notice tells its recipient that he or she leads. When the lead changes before
`vix berichten verstuur` ran (`vix regie --regisseur`, `vix regie --regievoerder`,
`vix zorgcoordinator`, youth protection joining the match), the notices still in
the outbox are withdrawn and queued again for the same recipients from the data as
it is now, as after a hand-over of the request for regie (test_move_regie.py).
Sent is sent; a notice whose text would not change stays as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import BSN_ANNA, Region, Runner, db_rows, flat, new_youth, ok
from smtp_server import Server
from test_move_regie import ESCALATION_DAYS, held_by_haarlem, place
from test_notice_withdrawal import send

HANS = "Hans Hulp"  # youth care, hulp@jeugdhulp.nl
KARIN = "Karin Arts"  # JGZ, arts@jgz.nl: the director vix proposes
CHANGED = "2026-12-08T09:00"  # after the escalation steps, before a mail run


def annas_match(vix: Runner, region: Region) -> int:
    """Anna, signalled by the school, JGZ and youth care on Monday: JGZ (Karin) leads, as
    the first signaller outside education."""
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:00:00")
    found = place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:30:00")
    return int(found["matches"][0]["id"])


def escalate(vix: Runner, region: Region, levels: int = 2) -> None:
    for day in ESCALATION_DAYS[:levels]:
        ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=day))


def outbox(db: Path, match_id: int, like: str) -> list[Any]:
    return db_rows(
        db,
        "SELECT id, kind, recipient_email, status, body FROM outbox"
        " WHERE match_id = ? AND kind LIKE ? ORDER BY kind, recipient_email, id",
        (match_id, like),
    )


def withdrawn(db: Path, reason: str) -> dict[int, dict[str, Any]]:
    """outbox id -> audit detail of the notices withdrawn for `reason` (rule 18)."""
    return {
        int(r["entity_id"]): json.loads(r["detail"])
        for r in db_rows(
            db,
            "SELECT entity_id, detail FROM audit_log WHERE action = 'withdraw'"
            " AND json_extract(detail, '$.reden') = ? ORDER BY entity_id",
            (reason,),
        )
    }


def renewed(db: Path, before: list[Any], after: list[Any]) -> None:
    """`after` are `before` queued again for the same recipients (rule 16), unsent, with
    new rows; `before` were withdrawn because the director changed (rule 18)."""
    assert [(n["kind"], n["recipient_email"], n["status"]) for n in after] == [
        (n["kind"], n["recipient_email"], "queued") for n in before
    ]
    assert {n["id"] for n in after}.isdisjoint(n["id"] for n in before)
    assert {n["id"] for n in before} <= set(withdrawn(db, "director_changed"))


def test_a_new_director_is_named_in_the_unsent_notices(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Karin leads Anna's match; it stagnates up to the coordinator before the mail goes
    out, and Karin makes Hans director. The manager and the coordinator are not sent to
    Karin, and the members read that Hans leads (review)."""
    match_id = annas_match(vix, region)
    escalate(vix, region)
    escalations = outbox(vix_env, match_id, "escalatie%")
    assert [(n["kind"], n["recipient_email"]) for n in escalations] == [
        ("escalatie_1", region.manager),
        ("escalatie_2", region.coordinator),
    ]
    assert all(f"Matchregisseur: {KARIN}" in n["body"] for n in escalations)
    members = outbox(vix_env, match_id, "match%")
    assert {n["recipient_email"] for n in members} == {region.school, region.jgz, region.care}
    ok(vix("regie", str(match_id), "--regisseur", region.care, als=region.jgz, now=CHANGED))

    after = outbox(vix_env, match_id, "escalatie%")
    renewed(vix_env, escalations, after)
    for old, new in zip(escalations, after, strict=True):
        assert new["body"] == old["body"].replace(KARIN, HANS)
    # each member's unsent notices become one notice of the match as it is now
    told = {n["recipient_email"]: n for n in outbox(vix_env, match_id, "match%")}
    assert {n["id"] for n in members} <= set(withdrawn(vix_env, "director_changed"))
    assert sorted(told) == sorted({region.school, region.jgz, region.care})
    assert all(n["kind"] == "match_nieuw" and n["status"] == "queued" for n in told.values())
    for email in (region.school, region.jgz):
        body = flat(told[email]["body"])
        assert "e-mail: hulp@jeugdhulp.nl, matchregisseur" in body
        assert "e-mail: arts@jgz.nl, matchregisseur" not in body
    assert "Als matchregisseur legt u de datum van afstemming vast" in told[region.care]["body"]
    assert "e-mail: arts@jgz.nl, matchregisseur" not in flat(told[region.care]["body"])


def test_a_lead_notice_to_a_director_replaced_before_the_mail_goes(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    """Hans was made director and then replaced by Karin before the mail run: the notice
    telling Hans he leads goes unsent, Karin gets hers. Notices already sent stay."""
    match_id = annas_match(vix, region)
    send(vix, region, "2026-11-23T10:00:00")
    ok(vix("regie", str(match_id), "--regisseur", region.care, als=region.jgz))
    [hans] = outbox(vix_env, match_id, "regie%")
    assert hans["recipient_email"] == region.care
    ok(vix("regie", str(match_id), "--regisseur", region.jgz, als=region.care))
    assert [(n["recipient_email"], n["kind"]) for n in outbox(vix_env, match_id, "regie%")] == [
        (region.jgz, "regie_regisseur")
    ]
    assert withdrawn(vix_env, "director_changed") == {
        hans["id"]: {"reden": "director_changed", "match": match_id}
    }
    # sent is sent: the members heard of the match, and hear nothing more of the lead
    assert {n["status"] for n in outbox(vix_env, match_id, "match%")} == {"sent"}


def test_a_care_coordinator_is_named_in_the_unsent_notices(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Rita holds the request of Anna's match, which stagnates; she names Karin care
    coordinator before the mail goes out: the notices name Karin, not the request."""
    match_id = held_by_haarlem(vix, region)
    escalate(vix, region)
    escalations = outbox(vix_env, match_id, "escalatie%")
    assert [n["recipient_email"] for n in escalations] == [region.manager, region.coordinator]
    for n in escalations:
        assert "Matchregisseur: niet aangewezen, regievoerder: Rita Regie" in n["body"]
    [request] = outbox(vix_env, match_id, "regie%")
    assert request["recipient_email"] == region.regie
    ok(vix("zorgcoordinator", str(match_id), region.jgz, als=region.regie, now=CHANGED))

    after = outbox(vix_env, match_id, "escalatie%")
    renewed(vix_env, escalations, after)
    for n in after:
        assert "Matchregisseur: Karin Arts\n" in n["body"]
        assert "Rita Regie" not in n["body"]
    assert "spreek de professional van uw organisatie in deze match aan" in flat(after[0]["body"])
    # Rita no longer holds the request: her notice with the members goes unsent
    assert request["id"] in withdrawn(vix_env, "director_changed")
    assert [(n["recipient_email"], n["kind"]) for n in outbox(vix_env, match_id, "regie%")] == [
        (region.jgz, "regie_zorgcoordinator")
    ]
    told = {n["recipient_email"]: flat(n["body"]) for n in outbox(vix_env, match_id, "match%")}
    assert "e-mail: arts@jgz.nl, matchregisseur" in told[region.school]
    assert "Als matchregisseur legt u de datum van afstemming vast" in told[region.jgz]
    for body in told.values():
        assert "Zolang de match geen matchregisseur heeft" not in body


def test_youth_protection_joining_is_named_in_the_unsent_escalation_notices(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    """The members heard of Anna's match (sent); it stagnates, and before the mail goes
    out youth protection signals Anna and leads (rule 12). The escalation notices name
    Gea; the change notices of this step already do, and are not queued twice."""
    match_id = annas_match(vix, region)
    send(vix, region, "2026-11-23T10:00:00")
    escalate(vix, region)
    escalations = outbox(vix_env, match_id, "escalatie%")
    place(vix, region.gi, *new_youth(BSN_ANNA, "Anna"), now=CHANGED)

    after = outbox(vix_env, match_id, "escalatie%")
    renewed(vix_env, escalations, after)
    for old, new in zip(escalations, after, strict=True):
        assert f"Matchregisseur: {KARIN}\n" in old["body"]
        assert "Matchregisseur: Gea Jansen\n" in new["body"] and KARIN not in new["body"]
        # told as it is now: youth protection is one of the organisations
        assert "Jeugdbescherming West" in new["body"]
    # only the escalation notices were renewed: the members' notices of the change stay
    assert set(withdrawn(vix_env, "director_changed")) == {n["id"] for n in escalations}
    queued = [n for n in outbox(vix_env, match_id, "match%") if n["status"] == "queued"]
    assert sorted((n["recipient_email"], n["kind"]) for n in queued) == sorted(
        [
            (region.jgz, "match_gewijzigd"),
            (region.gi, "match_nieuw"),
            (region.care, "match_gewijzigd"),
            (region.school, "match_gewijzigd"),
        ]
    )


def test_a_match_handed_to_the_regievoerder_names_no_director_any_more(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = annas_match(vix, region)
    escalate(vix, region, levels=1)
    [escalation] = outbox(vix_env, match_id, "escalatie%")
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz, now=CHANGED))
    [after] = outbox(vix_env, match_id, "escalatie%")
    renewed(vix_env, [escalation], [after])
    assert "Matchregisseur: niet aangewezen, regievoerder: Rita Regie" in after["body"]


def test_a_role_handed_on_with_the_signals_is_named_in_the_unsent_escalation_notices(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Ineke of the school leads; the match stagnates, and her manager hands her signals
    to Mark before the mail goes out: the role goes with them, and so do the notices."""
    match_id = annas_match(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz))
    escalate(vix, region)
    escalations = outbox(vix_env, match_id, "escalatie%")
    assert all("Matchregisseur: Ineke Bos\n" in n["body"] for n in escalations)
    ok(
        vix(
            "professional",
            "overdragen",
            region.school,
            region.school_colleague,
            als=region.manager,
            now=CHANGED,
        )
    )
    after = outbox(vix_env, match_id, "escalatie%")
    renewed(vix_env, escalations, after)
    for old, new in zip(escalations, after, strict=True):
        assert new["body"] == old["body"].replace("Ineke Bos", "Mark Mentor")


def test_a_director_who_leaves_is_named_so_in_the_unsent_notices(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Karin leads Anna's match and is deactivated before the mail run: the unsent
    escalation and match notices said she leads, without "(niet meer actief)", and the
    members were not told to take the lead (review). Put back, she leads again in them."""
    match_id = annas_match(vix, region)
    escalate(vix, region)
    gone = "2026-12-08T10:00"
    ok(vix("professional", "deactiveer", "arts@jgz.nl", als=region.admin, now=gone))
    escalations = outbox(vix_env, match_id, "escalatie%")
    assert [n["recipient_email"] for n in escalations] == [region.manager, region.coordinator]
    assert all(f"Matchregisseur: {KARIN} (niet meer actief)" in n["body"] for n in escalations)
    told = {n["recipient_email"]: n for n in outbox(vix_env, match_id, "match%")}
    for email in (region.school, region.care):
        body = flat(told[email]["body"])
        assert "e-mail: arts@jgz.nl, matchregisseur (niet meer actief)" in body
        assert "De matchregisseur is niet meer actief" in body
    assert withdrawn(vix_env, "director_changed")
    back = "2026-12-08T11:00"
    ok(vix("professional", "activeer", "arts@jgz.nl", als=region.admin, now=back))
    again = outbox(vix_env, match_id, "escalatie%")
    assert all(f"Matchregisseur: {KARIN}\n" in n["body"] for n in again), again
    for n in outbox(vix_env, match_id, "match%"):
        assert "niet meer actief" not in n["body"]


def test_a_member_away_while_the_director_changes_keeps_the_notice_he_had(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The school's signaller is deactivated, Karin makes Hans director, and the
    signaller is put back before the mail run: the renewal withdrew the school's notice
    of the match and could queue none for someone who left, so, back, the signaller
    never heard of it (review). A notice to one who cannot receive now stays as it was."""
    match_id = annas_match(vix, region)
    school = [
        n for n in outbox(vix_env, match_id, "match%") if n["recipient_email"] == region.school
    ]
    assert school and all(n["status"] == "queued" for n in school)
    ok(vix("professional", "deactiveer", region.school, als=region.admin, now=CHANGED))
    ok(vix("regie", str(match_id), "--regisseur", region.care, als=region.jgz, now=CHANGED))
    ok(vix("professional", "activeer", region.school, als=region.admin, now=CHANGED))
    kept = [n for n in outbox(vix_env, match_id, "match%") if n["recipient_email"] == region.school]
    assert kept and [n["status"] for n in kept] == ["queued"] * len(kept)
