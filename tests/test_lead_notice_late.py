"""A lead notice about a match past its agreement term gives no fresh term (rule 12, 13).

The match notice says "de afstemming is over tijd" once `vix stagnatie` lists the match
(test_notice_next_step.py). The notices that give someone the lead (a new matchregisseur,
a regievoerder asked to take regie, a zorgcoördinator named, a request handed to another
regievoerder) said "Neem binnen 5 werkdagen contact op met de betrokkenen" whatever the
match's age: a director named on day 10 was given five more days while the coordinators
could escalate the match already. They now tell the same facts, and what the recipient
does now given his or her role.
"""

from __future__ import annotations

from pathlib import Path

from conftest import ADMIN, BSN_ANNA, Region, Runner, db_rows, flat, new_youth, ok
from test_move_regie import REGIE_H2, second_haarlem_regievoerder
from test_notice_withdrawal import at

T0 = "2026-11-23T10:00:00"  # a Monday: the school signals Anna
T1 = "2026-11-23T10:05:00"  # JGZ signals her: match 1 arises, JGZ leads
INSIDE = "2026-11-30T10:00:00"  # 5 working days later: the term has not passed
LATE = "2026-12-07T10:00:00"  # 10 working days later: `vix stagnatie` lists it
ANNA = new_youth(BSN_ANNA, "Anna")
FRESH = "Neem binnen 5 werkdagen contact op met de betrokkenen."
OVERDUE = (
    "Wat nu: de afstemming is over tijd (10 werkdagen sinds het ontstaan van de match, termijn 5)."
)
ESCALATE = "Tot de afstemming is vastgelegd, kan de regionaal coördinator de match opschalen."


def match_of(vix: Runner, region: Region) -> int:
    """The school and JGZ signal Anna: match 1, JGZ its director."""
    at(vix, T0, region.school, *ANNA)
    found = at(vix, T1, region.jgz, *ANNA)
    return int(found["matches"][0]["id"])


def newest(vix_env: Path, kind: str) -> str:
    """The flattened body of the newest notice of `kind`."""
    rows = db_rows(vix_env, "SELECT body FROM outbox WHERE kind = ? ORDER BY id DESC", (kind,))
    return flat(rows[0]["body"])


def stagnates(vix: Runner, region: Region, now: str) -> bool:
    listed = ok(vix("stagnatie", als=region.coordinator, now=now)).stdout
    return "geen afstemming na 10 werkdagen (termijn 5)" in listed


def test_a_director_named_after_the_term_is_told_the_agreement_is_over_tijd(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = match_of(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz, now=LATE))
    told = newest(vix_env, "regie_regisseur")
    assert OVERDUE in told
    assert (
        "Neem nu contact op met de betrokkenen, spreek samen af wie wat doet en leg die "
        f"afstemming vast met 'vix afstemming {match_id}'." in told
    )
    assert ESCALATE in told
    assert "binnen 5 werkdagen" not in told
    assert "afgesproken" not in told  # no agreement recorded
    assert stagnates(vix, region, LATE)
    # once the agreement is recorded, the next director is told so, late or not
    ok(vix("afstemming", str(match_id), als=region.school, now=LATE))
    ok(vix("regie", str(match_id), "--regisseur", region.jgz, als=region.school, now=LATE))
    told = newest(vix_env, "regie_regisseur")
    assert "Wie wat doet, is al afgesproken: de afstemming is vastgelegd op 07-12-2026." in told
    assert "over tijd" not in told and "vix afstemming" not in told


def test_a_director_named_inside_the_term_keeps_the_term(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = match_of(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz, now=INSIDE))
    told = newest(vix_env, "regie_regisseur")
    assert FRESH in told
    assert "over tijd" not in told and "opschalen" not in told
    # a week later the match stagnates, and the next notice says so
    ok(vix("regie", str(match_id), "--regisseur", region.jgz, als=region.school, now=LATE))
    assert OVERDUE in newest(vix_env, "regie_regisseur")


def test_a_regievoerder_asked_after_the_term_is_to_name_a_zorgcoordinator_now(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = match_of(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz, now=LATE))
    told = newest(vix_env, "regie_regievoerder")
    assert OVERDUE in told
    assert (
        "Neem nu contact op met de betrokkenen en wijs een zorgcoördinator aan met "
        f"'vix zorgcoordinator {match_id} E-MAIL'." in told
    )
    assert ESCALATE in told
    assert "binnen 5 werkdagen" not in told
    # the zorgcoördinator she names leads: his or her notice asks for the agreement now
    ok(vix("zorgcoordinator", str(match_id), region.jgz, als=region.regie, now=LATE))
    told = newest(vix_env, "regie_zorgcoordinator")
    assert OVERDUE in told
    assert f"leg die afstemming vast met 'vix afstemming {match_id}'." in told
    assert "binnen 5 werkdagen" not in told


def test_a_request_handed_to_another_regievoerder_after_the_term_is_over_tijd(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The request goes to the municipality's new regievoerder (regie_overdracht.txt)."""
    second_haarlem_regievoerder(vix)
    match_id = match_of(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz, now=INSIDE))
    assert FRESH in newest(vix_env, "regie_regievoerder")
    ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN, now=LATE))
    [row] = db_rows(
        vix_env, "SELECT recipient_email, body FROM outbox WHERE kind = 'regie_overgenomen'"
    )
    assert row["recipient_email"] == REGIE_H2
    told = flat(row["body"])
    assert OVERDUE in told
    assert (
        "Neem nu contact op met de betrokkenen en wijs een zorgcoördinator aan met "
        f"'vix zorgcoordinator {match_id} E-MAIL'." in told
    )
    assert ESCALATE in told
    assert "binnen 5 werkdagen" not in told
    assert "afgesproken" not in told  # no agreement recorded
    assert stagnates(vix, region, LATE)


def test_a_director_role_handed_over_with_the_signals_after_the_term_is_over_tijd(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Ineke leads; her manager hands her signals, and with them the lead, to Mark."""
    match_id = match_of(vix, region)
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz, now=T1))
    ok(
        vix(
            "professional",
            "overdragen",
            region.school,
            region.school_colleague,
            als=region.manager,
            now=LATE,
        )
    )
    [(body,)] = db_rows(
        vix_env,
        "SELECT body FROM outbox WHERE kind = 'regie_regisseur' AND recipient_email = ?",
        (region.school_colleague,),
    )
    told = flat(body)
    assert f"Daarmee bent u nu matchregisseur van match {match_id}" in told
    assert OVERDUE in told
    assert f"leg die afstemming vast met 'vix afstemming {match_id}'." in told
    assert "binnen 5 werkdagen" not in told


def test_a_regievoerder_asked_after_the_agreement_is_told_it_is_recorded(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """JGZ records the agreement, then asks the regievoerder; a second one takes over.

    Both regievoerders are to name a zorgcoördinator, and hear that who does what is
    agreed already, as a director named after the agreement does.
    """
    second_haarlem_regievoerder(vix)
    match_id = match_of(vix, region)
    ok(vix("afstemming", str(match_id), als=region.jgz, now=T1))
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz, now=INSIDE))
    agreed = "Wie wat doet, is al afgesproken: de afstemming is vastgelegd op 23-11-2026."
    asked = newest(vix_env, "regie_regievoerder")
    assert (
        f"Wijs een zorgcoördinator aan uit de betrokkenen met 'vix zorgcoordinator {match_id}"
        in asked
    )
    assert agreed in asked
    ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN, now=INSIDE))
    taken = newest(vix_env, "regie_overgenomen")
    assert "ligt nu bij u, als regievoerder van de gemeente" in taken
    assert agreed in taken
