"""Who recorded a milestone, as `vix match` names him or her (rules 9, 15, 16).

A milestone keeps the professional who recorded it. A regievoerder (a process
role) is named; a signaller only while still in the match with an active
signal, or to himself or herself. One who left (withdrawn, handed to a
colleague) is not named to anyone else: a newcomer would learn that another
organisation was involved with the youth. (A signal wiped as unjustified takes
the milestones its professional recorded along: tests/test_match_wiped.py.)
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN, BSN_ANNA, INFORMED, Region, Runner, as_json, new_youth, ok

HANS = "Hans Hulp"  # region.care, Jeugdhulp Kennemerland: records contact, then leaves
CARE2 = "hulp2@jeugdhulp.nl"  # his colleague, for a hand-over


def place(vix: Runner, als: str, now: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(
        vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=als, now=now)
    )
    return found


def milestones(vix: Runner, als: str, match_id: int) -> list[tuple[str, str, str | None]]:
    seen = as_json(vix("match", str(match_id), "--json", als=als))
    return [(m["kind"], m["on_date"], m["recorded_by"]) for m in seen["milestones"]]


def text(vix: Runner, als: str, match_id: int) -> list[str]:
    shown = ok(vix("match", str(match_id), als=als)).stdout.splitlines()
    return [line for line in shown if line.startswith(("  contact:", "  afstemming:"))]


def care_records_contact_and_leaves(vix: Runner, region: Region, how: str) -> int:
    """School and JGZ match on Anna, youth care joins, records the contact and leaves
    (`how`); returns the match."""
    place(vix, region.school, "2026-11-23T08:00:00")
    match_id = int(place(vix, region.jgz, "2026-11-23T09:00:00")["matches"][0]["id"])
    care = place(vix, region.care, "2026-11-23T10:00:00")
    ok(vix("contact", str(match_id), als=region.care, now="2026-11-23T11:00:00"))
    later = "2026-11-23T12:00:00"
    if how == "overgedragen":
        ok(vix("professional", "overdragen", region.care, CARE2, als=ADMIN, now=later))
    else:
        ok(vix("intrekken", str(care["signal_id"]), "--reden", how, als=region.care, now=later))
    return match_id


@pytest.fixture
def colleague(vix: Runner, region: Region) -> None:
    ok(
        vix(
            "professional",
            "toevoegen",
            CARE2,
            "Harm Hulp",
            "--rol",
            "meldingsbevoegde",
            "--organisatie",
            "JH",
            als=ADMIN,
        )
    )


@pytest.mark.parametrize("how", ["weggenomen", "overgedragen"])
@pytest.mark.usefixtures("colleague")
def test_a_recorder_who_left_is_not_named_to_a_newcomer(
    vix: Runner, region: Region, how: str
) -> None:
    match_id = care_records_contact_and_leaves(vix, region, how)
    # youth protection joins later: it never was in a match with youth care
    place(vix, region.gi, "2026-11-23T13:00:00")
    assert milestones(vix, region.gi, match_id) == [("contact", "2026-11-23", None)]
    shown = ok(vix("match", str(match_id), als=region.gi)).stdout
    assert "  contact: 23-11-2026\n" in shown and HANS not in shown
    [listed] = as_json(vix("matches", "--json", als=region.gi))
    assert listed["milestones"] == [
        {"kind": "contact", "on_date": "2026-11-23", "recorded_by": None}
    ]
    assert HANS not in ok(vix("matches", als=region.gi)).stdout
    # nor does the refusal of a second contact name him
    again = vix("contact", str(match_id), als=region.gi, now="2026-11-23T14:00:00")
    assert again.exit_code == 1
    assert "Het contact van match 1 is al vastgelegd: 23-11-2026. Een verkeerde" in again.stderr
    assert HANS not in again.stderr


@pytest.mark.parametrize("viewer", ["gi", "jgz", "school"])
def test_a_recorder_still_in_the_match_is_named(vix: Runner, region: Region, viewer: str) -> None:
    """Karin Arts (JGZ, director) records the agreement and stays: named to the newcomer,
    to a member who was there all along, and to herself; youth care's contact is not."""
    match_id = care_records_contact_and_leaves(vix, region, "weggenomen")
    ok(vix("afstemming", str(match_id), als=region.jgz, now="2026-11-23T12:30:00"))
    place(vix, region.gi, "2026-11-23T13:00:00")
    who = getattr(region, viewer)
    assert milestones(vix, who, match_id) == [
        ("contact", "2026-11-23", None),
        ("agreement", "2026-11-23", "Karin Arts"),
    ]
    assert text(vix, who, match_id) == [
        "  contact: 23-11-2026",
        "  afstemming: 23-11-2026 (Karin Arts)",
    ]


def test_the_regievoerder_is_named_after_leaving_the_match(vix: Runner, region: Region) -> None:
    """Rita Regie holds the request and records the agreement; youth protection joins,
    leads, and the request lapses: she is out of the match, but a process role."""
    match_id = care_records_contact_and_leaves(vix, region, "weggenomen")
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz, now="2026-11-23T12:10:00"))
    ok(vix("afstemming", str(match_id), als=region.regie, now="2026-11-23T12:30:00"))
    place(vix, region.gi, "2026-11-23T13:00:00")
    assert milestones(vix, region.gi, match_id) == [
        ("contact", "2026-11-23", None),
        ("agreement", "2026-11-23", "Rita Regie"),
    ]
    assert text(vix, region.gi, match_id) == [
        "  contact: 23-11-2026",
        "  afstemming: 23-11-2026 (Rita Regie)",
    ]


def test_a_recorder_who_comes_back_is_named_again(vix: Runner, region: Region) -> None:
    match_id = care_records_contact_and_leaves(vix, region, "weggenomen")
    place(vix, region.gi, "2026-11-23T13:00:00")
    assert milestones(vix, region.gi, match_id) == [("contact", "2026-11-23", None)]
    place(vix, region.care, "2026-11-23T14:00:00")
    for who in (region.gi, region.care):
        assert milestones(vix, who, match_id) == [("contact", "2026-11-23", HANS)]


def test_a_recorder_who_left_and_got_another_role_is_still_not_named(
    vix: Runner, region: Region
) -> None:
    """Hans leaves the match, and the administrator makes him instantiebeheerder (he has
    no active signal left): the rule read his role today, so the newcomer saw his name
    again. Whether he was a signaller in the match is what counts."""
    match_id = care_records_contact_and_leaves(vix, region, "weggenomen")
    ok(vix("professional", "wijzig", region.care, "--rol", "instantiebeheerder", als=ADMIN))
    place(vix, region.gi, "2026-11-23T13:00:00")
    assert milestones(vix, region.gi, match_id) == [("contact", "2026-11-23", None)]
    assert HANS not in ok(vix("match", str(match_id), als=region.gi)).stdout
    assert HANS not in ok(vix("matches", als=region.gi)).stdout


@pytest.mark.usefixtures("colleague")
def test_a_recorder_who_handed_her_signals_on_and_got_another_role_is_not_named(
    vix: Runner, region: Region
) -> None:
    """The usual order: Hans hands his signals to his successor, then becomes director
    (instantiebeheerder). The hand-over moved his member rows to Harm, so the member
    test missed him and his new role made him a process role (review)."""
    match_id = care_records_contact_and_leaves(vix, region, "overgedragen")
    ok(vix("professional", "wijzig", region.care, "--rol", "instantiebeheerder", als=ADMIN))
    place(vix, region.gi, "2026-11-23T13:00:00")
    assert milestones(vix, region.gi, match_id) == [("contact", "2026-11-23", None)]
    assert HANS not in ok(vix("match", str(match_id), als=region.gi)).stdout
