"""Edges of a signal's term and end (rules 4 and 15) that mutation testing found no test
pinning: an ended signal stays ended, a listed pupil stays when the signals go, parents
informed tomorrow, and the mail run after midnight.
"""

from __future__ import annotations

from pathlib import Path

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    INFORMED,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)
from import_helpers import pupil, write_list
from smtp_server import Server

# --- ended signal cannot be ended again
# Rule 15: a signal ends once. One in the history archive cannot be withdrawn again,
# which would move its end and archive term or, as 'onterecht', delete an entry whose
# involvement was real; nor is its parents' letter made any more. Pinned by mutation
# testing (session 25): no test noticed `signals.require_own_signal` accepting a signal
# that had ended.


REFUSED = "bestaat niet, is al beëindigd of is niet van u of uw organisatie"


def test_an_archived_signal_is_not_ended_again(vix: Runner, region: Region, vix_env: Path) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal_id = str(placed["signal_id"])
    ok(vix("intrekken", signal_id, "--reden", "weggenomen", als=region.school))
    archived = "SELECT status, ended_at, end_reason, archive_until FROM signals"
    before = [tuple(r) for r in db_rows(vix_env, archived)]
    assert before == [("ended", "2026-11-23T10:00:00", "resolved", "2031-11-23")]
    later = "2027-01-04T09:00:00"
    for reason in ("weggenomen", "onterecht"):
        for als in (region.school, region.manager):
            again = vix("intrekken", signal_id, "--reden", reason, als=als, now=later)
            assert again.exit_code == 1 and REFUSED in " ".join(again.stderr.split())
    letter = vix("brief", signal_id, als=region.school, now=later)
    assert letter.exit_code == 1 and REFUSED in " ".join(letter.stderr.split())
    assert [tuple(r) for r in db_rows(vix_env, archived)] == before


# --- pupil stays when signals go
# A youth whom a school's pupil list registers stays in the index when his or her last
# signal goes (`signals.forget_youth_if_unused`): the list is the school's own, and the
# school can still signal the pupil by pupil number. Pinned by mutation testing (session
# 25): no test noticed the youth, with the registration, erased once no signal was left.


def listed_and_withdrawn(vix: Runner, region: Region, tmp_path: Path, reason: str) -> None:
    """Anna on the school's pupil list, and JGZ's signal on her withdrawn for `reason`."""
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Anna", pupil_number="0042")])
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=region.admin))
    placed = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", reason, als=region.jgz))


def test_the_pupil_stays_registered_when_the_last_signal_goes(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    listed_and_withdrawn(vix, region, tmp_path, "onterecht")
    erased = ok(
        vix("jeugdige", "wis", BSN_ANNA, "--reden", "verwijderverzoek", als=region.coordinator)
    )
    assert "ZON" in erased.stdout + erased.stderr
    school = as_json(vix("signaleer", "--leerling", "0042", *INFORMED, "--json", als=region.school))
    assert school["youth_name"] == "Anna Vries"


# --- purge keeps a listed pupil
# Rule 15: when the last archive entry on a youth is purged, the youth goes only if
# nothing else holds him or her. A pupil on a school's list stays: the school can still
# signal her by pupil number. The night run purges in sets (`signals._purge_archived`);
# a youth with more than signals (a registration, a notice, a family) goes through
# `forget_youth_if_unused`. Pinned by mutation testing (session 25): no test noticed the
# set purge erasing a listed pupil with her registration.


PURGED = "2031-11-24T03:00:00"  # the archive entry ran until 23-11-2031


def test_the_night_purge_keeps_a_pupil_on_a_schools_list(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    listed_and_withdrawn(vix, region, tmp_path, "weggenomen")
    ran = ok(vix("onderhoud", als=region.coordinator, now=PURGED))
    assert "1 archiefregel gewist" in ran.stdout
    school = as_json(
        vix("signaleer", "--leerling", "0042", *INFORMED, "--json", als=region.school, now=PURGED)
    )
    assert school["youth_name"] == "Anna Vries"


# --- informed tomorrow refused
# Rule 4: the day the parents were informed is today or earlier; tomorrow is already
# the future. Pinned by mutation testing (session 25): the tests tried dates further
# ahead only, and did not notice tomorrow accepted.


def test_parents_informed_tomorrow_is_refused_and_today_taken(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    youth = new_youth(BSN_ANNA, "Anna")
    tomorrow = vix("signaleer", *youth, "--ouders-geinformeerd", "24-11-2026", als=region.school)
    assert tomorrow.exit_code == 1
    assert "(24-11-2026) ligt in de toekomst" in tomorrow.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    today = vix("signaleer", *youth, "--ouders-geinformeerd", "23-11-2026", "--json",
                als=region.school)  # fmt: skip
    assert as_json(today)["youth_name"] == "Anna Vries"


# --- mail run after midnight
# The mail run ends what is past its planned removal before it sends (rule 15,
# `cli_common.session_without_transaction`): the match notices that name a youth who
# turned 23 at midnight do not go out when `vix berichten verstuur` runs before `vix
# onderhoud` came round; they are withdrawn with his signals, as the night would have.


BORN = "10-02-2004"
PLACED = "2027-02-09T10:00:00"
AFTER_MIDNIGHT = "2027-02-10T00:05:00"


def test_the_mail_run_after_midnight_sends_nothing_naming_a_youth_who_turned_23(
    vix: Runner, region: Region, smtp: Server, vix_env: Path
) -> None:
    for who in (region.school, region.jgz):
        youth = new_youth(BSN_BRAM, "Bram", born=BORN)
        as_json(vix("signaleer", *youth, *INFORMED, "--json", als=who, now=PLACED))
    unsent = db_rows(vix_env, "SELECT body FROM outbox WHERE sent_at IS NULL")
    assert any("Bram" in r["body"] for r in unsent)

    ok(vix("berichten", "verstuur", als=region.coordinator, now=AFTER_MIDNIGHT))
    sent = [m.as_string() for m in smtp.mailbox.messages]
    assert not any("Bram" in text or BSN_BRAM[-3:] in text for text in sent)
    assert db_rows(vix_env, "SELECT * FROM signals") == []
    assert db_rows(vix_env, "SELECT * FROM youths") == []
