"""A match notice's 'Wat nu' fits what the match has recorded (rule 12).

A new or changed match tells its members what to do next: make contact within the
region's working days, agree who does what, and have the match director record the
agreement. Once contact or the agreement is recorded, a notice about a newcomer or a
member who left must not ask for what is done already ('vix afstemming' refuses a
second agreement): it says what is recorded and what is left to do.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    P_MOTHER,
    Region,
    Runner,
    db_rows,
    flat,
    new_youth,
    ok,
)
from test_notice_withdrawal import at, withdraw

T0 = "2026-11-23T10:00:00"
T1 = "2026-11-23T10:05:00"
T2 = "2026-11-24T10:00:00"  # after contact and agreement
T3 = "2026-11-25T10:00:00"
ANNA = new_youth(BSN_ANNA, "Anna")


def bodies(vix_env: Path, since: int = 0) -> dict[str, str]:
    """The (flattened) body of each notice queued after outbox id `since`, by recipient."""
    rows = db_rows(
        vix_env, "SELECT recipient_email, body FROM outbox WHERE id > ? ORDER BY id", (since,)
    )
    return {r["recipient_email"]: flat(r["body"]) for r in rows}


def last_id(vix_env: Path) -> int:
    return int(db_rows(vix_env, "SELECT coalesce(max(id), 0) FROM outbox")[0][0])


def matched(vix: Runner, region: Region) -> int:
    """The school and JGZ signal Anna: match 1, JGZ (not education) its director."""
    at(vix, T0, region.school, *ANNA)
    found = at(vix, T1, region.jgz, *ANNA)
    return int(found["matches"][0]["id"])


def test_a_new_match_asks_for_contact_and_the_agreement(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = matched(vix, region)
    told = bodies(vix_env)
    school, jgz = told[region.school], told[region.jgz]
    assert "Al vastgelegd" not in school
    assert (
        "Wat nu: neem binnen 5 werkdagen contact op met de andere betrokkenen en spreek samen "
        "af wie wat doet." in school
    )
    assert (
        f"De matchregisseur legt de datum van afstemming vast met 'vix afstemming {match_id}'"
        in school
    )
    # the director is told that it is his or her step
    assert (
        f"Als matchregisseur legt u de datum van afstemming vast met 'vix afstemming {match_id}'"
        in jgz
    )


def test_a_newcomer_after_the_agreement_is_not_asked_for_it_again(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The finding: after 'vix contact' and 'vix afstemming', youth care joins; every notice
    still said "neem binnen 5 werkdagen contact ... legt de datum van afstemming vast"."""
    match_id = matched(vix, region)
    ok(vix("contact", str(match_id), als=region.school, now=T1))
    ok(vix("afstemming", str(match_id), als=region.jgz, now=T1))
    before = last_id(vix_env)
    at(vix, T2, region.care, *ANNA)
    told = bodies(vix_env, before)
    assert set(told) == {region.school, region.jgz, region.care}
    recorded = "Al vastgelegd: contact op 23-11-2026, afstemming (wie wat doet) op 23-11-2026."
    for body in told.values():
        assert recorded in body
        assert "vix afstemming" not in body
        assert (
            f"Is de afgesproken actie uitgevoerd, leg dat dan vast met 'vix actie {match_id}'."
            in body
        )
    assert (
        "Wat nu: neem binnen 5 werkdagen contact op met Hans Hulp over de afspraken en wat "
        "ieder daarin doet." in told[region.school]
    )
    assert (
        "Wat nu: neem binnen 5 werkdagen contact op met de andere betrokkenen over de afspraken"
        in told[region.care]
    )
    # a member leaves: nobody new to contact, the agreement may need a look
    ok(vix("actie", str(match_id), als=region.school, now=T2))
    before = last_id(vix_env)
    care = db_rows(
        vix_env,
        "SELECT id FROM signals WHERE professional_id ="
        " (SELECT id FROM professionals WHERE email = ?)",
        (region.care,),
    )[0][0]
    withdraw(vix, care, region.care, T3, reason="weggenomen")
    told = bodies(vix_env, before)
    assert set(told) == {region.school, region.jgz}
    for body in told.values():
        assert "de afgesproken actie op 24-11-2026." in body
        assert "Wat nu: ga met de andere betrokkenen na of de afspraken nog kloppen." in body
        assert (
            "neem binnen" not in body and "vix actie" not in body and "vix afstemming" not in body
        )


def test_after_contact_a_newcomer_is_to_be_contacted_and_the_agreement_is_still_asked(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = matched(vix, region)
    ok(vix("contact", str(match_id), als=region.school, now=T1))
    before = last_id(vix_env)
    at(vix, T2, region.care, *ANNA)
    school = bodies(vix_env, before)[region.school]
    assert "Al vastgelegd: contact op 23-11-2026. Wie wat doet, is nog niet vastgelegd." in school
    assert "contact op met Hans Hulp en spreek samen af wie wat doet." in school
    assert f"'vix afstemming {match_id}'" in school


def test_a_milestone_the_deleted_signal_took_along_is_not_told_as_recorded(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """School and youth care match, the school records contact; JGZ joins later. Youth care's
    signal proves unjustified: the match that is left arose when JGZ joined, and the contact
    (with youth care) goes (docs/README-followup.md). The notices that tell the school and
    JGZ that youth care left are written after that, so they do not say it is recorded."""
    at(vix, T0, region.school, *ANNA)
    care = at(vix, T1, region.care, *ANNA)
    match_id = int(care["matches"][0]["id"])
    ok(vix("contact", str(match_id), als=region.school, now=T1))
    at(vix, T2, region.jgz, *ANNA)
    with sqlite3.connect(vix_env) as conn:  # the mail run went: both know of youth care
        conn.execute("UPDATE outbox SET status = 'sent'")
    before = last_id(vix_env)
    withdraw(vix, care["signal_id"], region.care, T3)
    assert db_rows(vix_env, "SELECT count(*) FROM match_milestones")[0][0] == 0
    told = bodies(vix_env, before)
    assert set(told) == {region.school, region.jgz}
    for body in told.values():
        assert "Niet meer betrokken: Hans Hulp." in body
        assert "Al vastgelegd" not in body
        assert "neem binnen 5 werkdagen contact met elkaar op" in body
    # JGZ leads now that youth care is gone, and is told that the agreement is its step
    assert (
        f"Als matchregisseur legt u de datum van afstemming vast met 'vix afstemming {match_id}'"
        in told[region.jgz]
    )


def test_a_director_named_after_the_agreement_is_not_asked_to_record_it(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The lead notices follow the same rule: JGZ recorded the agreement, then the lead goes
    to the school; the school's notice says the agreement is recorded, and does not ask
    for 'vix afstemming' (which it would refuse). Before the agreement it does."""
    match_id = matched(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz, now=T1))
    [(asked,)] = db_rows(vix_env, "SELECT body FROM outbox WHERE kind = 'regie_regisseur'")
    assert f"legt u de datum van die afstemming vast met 'vix afstemming {match_id}'" in flat(asked)
    ok(vix("afstemming", str(match_id), als=region.school, now=T2))
    ok(vix("regie", str(match_id), "--regisseur", region.jgz, als=region.school, now=T2))
    [(_, told)] = db_rows(
        vix_env,
        "SELECT id, body FROM outbox WHERE kind = 'regie_regisseur' ORDER BY id DESC LIMIT 1",
    )
    assert "Wie wat doet, is al afgesproken: de afstemming is vastgelegd op 24-11-2026." in flat(
        told
    )
    assert "vix afstemming" not in told


@pytest.mark.parametrize(
    ("reason", "start", "recorded"),
    [
        # should never have been placed: the family match that is left arose when youth
        # care came in, and the contact the school made before that goes
        ("bezwaar", "2026-11-24T10:00:00", False),
        # real involvement (rule 15 deletes it all the same): the match keeps its start
        # and its contact, and the notices say so
        ("verwijderverzoek", T1, True),
    ],
)
def test_an_erasure_moves_the_start_told_in_the_notices_only_for_an_unlawful_signal(
    vix: Runner, region: Region, vix_env: Path, reason: str, start: str, recorded: bool
) -> None:
    """The school signals Anna, JGZ her brother Bram: a family match, and the school records
    contact. Youth care signals their sister Cas. Anna's signals are erased: the family match
    goes on with JGZ and youth care, who are told that the school left. Only an upheld
    objection moves the match's start (`notices.UNLAWFUL`); the notices are written after
    that, and tell a contact as recorded only if it still is."""
    family = {"parents": (P_MOTHER,)}
    at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", **family))
    bram = at(vix, T1, region.jgz, *new_youth(BSN_BRAM, "Bram", **family))
    match_id = int(bram["matches"][0]["id"])
    ok(vix("contact", str(match_id), als=region.school, now=T1))
    at(vix, T2, region.care, *new_youth(BSN_CAS, "Cas", **family))
    with sqlite3.connect(vix_env) as conn:  # the mail run went: all know of each other
        conn.execute("UPDATE outbox SET status = 'sent'")
    before = last_id(vix_env)
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", reason, als=region.coordinator, now=T3))
    [(created, ended)] = db_rows(
        vix_env, "SELECT created_at, ended_at FROM matches WHERE id = ?", (match_id,)
    )
    assert (created, ended) == (start, None)
    milestones = db_rows(vix_env, "SELECT count(*) FROM match_milestones")[0][0]
    assert milestones == (1 if recorded else 0)
    told = bodies(vix_env, before)
    # the school hears that its signal went, nothing of the match (test_erasure_notice.py)
    assert told.pop(region.school).startswith("Beste Ineke Bos, Uw signaal 1,")
    assert set(told) == {region.jgz, region.care}
    for body in told.values():
        assert "Niet meer betrokken:" in body and "Anna" not in body
        assert ("Al vastgelegd: contact op 23-11-2026." in body) is recorded


def test_an_objection_moves_the_start_past_an_archived_signal_before_the_notices(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """As above, but the school withdrew its signal on Anna ('weggenomen', archived) before
    another school signalled her. The objection deletes both, the archived one too, in one
    step: the family match that is left arose when youth care came in, and the notice that
    the other school left is written after the start moved past both, so it does not tell
    the school's contact as recorded (it would, with the archived signal still counted)."""
    family = {"parents": (P_MOTHER,)}
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", **family))
    bram = at(vix, T1, region.jgz, *new_youth(BSN_BRAM, "Bram", **family))
    match_id = int(bram["matches"][0]["id"])
    ok(vix("contact", str(match_id), als=region.school, now=T1))
    at(vix, T2, region.care, *new_youth(BSN_CAS, "Cas", **family))
    withdraw(vix, school["signal_id"], region.school, "2026-11-24T10:05:00", "weggenomen")
    at(vix, "2026-11-24T10:10:00", region.school2, *new_youth(BSN_ANNA, "Anna", **family))
    with sqlite3.connect(vix_env) as conn:
        conn.execute("UPDATE outbox SET status = 'sent'")
    before = last_id(vix_env)
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator, now=T3))
    created = db_rows(vix_env, "SELECT created_at FROM matches WHERE id = ?", (match_id,))
    assert created[0][0] == T2
    assert db_rows(vix_env, "SELECT count(*) FROM match_milestones")[0][0] == 0
    told = bodies(vix_env, before)
    # the other school's signal was active: it hears that it went; the archived one ended
    # already, so the school relies on nothing and hears nothing
    assert "Uw signaal" in told.pop(region.school2)
    assert set(told) == {region.jgz, region.care}
    for body in told.values():
        assert "Niet meer betrokken:" in body
        assert "Al vastgelegd" not in body


def test_a_notice_about_a_match_past_its_agreement_term_gives_no_fresh_term(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Youth care joins match 1 ten working days after it arose, with no agreement yet:
    `vix stagnatie` lists it, yet every notice said "neem binnen 5 werkdagen contact
    op", a fresh term the coordinators do not give (a reviewer found it after an
    agreement went with a signal deleted as unjustified). A match still inside its
    term keeps the term."""
    matched(vix, region)
    before = last_id(vix_env)
    at(vix, "2026-12-07T10:00:00", region.care, *ANNA)
    told = bodies(vix_env, before)
    late = (
        "Wat nu: de afstemming is over tijd (10 werkdagen sinds het ontstaan van de match, "
        "termijn 5)."
    )
    for who, with_whom in (
        (region.school, "met Hans Hulp"),
        (region.care, "met de andere betrokkenen"),
    ):
        assert late in told[who]
        assert f"Neem nu contact op {with_whom} en spreek samen af wie wat doet." in told[who]
        assert (
            "Tot dat is vastgelegd, kan de regionaal coördinator de match opschalen." in told[who]
        )
        assert "binnen 5 werkdagen" not in told[who]
    stagnating = ok(vix("stagnatie", als=region.coordinator, now="2026-12-07T11:00:00")).stdout
    assert "geen afstemming na 10 werkdagen (termijn 5)" in stagnating


def test_an_overdue_match_with_contact_recorded_asks_only_for_the_agreement(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Contact is recorded, the agreement is not, and the term is past when a member
    leaves: the others are not asked to make contact again (a reviewer's finding)."""
    match_id = matched(vix, region)
    care = at(vix, T2, region.care, *ANNA)["signal_id"]
    ok(vix("contact", str(match_id), als=region.school, now=T2))
    before = last_id(vix_env)
    withdraw(vix, care, region.care, "2026-12-08T10:00:00", reason="weggenomen")
    told = bodies(vix_env, before)
    for who in (region.school, region.jgz):
        assert "Al vastgelegd: contact op 24-11-2026." in told[who]
        assert "Wat nu: de afstemming is over tijd (11 werkdagen" in told[who]
        assert "Spreek nu af wie wat doet." in told[who]
        assert "contact met elkaar op" not in told[who]
