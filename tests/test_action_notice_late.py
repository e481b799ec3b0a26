"""A notice about a match past its action term gives no fresh term (rules 12, 13).

With `actie_dagen` set, `vix stagnatie` lists a match whose agreed action is not recorded
more than that many days after the agreement (docs/README-followup.md). The notices that
tell members what to do next then said "neem binnen 5 werkdagen contact op" (a newcomer to
the match, a new matchregisseur, a request handed to another regievoerder): a fresh term
while the coordinators may escalate the match already. They now say the action is over
tijd, counted as `vix stagnatie` counts, as they do for an overdue agreement
(test_lead_notice_late.py).
"""

from __future__ import annotations

from pathlib import Path

from conftest import ADMIN, INFORMED, Region, Runner, db_rows, flat, ok
from test_lead_notice_late import ANNA, LATE, T0, T1, match_of, newest
from test_move_regie import REGIE_H2, second_haarlem_regievoerder
from test_notice_withdrawal import at

OVERDUE = "Wat nu: de afgesproken actie is over tijd (10 werkdagen sinds de afstemming, termijn 5)."
RECORD = "kan de regionaal coördinator de match opschalen."


def action_days(vix: Runner, region: Region, days: str) -> None:
    ok(vix("instelling", "zet", "actie_dagen", days, als=region.admin, now=T0))


def agreed(vix: Runner, region: Region, days: str = "5") -> int:
    """Match 1 of the school and JGZ, agreed the day it arose; the action limit `days`."""
    action_days(vix, region, days)
    match_id = match_of(vix, region)
    ok(vix("afstemming", str(match_id), als=region.jgz, now=T1))
    return match_id


def stagnates_for_action(vix: Runner, region: Region) -> bool:
    listed = ok(vix("stagnatie", als=region.coordinator, now=LATE)).stdout
    return "geen actie na afstemming na 10 werkdagen (termijn 5)" in listed


def test_a_newcomer_to_a_match_past_its_action_term_gets_no_fresh_term(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = agreed(vix, region)
    before = db_rows(vix_env, "SELECT max(id) FROM outbox")[0][0]
    at(vix, LATE, region.care, *ANNA)
    told = {
        r["recipient_email"]: flat(r["body"])
        for r in db_rows(
            vix_env, "SELECT recipient_email, body FROM outbox WHERE id > ?", (before,)
        )
    }
    assert set(told) == {region.school, region.jgz, region.care}
    for who, with_whom in ((region.school, "met Hans Hulp"), (region.care, "met de andere")):
        assert OVERDUE in told[who]
        assert f"Neem nu contact op {with_whom}" in told[who]
        assert (
            f"leg dat dan vast met 'vix actie {match_id}'. Tot dat is vastgelegd, " + RECORD
        ) in told[who]
        assert "binnen 5 werkdagen" not in told[who]
    assert stagnates_for_action(vix, region)


def newcomers_screen(vix: Runner, region: Region) -> str:
    """What `vix signaleer` shows Hans Hulp (youth care), who joins match 1 on LATE."""
    signalled = vix("signaleer", *ANNA, *INFORMED, als=region.care, now=LATE)
    return flat(ok(signalled).stdout)


def test_a_newcomers_screen_says_the_action_is_over_tijd(vix: Runner, region: Region) -> None:
    """`vix signaleer` told a newcomer to a match past its action term only that the
    agreement was recorded, while the notice and `vix stagnatie` said the action is late."""
    match_id = agreed(vix, region)
    screen = newcomers_screen(vix, region)
    assert (
        f"Match {match_id}: de afgesproken actie is over tijd (10 werkdagen sinds de afstemming "
        "van 23-11-2026, termijn 5); neem nu contact op met de andere betrokkenen over de "
        f"afspraken en wat ieder daarin doet, en leg de actie vast met 'vix actie {match_id}' "
        "als ze is uitgevoerd." in screen
    )
    assert "binnen 5 werkdagen" not in screen
    assert stagnates_for_action(vix, region)


def test_a_newcomers_screen_inside_the_action_term_says_the_agreement_is_recorded(
    vix: Runner, region: Region
) -> None:
    match_id = agreed(vix, region, "15")
    screen = newcomers_screen(vix, region)
    assert f"Match {match_id}: de afstemming is al vastgelegd (23-11-2026)" in screen
    assert "over tijd" not in screen


def test_a_director_named_after_the_action_term_is_told_it_is_over_tijd(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Without an action limit, or inside it, the notice keeps its term."""
    match_id = agreed(vix, region, "uit")
    lead = [region.jgz, region.school]  # JGZ leads; the lead goes back and forth
    for days, late in (("uit", False), ("15", False), ("5", True)):
        action_days(vix, region, days)
        lead.reverse()
        ok(vix("regie", str(match_id), "--regisseur", lead[0], als=lead[1], now=LATE))
        told = newest(vix_env, "regie_regisseur")
        assert "Wie wat doet, is al afgesproken: de afstemming is vastgelegd op 23-11-2026." in told
        assert (OVERDUE in told) is late
        assert (f"is dat zo, leg het dan vast met 'vix actie {match_id}'." in told) is late
        assert (RECORD in told) is late
        assert ("Neem binnen 5 werkdagen contact op met de betrokkenen." in told) is not late
        assert stagnates_for_action(vix, region) is late


def test_a_request_handed_over_after_the_action_term_is_over_tijd(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Rita holds the request and records the agreement; the municipality's new
    regievoerder takes the request over after the action term."""
    second_haarlem_regievoerder(vix)
    action_days(vix, region, "5")
    match_id = match_of(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz, now=T1))
    ok(vix("afstemming", str(match_id), als=region.regie, now=T1))
    ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN, now=LATE))
    told = newest(vix_env, "regie_overgenomen")
    assert OVERDUE in told
    assert f"is dat zo, leg het dan vast met 'vix actie {match_id}'." in told
    assert RECORD in told
    assert "binnen 5 werkdagen" not in told
