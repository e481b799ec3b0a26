"""Rule 15 in every command, whether or not tonight's `vix onderhoud` ran.

A signal ends on its planned removal (two years, the 23rd birthday), not when the
night run comes round. Every command ends what is past it first, in its own
transaction, by vix itself (`cli_common.acting`): between midnight and 02:15, or
after a night that did not run, no list, match, report or `--json` output shows a
youth who turned 23 at midnight, a signal past its term, or a match only such
signals kept open. The inzage also leaves out an archive entry or a school
registration past its term (`signals.end_due_of`). Through the real CLI on real files.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ADMIN,
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
    stderr_on_a_terminal,
)
from import_helpers import pupil, write_list

from vix.cli_common import ENDINGS_TOLD

# Bram, born 10-02-2004, turns 23 on 10-02-2027: his signals are deleted that day
BORN = "10-02-2004"
PLACED = "2027-02-01T10:00:00"
EVE = "2027-02-09T23:50:00"
AFTER_MIDNIGHT = "2027-02-10T00:05:00"


def db() -> Path:
    return Path(os.environ["VIX_DB"])


def bram_s_match(vix: Runner, region: Region) -> int:
    """The school and JGZ signal Bram a week before his 23rd birthday: a match."""
    for who in (region.school, region.jgz):
        youth = new_youth(BSN_BRAM, "Bram", born=BORN)
        found = as_json(vix("signaleer", *youth, *INFORMED, "--json", als=who, now=PLACED))
    return int(found["matches"][0]["id"])


def names_in(value: Any) -> str:
    return repr(value)


# each reader as (arguments, who asks); what it printed at midnight named Bram
READERS: dict[str, tuple[tuple[str, ...], str]] = {
    "signalen": (("signalen", "--json"), "school"),
    "signalen --organisatie": (("signalen", "--organisatie", "--json"), "manager"),
    "matches": (("matches", "--json"), "jgz"),
    "stagnatie": (("stagnatie", "--dagen", "1", "--json"), "school"),
    "evaluatielijst": (("rapport", "evaluatielijst", "--json"), "manager"),
    "berichten": (("berichten", "--json"), "coordinator"),
    "inzage": (("inzage", "--bsn", BSN_BRAM, "--json"), "coordinator"),
}


@pytest.mark.parametrize("reader", READERS)
def test_no_reader_shows_a_youth_who_turned_23_at_midnight(
    vix: Runner, region: Region, reader: str
) -> None:
    """The evening before, each reader shows Bram (or his match); five minutes after
    midnight, before `vix onderhoud`, none does, and the night run finds nothing left
    (review: only `vix stagnatie` and the mail run ended them first)."""
    bram_s_match(vix, region)
    args, who = READERS[reader]
    als = getattr(region, who)
    before = as_json(vix(*args, als=als, now=EVE))
    if reader not in ("berichten", "inzage"):  # the queue shows matches, the inzage a number
        assert "Bram" in names_in(before), before
    after = as_json(vix(*args, als=als, now=AFTER_MIDNIGHT))
    assert "Bram" not in names_in(after), after
    # deleted at once at 23, and the youth with them, by vix itself (rule 15)
    assert db_rows(db(), "SELECT * FROM signals") == []
    assert db_rows(db(), "SELECT * FROM youths") == []
    ends = db_rows(
        db(), "SELECT actor_id FROM audit_log WHERE action = 'delete' AND entity = 'signal'"
    )
    assert [r[0] for r in ends] == [None, None]
    assert vix("onderhoud", als=region.coordinator, now="2027-02-10T02:15").stdout == ""
    if reader == "berichten":  # the match notices that named him were withdrawn
        assert after["items"] == [] and before["counts"]["queued"] == 2
    if reader == "inzage":
        assert (before["found"], after["found"]) == (True, False)


def test_match_and_letter_of_a_youth_who_turned_23(vix: Runner, region: Region) -> None:
    """`vix match` and `vix brief` asked for Bram's match and signal after midnight say
    that they are not there, as after the night run (exit 1, Dutch, no name)."""
    match_id = bram_s_match(vix, region)
    shown = as_json(vix("match", str(match_id), "--json", als=region.jgz, now=EVE))
    assert shown["youths"][0]["name"] == "Bram Vries"
    asked = vix("match", str(match_id), "--json", als=region.jgz, now=AFTER_MIDNIGHT)
    assert (asked.exit_code, asked.stdout) == (1, "")
    assert "Match 1 bestaat niet of u bent er niet bij betrokken" in asked.stderr
    [own] = as_json(vix("signalen", "--json", als=region.school, now=EVE))
    letter = vix("brief", str(own["id"]), "--json", als=region.school, now=AFTER_MIDNIGHT)
    assert (letter.exit_code, letter.stdout) == (1, "")
    assert "Bram" not in letter.stderr and "Traceback" not in letter.stderr


def test_a_match_goes_on_without_the_organisation_whose_two_years_ended(
    vix: Runner, region: Region
) -> None:
    """The school signalled Anna on 23-11-2026 (ends 23-11-2028); JGZ and youth care
    joined on 16-11-2028. The morning of 23-11-2028, before the night run came round
    (it did not run), the school's signal is archived: its signaller sees neither the
    signal nor the match, the others see the match without the school, and are told
    it changed, as after the night run."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    later = "2028-11-16T10:00:00"
    for who in (region.jgz, region.care):
        as_json(
            vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=who, now=later)
        )
    [m] = as_json(vix("matches", "--json", als=region.jgz, now=later))
    assert len(m["members"]) == 3
    morning = "2028-11-23T08:00:00"
    assert as_json(vix("signalen", "--json", als=region.school, now=morning)) == []
    assert as_json(vix("matches", "--json", als=region.school, now=morning)) == []
    shown = as_json(vix("match", str(m["id"]), "--json", als=region.care, now=morning))
    assert shown["status"] == "lopend"
    assert {x["organisation"] for x in shown["members"] if x["active"]} == {
        "JGZ Kennemerland",
        "Jeugdhulp Kennemerland",
    }
    assert [r[0] for r in db_rows(db(), "SELECT end_reason FROM signals ORDER BY id")] == [
        "expired",
        None,
        None,
    ]
    told = db_rows(
        db(),
        "SELECT kind, recipient_id FROM outbox WHERE created_at LIKE '2028-11-23%' ORDER BY id",
    )
    assert len(told) == 2 and {r[0] for r in told} == {"match_gewijzigd"}
    assert vix("onderhoud", als=region.coordinator, now="2028-11-24T02:15").stdout == ""


def test_the_inzage_leaves_out_an_archive_entry_and_a_registration_past_their_term(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """Anna (born 10-02-2004) is a pupil of the school, which signalled her and withdrew
    the signal (archived until her 23rd birthday). The inzage after midnight shows
    neither the archive entry nor the registration, and she is erased, as the night run
    would have done; the log says so (review)."""
    rows = [pupil(BSN_ANNA, born=BORN, pupil_number="1")]
    path = write_list(tmp_path / "l.csv", rows)
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", als=ADMIN, now=PLACED))
    placed = as_json(vix("signaleer", BSN_ANNA, *INFORMED, "--json", als=region.school, now=PLACED))
    ok(
        vix(
            "intrekken",
            str(placed["signal_id"]),
            "--reden",
            "weggenomen",
            als=region.school,
            now=PLACED,
        )
    )
    ask = ("inzage", "--bsn", BSN_ANNA, "--json")
    before = as_json(vix(*ask, als=region.coordinator, now=EVE))
    assert [s["status"] for s in before["signals"]] == ["gearchiveerd"]
    assert before["schools"]
    after = as_json(vix(*ask, als=region.coordinator, now=AFTER_MIDNIGHT))
    assert (after["found"], after["signals"], after["schools"]) == (False, [], [])
    actions = [e["action"] for e in after["log"]]
    assert "gewist: schoolinschrijving" in actions
    assert db_rows(db(), "SELECT * FROM youths") == []
    assert vix("onderhoud", als=region.coordinator, now="2027-02-10T02:15").stdout == ""


def test_a_reader_on_a_database_it_cannot_write_says_so(
    vix: Runner, region: Region, read_only_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader writes (the audit record of the read, rule 18, and now what is past its
    term): on a database it may only read, `vix matches` fails with the documented
    message and exit 1, as before, with nothing stored and nothing shown."""
    bram_s_match(vix, region)
    copy = read_only_folder / "vix.db"
    copy.write_bytes(db().read_bytes())
    from conftest import make_read_only

    make_read_only(read_only_folder)
    monkeypatch.setenv("VIX_DB", str(copy))
    run = vix("matches", "--json", als=region.jgz, now=AFTER_MIDNIGHT)
    assert (run.exit_code, run.stdout) == (1, "")
    assert "kan niet worden geopend" in run.stderr and "Traceback" not in run.stderr


def test_a_dry_or_refused_import_ends_nothing(vix: Runner, region: Region, tmp_path: Path) -> None:
    """`import leerlingen --droog` says that nothing was stored, and a refused list that
    nothing was imported: both committed the endings of Bram's signals and match (and
    the notices they queue) before the import (review). The import shows no signal or
    match; it leaves them to the next command or the night run."""
    bram_s_match(vix, region)
    good = write_list(tmp_path / "goed.csv", [pupil(BSN_ANNA, pupil_number="1")])
    bad = write_list(tmp_path / "fout.csv", [pupil("123", pupil_number="2")])
    before = db_rows(db(), "SELECT id, status FROM signals ORDER BY id")
    told = db_rows(db(), "SELECT COUNT(*) FROM outbox")
    dry = ("import", "leerlingen", str(good), "--organisatie", "ZON", "--droog")
    assert "er is niets opgeslagen" in ok(vix(*dry, als=ADMIN, now=AFTER_MIDNIGHT)).stdout
    refused = vix(
        "import", "leerlingen", str(bad), "--organisatie", "ZON", als=ADMIN, now=AFTER_MIDNIGHT
    )
    assert refused.exit_code == 1
    assert db_rows(db(), "SELECT id, status FROM signals ORDER BY id") == before
    assert db_rows(db(), "SELECT COUNT(*) FROM outbox") == told
    # the next command that shows them ends them
    assert as_json(vix("matches", "--json", als=region.jgz, now=AFTER_MIDNIGHT)) == []


def test_a_broken_template_can_be_switched_off_after_midnight(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """The endings' notices are written with the region's templates: a broken own
    `berichten/match.txt` made every command fail, also the one that switches the
    folder off (review). A setting ends nothing."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    later = "2028-11-16T10:00:00"
    for who in (region.jgz, region.care):
        ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=who, now=later))
    folder = tmp_path / "sjablonen" / "berichten"
    folder.mkdir(parents=True)
    (folder / "match.txt").write_text("Beste {{ ontvanger }},\n{% if %}\n")
    ok(vix("instelling", "zet", "sjablonen_map", str(folder.parent), als=region.admin, now=later))
    morning = "2028-11-23T08:00:00"
    blocked = vix("matches", "--json", als=region.jgz, now=morning)
    assert blocked.exit_code == 1 and "berichten/match.txt, regel 2 bevat een fout" in (
        blocked.stderr
    )
    ok(vix("instelling", "wis", "sjablonen_map", als=region.admin, now=morning))
    [m] = as_json(vix("matches", "--json", als=region.jgz, now=morning))
    assert len([x for x in m["members"] if x["active"]]) == 2


def many_overdue(vix: Runner, region: Region, count: int) -> None:
    """`count` + 1 signals of the school past their planned removal, as after nights
    without `vix onderhoud` at a larger size: one placed through the CLI and copies."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    conn = sqlite3.connect(db())
    with conn:
        for i in range(count):
            youth = conn.execute(
                "INSERT INTO youths (bsn, given_name, surname, birth_date, municipality_id,"
                " created_at, updated_at) SELECT ?, given_name, surname, birth_date,"
                " municipality_id, created_at, updated_at FROM youths WHERE bsn = ?",
                (f"9{i:08d}", BSN_ANNA),
            ).lastrowid
            conn.execute(
                "INSERT INTO signals (youth_id, professional_id, organisation_id, placed_at,"
                " planned_removal, parents_informed_on) SELECT ?, professional_id,"
                " organisation_id, placed_at, '2026-11-20', parents_informed_on FROM signals"
                " LIMIT 1",
                (youth,),
            )
        conn.execute("UPDATE signals SET planned_removal = '2026-11-20'")
    conn.close()


ACTIVE = "SELECT COUNT(*) FROM signals WHERE status = 'active'"
SAID = "Eerst worden de signalen beëindigd waarvan de termijn verstreken is"


@pytest.mark.parametrize(("due", "said"), [(ENDINGS_TOLD, True), (ENDINGS_TOLD - 2, False)])
def test_a_long_catch_up_is_announced_on_a_terminal(
    vix: Runner, region: Region, due: int, said: bool
) -> None:
    """After a week without nights the first command at national size took 16 s and showed
    nothing meanwhile. On a terminal it now says why it waits, without the count (the
    region's business); a handful of endings go by without a word. Anna's own signal
    is due as well: `due` in all. The words go to stderr, never into the output."""
    many_overdue(vix, region, due - 1)
    with stderr_on_a_terminal(["signalen"], {**os.environ, "VIX_GEBRUIKER": region.school}) as t:
        out, _ = t.proc.communicate(timeout=120)
    shown = t.shown()
    assert t.proc.returncode == 0, shown
    assert (SAID in shown) is said and SAID.encode() not in out, shown
    assert "Fout" not in shown and str(due) not in shown
    assert db_rows(db(), ACTIVE)[0][0] == 0


def test_cron_hears_nothing_of_a_long_catch_up(vix: Runner, region: Region) -> None:
    """Off a terminal (cron) the same catch-up is silent: a job that went well mails nothing."""
    many_overdue(vix, region, ENDINGS_TOLD)
    run = ok(vix("stagnatie", "--dagen", "5", als=region.coordinator))
    assert (run.stdout, run.stderr) == ("", "")
    assert db_rows(db(), ACTIVE)[0][0] == 0
