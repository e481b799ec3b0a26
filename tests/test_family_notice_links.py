"""Notices about a family match that name no child are the family's children's.

A lead notice (`vix regie`) and an escalation notice (`vix stagnatie --escaleer`)
name no youth, but list the members of the match with their phone and e-mail, or
its organisations. They were linked to no youth: when every child of the family
was erased (on a request, at death, at 23) or an upheld objection deleted the
match, they stayed in the outbox with everyone's contact details, and no child's
inzage listed them. Now they are linked to the youths of the match when queued
(`notices.link_match_youths`; migration 0029 for older ones): they go as the
notices that name the children do, and each child's inzage lists them, without
naming the other child's professionals (rule 7).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from test_notice_endings import sent
from test_notice_withdrawal import at

from vix.db import _M0029_LINKS
from vix.reports import OTHER_FAMILY_MEMBER

T0 = "2026-12-01T10:00:00"
T1 = "2026-12-01T10:05:00"
LEAD = "2026-12-02T10:00:00"
STAGNATION = "2026-12-18T10:00:00"
LATER = "2027-01-05T10:00:00"


def family(vix: Runner, region: Region, anna_born: str = "03-04-2014") -> int:
    """The school signals Anna, youth care her brother Bram (one mother): a family match,
    which youth care asks the school to lead (a notice to the school listing Hans Hulp of
    youth care, with his phone), and which stagnates: the school's organisation manager
    is told (level 1). Its number."""
    at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", born=anna_born, parents=(P_MOTHER,)))
    bram = at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    [match] = [m["id"] for m in bram["matches"] if m["kind"] == "family"]
    ok(vix("regie", str(match), "--regisseur", region.school, als=region.care, now=LEAD))
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=STAGNATION))
    return int(match)


def about_the_match(vix_env: Path) -> list[tuple[str, str]]:
    """(kind, recipient) of every lead and escalation notice in the outbox, sent or not."""
    rows = db_rows(
        vix_env,
        "SELECT kind, recipient_email FROM outbox"
        " WHERE kind LIKE 'regie_%' OR kind LIKE 'escalatie_%' ORDER BY id",
    )
    return [(r["kind"], r["recipient_email"]) for r in rows]


def inzage_notices(vix: Runner, region: Region, bsn: str, now: str) -> list[tuple[str, str]]:
    found: dict[str, Any] = as_json(
        vix("inzage", "--bsn", bsn, "--json", als=region.coordinator, now=now)
    )
    return [(n["kind"], n["recipient"]) for n in found["notices"]]


def test_each_child_s_inzage_lists_them_without_the_other_child_s_professionals(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna's inzage shows the school's lead notice and the notice to the school's manager
    by name (her own professionals); Bram's shows the same notices, to "a professional of
    another family member": the school is Anna's."""
    family(vix, region)
    told = about_the_match(vix_env)
    assert ("regie_regisseur", region.school) in told and ("escalatie_1", region.manager) in told
    anna = inzage_notices(vix, region, BSN_ANNA, LATER)
    assert ("gevraagd als matchregisseur", "Ineke Bos") in anna
    assert ("opgeschaald (niveau 1)", "Dirk Directeur") in anna
    bram = inzage_notices(vix, region, BSN_BRAM, LATER)
    assert ("gevraagd als matchregisseur", OTHER_FAMILY_MEMBER) in bram
    assert ("opgeschaald (niveau 1)", OTHER_FAMILY_MEMBER) in bram
    assert not any(who in ("Ineke Bos", "Dirk Directeur") for _, who in bram)


@pytest.mark.parametrize("reason", ["verwijderverzoek", "overlijden"])
def test_they_go_when_every_child_of_the_family_is_erased(
    vix: Runner, region: Region, vix_env: Path, reason: str
) -> None:
    """Sent and all: once both children are erased, nothing in the outbox lists the
    professionals who signalled them and how to reach them."""
    family(vix, region)
    sent(vix_env)
    for bsn in (BSN_ANNA, BSN_BRAM):
        ok(vix("jeugdige", "wis", bsn, "--reden", reason, als=region.coordinator, now=LATER))
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0
    assert about_the_match(vix_env) == []
    names = "SELECT count(*) FROM outbox WHERE kind <> 'signaal_gewist' AND body LIKE '%Hans Hulp%'"
    assert db_rows(vix_env, names)[0][0] == 0


def test_one_child_erased_takes_them_along_and_the_sibling_keeps_the_rest(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna is erased on request, Bram stays: the sent notices listed her signaller with
    his or her phone, so they go whole (as a match notice naming both children does);
    Bram's inzage lists no notice that is gone, and Anna's professionals nowhere."""
    family(vix, region)
    sent(vix_env)
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "verwijderverzoek", als=region.coordinator,
           now=LATER))  # fmt: skip
    assert about_the_match(vix_env) == []
    bram = inzage_notices(vix, region, BSN_BRAM, LATER)
    assert not any(kind.startswith(("gevraagd", "opgeschaald")) for kind, _ in bram)


def test_they_go_with_a_family_match_an_upheld_objection_deletes(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """An objection against the school's signal on Anna is upheld: the family match only
    it made goes (rule 15: as if it never existed), and with Anna the notices about it,
    sent or not. Before, they stayed without their match (match_id NULL), in nobody's
    inzage, naming youth care's Hans Hulp and the school's Ineke Bos."""
    family(vix, region)
    sent(vix_env)
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator, now=LATER))
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0
    assert about_the_match(vix_env) == []


def test_they_go_when_the_children_turn_23(vix: Runner, region: Region, vix_env: Path) -> None:
    """Anna turns 23: her signal and she go in the night run, and the notices that listed
    her school's signaller with them; Bram's inzage no longer lists them."""
    family(vix, region, anna_born="10-01-2004")
    sent(vix_env)
    done = ok(vix("onderhoud", als=region.coordinator, now="2027-01-10T03:00:00"))
    assert "1 gewist (23 jaar)" in done.stdout
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 1
    assert about_the_match(vix_env) == []
    assert not any(
        kind.startswith(("gevraagd", "opgeschaald"))
        for kind, _ in inzage_notices(vix, region, BSN_BRAM, "2027-01-10T10:00:00")
    )


def test_migration_0029_links_as_the_live_rule_does(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Migration 0029 carries a frozen copy of `notices.link_match_youths` (the youths whose
    signal is in the match when the notice is queued): for notices the live rule linked,
    the copy links the same youths."""
    family(vix, region)
    about = "SELECT id FROM outbox WHERE kind LIKE 'regie_%' OR kind LIKE 'escalatie_%'"
    links = (
        f"SELECT outbox_id, youth_id FROM outbox_youths WHERE outbox_id IN ({about}) ORDER BY 1, 2"
    )
    live = [tuple(r) for r in db_rows(vix_env, links)]
    assert {youth for _, youth in live} == {1, 2}
    with sqlite3.connect(vix_env) as conn:
        conn.execute(f"DELETE FROM outbox_youths WHERE outbox_id IN ({about})")
        for sql in _M0029_LINKS:
            conn.execute(sql)
    assert [tuple(r) for r in db_rows(vix_env, links)] == live


def test_a_notice_that_names_nobody_stays_the_sibling_s(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """A notice that the family match's request for regie waits for a regievoerder names
    neither a child nor a member: when Anna is erased it stays, Bram's only. The lead
    notice that listed her school's signaller goes whole."""
    match = family(vix, region)
    with sqlite3.connect(vix_env) as conn:  # as `followup.hand_over_requests` queues it
        conn.execute(
            "INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,"
            " recipient_email, subject, body, message_id, status)"
            " SELECT 900, ?, 'regie_wacht', ?, id, name, email, 'S', 'Match wacht', '<900@x>',"
            " 'sent' FROM professionals WHERE email = ?",
            (STAGNATION, match, region.coordinator),
        )
        conn.execute("INSERT INTO outbox_youths SELECT id, 900 FROM youths")
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "verwijderverzoek", als=region.coordinator,
           now=LATER))  # fmt: skip
    assert about_the_match(vix_env) == [("regie_wacht", region.coordinator)]
    links = db_rows(
        vix_env,
        "SELECT y.bsn FROM outbox_youths l JOIN youths y ON y.id = l.youth_id"
        " WHERE l.outbox_id = 900",
    )
    assert [r[0] for r in links] == [BSN_BRAM]


def test_the_inzage_of_a_family_match_escalated_to_the_coordinator_works(
    vix: Runner, region: Region
) -> None:
    """Level 2 goes to the regional coordinator: naming him in a child's inzage read a
    column the notice query did not select, and every child of the family got
    'Onverwachte fout (IndexError)' instead of the inzage."""
    family(vix, region)
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-29T10:00:00"))
    for bsn in (BSN_ANNA, BSN_BRAM):
        told = inzage_notices(vix, region, bsn, LATER)
        assert ("opgeschaald (niveau 2)", "Carla Coördinator") in told, told


def test_the_manager_of_a_school_whose_own_signal_ended_is_the_other_child_s(
    vix: Runner, region: Region
) -> None:
    """The school signalled Bram too and withdrew; the family match stagnates later while
    the school is in it for Anna alone. Its manager, told of that, was named in Bram's
    inzage (his organisation had held a signal on Bram, once)."""
    at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    own = at(vix, "2026-12-01T10:10:00", region.school, *new_youth(BSN_BRAM, "Bram"))
    withdrawn = ("intrekken", str(own["signal_id"]), "--reden", "weggenomen")
    ok(vix(*withdrawn, als=region.school, now="2026-12-02T09:00:00"))
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=STAGNATION))
    bram = inzage_notices(vix, region, BSN_BRAM, LATER)
    assert ("opgeschaald (niveau 1)", OTHER_FAMILY_MEMBER) in bram, bram
    assert not any(who == "Dirk Directeur" for _, who in bram)
