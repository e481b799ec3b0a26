"""The first and the last day of a report's period count whole; the days around it do not.

docs/README-reports.md: a signal counts in the month it was placed, a match in the month
it arose, an escalation on its day; `--van` and `--tot` are both inclusive. The tests of
the report counted events well inside their periods, so a period that lost its last day
(the day after the end taken as the end), a month left out when the period ends on a
month's first day, or an escalation on the first day dropped, all went unnoticed.
"""

from __future__ import annotations

from typing import Any

from conftest import Region, Runner, as_json, new_youth, ok
from report_scenario import valid_bsns

Y = valid_bsns(6, start=300_000_000)


def placed(vix: Runner, who: str, now: str, bsn: str, name: str) -> dict[str, Any]:
    args = [*new_youth(bsn, name), "--ouders-geinformeerd", "01-10-2026", "--json"]
    return dict(as_json(vix("signaleer", *args, als=who, now=now)))


def test_the_first_and_last_day_of_a_period_count_and_the_days_around_do_not(
    vix: Runner, region: Region
) -> None:
    school, jgz = region.school, region.jgz
    # a match of the school on 22-10, never agreed: escalated on Monday 02-11, the first day
    placed(vix, school, "2026-10-22T09:00:00", Y[5], "Vijf")
    late = placed(vix, jgz, "2026-10-22T10:00:00", Y[5], "Vijf")["matches"][0]["id"]
    run = as_json(vix("stagnatie", "--escaleer", "--json", als=region.coordinator,
                      now="2026-11-02T08:00:00"))  # fmt: skip
    assert [(s["match_id"], s["escalated_to"]) for s in run] == [(late, 1)]
    # the school's signals around the period 02-11 .. 20-11
    before = placed(vix, school, "2026-11-01T23:59:00", Y[0], "Nul")
    first = placed(vix, school, "2026-11-02T00:00:00", Y[1], "Een")
    ok(vix("intrekken", str(before["signal_id"]), "--reden", "weggenomen", als=school,
           now="2026-11-02T00:00:00"))  # fmt: skip
    ok(vix("intrekken", str(first["signal_id"]), "--reden", "weggenomen", als=school,
           now="2026-11-21T00:00:00"))  # fmt: skip
    # the last day's match arises at 23:59; the next one at midnight after it
    placed(vix, school, "2026-11-20T22:00:00", Y[2], "Twee")
    placed(vix, jgz, "2026-11-20T23:59:00", Y[2], "Twee")
    placed(vix, jgz, "2026-11-20T12:00:00", Y[3], "Drie")
    placed(vix, school, "2026-11-21T00:00:00", Y[3], "Drie")

    period = ["--van", "02-11-2026", "--tot", "20-11-2026", "--json"]
    r = as_json(vix("rapport", "jaarverslag", *period, als=region.manager, now="2026-11-23T10:00"))
    assert r["internal"] is True
    s, m = r["signals"], r["matches"]
    assert s["placed"] == 2  # 02-11 00:00 and 20-11 22:00
    assert s["withdrawn_resolved"] == 1  # on 02-11 00:00, not the one on 21-11
    assert (m["arisen"], m["youth_arisen"]) == (1, 1)  # 20-11 23:59
    assert [e["count"] for e in m["escalations"]] == [1, 0, 0]  # on 02-11
    assert [(row["month"], row["signals"], row["matches"]) for row in r["per_month"]] == [
        ("2026-11", 2, 1)
    ]
    [zon] = r["per_organisation"]
    assert (zon["placed"], zon["withdrawn"], zon["matches"]) == (2, 1, 1)

    # a day shorter at the start: the escalation and the first signal go, not the last
    r = as_json(vix("rapport", "jaarverslag", "--van", "03-11-2026", "--tot", "20-11-2026",
                    "--json", als=region.manager, now="2026-11-23T10:00"))  # fmt: skip
    assert (r["signals"]["placed"], r["signals"]["withdrawn_resolved"]) == (1, 0)
    assert [e["count"] for e in r["matches"]["escalations"]] == [0, 0, 0]


def test_a_period_that_ends_on_the_first_of_a_month_has_that_month(
    vix: Runner, region: Region
) -> None:
    """The internal report may end on any day: its last month is one row of the months."""
    placed(vix, region.school, "2026-12-01T09:00:00", Y[0], "Nul")
    period = ["--van", "15-11-2026", "--tot", "01-12-2026", "--json"]
    r = as_json(vix("rapport", "jaarverslag", *period, als=region.manager, now="2026-12-01T12:00"))
    assert r["signals"]["placed"] == 1
    assert [(row["month"], row["signals"]) for row in r["per_month"]] == [
        ("2026-11", 0),
        ("2026-12", 1),
    ]


def test_a_period_may_begin_today(vix: Runner, region: Region) -> None:
    """'Een periode ... begint uiterlijk vandaag': today itself is allowed."""
    placed(vix, region.school, "2026-12-01T09:00:00", Y[0], "Nul")
    december = ["--van", "01-12-2026", "--tot", "31-12-2026", "--json"]
    r = as_json(vix("rapport", "jaarverslag", "--regio", *december, als=region.coordinator,
                    now="2026-12-01T12:00"))  # fmt: skip
    assert (r["period_from"], r["signals"]["placed"]) == ("2026-12-01", "<5")
    today = ["--van", "01-12-2026", "--tot", "01-12-2026", "--json"]
    r = as_json(vix("rapport", "jaarverslag", *today, als=region.manager, now="2026-12-01T12:00"))
    assert r["signals"]["placed"] == 1


def test_a_whole_months_suggestion_of_exactly_three_years_keeps_the_first_month(
    vix: Runner, region: Region
) -> None:
    """The months around 16-01-2024 .. 31-12-2026 are exactly three years: allowed, and so
    suggested as they are, not cut to the months inside (from 01-02-2024)."""
    asked = ["--van", "16-01-2024", "--tot", "31-12-2026"]
    result = vix("rapport", "jaarverslag", "--regio", *asked, als=region.coordinator)
    assert result.exit_code == 1
    assert "Kies bijvoorbeeld --van 01-01-2024 --tot 31-12-2026." in result.stderr
    suggested = ["--van", "01-01-2024", "--tot", "31-12-2026", "--json"]
    ok(vix("rapport", "jaarverslag", "--regio", *suggested, als=region.coordinator))


def test_only_van_on_the_last_day_of_the_last_whole_month(vix: Runner, region: Region) -> None:
    """Without --tot the period ends on the last whole month's last day (31-10 on
    23-11-2026): a --van on that very day is a period of one day, not one that ends first."""
    r = as_json(vix("rapport", "jaarverslag", "--van", "31-10-2026", "--json", als=region.manager))
    assert (r["period_from"], r["period_to"]) == ("2026-10-31", "2026-10-31")


def test_a_whole_months_suggestion_never_begins_after_today(vix: Runner, region: Region) -> None:
    """15-11-2026 .. 14-11-2029 is three years, but its months (from 01-11-2026 to
    30-11-2029) are more: the whole months inside began on 01-12-2026, after today
    (23-11-2026), and the suggested period was refused in turn. Now the start's month
    and three years from it."""
    asked = ["--van", "15-11-2026", "--tot", "14-11-2029"]
    result = vix("rapport", "jaarverslag", "--regio", *asked, als=region.coordinator)
    assert result.exit_code == 1
    assert "Kies bijvoorbeeld --van 01-11-2026 --tot 31-10-2029." in result.stderr
    suggested = ["--van", "01-11-2026", "--tot", "31-10-2029", "--json"]
    ok(vix("rapport", "jaarverslag", "--regio", *suggested, als=region.coordinator))


def test_a_deleted_signal_of_the_first_month_counts_and_odd_days_are_noted(
    vix: Runner, region: Region
) -> None:
    """A signal withdrawn as unjustified is deleted and counted per month of placing; the
    period's first month is one of them. A period that does not run over whole months
    says that those counts are of whole months, also when only its end is not one."""
    for who in (region.school, region.jgz):  # JGZ's is no part of the school's report
        wrong = placed(vix, who, "2026-11-02T09:00:00", Y[0], "Nul")
        ok(vix("intrekken", str(wrong["signal_id"]), "--reden", "onterecht", als=who,
               now="2026-11-02T10:00:00"))  # fmt: skip
    note = "Gewiste signalen, ook uit het archief, worden per maand geteld"
    for period, noted in [
        (["--van", "01-11-2026", "--tot", "30-11-2026"], False),
        (["--van", "01-11-2026", "--tot", "20-11-2026"], True),
        (["--van", "02-11-2026", "--tot", "30-11-2026"], True),
    ]:
        r = as_json(vix("rapport", "jaarverslag", *period, "--json", als=region.manager))
        s = r["signals"]
        assert (s["placed"], s["withdrawn_unjustified"]) == (1, 1), period
        assert [row["signals"] for row in r["per_month"]] == [1]
        assert any(note in n for n in r["notes"]) is noted, period
