"""A family match's municipality, and with it its regievoerder, stays hidden from its
signallers (rules 7 and 16, `views.family_hides`).

The municipality of a family match may be where the other child lives. `vix match`
hides it from a signaller; `vix gemeente lijst`, open to all, maps a regievoerder's
name to a municipality, and shows which one has none. So neither `vix regie
--regievoerder` (its reply and its refusals), `vix match` (text and JSON), `vix
stagnatie` nor the messages of `vix jeugdige verhuis` name the regievoerder or the
municipality to a signaller of a family match, nor tell whether it has a regievoerder:
a request to a municipality without one waits, as after a move, and the regional
coordinator is told. The coordinator, the regievoerder and the administrator keep
seeing both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    P_MOTHER,
    Region,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)

STAGNATING = "2026-12-01T07:00"  # working day 6 after the matches of conftest's Monday
REGIE_Z = "regie@zandvoort.nl"


def family(vix: Any, region: Region, anna: str, bram: str) -> int:
    """The school signals Anna (living in `anna`), JGZ her brother Bram (in `bram`):
    one mother, so a family match. Its number."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", town=anna, parents=(P_MOTHER,)))
    found = signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", town=bram, parents=(P_MOTHER,)))
    [match] = found["matches"]
    assert match["kind"] == "family"
    return int(match["id"])


def municipality_of(db: Path, match_id: int) -> str:
    [row] = db_rows(
        db,
        "SELECT mu.code FROM matches m JOIN municipalities mu ON mu.id = m.municipality_id"
        " WHERE m.id = ?",
        (match_id,),
    )
    return str(row["code"])


def test_a_member_is_not_told_the_regievoerder_of_the_other_childs_municipality(
    vix: Any, region: Region, vix_env: Path
) -> None:
    # Anna lives in Haarlem (regievoerder Rita Regie), Bram in Zandvoort
    match_id = family(vix, region, "HAARLEM", "ZANDVOORT")
    assert municipality_of(vix_env, match_id) == "HAARLEM"
    # JGZ (Bram's signaller) asks for the regievoerder
    asked = ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    assert "Rita" not in asked.stderr and "Haarlem" not in asked.stderr
    assert "regievoerder van de gemeente gevraagd" in asked.stderr
    for member in (region.jgz, region.school):
        seen = as_json(vix("match", str(match_id), "--json", als=member))
        assert (seen["municipality"], seen["regievoerder"]) == (None, None)
        assert seen["regievoerder_asked"] is True
        text = ok(vix("match", str(match_id), als=member)).stdout
        assert "Rita" not in text and "Regievoerder gemeente: gevraagd" in text
        stagnating = ok(vix("stagnatie", als=member, now=STAGNATING)).stdout
        assert f"match {match_id} gezinsmatch" in stagnating
        assert "Rita" not in stagnating and "Haarlem" not in stagnating
        assert "regievoerder van de gemeente gevraagd" in stagnating
        listed = as_json(vix("stagnatie", "--json", als=member, now=STAGNATING))
        assert [(s["regievoerder"], s["regievoerder_asked"]) for s in listed] == [(None, True)]
        # asked again: as when it waits (see below)
        again = vix("regie", str(match_id), "--regievoerder", als=member)
        assert again.exit_code == 1 and "al gevraagd" in again.stderr
    # who may see the municipality keeps seeing the regievoerder
    held = as_json(vix("match", str(match_id), "--json", als=region.regie))
    assert (held["municipality"], held["regievoerder"]) == ("Haarlem", "Rita Regie")
    process = ok(vix("stagnatie", als=region.coordinator, now=STAGNATING)).stdout
    assert "regievoerder Rita Regie; gemeente Haarlem" in process
    # the steps the regievoerder takes do not name him or her to the members either
    ok(vix("contact", str(match_id), als=region.regie))
    ok(vix("zorgcoordinator", str(match_id), region.jgz, als=region.regie))
    seen = as_json(vix("match", str(match_id), "--json", als=region.school))
    assert [m["recorded_by"] for m in seen["milestones"]] == [None]
    assert "Rita" not in ok(vix("match", str(match_id), als=region.school)).stdout
    [told] = db_rows(
        vix_env,
        "SELECT o.body FROM outbox o JOIN professionals p ON p.id = o.recipient_id"
        " WHERE o.kind = 'regie_zorgcoordinator' AND p.email = ?",
        (region.jgz,),
    )
    assert "Rita" not in told["body"]
    assert "De regievoerder heeft u aangewezen als zorgcoördinator" in told["body"]
    # Karin leads now: care coordinator, and so director
    held = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert held["care_coordinator"] == "Karin Arts"


def test_a_member_is_not_told_that_the_municipality_has_no_regievoerder(
    vix: Any, region: Region, vix_env: Path
) -> None:
    # Anna lives in Zandvoort, which has no regievoerder; Bram in Haarlem
    match_id = family(vix, region, "ZANDVOORT", "HAARLEM")
    assert municipality_of(vix_env, match_id) == "ZANDVOORT"
    asked = ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    # the same reply as when it has one
    assert asked.stderr.strip() == (
        f"Match {match_id}: matchregisseur: geen, regievoerder van de gemeente gevraagd."
    )
    seen = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert (seen["director"], seen["regievoerder"], seen["regievoerder_asked"]) == (
        None,
        None,
        True,
    )
    stagnating = ok(vix("stagnatie", als=region.jgz, now=STAGNATING)).stdout
    assert "Zandvoort" not in stagnating and "wacht" not in stagnating
    assert "regievoerder van de gemeente gevraagd" in stagnating
    again = vix("regie", str(match_id), "--regievoerder", als=region.school)
    assert again.exit_code == 1 and "al gevraagd" in again.stderr
    assert "Zandvoort" not in again.stderr
    # the request waits; the regional coordinator is told where, to have one recorded
    [waits] = db_rows(
        vix_env,
        "SELECT o.body FROM outbox o JOIN professionals p ON p.id = o.recipient_id"
        " WHERE o.kind = 'regie_wacht' AND o.match_id = ?",
        (match_id,),
    )
    assert "de gemeente Zandvoort" in waits["body"]
    assert "vix gemeente wijzig ZANDVOORT --regievoerder" in waits["body"]
    # the members get nothing about it
    assert not db_rows(
        vix_env,
        "SELECT 1 FROM outbox o JOIN professionals p ON p.id = o.recipient_id"
        " WHERE p.email IN (?, ?) AND o.kind LIKE 'regie%'",
        (region.school, region.jgz),
    )
    process = ok(vix("stagnatie", als=region.coordinator, now=STAGNATING)).stdout
    assert "verzoek om regie wacht op een regievoerder; gemeente Zandvoort" in process
    # the coordinator, who sees the municipality, is refused with its name, as before
    refused = vix("regie", str(match_id), "--regievoerder", als=region.coordinator)
    assert refused.exit_code == 1 and "De gemeente Zandvoort heeft geen regievoerder" in (
        refused.stderr
    )
    # once the administrator records one, he or she holds the request
    a = region.admin
    ok(vix("organisatie", "toevoegen", "GEMZ", "Gemeente Zandvoort", "--domein", "gemeente",
           "--gemeente", "ZANDVOORT", als=a))  # fmt: skip
    ok(vix("professional", "toevoegen", REGIE_Z, "Ruud Regie", "--rol", "regievoerder",
           "--organisatie", "GEMZ", "--telefoon", "023-5550001", als=a))  # fmt: skip
    ok(vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", REGIE_Z, als=a))
    held = as_json(vix("match", str(match_id), "--json", als=REGIE_Z))
    assert held["regievoerder"] == "Ruud Regie"
    seen = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert (seen["regievoerder"], seen["regievoerder_asked"]) == (None, True)


def test_a_move_by_a_signaller_does_not_name_where_a_family_request_went(
    vix: Any, region: Region
) -> None:
    # Anna and Bram live in Haarlem; the request lies with Rita Regie
    match_id = family(vix, region, "HAARLEM", "HAARLEM")
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    # JGZ records that Bram moved to Zandvoort; then the school that Anna did
    ok(vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT", als=region.jgz))
    moved = ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", als=region.school))
    assert f"Het verzoek om regie bij match {match_id} gaat mee naar de gemeente" in (moved.stderr)
    assert "geen regievoerder" not in moved.stderr and "regievoerder van" not in moved.stderr


@pytest.mark.parametrize("town", ["HAARLEM", "ZANDVOORT"])
def test_the_agreement_refusal_does_not_tell_whether_the_municipality_has_a_regievoerder(
    vix: Any, region: Region, town: str
) -> None:
    # Haarlem has a regievoerder (Rita Regie), who holds the request; Zandvoort none,
    # so it waits: the member who may not record the agreement reads the same for both
    match_id = family(vix, region, town, "HAARLEM" if town == "ZANDVOORT" else "ZANDVOORT")
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    refused = vix("afstemming", str(match_id), als=region.school)
    assert refused.exit_code == 1
    assert " ".join(refused.stderr.split()) == (
        f"Fout: Match {match_id} heeft geen matchregisseur; het verzoek om regie ligt bij de "
        f"gemeente. Neem zelf de regie met 'vix regie {match_id} --regisseur {region.school}'."
    )
    removed = vix("afstemming", str(match_id), "--wis", als=region.school)
    assert removed.exit_code == 1 and removed.stderr == refused.stderr


@pytest.mark.parametrize("town", ["HAARLEM", "ZANDVOORT"])
def test_a_member_taking_the_lead_does_not_tell_whether_the_municipality_has_one(
    vix: Any, region: Region, town: str
) -> None:
    # Rita Regie (Haarlem) holds the request and stays in the match once a member
    # leads; Zandvoort's request waited and lapsed: the members see and meet the same
    match_id = family(vix, region, town, "HAARLEM" if town == "ZANDVOORT" else "ZANDVOORT")
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    led = ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.school))
    assert led.stderr.strip() == f"Match {match_id}: matchregisseur: Ineke Bos."
    seen = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert (seen["regievoerder"], seen["regievoerder_asked"]) == (None, False)
    assert "gevraagd" not in ok(vix("match", str(match_id), als=region.jgz)).stdout
    stagnating = ok(vix("stagnatie", als=region.jgz, now=STAGNATING)).stdout
    assert "regisseur Ineke Bos; gemeente -;" in stagnating
    # asked again, taken alike: the lead goes back to the municipality
    asked = ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    assert asked.stderr.strip() == (
        f"Match {match_id}: matchregisseur: geen, regievoerder van de gemeente gevraagd."
    )


def test_a_member_the_hidden_regievoerder_makes_director_is_told_it_was_the_regievoerder(
    vix: Any, region: Region, vix_env: Path
) -> None:
    match_id = family(vix, region, "HAARLEM", "ZANDVOORT")
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.regie))
    [told] = db_rows(
        vix_env,
        "SELECT o.body FROM outbox o JOIN professionals p ON p.id = o.recipient_id"
        " WHERE o.kind = 'regie_regisseur' AND p.email = ?",
        (region.school,),
    )
    assert "Rita" not in told["body"]
    assert "De regievoerder heeft u aangewezen als matchregisseur" in told["body"]


def waiting_notices(db: Path, match_id: int) -> list[Any]:
    return db_rows(
        db, "SELECT id FROM outbox WHERE kind = 'regie_wacht' AND match_id = ?", (match_id,)
    )


def test_the_coordinators_waiting_notice_goes_once_a_member_leads(
    vix: Any, region: Region, vix_env: Path
) -> None:
    # Zandvoort has no regievoerder: the request waits and the coordinator is told
    match_id = family(vix, region, "ZANDVOORT", "HAARLEM")
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    assert waiting_notices(vix_env, match_id)
    # a member leads: nothing waits any more
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.school))
    assert not waiting_notices(vix_env, match_id)
    berichten = ok(vix("berichten", als=region.coordinator)).stdout
    assert "wacht op een regievoerder" not in berichten


def test_the_coordinators_waiting_notice_goes_when_the_match_ends(
    vix: Any, region: Region, vix_env: Path
) -> None:
    match_id = family(vix, region, "ZANDVOORT", "HAARLEM")
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    assert waiting_notices(vix_env, match_id)
    [own] = as_json(vix("signalen", "--json", als=region.jgz))
    ok(vix("intrekken", str(own["id"]), "--reden", "weggenomen", als=region.jgz))
    [row] = db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = ?", (match_id,))
    assert row["ended_at"] is not None
    assert not waiting_notices(vix_env, match_id)
