"""Match director, regievoerder hand-off, care coordinator and milestones (rule 12)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ADMIN, BSN_ANNA, Region, as_json, db_rows, new_youth, ok
from conftest import signal as place


def match_of(vix: Any, region: Region, *signallers: str) -> int:
    """Anna signalled by each professional in turn, one hour apart; returns the match id."""
    first, *rest = signallers
    place(vix, first, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    result: dict[str, Any] = {}
    for hour, who in enumerate(rest, start=9):
        result = place(vix, who, *new_youth(BSN_ANNA, "Anna"), now=f"2026-11-23T{hour:02d}:00:00")
    return int(result["matches"][0]["id"])


def show(vix: Any, als: str, match_id: int) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("match", str(match_id), "--json", als=als))
    return found


# -- proposed director ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signallers", "director"),
    [
        # education signals first, yet the non-education member leads
        (("school", "jgz"), "Karin Arts"),
        # two non-education members: the earliest signal leads
        (("care", "jgz"), "Hans Hulp"),
        (("jgz", "care"), "Karin Arts"),
        # youth protection always leads, also when it signals last
        (("school", "jgz", "gi"), "Gea Jansen"),
    ],
)
def test_proposed_director(vix, region: Region, signallers: tuple[str, ...], director: str) -> None:
    match_id = match_of(vix, region, *(getattr(region, s) for s in signallers))
    assert (
        show(vix, region.school if "school" in signallers else region.jgz, match_id)["director"]
        == director
    )


# -- vix regie --------------------------------------------------------------------------


def test_member_hands_lead_to_another_member_who_is_told(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz, region.care)
    result = ok(vix("regie", str(match_id), "--regisseur", region.care, als=region.jgz))
    assert "Hans Hulp" in result.stderr
    assert show(vix, region.school, match_id)["director"] == "Hans Hulp"
    notices = db_rows(
        region_db(), "SELECT recipient_email, kind FROM outbox WHERE kind = 'regie_regisseur'"
    )
    assert [(n["recipient_email"], n["kind"]) for n in notices] == [
        (region.care, "regie_regisseur")
    ]


def test_coordinator_may_change_director_but_not_see_youth(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.coordinator))
    assert show(vix, region.school, match_id)["director"] == "Ineke Bos"
    assert vix("match", str(match_id), als=region.coordinator).exit_code == 1


@pytest.mark.parametrize(
    ("actor", "target", "message"),
    [
        ("school2", "jgz", "bestaat niet of u bent er niet bij betrokken"),  # outsider
        ("school", "school2", "zit niet (met een actief signaal) in match"),  # target outside
        ("manager", "school", "bestaat niet of u bent er niet bij betrokken"),
    ],
)
def test_regie_refused(vix, region: Region, actor: str, target: str, message: str) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    result = vix(
        "regie", str(match_id), "--regisseur", getattr(region, target), als=getattr(region, actor)
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert show(vix, region.school, match_id)["director"] == "Karin Arts"


def test_youth_protection_cannot_be_passed_over(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz, region.gi)
    result = vix("regie", str(match_id), "--regisseur", region.jgz, als=region.gi)
    assert result.exit_code == 1
    assert "altijd matchregisseur" in result.stderr
    assert show(vix, region.gi, match_id)["director"] == "Gea Jansen"
    # nor handed to the regievoerder, as if no member could lead
    handed = vix("regie", str(match_id), "--regievoerder", als=region.jgz)
    assert handed.exit_code == 1
    assert "dus de regievoerder wordt niet gevraagd" in handed.stderr
    seen = show(vix, region.gi, match_id)
    assert (seen["director"], seen["regievoerder"]) == ("Gea Jansen", None)


@pytest.mark.parametrize("args", [[], ["--regisseur", "arts@jgz.nl", "--regievoerder"]])
def test_regie_needs_exactly_one_choice(vix, region: Region, args: list[str]) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    result = vix("regie", str(match_id), *args, als=region.jgz)
    assert result.exit_code == 2
    assert "--regisseur" in result.stderr


def test_regievoerder_hand_off_and_care_coordinator(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    seen = show(vix, region.regie, match_id)  # the regievoerder now sees the match
    assert (seen["director"], seen["regievoerder"]) == (None, "Rita Regie")
    told = db_rows(
        region_db(),
        "SELECT recipient_email, body FROM outbox WHERE kind = ?",
        ("regie_regievoerder",),
    )
    assert [t["recipient_email"] for t in told] == [region.regie]
    assert "Anna" not in told[0]["body"] and BSN_ANNA not in told[0]["body"]
    # asking twice is refused
    assert vix("regie", str(match_id), "--regievoerder", als=region.school).exit_code == 1
    # only the regievoerder names the care coordinator, and only a member
    assert vix("zorgcoordinator", str(match_id), region.care, als=region.regie).exit_code == 1
    refused = vix("zorgcoordinator", str(match_id), region.school, als=region.jgz)
    assert refused.exit_code == 1 and "regievoerder" in refused.stderr
    ok(vix("zorgcoordinator", str(match_id), region.school, als=region.regie))
    after = show(vix, region.school, match_id)
    assert (after["director"], after["care_coordinator"], after["regievoerder"]) == (
        "Ineke Bos",
        "Ineke Bos",
        None,
    )
    # having named one, the regievoerder is out of the match again (need to know)
    assert vix("match", str(match_id), als=region.regie).exit_code == 1


def test_match_waiting_for_the_regievoerder_keeps_waiting_until_youth_protection_joins(
    vix, region: Region
) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    # a newcomer does not silently become director behind the regievoerder's back
    place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T11:00:00")
    seen = show(vix, region.regie, match_id)
    assert (seen["director"], seen["regievoerder"]) == (None, "Rita Regie")
    # youth protection always leads (rule 12): the request to the regievoerder lapses
    place(vix, region.gi, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T12:00:00")
    after = show(vix, region.gi, match_id)
    assert (after["director"], after["care_coordinator"], after["regievoerder"]) == (
        "Gea Jansen",
        "Gea Jansen",
        None,
    )


def test_youth_protection_leaving_is_no_longer_care_coordinator(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz, region.gi)
    assert show(vix, region.gi, match_id)["care_coordinator"] == "Gea Jansen"
    [mine] = as_json(vix("signalen", "--json", als=region.gi))
    ok(vix("intrekken", str(mine["id"]), "--reden", "weggenomen", als=region.gi))
    after = show(vix, region.jgz, match_id)
    assert after["care_coordinator"] is None
    assert after["director"] == "Karin Arts"  # proposed again, as for a director who left


def test_regievoerder_needed_for_municipality(vix, region: Region) -> None:
    # Erik (ESD, Zandvoort) and JGZ on a youth of Zandvoort: no regievoerder there
    place(vix, region.school2, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    match_id = int(place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))["matches"][0]["id"])
    result = vix("regie", str(match_id), "--regievoerder", als=region.jgz)
    assert result.exit_code == 1
    assert "vix gemeente wijzig ZANDVOORT --regievoerder" in result.stderr


# -- milestones ---------------------------------------------------------------------------


def test_milestones_in_order_and_shown(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    m = str(match_id)
    ok(vix("contact", m, "--datum", "24-11-2026", als=region.school, now="2026-11-25T09:00"))
    # the agreement is the director's (Karin Arts, JGZ)
    refused = vix("afstemming", m, als=region.school, now="2026-11-25T09:00")
    assert refused.exit_code == 1 and "Karin Arts" in refused.stderr
    # no action before an agreement
    assert vix("actie", m, als=region.school, now="2026-11-25T09:00").exit_code == 1
    ok(vix("afstemming", m, als=region.jgz, now="2026-11-25T09:00"))
    ok(vix("actie", m, "--datum", "27-11-2026", als=region.school, now="2026-11-30T09:00"))
    seen = show(vix, region.school, match_id)
    assert [(s["kind"], s["on_date"], s["recorded_by"]) for s in seen["milestones"]] == [
        ("contact", "2026-11-24", "Ineke Bos"),
        ("agreement", "2026-11-25", "Karin Arts"),
        ("action", "2026-11-27", "Ineke Bos"),
    ]
    rows = db_rows(region_db(), "SELECT kind, recorded_at FROM match_milestones ORDER BY id")
    assert [r["recorded_at"] for r in rows] == [
        "2026-11-25T09:00:00",
        "2026-11-25T09:00:00",
        "2026-11-30T09:00:00",
    ]
    audit = db_rows(region_db(), "SELECT COUNT(*) FROM audit_log WHERE action = 'milestone'")
    assert audit[0][0] == 3


@pytest.mark.parametrize(
    ("command", "datum", "message"),
    [
        ("contact", "30-11-2026", "in de toekomst"),
        ("contact", "20-11-2026", "vóór het ontstaan"),
        ("contact", "31-02-2026", "geen geldige datum"),
    ],
)
def test_milestone_dates_checked(
    vix, region: Region, command: str, datum: str, message: str
) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    result = vix(command, str(match_id), "--datum", datum, als=region.jgz, now="2026-11-25T09:00")
    assert result.exit_code == 1
    assert message in result.stderr
    assert db_rows(region_db(), "SELECT * FROM match_milestones") == []


def test_milestone_once_and_not_by_outsiders(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    m = str(match_id)
    ok(vix("contact", m, als=region.jgz))
    twice = vix("contact", m, als=region.school)
    assert twice.exit_code == 1 and "al vastgelegd: 23-11-2026 door Karin Arts" in twice.stderr
    for outsider in (region.care, region.coordinator, region.manager):
        assert vix("contact", m, als=outsider).exit_code == 1
    assert len(db_rows(region_db(), "SELECT * FROM match_milestones")) == 1


def test_agreement_not_before_contact(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    m = str(match_id)
    ok(vix("contact", m, "--datum", "25-11-2026", als=region.school, now="2026-11-26T09:00"))
    result = vix("afstemming", m, "--datum", "24-11-2026", als=region.jgz, now="2026-11-26T09:00")
    assert result.exit_code == 1 and "vóór het contact" in result.stderr


def test_regievoerder_records_agreement_while_nobody_leads(vix, region: Region) -> None:
    match_id = match_of(vix, region, region.school, region.jgz)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.coordinator))
    refused = vix("afstemming", str(match_id), als=region.jgz)
    assert refused.exit_code == 1
    assert (
        f"Zolang match {match_id} geen matchregisseur heeft, legt de regievoerder (Rita Regie) "
        f"de afstemming vast. Neem zelf de regie met 'vix regie {match_id} --regisseur "
        f"{region.jgz}'."
    ) in " ".join(refused.stderr.split())
    assert "Alleen de matchregisseur" not in refused.stderr
    ok(vix("afstemming", str(match_id), als=region.regie))


def test_milestone_date_corrected_by_who_may_record_it(vix, region: Region) -> None:
    m = str(match_of(vix, region, region.school, region.jgz))
    at = "2026-11-26T09:00"
    ok(vix("contact", m, "--datum", "24-11-2026", als=region.school, now=at))
    ok(vix("afstemming", m, "--datum", "25-11-2026", als=region.jgz, now=at))
    again = vix("contact", m, "--datum", "23-11-2026", als=region.jgz, now=at)
    assert again.exit_code == 1 and "--corrigeer" in again.stderr
    fixed = ok(vix("contact", m, "--datum", "23-11-2026", "--corrigeer", als=region.jgz, now=at))
    assert "Contact van match 1 gecorrigeerd naar 23-11-2026." in fixed.stderr
    late = vix("contact", m, "--datum", "26-11-2026", "--corrigeer", als=region.jgz, now=at)
    assert late.exit_code == 1 and "niet na de afstemming (25-11-2026)" in late.stderr
    not_lead = vix("afstemming", m, "--corrigeer", als=region.school, now=at)
    assert not_lead.exit_code == 1 and "Alleen de matchregisseur" in not_lead.stderr
    absent = vix("actie", m, "--corrigeer", als=region.school, now=at)
    assert absent.exit_code == 1 and "nog niet vastgelegd" in absent.stderr
    seen = show(vix, region.school, int(m))
    assert [(s["kind"], s["on_date"], s["recorded_by"]) for s in seen["milestones"]] == [
        ("contact", "2026-11-23", "Karin Arts"),
        ("agreement", "2026-11-25", "Karin Arts"),
    ]
    audit = db_rows(
        region_db(), "SELECT detail FROM audit_log WHERE action = 'milestone_corrected'"
    )
    assert [json.loads(r[0]) for r in audit] == [
        {"soort": "contact", "was": "2026-11-24", "wordt": "2026-11-23"}
    ]


def test_milestone_recorded_on_the_wrong_match_is_taken_back(vix, region: Region) -> None:
    m = str(match_of(vix, region, region.school, region.jgz))
    at = "2026-11-26T09:00"
    ok(vix("contact", m, als=region.school, now=at))
    ok(vix("afstemming", m, als=region.jgz, now=at))
    ok(vix("actie", m, als=region.school, now=at))
    assert vix("contact", m, "--wis", als=region.care, now=at).exit_code == 1  # an outsider
    blocked = vix("afstemming", m, "--wis", als=region.jgz, now=at)
    assert blocked.exit_code == 1 and "wis eerst de actie" in blocked.stderr
    misuse = vix("actie", m, "--wis", "--datum", "26-11-2026", als=region.school, now=at)
    assert misuse.exit_code == 2 and "Traceback" not in misuse.output
    assert len(db_rows(region_db(), "SELECT * FROM match_milestones")) == 3
    gone = ok(vix("actie", m, "--wis", als=region.school, now=at))
    assert "Actie van match 1 gewist (was 26-11-2026)." in gone.stderr
    ok(vix("afstemming", m, "--wis", als=region.jgz, now=at))
    seen = show(vix, region.school, int(m))
    assert [s["kind"] for s in seen["milestones"]] == ["contact"]
    audit = db_rows(region_db(), "SELECT detail FROM audit_log WHERE action = 'milestone_removed'")
    assert [json.loads(r[0])["soort"] for r in audit] == ["action", "agreement"]
    # taken back, the agreement can be recorded again (not before the contact)
    early = vix("afstemming", m, "--datum", "25-11-2026", als=region.jgz, now=at)
    assert early.exit_code == 1 and "vóór het contact (26-11-2026)" in early.stderr
    ok(vix("afstemming", m, als=region.jgz, now=at))


def region_db() -> Any:
    import os
    from pathlib import Path

    return Path(os.environ["VIX_DB"])


def test_a_milestone_date_out_of_order_says_which_dates_go(vix, region: Region) -> None:
    """Each refusal of a milestone's date says what to give instead, or what to correct."""
    m = str(match_of(vix, region, region.school, region.jgz))
    now = "2026-11-27T09:00"
    early = vix("contact", m, "--datum", "20-11-2026", als=region.jgz, now=now)
    assert "Geef 23-11-2026 of later (dd-mm-jjjj)." in early.stderr
    ok(vix("contact", m, "--datum", "25-11-2026", als=region.jgz, now=now))
    before = vix("afstemming", m, "--datum", "24-11-2026", als=region.jgz, now=now)
    assert (before.exit_code, " ".join(before.stderr.split())) == (
        1,
        "Fout: De afstemming kan niet vóór het contact (25-11-2026) liggen. Geef 25-11-2026 "
        "of later, of verbeter eerst het contact met 'vix contact "
        f"{m} --datum DATUM --corrigeer'.",
    )
    ok(vix("afstemming", m, "--datum", "26-11-2026", als=region.jgz, now=now))
    after = vix("contact", m, "--datum", "27-11-2026", "--corrigeer", als=region.jgz, now=now)
    assert "Geef 26-11-2026 of eerder, of verbeter eerst de afstemming met 'vix afstemming" in (
        " ".join(after.stderr.split())
    )


def test_a_coordinator_cannot_tell_members_from_outsiders_by_the_refusal(
    vix, region: Region
) -> None:
    """The coordinator sees organisations and who leads, not who is in a match (rule
    16). In a match that youth protection leads, naming a member and naming an outsider
    as director got two different refusals: 'altijd matchregisseur' for the member,
    'zit niet in match' for the outsider. Both now get the first."""
    match_id = str(match_of(vix, region, region.school, region.jgz, region.gi))
    said = []
    for named in (region.school, region.care, "niemand@nergens.nl"):
        refused = vix("regie", match_id, "--regisseur", named, als=region.coordinator)
        said.append((refused.exit_code, refused.stdout, refused.stderr))
    assert said[0] == said[1] == said[2]
    assert said[0][0] == 1 and "altijd matchregisseur" in said[0][2]
    assert show(vix, region.gi, match_id)["director"] == "Gea Jansen"


def test_a_coordinator_cannot_tell_a_member_who_left_from_an_outsider_who_left(
    vix, region: Region
) -> None:
    """Naming a deactivated member as director got 'zit nog in match' with advice, and a
    deactivated outsider 'zit niet in match': a silent test of who was in which match
    (rule 16). The coordinator now hears only that he or she left; a member who sees
    the match still hears the advice."""
    match_id = str(match_of(vix, region, region.school, region.jgz))
    for gone in (region.school, region.care):
        ok(vix("professional", "deactiveer", gone, als=ADMIN))
    said = []
    for named, name in ((region.school, "Ineke Bos"), (region.care, "Hans Hulp")):
        refused = vix("regie", match_id, "--regisseur", named, als=region.coordinator)
        said.append((refused.exit_code, refused.stderr.replace(f"{name} ({named})", "X")))
    assert said[0] == said[1]
    assert said[0][0] == 1 and "X is niet meer actief en kan geen matchregisseur zijn" in (
        " ".join(said[0][1].split())
    )
    member = vix("regie", match_id, "--regisseur", region.school, als=region.jgz)
    assert member.exit_code == 1
    assert "zit nog in match" in " ".join(member.stderr.split())
    assert show(vix, region.jgz, int(match_id))["director"] == "Karin Arts"
