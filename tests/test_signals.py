"""`vix signaleer`, `vix intrekken`, `vix signalen`: rules 2-5, 10 and 15 through the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    INFORMED,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)
from import_helpers import onderwijsnummer

TABLES = (
    "signals",
    "youths",
    "youth_parents",
    "matches",
    "match_members",
    "outbox",
    "audit_log",
    "history_notices",
    "signal_deletions",
    "archive_deletions",
)


def counts(db: Path) -> dict[str, int]:
    return {t: db_rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def test_signal_on_new_youth_is_stored_without_content(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    answer = signal(
        vix,
        region.school,
        *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,), postcode="2011 AB", number="12"),
    )
    assert answer["youth_name"] == "Anna Vries"
    assert answer["planned_removal"] == "2028-11-23"
    assert answer["matches"] == []
    [row] = db_rows(vix_env, "SELECT * FROM signals")
    assert row["parents_informed_on"] == "2026-11-20"
    assert row["parents_not_informed_reason"] is None
    assert row["status"] == "active"
    [youth] = db_rows(vix_env, "SELECT * FROM youths")
    assert (youth["bsn"], youth["address_key"], youth["birth_date"]) == (
        BSN_ANNA,
        "2011AB-12",
        "2014-04-03",
    )
    [parent] = db_rows(vix_env, "SELECT parent_key FROM youth_parents")
    assert isinstance(parent["parent_key"], int)  # 64 bits of the HMAC, never the BSN
    assert P_MOTHER not in str(parent["parent_key"])


def test_planned_removal_is_the_23rd_birthday_when_earlier(vix: Runner, region: Region) -> None:
    answer = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", born="01-01-2004"))
    assert answer["planned_removal"] == "2027-01-01"


def test_parents_not_informed_needs_an_argument(vix: Runner, region: Region, vix_env: Path) -> None:
    ok(
        vix(
            "signaleer",
            *new_youth(BSN_ANNA, "Anna"),
            "--ouders-niet-geinformeerd",
            "Veiligheid van de jeugdige staat op het spel sinds 01-11-2026 (2025-2026, "
            "bel 06-12345678 of +31 6 22597620)",
            als=region.school,
        )
    )
    [row] = db_rows(vix_env, "SELECT parents_informed_on, parents_not_informed_reason FROM signals")
    assert row[0] is None and row[1].startswith("Veiligheid")
    # a date, a school year, phone numbers (whose groups may pass the 11-test): no BSN
    assert row[1].endswith("bel 06-12345678 of +31 6 22597620)")


def test_bare_parents_informed_means_today(vix: Runner, region: Region, vix_env: Path) -> None:
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), "--ouders-geinformeerd", als=region.school))
    assert db_rows(vix_env, "SELECT parents_informed_on FROM signals")[0][0] == "2026-11-23"


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["111222334", *INFORMED], 1, "elfproef"),
        (["12345", *INFORMED], 1, "9 cijfers"),
        (new_youth(BSN_ANNA, "Anna", born="23-11-2003") + INFORMED, 1, "23 jaar of ouder"),
        (new_youth(BSN_ANNA, "Anna", born="24-11-2026") + INFORMED, 1, "toekomst"),
        (new_youth(BSN_ANNA, "Anna", born="31-02-2014") + INFORMED, 1, "geen geldige"),
        (new_youth(BSN_ANNA, "Anna"), 1, "Geef aan of de ouders"),
        (
            new_youth(BSN_ANNA, "Anna") + INFORMED + ["--ouders-niet-geinformeerd", "lang genoeg!"],
            1,
            "precies één",
        ),
        ([*new_youth(BSN_ANNA, "Anna"), "--ouders-niet-geinformeerd", "kort"], 1, "Beargumenteer"),
        (new_youth(BSN_ANNA, "Anna", town="NERGENS") + INFORMED, 1, "Gemeente 'NERGENS'"),
        (new_youth(BSN_ANNA, "Anna", parents=("111111111",)) + INFORMED, 1, "van een ouder"),
        ([BSN_ANNA, *INFORMED], 1, "Met alleen het nummer"),
        (new_youth(BSN_ANNA, " ") + INFORMED, 1, "De voornaam mag niet leeg zijn"),
        (new_youth(BSN_ANNA, "\u200b") + INFORMED, 1, "onzichtbaar stuurteken"),
        (new_youth(BSN_ANNA, "Anna", surname="-") + INFORMED, 1, "achternaam bevat geen letter"),
        (new_youth(BSN_ANNA, "Anna\u2028Maria") + INFORMED, 1, "onzichtbaar stuurteken"),
        (["--voornaam", "Anna", *INFORMED], 2, "BSN"),
        ([BSN_ANNA, "--voornaam", "Anna", *INFORMED], 2, "--achternaam"),
        (["--leerling", "L123", *INFORMED], 1, "Leerlingnummer L123"),
        # and the way on for a youth without any number
        (["--leerling", "Anna", *INFORMED], 1, "geef dan --zonder-bsn met voornaam"),
        (new_youth(BSN_ANNA, "111111111") + INFORMED, 1, "De voornaam bevat een nummer"),
        (new_youth(BSN_ANNA, "Anna", "V" * 101) + INFORMED, 1, "langer dan 100 tekens"),
        # a BSN in the house number: stored in clear as an address, with or without postcode
        ([*new_youth(BSN_ANNA, "Anna"), "--huisnummer", "111111111", *INFORMED], 1, "hooguit 5"),
        (
            new_youth(BSN_ANNA, "Anna", postcode="2011 AB", number="1 111111111") + INFORMED,
            1,
            "hooguit 5",
        ),
        (
            [*new_youth(BSN_ANNA, "Anna"), "--ouders-niet-geinformeerd", "Omdat " * 100],
            1,
            "De reden is langer dan 500 tekens",
        ),
        # the one free text is shown in clear in the evaluation list: no BSN in it
        (
            [*new_youth(BSN_ANNA, "Anna"), "--ouders-niet-geinformeerd", "Vader 123456782 thuis"],
            1,
            "De reden bevat een BSN (negen cijfers die de elfproef halen)",
        ),
        (
            [
                *new_youth(BSN_ANNA, "Anna"),
                "--ouders-niet-geinformeerd",
                "Vader 123\u00a0456\u00a0782 thuis",
            ],
            1,
            "De reden bevat een BSN (negen cijfers die de elfproef halen)",
        ),
        *(
            (
                [*new_youth(BSN_ANNA, "Anna"), "--ouders-niet-geinformeerd", f"Vader {bsn} weg"],
                1,
                "De reden bevat een BSN (negen cijfers die de elfproef halen)",
            )
            for bsn in (
                "123/456/782",
                "123\u2013456\u2013782",
                "1234.56.782",
                "123 456 782 12 jaar",
            )
        ),
    ],
)
def test_bad_signals_write_nothing(
    vix: Runner, region: Region, vix_env: Path, args: list[str], status: int, message: str
) -> None:
    before = counts(vix_env)
    result = vix("signaleer", *args, als=region.school)
    assert result.exit_code == status, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    for number in (
        "111222334",
        BSN_ANNA,
        "111111111",
        "123456782",
        "456\u00a0782",
        "456/782",
        "456\u2013782",
        "56.782",
    ):
        assert number not in result.output, "a BSN must never appear in an error"
    assert counts(vix_env) == before


def test_only_signallers_signal(vix: Runner, region: Region) -> None:
    for who in (region.manager, region.coordinator, region.admin, region.regie):
        result = vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=who)
        assert result.exit_code == 1
        assert "meldingsbevoegde" in result.stderr
    # the role is checked before the data: no question about them for who may not signal
    incomplete = vix("signaleer", BSN_ANNA, "--voornaam", "Anna", *INFORMED, als=region.manager)
    assert incomplete.exit_code == 1 and "meldingsbevoegde" in incomplete.stderr


def test_one_active_signal_per_professional(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    again = vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.school)
    assert again.exit_code == 1 and "al een actief signaal" in again.stderr
    # a colleague at the same school may signal, but that makes no match (rule 6)
    colleague = signal(vix, region.school_colleague, *new_youth(BSN_ANNA, "Anna"))
    assert colleague["matches"] == []
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0


def test_signals_lists_only_own(vix: Runner, region: Region) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", surname="Smit"))
    mine = as_json(vix("signalen", "--json", als=region.school))
    assert [s["youth_name"] for s in mine] == ["Anna Vries"]
    assert mine[0]["in_match"] is False
    org = as_json(vix("signalen", "--organisatie", "--json", als=region.manager))
    assert [s["youth_name"] for s in org] == ["Anna Vries"]
    refused = vix("signalen", "--organisatie", als=region.school)
    assert refused.exit_code == 1


def test_withdraw_resolved_goes_to_archive(vix: Runner, region: Region, vix_env: Path) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.school))
    [row] = db_rows(vix_env, "SELECT status, end_reason, archive_until FROM signals")
    assert tuple(row) == ("ended", "resolved", "2031-11-23")
    assert as_json(vix("signalen", "--json", als=region.school)) == []


def test_withdraw_unjustified_erases(vix: Runner, region: Region, vix_env: Path) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "onterecht", als=region.school))
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0, "nothing left of the youth"
    assert db_rows(vix_env, "SELECT count(*) FROM youth_parents")[0][0] == 0
    [deleted] = db_rows(vix_env, "SELECT reason, count FROM signal_deletions")
    assert tuple(deleted) == ("unjustified", 1)


def test_withdraw_someone_elses_signal_is_refused(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    sid = str(placed["signal_id"])
    other = vix("intrekken", sid, "--reden", "weggenomen", als=region.jgz)
    unknown = vix("intrekken", "999", "--reden", "weggenomen", als=region.jgz)
    assert other.exit_code == unknown.exit_code == 1
    assert other.stderr.replace(sid, "N") == unknown.stderr.replace("999", "N")
    bad = vix("intrekken", sid, "--reden", "zomaar", als=region.school)
    assert bad.exit_code == 1 and "weggenomen" in bad.stderr
    assert db_rows(vix_env, "SELECT status FROM signals")[0][0] == "active"
    # the organisation manager substitutes for an absent signaller (rule 14)
    ok(vix("intrekken", sid, "--reden", "weggenomen", als=region.manager))


def test_history_match_is_told_once(vix: Runner, region: Region, vix_env: Path) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.school))
    first = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    assert [e["professional"] for e in first["earlier"]] == ["Ineke Bos"]
    assert first["earlier"][0]["email"] == region.school
    [notice] = db_rows(
        vix_env, "SELECT body, recipient_email FROM outbox WHERE kind = 'history_match'"
    )
    assert notice["recipient_email"] == region.jgz and "Ineke Bos" in notice["body"]
    ok(vix("intrekken", str(first["signal_id"]), "--reden", "weggenomen", als=region.jgz))
    second = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    assert second["earlier"] == [], "told once"


def test_unjustified_signals_leave_no_history(vix: Runner, region: Region) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "onterecht", als=region.school))
    later = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    assert later["earlier"] == []


def test_signal_by_pupil_number(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    # stands in for `vix import leerlingen`: the school knows Anna as pupil 4711
    import sqlite3

    conn = sqlite3.connect(vix_env)
    conn.execute(
        "INSERT INTO pupils (organisation_id, youth_id, pupil_number, imported_at)"
        " SELECT o.id, y.id, '4711', '2026-11-01' FROM organisations o, youths y"
        " WHERE o.code = 'ZON'"
    )
    conn.commit()
    conn.close()
    answer = as_json(vix("signaleer", "--leerling", "4711", *INFORMED, "--json", als=region.school))
    assert answer["youth_name"] == "Anna Vries"
    assert [m["kind"] for m in answer["matches"]] == ["youth"]


def test_expiry_after_two_years(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    quiet = ok(vix("onderhoud", als=region.coordinator, now="2028-11-22T06:00:00"))
    assert quiet.stdout == ""
    ran = ok(vix("onderhoud", als=region.coordinator, now="2028-11-23T06:00:00"))
    assert "2 gearchiveerd" in ran.stdout
    assert db_rows(vix_env, "SELECT DISTINCT end_reason FROM signals")[0][0] == "expired"
    assert db_rows(vix_env, "SELECT ended_at IS NOT NULL FROM matches")[0][0] == 1
    purged = ok(vix("onderhoud", als=region.coordinator, now="2033-11-23T06:00:00"))
    assert "2 archiefregels gewist" in purged.stdout
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0


def test_maintenance_counts_one_archive_entry_in_the_singular(vix: Runner, region: Region) -> None:
    placed = as_json(
        vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=region.school)
    )
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.school))
    ran = ok(vix("onderhoud", als=region.coordinator, now="2031-11-24T06:00:00"))
    assert "1 archiefregel gewist" in ran.stdout


def test_a_signal_past_its_removal_date_makes_no_match_before_maintenance_ran(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Rule 15: two years is the limit whether or not the nightly `vix onderhoud` ran."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))  # removal 23-11-2028
    late = as_json(
        vix(
            "signaleer",
            *new_youth(BSN_ANNA, "Anna"),
            *INFORMED,
            "--json",
            als=region.jgz,
            now="2028-11-23T09:00:00",
        )
    )
    assert late["matches"] == []
    rows = db_rows(vix_env, "SELECT status, end_reason FROM signals ORDER BY id")
    assert [tuple(r) for r in rows] == [("ended", "expired"), ("active", None)]
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0


def test_expiry_at_23_deletes(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", born="01-01-2004"))
    ran = ok(vix("onderhoud", als=region.admin, now="2027-01-01T06:00:00"))
    assert "1 gewist (23 jaar)" in ran.stdout
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    assert db_rows(vix_env, "SELECT reason FROM signal_deletions")[0][0] == "age_23"
    refused = vix("onderhoud", als=region.school)
    assert refused.exit_code == 1


def test_a_leap_day_birth_turns_23_on_1_march(vix: Runner, region: Region, vix_env: Path) -> None:
    """Rule 2 accepts a youth born 29-02-2004 on 28-02-2027: the signal must not end that day."""
    youth = new_youth(BSN_ANNA, "Anna", born="29-02-2004")
    placed = as_json(
        vix("signaleer", *youth, *INFORMED, "--json", als=region.school, now="2027-02-28T09:00:00")
    )
    assert placed["planned_removal"] == "2027-03-01"
    quiet = ok(vix("onderhoud", als=region.admin, now="2027-02-28T23:00:00"))
    assert quiet.stdout == ""
    refused = vix("signaleer", *youth, *INFORMED, als=region.jgz, now="2027-03-01T09:00:00")
    assert refused.exit_code == 1 and "23 jaar of ouder" in refused.stderr
    ran = ok(vix("onderhoud", als=region.admin, now="2027-03-01T06:00:00"))
    assert "1 gewist (23 jaar)" in ran.stdout


def test_upheld_objection_erases_everything(vix: Runner, region: Region, vix_env: Path) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.school))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.care, *new_youth(BSN_ANNA, "Anna"))
    refused = vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.school)
    assert refused.exit_code == 1
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator))
    assert counts(vix_env)["signals"] == 0
    assert counts(vix_env)["youths"] == 0
    # JGZ and youth care made the match; without their signals it never existed (rule 15)
    assert counts(vix_env)["matches"] == 0
    [(reason,)] = db_rows(
        vix_env,
        "SELECT json_extract(detail, '$.reden') FROM audit_log"
        " WHERE action = 'delete' AND entity = 'match'",
    )
    assert reason == "objection"
    deleted = db_rows(vix_env, "SELECT reason, sum(count) FROM signal_deletions GROUP BY reason")
    assert [tuple(r) for r in deleted] == [("objection", 2)]
    # the archived one was withdrawn, not ended by the objection: counted as such
    archived = db_rows(vix_env, "SELECT end_reason, count FROM archive_deletions")
    assert [tuple(r) for r in archived] == [("resolved", 1)]
    gone = vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator)
    assert gone.exit_code == 1 and "niets opgeslagen" in gone.stderr


def test_erasure_takes_the_notices_that_name_the_youth(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(
        vix, region.jgz, *new_youth(BSN_ANNA, "Anna")
    )  # a match: two notices naming Anna, one already sent
    signal(vix, region.school, *new_youth(BSN_BRAM, "Bram"))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"))  # Bram's notices must stay
    with sqlite3.connect(vix_env) as conn:
        # the one to JGZ: a member who never heard of the match is not told it ended
        conn.execute("UPDATE outbox SET status = 'sent' WHERE id = 2")
    names = "SELECT kind, status FROM outbox WHERE body LIKE ? ORDER BY id"
    assert len(db_rows(vix_env, names, ("%Anna Vries%",))) == 2
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator))
    # nothing names Anna: both signals went in one command, so nobody is told that the
    # match ended (each one's own signal ended with it), and the sent notice went too
    assert db_rows(vix_env, names, ("%Anna Vries%",)) == []
    assert len(db_rows(vix_env, names, ("%Bram Vries%",))) == 2


def test_youth_without_bsn_is_signalled_by_onderwijsnummer_and_matched(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    onr = onderwijsnummer(4711)
    first = signal(vix, region.school, *new_youth(onr, "Eva", surname="Kok"))
    assert first["matches"] == []
    assert db_rows(vix_env, "SELECT bsn, id_kind FROM youths")[0][:] == (onr, "onderwijsnummer")
    # another organisation knows her by the same number (and her data): a match
    second = signal(vix, region.jgz, *new_youth(onr[:3] + " " + onr[3:], "Eva", surname="Kok"))
    assert [m["kind"] for m in second["matches"]] == ["youth"]
    assert second["youth_name"] == "Eva Kok"


def test_substitute_number_names_a_known_youth_and_must_fit_the_data(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    data = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    data += ["--geslacht", "M", "--gemeente", "HAARLEM"]
    signal(vix, region.school, "--zonder-bsn", *data)
    ((number,),) = db_rows(vix_env, "SELECT bsn FROM youths WHERE id_kind = 'substitute'")
    before = counts(vix_env)
    # the same number with data of another child is refused, whatever else is typed
    wrong = vix("signaleer", number, *data[:-3], "V", *data[-2:], *INFORMED, als=region.jgz)
    assert wrong.exit_code == 1
    assert "vervangend nummer hoort niet bij deze achternaam" in wrong.stderr
    assert counts(vix_env) == before
    # a number and --zonder-bsn contradict each other: misuse of the command line
    both = vix("signaleer", number, "--zonder-bsn", *data, *INFORMED, als=region.jgz)
    assert both.exit_code == 2 and "niet beide" in both.stderr
    assert counts(vix_env) == before
    # the number (in any case) with the data it was derived from: the same youth, a match
    answer = signal(vix, region.jgz, number.lower(), *data)
    assert [m["kind"] for m in answer["matches"]] == ["youth"]
    third = signal(vix, region.care, number, *data)
    assert third["youth_name"] == "Sam Öztürk"
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 1


@pytest.mark.parametrize(
    ("reason", "members", "said"),
    [
        ("weggenomen", 2, "Match 1: beëindigd."),
        ("onterecht", 2, "Match 1: vervallen; zonder dit signaal was die nooit ontstaan."),
        ("weggenomen", 3, "Match 1: loopt door zonder u."),
    ],
)
def test_the_signaller_hears_what_became_of_the_match_he_withdrew_from(
    vix: Runner, region: Region, reason: str, members: int, said: str
) -> None:
    """A withdrawal said only "Signaal 1 ingetrokken": whether the match ended, went
    on, or never arose was left to guess. The signaller, who knew the members, hears
    it."""
    who = (region.school, region.jgz, region.care)[:members]
    ids = [signal(vix, w, *new_youth(BSN_ANNA, "Anna"))["signal_id"] for w in who]
    done = ok(vix("intrekken", str(ids[0]), "--reden", reason, als=region.school))
    outcome = "gearchiveerd" if reason == "weggenomen" else "verwijderd"
    assert done.stderr.splitlines() == [f"Signaal {ids[0]} ingetrokken ({outcome}).", said]


def test_the_manager_who_withdraws_for_a_colleague_is_not_told_of_the_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The organisation manager was not in the match (rule 14): nothing about it."""
    ids = [
        signal(vix, w, *new_youth(BSN_ANNA, "Anna"))["signal_id"]
        for w in (region.school, region.jgz)
    ]
    done = ok(vix("intrekken", str(ids[0]), "--reden", "weggenomen", als=region.manager))
    assert done.stderr.splitlines() == [f"Signaal {ids[0]} ingetrokken (gearchiveerd)."]
    assert db_rows(vix_env, "SELECT ended_at IS NOT NULL FROM matches")[0][0] == 1


def test_withdrawing_one_child_of_a_family_match_says_the_match_goes_on_with_you(
    vix: Runner, region: Region
) -> None:
    """Youth care signals Anna and her brother Bram (one home), the school Anna: a
    family match with youth care in it twice. Withdrawing Anna's signal leaves youth
    care in it through Bram's (a reviewer found 'loopt door zonder u'); withdrawing
    Bram's then ends it, though school and youth care are two organisations still: the
    line says 'beëindigd', not why."""
    home = {"postcode": "2011AB", "number": "12"}
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", **home))
    anna = signal(vix, region.care, *new_youth(BSN_ANNA, "Anna", **home))["signal_id"]
    bram = signal(vix, region.care, *new_youth(BSN_BRAM, "Bram", born="05-06-2016", **home))
    family = [m["id"] for m in bram["matches"] if m["kind"] == "family"]
    assert len(family) == 1
    first = ok(vix("intrekken", str(anna), "--reden", "weggenomen", als=region.care))
    assert (
        f"Match {family[0]}: loopt door zonder dit signaal; u zit er nog in via een ander "
        "signaal." in first.stderr.splitlines()
    )
    last = ok(vix("intrekken", str(bram["signal_id"]), "--reden", "weggenomen", als=region.care))
    assert last.stderr.splitlines()[1:] == [f"Match {family[0]}: beëindigd."]


@pytest.mark.parametrize("agreed", [True, False])
def test_a_newcomer_s_screen_says_what_is_next_in_the_match_as_it_is(
    vix: Runner, region: Region, agreed: bool
) -> None:
    """Youth care joins the school's and JGZ's match of 23-11 on 08-12. The screen said
    "Neem binnen 5 werkdagen contact op ... en spreek af wie wat doet" whatever the
    match had: also when the agreement was recorded long ago, or was eleven working
    days overdue, which `vix stagnatie` already listed. It says what the match's notice
    says."""
    for who in (region.school, region.jgz):
        found = as_json(
            vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=who)
        )
    match_id = found["matches"][0]["id"]
    if agreed:
        ok(
            vix(
                "afstemming",
                str(match_id),
                "--datum",
                "24-11-2026",
                als=region.jgz,
                now="2026-11-24T10:00",
            )
        )
    joined = ok(
        vix(
            "signaleer",
            *new_youth(BSN_ANNA, "Anna"),
            *INFORMED,
            als=region.care,
            now="2026-12-08T10:00",
        )
    ).stdout
    said = " ".join(joined.split())
    assert "Neem binnen 5 werkdagen" not in said
    if agreed:
        assert (
            f"Match {match_id}: de afstemming is al vastgelegd (24-11-2026); neem contact op "
            "met de andere betrokkenen over de afspraken en wat ieder daarin doet." in said
        )
    else:
        assert (
            f"Match {match_id}: de afstemming is over tijd (11 werkdagen sinds het ontstaan "
            "van de match, termijn 5); neem nu contact op met de andere betrokkenen en spreek "
            "af wie wat doet." in said
        )


def test_a_municipality_is_found_by_its_name_as_well_as_its_code(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """At the prompt a supervisor types the town ('Velsen'), not the code the
    administrator chose (GM0453); the import reads a woonplaats the same way."""
    ok(vix("gemeente", "toevoegen", "GM0453", "Velsen", als=ADMIN))
    for typed, bsn in (("velsen", BSN_ANNA), ("gm 0453", BSN_BRAM)):
        signal(vix, region.school, *new_youth(bsn, "Anna", town=typed))
    towns = db_rows(
        vix_env, "SELECT m.code FROM youths y JOIN municipalities m ON m.id = y.municipality_id"
    )
    assert [r[0] for r in towns] == ["GM0453", "GM0453"]
    # a code that is another's name is that code's (exact codes come first)
    ok(vix("gemeente", "toevoegen", "VELSEN", "Velsen-Noord", als=ADMIN))
    assert ok(vix("gemeente", "lijst", als=ADMIN)).exit_code == 0
    moved = vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "VELSEN", als=region.school)
    assert moved.exit_code == 0, moved.output
    [(code,)] = db_rows(
        vix_env,
        "SELECT m.code FROM youths y JOIN municipalities m ON m.id = y.municipality_id"
        " WHERE y.bsn = ?",
        (BSN_ANNA,),
    )
    assert code == "VELSEN"
    # a town the region does not know says how to find the right one
    unknown = vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "Overveen", als=region.school)
    assert unknown.exit_code == 1
    assert "Gemeente 'Overveen' bestaat niet. Geef de code of de naam" in unknown.stderr


def test_a_reason_or_today_in_capitals_is_understood(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """'--reden Weggenomen' and '--datum Vandaag' as typed: the words are the same."""
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    jgz = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    match_id = str(jgz["matches"][0]["id"])
    ok(vix("contact", match_id, "--datum", "Vandaag", als=region.jgz))
    assert db_rows(vix_env, "SELECT on_date FROM match_milestones")[0][0] == "2026-11-23"
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", " Weggenomen", als=region.school))
    assert db_rows(vix_env, "SELECT status FROM signals WHERE id = 1")[0][0] == "ended"


@pytest.mark.parametrize(
    "given", ["\x1b[2J", "Anna\nBos", "123456782", "A" * 100_001], ids=["esc", "nl", "bsn", "long"]
)
def test_a_name_is_checked_as_typed_also_for_a_youth_the_index_knows(
    vix: Runner, region: Region, vix_env: Path, given: str
) -> None:
    """A new youth's name with a control character, a line break, a number or 100,000
    characters was refused, but for a youth the index knew it was only compared, and
    the signal placed (review)."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    args = list(new_youth(BSN_ANNA, "Anna"))
    args[args.index("--voornaam") + 1] = given
    refused = vix("signaleer", *args, *INFORMED, als=region.jgz)
    assert refused.exit_code == 1, refused.stdout
    assert "De voornaam" in refused.stderr and "Traceback" not in refused.stderr
    assert "123456782" not in refused.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 1


@pytest.mark.parametrize("number", ["١١١٢٢٢٣٣٣", "۱۱۱۲۲۲۳۳۳"], ids=["arabic", "persian"])
def test_a_bsn_in_another_script_s_digits_is_told_to_use_0_to_9(
    vix: Runner, region: Region, vix_env: Path, number: str
) -> None:
    """Arabic-Indic digits passed isdigit() and then 'klopt niet (elfproef)', though the
    number passes it; the message says which digits to use (review)."""
    args = list(new_youth(BSN_ANNA, "Anna"))
    args[0] = number
    refused = vix("signaleer", *args, *INFORMED, als=region.school)
    assert refused.exit_code == 1
    assert "moet uit 9 cijfers (0-9) bestaan" in refused.stderr, refused.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 0


def test_partial_data_of_a_youth_are_refused_alike_for_a_known_and_an_unknown_number(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """'Voor een nieuwe jeugdige zijn nodig' was said for a youth the index knows too:
    the words now fit both, and the answer is the same, so it tells neither (rule 9)."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    before = counts(vix_env)
    said = {
        (r.exit_code, r.stderr)
        for r in (
            vix("signaleer", number, "--voornaam", "Anna", *INFORMED, als=region.jgz)
            for number in (BSN_ANNA, BSN_BRAM)
        )
    }
    assert said == {
        (
            2,
            "Fout: Een jeugdige die u nog niet kent (geen leerling van uw organisatie en niet "
            "eerder door u gesignaleerd) geeft u op met --voornaam, --achternaam, "
            "--geboortedatum en --gemeente; nu ontbreken --achternaam, --geboortedatum en "
            "--gemeente. Kent u de jeugdige al, geef dan alleen het nummer of --leerling. Er is "
            "niets opgeslagen.\n",
        )
    }
    assert counts(vix_env) == before
