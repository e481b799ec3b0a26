"""What a request for regie tells the regievoerders, as it arrives by mail (rules 12, 16).

A request for regie belongs to the municipality where the youth lives
(test_move_regie.py). These tests look at the notices that go with a hand-over,
through a real SMTP server on loopback: the old regievoerder learns only that the
request is no longer his or hers, and only if he or she had heard of it.
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
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    flat,
    new_youth,
    ok,
)
from smtp_server import Server
from test_move_regie import (
    REGIE_H2,
    REGIE_Z,
    held_by_haarlem,
    place,
    second_haarlem_regievoerder,
    zandvoort_regievoerder,
)
from test_notice_withdrawal import mail_to, send


def family_held_by_haarlem(vix: Runner, region: Region) -> int:
    """Anna and her brother Bram of Haarlem, signalled by the school and JGZ; Rita holds it."""
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    found = place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    match_id = int(found["matches"][0]["id"])
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    return match_id


def waiting_for_zandvoort(vix: Runner, region: Region) -> int:
    """Rita of Haarlem has the request of Anna's match (sent), then Anna moves to
    Zandvoort, which has no regievoerder: the request waits. Returns the match."""
    zandvoort_regievoerder(vix, configured=False)
    match_id = held_by_haarlem(vix, region)
    send(vix, region, "2026-11-23T10:00:00")  # Rita has the request
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz))
    return match_id


def assert_withdrawn(db: Path, notice_id: int, detail: dict[str, Any]) -> None:
    """The one notice withdrawn unsent is `notice_id`, audited with `detail` (rule 18).

    Not counted: the members' match notices renewed when the regievoerder was asked
    and the match no longer had a director (test_director_notices.py)."""
    [audit] = db_rows(
        db,
        "SELECT entity_id, detail FROM audit_log WHERE action = 'withdraw'"
        " AND json_extract(detail, '$.reden') IS NOT 'director_changed'",
    )
    assert audit["entity_id"] == notice_id
    assert json.loads(audit["detail"]) == detail


@pytest.mark.parametrize("how", ["verhuizing", "gezin verhuist", "nieuwe regievoerder"])
def test_the_old_regievoerder_is_told_only_that_the_request_is_no_longer_his_or_hers(
    vix: Runner, region: Region, smtp: Server, how: str
) -> None:
    """Not where the youth lives now, nor that the family moved: the request went, that
    is all he or she needs (rule 16)."""
    zandvoort_regievoerder(vix)
    second_haarlem_regievoerder(vix)
    match_id = (family_held_by_haarlem if how == "gezin verhuist" else held_by_haarlem)(vix, region)
    send(vix, region, "2026-11-23T10:00:00")  # Rita has the request
    if how == "verhuizing":
        ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz))
    elif how == "gezin verhuist":
        for number, signaller in ((BSN_ANNA, region.school), (BSN_BRAM, region.jgz)):
            ok(vix("jeugdige", "verhuis", number, "--gemeente", "ZANDVOORT", als=signaller))
    else:
        ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN))
    send(vix, region, "2026-11-23T11:00:00")
    subject, body = mail_to(smtp, region.regie)[-1]
    assert subject == f"Verwijsindex: verzoek om regie bij match {match_id} overgedragen"
    assert flat(body) == (
        f"Beste Rita Regie, Het verzoek om regie bij match {match_id} in de verwijsindex van "
        "Kennemerland ligt niet meer bij u. U ziet de match niet meer en hoeft er niets meer "
        "voor te doen. Dit bericht bevat bewust geen inhoudelijke informatie over de jeugdige."
    )


@pytest.mark.parametrize("how", ["verhuizing", "nieuwe regievoerder"])
def test_a_regievoerder_who_never_had_the_request_hears_nothing_of_it(
    vix: Runner, region: Region, smtp: Server, vix_env: Path, how: str
) -> None:
    """The request went on before the mail run: Rita's notice, with every member's
    contact details, is withdrawn, and she is not told of a request she never had."""
    zandvoort_regievoerder(vix)
    second_haarlem_regievoerder(vix)
    match_id = held_by_haarlem(vix, region)
    [request] = db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'regie_regievoerder'")
    if how == "verhuizing":
        ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz))
        holder = REGIE_Z
    else:
        ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN))
        holder = REGIE_H2
    send(vix, region, "2026-11-23T11:00:00")
    assert mail_to(smtp, region.regie) == []
    [(subject, body)] = [m for m in mail_to(smtp, holder) if "regie" in m[0]]
    assert subject == f"Verwijsindex: verzoek om regie bij match {match_id}"
    assert "Karin Arts" in body and "Ineke Bos" in body
    assert_withdrawn(vix_env, request["id"], {"reden": "handed_over", "match": match_id})


def test_the_coordinators_are_not_told_a_request_waits_once_a_regievoerder_holds_it(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    match_id = waiting_for_zandvoort(vix, region)
    # the move notices are queued last, once the family matches are settled (`move_youth`)
    queued = db_rows(vix_env, "SELECT kind FROM outbox WHERE status = 'queued'")
    assert sorted(r[0] for r in queued) == ["move", "move", "regie_overgedragen", "regie_wacht"]
    ok(vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", REGIE_Z, als=ADMIN))
    send(vix, region, "2026-11-23T11:00:00")
    assert mail_to(smtp, region.coordinator) == []
    assert [s for s, _ in mail_to(smtp, region.regie)][-1].endswith("overgedragen")
    assert [s for s, _ in mail_to(smtp, REGIE_Z)] == [
        f"Verwijsindex: verzoek om regie bij match {match_id}"
    ]


# -- a regievoerder who is no longer active counts as none --------------------------------


def deactivate(vix: Runner, how: str, email: str, organisation: str) -> Any:
    """`vix professional deactiveer`, or the regievoerder's organisation deactivated."""
    if how == "professional":
        return ok(vix("professional", "deactiveer", email, als=ADMIN))
    return ok(vix("organisatie", "deactiveer", organisation, als=ADMIN))


def lead_of(vix: Runner, als: str, match_id: int) -> tuple[Any, Any]:
    seen = as_json(vix("match", str(match_id), "--json", als=als))
    return seen["director"], seen["regievoerder"]


@pytest.mark.parametrize("how", ["professional", "organisatie"])
def test_a_move_to_a_municipality_whose_regievoerder_left_leaves_the_request_waiting(
    vix: Runner, region: Region, smtp: Server, vix_env: Path, how: str
) -> None:
    zandvoort_regievoerder(vix)
    deactivate(vix, how, REGIE_Z, "GEMZ")
    match_id = held_by_haarlem(vix, region)
    send(vix, region, "2026-11-23T10:00:00")  # Rita has the request
    moved = ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz))
    assert "ligt nu bij" not in moved.stderr
    assert "de gemeente Zandvoort heeft geen actieve regievoerder" in flat(moved.stderr)
    assert lead_of(vix, region.jgz, match_id) == (None, None)
    send(vix, region, "2026-11-23T11:00:00")
    [(subject, body)] = mail_to(smtp, region.coordinator)
    assert subject == f"Verwijsindex: match {match_id} wacht op een regievoerder"
    assert "de gemeente Zandvoort, en die heeft geen actieve regievoerder" in flat(body)
    assert mail_to(smtp, REGIE_Z) == []
    # not stuck: asking the regievoerder says what it says without one, and once the
    # administrator records another, he or she holds the request
    again = vix("regie", str(match_id), "--regievoerder", als=region.jgz)
    assert again.exit_code == 1
    assert "De gemeente Zandvoort heeft geen actieve regievoerder" in flat(again.stderr)
    second_zandvoort = "regie2@zandvoort.nl"
    ok(
        vix(
            "professional",
            "toevoegen",
            second_zandvoort,
            "Zara Regie",
            "--rol",
            "regievoerder",
            als=ADMIN,
        )
    )
    ok(vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", second_zandvoort, als=ADMIN))
    assert lead_of(vix, second_zandvoort, match_id) == (None, "Zara Regie")


@pytest.mark.parametrize("how", ["professional", "organisatie"])
def test_a_regievoerder_who_left_cannot_be_recorded(
    vix: Runner, region: Region, vix_env: Path, how: str
) -> None:
    zandvoort_regievoerder(vix, configured=False)
    deactivate(vix, how, REGIE_Z, "GEMZ")
    refused = vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", REGIE_Z, als=ADMIN)
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert "niet meer actief" in refused.stderr and "kies een actieve regievoerder" in (
        flat(refused.stderr)
    )
    [town] = [
        t
        for t in as_json(vix("gemeente", "lijst", "--json", als=ADMIN))
        if t["code"] == "ZANDVOORT"
    ]
    assert town["director_email"] is None


def test_asking_a_regievoerder_who_left_is_refused_as_when_there_is_none(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    found = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    match_id = int(found["matches"][0]["id"])
    ok(vix("professional", "deactiveer", region.regie, als=ADMIN))
    asked = vix("regie", str(match_id), "--regievoerder", als=region.jgz)
    assert asked.exit_code == 1
    assert flat(asked.stderr) == (
        "Fout: De gemeente Haarlem heeft geen actieve regievoerder. De functioneel beheerder "
        "legt een andere vast met 'vix gemeente wijzig HAARLEM --regievoerder E-MAIL'."
    )
    assert lead_of(vix, region.jgz, match_id) == ("Karin Arts", None)
    assert db_rows(vix_env, "SELECT * FROM outbox WHERE kind LIKE 'regie%'") == []


def test_a_request_held_by_a_regievoerder_who_leaves_waits_for_the_next(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    match_id = held_by_haarlem(vix, region)
    left = ok(vix("professional", "deactiveer", region.regie, als=ADMIN))
    assert f"het verzoek om regie bij match {match_id} wacht" in flat(left.stderr)
    assert lead_of(vix, region.jgz, match_id) == (None, None)
    second_haarlem_regievoerder(vix)
    send(vix, region, "2026-11-23T11:00:00")
    assert [s for s, _ in mail_to(smtp, region.coordinator)] == [
        f"Verwijsindex: match {match_id} wacht op een regievoerder"
    ]
    ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN))
    assert lead_of(vix, REGIE_H2, match_id) == (None, "Roos Regie")
    ok(vix("zorgcoordinator", str(match_id), region.jgz, als=REGIE_H2))


# -- youth protection joins: the request lapses (rule 12) ----------------------------------


def gi_joins(vix: Runner, region: Region) -> None:
    """Youth protection signals Anna too: it leads the match now, and is care coordinator."""
    place(vix, region.gi, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T12:00:00")


def test_a_regievoerder_who_had_the_request_is_told_it_lapsed_when_youth_protection_leads(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """She may be working on it, and the match is gone from her 'vix matches': one short
    notice says so, with no member and nothing of the youth (rule 16), and without
    saying that youth protection is involved: its signal may yet be erased as unjustified
    before the mail run, and then it should never have been told (rule 15)."""
    match_id = held_by_haarlem(vix, region)
    send(vix, region, "2026-11-23T10:00:00")  # Rita has the request
    gi_joins(vix, region)
    assert lead_of(vix, region.gi, match_id) == ("Gea Jansen", None)
    assert as_json(vix("matches", "--json", als=region.regie)) == []
    send(vix, region, "2026-11-23T13:00:00")
    subject, body = mail_to(smtp, region.regie)[-1]
    assert subject == f"Verwijsindex: verzoek om regie bij match {match_id} vervallen"
    assert flat(body) == (
        f"Beste Rita Regie, Het verzoek om regie bij match {match_id} in de verwijsindex van "
        "Kennemerland is vervallen: de match heeft nu een matchregisseur uit de betrokkenen. "
        "Het verzoek ligt niet meer bij u. U ziet de match niet meer en hoeft er niets meer "
        "voor te doen. Dit bericht bevat bewust geen inhoudelijke informatie over de jeugdige."
    )
    [lapse] = db_rows(
        vix_env,
        "SELECT actor_id, detail FROM audit_log WHERE action = 'regie_lapsed'"
        " AND entity = 'match' AND entity_id = ?",
        (match_id,),
    )
    regie, gi = (
        db_rows(vix_env, "SELECT id FROM professionals WHERE email = ?", (e,))[0][0]
        for e in (region.regie, region.gi)
    )
    assert json.loads(lapse["detail"]) == {"van": regie, "regisseur": gi}


def test_an_unsent_request_goes_with_the_lapse_and_nothing_comes_instead(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The request, listing every member, is withdrawn before the mail run: Rita never knew
    of it, so she is not told that it lapsed either."""
    match_id = held_by_haarlem(vix, region)
    [request] = db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'regie_regievoerder'")
    gi_joins(vix, region)
    send(vix, region, "2026-11-23T13:00:00")
    assert mail_to(smtp, region.regie) == []
    assert_withdrawn(vix_env, request["id"], {"reden": "lapsed", "match": match_id})


def test_a_waiting_request_lapses_and_the_coordinators_unsent_notice_goes(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    match_id = waiting_for_zandvoort(vix, region)
    assert lead_of(vix, region.jgz, match_id) == (None, None)  # it waits
    gi_joins(vix, region)
    assert lead_of(vix, region.gi, match_id) == ("Gea Jansen", None)
    send(vix, region, "2026-11-23T13:00:00")
    assert mail_to(smtp, region.coordinator) == []
    # Rita hears only that it went on the move, not what became of it
    assert [s for s, _ in mail_to(smtp, region.regie)][-1].endswith("overgedragen")
    assert db_rows(vix_env, "SELECT 1 FROM outbox WHERE kind = 'regie_vervallen'") == []


def gi_signal(vix: Runner, region: Region) -> int:
    [own] = as_json(vix("signalen", "--json", als=region.gi))
    return int(own["id"])


@pytest.mark.parametrize("reason", ["onterecht", "weggenomen"])
def test_the_request_returns_to_the_regievoerder_when_youth_protection_leaves(
    vix: Runner, region: Region, smtp: Server, vix_env: Path, reason: str
) -> None:
    """The members had said none of them could lead; youth protection led only because it
    joined. When it leaves (its signal erased as unjustified, or the worry gone), the
    request returns to the municipality: a member who declined the lead was made director
    without a word, and the regievoerder never saw the match again (rule 12)."""
    match_id = held_by_haarlem(vix, region)
    send(vix, region, "2026-11-23T10:00:00")  # Rita has the request
    gi_joins(vix, region)
    withdrawn = vix(
        "intrekken", str(gi_signal(vix, region)), "--reden", reason,
        als=region.gi, now="2026-11-23T12:30:00",
    )  # fmt: skip
    ok(withdrawn)
    assert lead_of(vix, region.jgz, match_id) == (None, "Rita Regie")
    assert [m["id"] for m in as_json(vix("matches", "--json", als=region.regie))] == [match_id]
    # the lapse she was never told of is moot: no 'vervallen' goes out, and the request
    # she already has needs no second notice of the same members
    assert db_rows(vix_env, "SELECT 1 FROM outbox WHERE kind = 'regie_vervallen'") == []
    send(vix, region, "2026-11-23T13:00:00")
    assert [s for s, _ in mail_to(smtp, region.regie)] == ["Verwijsindex: verzoek om regie"]
    assert db_rows(
        vix_env,
        "SELECT 1 FROM audit_log WHERE action = 'regie_returned' AND entity_id = ?",
        (match_id,),
    )


def test_a_regievoerder_told_of_the_lapse_is_told_the_request_is_back(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    match_id = held_by_haarlem(vix, region)
    send(vix, region, "2026-11-23T10:00:00")
    gi_joins(vix, region)
    send(vix, region, "2026-11-23T12:10:00")  # the 'vervallen' notice reached her
    signal_id = str(gi_signal(vix, region))
    ok(vix("intrekken", signal_id, "--reden", "weggenomen", als=region.gi, now="2026-11-24T09:00"))
    assert lead_of(vix, region.jgz, match_id) == (None, "Rita Regie")
    send(vix, region, "2026-11-24T10:00:00")
    subject, body = mail_to(smtp, region.regie)[-1]
    assert subject == f"Verwijsindex: verzoek om regie bij match {match_id}"
    assert "ligt weer bij u" in flat(body) and "Gea Jansen" not in body


@pytest.mark.parametrize("reason", ["onterecht", "weggenomen"])
def test_a_regievoerder_who_never_received_the_request_gets_it_as_a_request(
    vix: Runner, region: Region, smtp: Server, vix_env: Path, reason: str
) -> None:
    """JGZ asked Rita; her notice was withdrawn unsent when youth protection joined (the
    lapse), so she never knew of the request nor of the lapse. Youth protection leaves: she
    gets the request as JGZ asked it, with the members of now, not "Het verzoek ligt weer
    bij u: wie de regie had genomen, is niet meer bij de match betrokken" (she never had
    it, and that tells of an involvement that may have been erased as if it never was)."""
    match_id = held_by_haarlem(vix, region)
    gi_joins(vix, region)
    ok(
        vix(
            "intrekken", str(gi_signal(vix, region)), "--reden", reason,
            als=region.gi, now="2026-11-23T12:30:00",
        )
    )  # fmt: skip
    assert lead_of(vix, region.jgz, match_id) == (None, "Rita Regie")
    send(vix, region, "2026-11-23T13:00:00")
    [(subject, body)] = mail_to(smtp, region.regie)
    assert subject == "Verwijsindex: verzoek om regie"
    assert (
        f"Karin Arts vraagt u als regievoerder van de gemeente om regie bij match {match_id}"
        in flat(body)
    )
    assert "weer bij u" not in body and "Gea Jansen" not in body


def test_a_request_that_returns_to_a_regievoerder_who_never_held_it_is_no_return_to_him(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    """The request waited for Zandvoort's regievoerder when youth protection joined; Ruud
    was recorded after the lapse. When youth protection leaves, the request goes to him as
    to a regievoerder taking it over, not "weer bij u": it never was his."""
    zandvoort_regievoerder(vix, configured=False)
    match_id = held_by_haarlem(vix, region)
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.jgz))
    gi_joins(vix, region)
    ok(vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", REGIE_Z, als=ADMIN))
    assert lead_of(vix, region.gi, match_id) == ("Gea Jansen", None)  # nothing handed over
    signal_id = str(gi_signal(vix, region))
    ok(vix("intrekken", signal_id, "--reden", "weggenomen", als=region.gi, now="2026-11-24T09:00"))
    assert lead_of(vix, region.jgz, match_id) == (None, "Ruud Regie")
    send(vix, region, "2026-11-24T10:00:00")
    [(subject, body)] = mail_to(smtp, REGIE_Z)
    assert subject == f"Verwijsindex: verzoek om regie bij match {match_id}"
    assert "ligt nu bij u, als regievoerder van de gemeente Zandvoort." in flat(body)
    assert "weer bij u" not in body and "Gea Jansen" not in body
