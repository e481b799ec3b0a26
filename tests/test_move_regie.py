"""A request for regie follows the youth to the new municipality (rules 11, 12, 13).

The municipality where the youth lives has regie on the matches of its youths:
after a move, a match handed to the old municipality's regievoerder is held by
the new municipality's regievoerder, through `vix jeugdige verhuis` and through
a re-imported pupil list alike. The old regievoerder no longer sees the match,
the new one can act on it, both are told, the audit log records the hand-over,
and escalation reaches the alderman of the municipality the youth lives in now.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    P_FATHER,
    P_MOTHER,
    Region,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from conftest import signal as place
from import_helpers import pupil, write_list
from smtp_server import Server

EVA = "111222394"  # valid BSN, only in this file
REGIE_Z = "regie@zandvoort.nl"  # municipal director of ZANDVOORT, "Ruud Regie"
REGIE_H2 = "regie2@haarlem.nl"  # a second regievoerder for HAARLEM, "Roos Regie"
STAGNATING = "2026-12-01T07:00"  # working day 6 after the matches of conftest's Monday


def mail_run(vix: Any, region: Region) -> None:
    """`vix berichten verstuur`: the regievoerder has the request (an old holder who
    never had it is not told that it went, see test_regie_notices.py)."""
    ok(vix("berichten", "verstuur", als=region.coordinator))


def zandvoort_regievoerder(vix: Any, *, configured: bool = True, alderman: bool = True) -> None:
    """A regievoerder for ZANDVOORT, with an alderman (whose address only with `alderman`);
    the regievoerder is only put in charge when `configured`."""
    ok(
        vix(
            "organisatie",
            "toevoegen",
            "GEMZ",
            "Gemeente Zandvoort",
            "--domein",
            "gemeente",
            "--gemeente",
            "ZANDVOORT",
            als=ADMIN,
        )
    )
    ok(
        vix(
            "professional",
            "toevoegen",
            REGIE_Z,
            "Ruud Regie",
            "--rol",
            "regievoerder",
            "--organisatie",
            "GEMZ",
            "--telefoon",
            "023-5551111",
            als=ADMIN,
        )
    )
    town = ["--wethouder", "Z. Wethouder"]
    if alderman:
        town += ["--wethouder-email", "wethouder@zandvoort.nl"]
    if configured:
        town += ["--regievoerder", REGIE_Z]
    ok(vix("gemeente", "wijzig", "ZANDVOORT", *town, als=ADMIN))


def second_haarlem_regievoerder(vix: Any) -> None:
    """Roos Regie, a second regievoerder of the municipality of Haarlem, not in charge."""
    ok(
        vix(
            "professional",
            "toevoegen",
            REGIE_H2,
            "Roos Regie",
            "--rol",
            "regievoerder",
            "--organisatie",
            "GEM",
            als=ADMIN,
        )
    )


def held_by_haarlem(vix: Any, region: Region) -> int:
    """Anna of Haarlem, signalled by the school and JGZ; nobody can lead, so Rita holds it."""
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    found = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:00:00")
    match_id = int(found["matches"][0]["id"])
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    return match_id


def show(vix: Any, als: str, match_id: int) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("match", str(match_id), "--json", als=als))
    return found


def notices(db: Path, kind: str) -> list[Any]:
    return db_rows(
        db, "SELECT recipient_email, match_id, body FROM outbox WHERE kind = ? ORDER BY id", (kind,)
    )


def pid(db: Path, email: str) -> int:
    return int(db_rows(db, "SELECT id FROM professionals WHERE email = ?", (email,))[0][0])


def the_hand_over(db: Path) -> Any:
    """The audit record of the one hand-over of a request for regie (rule 18)."""
    [audit] = db_rows(db, "SELECT * FROM audit_log WHERE action = 'regie_handed_over'")
    return audit


def test_a_move_hands_the_request_to_the_new_regievoerder(
    vix: Any, region: Region, vix_env: Path, smtp: Server
) -> None:
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    mail_run(vix, region)
    m = str(match_id)
    moved = ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz))

    # the new regievoerder holds the request, sees the match and can act on it
    seen = show(vix, REGIE_Z, match_id)
    assert (seen["director"], seen["regievoerder"], seen["municipality"]) == (
        None,
        "Ruud Regie",
        "Zandvoort",
    )
    assert f"Het verzoek om regie bij match {match_id} ligt nu bij Ruud Regie" in moved.stderr
    assert [x["id"] for x in as_json(vix("matches", "--json", als=REGIE_Z))] == [match_id]
    # the old one neither sees nor acts on it any more (need to know, rule 16)
    for command in (("match", m), ("zorgcoordinator", m, region.school), ("afstemming", m)):
        refused = vix(*command, als=region.regie)
        assert refused.exit_code == 1 and "bestaat niet" in refused.stderr, command
    assert as_json(vix("matches", "--json", als=region.regie)) == []
    old = as_json(vix("stagnatie", "--json", als=region.regie, now=STAGNATING))
    new = as_json(vix("stagnatie", "--json", als=REGIE_Z, now=STAGNATING))
    assert (old, [(s["match_id"], s["regievoerder"]) for s in new]) == (
        [],
        [(match_id, "Ruud Regie")],
    )

    # both are told, without the youth (the move notice is what names her, rule 11)
    [taken] = notices(vix_env, "regie_overgenomen")
    [given] = notices(vix_env, "regie_overgedragen")
    assert (taken["recipient_email"], taken["match_id"]) == (REGIE_Z, match_id)
    assert (given["recipient_email"], given["match_id"]) == (region.regie, match_id)
    assert f"'vix zorgcoordinator {match_id} E-MAIL'" in taken["body"]
    assert "Rita Regie" in taken["body"] and "Karin Arts" in taken["body"]
    assert "ziet de match niet meer" in given["body"]
    assert "Karin Arts" not in given["body"] and "Zandvoort" not in given["body"]
    for body in (taken["body"], given["body"]):
        assert "Anna" not in body and "Vries" not in body and BSN_ANNA not in body
    assert [n["recipient_email"] for n in notices(vix_env, "move")].count(REGIE_Z) == 1

    # the audit log records the hand-over, with pseudonyms only
    audit = the_hand_over(vix_env)
    assert (audit["actor_id"], audit["entity"], audit["entity_id"]) == (
        pid(vix_env, region.jgz),
        "match",
        match_id,
    )
    assert json.loads(audit["detail"]) == {
        "van": pid(vix_env, region.regie),
        "naar": pid(vix_env, REGIE_Z),
        "gemeente": "ZANDVOORT",
        "reden": "verhuizing",
    }
    dump = "\n".join(str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log"))
    assert BSN_ANNA not in dump
    # the parents' inzage shows the hand-over among the match's events
    inzage = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    assert any(e["action"].startswith("regie overgedragen") for e in inzage["log"])

    # escalation goes to the alderman of the municipality the youth lives in now (rule 13)
    for day in (STAGNATING, "2026-12-08T07:00", "2026-12-15T07:00"):
        ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=day))
    [alderman] = db_rows(
        vix_env, "SELECT recipient_email, body FROM outbox WHERE kind = ?", ("escalatie_3",)
    )
    assert alderman["recipient_email"] == "wethouder@zandvoort.nl"
    assert "regievoerder: Ruud Regie" in alderman["body"]

    # and the new regievoerder does what the old one was asked: name a care coordinator
    ok(vix("zorgcoordinator", m, region.school, als=REGIE_Z, now="2026-12-15T09:00"))
    assert show(vix, region.school, match_id)["care_coordinator"] == "Ineke Bos"


def test_without_a_regievoerder_in_the_new_municipality_the_request_waits(
    vix: Any, region: Region, vix_env: Path, smtp: Server
) -> None:
    zandvoort_regievoerder(vix, configured=False)
    match_id = held_by_haarlem(vix, region)
    mail_run(vix, region)
    moved = ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz))

    # nobody holds it: the old regievoerder is out, nobody leads yet
    assert vix("match", str(match_id), als=region.regie).exit_code == 1
    assert "Zandvoort heeft geen regievoerder" in moved.stderr
    seen = show(vix, region.school, match_id)
    assert (seen["director"], seen["regievoerder"]) == (None, None)
    [given] = notices(vix_env, "regie_overgedragen")
    assert given["recipient_email"] == region.regie
    # the regional coordinator is told the request waits, process only
    [waits] = notices(vix_env, "regie_wacht")
    assert waits["recipient_email"] == region.coordinator
    assert "vix gemeente wijzig ZANDVOORT --regievoerder" in waits["body"]
    assert "Anna" not in waits["body"] and BSN_ANNA not in waits["body"]
    audit = the_hand_over(vix_env)
    assert json.loads(audit["detail"])["naar"] is None
    # and the stagnation list shows it to the coordinator like any match without a lead
    [line] = as_json(vix("stagnatie", "--json", als=region.coordinator, now=STAGNATING))
    assert (line["match_id"], line["director"], line["regievoerder"]) == (match_id, None, None)

    # a newcomer does not silently take the lead of a match waiting for the regievoerder
    place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T11:00:00")
    assert show(vix, region.school, match_id)["director"] is None

    # once the municipality has a regievoerder, he or she holds the waiting request
    ok(vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", REGIE_Z, als=ADMIN))
    assert show(vix, REGIE_Z, match_id)["regievoerder"] == "Ruud Regie"
    [taken] = notices(vix_env, "regie_overgenomen")
    assert taken["recipient_email"] == REGIE_Z
    ok(vix("zorgcoordinator", str(match_id), region.care, als=REGIE_Z))


def test_a_new_regievoerder_of_the_municipality_takes_over_its_requests(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """The same rule without a move: the municipality, not the person, has regie."""
    match_id = held_by_haarlem(vix, region)
    second_haarlem_regievoerder(vix)
    ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN))
    assert show(vix, REGIE_H2, match_id)["regievoerder"] == "Roos Regie"
    assert vix("match", str(match_id), als=region.regie).exit_code == 1
    assert [n["recipient_email"] for n in notices(vix_env, "regie_overgenomen")] == [REGIE_H2]
    audit = the_hand_over(vix_env)
    assert json.loads(audit["detail"])["reden"] == "nieuwe regievoerder"


def test_recording_the_regievoerder_again_repairs_a_request_an_older_vix_left_behind(
    vix: Any, region: Region, vix_env: Path, smtp: Server
) -> None:
    """Before the fix a move left the request with the old municipality's regievoerder."""
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    mail_run(vix, region)
    with sqlite3.connect(vix_env) as conn:  # what the old record_move stored
        conn.execute(
            "UPDATE matches SET municipality_id ="
            " (SELECT id FROM municipalities WHERE code = 'ZANDVOORT') WHERE id = ?",
            (match_id,),
        )
    conn.close()
    assert show(vix, region.regie, match_id)["regievoerder"] == "Rita Regie"
    ok(vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", REGIE_Z, als=ADMIN))
    assert show(vix, REGIE_Z, match_id)["regievoerder"] == "Ruud Regie"
    assert vix("match", str(match_id), als=region.regie).exit_code == 1
    [given] = notices(vix_env, "regie_overgedragen")
    assert given["recipient_email"] == region.regie


def test_a_family_match_follows_when_no_youth_of_it_lives_in_its_municipality(
    vix: Any, region: Region, vix_env: Path
) -> None:
    zandvoort_regievoerder(vix)
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    found = place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    match_id = int(found["matches"][0]["id"])
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    # Bram moves first: Anna still lives in Haarlem, which keeps regie
    ok(vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT", als=region.jgz))
    assert show(vix, region.regie, match_id)["regievoerder"] == "Rita Regie"
    assert notices(vix_env, "regie_overgenomen") == []
    # then Anna: no youth of the match lives in Haarlem any more
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.school))
    seen = show(vix, REGIE_Z, match_id)
    assert (seen["regievoerder"], seen["municipality"]) == ("Ruud Regie", "Zandvoort")
    assert vix("match", str(match_id), als=region.regie).exit_code == 1
    [taken] = notices(vix_env, "regie_overgenomen")
    # a family-match notice never names a child (rule 7)
    assert "Anna" not in taken["body"] and "Bram" not in taken["body"]


def test_a_reimported_pupil_list_with_another_woonplaats_moves_the_request(
    vix: Any, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    first = write_list(tmp_path / "a.csv", [pupil(BSN_ANNA, town="Haarlem")])
    ok(vix("import", "leerlingen", str(first), "--organisatie", "ZON", als=ADMIN))
    assert show(vix, region.regie, match_id)["regievoerder"] == "Rita Regie"
    later = write_list(tmp_path / "b.csv", [pupil(BSN_ANNA, town="Zandvoort")])
    done = as_json(
        vix("import", "leerlingen", str(later), "--organisatie", "ZON", "--json", als=ADMIN)
    )
    assert done["moved"] == 1
    assert show(vix, REGIE_Z, match_id)["regievoerder"] == "Ruud Regie"
    assert vix("match", str(match_id), als=region.regie).exit_code == 1
    assert [n["recipient_email"] for n in notices(vix_env, "regie_overgenomen")] == [REGIE_Z]
    audit = the_hand_over(vix_env)
    assert audit["actor_id"] == pid(vix_env, ADMIN)


def family_held_by_haarlem(vix: Any, region: Region) -> int:
    """Bram (JGZ), Cas (youth care) and Anna (school), children of one mother in
    Haarlem; nobody can lead their family match, so Haarlem's regievoerder holds it.
    Bram and Cas move to Zandvoort: Anna still lives in Haarlem, which keeps it.
    (Anna is registered last: a family split goes on in the match from the part
    with the first registered youth.)"""
    mother = (P_MOTHER,)
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=mother))
    place(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=mother))
    found = place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=mother))
    return bram_and_cas_move_out(vix, region, found)


def bram_and_cas_move_out(vix: Any, region: Region, found: dict[str, Any]) -> int:
    """The family match of the signal answer `found` goes to Haarlem's regievoerder (JGZ
    asks); Bram (JGZ) and Cas (youth care) move to Zandvoort, and the match stays
    Haarlem's. Returns the match."""
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    for bsn, als in ((BSN_BRAM, region.jgz), (BSN_CAS, region.care)):
        ok(vix("jeugdige", "verhuis", bsn, "--gemeente", "ZANDVOORT", als=als))
    assert show(vix, region.regie, match_id)["municipality"] == "Haarlem"
    return int(match_id)


def assert_held_by_zandvoort(vix: Any, region: Region, vix_env: Path, match_id: int) -> None:
    """The match is Zandvoort's: its regievoerder holds the request, Haarlem's is out."""
    seen = show(vix, REGIE_Z, match_id)
    assert (seen["municipality"], seen["regievoerder"]) == ("Zandvoort", "Ruud Regie")
    assert vix("match", str(match_id), als=region.regie).exit_code == 1
    assert as_json(vix("stagnatie", "--json", als=region.regie, now=STAGNATING)) == []
    assert [n["match_id"] for n in notices(vix_env, "regie_overgenomen")] == [match_id]


def test_a_family_match_whose_haarlem_youth_leaves_it_goes_to_zandvoort(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """The one youth of the match who lives in Haarlem leaves it: her signal ends. Bram
    and Cas still make a family match, and both live in Zandvoort (rules 11, 13)."""
    zandvoort_regievoerder(vix)
    match_id = family_held_by_haarlem(vix, region)
    [anna] = as_json(vix("signalen", "--json", als=region.school))
    ok(vix("intrekken", str(anna["id"]), "--reden", "weggenomen", als=region.school))
    assert_held_by_zandvoort(vix, region, vix_env, match_id)
    audit = the_hand_over(vix_env)
    assert audit["actor_id"] == pid(vix_env, region.school)
    assert json.loads(audit["detail"])["gemeente"] == "ZANDVOORT"


def test_an_erasure_that_splits_the_family_logs_who_handed_the_request_over(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """Daan of Haarlem (the school) and his half-siblings Bram and Cas (JGZ, youth care)
    are one family only through Eva, whom the school's mentor signals: a family match of
    Haarlem, whose regievoerder holds its request. Bram and Cas move to Zandvoort; Daan
    keeps the match in Haarlem. An erasure request deletes Eva's signal and, with nothing
    left, Eva: the family splits, Bram and Cas go on in the match, now Zandvoort's. The
    hand-over is the coordinator's doing and is logged so (rule 18; before, the
    reconcile after erasing Eva logged it without an actor)."""
    zandvoort_regievoerder(vix)
    place(vix, region.school, *new_youth(BSN_DAAN, "Daan", parents=(P_FATHER,)))
    eva = new_youth(EVA, "Eva", parents=(P_MOTHER, P_FATHER))
    place(vix, region.school_colleague, *eva)
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    found = place(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=(P_MOTHER,)))
    match_id = bram_and_cas_move_out(vix, region, found)
    wis = ("jeugdige", "wis", EVA, "--reden", "verwijderverzoek")
    ok(vix(*wis, als=region.coordinator))
    assert_held_by_zandvoort(vix, region, vix_env, match_id)
    audit = the_hand_over(vix_env)
    assert audit["actor_id"] == pid(vix_env, region.coordinator)
    assert json.loads(audit["detail"])["gemeente"] == "ZANDVOORT"


def test_a_corrected_parent_that_takes_the_haarlem_youth_out_moves_the_family_match(
    vix: Any, region: Region, vix_env: Path
) -> None:
    zandvoort_regievoerder(vix)
    match_id = family_held_by_haarlem(vix, region)
    ok(
        vix(
            "jeugdige",
            "corrigeer",
            BSN_ANNA,
            "--ouder",
            P_FATHER,
            "--json",
            als=region.coordinator,
        )
    )
    assert_held_by_zandvoort(vix, region, vix_env, match_id)


def test_a_family_that_moves_with_its_pupil_list_takes_its_match_along(
    vix: Any, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """One pupil list moves Sam and Lisa to Zandvoort, to a new address: Tim, who
    shared their old address and has another parent, stays behind in Haarlem and drops
    out of the family. The match goes on with Sam and Lisa, so it is Zandvoort's now,
    as it would be had the family changed and moved in two commands."""
    zandvoort_regievoerder(vix)
    sam, lisa, tim = BSN_ANNA, BSN_BRAM, BSN_CAS
    zon = [
        pupil(sam, "Sam", pupil_number="L1", parent1=P_MOTHER),
        pupil(lisa, "Lisa", born="01-02-2015", pupil_number="L2", parent1=P_MOTHER),
    ]
    esd = [pupil(tim, "Tim", "Bakker", born="03-03-2018", pupil_number="E1", parent1=P_FATHER)]
    for name, school, rows in (("zon.csv", "ZON", zon), ("esd.csv", "ESD", esd)):
        ok(
            vix(
                "import",
                "leerlingen",
                str(write_list(tmp_path / name, rows)),
                "--organisatie",
                school,
                als=ADMIN,
            )
        )
    place(vix, region.school, "--leerling", "L1")
    place(vix, region.school2, "--leerling", "E1")
    lisa_data = new_youth(lisa, "Lisa", born="01-02-2015", parents=(P_MOTHER,))
    found = place(vix, region.care, *lisa_data)
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    ok(vix("regie", str(match_id), "--regievoerder", als=region.care))
    assert show(vix, region.regie, match_id)["municipality"] == "Haarlem"

    moved = [
        pupil(
            sam,
            "Sam",
            pupil_number="L1",
            parent1=P_MOTHER,
            postcode="2041 AA",
            house="7",
            town="Zandvoort",
        ),
        pupil(
            lisa,
            "Lisa",
            born="01-02-2015",
            pupil_number="L2",
            parent1=P_MOTHER,
            postcode="2041 AA",
            house="7",
            town="Zandvoort",
        ),
    ]
    later = write_list(tmp_path / "zon2.csv", moved)
    done = as_json(
        vix("import", "leerlingen", str(later), "--organisatie", "ZON", "--json", als=ADMIN)
    )
    assert done["moved"] == 2
    left = "SELECT count(*) FROM match_members WHERE match_id = ? AND left_at IS NULL"
    assert db_rows(vix_env, left, (match_id,))[0][0] == 2  # Tim's signal is out
    assert_held_by_zandvoort(vix, region, vix_env, match_id)
    audit = the_hand_over(vix_env)
    assert audit["actor_id"] == pid(vix_env, ADMIN)


def test_a_merge_gives_the_match_the_municipality_of_the_registration_that_stays(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """Sam, registered without a BSN in Haarlem, has a match there; his registration by
    BSN lives in Zandvoort. Merged into that one, the match is Zandvoort's."""
    zandvoort_regievoerder(vix)
    sam = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    without = ["--zonder-bsn", *sam, "--geslacht", "M", "--gemeente", "HAARLEM"]
    place(vix, region.school, *without)
    match_id = int(place(vix, region.care, *without)["matches"][0]["id"])
    ok(vix("regie", str(match_id), "--regievoerder", als=region.care))
    place(vix, region.jgz, BSN_ANNA, *sam, "--gemeente", "ZANDVOORT")
    [(number,)] = db_rows(vix_env, "SELECT bsn FROM youths WHERE id_kind = 'substitute'")
    ok(vix("jeugdige", "samenvoegen", number, BSN_ANNA, als=region.coordinator))
    assert_held_by_zandvoort(vix, region, vix_env, match_id)


# -- an unsent notice to the alderman follows the match (rule 13) ----------------------

ESCALATION_DAYS = (STAGNATING, "2026-12-08T07:00", "2026-12-15T07:00")  # levels 1, 2, 3
MOVED = "2026-12-15T09:00"
LATE = "2026-12-15T11:00"


def escalated_to_haarlem(vix: Any, region: Region, vix_env: Path, match_id: int) -> list[int]:
    """Escalate the match to level 3: the alderman of Haarlem has a notice in the outbox,
    not sent yet. The outbox ids of the level-1 and level-2 notices, also still queued."""
    for day in ESCALATION_DAYS:
        ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=day))
    [alderman] = db_rows(
        vix_env,
        "SELECT recipient_email, status FROM outbox WHERE kind = 'escalatie_3' AND match_id = ?",
        (match_id,),
    )
    assert tuple(alderman) == ("wethouder@haarlem.nl", "queued")
    return lower_levels(vix_env, match_id)


def lower_levels(db: Path, match_id: int) -> list[int]:
    return [
        int(r[0])
        for r in db_rows(
            db,
            "SELECT id FROM outbox WHERE kind IN ('escalatie_1', 'escalatie_2') AND match_id = ?"
            " ORDER BY id",
            (match_id,),
        )
    ]


def lower_notices(db: Path, match_id: int) -> list[Any]:
    return db_rows(
        db,
        "SELECT id, kind, recipient_email, status, body FROM outbox"
        " WHERE kind IN ('escalatie_1', 'escalatie_2') AND match_id = ? ORDER BY kind, id",
        (match_id,),
    )


def assert_lower_levels_tell_zandvoort(db: Path, match_id: int, kind: str) -> None:
    """The unsent notices of levels 1 and 2 name the match's municipality now."""
    found = lower_notices(db, match_id)
    assert {n["kind"] for n in found} >= {"escalatie_2"}
    for n in found:
        assert n["status"] == "queued"
        assert f"Match: {match_id} ({kind}), gemeente Zandvoort" in n["body"]
        assert "regievoerder: Ruud Regie" in n["body"]
        assert "Haarlem" not in n["body"] and "Rita Regie" not in n["body"]


def alderman_notices(db: Path) -> list[Any]:
    return db_rows(
        db,
        "SELECT recipient_email, recipient_name, status, body FROM outbox"
        " WHERE kind = 'escalatie_3' ORDER BY id",
    )


def moot_withdrawals(db: Path) -> list[Any]:
    return db_rows(
        db,
        "SELECT actor_id, detail FROM audit_log WHERE action = 'withdraw'"
        " AND json_extract(detail, '$.reden') = 'match_moved'",
    )


def test_an_unsent_notice_to_the_alderman_follows_the_move(
    vix: Any, region: Region, vix_env: Path, smtp: Server
) -> None:
    """Anna's match stagnated up to the alderman of Haarlem; before the mail goes out she
    moves to Zandvoort. Haarlem's alderman is not told that a match about a youth "uit uw
    gemeente" stagnates; Zandvoort's is, with the regievoerder who holds the request now.
    A notice that went out stays told when she moves back."""
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    mail_run(vix, region)
    lower = escalated_to_haarlem(vix, region, vix_env, match_id)
    moved = ok(
        vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz, now=MOVED)
    )

    [notice] = alderman_notices(vix_env)
    assert (notice["recipient_email"], notice["recipient_name"], notice["status"]) == (
        "wethouder@zandvoort.nl",
        "Z. Wethouder",
        "queued",
    )
    assert "Geachte Z. Wethouder" in notice["body"]
    assert f"Match: {match_id} (cliëntmatch), gemeente Zandvoort" in notice["body"]
    assert "regievoerder: Ruud Regie" in notice["body"]
    assert "Haarlem" not in notice["body"] and "Anna" not in notice["body"]
    # the facts are those the step told: the match arose on 23-11, overdue since 01-12
    assert "ontstaan op 23-11-2026" in notice["body"]
    assert "Over tijd sinds 01-12-2026" in notice["body"]
    # the alderman's notice and those of levels 1 and 2 (renewed, see below)
    audits = moot_withdrawals(vix_env)
    assert len(audits) == 1 + len(lower)
    for audit in audits:
        assert audit["actor_id"] == pid(vix_env, region.jgz)
        assert json.loads(audit["detail"]) == {"reden": "match_moved", "match": match_id}
    assert (
        f"opschaalbericht (niveau 3) bij match {match_id} gaat nu naar de wethouder Jeugd "
        "van Zandvoort" in " ".join(moved.stderr.split())
    )

    mail_run(vix, region)
    to = [str(m["To"]) for m in smtp.mailbox.messages]
    assert any("wethouder@zandvoort.nl" in t for t in to)
    assert not any("wethouder@haarlem.nl" in t for t in to)

    # sent is sent: when she moves back, Zandvoort's alderman keeps what he was told, and
    # Haarlem's, who never got it, is told now: the match still stagnates at his step
    back = ok(
        vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "HAARLEM", als=region.jgz, now=LATE)
    )
    assert [(n["recipient_email"], n["status"]) for n in alderman_notices(vix_env)] == [
        ("wethouder@zandvoort.nl", "sent"),
        ("wethouder@haarlem.nl", "queued"),
    ]
    assert len(moot_withdrawals(vix_env)) == 1 + len(lower)
    assert (
        f"Match {match_id} is opgeschaald tot de wethouder Jeugd en stagneert nog: de "
        "wethouder Jeugd van Haarlem krijgt nu ook het opschaalbericht (niveau 3)."
        in " ".join(back.stderr.split())
    )


def test_without_the_new_aldermans_address_the_move_warns_and_tells_nobody(
    vix: Any, region: Region, vix_env: Path
) -> None:
    zandvoort_regievoerder(vix, alderman=False)
    match_id = held_by_haarlem(vix, region)
    lower = escalated_to_haarlem(vix, region, vix_env, match_id)
    moved = ok(
        vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz, now=MOVED)
    )
    assert alderman_notices(vix_env) == []
    assert len(moot_withdrawals(vix_env)) == 1 + len(lower)
    said = " ".join(moved.stderr.split())
    assert f"Let op, match {match_id}:" in said
    assert "geen e-mailadres van de wethouder Jeugd van Zandvoort bekend" in said
    assert "--wethouder-email" in said


def test_a_pupil_list_that_moves_the_youth_redirects_the_notice_to_the_alderman(
    vix: Any, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    first = write_list(tmp_path / "a.csv", [pupil(BSN_ANNA, town="Haarlem")])
    ok(vix("import", "leerlingen", str(first), "--organisatie", "ZON", als=ADMIN))
    escalated_to_haarlem(vix, region, vix_env, match_id)
    later = write_list(tmp_path / "b.csv", [pupil(BSN_ANNA, town="Zandvoort")])
    done = vix("import", "leerlingen", str(later), "--organisatie", "ZON", als=ADMIN, now=MOVED)
    # the school is not told of the match's escalation (rule 16)
    assert "opschaal" not in ok(done).stdout + done.stderr
    assert [n["recipient_email"] for n in alderman_notices(vix_env)] == ["wethouder@zandvoort.nl"]
    assert_lower_levels_tell_zandvoort(vix_env, match_id, "cliëntmatch")
    assert {a["actor_id"] for a in moot_withdrawals(vix_env)} == {pid(vix_env, ADMIN)}


def test_a_family_match_that_goes_to_zandvoort_takes_its_alderman_notice_along(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """The Haarlem youth of a family match leaves it (her signal is withdrawn) while
    the notice to Haarlem's alderman waits: the match is Zandvoort's, and so is it."""
    zandvoort_regievoerder(vix)
    match_id = family_held_by_haarlem(vix, region)
    escalated_to_haarlem(vix, region, vix_env, match_id)
    [anna] = as_json(vix("signalen", "--json", als=region.school))
    ok(vix("intrekken", str(anna["id"]), "--reden", "weggenomen", als=region.school, now=MOVED))
    assert_held_by_zandvoort(vix, region, vix_env, match_id)
    [notice] = alderman_notices(vix_env)
    assert notice["recipient_email"] == "wethouder@zandvoort.nl"
    assert f"Match: {match_id} (gezinsmatch), gemeente Zandvoort" in notice["body"]
    for child in ("Anna", "Bram", "Cas"):
        assert child not in notice["body"]
    # the school left: its manager's level-1 notice went (organisation_left); the
    # coordinator's level-2 notice names Zandvoort now
    assert [n["kind"] for n in lower_notices(vix_env, match_id)] == ["escalatie_2"]
    assert_lower_levels_tell_zandvoort(vix_env, match_id, "gezinsmatch")
    assert {a["actor_id"] for a in moot_withdrawals(vix_env)} == {pid(vix_env, region.school)}


def test_unsent_notices_of_levels_one_and_two_follow_the_move(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """Before the mail goes out, Anna moves to Zandvoort. The school's manager and the
    coordinator are not sent to Haarlem's regievoerder, who no longer holds the request
    nor sees the match: their notices tell the municipality and regievoerder of now,
    with the facts their steps told, to the same recipients."""
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    escalated_to_haarlem(vix, region, vix_env, match_id)
    before = lower_notices(vix_env, match_id)
    assert [(n["kind"], n["recipient_email"]) for n in before] == [
        ("escalatie_1", region.manager),
        ("escalatie_2", region.coordinator),
    ]
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz, now=MOVED))
    after = lower_notices(vix_env, match_id)
    assert [(n["kind"], n["recipient_email"], n["status"]) for n in after] == [
        (n["kind"], n["recipient_email"], "queued") for n in before
    ]
    assert {n["id"] for n in after}.isdisjoint(n["id"] for n in before)
    for old, new in zip(before, after, strict=True):
        assert "gemeente Haarlem" in old["body"] and "regievoerder: Rita Regie" in old["body"]
        # the same notice, told where the match is now
        told = old["body"].replace("gemeente Haarlem", "gemeente Zandvoort")
        assert new["body"] == told.replace("regievoerder: Rita Regie", "regievoerder: Ruud Regie")
    assert_lower_levels_tell_zandvoort(vix_env, match_id, "cliëntmatch")


def test_the_new_alderman_hears_of_a_step_the_old_one_was_sent(
    vix: Any, region: Region, vix_env: Path, smtp: Server
) -> None:
    """Haarlem's alderman was sent the notice of the last step; then Anna moves to
    Zandvoort while the match still has no agreement. The alderman of where she lives
    now is told too (once), with the match as it is now; nothing else goes again."""
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    escalated_to_haarlem(vix, region, vix_env, match_id)
    mail_run(vix, region)
    sent = len(smtp.mailbox.messages)
    moved = ok(
        vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz, now=MOVED)
    )
    told = alderman_notices(vix_env)
    assert [(n["recipient_email"], n["status"]) for n in told] == [
        ("wethouder@haarlem.nl", "sent"),
        ("wethouder@zandvoort.nl", "queued"),
    ]
    body = told[1]["body"]
    assert "Geachte Z. Wethouder" in body
    assert f"Match: {match_id} (cliëntmatch), gemeente Zandvoort" in body
    assert "regievoerder: Ruud Regie" in body
    assert "ontstaan op 23-11-2026" in body and "Over tijd sinds 01-12-2026" in body
    for word in ("Haarlem", "Anna", "Vries", BSN_ANNA):
        assert word not in body
    said = " ".join(moved.stderr.split())
    assert (
        f"Match {match_id} is opgeschaald tot de wethouder Jeugd en stagneert nog: de "
        "wethouder Jeugd van Zandvoort krijgt nu ook het opschaalbericht (niveau 3)." in said
    )
    # nothing was withdrawn, and the sent notices of levels 1 and 2 do not go again
    assert moot_withdrawals(vix_env) == []
    assert {n["status"] for n in lower_notices(vix_env, match_id)} == {"sent"}
    mail_run(vix, region)
    subjects = [
        (str(m["To"]), str(m["Subject"]))
        for m in smtp.mailbox.messages[sent:]
        if "stagneert" in str(m["Subject"])
    ]
    assert subjects == [
        (
            '"Z. Wethouder" <wethouder@zandvoort.nl>',
            f"Verwijsindex: match {match_id} stagneert (opschaling niveau 3)",
        )
    ]

    # a second move to Zandvoort's neighbour and back does not tell anyone twice
    back = ok(
        vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "HAARLEM", als=region.jgz, now=LATE)
    )
    assert [n["recipient_email"] for n in alderman_notices(vix_env)] == [
        "wethouder@haarlem.nl",
        "wethouder@zandvoort.nl",
    ]
    assert "opschaalbericht" not in back.stderr


def test_a_move_back_withdraws_the_new_aldermans_notice_the_old_one_had(
    vix: Any, region: Region, vix_env: Path, smtp: Server
) -> None:
    """Sent to Haarlem's alderman, queued for Zandvoort's after a move; Anna moves back
    before the mail goes out: Zandvoort's is withdrawn, Haarlem's alderman is not told
    again."""
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    escalated_to_haarlem(vix, region, vix_env, match_id)
    mail_run(vix, region)
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz, now=MOVED))
    back = ok(
        vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "HAARLEM", als=region.jgz, now=LATE)
    )
    assert [(n["recipient_email"], n["status"]) for n in alderman_notices(vix_env)] == [
        ("wethouder@haarlem.nl", "sent")
    ]
    assert len(moot_withdrawals(vix_env)) == 1
    assert (
        f"Het nog niet verstuurde opschaalbericht (niveau 3) bij match {match_id} aan de "
        "wethouder Jeugd van de vorige gemeente is ingetrokken; de wethouder Jeugd van "
        "Haarlem had het al." in " ".join(back.stderr.split())
    )


@pytest.mark.parametrize("done", [None, "afstemming"])
def test_the_new_alderman_is_told_only_while_the_step_still_holds(
    vix: Any, region: Region, vix_env: Path, smtp: Server, done: str | None
) -> None:
    """Once the regievoerder recorded the agreement after the alderman was told, what
    the step asked is done: the move tells the new alderman nothing."""
    zandvoort_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    escalated_to_haarlem(vix, region, vix_env, match_id)
    mail_run(vix, region)
    if done is not None:
        ok(vix(done, str(match_id), als=region.regie, now="2026-12-15T08:00"))
    moved = ok(
        vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz, now=MOVED)
    )
    told = [n["recipient_email"] for n in alderman_notices(vix_env)]
    if done is None:
        assert told == ["wethouder@haarlem.nl", "wethouder@zandvoort.nl"]
        assert "krijgt nu ook het opschaalbericht" in " ".join(moved.stderr.split())
    else:
        assert told == ["wethouder@haarlem.nl"]
        assert "opschaalbericht" not in moved.stderr


def test_a_move_to_a_municipality_without_the_aldermans_address_warns(
    vix: Any, region: Region, vix_env: Path, smtp: Server
) -> None:
    zandvoort_regievoerder(vix, alderman=False)
    match_id = held_by_haarlem(vix, region)
    escalated_to_haarlem(vix, region, vix_env, match_id)
    mail_run(vix, region)
    moved = ok(
        vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz, now=MOVED)
    )
    assert [n["recipient_email"] for n in alderman_notices(vix_env)] == ["wethouder@haarlem.nl"]
    said = " ".join(moved.stderr.split())
    assert f"Let op, match {match_id} is opgeschaald tot de wethouder Jeugd en stagneert" in said
    assert "geen e-mailadres van de wethouder Jeugd van Zandvoort bekend" in said


# -- unsent escalation notices tell who holds the request now (rules 12, 13) ------------


def handed_over_withdrawals(db: Path) -> list[int]:
    return [
        int(r[0])
        for r in db_rows(
            db,
            "SELECT entity_id FROM audit_log WHERE action = 'withdraw'"
            " AND json_extract(detail, '$.reden') = 'handed_over' ORDER BY entity_id",
        )
    ]


def escalation_notices(db: Path, match_id: int) -> list[Any]:
    return db_rows(
        db,
        "SELECT id, kind, recipient_email, status, body FROM outbox"
        " WHERE kind LIKE 'escalatie%' AND match_id = ? ORDER BY kind, id",
        (match_id,),
    )


def test_unsent_escalation_notices_name_the_municipality_s_new_regievoerder(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """Anna's match stagnated up to the alderman while Rita held the request; before the
    mail goes out, Haarlem records Roos as its regievoerder. The manager, the
    coordinator and the alderman are not sent to Rita: their notices are told again
    to the same recipients with the facts their steps told, naming Roos (review)."""
    match_id = held_by_haarlem(vix, region)
    escalated_to_haarlem(vix, region, vix_env, match_id)
    before = escalation_notices(vix_env, match_id)
    assert [n["kind"] for n in before] == ["escalatie_1", "escalatie_2", "escalatie_3"]
    second_haarlem_regievoerder(vix)
    ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN, now=MOVED))
    after = escalation_notices(vix_env, match_id)
    assert [(n["kind"], n["recipient_email"], n["status"]) for n in after] == [
        (n["kind"], n["recipient_email"], "queued") for n in before
    ]
    assert {n["id"] for n in after}.isdisjoint(n["id"] for n in before)
    for old, new in zip(before, after, strict=True):
        assert "regievoerder: Rita Regie" in old["body"]
        assert new["body"] == old["body"].replace("Rita Regie", "Roos Regie")
    assert {n["id"] for n in before} <= set(handed_over_withdrawals(vix_env))


def test_unsent_escalation_notices_tell_that_the_request_waits_after_a_deactivation(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """Rita is deactivated before the mail goes out: the request waits for a regievoerder,
    so the notices no longer name her, and the alderman is asked to see that the
    municipality records one instead of having Rita appoint a care coordinator."""
    match_id = held_by_haarlem(vix, region)
    escalated_to_haarlem(vix, region, vix_env, match_id)
    before = escalation_notices(vix_env, match_id)
    ok(vix("professional", "deactiveer", region.regie, als=ADMIN, now=MOVED))
    after = escalation_notices(vix_env, match_id)
    assert [(n["kind"], n["recipient_email"]) for n in after] == [
        (n["kind"], n["recipient_email"]) for n in before
    ]
    for n in after:
        assert "Rita Regie" not in n["body"] and n["status"] == "queued"
    assert "zorgen dat de gemeente een regievoerder vastlegt" in " ".join(after[2]["body"].split())
    assert {n["id"] for n in before} <= set(handed_over_withdrawals(vix_env))
