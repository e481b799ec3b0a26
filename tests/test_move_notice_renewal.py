"""Move notices not sent yet follow the signals and matches as they are now (rule 16).

A move notice (`vix jeugdige verhuis`) lists the members of the youth's open match with
phone and e-mail, and goes to whoever has an active signal on the youth and to the
regievoerder of the new municipality. When before the mail run a signal ends (withdrawn
'weggenomen', expired) or the youth's match changes or ends, the unsent ones are renewed
from the data as it is now: whoever is no longer entitled gets nothing, the others one
notice without who left; a notice that would say the same word for word stays as it was.
Every test sends through a real SMTP server on loopback and looks at what arrived.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    P_MOTHER,
    Region,
    Runner,
    db_rows,
    family_at_one_address,
    flat,
    new_youth,
    ok,
)
from smtp_server import Server
from test_notice_withdrawal import (
    CARE,
    JGZ,
    SCHOOL,
    T0,
    T1,
    T2,
    T3,
    T4,
    at,
    mail_to,
    move,
    moves_to,
    send,
    withdraw,
)


def test_a_member_who_withdraws_before_the_mail_run_is_no_longer_in_the_move_notice(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The reviewer's case: school, JGZ and youth care signal Anna, who moves to Haarlem;
    then the school withdraws 'weggenomen'. The school hears nothing of the move; JGZ,
    youth care and the regievoerder hear of it once, without the school."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    at(vix, T1, region.care, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    move(vix, BSN_ANNA, "HAARLEM", region.jgz, T2)
    withdraw(vix, school["signal_id"], region.school, T3, reason="weggenomen")
    send(vix, region, T4)
    assert moves_to(smtp, region.school) == []
    for email in (region.jgz, region.care, region.regie):
        [body] = moves_to(smtp, email)
        assert "gemeente Haarlem" in flat(body)
        assert JGZ in body and CARE in body
        assert SCHOOL not in body and "Zonnebloem" not in body and region.school not in body
    # the withdrawals are audited with the signal's end
    withdrawn = [
        json.loads(r[0])
        for r in db_rows(
            vix_env, "SELECT detail FROM audit_log WHERE action = 'withdraw' AND entity = 'notice'"
        )
    ]
    assert withdrawn and all(
        d == {"reden": "resolved", "signaal": school["signal_id"]} for d in withdrawn
    )


def test_a_match_that_ended_before_the_mail_run_is_not_in_the_move_notice(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """JGZ and youth care have a match on Anna, who moves; youth care withdraws
    'weggenomen' and the match ends. JGZ and the regievoerder hear of the move without a
    match and without youth care's contact details; youth care hears nothing of it."""
    at(vix, T0, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    care = at(vix, T1, region.care, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    move(vix, BSN_ANNA, "HAARLEM", region.jgz, T2)
    withdraw(vix, care["signal_id"], region.care, T3, reason="weggenomen")
    send(vix, region, T4)
    assert moves_to(smtp, region.care) == []
    for email in (region.jgz, region.regie):
        [body] = moves_to(smtp, email)
        assert "geen match op deze jeugdige" in flat(body)
        assert CARE not in body and region.care not in body


def test_without_an_active_signal_nobody_hears_of_the_move(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """JGZ's signal on Anna is in no match; Anna moves, and JGZ withdraws 'weggenomen'
    before the mail run. Anna is nobody's business at the municipality any more."""
    jgz = at(vix, T0, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    move(vix, BSN_ANNA, "HAARLEM", region.jgz, T1)
    assert len(db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'move'")) == 2
    withdraw(vix, jgz["signal_id"], region.jgz, T2, reason="weggenomen")
    assert db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'move'") == []
    send(vix, region, T3)
    assert mail_to(smtp, region.jgz) == [] and mail_to(smtp, region.regie) == []


def test_a_change_that_leaves_the_move_notice_as_it_was_leaves_it_alone(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """Anna (JGZ, youth care) and her brother Bram (school) are in a family match; Anna
    moves. Her sister Cas joins the family match: Anna's move notices would say word for
    word the same, so they stay (same ids, nothing withdrawn)."""
    mother = (P_MOTHER,)
    at(vix, T0, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT", parents=mother))
    at(vix, T0, region.care, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT", parents=mother))
    at(vix, T1, region.school, *new_youth(BSN_BRAM, "Bram", town="ZANDVOORT", parents=mother))
    move(vix, BSN_ANNA, "HAARLEM", region.jgz, T2)
    queued = db_rows(vix_env, "SELECT id, body FROM outbox WHERE kind = 'move' ORDER BY id")
    assert len(queued) == 3 and all("gezinsmatch" in r[1] for r in queued)
    at(vix, T3, region.school2, *new_youth(BSN_CAS, "Cas", town="ZANDVOORT", parents=mother))
    again = db_rows(vix_env, "SELECT id, body FROM outbox WHERE kind = 'move' ORDER BY id")
    assert [tuple(r) for r in again] == [tuple(r) for r in queued]
    assert db_rows(vix_env, "SELECT id FROM audit_log WHERE action = 'withdraw'") == []


def test_a_second_move_that_ends_a_family_match_tells_of_the_move_once(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """Bram (JGZ) and Anna (school) share an address: a family match. Bram moves to
    Zandvoort keeping the address (his notice: in a family match), then to Haarlem
    without it, which ends the family match before the mail run. JGZ hears of the move
    once, from the data as it is now: Haarlem, no family match."""
    family_at_one_address(vix, region)
    address = ("--postcode", "2011AB", "--huisnummer", "12")
    first = ("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT", *address)
    ok(vix(*first, als=region.jgz, now=T2))
    [body] = [r[0] for r in db_rows(vix_env, "SELECT body FROM outbox WHERE kind = 'move'")]
    assert "gezinsmatch" in body
    ok(vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "HAARLEM", als=region.jgz, now=T3))
    send(vix, region, T4)
    [body] = moves_to(smtp, region.jgz)
    assert "gemeente Haarlem" in flat(body) and "gezinsmatch" not in body


def test_a_transfer_renews_the_move_notices_that_list_the_source(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The school and JGZ have a match on Anna, who moves; before the mail run the
    school's signal goes to a colleague (`vix professional overdragen`). JGZ and the
    regievoerder hear of the move with the colleague; the school's signaller and the
    colleague (who had no move notice) hear nothing of it."""
    at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    move(vix, BSN_ANNA, "HAARLEM", region.jgz, T2)
    handover = ("professional", "overdragen", region.school, region.school_colleague)
    ok(vix(*handover, als=region.manager, now=T3))
    send(vix, region, T4)
    assert moves_to(smtp, region.school) == [] and moves_to(smtp, region.school_colleague) == []
    for email in (region.jgz, region.regie):
        [body] = moves_to(smtp, email)
        assert "Mark Mentor" in body and region.school_colleague in body
        assert SCHOOL not in body and region.school not in body
    withdrawn = db_rows(
        vix_env, "SELECT detail FROM audit_log WHERE action = 'withdraw' AND entity = 'notice'"
    )
    assert withdrawn and all('"reden": "transferred"' in r[0] for r in withdrawn)
