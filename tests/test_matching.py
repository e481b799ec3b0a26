"""Youth and family matches through the CLI: rules 6-9 and 11, need to know, notices."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    INFORMED,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    anna_s_match,
    as_json,
    db_rows,
    family_at_one_address,
    new_youth,
    ok,
    signal,
)


def outbox(db: Path) -> list[sqlite3.Row]:
    return db_rows(db, "SELECT * FROM outbox ORDER BY id")


def test_youth_match_tells_everyone_who_else_is_involved(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    answer = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    [match] = answer["matches"]
    assert match["kind"] == "youth" and match["status"] == "lopend"
    assert match["youths"] == [
        {
            "name": "Anna Vries",
            "birth_date": "2014-04-03",
            "number": "******333",
            "number_kind": "BSN",
        }
    ]
    members = {m["email"]: m for m in match["members"]}
    assert set(members) == {region.school, region.jgz}
    assert members[region.school]["phone"] == "023-5550000"
    assert members[region.jgz]["is_director"], "non-education leads before education"
    notices = outbox(vix_env)
    assert sorted(n["recipient_email"] for n in notices) == sorted([region.school, region.jgz])
    to_school = next(n for n in notices if n["recipient_email"] == region.school)
    assert "Karin Arts" in to_school["body"] and region.jgz in to_school["body"]
    assert "Anna Vries" in to_school["body"]
    assert BSN_ANNA not in to_school["body"], "a notice never holds the BSN"


def test_third_organisation_joins_and_everyone_learns(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    first = anna_s_match(vix, region)
    joined = signal(vix, region.care, *new_youth(BSN_ANNA, "Anna"))
    assert [m["id"] for m in joined["matches"]] == [first]
    assert len(joined["matches"][0]["members"]) == 3
    latest = db_rows(vix_env, "SELECT recipient_email, kind, body FROM outbox WHERE id > 2")
    kinds = {r["recipient_email"]: r["kind"] for r in latest}
    assert kinds == {
        region.care: "match_nieuw",
        region.school: "match_gewijzigd",
        region.jgz: "match_gewijzigd",
    }
    assert all("Hans Hulp" in r["body"] for r in latest if r["recipient_email"] != region.care)


def test_withdrawal_shrinks_then_ends_the_match(vix: Runner, region: Region, vix_env: Path) -> None:
    # a minute apart: JGZ and the youth care made a match between 10:02 and 10:03, so the
    # match stays (and ends) when the school's signal turns out unjustified at 10:04
    a = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    b = as_json(
        vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=region.jgz,
            now="2026-11-23T10:01:00")
    )  # fmt: skip
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.care,
           now="2026-11-23T10:02:00"))  # fmt: skip
    match_id = b["matches"][0]["id"]
    ok(vix("intrekken", str(b["signal_id"]), "--reden", "weggenomen", als=region.jgz,
           now="2026-11-23T10:03:00"))  # fmt: skip
    still = as_json(vix("match", str(match_id), "--json", als=region.school))
    assert {m["email"] for m in still["members"]} == {region.school, region.care}
    assert still["director"] == "Hans Hulp", "a new director when the director leaves"
    # the mail run went: the youth care knows of the school, so it hears that the match
    # ended (one that never heard of it would not: tests/test_notice_withdrawal.py)
    with sqlite3.connect(vix_env) as conn:
        conn.execute("UPDATE outbox SET status = 'sent'")
    ok(vix("intrekken", str(a["signal_id"]), "--reden", "onterecht", als=region.school,
           now="2026-11-23T10:04:00"))  # fmt: skip
    [row] = db_rows(vix_env, "SELECT created_at, ended_at FROM matches")
    assert tuple(row) == ("2026-11-23T10:02:00", "2026-11-23T10:04:00")
    assert as_json(vix("matches", "--json", als=region.care)) == []
    last = outbox(vix_env)[-1]
    assert (last["recipient_email"], last["kind"]) == (region.care, "match_beeindigd")


def test_an_end_notice_sends_its_reader_to_the_signals_not_to_the_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """An ended match is shown to nobody (rule 9: only an active signal in it shows a match),
    so the notice that it ended cannot say "Bekijk de match met: vix match N"."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    jgz = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    match_id = str(jgz["matches"][0]["id"])
    ok(vix("intrekken", str(jgz["signal_id"]), "--reden", "weggenomen", als=region.jgz))
    last = outbox(vix_env)[-1]
    assert (last["recipient_email"], last["kind"]) == (region.school, "match_beeindigd")
    assert f"Match {match_id} is beëindigd" in last["body"]
    assert "vix match" not in last["body"]
    assert "Uw signalen ziet u met: vix signalen" in last["body"]
    shown = vix("match", match_id, als=region.school)
    assert shown.exit_code == 1 and "bestaat niet of u bent er niet bij betrokken" in shown.stderr
    [own] = as_json(vix("signalen", "--json", als=region.school))
    assert own["status"] == "actief" and own["in_match"] is False


def test_same_organisation_never_matches(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.school_colleague, *new_youth(BSN_ANNA, "Anna"))
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0
    assert outbox(vix_env) == []


def test_family_match_by_shared_parent_hides_the_other_child(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    answer = signal(
        vix, region.care, *new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_MOTHER, P_FATHER))
    )
    [match] = answer["matches"]
    assert match["kind"] == "family"
    assert [y["name"] for y in match["youths"]] == ["Bram Smit"], "only the viewer's own youth"
    assert {m["email"] for m in match["members"]} == {region.school, region.care}
    for n in outbox(vix_env):
        other = "Bram" if n["recipient_email"] == region.school else "Anna"
        assert other not in n["body"], "a family notice never names the other child"
    school_view = as_json(vix("match", str(match["id"]), "--json", als=region.school))
    assert [y["name"] for y in school_view["youths"]] == ["Anna Vries"]


def test_family_match_hides_where_the_other_child_lives(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The match's municipality is one child's; a member sees it only for a youth match."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", town="HAARLEM", parents=(P_MOTHER,)))
    answer = signal(
        vix, region.care, *new_youth(BSN_BRAM, "Bram", town="ZANDVOORT", parents=(P_MOTHER,))
    )
    [match] = answer["matches"]
    assert match["kind"] == "family" and match["municipality"] is None
    for who in (region.school, region.care):
        view = as_json(vix("match", str(match["id"]), "--json", als=who))
        assert view["municipality"] is None
        late = vix("stagnatie", "--dagen", "5", als=who, now="2026-12-10T08:00:00")
        assert f"match {match['id']}" in late.stdout
        assert "Haarlem" not in late.stdout and "Zandvoort" not in late.stdout
    inzage = ok(vix("inzage", "--bsn", BSN_BRAM, als=region.coordinator)).stdout
    assert "gezinsmatch" in inzage and "gemeente Haarlem" not in inzage
    # the process view keeps it: the coordinator chases the match with that municipality
    process = vix("stagnatie", "--dagen", "5", als=region.coordinator, now="2026-12-10T08:00:00")
    assert "gemeente Haarlem" in process.stdout


def test_family_match_by_shared_address_but_not_an_institution(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", postcode="2011AB", number="12"))
    answer = signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", postcode="2011 ab", number="12"))
    assert [m["kind"] for m in answer["matches"]] == ["family"]
    ok(vix("instellingsadres", "2000AA", "1", "Leefgroep", als=ADMIN))
    signal(vix, region.school, *new_youth(BSN_CAS, "Cas", postcode="2000AA", number="1"))
    at_institution = signal(
        vix, region.jgz, *new_youth(BSN_DAAN, "Daan", postcode="2000AA", number="1")
    )
    assert at_institution["matches"] == []


def test_marking_an_institution_address_ends_the_family_match_it_made(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match = family_at_one_address(vix, region)
    before = len(outbox(vix_env))
    marked = ok(vix("instellingsadres", "2011AB", "12", "Pleeggezinhuis", als=ADMIN))
    # it ends the match: not "bijgewerkt", as it said
    assert "Op dit adres: 1 gezinsmatch beëindigd; 2 berichten klaargezet" in marked.stderr
    [ended] = db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = ?", (match["id"],))
    assert ended["ended_at"] is not None
    told = outbox(vix_env)[before:]
    assert sorted(n["recipient_email"] for n in told) == sorted([region.school, region.jgz])
    assert {n["kind"] for n in told} == {"match_beeindigd"}
    assert as_json(vix("matches", "--json", als=region.school)) == []


@pytest.mark.parametrize(
    ("first", "second", "family"),
    [
        ("12 a", "12A", True),  # one home, written two ways
        ("12-A", "012a", True),
        ("12-2", "122", False),  # number 12 with addition 2 is not number 122
        ("1 22", "12 2", False),
    ],
)
def test_family_by_address_keeps_the_number_apart_from_its_addition(
    vix: Runner, region: Region, first: str, second: str, family: bool
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", postcode="2011AB", number=first))
    answer = signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", postcode="2011AB", number=second))
    assert [m["kind"] for m in answer["matches"]] == (["family"] if family else [])


def test_family_match_needs_two_children(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.school_colleague, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0, "one organisation only"
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz))
    kinds = sorted(r[0] for r in db_rows(vix_env, "SELECT kind FROM matches"))
    assert kinds == ["family", "youth"]


def test_need_to_know_same_answer_for_missing_and_foreign(vix: Runner, region: Region) -> None:
    match_id = anna_s_match(vix, region)
    signal(vix, region.care, *new_youth(BSN_BRAM, "Bram", surname="Smit"))
    for outsider in (region.care, region.gi, region.coordinator, region.admin, region.manager):
        foreign = vix("match", str(match_id), als=outsider)
        missing = vix("match", "999", als=outsider)
        assert foreign.exit_code == missing.exit_code == 1
        assert foreign.stderr.replace(str(match_id), "N") == missing.stderr.replace("999", "N")
        assert as_json(vix("matches", "--json", als=outsider)) == []


def test_reads_are_audited_without_bsn(vix: Runner, region: Region, vix_env: Path) -> None:
    match_id = anna_s_match(vix, region)
    ok(vix("match", str(match_id), als=region.school))
    reads = db_rows(
        vix_env,
        "SELECT actor_id, subject FROM audit_log WHERE action = 'read' AND entity = 'match'",
    )
    assert reads and all(r["subject"] and len(r["subject"]) == 32 for r in reads)
    dump = "\n".join(str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log"))
    assert BSN_ANNA not in dump


def test_youth_protection_takes_the_lead(vix: Runner, region: Region) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.care, *new_youth(BSN_ANNA, "Anna"))
    joined = signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))
    assert joined["matches"][0]["director"] == "Gea Jansen"
    assert joined["matches"][0]["care_coordinator"] == "Gea Jansen", "rule 12"


def test_move_tells_signallers_and_the_new_regievoerder(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school2, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    before = len(outbox(vix_env))
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "HAARLEM", als=region.school2))
    moved = outbox(vix_env)[before:]
    assert sorted(n["recipient_email"] for n in moved) == sorted(
        [region.school2, region.jgz, region.regie]
    )
    assert all(n["kind"] == "move" and "Haarlem" in n["body"] for n in moved)
    [m] = db_rows(
        vix_env, "SELECT mu.code FROM matches m JOIN municipalities mu ON mu.id = m.municipality_id"
    )
    assert m[0] == "HAARLEM"
    again = vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "HAARLEM", als=region.school2)
    assert again.exit_code == 1 and "woont al" in again.stderr
    outsider = vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.care)
    unknown = vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT", als=region.care)
    assert outsider.exit_code == unknown.exit_code == 1
    assert outsider.stderr == unknown.stderr
    # one answer that says what to check, without telling which of the two it is
    assert outsider.stderr == (
        "Fout: Deze jeugdige is niet bekend, of u heeft geen actief signaal op hem of haar; er "
        "is niets opgeslagen. Controleer het nummer (BSN, onderwijsnummer of vervangend nummer "
        "VN...); uw eigen signalen ziet u met 'vix signalen'. Een verhuizing legt vast wie een "
        "actief signaal op de jeugdige heeft, de regionaal coördinator of de functioneel "
        "beheerder.\n"
    )
    # the notice names the members of the open match, whom each member knows
    assert all("Erik Esdoorn" in n["body"] and "Karin Arts" in n["body"] for n in moved)


def test_move_notice_names_no_signal_outside_a_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Two signals of one school make no match (rule 6): a move keeps them apart."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.school_colleague, *new_youth(BSN_ANNA, "Anna"))
    assert db_rows(vix_env, "SELECT * FROM matches") == []
    before = len(outbox(vix_env))
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.school))
    moved = outbox(vix_env)[before:]
    assert sorted(n["recipient_email"] for n in moved) == sorted(
        [region.school, region.school_colleague]
    )
    names = {region.school: "Ineke Bos", region.school_colleague: "Mark Mentor"}
    for n in moved:
        other = next(v for k, v in names.items() if k != n["recipient_email"])
        assert "Anna" in n["body"] and "geen match" in n["body"]
        assert other not in n["body"]


def test_move_notice_of_a_youth_in_a_family_match_does_not_say_there_is_none(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    before = len(outbox(vix_env))
    ok(vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT", als=region.jgz))
    [moved] = outbox(vix_env)[before:]
    assert moved["recipient_email"] == region.jgz
    assert "zit in een gezinsmatch" in moved["body"] and "geen match" not in moved["body"]
    assert "Anna" not in moved["body"] and "Ineke Bos" not in moved["body"]  # rule 7


def test_move_notice_of_a_youth_in_both_matches_names_the_family_match_too(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """README: the move notice says whether the youth is in a family match after the move;
    it did not when the youth was in a match of his or her own as well."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    signal(vix, region.care, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    before = len(outbox(vix_env))
    ok(vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT", als=region.jgz))
    moved = [n for n in outbox(vix_env)[before:] if n["recipient_email"] == region.jgz]
    [body] = [n["body"] for n in moved]
    assert region.care in body  # the members of Bram's own match
    assert "zit ook in een gezinsmatch" in body
    assert "Anna" not in body and "Ineke Bos" not in body  # rule 7
