"""What parents and professionals are told about how long the index keeps a signal (rule 15).

A signal is active until its planned removal, then (unless it ends at the
23rd birthday) in the history archive for `archief_jaren` years, never past
the 23rd birthday. The inzage and `vix signaleer` tell those days (the letter:
test_letter.py); the inzage's "uiterlijk verwijderd op" is the end of the archive,
not of the active signal. Clock: 23-11-2026 (conftest.NOW).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import BSN_ANNA, INFORMED, Region, Runner, as_json, db_rows, new_youth, ok, signal
from test_reports_html import parse


def inzage(vix: Runner, region: Region, bsn: str = BSN_ANNA) -> Any:
    return as_json(vix("inzage", "--bsn", bsn, "--json", als=region.coordinator))


def retention_of(z: Any) -> list[tuple[str | None, str | None, str | None, str]]:
    return [
        (s["planned_removal"], s["then_archive_until"], s["archive_until"], s["removed_on"])
        for s in z["signals"]
    ]


def test_the_inzage_tells_the_end_of_the_archive_not_of_the_signal(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    z = inzage(vix, region)
    assert retention_of(z) == [("2028-11-23", "2033-11-23", None, "2033-11-23")]
    assert (z["removed_on"], z["turns_23_on"]) == ("2033-11-23", "2037-04-03")
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator)).stdout
    assert (
        "actief tot uiterlijk 23-11-2028, daarna in het archief tot uiterlijk 23-11-2033, "
        "dan gewist" in text
    )
    assert "Uiterlijk op 23-11-2033 zijn alle signalen over deze jeugdige" in text
    assert "Op de 23e verjaardag\n(03-04-2037) worden alle signalen gewist" in text
    assert "23-11-2028 is alles" not in text
    html = ok(vix("inzage", "--bsn", BSN_ANNA, "--formaat", "html", als=region.coordinator))
    page = parse(html.stdout)
    [until] = [row[1] for row in page.rows["jeugdige"] if row[0] == "Uiterlijk verwijderd op"]
    assert until == "23-11-2033 (alle signalen, ook uit het archief)"
    assert page.rows["signalen"][0][4] == (
        "actief tot uiterlijk 23-11-2028, daarna in het archief tot uiterlijk 23-11-2033, "
        "dan gewist"
    )
    # the nightly run comes a day late: the archive still ends on the day the parents
    # were told, counted from the planned removal
    ok(vix("onderhoud", als=region.coordinator, now="2028-11-24T03:00:00"))
    [row] = db_rows(vix_env, "SELECT status, archive_until FROM signals")
    assert tuple(row) == ("ended", "2033-11-23")
    later = as_json(
        vix(
            "inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now="2028-11-24T09:00:00"
        )
    )
    assert retention_of(later) == [(None, None, "2033-11-23", "2033-11-23")]
    assert later["removed_on"] == "2033-11-23"


def test_the_last_signal_to_leave_the_archive_sets_the_day(vix: Runner, region: Region) -> None:
    first = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", str(first["signal_id"]), "--reden", "weggenomen", als=region.school))
    late = "2027-06-01T09:00:00"
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz, now=late))
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=late))
    assert retention_of(z) == [
        (None, None, "2031-11-23", "2031-11-23"),  # withdrawn: archived from that day
        ("2029-06-01", "2034-06-01", None, "2034-06-01"),
    ]
    assert z["removed_on"] == "2034-06-01"


def test_the_archive_term_is_the_setting(vix: Runner, region: Region) -> None:
    ok(vix("instelling", "zet", "archief_jaren", "2", als=region.admin))
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    assert placed["then_archive_until"] == "2030-11-23"
    z = inzage(vix, region)
    assert retention_of(z) == [("2028-11-23", "2030-11-23", None, "2030-11-23")]
    assert z["removed_on"] == "2030-11-23"


@pytest.mark.parametrize(
    ("born", "expected", "removed_on", "turns_23_on", "told"),
    [
        # 23 before the archive term is over: the archive entry goes at 23
        (
            "03-04-2007",
            ("2028-11-23", "2030-04-03", None, "2030-04-03"),
            "2030-04-03",
            "2030-04-03",
            "actief tot uiterlijk 23-11-2028, daarna in het archief tot uiterlijk 03-04-2030 "
            "(23e verjaardag), dan gewist",
        ),
        # 23 before the two years are over: deleted at once, no archive
        (
            "01-01-2005",
            ("2028-01-01", None, None, "2028-01-01"),
            "2028-01-01",
            "2028-01-01",
            "actief tot uiterlijk 01-01-2028 (23e verjaardag), dan gewist zonder archief",
        ),
        # born on 29 February: 23 on 1 March in a common year (migration 0009)
        (
            "29-02-2008",
            ("2028-11-23", "2031-03-01", None, "2031-03-01"),
            "2031-03-01",
            "2031-03-01",
            "actief tot uiterlijk 23-11-2028, daarna in het archief tot uiterlijk 01-03-2031 "
            "(23e verjaardag), dan gewist",
        ),
    ],
)
def test_the_23rd_birthday_caps_every_day_told(
    vix: Runner,
    region: Region,
    born: str,
    expected: tuple[str, str | None, None, str],
    removed_on: str,
    turns_23_on: str,
    told: str,
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", born=born))
    z = inzage(vix, region)
    assert retention_of(z) == [expected]
    assert (z["removed_on"], z["turns_23_on"]) == (removed_on, turns_23_on)
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator)).stdout
    assert told in text
    html = parse(
        ok(vix("inzage", "--bsn", BSN_ANNA, "--formaat", "html", als=region.coordinator)).stdout
    )
    assert html.rows["signalen"][0][4] == told


def test_signaleer_tells_the_signal_and_the_archive(vix: Runner, region: Region) -> None:
    placed = ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.school))
    assert (
        "Actief tot uiterlijk 23-11-2028, daarna tot uiterlijk 23-11-2033 in het archief."
        in placed.stdout
    )
    old = ok(
        vix(
            "signaleer",
            *new_youth("111222357", "Bram", born="01-01-2005"),
            *INFORMED,
            als=region.school,
        )
    )
    assert "Actief tot uiterlijk 01-01-2028 (23e verjaardag), dan gewist zonder archief." in (
        old.stdout
    )


def test_a_corrected_birth_date_counts_an_expired_archive_from_the_planned_removal(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("onderhoud", als=region.coordinator, now="2028-11-30T03:00:00"))
    dates = "SELECT ended_at, archive_until FROM signals"
    assert tuple(db_rows(vix_env, dates)[0]) == ("2028-11-30T03:00:00", "2033-11-23")
    correct = ("jeugdige", "corrigeer", BSN_ANNA, "--geboortedatum")
    later = "2028-12-01T09:00:00"
    ok(vix(*correct, "03-04-2013", als=region.admin, now=later))
    assert tuple(db_rows(vix_env, dates)[0]) == ("2028-11-30T03:00:00", "2033-11-23")
    ok(vix(*correct, "03-04-2008", als=region.admin, now=later))
    assert tuple(db_rows(vix_env, dates)[0]) == ("2028-11-30T03:00:00", "2031-04-03")


def test_a_match_whose_signals_are_all_gone_leaves_the_youth_who_stays(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Rule 15: the signals of Anna's first match leave the archive, but a later signal
    keeps her in the index. The inzage showed that match still, with who led it and
    its notices (the old signallers' names and numbers), years after the parents were
    told it was gone; it is now as when she herself is erased: the match row stays for
    the reports, without her (review)."""
    first = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    second = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    match_id = second["matches"][0]["id"]
    ok(vix("afstemming", str(match_id), als=region.jgz))
    for placed, who in ((first, region.school), (second, region.jgz)):
        ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=who))
    assert [m["id"] for m in inzage(vix, region)["matches"]] == [match_id]
    late = "2031-06-01T09:00:00"
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.care, now=late))
    after = "2031-11-24T03:00:00"  # the archive of the first two ended on 23-11-2031
    ok(vix("onderhoud", als=region.coordinator, now=after))
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=after))
    assert z["matches"] == []
    assert [s["signaller"] for s in z["signals"]] == ["Hans Hulp"]
    # the match's notices went with it (the log keeps who did what: rule 18), and so did
    # the one that told Hans, on his own signal, who signalled her before and how to
    # reach them: those entries are gone (it stayed, review of session 20)
    assert z["notices"] == [], z["notices"]
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox WHERE kind = 'history_match'")[0][0] == 0
    told = "SELECT detail FROM audit_log WHERE action = 'delete' AND entity = 'notice'"
    assert {r["detail"] for r in db_rows(vix_env, told)} == {
        '{"reden": "geen signaal meer in de match"}',
        '{"reden": "eerder signaal uit het archief gewist"}',
    }
    # the purge is in her log, as a deletion of one signal is (rule 18)
    purged = [e["action"] for e in z["log"] if e["action"] == "uit het archief gewist: signaal"]
    assert len(purged) == 2, [e["action"] for e in z["log"]]
    [row] = db_rows(vix_env, "SELECT youth_id, created_at FROM matches WHERE id = ?", (match_id,))
    assert row["youth_id"] is None and row["created_at"]  # counted in the reports still


def test_an_erased_signal_leaves_no_match_on_a_pupil_the_school_keeps(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """An erasure request: Anna's signals go, her school keeps her registration. Her
    inzage still showed the match and who led it."""
    from import_helpers import pupil, write_list

    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Anna")])
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=region.admin))
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    match_id = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))["matches"][0]["id"]
    ok(vix("afstemming", str(match_id), als=region.jgz))
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "verwijderverzoek", als=region.coordinator))
    z = inzage(vix, region)
    assert z["signals"] == [] and z["matches"] == [] and z["notices"] == []


def test_a_history_notice_goes_whole_when_one_entry_it_named_is_purged(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Rule 10 told JGZ, on its own signal, of two earlier signallers; when the first of
    their archive entries is purged the notice goes (its body named both), and JGZ is
    not told again of the second, whose entry stays."""

    def place(who: str, now: str) -> dict[str, Any]:
        args = ("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json")
        return as_json(vix(*args, als=who, now=now))

    def withdraw(placed: dict[str, Any], who: str, now: str) -> None:
        ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=who, now=now))

    withdraw(place(region.school, "2026-11-23T09:00:00"), region.school, "2026-11-23T10:00:00")
    withdraw(place(region.care, "2029-01-10T09:00:00"), region.care, "2029-01-10T10:00:00")
    told = place(region.jgz, "2030-01-10T09:00:00")  # active until 10-01-2032
    assert [e["professional"] for e in told["earlier"]] == ["Ineke Bos", "Hans Hulp"]
    history = "SELECT recipient_email, body FROM outbox WHERE kind = 'history_match'"
    care, jgz = db_rows(vix_env, f"{history} ORDER BY id")
    assert (care["recipient_email"], jgz["recipient_email"]) == (region.care, region.jgz)
    assert "Ineke Bos" in care["body"]
    assert "Ineke Bos" in jgz["body"] and "Hans Hulp" in jgz["body"]
    # one earlier signaller in the singular, two in the plural
    assert "Eerder was ook een andere professional betrokken" in care["body"]
    assert "Eerder waren ook andere professionals betrokken" in jgz["body"]
    after = "2031-11-24T03:00:00"  # the school's entry ended on 23-11-2031, Hans's not yet
    ok(vix("onderhoud", als=region.coordinator, now=after))
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals WHERE status = 'ended'")[0][0] == 1
    assert db_rows(vix_env, history) == []
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=after))
    assert "eerdere betrokkenheid" not in [n["kind"] for n in z["notices"]]
    assert "gewist: bericht" in [e["action"] for e in z["log"]]
    # told once: a new signal of JGZ hears of nobody (Hans's entry was told already)
    withdraw(told, region.jgz, after)
    assert place(region.jgz, "2031-11-25T09:00:00")["earlier"] == []
