"""The organisation manager hands an absent signaller's signals to a colleague (rule 14).

`vix professional overdragen VAN NAAR [--signaal N]` moves the active signals of VAN to
a signalling colleague of the same organisation: the same signals (number, dates, the
record of informing the parents), in the same matches, whose members are told of their
new contact (rules 8, 9); a lead VAN had passes along (rule 12); a colleague who already
signalled the youth keeps his or her own signal and VAN's ends (rule 5). Only the
organisation's manager and the administrator may do it; the audit log records every
signal handed on, under the youth's pseudonym (rule 18). Scenario: Ineke Bos (school
ZON) leaves; her colleague Mark Mentor takes over; Dirk Directeur manages ZON.
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
from test_move_regie import held_by_haarlem, pid, place
from test_notice_withdrawal import mail_to, send
from test_regie_notices import gi_joins, lead_of
from test_reports_html import Page

INEKE = "Ineke Bos"  # region.school, leaves
MARK = "Mark Mentor"  # region.school_colleague, takes over
DIRK = "Dirk Directeur"  # region.manager of ZON
JGZ_MANAGER = "beheer@jgz.nl"
GI2 = "jb2@gi.nl"  # a second youth protection signaller, "Gijs Jansen"


def transfer(vix: Runner, region: Region, *args: str, als: str | None = None) -> Any:
    return vix("professional", "overdragen", region.school, region.school_colleague, *args,
               als=als or region.manager)  # fmt: skip


def signals_of(vix: Runner, email: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = as_json(vix("signalen", "--json", als=email))
    return found


def match_ids(vix: Runner, email: str) -> list[int]:
    return [int(m["id"]) for m in as_json(vix("matches", "--json", als=email))]


def member_names(vix: Runner, als: str, match_id: int) -> list[str]:
    seen = as_json(vix("match", str(match_id), "--json", als=als))
    return sorted(m["name"] for m in seen["members"])


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def anna_with_jgz(vix: Runner, region: Region) -> int:
    """Ineke and Karin Arts (JGZ) signal Anna: a match; returns its number."""
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    found = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:00:00")
    return int(found["matches"][0]["id"])


# -- the signals move ----------------------------------------------------------------------


@pytest.mark.parametrize("left", [True, False], ids=["vertrokken", "nog-actief"])
def test_every_signal_moves_to_the_colleague_as_it_was(
    vix: Runner, region: Region, vix_env: Path, left: bool
) -> None:
    match_id = anna_with_jgz(vix, region)
    place(vix, region.school, *new_youth(BSN_BRAM, "Bram", born="05-06-2012"),
          now="2026-11-23T08:30:00")  # fmt: skip
    before = {s["id"]: s for s in signals_of(vix, region.school)}
    if left:
        ok(vix("professional", "deactiveer", region.school, als=ADMIN))

    done = ok(transfer(vix, region))
    ids = ", ".join(str(i) for i in sorted(before))
    assert flat(done.stderr) == (
        f"2 signalen van {INEKE} ({region.school}) overgedragen aan {MARK} "
        f"({region.school_colleague}): {ids}. 1 match bijgewerkt; 2 berichten "
        f"klaargezet voor de betrokkenen. 1 nog niet verstuurd bericht aan {INEKE} over "
        "dit werk ingetrokken."
    )
    # the same signals, not new ones: number, placement, planned removal, parents record
    after = {s["id"]: s for s in signals_of(vix, region.school_colleague)}
    assert after.keys() == before.keys()
    for number, was in before.items():
        now = after[number]
        assert now["signaller"] == MARK
        for key in ("placed_at", "planned_removal", "parents_informed_on", "youth_name"):
            assert now[key] == was[key], key
    assert after[min(after)]["planned_removal"] == "2028-11-23"  # two years after placement
    # Mark sees the match and is in it; Karin sees Mark as her contact, not Ineke
    assert match_ids(vix, region.school_colleague) == [match_id]
    assert member_names(vix, region.jgz, match_id) == ["Karin Arts", MARK]
    if not left:  # Ineke sees neither the signals nor the match any more (rule 16)
        assert signals_of(vix, region.school) == []
        assert match_ids(vix, region.school) == []
        refused = vix("match", str(match_id), als=region.school)
        assert refused.exit_code == 1 and "bestaat niet" in refused.stderr
    mark = pid(vix_env, region.school_colleague)
    assert [tuple(r) for r in db_rows(
        vix_env, "SELECT professional_id, status, ended_at FROM signals ORDER BY id"
    )] == [(mark, "active", None), (pid(vix_env, region.jgz), "active", None),
           (mark, "active", None)]  # fmt: skip


def test_one_signal_moves_and_the_rest_stays(vix: Runner, region: Region, vix_env: Path) -> None:
    """Work split among colleagues: --signaal hands on that one only."""
    anna_match = anna_with_jgz(vix, region)
    place(vix, region.school, *new_youth(BSN_BRAM, "Bram", born="05-06-2012"))
    bram = place(vix, region.care, *new_youth(BSN_BRAM, "Bram", born="05-06-2012"))
    bram_match = int(bram["matches"][0]["id"])
    [bram_signal] = [s["id"] for s in signals_of(vix, region.school) if "Bram" in s["youth_name"]]

    done = ok(transfer(vix, region, "--signaal", str(bram_signal), "--json"))
    answer = json.loads(done.stdout)
    # counts, and the manager's own signal numbers; no match numbers (rule 16)
    assert (answer["moved"], answer["ended"], answer["matches"]) == (1, 0, 1)
    assert (answer["signals"], answer["ended_signals"]) == ([bram_signal], [])
    assert [s["youth_name"] for s in signals_of(vix, region.school)] == ["Anna Vries"]
    assert [s["youth_name"] for s in signals_of(vix, region.school_colleague)] == ["Bram Vries"]
    assert match_ids(vix, region.school) == [anna_match]
    assert match_ids(vix, region.school_colleague) == [bram_match]
    assert member_names(vix, region.jgz, anna_match) == [INEKE, "Karin Arts"]
    assert member_names(vix, region.care, bram_match) == ["Hans Hulp", MARK]


# -- who is told -----------------------------------------------------------------------------


def test_members_hear_of_their_new_contact_and_the_colleague_of_the_match(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    match_id = anna_with_jgz(vix, region)
    place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:30:00")
    send(vix, region, "2026-11-23T10:00:00")
    told_before = len(mail_to(smtp, region.school))
    ok(vix("professional", "deactiveer", region.school, als=ADMIN))
    ok(transfer(vix, region))
    send(vix, region, "2026-11-23T11:00:00")

    for email, other in ((region.jgz, "Hans Hulp"), (region.care, "Karin Arts")):
        subject, body = mail_to(smtp, email)[-1]
        assert subject == "Verwijsindex: wijziging in een match"
        text = flat(body)
        assert f"Nieuw betrokken: {MARK}." in text and f"Niet meer betrokken: {INEKE}." in text
        # how to reach the new contact, and the others as before (rule 9)
        assert f"- {MARK}, Basisschool De Zonnebloem (onderwijs)" in body
        assert f"e-mail: {region.school_colleague}" in body and other in body
        assert f"e-mail: {region.school}" not in body
    # Mark gets the match with every member, as a newcomer would (rule 8)
    [(subject, body)] = mail_to(smtp, region.school_colleague)
    assert subject == "Verwijsindex: nieuwe match"
    assert "Uw jeugdige: Anna Vries" in body
    assert "Karin Arts" in body and "Hans Hulp" in body and INEKE not in body
    assert f"vix match {match_id}" in body
    # Ineke, who left, gets nothing
    assert len(mail_to(smtp, region.school)) == told_before
    assert db_rows(
        vix_env, "SELECT 1 FROM outbox WHERE recipient_email = ? AND status <> 'sent'",
        (region.school,),
    ) == []  # fmt: skip


@pytest.mark.parametrize("als", ["manager", "admin"])
def test_the_summary_counts_and_names_no_match(vix: Runner, region: Region, als: str) -> None:
    """Neither the manager nor the administrator is in the matches: the summary counts
    them (and the roles passed), in text and JSON alike, so that it is no list of who is
    in which match (rule 16). Signal numbers only for the manager, who sees them with
    'vix signalen --organisatie'; the administrator sees no signals."""
    anna_match = anna_with_jgz(vix, region)
    ok(vix("regie", str(anna_match), "--regisseur", region.school, als=region.jgz))
    place(vix, region.school, *new_youth(BSN_BRAM, "Bram", born="05-06-2012"))
    place(vix, region.care, *new_youth(BSN_BRAM, "Bram", born="05-06-2012"))
    ids = sorted(s["id"] for s in signals_of(vix, region.school))
    manager = als == "manager"
    who = region.manager if manager else ADMIN

    answer = as_json(transfer(vix, region, "--json", als=who))
    assert answer == {
        "source": region.school,
        "source_name": INEKE,
        "target": region.school_colleague,
        "target_name": MARK,
        "moved": 2,
        "ended": 0,
        "matches": 2,
        "director": 1,
        "care_coordinator": 0,
        "notices": answer["notices"],
        "withdrawn": answer["withdrawn"],
        "signals": ids if manager else None,
        "ended_signals": [] if manager else None,
    }


def test_the_administrator_is_told_counts_only(vix: Runner, region: Region) -> None:
    match_id = anna_with_jgz(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz))
    done = ok(transfer(vix, region, als=ADMIN))
    assert flat(done.stderr) == (
        f"1 signaal van {INEKE} ({region.school}) overgedragen aan {MARK} "
        f"({region.school_colleague}). {MARK} is nu matchregisseur in 1 match. 1 match "
        "bijgewerkt; 3 berichten klaargezet voor de betrokkenen. 2 nog niet verstuurde "
        f"berichten aan {INEKE} over dit werk ingetrokken."
    )


def test_the_director_role_passes_to_the_colleague_with_the_lead_notice(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = anna_with_jgz(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz))
    assert lead_of(vix, region.jgz, match_id) == (INEKE, None)

    done = ok(transfer(vix, region))
    assert f"{MARK} is nu matchregisseur in 1 match." in done.stderr
    assert lead_of(vix, region.jgz, match_id) == (MARK, None)
    # the new director can do what the director does
    ok(vix("afstemming", str(match_id), als=region.school_colleague))
    [(subject, body)] = [
        (r["subject"], r["body"])
        for r in db_rows(
            vix_env, "SELECT subject, body FROM outbox WHERE kind = 'regie_regisseur'"
            " AND recipient_email = ?", (region.school_colleague,),
        )
    ]  # fmt: skip
    assert subject == "Verwijsindex: u bent matchregisseur"
    assert flat(body).startswith(
        f"Beste {MARK}, {DIRK} heeft de signalen van {INEKE} aan u overgedragen. Daarmee bent "
        f"u nu matchregisseur van match {match_id} in de verwijsindex van Kennemerland."
    )
    assert "Karin Arts" in body and INEKE + "," not in body
    # audited as the step that gives the role, by the manager, saying whose it was
    [record] = db_rows(
        vix_env,
        "SELECT actor_id, detail FROM audit_log WHERE action = 'set_director' AND entity_id = ?"
        " ORDER BY id DESC LIMIT 1",
        (match_id,),
    )
    assert record["actor_id"] == pid(vix_env, region.manager)
    assert json.loads(record["detail"]) == {
        "regisseur": pid(vix_env, region.school_colleague),
        "van": pid(vix_env, region.school),
        "reden": "overdracht",
    }


def test_a_care_coordinator_hands_on_both_roles(vix: Runner, region: Region, vix_env: Path) -> None:
    match_id = held_by_haarlem(vix, region)
    ok(vix("zorgcoordinator", str(match_id), region.school, als=region.regie))
    ok(vix("professional", "deactiveer", region.school, als=ADMIN))

    done = ok(transfer(vix, region, als=ADMIN))
    assert f"{MARK} is nu matchregisseur in 1 match." in done.stderr
    assert f"{MARK} is nu zorgcoördinator in 1 match." in done.stderr
    seen = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert (seen["director"], seen["care_coordinator"]) == (MARK, MARK)
    [body] = [
        r["body"]
        for r in db_rows(
            vix_env, "SELECT body FROM outbox WHERE kind = 'regie_zorgcoordinator'"
            " AND recipient_email = ?", (region.school_colleague,),
        )
    ]  # fmt: skip
    assert (
        f"F. Beheer heeft de signalen van {INEKE} aan u overgedragen. Daarmee bent u nu "
        f"matchregisseur en zorgcoördinator van match {match_id}"
    ) in flat(body)


def test_the_leaver_s_unsent_notices_about_the_work_go(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """They list people she no longer works with; put back later, she would get them."""
    match_id = anna_with_jgz(vix, region)
    assert [r["kind"] for r in db_rows(
        vix_env, "SELECT kind FROM outbox WHERE recipient_email = ?", (region.school,)
    )] == ["match_nieuw"]  # fmt: skip
    done = ok(transfer(vix, region))
    assert f"1 nog niet verstuurd bericht aan {INEKE} over dit werk ingetrokken." in (
        flat(done.stderr)
    )
    assert (
        db_rows(vix_env, "SELECT 1 FROM outbox WHERE recipient_email = ?", (region.school,)) == []
    )
    [withdrawn] = db_rows(
        vix_env, "SELECT actor_id, detail FROM audit_log WHERE action = 'withdraw'"
    )
    assert withdrawn["actor_id"] == pid(vix_env, region.manager)
    assert json.loads(withdrawn["detail"])["reden"] == "transferred"
    # Karin's notice of the match as it was stays: it reached her inbox queue before
    assert [r["kind"] for r in db_rows(
        vix_env, "SELECT kind FROM outbox WHERE recipient_email = ? ORDER BY id", (region.jgz,)
    )] == ["match_nieuw", "match_gewijzigd"]  # fmt: skip
    assert match_ids(vix, region.school_colleague) == [match_id]


# -- rule 5: the colleague already signalled the youth --------------------------------------


def test_a_colleague_with_a_signal_on_the_youth_keeps_it_and_the_leaver_s_ends(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    match_id = anna_with_jgz(vix, region)
    [ineke_signal] = [s["id"] for s in signals_of(vix, region.school)]
    mark_signal = place(vix, region.school_colleague, *new_youth(BSN_ANNA, "Anna"),
                        now="2026-11-23T09:30:00")["signal_id"]  # fmt: skip
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz))
    assert member_names(vix, region.jgz, match_id) == [INEKE, "Karin Arts", MARK]
    # the members heard of Ineke (a member who heard of nothing yet would get the match
    # as it is after the hand-over, with its new director: test_director_notices.py)
    send(vix, region, "2026-11-23T10:00:00")
    outbox_before = int(db_rows(vix_env, "SELECT MAX(id) FROM outbox")[0][0])

    done = ok(transfer(vix, region, "--json"))
    answer = json.loads(done.stdout)
    assert (answer["moved"], answer["ended"], answer["director"]) == (0, 1, 1)
    assert answer["ended_signals"] == [{"signal_id": ineke_signal, "continues_as": mark_signal}]

    # Mark's own signal goes on, with its own dates; Ineke's is archived as real involvement,
    # handed on: for the term of a withdrawal with 'weggenomen' (five years), not as one
    assert [s["id"] for s in signals_of(vix, region.school_colleague)] == [mark_signal]
    [ended] = db_rows(
        vix_env, "SELECT status, end_reason, archive_until FROM signals WHERE id = ?",
        (ineke_signal,),
    )  # fmt: skip
    assert tuple(ended) == ("ended", "transferred", "2031-11-23")
    [end] = db_rows(
        vix_env, "SELECT actor_id, detail FROM audit_log WHERE action = 'end' AND entity_id = ?",
        (ineke_signal,),
    )  # fmt: skip
    assert end["actor_id"] == pid(vix_env, region.manager)
    assert json.loads(end["detail"]) == {
        "reden": "transferred",
        "archief_tot": "2031-11-23",
        "rol": "org_manager",  # he ended another's signal, as the manager he was then
    }
    # the match goes on through Mark's signal, and he leads it (not Karin, the proposal)
    assert member_names(vix, region.jgz, match_id) == ["Karin Arts", MARK]
    assert lead_of(vix, region.jgz, match_id) == (MARK, None)
    # Karin and Mark hear that Ineke left; nobody is new to them
    told = db_rows(
        vix_env,
        "SELECT recipient_email, kind, body FROM outbox WHERE id > ? AND kind LIKE 'match_%'"
        " ORDER BY id",
        (outbox_before,),
    )
    assert sorted((r["recipient_email"], r["kind"]) for r in told) == [
        (region.jgz, "match_gewijzigd"),
        (region.school_colleague, "match_gewijzigd"),
    ]
    for r in told:
        assert f"Niet meer betrokken: {INEKE}." in r["body"] and "Nieuw betrokken" not in r["body"]
    [record] = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'transfer'")
    assert json.loads(record["detail"]) == {
        "van": pid(vix_env, region.school),
        "naar": pid(vix_env, region.school_colleague),
        "beeindigd": True,
        "loopt_door_als": mark_signal,
    }


YEAR = ["--van", "01-01-2026", "--tot", "31-12-2026"]


def test_a_signal_ended_by_rule_5_counts_as_no_withdrawal_and_the_inzage_says_why(
    vix: Runner, region: Region
) -> None:
    """The school's involvement goes on through Mark's signal: no report counts Ineke's
    end under 'ingetrokken: zorg weggenomen' (nor as expired), in any scope or format,
    and the parents read that her signal was handed on to a colleague."""
    anna_with_jgz(vix, region)
    place(vix, region.school_colleague, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:30:00")
    ok(transfer(vix, region))
    a = region.admin

    def report(als: str, *scope: str) -> Any:
        return as_json(vix("rapport", "jaarverslag", *scope, *YEAR, "--json", als=als))

    own = report(region.manager, "--organisatie", "ZON")  # exact: the school's own report
    assert own["internal"] is True
    s = own["signals"]
    assert (s["placed"], s["withdrawn_resolved"], s["expired"], s["active_now"]) == (2, 0, 0, 1)
    [zon] = own["per_organisation"]
    assert (zon["placed"], zon["withdrawn"], zon["expired"]) == (2, 0, 0)
    ok(vix("rapport", "bestuur", "Kennemer Scholen", "--organisatie", "ZON",
           "--organisatie", "ESD", als=a))  # fmt: skip
    for scope in (
        ["--regio"],
        ["--gemeente", "HAARLEM"],
        ["--organisatie", "ZON", "--organisatie", "ESD"],
    ):
        r = report(a, *scope)
        assert (r["signals"]["withdrawn_resolved"], r["signals"]["expired"]) == (0, 0), scope
        assert [(o["withdrawn"], o["expired"]) for o in r["per_organisation"]
                if o["code"] == "ZON"] == [(0, 0)], scope  # fmt: skip
    text = ok(vix("rapport", "jaarverslag", "--regio", *YEAR, als=a)).stdout
    assert [line.split()[-1] for line in text.splitlines() if "weggenomen" in line] == ["0"]
    page = Page()
    page.feed(
        ok(vix("rapport", "jaarverslag", "--regio", *YEAR, "--formaat", "html", als=a)).stdout
    )
    assert ["ingetrokken: zorg weggenomen (archief)", "0"] in page.rows["signalen"]

    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    assert [(s["signaller"], s["status"], s["end_reason"]) for s in z["signals"]] == [
        (INEKE, "gearchiveerd", "overgedragen aan een collega"),
        ("Karin Arts", "actief", None),
        (MARK, "actief", None),
    ]
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator)).stdout
    assert "gearchiveerd sinds 23-11-2026 (overgedragen aan een collega)" in text
    page = Page()
    page.feed(ok(vix("inzage", "--bsn", BSN_ANNA, "--formaat", "html", als=a)).stdout)
    assert "gearchiveerd sinds 23-11-2026 (overgedragen aan een collega)" in " ".join(page.text)


# -- rule 12: a request for regie that lapsed to youth protection ----------------------------


def test_a_lapsed_request_returns_when_youth_protection_s_successor_leaves(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Youth protection led only because it joined a match nobody else could lead; its
    colleague who took over leads for the same reason, and when his signal ends the
    request goes back to the municipality, as it would have for the first."""
    ok(vix("professional", "toevoegen", GI2, "Gijs Jansen", "--rol", "meldingsbevoegde",
           "--organisatie", "GI", als=ADMIN))  # fmt: skip
    match_id = held_by_haarlem(vix, region)
    gi_joins(vix, region)
    assert lead_of(vix, region.jgz, match_id) == ("Gea Jansen", None)
    ok(vix("professional", "overdragen", region.gi, GI2, als=ADMIN))
    assert lead_of(vix, region.jgz, match_id) == ("Gijs Jansen", None)

    [own] = signals_of(vix, GI2)
    ok(vix("intrekken", str(own["id"]), "--reden", "weggenomen", als=GI2))
    assert lead_of(vix, region.jgz, match_id) == (None, "Rita Regie")
    assert match_ids(vix, region.regie) == [match_id]


# -- a membership that comes back -------------------------------------------------------------


def test_a_handed_on_signal_that_rejoins_a_family_match_is_the_colleague_s(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna leaves her family match (her parents corrected), her signal is handed on, and
    she comes back: the membership that returns is Mark's, Ineke does not see the match."""
    family = (P_MOTHER,)
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", born="05-06-2012", parents=family))
    found = place(vix, region.care, *new_youth(BSN_CAS, "Cas", born="07-08-2010", parents=family))
    [match_id] = [int(m["id"]) for m in found["matches"]]
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=family))
    assert match_ids(vix, region.school) == [match_id]
    ok(vix("jeugdige", "corrigeer", BSN_ANNA, "--geen-ouders", als=region.coordinator))
    assert match_ids(vix, region.school) == []
    assert member_names(vix, region.jgz, match_id) == ["Hans Hulp", "Karin Arts"]

    ok(transfer(vix, region))
    ok(vix("jeugdige", "corrigeer", BSN_ANNA, "--ouder", P_MOTHER, als=region.coordinator))
    assert match_ids(vix, region.school_colleague) == [match_id]
    assert match_ids(vix, region.school) == []
    assert member_names(vix, region.jgz, match_id) == ["Hans Hulp", "Karin Arts", MARK]


# -- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_the_own_manager_and_the_administrator_may(
    vix: Runner, region: Region, vix_env: Path, who: str
) -> None:
    anna_with_jgz(vix, region)
    ok(transfer(vix, region, als=region.manager if who == "manager" else ADMIN))
    assert len(signals_of(vix, region.school_colleague)) == 1


def jgz_manager(vix: Runner) -> None:
    ok(vix("professional", "toevoegen", JGZ_MANAGER, "Joke Beheer", "--rol",
           "instantiebeheerder", "--organisatie", "JGZ", als=ADMIN))  # fmt: skip


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (
            JGZ_MANAGER,
            "Er is geen professional met e-mailadres ib@zonnebloem.nl in uw organisatie (JGZ).",
        ),
        (
            "ib@zonnebloem.nl",
            "ib@zonnebloem.nl heeft de rol meldingsbevoegde; dit mag alleen met de rol "
            "instantiebeheerder of functioneel beheerder. Vraag het aan een instantiebeheerder of "
            "functioneel beheerder, of vraag de functioneel beheerder om een andere rol.",
        ),
        (
            "mentor@zonnebloem.nl",
            "mentor@zonnebloem.nl heeft de rol meldingsbevoegde; dit mag alleen met de rol "
            "instantiebeheerder of functioneel beheerder. Vraag het aan een instantiebeheerder of "
            "functioneel beheerder, of vraag de functioneel beheerder om een andere rol.",
        ),
        (
            "coordinator@regio.nl",
            "coordinator@regio.nl heeft de rol regionaal coördinator; dit mag alleen met de rol "
            "instantiebeheerder of functioneel beheerder. Vraag het aan een instantiebeheerder of "
            "functioneel beheerder, of vraag de functioneel beheerder om een andere rol.",
        ),
    ],
)
def test_nobody_else_may_and_nothing_is_written(
    vix: Runner, region: Region, vix_env: Path, who: str, message: str
) -> None:
    anna_with_jgz(vix, region)
    jgz_manager(vix)
    before = dump(vix_env)
    refused = transfer(vix, region, als=who)
    assert refused.exit_code == 1, refused.stderr
    assert message in flat(refused.stderr)
    assert dump(vix_env) == before


# -- what is wrong, and nothing written -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "als", "message"),
    [
        (
            ["onbekend@zonnebloem.nl", "mentor@zonnebloem.nl"],
            "directeur@zonnebloem.nl",
            "Er is geen professional met e-mailadres onbekend@zonnebloem.nl in uw organisatie "
            "(ZON). Bekijk de professionals met 'vix professional lijst'.",
        ),
        (
            ["ib@zonnebloem.nl", "onbekend@zonnebloem.nl"],
            ADMIN,
            "Er is geen professional met e-mailadres onbekend@zonnebloem.nl.",
        ),
        (
            ["ib@zonnebloem.nl", "arts@jgz.nl"],
            "directeur@zonnebloem.nl",
            "Er is geen professional met e-mailadres arts@jgz.nl in uw organisatie (ZON).",
        ),
        (
            ["ib@zonnebloem.nl", "arts@jgz.nl"],
            ADMIN,
            "arts@jgz.nl hoort niet bij de organisatie van ib@zonnebloem.nl (ZON); signalen "
            "gaan alleen over naar een collega van dezelfde organisatie.",
        ),
        (
            ["ib@zonnebloem.nl", "ib@zonnebloem.nl"],
            "directeur@zonnebloem.nl",
            "Van en naar zijn dezelfde professional (ib@zonnebloem.nl); geef de collega die "
            "de signalen overneemt als tweede.",
        ),
        (
            ["mentor@zonnebloem.nl", "ib@zonnebloem.nl"],
            "directeur@zonnebloem.nl",
            "mentor@zonnebloem.nl heeft geen actieve signalen; er is niets over te dragen.",
        ),
        (
            ["ib@zonnebloem.nl", "directeur@zonnebloem.nl"],
            "directeur@zonnebloem.nl",
            "directeur@zonnebloem.nl heeft de rol instantiebeheerder; signalen gaan alleen "
            "over naar een meldingsbevoegde.",
        ),
        (
            ["ib@zonnebloem.nl", "mentor@zonnebloem.nl", "--signaal", "2"],
            "directeur@zonnebloem.nl",
            "Signaal 2 is geen actief signaal van ib@zonnebloem.nl.",
        ),
    ],
)
def test_a_wrong_request_says_what_is_wrong_and_writes_nothing(
    vix: Runner, region: Region, vix_env: Path, args: list[str], als: str, message: str
) -> None:
    anna_with_jgz(vix, region)  # signal 1 is Ineke's, signal 2 Karin's
    before = dump(vix_env)
    refused = vix("professional", "overdragen", *args, als=als)
    assert refused.exit_code == 1, refused.stderr
    assert message in flat(refused.stderr)
    assert dump(vix_env) == before


def test_a_colleague_who_left_cannot_take_over(vix: Runner, region: Region, vix_env: Path) -> None:
    anna_with_jgz(vix, region)
    ok(vix("professional", "deactiveer", region.school_colleague, als=ADMIN))
    before = dump(vix_env)
    refused = transfer(vix, region)
    assert refused.exit_code == 1
    assert f"{region.school_colleague} is niet actief en kan geen signalen overnemen." in flat(
        refused.stderr
    )
    assert dump(vix_env) == before


def test_an_error_halfway_writes_nothing(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A region's broken lead notice fails after the signals moved and the members'
    notices were queued: one transaction, so none of it stays."""
    match_id = anna_with_jgz(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz))
    folder = tmp_path / "sjablonen"
    (folder / "berichten").mkdir(parents=True)
    (folder / "berichten" / "regie.txt").write_text("Beste {{ ontvanger }},\n{% if %}\n")
    ok(vix("instelling", "zet", "sjablonen_map", str(folder), als=ADMIN))
    before = dump(vix_env)
    failed = transfer(vix, region)
    assert failed.exit_code == 1
    assert "regie.txt, regel 2 bevat een fout" in failed.stderr
    assert "er is niets opgeslagen" in failed.stderr
    assert dump(vix_env) == before


# -- accountability ---------------------------------------------------------------------------


def test_each_signal_handed_on_is_audited_without_a_bsn(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    anna_with_jgz(vix, region)
    place(vix, region.school, *new_youth(BSN_BRAM, "Bram", born="05-06-2012"))
    ids = sorted(s["id"] for s in signals_of(vix, region.school))
    ok(transfer(vix, region))

    records = db_rows(
        vix_env,
        "SELECT actor_id, entity, entity_id, subject, detail FROM audit_log"
        " WHERE action = 'transfer' ORDER BY entity_id",
    )
    assert [(r["entity"], r["entity_id"]) for r in records] == [("signal", i) for i in ids]
    for r in records:
        assert r["actor_id"] == pid(vix_env, region.manager)
        assert json.loads(r["detail"]) == {
            "van": pid(vix_env, region.school),
            "naar": pid(vix_env, region.school_colleague),
        }
        # the youth's pseudonym, as on the record of the signal's placing
        [placed] = db_rows(
            vix_env,
            "SELECT subject FROM audit_log WHERE action = 'create' AND entity = 'signal'"
            " AND entity_id = ?",
            (r["entity_id"],),
        )
        assert r["subject"] == placed["subject"] and r["subject"]
    everything = "\n".join(str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log"))
    assert BSN_ANNA not in everything and BSN_BRAM not in everything
    # the parents' inzage shows that the signal was handed on, and by whom
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    assert [s["signaller"] for s in z["signals"]] == [MARK, "Karin Arts"]
    handed = [line for line in z["log"] if "overgedragen aan een collega" in line["action"]]
    assert [(line["who"], line["action"]) for line in handed] == [
        (DIRK, "overgedragen aan een collega van de organisatie: signaal")
    ]


# -- deactivating someone who still has signals -------------------------------------------


def test_deactivating_a_signaller_with_signals_points_to_the_transfer(
    vix: Runner, region: Region
) -> None:
    anna_with_jgz(vix, region)
    done = ok(vix("professional", "deactiveer", region.school, als=ADMIN))
    assert flat(done.stderr) == (
        f"Professional {region.school} is niet meer actief. Let op: {region.school} heeft "
        "nog 1 actief signaal; in de matches staat hij of zij nog als contactpersoon. De "
        f"instantiebeheerder ({DIRK}, {region.manager}) draagt het over aan een collega met "
        f"'vix professional overdragen {region.school} COLLEGA'."
    )
    # without signals, nothing to point to
    quiet = ok(vix("professional", "deactiveer", region.care, als=ADMIN))
    assert quiet.stderr.strip() == f"Professional {region.care} is niet meer actief."
    help_text = flat(ok(vix("professional", "deactiveer", "--help")).stdout)
    assert "Draag de signalen eerst over met 'vix professional overdragen" in help_text


# -- the letter to the parents -------------------------------------------------------------


@pytest.mark.parametrize("formaat", ["tekst", "html"])
def test_the_letter_does_not_say_the_colleague_placed_the_signal(
    vix: Runner, region: Region, formaat: str
) -> None:
    """The organisation placed it on its day; the colleague is the contact since the
    transfer. Before a transfer the letter names who placed it, as always."""
    anna_with_jgz(vix, region)
    [own] = signals_of(vix, region.school)
    before = flat(ok(vix("brief", str(own["id"]), "--formaat", formaat, als=region.school)).stdout)
    assert f"weten dat {INEKE} van Basisschool De Zonnebloem op 23-11-2026 een signaal" in before
    ok(vix("professional", "overdragen", region.school, region.school_colleague,
           als=region.manager, now="2026-12-02T09:00:00"))  # fmt: skip
    letter = flat(
        ok(vix("brief", str(own["id"]), "--formaat", formaat, als=region.school_colleague)).stdout
    )
    assert "weten dat Basisschool De Zonnebloem op 23-11-2026 een signaal heeft afgegeven" in letter
    assert f"Sinds 02-12-2026 is {MARK} daarvoor de contactpersoon." in letter
    assert f"{MARK} van Basisschool" not in letter and INEKE not in letter


# -- the inzage after a transfer -------------------------------------------------------------


def test_the_inzage_does_not_say_the_colleague_placed_the_signal_or_was_always_in_the_match(
    vix: Runner, region: Region
) -> None:
    """Ineke placed the signal on 23-11 and was in Anna's match until the transfer on
    02-12; Mark is the contact since then, and in the match from then on. The inzage
    said Mark placed it on 23-11 and was in the match from the start, and left Ineke
    out, while its notices showed Ineke got the match notice: in every format."""
    anna_with_jgz(vix, region)
    ok(vix("professional", "overdragen", region.school, region.school_colleague,
           als=region.manager, now="2026-12-02T09:00:00"))  # fmt: skip
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    school = z["signals"][0]
    assert (school["signaller"], school["placed_at"][:10]) == (MARK, "2026-11-23")
    assert (school["placed_by"], school["taken_over_at"]) == (INEKE, "2026-12-02T09:00:00")
    assert (z["signals"][1]["placed_by"], z["signals"][1]["taken_over_at"]) == (None, None)
    [m] = z["matches"]
    assert [(p["name"], p["joined_at"], p["left_at"]) for p in m["members"]] == [
        (INEKE, "2026-11-23T09:00:00", "2026-12-02T09:00:00"),
        ("Karin Arts", "2026-11-23T09:00:00", None),
        (MARK, "2026-12-02T09:00:00", None),
    ]
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator)).stdout
    assert (
        "  afgegeven op 23-11-2026 door Ineke Bos; sinds 02-12-2026 is Mark Mentor de "
        "contactpersoon; actief\n" in text
    )
    assert "  betrokken: Ineke Bos, Basisschool De Zonnebloem (tot 02-12-2026)\n" in text
    assert "  betrokken: Mark Mentor, Basisschool De Zonnebloem (vanaf 02-12-2026)\n" in text
    page = Page()
    page.feed(ok(vix("inzage", "--bsn", BSN_ANNA, "--formaat", "html", als=region.admin)).stdout)
    [cell] = [row[1] for row in page.rows["signalen"] if row[0] == "Basisschool De Zonnebloem"]
    assert cell.startswith(
        "Mark Mentor (contactpersoon sinds 02-12-2026; afgegeven door Ineke Bos)"
    )
    shown = " ".join(page.text)
    assert "Betrokken: Ineke Bos, Basisschool De Zonnebloem (tot 02-12-2026)" in shown
    assert "Betrokken: Mark Mentor, Basisschool De Zonnebloem (vanaf 02-12-2026)" in shown
