"""A signal deleted at once leaves nothing in the mail that was not sent yet (rule 15).

Notices are queued with the change that causes them and sent later by cron. When
a signal is deleted at once (unjustified, objection, erasure request, death, age
23) before that run, the notices that would tell others of its professional, or
tell him or her of the others, are withdrawn; a member who never heard of the
match is not told that it ended. What was already sent cannot be recalled: then
the usual end or change notice follows. Every test sends through a real SMTP
server on loopback and looks at what arrived.
"""

from __future__ import annotations

import json
import sqlite3
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    configure,
    db_rows,
    new_youth,
    ok,
)
from import_helpers import pupil, write_list
from smtp_server import Server, free_port_in
from test_move_regie import REGIE_Z, zandvoort_regievoerder

T0 = "2026-11-23T10:00:00"  # the first signal
T1 = "2026-11-23T10:05:00"  # the second: a match
T2 = "2026-11-23T10:10:00"
T3 = "2026-11-23T10:15:00"
T4 = "2026-11-23T10:20:00"
T5 = "2026-11-23T10:25:00"
T6 = "2026-11-23T10:30:00"

SCHOOL = "Ineke Bos"  # region.school, Basisschool De Zonnebloem
JGZ = "Karin Arts"  # region.jgz
CARE = "Hans Hulp"  # region.care
SCHOOL2 = "Erik Esdoorn"  # region.school2


def at(vix: Runner, now: str, als: str, *args: str) -> dict[str, Any]:
    """A signal placed at `now` (one minute apart: the stamps are to the second)."""
    found: dict[str, Any] = as_json(
        vix("signaleer", *args, "--ouders-geinformeerd", "20-11-2026", "--json", als=als, now=now)
    )
    return found


def send(vix: Runner, region: Region, now: str) -> None:
    ok(vix("berichten", "verstuur", als=region.coordinator, now=now))


def mail_to(smtp: Server, email: str) -> list[tuple[str, str]]:
    """(subject, body) of every message the server accepted for `email`, in order."""
    return [
        (str(make_header(decode_header(m["Subject"]))), _body(m))
        for m in smtp.mailbox.messages
        if email in str(m["To"])
    ]


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def withdraw(vix: Runner, signal_id: int, als: str, now: str, reason: str = "onterecht") -> None:
    ok(vix("intrekken", str(signal_id), "--reden", reason, als=als, now=now))


def test_an_unjustified_signal_withdrawn_before_the_mail_run_is_never_mailed(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The scenario: school and JGZ signal Sara, the school withdraws 'onterecht'."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Sara"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Sara"))
    queued = db_rows(vix_env, "SELECT recipient_email, kind FROM outbox ORDER BY id")
    assert [tuple(r) for r in queued] == [
        (region.school, "match_nieuw"),
        (region.jgz, "match_nieuw"),
    ]
    withdraw(vix, school["signal_id"], region.school, T2)
    send(vix, region, T3)
    # nothing tells JGZ of the school (no new match, no ended match), nor the school of JGZ
    assert smtp.mailbox.messages == []
    assert db_rows(vix_env, "SELECT count(*) FROM outbox")[0][0] == 0
    # JGZ's signal stands, in no match; the inzage lists no notice
    [own] = as_json(vix("signalen", "--json", als=region.jgz, now=T3))
    assert own["in_match"] is False
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=T3))
    assert z["notices"] == []
    assert [s["signaller"] for s in z["signals"]] == [JGZ]
    # the withdrawal is audited by outbox id, without the youth's number
    withdrawn = db_rows(
        vix_env,
        "SELECT actor_id, entity_id, subject, detail FROM audit_log"
        " WHERE action = 'withdraw' AND entity = 'notice' ORDER BY entity_id",
    )
    assert [r["entity_id"] for r in withdrawn] == [1, 2, 3], "two new-match notices, one ended"
    assert all(r["subject"] is None and BSN_ANNA not in r["detail"] for r in withdrawn)
    assert all('"reden": "unjustified"' in r["detail"] for r in withdrawn)
    # a withdrawn notice's number is never used again: the inzage of another youth
    # lists the audit records of its own notices by their number
    at(vix, T3, region.school2, *new_youth(BSN_BRAM, "Bram"))
    at(vix, T4, region.care, *new_youth(BSN_BRAM, "Bram"))
    ids = db_rows(vix_env, "SELECT id FROM outbox ORDER BY id")
    assert [r["id"] for r in ids] == [4, 5]
    bram = as_json(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator, now=T5))
    assert all(SCHOOL not in str(line) for line in bram["log"])
    assert [line["at"] for line in bram["log"] if "bericht" in line["action"]] == [T4, T4]


def test_a_third_organisation_still_hears_of_the_match_without_the_withdrawn_school(
    vix: Runner, region: Region, smtp: Server
) -> None:
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Sara"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Sara"))
    at(vix, T2, region.care, *new_youth(BSN_ANNA, "Sara"))
    withdraw(vix, school["signal_id"], region.school, T3)
    send(vix, region, T4)
    assert mail_to(smtp, region.school) == []
    for email, other in [(region.jgz, CARE), (region.care, JGZ)]:
        [(subject, body)] = mail_to(smtp, email)
        assert subject == "Verwijsindex: nieuwe match"
        assert other in body and "Sara Vries" in body
        assert SCHOOL not in body and "Zonnebloem" not in body


def test_what_was_sent_is_followed_up_and_what_was_not_is_withdrawn(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """JGZ already had the school's name: it hears that the school left. The youth care
    that joined later never had it: it hears of a match with JGZ only. The school does
    not learn of the youth care through a signal that should not have been."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Sara"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Sara"))
    send(vix, region, T1)
    at(vix, T2, region.care, *new_youth(BSN_ANNA, "Sara"))
    withdraw(vix, school["signal_id"], region.school, T3)
    send(vix, region, T4)
    assert [s for s, _ in mail_to(smtp, region.school)] == ["Verwijsindex: nieuwe match"]
    jgz = mail_to(smtp, region.jgz)
    assert [s for s, _ in jgz] == [
        "Verwijsindex: nieuwe match",
        "Verwijsindex: wijziging in een match",  # the youth care joined
        "Verwijsindex: wijziging in een match",  # the school left
    ]
    assert f"Niet meer betrokken: {SCHOOL}" in jgz[-1][1]
    [(subject, body)] = mail_to(smtp, region.care)
    assert subject == "Verwijsindex: nieuwe match"
    assert JGZ in body and SCHOOL not in body and "Zonnebloem" not in body


def test_members_who_never_heard_of_the_withdrawn_signal_are_told_nothing(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """JGZ and youth care have a match; the school joins and withdraws 'onterecht'
    before the next run: for JGZ and youth care nothing changed."""
    at(vix, T0, region.jgz, *new_youth(BSN_ANNA, "Sara"))
    at(vix, T1, region.care, *new_youth(BSN_ANNA, "Sara"))
    send(vix, region, T1)
    school = at(vix, T2, region.school, *new_youth(BSN_ANNA, "Sara"))
    withdraw(vix, school["signal_id"], region.school, T3)
    send(vix, region, T4)
    assert len(smtp.mailbox.messages) == 2, "only the two notices of the first run"
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=T4))
    assert {n["recipient"] for n in z["notices"]} == {JGZ, CARE}
    assert all(n["status"] == "verstuurd" for n in z["notices"])


@pytest.mark.parametrize("how", ["onterecht", "bezwaar", "verwijderverzoek", "overlijden", "23"])
def test_a_family_match_ended_by_a_deletion_is_never_mailed(
    vix: Runner, region: Region, smtp: Server, vix_env: Path, how: str
) -> None:
    """The school signals Anna, youth care her brother Bram: a family match. The
    school's signal is deleted at once before the mail run, for every reason
    rule 15 names. Bram stays (his signal stands), so the notice naming the school
    to youth care is not erased with Anna: it is withdrawn with her signal."""
    born = "25-11-2003" if how == "23" else "03-04-2014"  # 23 on 25-11-2026
    anna = new_youth(BSN_ANNA, "Anna", born=born, parents=(P_MOTHER,))
    school = at(vix, T0, region.school, *anna)
    at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_MOTHER,)))
    assert db_rows(vix_env, "SELECT kind FROM matches")[0][0] == "family"
    if how == "onterecht":
        withdraw(vix, school["signal_id"], region.school, T2)
    elif how == "23":
        ok(vix("onderhoud", als=region.coordinator, now="2026-11-25T06:00:00"))
    else:
        ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", how, als=region.coordinator, now=T2))
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1, "Bram's signal stands"
    send(vix, region, "2026-11-25T07:00:00")
    # on a request of the parents or the youth, the school hears that its signal went, in a
    # notice that names nobody (tests/test_erasure_notice.py); nothing of the match
    requested = how in ("bezwaar", "verwijderverzoek")
    assert [m["To"] for m in smtp.mailbox.messages] == (
        [f"Ineke Bos <{region.school}>"] if requested else []
    )
    assert all("Anna" not in _body(m) and "Hans" not in _body(m) for m in smtp.mailbox.messages)


def test_an_upheld_objection_stops_the_unsent_notices_of_an_archived_signal(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """Archived ('weggenomen'), its notices stayed queued; then the parents' objection is
    upheld and the archive entry is deleted at once: what had not gone out, goes."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_MOTHER,)))
    withdraw(vix, school["signal_id"], region.school, T2, reason="weggenomen")
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator, now=T3))
    send(vix, region, T4)
    assert smtp.mailbox.messages == []


def test_a_family_match_that_goes_on_is_new_to_the_others_without_the_school(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """Three children of one mother, three organisations: the school's signal on Anna
    was unjustified. Youth care (Bram) and JGZ (Cas) still have a family match; each
    hears of it once, of the other only, and never of the other child (rule 7)."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    at(vix, T2, region.jgz, *new_youth(BSN_CAS, "Cas", parents=(P_MOTHER,)))
    withdraw(vix, school["signal_id"], region.school, T3)
    send(vix, region, T4)
    assert mail_to(smtp, region.school) == []
    for email, own, other, hidden in [
        (region.care, "Bram", JGZ, "Cas"),
        (region.jgz, "Cas", CARE, "Bram"),
    ]:
        [(subject, body)] = mail_to(smtp, email)
        assert subject == "Verwijsindex: nieuwe match"
        assert "gezinsmatch" in body and f"{own} Vries" in body and other in body
        assert SCHOOL not in body and "Anna" not in body and hidden not in body


def test_a_failed_notice_is_withdrawn_too(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """A notice the server refused for good never arrived: it goes like a queued one,
    and the coordinator's list of the outbox no longer shows it."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Sara"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Sara"))
    smtp.mailbox.rcpt_reply = "550 5.1.1 no such user"
    assert vix("berichten", "verstuur", als=region.coordinator, now=T1).exit_code == 1
    assert {r[0] for r in db_rows(vix_env, "SELECT status FROM outbox")} == {"failed"}
    withdraw(vix, school["signal_id"], region.school, T2)
    listed = as_json(vix("berichten", "--alles", "--json", als=region.coordinator, now=T2))
    assert listed["items"] == []
    smtp.mailbox.rcpt_reply = None
    send(vix, region, T3)
    assert smtp.mailbox.messages == []


def test_a_resolved_withdrawal_keeps_its_notices_an_unjustified_one_does_not(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """'weggenomen': the involvement was real and is archived, so JGZ hears of the match
    and that it ended. 'onterecht' (another school, another youth): youth care hears nothing."""
    resolved = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Sara"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Sara"))
    unjustified = at(vix, T0, region.school2, *new_youth(BSN_BRAM, "Bram"))
    at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram"))
    withdraw(vix, resolved["signal_id"], region.school, T2, reason="weggenomen")
    withdraw(vix, unjustified["signal_id"], region.school2, T2)
    send(vix, region, T3)
    jgz = mail_to(smtp, region.jgz)
    assert [s for s, _ in jgz] == ["Verwijsindex: nieuwe match", "Verwijsindex: match beëindigd"]
    assert SCHOOL in jgz[0][1]
    assert [s for s, _ in mail_to(smtp, region.school)] == ["Verwijsindex: nieuwe match"]
    assert mail_to(smtp, region.care) == []
    assert mail_to(smtp, region.school2) == []


def test_the_history_match_notice_of_an_unjustified_signal_is_withdrawn(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """Rule 10 tells a signaller who signalled before; a signal that should not have
    been placed is told nothing by mail (the answer on screen cannot be taken back)."""
    first = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Sara"))
    withdraw(vix, first["signal_id"], region.school, T1, reason="weggenomen")
    late = at(vix, T2, region.jgz, *new_youth(BSN_ANNA, "Sara"))
    assert [e["professional"] for e in late["earlier"]] == [SCHOOL]
    withdraw(vix, late["signal_id"], region.jgz, T3)
    send(vix, region, T4)
    assert smtp.mailbox.messages == []


# -- two deletions before one mail run --------------------------------------------------


# the SMTP ports of the tests of two deletions before one run (tests/test_mail_races.py too)
OWN_PORTS = range(8171, 8180)


@pytest.mark.parametrize("how", ["onterecht", "bezwaar", "bijgewerkt"])
def test_a_second_deletion_keeps_the_notice_that_the_first_signaller_left(
    vix: Runner, region: Region, vix_env: Path, how: str
) -> None:
    """School (X), JGZ and youth care are told of their match. The other school (Y) joins;
    then X's signal is deleted at once, and JGZ and youth care, who had X's name, are to
    hear that X left. Before the mail run Y's signal is deleted too: the notices that
    named Y go, and what comes instead must still say that X left. (Before migration
    0021 it did not: what they were told was read from the members' rows, and X's had
    gone with the signal.) 'onterecht': one youth's match, withdrawn as unjustified
    twice; 'bezwaar': a family match of four children, X's and Y's child each erased on
    an objection (`vix jeugdige wis`); 'bijgewerkt': as 'onterecht', on a database that a
    vix before 0021 made up to Y's signal, and this one brings up to date when X's is
    withdrawn."""
    family = how == "bezwaar"
    children = (
        [
            new_youth(bsn, name, parents=(P_MOTHER,))
            for bsn, name in [
                (BSN_ANNA, "Anna"),
                (BSN_BRAM, "Bram"),
                (BSN_CAS, "Cas"),
                (BSN_DAAN, "Daan"),
            ]
        ]
        if family
        else [new_youth(BSN_ANNA, "Sara")] * 4
    )
    server = Server(vix_env, free_port_in(OWN_PORTS)).start()
    try:
        configure(vix, region, server.port)
        x = at(vix, T0, region.school, *children[0])
        at(vix, T1, region.jgz, *children[2])
        at(vix, T2, region.care, *children[3])
        send(vix, region, T2)
        first_run = len(server.mailbox.messages)
        y = at(vix, T3, region.school2, *children[1])
        if how == "bijgewerkt":
            with sqlite3.connect(vix_env) as db:
                db.execute("ALTER TABLE outbox DROP COLUMN named")
                db.execute("DELETE FROM _sqlite_migrations WHERE name = '0021_outbox_named'")
            db.close()
        if family:
            ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", how, als=region.coordinator, now=T4))
            ok(vix("jeugdige", "wis", BSN_BRAM, "--reden", how, als=region.coordinator, now=T5))
        else:
            withdraw(vix, x["signal_id"], region.school, T4)
            withdraw(vix, y["signal_id"], region.school2, T5)
        send(vix, region, T6)
    finally:
        server.stop()
    assert any(SCHOOL in _body(m) for m in server.mailbox.messages[:first_run])
    second_run = server.mailbox.messages[first_run:]
    for email, other in [(region.jgz, CARE), (region.care, JGZ)]:
        [told] = [m for m in second_run if email in str(m["To"])]
        assert str(make_header(decode_header(told["Subject"]))) == (
            "Verwijsindex: wijziging in een match"
        )
        body = _body(told)
        assert f"Niet meer betrokken: {SCHOOL}." in body and "Nieuw betrokken" not in body
        assert other in body and SCHOOL2 not in body and "Esdoorn" not in body
    # neither school hears of anything after its signal went but, on an objection, that
    # it went (tests/test_erasure_notice.py)
    assert [m["Subject"] for m in second_run if "zonnebloem" in str(m["To"])] == (
        ["Verwijsindex: uw signaal is gewist"] if family else []
    )
    assert [m["Subject"] for m in second_run if "esdoorn" in str(m["To"])] == (
        ["Verwijsindex: uw signaal is gewist"] if family else []
    )


def test_a_notice_without_a_record_is_read_from_the_members_as_before(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """A match notice without a record of whom it named (NULL: 0021 gives one to every
    notice from before it, tests/test_db.py, but a NULL is not taken as "nobody") is
    read from the members at the time it was queued, as vix did before. JGZ and youth
    care were told of their match; both schools join, and the first withdraws as
    unjustified before the run: JGZ hears that the other school came in, and nothing
    of youth care, which it knew of."""
    server = Server(vix_env, free_port_in(OWN_PORTS)).start()
    try:
        configure(vix, region, server.port)
        at(vix, T0, region.jgz, *new_youth(BSN_ANNA, "Sara"))
        at(vix, T1, region.care, *new_youth(BSN_ANNA, "Sara"))
        send(vix, region, T1)
        x = at(vix, T2, region.school, *new_youth(BSN_ANNA, "Sara"))
        at(vix, T3, region.school2, *new_youth(BSN_ANNA, "Sara"))
        with sqlite3.connect(vix_env) as db:
            db.execute("UPDATE outbox SET named = NULL")
        db.close()
        withdraw(vix, x["signal_id"], region.school, T4)
        first_run = len(server.mailbox.messages)
        send(vix, region, T5)
    finally:
        server.stop()
    [told] = [m for m in server.mailbox.messages[first_run:] if region.jgz in str(m["To"])]
    assert str(make_header(decode_header(told["Subject"]))) == (
        "Verwijsindex: wijziging in een match"
    )
    body = _body(told)
    assert f"Nieuw betrokken: {SCHOOL2}." in body and "Niet meer betrokken" not in body
    assert SCHOOL not in body


# -- move notices (rule 11) --------------------------------------------------------------


def move(vix: Runner, number: str, town: str, als: str, now: str) -> None:
    ok(vix("jeugdige", "verhuis", number, "--gemeente", town, als=als, now=now))


def moves_to(smtp: Server, email: str) -> list[str]:
    return [body for subject, body in mail_to(smtp, email) if subject.endswith("verhuisd")]


def test_an_erased_youth_s_move_is_told_to_nobody(
    vix: Runner, region: Region, smtp: Server, vix_env: Path, tmp_path: Path
) -> None:
    """The school lists Anna as a pupil, so the youth stays when her signals go. Her move
    was recorded; then the parents' objection is upheld before the mail run. The move
    notices named the signallers to each other and to the regievoerder: all go."""
    pupils = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, town="Zandvoort")])
    ok(vix("import", "leerlingen", str(pupils), "--organisatie", "ZON", als=region.admin, now=T0))
    at(vix, T0, region.school, BSN_ANNA)
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    move(vix, BSN_ANNA, "HAARLEM", region.jgz, T2)
    assert {r[0] for r in db_rows(vix_env, "SELECT recipient_email FROM outbox")} == {
        region.school,
        region.jgz,
        region.regie,
    }
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator, now=T3))
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 1, "still a pupil"
    send(vix, region, T4)
    # only each signaller's notice that his or her signal went, which names no youth and
    # no one else (tests/test_erasure_notice.py): nothing to the regievoerder
    assert [m["To"] for m in smtp.mailbox.messages] == [
        f"Ineke Bos <{region.school}>",
        f"Karin Arts <{region.jgz}>",
    ]
    assert all("Anna" not in _body(m) for m in smtp.mailbox.messages)
    assert [r[0] for r in db_rows(vix_env, "SELECT kind FROM outbox")] == ["signaal_gewist"] * 2
    withdrawn = db_rows(
        vix_env, "SELECT detail FROM audit_log WHERE action = 'withdraw' AND entity = 'notice'"
    )
    assert withdrawn and all('"reden": "objection"' in r["detail"] for r in withdrawn)
    assert all(BSN_ANNA not in r["detail"] for r in withdrawn)


def test_after_an_unjustified_signal_the_move_is_told_without_it(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """School, JGZ and youth care signal Anna, who moves to Haarlem; the school's signal
    was unjustified. JGZ, youth care and the regievoerder hear of the move once, with
    the two who are left; the school hears of nobody."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    at(vix, T1, region.care, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    move(vix, BSN_ANNA, "HAARLEM", region.jgz, T2)
    withdraw(vix, school["signal_id"], region.school, T3)
    send(vix, region, T4)
    assert mail_to(smtp, region.school) == []
    for email in (region.jgz, region.care, region.regie):
        [body] = moves_to(smtp, email)
        assert "Anna Vries" in body and "gemeente Haarlem" in " ".join(body.split())
        assert JGZ in body and CARE in body
        assert SCHOOL not in body and "Zonnebloem" not in body
    assert len(db_rows(vix_env, "SELECT * FROM outbox WHERE kind = 'move'")) == 3


def test_a_move_notice_from_before_the_signal_or_already_sent_stays(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """JGZ and youth care hear of a first move (sent, and it could not name the school);
    the school joins, Anna moves again, the school withdraws 'onterecht'. What was sent
    stays sent; of the second move JGZ and youth care hear without the school."""
    at(vix, T0, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    at(vix, T0, region.care, *new_youth(BSN_ANNA, "Anna"))
    move(vix, BSN_ANNA, "ZANDVOORT", region.jgz, T1)
    send(vix, region, T1)
    school = at(vix, T2, region.school, *new_youth(BSN_ANNA, "Anna"))
    move(vix, BSN_ANNA, "HAARLEM", region.jgz, T3)
    withdraw(vix, school["signal_id"], region.school, T4)
    send(vix, region, T5)
    for email in (region.jgz, region.care):
        first, second = moves_to(smtp, email)
        assert "gemeente Zandvoort" in " ".join(first.split())
        assert "gemeente Haarlem" in " ".join(second.split()) and SCHOOL not in second
    assert mail_to(smtp, region.school) == []
    [(subject, body)] = mail_to(smtp, region.regie)
    assert subject == "Verwijsindex: jeugdige verhuisd" and SCHOOL not in body


def test_a_brother_s_move_notice_no_longer_tells_of_a_family_match_that_never_was(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """The school's unjustified signal on Anna made a family match with youth care's
    signal on her brother Bram. Bram's move notice said he is in a family match."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_MOTHER,)))
    move(vix, BSN_BRAM, "ZANDVOORT", region.care, T2)
    withdraw(vix, school["signal_id"], region.school, T3)
    send(vix, region, T4)
    [(subject, body)] = mail_to(smtp, region.care)
    assert subject == "Verwijsindex: jeugdige verhuisd"
    assert "Bram Smit" in body and "gezinsmatch" not in body
    assert "geen match op deze jeugdige" in body


# -- lead notices (rule 12) ----------------------------------------------------------------

RITA = "Rita Regie"  # region.regie, regievoerder of HAARLEM


def three_on_anna(vix: Runner, region: Region) -> tuple[int, int]:
    """School, JGZ and youth care signal Anna: (the school's signal, the match)."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    found = at(vix, T1, region.care, *new_youth(BSN_ANNA, "Anna"))
    return school["signal_id"], int(found["matches"][0]["id"])


def lead(vix: Runner, match_id: int, als: str, *args: str) -> None:
    ok(vix("regie", str(match_id), *args, als=als, now=T2))


@pytest.mark.parametrize("asker", ["jgz", "school"])
def test_the_regievoerder_is_asked_again_without_an_unjustified_member(
    vix: Runner, region: Region, smtp: Server, asker: str
) -> None:
    """The request listed the school with its contact details. Asked by JGZ, the new
    notice says so; asked by the school itself, it names nobody."""
    signal_id, match_id = three_on_anna(vix, region)
    lead(vix, match_id, getattr(region, asker), "--regievoerder")
    withdraw(vix, signal_id, region.school, T3)
    send(vix, region, T4)
    [(subject, body)] = mail_to(smtp, region.regie)
    assert subject == "Verwijsindex: verzoek om regie"
    assert JGZ in body and CARE in body and region.care in body
    assert SCHOOL not in body and "Zonnebloem" not in body and region.school not in body
    asked = f"{JGZ} vraagt u" if asker == "jgz" else "Een betrokkene vraagt u"
    assert asked in " ".join(body.split())
    assert mail_to(smtp, region.school) == []


def test_a_care_coordinator_is_told_again_without_an_unjustified_member(
    vix: Runner, region: Region, smtp: Server
) -> None:
    signal_id, match_id = three_on_anna(vix, region)
    lead(vix, match_id, region.jgz, "--regievoerder")
    ok(vix("zorgcoordinator", str(match_id), region.care, als=region.regie, now=T2))
    withdraw(vix, signal_id, region.school, T3)
    send(vix, region, T4)
    [(subject, body)] = mail_to(smtp, region.care)[-1:]
    assert subject == "Verwijsindex: u bent zorgcoördinator"
    assert f"{RITA} (regievoerder) heeft u aangewezen" in " ".join(body.split())
    assert JGZ in body and SCHOOL not in body and "Zonnebloem" not in body


def test_lead_notices_of_a_role_no_longer_held_or_to_the_unjustified_member_go(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The school makes youth care director, youth care hands the lead to the school.
    Youth care no longer leads, so its notice goes at once; when the school's signal
    goes, the school is out: neither gets a lead notice."""
    signal_id, match_id = three_on_anna(vix, region)
    lead(vix, match_id, region.school, "--regisseur", region.care)
    lead(vix, match_id, region.care, "--regisseur", region.school)
    withdraw(vix, signal_id, region.school, T3)
    send(vix, region, T4)
    assert [s for s, _ in mail_to(smtp, region.care)] == ["Verwijsindex: nieuwe match"]
    assert mail_to(smtp, region.school) == []
    assert db_rows(vix_env, "SELECT * FROM outbox WHERE kind LIKE 'regie%'") == []
    withdrawn = db_rows(
        vix_env,
        "SELECT detail FROM audit_log WHERE action = 'withdraw'"
        " AND entity_id IN (SELECT entity_id FROM audit_log WHERE action = 'queue'"
        " AND detail LIKE '%regie_regisseur%')",
    )
    assert sorted(json.loads(r[0])["reden"] for r in withdrawn) == [
        "director_changed",  # youth care's, when the school took the lead
        "unjustified",  # the school's
    ]


def test_a_request_of_a_match_that_ended_is_not_sent(
    vix: Runner, region: Region, smtp: Server
) -> None:
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna"))
    found = at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    lead(vix, int(found["matches"][0]["id"]), region.jgz, "--regievoerder")
    withdraw(vix, school["signal_id"], region.school, T3)
    send(vix, region, T4)
    assert smtp.mailbox.messages == []


def test_the_regievoerder_who_took_over_hears_of_the_request_again_without_the_member(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """After a move the new regievoerder's notice listed the school: it comes again,
    still saying why the request is his and where it was before."""
    zandvoort_regievoerder(vix)
    signal_id, match_id = three_on_anna(vix, region)
    lead(vix, match_id, region.jgz, "--regievoerder")
    move(vix, BSN_ANNA, "ZANDVOORT", region.jgz, T2)
    withdraw(vix, signal_id, region.school, T3)
    send(vix, region, T4)
    [body] = [b for s, b in mail_to(smtp, REGIE_Z) if s.startswith("Verwijsindex: verzoek om")]
    text = " ".join(body.split())
    assert "De jeugdige is naar uw gemeente verhuisd" in text
    assert f"Eerder lag het verzoek bij {RITA}" in text
    assert JGZ in body and CARE in body and SCHOOL not in body and region.school not in body


# -- escalation notices ---------------------------------------------------------------
# Three steps, a week apart, none mailed yet: the organisation managers of the
# members' organisations, the coordinator, the alderman. Each names the match's
# organisations and its director.

STEPS = ("2026-12-01T07:00:00", "2026-12-08T07:00:00", "2026-12-15T07:00:00")
AFTER = "2026-12-15T09:00:00"
SENT = "2026-12-15T10:00:00"
ALDERMAN = "wethouder@haarlem.nl"
ESCALATIONS = "SELECT kind, recipient_email, body FROM outbox WHERE kind LIKE 'escalatie%'"


def escalate_three_steps(vix: Runner, region: Region) -> None:
    for now in STEPS:
        ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=now))


def facts_line(body: str) -> str:
    """The line of an escalation notice that says how long the match stagnates."""
    [line] = [x for x in body.splitlines() if "(afgesproken termijn:" in x]
    return line


def test_an_unjustified_member_leaves_no_trace_in_the_escalations_not_yet_sent(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The school led Anna's match and its manager was told at level 1. Its signal
    was unjustified: the manager hears nothing, the coordinator and the alderman
    are told again, of JGZ and youth care only, with the facts the steps told."""
    signal_id, match_id = three_on_anna(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz, now=T2))
    escalate_three_steps(vix, region)
    before = {r["recipient_email"]: r["body"] for r in db_rows(vix_env, ESCALATIONS)}
    assert set(before) == {region.manager, region.coordinator, ALDERMAN}
    assert all("Basisschool De Zonnebloem" in b and SCHOOL in b for b in before.values())

    withdraw(vix, signal_id, region.school, AFTER)
    send(vix, region, SENT)
    assert mail_to(smtp, region.manager) == []
    for email in (region.coordinator, ALDERMAN):
        [(subject, body)] = mail_to(smtp, email)
        assert subject.startswith(f"Verwijsindex: match {match_id} stagneert")
        assert "Basisschool De Zonnebloem" not in body and SCHOOL not in body
        assert "Betrokken organisaties: JGZ Kennemerland, Jeugdhulp Kennemerland" in body
        assert facts_line(body) == facts_line(before[email])
    # the steps stay taken: the match did stagnate
    steps = db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,))
    assert [s[0] for s in steps] == [1, 2, 3]
    withdrawn = db_rows(
        vix_env,
        "SELECT detail FROM audit_log WHERE action = 'withdraw' AND entity = 'notice'"
        " AND entity_id IN (SELECT entity_id FROM audit_log WHERE action = 'queue'"
        " AND detail LIKE '%escalatie%')",
    )
    assert len(withdrawn) == 3
    assert all(f'"signaal": {signal_id}' in r[0] for r in withdrawn)


def test_an_escalation_of_a_match_that_ended_is_not_sent(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    escalate_three_steps(vix, region)
    assert len(db_rows(vix_env, ESCALATIONS)) == 3
    withdraw(vix, school["signal_id"], region.school, AFTER)
    send(vix, region, SENT)
    assert smtp.mailbox.messages == []


def test_a_member_of_the_same_organisation_keeps_its_manager_informed(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """The school's colleague is in the match too, so the school stays in it: its
    manager still gets level 1, which no longer names the withdrawn director."""
    signal_id, match_id = three_on_anna(vix, region)
    at(vix, T1, region.school_colleague, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz, now=T2))
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=STEPS[0]))
    withdraw(vix, signal_id, region.school, AFTER)
    send(vix, region, SENT)
    [(_, body)] = mail_to(smtp, region.manager)
    assert "Basisschool De Zonnebloem" in body and SCHOOL not in body


def test_a_step_from_before_vix_kept_its_facts_is_told_as_the_region_counts(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """A database from an older vix has steps whose audit record holds only the
    level: the renewed notice counts the days as the region's limits do."""
    signal_id, _ = three_on_anna(vix, region)
    escalate_three_steps(vix, region)
    before = {r["recipient_email"]: r["body"] for r in db_rows(vix_env, ESCALATIONS)}
    with sqlite3.connect(vix_env) as db:
        db.execute(
            "UPDATE audit_log SET detail = json_object('niveau', json_extract(detail, '$.niveau'))"
            " WHERE action = 'escalate'"
        )
    db.close()
    withdraw(vix, signal_id, region.school, AFTER)
    send(vix, region, SENT)
    for email in (region.coordinator, ALDERMAN):
        [(_, body)] = mail_to(smtp, email)
        assert "Basisschool De Zonnebloem" not in body
        assert facts_line(body) == facts_line(before[email])
