"""An expiry handled late is dated the day the signal's term ran out (rule 15).

`vix onderhoud` may come round days or months after a signal's planned removal
(cron down), or a later command expires it on the way (a new `vix signaleer` on
the youth). The signal ended when its term ran out, as `signaleer`, the inzage and
the letter promised ("actief tot uiterlijk"), and so did what its end caused: the
match it ends, its members' periods, the month the reports count it in. What vix did
is logged when it did it, saying the day it took effect. A match that lived on in
the index after the planned removal (an agreement recorded meanwhile) does not end
before what was recorded in it. Clock: 23-11-2026 (conftest.NOW); Anna's signals
placed then are planned to end on 23-11-2028.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    INFORMED,
    Region,
    Runner,
    anna_s_match,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)

LATE = "2028-12-01T10:00:00"  # eight days after the planned removal


def inzage(vix: Runner, region: Region, now: str) -> Any:
    return as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=now))


def test_a_signal_expired_by_a_later_signaleer_ended_on_its_planned_removal(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    anna_s_match(vix, region)
    placed = ok(
        vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.care, now=LATE)
    )
    # the history match tells when the earlier signals ended, not when vix noticed
    assert "(signaal 23-11-2026 10:00 tot 23-11-2028 00:00)" in placed.stdout
    assert "01-12-2028" not in placed.stdout.split("Eerder betrokken")[1]
    ended = "SELECT ended_at FROM signals WHERE status = 'ended' ORDER BY id"
    assert [r[0] for r in db_rows(vix_env, ended)] == ["2028-11-23T00:00:00"] * 2
    assert [tuple(r) for r in db_rows(vix_env, "SELECT ended_at FROM matches")] == [
        ("2028-11-23T00:00:00",)
    ]
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator, now=LATE)).stdout
    assert text.count("gearchiveerd sinds 23-11-2028 (verlopen)") == 2
    assert "cliëntmatch van 23-11-2026 tot 23-11-2028" in text
    assert "Basisschool De Zonnebloem (tot 23-11-2028)" in text
    assert "JGZ Kennemerland (tot 23-11-2028)" in text
    assert "01-12-2028" not in text.split("MATCHES")[1].split("BERICHTEN")[0]
    # the log says when vix ended them, and from which day
    assert "01-12-2028 10:00  vix (automatisch): beëindigd: match per 23-11-2028" in text
    assert text.count(": beëindigd: signaal per 23-11-2028") == 2
    details = db_rows(
        vix_env,
        "SELECT at, json_extract(detail, '$.per') FROM audit_log WHERE action = 'end' ORDER BY id",
    )
    assert [tuple(r) for r in details] == [(LATE, "2028-11-23T00:00:00")] * 3


def test_the_night_run_on_the_day_dates_the_end_at_its_start_and_names_no_other_day(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    anna_s_match(vix, region)
    ok(vix("onderhoud", als=region.coordinator, now="2028-11-23T02:00:00"))
    ended = "SELECT ended_at FROM signals UNION ALL SELECT ended_at FROM matches"
    assert [r[0] for r in db_rows(vix_env, ended)] == ["2028-11-23T00:00:00"] * 3
    per = "SELECT json_extract(detail, '$.per') FROM audit_log WHERE action = 'end'"
    assert [r[0] for r in db_rows(vix_env, per)] == ["2028-11-23T00:00:00"] * 3
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator, now=LATE)).stdout
    assert "23-11-2028 02:00  vix (automatisch): beëindigd: match\n" in text
    assert " per " not in text


def test_a_member_that_expired_late_left_a_match_that_goes_on_on_its_planned_removal(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    later = "2027-02-01T09:00:00"
    for who in (region.jgz, region.care):
        ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=who, now=later))
    run = "2028-12-10T03:00:00"
    ok(vix("onderhoud", als=region.coordinator, now=run))
    members = db_rows(
        vix_env,
        "SELECT o.code, mm.left_at FROM match_members mm"
        " JOIN organisations o ON o.id = mm.organisation_id ORDER BY o.code",
    )
    assert [tuple(r) for r in members] == [
        ("JGZ", None),
        ("JH", None),
        ("ZON", "2028-11-23T00:00:00"),
    ]
    assert [r[0] for r in db_rows(vix_env, "SELECT ended_at FROM matches")] == [None]
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator, now=run)).stdout
    assert "Basisschool De Zonnebloem (tot 23-11-2028)" in text
    # the others hear of it now: the notice is queued by the run that handled it
    queued = "SELECT DISTINCT created_at FROM outbox WHERE created_at > '2027-02-01T09:00:00'"
    assert [r[0] for r in db_rows(vix_env, queued)] == [run]


def test_a_match_ends_when_too_few_are_left_among_members_that_expired_one_by_one(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """School (planned end 23-11-2028), JGZ (01-02-2029) and youth care (01-06-2029): one
    late run after all three. The match ended when JGZ's went, leaving youth care alone."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    jgz = "2027-02-01T09:00:00"
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz, now=jgz))
    care = "2027-06-01T09:00:00"
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.care, now=care))
    ok(vix("onderhoud", als=region.coordinator, now="2029-07-01T03:00:00"))
    members = db_rows(
        vix_env,
        "SELECT o.code, mm.left_at FROM match_members mm"
        " JOIN organisations o ON o.id = mm.organisation_id ORDER BY o.code",
    )
    assert [tuple(r) for r in members] == [
        ("JGZ", "2029-02-01T00:00:00"),
        ("JH", "2029-02-01T00:00:00"),
        ("ZON", "2028-11-23T00:00:00"),
    ]
    ended = db_rows(vix_env, "SELECT ended_at FROM matches")
    assert [r[0] for r in ended] == ["2029-02-01T00:00:00"]


def test_a_match_in_which_an_agreement_was_recorded_after_the_planned_removal_ends_after_it(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The index showed the match open: JGZ, its director, recorded the agreement two days
    after the school's signal ran out. The signal expired on its day, but the match lived
    on until that record: it does not end before what was recorded in it."""
    m = str(anna_s_match(vix, region))
    later = "2027-02-01T09:00:00"
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.care, now=later))
    # JGZ's and the school's run out on 23-11-2028; the agreement is recorded on the 25th
    recorded = "2028-11-25T14:00:00"
    ok(vix("afstemming", m, "--datum", "24-11-2028", als=region.jgz, now=recorded))
    ok(vix("onderhoud", als=region.coordinator, now="2028-12-01T03:00:00"))
    ended = "SELECT ended_at FROM signals WHERE status = 'ended'"
    assert [r[0] for r in db_rows(vix_env, ended)] == ["2028-11-23T00:00:00"] * 2
    assert [r[0] for r in db_rows(vix_env, "SELECT ended_at FROM matches")] == [recorded]
    left = "SELECT DISTINCT left_at FROM match_members"
    assert [r[0] for r in db_rows(vix_env, left)] == [recorded]


def test_the_reports_count_a_late_expiry_in_the_month_it_expired(
    vix: Runner, region: Region
) -> None:
    anna_s_match(vix, region)
    ok(vix("onderhoud", als=region.coordinator, now="2028-12-02T03:00:00"))

    def figures(start: str, end: str) -> tuple[Any, Any]:
        r = as_json(
            vix(
                "rapport", "jaarverslag", "--regio", "--van", start, "--tot", end, "--json",
                als=region.coordinator, now="2029-01-05T09:00:00",
            )
        )  # fmt: skip
        return r["signals"]["expired"], r["matches"]["youth_ended"]

    assert figures("01-11-2028", "30-11-2028") == ("<5", "<5")
    assert figures("01-12-2028", "31-12-2028") == (0, 0)


def test_a_signal_deleted_at_23_by_a_late_run_counts_in_the_month_of_the_birthday(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    bram = new_youth("111222357", "Bram", born="28-11-2005")
    ok(vix("signaleer", *bram, *INFORMED, als=region.school))
    ok(vix("onderhoud", als=region.coordinator, now="2028-12-02T03:00:00"))
    rows = db_rows(vix_env, "SELECT month, reason FROM signal_deletions")
    assert [tuple(r) for r in rows] == [("2028-11", "age_23")]
