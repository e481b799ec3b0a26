"""A report over a past period keeps its signal counts when archive entries go (rules 15,
16); the matches an organisation was in go with its signals (last test).

An archived signal counts as placed in its month and as withdrawn or expired
in the month it ended. Its archive entry goes at the end of the archive term,
on the 23rd birthday, or by `vix jeugdige wis`; then `archive_deletions`
keeps those counts per organisation and month, nothing of the youth or the
professional. "Jeugdigen met een signaal" counts the youths still in the
index, and is left out of the comparison (docs/README-reports.md).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import BSN_ANNA, BSN_BRAM, INFORMED, Region, Runner, as_json, db_rows, new_youth, ok

PLACED = "2026-11-23T10:00:00"


def place(vix: Runner, als: str, *youth: str) -> int:
    answer = as_json(vix("signaleer", *youth, *INFORMED, "--json", als=als, now=PLACED))
    return int(answer["signal_id"])


def both_withdrawn(vix: Runner, region: Region, anna_born: str = "03-04-2014") -> None:
    """The school's two signallers signal Anna and Bram, and withdraw both on 1 December
    because the worry is gone."""
    ids = [
        place(vix, region.school, *new_youth(BSN_ANNA, "Anna", born=anna_born)),
        place(vix, region.school_colleague, *new_youth(BSN_BRAM, "Bram")),
    ]
    for signal_id, who in zip(ids, [region.school, region.school_colleague], strict=True):
        reason = ("--reden", "weggenomen")
        ok(vix("intrekken", str(signal_id), *reason, als=who, now="2026-12-01T09:00:00"))


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without what is meant to change: when it was made, its notes (they
    name today), and the youths still in the index."""
    figures = {k: v for k, v in report.items() if k not in ("made_at", "notes")}
    figures["signals"] = {k: v for k, v in report["signals"].items() if k != "youths"}
    return figures


# Each case places two signals of the school (Anna and Bram, two signallers) and
# ends them; it returns the report's period, a moment before Anna's archive entry
# goes, what makes it go, a moment after, the ends the report counts, and the
# counters `archive_deletions` then holds.


def archive_term_resolved(vix: Runner, region: Region) -> Any:
    both_withdrawn(vix, region)
    return (
        ["--van", "01-11-2026", "--tot", "31-12-2026"],
        "2027-01-05T09:00:00",
        lambda: ok(vix("onderhoud", als=region.coordinator, now="2031-12-01T03:00:00")),
        "2031-12-02T09:00:00",
        {"withdrawn_resolved": 2, "expired": 0},
        [("ZON", "2026-11", "2026-12", "resolved", 2)],
    )


def archive_term_expired(vix: Runner, region: Region) -> Any:
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    place(vix, region.school_colleague, *new_youth(BSN_BRAM, "Bram"))
    ok(vix("onderhoud", als=region.coordinator, now="2028-11-23T03:00:00"))
    return (
        ["--van", "01-11-2026", "--tot", "30-11-2028"],
        "2028-12-01T09:00:00",
        lambda: ok(vix("onderhoud", als=region.coordinator, now="2033-11-23T03:00:00")),
        "2033-11-24T09:00:00",
        {"withdrawn_resolved": 0, "expired": 2},
        [("ZON", "2026-11", "2028-11", "expired", 2)],
    )


def birthday(vix: Runner, region: Region) -> Any:
    """Anna turns 23 on 09-12-2026 and her archive entry goes; Bram's stays, and the
    report adds the live count and the counter in one month."""
    both_withdrawn(vix, region, anna_born="09-12-2003")
    return (
        ["--van", "01-11-2026", "--tot", "31-12-2026"],
        "2026-12-08T09:00:00",
        lambda: ok(vix("onderhoud", als=region.coordinator, now="2026-12-09T03:00:00")),
        "2026-12-09T09:00:00",
        {"withdrawn_resolved": 2, "expired": 0},
        [("ZON", "2026-11", "2026-12", "resolved", 1)],
    )


def erasure(vix: Runner, region: Region) -> Any:
    """An upheld objection deletes Anna's archived signal; it was withdrawn, not ended
    by the objection, and counts as withdrawn (not also as erased)."""
    both_withdrawn(vix, region)
    wis = ("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar")
    return (
        ["--van", "01-11-2026", "--tot", "31-12-2026"],
        "2026-12-01T10:00:00",
        lambda: ok(vix(*wis, als=region.coordinator, now="2026-12-02T09:00:00")),
        "2026-12-02T10:00:00",
        {"withdrawn_resolved": 2, "expired": 0},
        [("ZON", "2026-11", "2026-12", "resolved", 1)],
    )


@pytest.mark.parametrize("case", [archive_term_resolved, archive_term_expired, birthday, erasure])
def test_a_report_stays_the_same_when_archive_entries_go(
    vix: Runner, region: Region, vix_env: Path, case: Any
) -> None:
    period, before, purge, after, ended, counters = case(vix, region)

    def reports(now: str) -> list[dict[str, Any]]:
        return [
            as_json(vix("rapport", "jaarverslag", *scope, *period, "--json", als=who, now=now))
            for who, scope in (
                (region.manager, []),  # the school's own: exact counts
                (region.coordinator, ["--regio"]),
                (region.coordinator, ["--organisatie", "ZON", "--organisatie", "JGZ"]),
            )
        ]

    first = reports(before)
    own = first[0]["signals"]
    assert own["placed"] == 2
    assert {k: own[k] for k in ended} == ended
    assert [(o["code"], o["placed"]) for o in first[0]["per_organisation"]] == [("ZON", 2)]
    purge()
    assert db_rows(vix_env, "SELECT count(*) FROM signals WHERE youth_id = 1")[0][0] == 0
    assert [comparable(r) for r in reports(after)] == [comparable(r) for r in first]
    rows = db_rows(
        vix_env,
        "SELECT o.code, d.placed_month, d.ended_month, d.end_reason, d.count"
        " FROM archive_deletions d JOIN organisations o ON o.id = d.organisation_id",
    )
    assert [tuple(r) for r in rows] == counters


def test_the_counter_holds_nothing_of_youth_or_professional(vix_env: Path, region: Region) -> None:
    conn = sqlite3.connect(vix_env)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(archive_deletions)")]
    assert columns == ["organisation_id", "placed_month", "ended_month", "end_reason", "count"]


def test_an_end_the_report_does_not_count_is_still_placed(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The counter keeps any end reason; the report counts an archived signal as placed,
    and as withdrawn or expired only for those two ends (as for a live one)."""
    conn = sqlite3.connect(vix_env)
    with conn:
        conn.execute(
            "INSERT INTO archive_deletions VALUES ((SELECT id FROM organisations"
            " WHERE code = 'ZON'), '2026-10', '2026-11', 'transferred', 3)"
        )
    period = ["--van", "01-10-2026", "--tot", "30-11-2026"]
    r = as_json(vix("rapport", "jaarverslag", *period, "--json", als=region.manager))
    s = r["signals"]
    assert (s["placed"], s["withdrawn_resolved"], s["expired"]) == (3, 0, 0)
    assert [(m["month"], m["signals"]) for m in r["per_month"]] == [("2026-10", 3), ("2026-11", 0)]
    [zon] = r["per_organisation"]
    assert (zon["placed"], zon["withdrawn"], zon["expired"]) == (3, 0, 0)


@pytest.mark.parametrize("how", ["verwijderverzoek", "archive term"])
def test_an_organisation_s_matches_go_with_its_signals_its_signal_counts_stay(
    vix: Runner, region: Region, vix_env: Path, how: str
) -> None:
    """What docs/README-reports.md says and the README now says too: a deleted signal
    leaves its counts (placed, withdrawn), so those figures of a past period stay; that
    its organisation was in a match vix knows only through the signal, so that goes
    with it (rule 15), in the organisation's own report and in "matches" per
    organisation and per domain of the region's. The match itself was real and stays
    in the region's figures. Both ways a signal of a match goes: an erasure request, and
    the end of the archive term of signals withdrawn because the worry was gone."""
    school = place(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    jgz = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    if how == "archive term":
        ok(vix("intrekken", str(school), "--reden", "weggenomen", als=region.school))
        ok(vix("intrekken", str(jgz), "--reden", "weggenomen", als=region.jgz))
    period = ["--van", "01-11-2026", "--tot", "30-11-2026", "--json"]

    def figures(now: str) -> dict[str, Any]:
        own = as_json(vix("rapport", "jaarverslag", *period, als=region.manager, now=now))
        whole = as_json(
            vix("rapport", "jaarverslag", "--regio", *period, als=region.admin, now=now)
        )
        return {
            "school's own: placed, withdrawn": (
                own["signals"]["placed"],
                own["signals"]["withdrawn_resolved"],
            ),
            "school's own: matches": own["matches"]["arisen"],
            "region: matches": whole["matches"]["arisen"],
            "region: per organisation": {
                o["code"]: (o["placed"], o["matches"]) for o in whole["per_organisation"]
            },
            "region: per domain": {d["domain"]: d["matches"] for d in whole["per_domain"]},
        }

    withdrawn = 1 if how == "archive term" else 0
    assert figures("2026-12-01T09:00:00") == {
        "school's own: placed, withdrawn": (1, withdrawn),
        "school's own: matches": 1,
        "region: matches": "<5",
        "region: per organisation": {"ZON": ("<5", "<5"), "JGZ": ("<5", "<5")},
        "region: per domain": {"onderwijs": "<5", "jeugdgezondheidszorg": "<5"},
    }
    if how == "archive term":
        ok(vix("onderhoud", als=region.coordinator, now="2031-11-24T03:00:00"))
        after = "2031-11-24T09:00:00"
    else:
        wis = ("jeugdige", "wis", BSN_ANNA, "--reden", how)
        ok(vix(*wis, als=region.coordinator, now="2026-12-02T09:00:00"))
        after = "2026-12-02T10:00:00"
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    assert figures(after) == {
        "school's own: placed, withdrawn": (1, withdrawn),
        "school's own: matches": 0,
        "region: matches": "<5",
        "region: per organisation": {"ZON": ("<5", 0), "JGZ": ("<5", 0)},
        "region: per domain": {"onderwijs": 0, "jeugdgezondheidszorg": 0},
    }
