"""Edges of matching (rules 6-8, 11-13) that mutation testing found no test pinning: a match
after an end, family matches voided, left, grown together, split by an erasure and following
their youths, and who leads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)

# --- match after an end
# What ends a match stays ended (rules 6 and 8): a youth whose match ended gets a new
# one when two organisations signal again, and an end leaves each member's period as it
# was. Pinned by mutation testing (session 25): no test noticed a youth match found again
# after it ended, nor an end that moved when earlier members had left.


def place_anna(vix: Runner, als: str, at: str) -> dict[str, object]:
    found: dict[str, object] = as_json(
        vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=als, now=at)
    )
    return found


def inzage(vix: Runner, region: Region, at: str) -> dict[str, object]:
    found: dict[str, object] = as_json(
        vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=at)
    )
    return found


def test_a_youth_whose_match_ended_gets_a_new_one(vix: Runner, region: Region) -> None:
    """Rule 8: the match ends when JGZ's worry is gone; when youth care signals Anna
    later, the school and youth care make a new match (rule 6). The ended one stays
    ended, at the time it ended: it is not taken up again, nor ended a second time."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    jgz = place_anna(vix, region.jgz, "2026-11-23T10:01:00")
    [first] = jgz["matches"]  # type: ignore[misc]
    ok(vix("intrekken", str(jgz["signal_id"]), "--reden", "weggenomen", als=region.jgz,
           now="2026-11-23T10:02:00"))  # fmt: skip
    assert as_json(vix("matches", "--json", als=region.school, now="2026-11-23T10:03:00")) == []
    care = place_anna(vix, region.care, "2026-11-24T09:00:00")
    [second] = care["matches"]  # type: ignore[misc]
    assert second["id"] != first["id"] and second["status"] == "lopend"
    seen = as_json(vix("match", str(second["id"]), "--json", als=region.school,
                       now="2026-11-24T09:01:00"))  # fmt: skip
    assert {m["email"] for m in seen["members"]} == {region.school, region.care}
    shown = {m["id"]: m for m in inzage(vix, region, "2026-11-24T09:02:00")["matches"]}  # type: ignore[attr-defined]
    assert (shown[first["id"]]["ended_at"], shown[second["id"]]["ended_at"]) == (
        "2026-11-23T10:02:00",
        None,
    )
    # the school's worry goes too: the new match ends, the old one keeps its end
    [mine] = as_json(vix("signalen", "--json", als=region.school, now="2026-11-25T09:00:00"))
    ok(vix("intrekken", str(mine["id"]), "--reden", "weggenomen", als=region.school,
           now="2026-11-25T09:00:00"))  # fmt: skip
    shown = {m["id"]: m for m in inzage(vix, region, "2026-11-25T09:01:00")["matches"]}  # type: ignore[attr-defined]
    assert (shown[first["id"]]["ended_at"], shown[second["id"]]["ended_at"]) == (
        "2026-11-23T10:02:00",
        "2026-11-25T09:00:00",
    )


def test_an_end_keeps_when_each_member_left(vix: Runner, region: Region, vix_env: Path) -> None:
    """Three organisations; the school's worry goes at 10:03 and the match goes on; JGZ's
    at 10:04 ends it. The inzage tells the school's period as it was: it left at 10:03,
    not when the match ended."""
    school = place_anna(vix, region.school, "2026-11-23T10:00:00")
    place_anna(vix, region.jgz, "2026-11-23T10:01:00")
    care = place_anna(vix, region.care, "2026-11-23T10:02:00")
    ok(vix("intrekken", str(school["signal_id"]), "--reden", "weggenomen", als=region.school,
           now="2026-11-23T10:03:00"))  # fmt: skip
    ok(vix("intrekken", str(care["signal_id"]), "--reden", "weggenomen", als=region.care,
           now="2026-11-23T10:04:00"))  # fmt: skip
    [match] = inzage(vix, region, "2026-11-23T10:05:00")["matches"]  # type: ignore[misc]
    assert match["ended_at"] == "2026-11-23T10:04:00"
    left = {m["name"]: m["left_at"] for m in match["members"]}
    assert left == {
        "Ineke Bos": "2026-11-23T10:03:00",
        "Karin Arts": "2026-11-23T10:04:00",
        "Hans Hulp": "2026-11-23T10:04:00",
    }


# --- family match void one child
# A family match needs signals on two children (rule 7), also when a deleted signal
# makes it as if it never existed (rule 15, `matching.restart`).
#
# Anna (school) and her brother Bram (JGZ) make a family match; youth care signals Anna
# later and joins it. Then JGZ's signal on Bram turns out unjustified. Without it, Anna's
# two signals came from two organisations, but on one child: that is Anna's own match,
# never a family match. So the family match never existed and goes; Anna's match stays.
# Pinned by mutation testing (session 25): no test noticed a restart that let one child's
# signals make a family match.


MOTHER = (P_MOTHER,)


def place(vix: Runner, als: str, now: str, *youth: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("signaleer", *youth, *INFORMED, "--json", als=als, now=now))
    return found


def test_one_childs_signals_leave_no_family_match(vix: Runner, region: Region) -> None:
    place(vix, region.school, "2026-11-23T10:00:00", *new_youth(BSN_ANNA, "Anna", parents=MOTHER))
    bram = place(
        vix, region.jgz, "2026-11-23T10:01:00", *new_youth(BSN_BRAM, "Bram", parents=MOTHER)
    )
    [family] = [m for m in bram["matches"] if m["kind"] == "family"]
    care = place(
        vix, region.care, "2026-11-23T10:02:00", *new_youth(BSN_ANNA, "Anna", parents=MOTHER)
    )
    kinds = {m["kind"]: m["id"] for m in care["matches"]}
    assert kinds["family"] == family["id"]
    ok(vix("intrekken", str(bram["signal_id"]), "--reden", "onterecht", als=region.jgz,
           now="2026-11-23T10:03:00"))  # fmt: skip
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator,
                    now="2026-11-23T10:04:00"))  # fmt: skip
    assert [m["id"] for m in z["matches"]] == [kinds["youth"]]
    assert (
        vix("match", str(family["id"]), als=region.school, now="2026-11-23T10:04:00").exit_code == 1
    )


# --- family match of a youth who left
# Rule 7 after a family splits: Anna moves out of the home she shared with Bram and Cas;
# their family match goes on without her. When Anna's new housemate Daan is signalled,
# Anna and Daan make a family match of their own: the old one, which Anna left, is not
# taken over (a match of a family is found through its current members only,
# `matching.open_family_matches`). Pinned by mutation testing (session 25): no test
# noticed the old match taken over, and Bram and Cas dropped from it.


def family_match(found: dict[str, Any]) -> int:
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    return int(match_id)


def members(vix: Runner, als: str, match_id: int) -> set[str]:
    seen = as_json(vix("match", str(match_id), "--json", als=als))
    return {m["email"] for m in seen["members"]}


def test_a_youth_who_left_a_family_match_does_not_take_it_to_her_new_home(
    vix: Runner, region: Region
) -> None:
    old_home = {"postcode": "2011AB", "number": "12"}
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", **old_home))
    old = family_match(signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", **old_home)))
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas", **old_home))
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "HAARLEM", "--postcode", "2012CD",
           "--huisnummer", "3", als=region.school))  # fmt: skip
    assert members(vix, region.jgz, old) == {region.jgz, region.care}
    daan = signal(vix, region.gi, *new_youth(BSN_DAAN, "Daan", postcode="2012CD", number="3"))
    new = family_match(daan)
    assert new != old
    assert members(vix, region.gi, new) == {region.school, region.gi}
    assert members(vix, region.jgz, old) == {region.jgz, region.care}


# --- families grown together
# Two families that grow together make one family match (rule 7): the older match
# goes on with everyone, with its follow-up, and the younger one ends, gone up in it.
# Pinned by mutation testing (session 25): no test noticed the younger match kept and
# the older one ended.


AT_12 = {"postcode": "2011AB", "number": "12"}


def test_the_older_family_match_takes_in_the_younger(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # Anna (school) and Bram (JGZ) live at 2011AB 12: the older family match
    place(vix, region.school, "2026-11-23T10:00:00", *new_youth(BSN_ANNA, "Anna", **AT_12))
    older = family_match(
        place(vix, region.jgz, "2026-11-23T10:01:00", *new_youth(BSN_BRAM, "Bram", **AT_12))
    )
    # Cas (youth care) and Daan (youth protection), children of one father elsewhere
    father = (P_FATHER,)
    place(vix, region.care, "2026-11-23T10:02:00", *new_youth(BSN_CAS, "Cas", parents=father))
    younger = family_match(
        place(vix, region.gi, "2026-11-23T10:03:00", *new_youth(BSN_DAAN, "Daan", parents=father))
    )
    assert older < younger
    # Cas moves in at 2011AB 12: one family now
    ok(vix("jeugdige", "verhuis", BSN_CAS, "--gemeente", "HAARLEM", "--postcode", "2011AB",
           "--huisnummer", "12", als=region.care, now="2026-11-24T09:00:00"))  # fmt: skip
    ended = dict(db_rows(vix_env, "SELECT id, ended_at FROM matches WHERE kind = 'family'"))
    assert ended == {older: None, younger: "2026-11-24T09:00:00"}
    seen = as_json(vix("match", str(older), "--json", als=region.school, now="2026-11-24T09:01:00"))
    assert {m["email"] for m in seen["members"]} == {
        region.school,
        region.jgz,
        region.care,
        region.gi,
    }
    assert vix("match", str(younger), als=region.gi, now="2026-11-24T09:01:00").exit_code == 1


# --- erasure splits the family
# Rule 7 after an erasure: Anna, child of both a mother and a father, is the only link
# between her half-brothers Bram (the mother's) and Cas (the father's). When she is erased
# (an upheld objection), Bram and Cas are no family any more: their family match ends
# (`signals.forget_youth_if_unused` reconciles the relatives). Pinned by mutation testing
# (session 25): no test noticed the match staying open once the link was gone.


def test_the_family_match_ends_when_the_child_who_linked_it_is_erased(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER, P_FATHER)))
    found: dict[str, Any] = signal(
        vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,))
    )
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=(P_FATHER,)))
    seen = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert {m["email"] for m in seen["members"]} == {region.school, region.jgz, region.care}
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator))
    assert as_json(vix("matches", "--json", als=region.jgz)) == []
    assert as_json(vix("matches", "--json", als=region.care)) == []
    [row] = db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = ?", (match_id,))
    assert row[0] is not None


# --- family match follows its youths
# Rules 11 and 13: a family match belongs to a municipality where one of its youths
# lives. When none lives there any more it goes where the move took the last one, else
# where most of its youths live (`matching.follow_residence`). Pinned by mutation testing
# (session 25): no test noticed either choice made otherwise.


def municipality(vix_env: Path, match_id: int) -> str:
    """The match's municipality (no view shows a family match's to a signaller or in the
    inzage: it might tell where the other child lives, `views.family_hides`)."""
    [row] = db_rows(
        vix_env,
        "SELECT g.name FROM matches m JOIN municipalities g ON g.id = m.municipality_id"
        " WHERE m.id = ?",
        (match_id,),
    )
    return str(row[0])


def bloemendaal(vix: Runner) -> None:
    ok(vix("gemeente", "toevoegen", "BLOEMENDAAL", "Bloemendaal", als=ADMIN))


def test_a_family_match_goes_where_the_move_took_its_last_youth(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna, Bram and Cas live in Haarlem. Bram and Cas move to Zandvoort (the match
    stays: Anna lives in Haarlem), then Anna to Bloemendaal: the match goes with her
    move to Bloemendaal, though two of its youths live in Zandvoort."""
    bloemendaal(vix)
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=MOTHER))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=MOTHER))
    match_id = family_match(signal(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=MOTHER)))
    for bsn, als in ((BSN_BRAM, region.jgz), (BSN_CAS, region.care)):
        ok(vix("jeugdige", "verhuis", bsn, "--gemeente", "ZANDVOORT", als=als))
    assert municipality(vix_env, match_id) == "Haarlem"
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "BLOEMENDAAL", als=region.school))
    assert municipality(vix_env, match_id) == "Bloemendaal"


def test_a_family_match_whose_youth_left_goes_where_most_of_them_live(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna (Haarlem) was registered first: the match is Haarlem's. Bram and Cas live in
    Zandvoort, Daan, registered last, in Bloemendaal. Anna's worry goes: the match goes
    to Zandvoort, where most of its youths live."""
    bloemendaal(vix)
    anna = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=MOTHER))
    match_id = family_match(
        signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=MOTHER, town="ZANDVOORT"))
    )
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=MOTHER, town="ZANDVOORT"))
    signal(vix, region.school2, *new_youth(BSN_DAAN, "Daan", parents=MOTHER, town="BLOEMENDAAL"))
    assert municipality(vix_env, match_id) == "Haarlem"
    ok(vix("intrekken", str(anna["signal_id"]), "--reden", "weggenomen", als=region.school))
    assert municipality(vix_env, match_id) == "Zandvoort"


# --- director who can act
# Rule 12: a new match's director is proposed among the members who can act. JGZ would
# lead before the school (education is usually not the director), but the JGZ doctor has
# been deactivated: she gets no notice and cannot log in, so the school leads
# (`matching.proposed_director`, `REACHABLE_SQL`). Pinned by mutation testing (session
# 25): no test noticed a deactivated member proposed as director of a new match.


def test_a_deactivated_member_is_not_made_director_of_a_new_match(
    vix: Runner, region: Region
) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    found = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    [match] = found["matches"]
    seen = as_json(vix("match", str(match["id"]), "--json", als=region.school))
    assert seen["director"] == "Ineke Bos"


# --- youth protection lead kept
# Rule 12: youth protection joining takes over the lead from another domain; a match
# that youth protection leads already keeps the director it chose. Two youth protection
# workers are in Anna's match and the lead passed to the second; a newcomer from youth
# care changes nothing of that (`matching._keep_director`, `takes_over`). Pinned by
# mutation testing (session 25): no test noticed the lead taken back to the first youth
# protection worker whenever a member joined.


GI2 = "jb2@gi.nl"


def test_a_newcomer_leaves_youth_protections_chosen_director(vix: Runner, region: Region) -> None:
    ok(vix("professional", "toevoegen", GI2, "Gijs Jansen", "--rol", "meldingsbevoegde",
           "--organisatie", "GI", "--telefoon", "023-5550000", als=ADMIN))  # fmt: skip
    signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))
    match_id = str(signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))["matches"][0]["id"])
    signal(vix, GI2, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("regie", match_id, "--regisseur", GI2, als=region.gi))
    assert as_json(vix("match", match_id, "--json", als=GI2))["director"] == "Gijs Jansen"
    signal(vix, region.care, *new_youth(BSN_ANNA, "Anna"))
    seen = as_json(vix("match", match_id, "--json", als=region.care))
    assert seen["director"] == "Gijs Jansen"
