"""Signals that end in one command end together, and an erased youth is named nowhere.

At the 23rd birthday, on an upheld objection or an erasure request, at death, or
when two signals reach their two years the same night, every signal of a match
may end in one command. A member is told that a match ended only while his or her
own signal is still active (rule 8); ending the signals one by one told whoever's
signal happened to end last, with the name of a youth erased the same moment.
A merge that makes one match of two (two registrations of one youth, two families
that prove one) tells nobody that the other one ended: its members are all in the
match that stays, and hear of that one.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from test_corrections import WITHOUT_BSN
from test_notice_withdrawal import at, withdraw

T0 = "2026-11-23T10:00:00"
T1 = "2026-11-23T10:05:00"
T2 = "2026-11-23T10:10:00"
T3 = "2026-11-23T10:15:00"
BIRTHDAY = "2026-12-09T03:00:00"  # Max turns 23: `vix onderhoud` in the night


def sent(vix_env: Path) -> None:
    """The mail run went: every member heard of the match (so knows of it)."""
    with sqlite3.connect(vix_env) as conn:
        conn.execute("UPDATE outbox SET status = 'sent'")


def unsent(vix_env: Path) -> list[tuple[str, str, str]]:
    return [
        (r["recipient_email"], r["kind"], r["body"])
        for r in db_rows(
            vix_env,
            "SELECT recipient_email, kind, body FROM outbox WHERE status = 'queued' ORDER BY id",
        )
    ]


def of_matches(vix_env: Path) -> list[tuple[str, str, str]]:
    """The unsent notices but those telling a signaller that his or her signal was erased
    on request (tests/test_erasure_notice.py): they name no youth."""
    return [u for u in unsent(vix_env) if u[1] != "signaal_gewist"]


def erasure_told(vix_env: Path) -> list[str]:
    """Who was told, in a notice still unsent, that his or her signal was erased."""
    return [email for email, kind, _ in unsent(vix_env) if kind == "signaal_gewist"]


def naming(vix_env: Path, name: str) -> list[str]:
    """The kinds of the notices, sent or not, whose body names `name`."""
    rows = db_rows(vix_env, "SELECT kind FROM outbox WHERE body LIKE ?", (f"%{name}%",))
    return [r["kind"] for r in rows]


MAX = new_youth(BSN_ANNA, "Max", surname="Oud", born="09-12-2003")


@pytest.mark.parametrize("first", ["school", "jgz"])
def test_at_the_23rd_birthday_nobody_is_told_the_match_ended(
    vix: Runner, region: Region, vix_env: Path, first: str
) -> None:
    """Both signals are deleted by `vix onderhoud` on the birthday, and the youth is erased:
    whichever signal comes first, nobody gets an end notice and nothing names Max."""
    one, other = (region.school, region.jgz) if first == "school" else (region.jgz, region.school)
    at(vix, T0, one, *MAX)
    at(vix, T1, other, *MAX)
    sent(vix_env)
    done = ok(vix("onderhoud", als=region.coordinator, now=BIRTHDAY))
    assert "2 gewist (23 jaar)" in done.stdout
    assert unsent(vix_env) == []
    assert naming(vix_env, "Max Oud") == []
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0
    assert db_rows(vix_env, "SELECT ended_at IS NOT NULL FROM matches")[0][0] == 1


@pytest.mark.parametrize("reason", ["bezwaar", "verwijderverzoek", "overlijden"])
def test_an_erasure_tells_none_of_the_members_that_the_match_ended(
    vix: Runner, region: Region, vix_env: Path, reason: str
) -> None:
    """Three organisations; the coordinator erases every signal on Anna. Before, the member
    whose signal was deleted last was told the match ended (naming Anna); now nobody is,
    and "er is niets meer over deze jeugdige opgeslagen" holds for the outbox too. On a
    request of the parents or the youth each signaller hears that his or her signal went,
    in a notice that names nobody."""
    signallers = [region.school, region.jgz, region.care]
    for now, who in zip((T0, T1, T2), signallers, strict=True):
        at(vix, now, who, *new_youth(BSN_ANNA, "Anna"))
    sent(vix_env)
    done = ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", reason, als=region.coordinator, now=T3))
    assert "niets meer over deze jeugdige" in done.stderr
    assert of_matches(vix_env) == []
    assert erasure_told(vix_env) == ([] if reason == "overlijden" else signallers)
    assert naming(vix_env, "Anna Vries") == []


def test_signals_that_expire_the_same_night_end_their_match_without_a_word(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Real involvement, archived: still, both signals end in the same run, so neither
    signaller is told the match ended (before, the one whose signal came second was)."""
    at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna"))
    at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    sent(vix_env)
    done = ok(vix("onderhoud", als=region.coordinator, now="2028-11-23T03:00:00"))
    assert "2 gearchiveerd" in done.stdout
    assert unsent(vix_env) == []
    assert db_rows(vix_env, "SELECT ended_at IS NOT NULL FROM matches")[0][0] == 1


def test_a_brother_s_signal_is_told_the_family_match_ended_without_the_erased_sister(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """JGZ signals Anna and her brother Bram, the school Anna: a youth match on Anna and a
    family match. Anna's signals are erased: JGZ's signal on Bram still stands, so JGZ is
    told that the family match ended, naming Bram only: Anna is erased (rule 15).

    Upheld objection: without Anna's signals neither match ever arose, so both go
    (`notices.forget_matches`); JGZ knew of the family match and gets the ordinary end
    notice all the same, with its number. The matches go after Anna: deleted first, the
    end notice that named her could not be queued again without her."""
    anna = new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,))
    at(vix, T0, region.school, *anna)
    at(vix, T1, region.jgz, *anna)
    bram = at(vix, T2, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    [family] = [m["id"] for m in bram["matches"] if m["kind"] == "family"]
    sent(vix_env)
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator, now=T3))
    [(email, kind, body)] = of_matches(vix_env)
    assert (email, kind) == (region.jgz, "match_beeindigd")
    assert erasure_told(vix_env) == [region.school, region.jgz]
    assert f"Gezinsmatch {family} is beëindigd" in body and "Uw jeugdige: Bram Vries" in body
    assert naming(vix_env, "Anna Vries") == []
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0


def test_an_objection_does_not_restart_a_family_match_that_then_goes(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The school signals Anna, youth care her brother Bram: a family match, with contact
    recorded that day. A day later JGZ signals Anna too. An objection deletes both of
    Anna's signals. Without them the family match never arose, so it simply goes: it is
    not first "restarted" at the moment JGZ joined (before, deleting the school's signal
    first moved the start while JGZ's, about to go in the same command, still counted,
    took back the contact as recorded too early, and logged both), and its removal is
    logged under Anna's first deleted signal."""
    anna = new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,))
    school = at(vix, T0, region.school, *anna)
    bram = at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    [family] = [m["id"] for m in bram["matches"] if m["kind"] == "family"]
    ok(vix("contact", str(family), als=region.school, now=T2))
    at(vix, "2026-11-24T10:00:00", region.jgz, *anna)
    sent(vix_env)
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator,
           now="2026-11-24T11:00:00"))  # fmt: skip
    rewritten = db_rows(
        vix_env,
        "SELECT action FROM audit_log WHERE entity = 'match'"
        " AND action IN ('restart', 'milestone_removed', 'escalation_removed')",
    )
    assert [r["action"] for r in rewritten] == []
    deleted = db_rows(
        vix_env,
        "SELECT entity_id, detail FROM audit_log WHERE entity = 'match' AND action = 'delete'",
    )
    by_match = {r["entity_id"]: json.loads(r["detail"]) for r in deleted}
    assert by_match[family] == {
        "reden": "objection",
        "signaal": school["signal_id"],
        "match": family,
        "soort": "family",
    }
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0
    # youth care knew of the family match and its signal on Bram stands: told it ended
    assert [(e, k) for e, k, _ in of_matches(vix_env)] == [(region.care, "match_beeindigd")]
    assert erasure_told(vix_env) == [region.school, region.jgz]


def test_a_new_signal_ends_a_family_s_overdue_signals_together(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The school signals Anna, youth care her brother Bram, JGZ later their brother Cas:
    one family match. Anna's and Bram's signals pass their two years before `vix onderhoud`
    comes round; youth protection signals Anna. The overdue signals end first (rule 15),
    together, as the night run would end them: JGZ, whose signal on Cas stands, hears only
    that the family match ended, and youth care, whose own signal ended, nothing (before,
    each youth's signals ended on their own: youth care and JGZ were told the match
    changed, then JGZ that it ended). Then the new family match, to JGZ and youth
    protection."""
    family = (P_MOTHER,)
    at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", parents=family))
    at(vix, T1, region.care, *new_youth(BSN_BRAM, "Bram", parents=family))
    at(vix, "2027-06-01T10:00:00", region.jgz, *new_youth(BSN_CAS, "Cas", parents=family))
    sent(vix_env)
    at(vix, "2028-11-24T10:00:00", region.gi, *new_youth(BSN_ANNA, "Anna", parents=family))
    [old, new] = [r["id"] for r in db_rows(vix_env, "SELECT id FROM matches ORDER BY id")]
    told = db_rows(
        vix_env,
        "SELECT recipient_email, kind, match_id FROM outbox WHERE status = 'queued'"
        " AND kind LIKE 'match_%' ORDER BY id",
    )
    assert sorted(tuple(r) for r in told) == sorted(
        [
            (region.jgz, "match_beeindigd", old),
            (region.jgz, "match_nieuw", new),
            (region.gi, "match_nieuw", new),
        ]
    )


def test_an_end_notice_still_queued_goes_with_the_youth_it_names(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The school's signal proves unjustified: JGZ, who knew of the match, is told that it
    ended. Before the mail run JGZ withdraws too, and Anna, left with nothing, is erased:
    that notice names her, so it goes as well (before, it stayed, and once sent it kept her
    name and birth date in the outbox for good)."""
    school = at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna"))
    jgz = at(vix, T1, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    sent(vix_env)
    withdraw(vix, school["signal_id"], region.school, T2)
    assert [(e, k) for e, k, _ in unsent(vix_env)] == [(region.jgz, "match_beeindigd")]
    withdraw(vix, jgz["signal_id"], region.jgz, T3)
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0
    assert unsent(vix_env) == []
    assert naming(vix_env, "Anna Vries") == []


SAM = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]


@pytest.mark.parametrize("jgz_kept", ["older match", "younger match"])
def test_a_match_that_goes_up_in_another_by_a_merge_is_not_reported_ended(
    vix: Runner, region: Region, vix_env: Path, jgz_kept: str
) -> None:
    """Sam is registered twice: by substitute number (youth care and JGZ: the older match)
    and by BSN (the school and JGZ: the younger one). The merge keeps the older match and
    JGZ's earlier signal. The younger match ends because it went up in the older, not
    because fewer than two organisations are left: nobody is told it ended (before, the
    school always was, and JGZ only when its signal in the younger match was the one kept),
    and the school hears of the match that stays."""
    by_bsn = [BSN_ANNA, *SAM, "--gemeente", "HAARLEM"]
    if jgz_kept == "older match":
        at(vix, T0, region.care, *WITHOUT_BSN)
        at(vix, T1, region.jgz, *WITHOUT_BSN)
        at(vix, T2, region.school, *by_bsn)
        at(vix, T3, region.jgz, *by_bsn)
    else:
        at(vix, T0, region.jgz, *by_bsn)
        at(vix, T1, region.care, *WITHOUT_BSN)
        at(vix, T2, region.jgz, *WITHOUT_BSN)
        at(vix, T3, region.school, *by_bsn)
    sent(vix_env)
    [(number,)] = db_rows(vix_env, "SELECT bsn FROM youths WHERE id_kind = 'substitute'")
    matches = "SELECT id FROM matches ORDER BY id"
    older, younger = (r["id"] for r in db_rows(vix_env, matches))
    done = as_json(
        vix("jeugdige", "samenvoegen", number, BSN_ANNA, "--json", als=region.coordinator)
    )
    assert done["duplicates"] == 1
    open_ = "SELECT id FROM matches WHERE ended_at IS NULL"
    assert [r["id"] for r in db_rows(vix_env, open_)] == [older]
    told = [(email, kind) for email, kind, _ in unsent(vix_env)]
    assert not [k for _, k in told if k == "match_beeindigd"]
    assert (region.school, "match_nieuw") in told
    assert all(f"Match: {younger} " not in body for _, _, body in unsent(vix_env))


def test_a_family_match_that_goes_up_in_another_is_not_reported_ended(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Two families, each with a family match; a corrected parent shows Cas is Anna's
    brother too. The older family match takes every signal in; the other ends without a
    word (before: "er zijn geen signalen van twee of meer organisaties meer", not true),
    and its members hear of the match that stays as a new one."""
    at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    at(vix, T1, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    at(vix, T2, region.care, *new_youth(BSN_CAS, "Cas", parents=(P_FATHER,)))
    at(vix, T3, region.school2, *new_youth(BSN_DAAN, "Daan", parents=(P_FATHER,)))
    sent(vix_env)
    older, younger = (r["id"] for r in db_rows(vix_env, "SELECT id FROM matches ORDER BY id"))
    ok(
        vix(
            "jeugdige", "corrigeer", BSN_CAS, "--ouder", P_FATHER, "--ouder", P_MOTHER,
            als=region.coordinator, now=T3,
        )
    )  # fmt: skip
    open_ = "SELECT id FROM matches WHERE ended_at IS NULL"
    assert [r["id"] for r in db_rows(vix_env, open_)] == [older]
    told = sorted((email, kind) for email, kind, _ in unsent(vix_env))
    assert told == sorted(
        [
            (region.care, "match_nieuw"),
            (region.school2, "match_nieuw"),
            (region.school, "match_gewijzigd"),
            (region.jgz, "match_gewijzigd"),
        ]
    )
    assert all(f"Match: {younger} " not in body for _, _, body in unsent(vix_env))


def test_an_end_or_leave_notice_points_at_what_the_recipient_can_still_see(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """'vix match N' answers "bestaat niet" to whoever is no longer in the match (rule 16):
    the notice that he or she left a family match, or that a match ended, does not send
    him or her there, but to his or her own signals, which still stand."""
    at(vix, T0, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    at(vix, T1, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    care = at(vix, T2, region.care, *new_youth(BSN_CAS, "Cas", parents=(P_MOTHER,)))
    [family] = [m["id"] for m in care["matches"]]
    sent(vix_env)
    # Cas is not Anna's brother after all: the family match goes on without youth care
    ok(vix("jeugdige", "corrigeer", BSN_CAS, "--ouder", P_FATHER, als=region.coordinator, now=T3))
    [(email, _, body)] = [n for n in unsent(vix_env) if n[1] == "match_verlaten"]
    assert email == region.care
    assert "vix match" not in body and "Uw signalen ziet u met: vix signalen" in body
    assert vix("match", str(family), als=region.care, now=T3).exit_code == 1
    assert len(as_json(vix("signalen", "--json", als=region.care, now=T3))) == 1
    # the school's worry is gone: the family match ends, JGZ's signal on Bram stands
    school = as_json(vix("signalen", "--json", als=region.school, now=T3))[0]["id"]
    withdraw(vix, school, region.school, "2026-11-23T10:20:00", reason="weggenomen")
    [(email, _, body)] = [n for n in unsent(vix_env) if n[1] == "match_beeindigd"]
    assert email == region.jgz
    assert "vix match" not in body and "Uw signalen ziet u met: vix signalen" in body
    assert vix("match", str(family), als=region.jgz).exit_code == 1
    # a new or changed match still points at the match
    gewijzigd = [b for _, k, b in unsent(vix_env) if k == "match_gewijzigd"]
    assert gewijzigd and all(f"Bekijk de match met: vix match {family}" in b for b in gewijzigd)
