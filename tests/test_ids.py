"""An id, once given out, names one record forever (rules 16-18).

Signals and notices are deleted (an unjustified withdrawal, an erasure), while
the audit log keeps their ids for good and professionals keep signal numbers
in hand ('vix signalen', the evaluation list, a letter). Without AUTOINCREMENT
SQLite gives the next row max(id) + 1, so deleting the highest one handed its
id to the next row of another youth.
"""

from __future__ import annotations

from pathlib import Path

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from conftest import signal as place


def test_the_inzage_shows_no_event_of_an_erased_youths_notice(vix: Runner, region: Region) -> None:
    """Anna's history notice is erased with her; Bram's first notice must not take its id.

    The inzage follows the audit records of the youth's notices by notice id: with
    the id reused, Bram's parents read when Anna's notice was queued, a day before
    Bram was ever signalled.
    """
    first = place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T08:00:00")
    sid = str(first["signal_id"])
    ok(vix("intrekken", sid, "--reden", "weggenomen", als=region.school, now="2026-11-20T08:30:00"))
    # JGZ signals Anna too: told once who signalled her before (a notice that names Anna)
    place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T09:00:00")
    ok(
        vix(
            "jeugdige",
            "wis",
            BSN_ANNA,
            "--reden",
            "verwijderverzoek",
            als=region.coordinator,
            now="2026-11-20T09:30:00",
        )
    )

    place(vix, region.school, *new_youth(BSN_BRAM, "Bram"), now="2026-11-21T09:00:00")
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"), now="2026-11-21T10:00:00")
    z = as_json(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator))

    assert len(z["notices"]) == 2  # the new match, to each of the two
    before_bram = [(e["at"], e["action"]) for e in z["log"] if e["at"] < "2026-11-21T09:00:00"]
    assert before_bram == []
    queued = [e for e in z["log"] if e["action"] == "klaargezet: bericht"]
    assert len(queued) == len(z["notices"])


def test_a_youth_who_takes_an_erased_youths_id_sees_nothing_of_hers(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Youths keep plain rowids (the pupil import writes a million of them): Bram gets
    the id of Anna, erased before him. Nothing of Anna may come with it: her parents,
    move, match and notices went with her or forgot her id; only her notices' ids
    were still followed (through the audit log).
    """
    anna = new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,), postcode="2011 AB")
    school = place(vix, region.school, *anna, now="2026-11-20T08:00:00")
    care = place(vix, region.care, *anna, now="2026-11-20T08:10:00")  # a match, notices
    (anna_id,) = [r[0] for r in db_rows(vix_env, "SELECT id FROM youths")]
    move = ("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT")
    ok(vix(*move, als=region.school, now="2026-11-20T08:20:00"))
    for who, placed, time in ((region.school, school, "08:30"), (region.care, care, "08:40")):
        sid = str(placed["signal_id"])
        ok(vix("intrekken", sid, "--reden", "weggenomen", als=who, now=f"2026-11-20T{time}:00"))
    # the last notice that names Anna: JGZ is told who signalled her before
    place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T09:00:00")
    erase = ("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar")
    ok(vix(*erase, als=region.coordinator, now="2026-11-20T09:30:00"))

    place(vix, region.school, *new_youth(BSN_BRAM, "Bram"), now="2026-11-21T09:00:00")
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"), now="2026-11-21T10:00:00")
    assert [r[0] for r in db_rows(vix_env, "SELECT id FROM youths")] == [anna_id]
    z = as_json(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator))

    assert (z["name"], z["parents"], z["postcode"], z["moves"]) == ("Bram Vries", 0, None, [])
    (match,) = z["matches"]
    assert match["created_at"] == "2026-11-21T10:00:00"
    assert {n["created_at"] for n in z["notices"]} == {"2026-11-21T10:00:00"}
    assert [(e["at"], e["action"]) for e in z["log"] if e["at"] < "2026-11-21T09:00:00"] == []


def test_a_deleted_signals_number_never_names_another_youths_signal(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The organisation manager works through the evaluation list by signal number.

    Anna's signal is withdrawn as unjustified (deleted at once); a colleague then
    signals Bram. The same number, typed again (the list, the shell history), must
    be refused: not end Bram's signal, nor print Bram's name in a letter meant for
    Anna's parents.
    """
    anna = place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T09:00:00")
    number = str(anna["signal_id"])
    ok(vix("brief", number, als=region.manager, now="2026-11-20T09:30:00"))
    withdraw = ("intrekken", number, "--reden", "onterecht")
    ok(vix(*withdraw, als=region.manager, now="2026-11-20T10:00:00"))
    bram = place(
        vix, region.school_colleague, *new_youth(BSN_BRAM, "Bram"), now="2026-11-20T11:00:00"
    )

    letter = vix("brief", number, als=region.manager)
    again = vix(*withdraw, als=region.manager)
    assert "Bram" not in letter.stdout
    assert letter.exit_code == 1 and "bestaat niet" in letter.stderr
    assert again.exit_code == 1 and "bestaat niet" in again.stderr
    assert [tuple(r) for r in db_rows(vix_env, "SELECT id, status FROM signals")] == [
        (bram["signal_id"], "active")
    ]
    # rule 18, "about which record": every signal number in the log is one youth's
    shared = db_rows(
        vix_env,
        "SELECT entity_id FROM audit_log WHERE entity = 'signal'"
        " GROUP BY entity_id HAVING COUNT(DISTINCT subject) > 1",
    )
    assert shared == []


def test_a_deleted_match_s_number_never_names_another_youths_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna's match arose only through youth care's unjustified signal: it goes, as if it
    never existed. Bram's match must not take its number: the inzage follows a youth's
    matches to their audit records by number, and the school keeps it from its notice.
    """
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T09:00:00")
    care = place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T09:10:00")
    gone = care["matches"][0]["id"]
    withdraw = ("intrekken", str(care["signal_id"]), "--reden", "onterecht")
    ok(vix(*withdraw, als=region.care, now="2026-11-20T10:00:00"))
    assert db_rows(vix_env, "SELECT id FROM matches") == []

    place(vix, region.school, *new_youth(BSN_BRAM, "Bram"), now="2026-11-21T09:00:00")
    jgz = place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"), now="2026-11-21T10:00:00")
    assert jgz["matches"][0]["id"] == gone + 1
    z = as_json(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator))
    assert [m["id"] for m in z["matches"]] == [gone + 1]
    assert [(e["at"], e["action"]) for e in z["log"] if e["at"] < "2026-11-21T09:00:00"] == []
    # rule 18, "about which record": every match number in the log is one match's
    shared = db_rows(
        vix_env,
        "SELECT entity_id FROM audit_log WHERE entity = 'match' AND action = 'create'"
        " GROUP BY entity_id HAVING COUNT(*) > 1",
    )
    assert shared == []
