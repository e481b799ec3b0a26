"""Stagnation from cron, working days, and the escalation ladder (rule 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import BSN_ANNA, BSN_BRAM, INFORMED, Region, as_json, db_rows, flat, new_youth, ok
from hypothesis import given, settings
from hypothesis import strategies as st

from vix import followup
from vix.db import DatabaseBusy, LockWait, open_store
from vix.people import find_professional
from vix.workdays import Calendar, dutch_holidays

MONDAY = "2026-11-23T10:00:00"  # conftest NOW: the match arises on a Monday


def match_on(
    vix: Any, region: Region, bsn: str = BSN_ANNA, name: str = "Anna", when: str = MONDAY
) -> int:
    as_json(
        vix("signaleer", *new_youth(bsn, name), *INFORMED, "--json", als=region.school, now=when)
    )
    found = as_json(
        vix("signaleer", *new_youth(bsn, name), *INFORMED, "--json", als=region.jgz, now=when)
    )
    return int(found["matches"][0]["id"])


def stagnating(vix: Any, als: str, now: str, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = as_json(vix("stagnatie", *args, "--json", als=als, now=now))
    return found


# -- counting days -----------------------------------------------------------------------


@settings(deadline=None)  # the first call loads the holidays of a year
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)),
    st.integers(min_value=0, max_value=400),
    st.sets(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), max_size=20),
)
def test_working_days_agree_with_walking_the_calendar(
    start: date, span: int, closed: set[date]
) -> None:
    end = start + timedelta(days=span)
    cal = Calendar.of(True, closed)
    walked = sum(
        1
        for i in range(1, span + 1)
        if (d := start + timedelta(days=i)).weekday() < 5
        and d not in dutch_holidays(d.year)
        and d not in closed
    )
    assert cal.days_between(start, end) == walked
    assert Calendar.of(False, closed).days_between(start, end) == span
    if walked:
        assert cal.days_between(start, cal.add(start, walked)) == walked


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 4, 27), False),  # King's Day (a Tuesday)
        (date(2026, 12, 25), False),  # Christmas
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 24), True),
    ],
)
def test_dutch_holidays_and_weekends(day: date, working: bool) -> None:
    assert Calendar.of(True).is_working_day(day) is working


# -- which matches stagnate --------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "mode", "expected"),
    [
        # calendar days: Sat 28-11 is day 5 (still in time), Sun 29-11 day 6
        ("2026-11-28T07:00", "--kalenderdagen", []),
        ("2026-11-29T07:00", "--kalenderdagen", [6]),
        # working days across the weekend: Mon 30-11 is working day 5, Tue 01-12 is 6
        ("2026-11-30T07:00", "--werkdagen", []),
        ("2026-11-30T07:00", "--kalenderdagen", [7]),
        ("2026-12-01T07:00", "--werkdagen", [6]),
    ],
)
def test_days_after_the_match(
    vix, region: Region, now: str, mode: str, expected: list[int]
) -> None:
    match_on(vix, region)
    found = stagnating(vix, region.coordinator, now, "--dagen", "5", mode)
    assert [s["age"] for s in found] == expected


def test_kings_day_is_not_a_working_day(vix, region: Region) -> None:
    match_on(vix, region, when="2027-04-22T10:00:00")  # Thursday before King's Day (Tue 27-04)
    # Fri 23 =1, Mon 26 =2, (Tue 27 King's Day), Wed 28 =3, Thu 29 =4, Fri 30 =5
    assert stagnating(vix, region.coordinator, "2027-04-30T07:00", "--dagen", "5") == []
    found = stagnating(vix, region.coordinator, "2027-05-03T07:00", "--dagen", "5")
    assert [(s["age"], s["unit"]) for s in found] == [(6, "werkdagen")]


def test_easter_monday_and_closed_days_from_settings(vix, region: Region) -> None:
    match_on(vix, region, when="2027-03-24T10:00:00")  # Wednesday before Easter
    # Thu 25 =1, (Good Friday, Easter Monday), Tue 30 =2, Wed 31 =3, Thu 01 =4, Fri 02 =5
    assert stagnating(vix, region.coordinator, "2027-04-02T07:00") == []
    assert [s["age"] for s in stagnating(vix, region.coordinator, "2027-04-05T07:00")] == [6]
    # a region closes the week after Easter (school holiday): no longer overdue
    ok(vix("instelling", "zet", "gesloten_dagen", "30-03-2027/02-04-2027", als=region.admin))
    assert stagnating(vix, region.coordinator, "2027-04-05T07:00") == []


def test_defaults_are_region_settings(vix, region: Region) -> None:
    match_on(vix, region)
    assert stagnating(vix, region.coordinator, "2026-11-30T07:00") == []
    ok(vix("instelling", "zet", "werkdagen", "nee", als=region.admin))
    assert len(stagnating(vix, region.coordinator, "2026-11-30T07:00")) == 1
    ok(vix("instelling", "zet", "stagnatie_dagen", "10", als=region.admin))
    assert stagnating(vix, region.coordinator, "2026-11-30T07:00") == []


def cron_stagnation_args(doc: str) -> list[str]:
    """The arguments of the `vix stagnatie` line in a documented crontab."""
    text = (Path(__file__).parent.parent / doc).read_text(encoding="utf-8")
    [line] = [li for li in text.splitlines() if "/vix stagnatie" in li and not li.startswith("#")]
    return line.split("/vix ", 1)[1].split()


@pytest.mark.parametrize("doc", ["README.md", "docs/README-followup.md"])
def test_the_documented_cron_line_escalates_by_the_region_s_settings(
    vix, region: Region, doc: str
) -> None:
    """A region that agreed on 10 days: the recommended cron line does not escalate a match
    on working day 6, as the reports count it on time; `--dagen 5` still overrides the
    setting for its own run (review: the crontab hard-coded '--dagen 5 --werkdagen')."""
    args = cron_stagnation_args(doc)
    assert args[0] == "stagnatie" and "--escaleer" in args
    match_on(vix, region)
    ok(vix("instelling", "zet", "stagnatie_dagen", "10", als=region.admin))
    run = vix(*args, als=region.coordinator, now="2026-12-01T07:30")
    assert (run.exit_code, run.stdout) == (0, "")
    assert db_rows(Path(os.environ["VIX_DB"]), "SELECT * FROM escalations") == []
    (item,) = stagnating(vix, region.coordinator, "2026-12-01T07:30", "--dagen", "5")
    assert (item["age"], item["limit"]) == (6, 5)


def test_agreement_stops_stagnation_and_action_days_watch_the_next_step(
    vix, region: Region
) -> None:
    match_id = match_on(vix, region)
    ok(
        vix(
            "afstemming",
            str(match_id),
            "--datum",
            "24-11-2026",
            als=region.jgz,
            now="2026-12-10T07:00",
        )
    )
    assert stagnating(vix, region.coordinator, "2026-12-10T07:00") == []
    found = stagnating(vix, region.coordinator, "2026-12-10T07:00", "--actie-dagen", "10")
    assert [(s["stage"], s["since"], s["age"]) for s in found] == [("actie", "2026-11-24", 12)]
    ok(vix("actie", str(match_id), als=region.school, now="2026-12-10T07:00"))
    assert stagnating(vix, region.coordinator, "2026-12-10T07:00", "--actie-dagen", "10") == []


def test_ended_match_does_not_stagnate(vix, region: Region) -> None:
    match_on(vix, region)
    signals = as_json(vix("signalen", "--json", als=region.jgz))
    ok(vix("intrekken", str(signals[0]["id"]), "--reden", "weggenomen", als=region.jgz))
    assert stagnating(vix, region.coordinator, "2026-12-10T07:00") == []


# -- rule 15 whether or not the night run came round --------------------------------------


def test_a_match_past_its_planned_removal_is_not_escalated_without_the_night_run(
    vix, region: Region
) -> None:
    """Both signals of a match from 23-11-2026 end on 23-11-2028 (two years). `vix
    onderhoud` did not run (cron skipped, the lock, a crash): the morning's run ends
    them as the night would have, and escalates nothing, silently (review)."""
    db = Path(os.environ["VIX_DB"])
    match_id = match_on(vix, region)
    run = vix("stagnatie", "--escaleer", als=region.coordinator, now="2028-11-27T07:30")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")
    assert db_rows(db, "SELECT * FROM escalations") == []
    assert db_rows(db, "SELECT id FROM outbox WHERE kind LIKE 'escalatie%'") == []
    assert db_rows(db, "SELECT ended_at FROM matches WHERE id = ?", (match_id,))[0][0]
    assert [r[0] for r in db_rows(db, "SELECT end_reason FROM signals")] == ["expired"] * 2
    # ended by vix itself, as the night run ends them
    ends = db_rows(db, "SELECT actor_id FROM audit_log WHERE action = 'end' AND entity = 'signal'")
    assert [r[0] for r in ends] == [None, None]
    assert vix("onderhoud", als=region.coordinator, now="2028-11-28T02:15").stdout == ""


@pytest.mark.parametrize("first", ["coordinator", "signaller"])
def test_a_youth_of_23_is_neither_escalated_nor_named(vix, region: Region, first: str) -> None:
    """Born 10-02-2004, signalled by the school and JGZ on 01-02-2027: the signals end on
    the 23rd birthday. The day after, before `vix onderhoud`, the signaller's list does
    not name him and the coordinator's run does not escalate the match (review)."""
    db = Path(os.environ["VIX_DB"])
    when = "2027-02-01T10:00:00"
    for who in (region.school, region.jgz):
        youth = new_youth(BSN_BRAM, "Bram", born="10-02-2004")
        as_json(vix("signaleer", *youth, *INFORMED, "--json", als=who, now=when))
    # on the birthday's eve the match stagnates (working day 7) and names him to his signaller
    assert stagnating(vix, region.school, "2027-02-09T07:30")[0]["youths"] == ["Bram Vries"]
    later = "2027-02-11T07:30"
    if first == "signaller":
        assert stagnating(vix, region.school, later) == []
    assert stagnating(vix, region.coordinator, later, "--escaleer") == []
    assert stagnating(vix, region.school, later) == []
    assert db_rows(db, "SELECT * FROM escalations") == []
    # deleted at once at 23 (rule 15), and the youth with them
    assert db_rows(db, "SELECT * FROM signals") == []
    assert db_rows(db, "SELECT * FROM youths") == []


def test_an_organisation_past_its_planned_removal_leaves_the_stagnating_match(
    vix, region: Region
) -> None:
    """The school's signal of 23-11-2026 ends on 23-11-2028; JGZ and youth care made a
    match with it on 16-11-2028. On 27-11, without the night run, the match stagnates
    without the school: its manager is not asked to speak to a professional whose
    signal ended (review)."""
    db = Path(os.environ["VIX_DB"])
    youth = new_youth(BSN_ANNA, "Anna")
    as_json(vix("signaleer", *youth, *INFORMED, "--json", als=region.school))
    for who in (region.jgz, region.care):
        as_json(vix("signaleer", *youth, *INFORMED, "--json", als=who, now="2028-11-16T10:00"))
    (item,) = stagnating(vix, region.coordinator, "2028-11-27T07:30", "--escaleer")
    assert item["organisations"] == ["JGZ", "JH"]
    # JGZ and youth care have no organisation manager; the school's is not told
    assert (item["escalated_to"], item["notices"]) == (1, 0)
    assert db_rows(db, "SELECT id FROM outbox WHERE kind LIKE 'escalatie%'") == []


# -- who sees what -----------------------------------------------------------------------


def test_coordinator_sees_process_only_member_sees_names(vix, region: Region) -> None:
    match_id = match_on(vix, region)
    now = "2026-12-01T07:00"
    line = ok(vix("stagnatie", als=region.coordinator, now=now)).stdout
    assert f"match {match_id}" in line and "ZON" in line and "JGZ" in line
    assert "Karin Arts" in line and "Haarlem" in line and "niveau 1" in line
    assert "Anna" not in line and "Vries" not in line
    (item,) = stagnating(vix, region.coordinator, now)
    assert item["youths"] == []
    assert "Anna" not in json.dumps(item)
    (own,) = stagnating(vix, region.school, now)
    assert own["youths"] == ["Anna Vries"]
    # a signaller outside the match sees nothing of it
    assert stagnating(vix, region.care, now) == []
    # the organisation manager sees his organisation's matches, process only
    (managed,) = stagnating(vix, region.manager, now)
    assert managed["youths"] == [] and managed["organisations"] == ["JGZ", "ZON"]


def test_only_coordinators_escalate(vix, region: Region) -> None:
    match_on(vix, region)
    for who in (region.manager, region.school, region.admin):
        result = vix("stagnatie", "--escaleer", als=who, now="2026-12-01T07:00")
        assert result.exit_code == 1
    assert db_rows(Path(os.environ["VIX_DB"]), "SELECT * FROM escalations") == []


# -- the ladder --------------------------------------------------------------------------


def escalate(vix: Any, region: Region, now: str) -> list[dict[str, Any]]:
    return stagnating(vix, region.coordinator, now, "--escaleer")


def test_ladder_one_step_per_interval_and_once_a_day(vix, region: Region) -> None:
    db = Path(os.environ["VIX_DB"])
    match_id = match_on(vix, region)
    # day 6: level 1, organisation managers (only ZON has one)
    (step,) = escalate(vix, region, "2026-12-01T07:00")
    assert (step["escalated_to"], step["notices"], step["level"]) == (1, 1, 1)
    assert step["next_from"] == "2026-12-08"  # 5 working days after the step
    # running twice on one day escalates once
    (again,) = escalate(vix, region, "2026-12-01T15:00")
    assert (again["escalated_to"], again["level"]) == (None, 1)
    # four working days later: not yet
    (early,) = escalate(vix, region, "2026-12-07T07:00")
    assert early["escalated_to"] is None
    (second,) = escalate(vix, region, "2026-12-08T07:00")
    assert (second["escalated_to"], second["notices"]) == (2, 1)
    (third,) = escalate(vix, region, "2026-12-15T07:00")
    assert (third["escalated_to"], third["notices"], third["next_level"]) == (3, 1, None)
    (top,) = escalate(vix, region, "2026-12-22T07:00")
    assert (top["escalated_to"], top["level"]) == (None, 3)

    steps = db_rows(db, "SELECT level, on_date, recorded_by FROM escalations ORDER BY level")
    coordinator_id = db_rows(
        db, "SELECT id FROM professionals WHERE email = ?", (region.coordinator,)
    )[0][0]
    assert [(s["level"], s["on_date"], s["recorded_by"]) for s in steps] == [
        (1, "2026-12-01", coordinator_id),
        (2, "2026-12-08", coordinator_id),
        (3, "2026-12-15", coordinator_id),
    ]
    assert db_rows(db, "SELECT escalation_level FROM matches WHERE id = ?", (match_id,))[0][0] == 3
    notices = db_rows(
        db,
        "SELECT kind, recipient_id, recipient_name, recipient_email, body FROM outbox"
        " WHERE kind LIKE 'escalatie%' ORDER BY id",
    )
    assert [(n["kind"], n["recipient_email"]) for n in notices] == [
        ("escalatie_1", region.manager),
        ("escalatie_2", region.coordinator),
        ("escalatie_3", "wethouder@haarlem.nl"),
    ]
    alderman = notices[2]
    assert alderman["recipient_id"] is None and alderman["recipient_name"] == "W. Wethouder"
    for n in notices:
        assert "Anna" not in n["body"] and "Vries" not in n["body"] and BSN_ANNA not in n["body"]
        assert f"Match: {match_id} (cliëntmatch), gemeente Haarlem" in n["body"]
        assert "Basisschool De Zonnebloem" in n["body"]
    assert "niveau 3: wethouder Jeugd" in alderman["body"]


def test_level_without_recipient_is_taken_with_a_warning(vix, region: Region) -> None:
    # JGZ and Jeugdhulp: no organisation manager at either
    as_json(vix("signaleer", *new_youth(BSN_BRAM, "Bram"), *INFORMED, "--json", als=region.care))
    as_json(vix("signaleer", *new_youth(BSN_BRAM, "Bram"), *INFORMED, "--json", als=region.jgz))
    result = ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-01T07:00"))
    assert (
        "niemand met de rol instantiebeheerder om te berichten; de functioneel beheerder voegt "
        "er een toe met 'vix professional toevoegen E-MAIL NAAM --rol instantiebeheerder "
        "--organisatie CODE' (JGZ of JH)"
    ) in flat(result.stderr)
    assert "opgeschaald naar niveau 1 (instantiebeheerders, 0 berichten)" in result.stdout


@pytest.mark.parametrize("manager", [True, False])
def test_levels_2_and_3_say_the_managers_were_told_only_if_level_1_told_one(
    vix, region: Region, manager: bool
) -> None:
    db = Path(os.environ["VIX_DB"])
    makers = (region.school, region.jgz) if manager else (region.care, region.jgz)
    for who in makers:  # the school has a manager; JGZ and Jeugdhulp none
        as_json(vix("signaleer", *new_youth(BSN_BRAM, "Bram"), *INFORMED, "--json", als=who))
    for day in ("2026-12-01", "2026-12-08", "2026-12-15"):
        escalate(vix, region, f"{day}T07:00")
    body = {
        n["kind"]: flat(n["body"])
        for n in db_rows(db, "SELECT kind, body FROM outbox WHERE kind LIKE 'escalatie%'")
    }
    assert ("escalatie_1" in body) == manager
    told = "ook nadat de instantiebeheerders zijn ingelicht"
    none = "Bij niveau 1 is geen instantiebeheerder ingelicht"
    assert (told in body["escalatie_2"], none in body["escalatie_2"]) == (manager, not manager)
    assert ("of de instantiebeheerders" in body["escalatie_2"]) == manager
    alderman = (
        "ook nadat de instantiebeheerders en de regionaal coördinator zijn ingelicht"
        if manager
        else "ook nadat de regionaal coördinator is ingelicht"
    )
    assert alderman in body["escalatie_3"]


def test_an_escalation_to_one_manager_counts_one_notice(vix, region: Region) -> None:
    # the school has one organisation manager, JGZ none: one notice, in the singular
    as_json(vix("signaleer", *new_youth(BSN_BRAM, "Bram"), *INFORMED, "--json", als=region.school))
    as_json(vix("signaleer", *new_youth(BSN_BRAM, "Bram"), *INFORMED, "--json", als=region.jgz))
    result = ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-01T07:00"))
    assert "opgeschaald naar niveau 1 (instantiebeheerders, 1 bericht)" in result.stdout


# -- the cron contract -------------------------------------------------------------------


def test_cron_silent_when_nothing_stagnates(vix, region: Region) -> None:
    match_on(vix, region)
    for args in ([], ["--escaleer"], ["--controleer"], ["--escaleer", "--controleer"]):
        result = vix(
            "stagnatie", "--dagen", "5", *args, als=region.coordinator, now="2026-11-30T07:00"
        )
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_cron_one_line_per_match_and_check_status(vix, region: Region) -> None:
    match_on(vix, region)
    match_on(vix, region, BSN_BRAM, "Bram")
    result = vix("stagnatie", "--dagen", "5", als=region.coordinator, now="2026-12-01T07:00")
    assert result.exit_code == 0 and result.stderr == ""
    assert len(result.stdout.splitlines()) == 2
    checked = vix("stagnatie", "--controleer", als=region.coordinator, now="2026-12-01T07:00")
    assert checked.exit_code == 1 and len(checked.stdout.splitlines()) == 2


def test_cron_errors_go_to_stderr_with_own_status(vix, region: Region) -> None:
    broken = vix("stagnatie", "--controleer", als="niemand@regio.nl")
    assert (broken.exit_code, broken.stdout) == (3, "")
    assert "niemand@regio.nl" in broken.stderr
    assert vix("stagnatie", als="niemand@regio.nl").exit_code == 1
    assert vix("stagnatie", "--dagen", "0", als=region.coordinator).exit_code == 2
    # a crontab without VIX_GEBRUIKER, or a clock with an offset, cannot run the check: 3
    unnamed = vix("stagnatie", "--controleer")
    assert (unnamed.exit_code, unnamed.stdout) == (3, "")
    assert "VIX_GEBRUIKER" in unnamed.stderr
    assert vix("stagnatie").exit_code == 2
    zoned = vix("stagnatie", "--controleer", als=region.coordinator, now="2026-12-01T07:00+01:00")
    assert zoned.exit_code == 3 and "tijdzone" in zoned.stderr
    assert vix("stagnatie", als=region.coordinator, now="2026-12-01T07:00+01:00").exit_code == 2


# -- overlapping runs --------------------------------------------------------------------


def test_two_processes_escalate_once(vix, region: Region) -> None:
    match_on(vix, region)
    match_on(vix, region, BSN_BRAM, "Bram")
    env = {**os.environ, "VIX_NU": "2026-12-01T07:00:00", "VIX_GEBRUIKER": region.coordinator}
    command = [sys.executable, "-m", "vix", "stagnatie", "--escaleer", "--json"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    taken = sorted(s["escalated_to"] or 0 for out, _ in outputs for s in json.loads(out))
    assert taken == [0, 0, 1, 1]  # each match once, by whichever run came first
    db = Path(os.environ["VIX_DB"])
    assert len(db_rows(db, "SELECT * FROM escalations")) == 2
    assert len(db_rows(db, "SELECT * FROM outbox WHERE kind = 'escalatie_1'")) == 2


def test_second_connection_waits_then_sees_the_step(region: Region, vix_env: Path) -> None:
    vix_region_match(region)
    first = open_store(vix_env, datetime(2026, 12, 1, 7))
    second = open_store(vix_env, datetime(2026, 12, 1, 7))
    try:
        coordinator = find_professional(first, region.coordinator)
        assert coordinator is not None
        with first.transaction():
            done = followup.stagnation(first, coordinator, followup.Rules.of(first), escalate=True)
            assert [s.escalated_to for s in done] == [1]
            # while the first run holds the write lock, the second cannot start
            with pytest.raises(DatabaseBusy), second.transaction(wait=LockWait(0)):
                pass
        with second.transaction():
            later = followup.stagnation(
                second, coordinator, followup.Rules.of(second), escalate=True
            )
        assert [(s.escalated_to, s.level) for s in later] == [(None, 1)]
    finally:
        first.close()
        second.close()
    assert len(db_rows(vix_env, "SELECT * FROM escalations")) == 1


def vix_region_match(region: Region) -> None:
    from typer.testing import CliRunner

    from vix.cli import app

    runner = CliRunner()
    for who, args in (
        (region.school, new_youth(BSN_ANNA, "Anna")),
        (region.jgz, new_youth(BSN_ANNA, "Anna")),
    ):
        result = runner.invoke(app, ["signaleer", *args, *INFORMED], env={"VIX_GEBRUIKER": who})
        assert result.exit_code == 0, result.stderr


# -- output of a national run ---------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ["match 1 cliëntmatch: geen afstemming na 6 werkdagen (termijn 5); ZON, JGZ"],
        ["regisseur Jan :smile: Jansen", "gemeente a:b:c", "tab\there", "cr\rhere", "plain"],
        [],
    ],
)
def test_lines_are_printed_in_one_go_as_rich_prints_each(
    lines: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`vix stagnatie` writes its lines at once (13,000 calls of rich's print took
    seconds), byte for byte as rich printed them one by one: also what rich changes
    (a tab, a control code) where a name might hold it, and an :emoji: code it keeps."""
    from vix.cli_common import out, print_lines

    for line in lines:
        out.print(line)
    one_by_one = capsys.readouterr().out
    print_lines(lines)
    assert capsys.readouterr().out == one_by_one


@pytest.mark.parametrize("utf8", [True, False])
def test_json_items_are_printed_as_the_whole_list(
    utf8: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vix stagnatie --json` encodes one match at a time (the whole document took
    40 MB more), and prints the same bytes as the list encoded at once."""
    from vix import cli_common

    monkeypatch.setattr(cli_common, "stdout_is_utf8", lambda: utf8)
    items: list[Any] = [
        {"match_id": 1, "organisations": ["ZON", "JGZ"], "youths": [], "regisseur": "Zoë"},
        {"nested": {"a": [1, {"b": None}], "c": "regel\neen"}, "empty": {}, "d": date(2026, 1, 2)},
    ]
    for value in (items, items[:1], [], {"matches": items}):
        cli_common.print_json(value)
        assert capsys.readouterr().out == cli_common.json_text(value, ascii_only=not utf8)


def test_the_old_name_check_still_works_and_is_not_shown(vix, region: Region) -> None:
    """`--controleer` was `--check` until session 24: a crontab with the old name keeps
    its exit statuses (1 stagnates, 3 could not run), and the help shows only the Dutch one."""
    match_on(vix, region)
    match_on(vix, region, BSN_BRAM, "Bram")
    for name in ("--controleer", "--check"):
        run = vix("stagnatie", name, als=region.coordinator, now="2026-12-01T07:00")
        assert run.exit_code == 1 and len(run.stdout.splitlines()) == 2
        assert vix("stagnatie", name, als="niemand@regio.nl").exit_code == 3
    shown = ok(vix("stagnatie", "--help")).stdout
    assert "--controleer" in shown and "--check" not in shown
