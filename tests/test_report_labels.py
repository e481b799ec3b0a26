"""Every reason vix stores for the end or deletion of a signal has a Dutch label in the reports.

The codes are the schema's (English); the jaarverslag (text, HTML, JSON) and the
inzage show only Dutch. Each reason is stored here through the real commands,
and the label tables are checked against the sources that store them, so that
a new reason cannot reach a report as a bare code.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from conftest import INFORMED, Region, Runner, as_json, db_rows, new_youth, ok
from report_scenario import valid_bsns

from vix.reports import DELETION_LABELS, END_LABELS, OWN_ROW_DELETIONS
from vix.signals import ARCHIVED_REASONS, DELETION_REASONS

PLACED = "2026-11-23T10:00:00"
MONTH = ["--van", "01-11-2026", "--tot", "30-11-2026"]
ERASED = {"bezwaar": "objection", "verwijderverzoek": "erasure_request", "overlijden": "death"}


def test_the_label_tables_cover_exactly_the_stored_reasons(vix_env: Path, region: Region) -> None:
    # withdrawn as unjustified and ended at 23 have rows of their own, the others a label
    assert set(DELETION_LABELS) | set(OWN_ROW_DELETIONS) == set(DELETION_REASONS)
    assert not set(DELETION_LABELS) & set(OWN_ROW_DELETIONS)
    assert set(END_LABELS) == set(ARCHIVED_REASONS)
    # the schema's own list of end reasons (the CHECK on signals.end_reason)
    sql = db_rows(vix_env, "SELECT sql FROM sqlite_master WHERE name = 'signals'")[0][0]
    checked = re.search(r"end_reason IN \(([^)]*)\)", sql)
    assert checked is not None
    assert set(re.findall(r"'([a-z_0-9]+)'", checked.group(1))) == set(END_LABELS)


def test_every_deletion_reason_is_shown_in_dutch(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """`vix jeugdige wis --reden verwijderverzoek` showed as 'erasure_request <5'."""
    bsns = valid_bsns(5)

    def place(bsn: str, given: str, born: str = "03-04-2014") -> int:
        args = new_youth(bsn, given, born=born)
        answer = as_json(
            vix("signaleer", *args, *INFORMED, "--json", als=region.school, now=PLACED)
        )
        return int(answer["signal_id"])

    wrong = place(bsns[0], "Fout")
    place(bsns[1], "Jarig", born="24-11-2003")  # turns 23 the next day
    for bsn, reason in zip(bsns[2:], ERASED, strict=True):
        place(bsn, reason.capitalize())
    later = "2026-11-24T09:00:00"
    ok(vix("intrekken", str(wrong), "--reden", "onterecht", als=region.school, now=later))
    ok(vix("onderhoud", als=region.coordinator, now="2026-11-24T03:00:00"))
    for bsn, reason in zip(bsns[2:], ERASED, strict=True):
        ok(vix("jeugdige", "wis", bsn, "--reden", reason, als=region.coordinator, now=later))
    stored = {r[0] for r in db_rows(vix_env, "SELECT reason FROM signal_deletions")}
    assert stored == set(DELETION_REASONS)

    args = ["rapport", "jaarverslag", "--regio", *MONTH]
    now = "2026-12-01T09:00:00"
    r = as_json(vix(*args, "--json", als=region.coordinator, now=now))
    assert r["signals"]["deleted_other"] == {
        "gegrond bezwaar (gewist)": "<5",
        "verzoek tot wissen (gewist)": "<5",
        "overlijden (gewist)": "<5",
    }
    assert (r["signals"]["withdrawn_unjustified"], r["signals"]["expired_age_23"]) == ("<5", "<5")
    for form in (["--formaat", "tekst"], ["--formaat", "html"]):
        text = ok(vix(*args, *form, als=region.coordinator, now=now)).stdout
        for label in r["signals"]["deleted_other"]:
            assert label in text
        for code in DELETION_REASONS:
            assert code not in text, code
    # the school's own report: exact
    own = as_json(vix("rapport", "jaarverslag", *MONTH, "--json", als=region.manager, now=now))
    assert own["signals"]["deleted_other"] == {
        "gegrond bezwaar (gewist)": 1,
        "verzoek tot wissen (gewist)": 1,
        "overlijden (gewist)": 1,
    }


def test_a_reason_no_version_of_vix_stored_is_still_dutch(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """A counter with an unknown code (a database edited by hand) is no English label."""
    conn = sqlite3.connect(vix_env)
    with conn:
        conn.execute(
            "INSERT INTO signal_deletions VALUES ((SELECT id FROM organisations"
            " WHERE code = 'ZON'), '2026-11', 'mystery', '2026-11', 2)"
        )
    conn.close()
    own = as_json(
        vix(
            "rapport",
            "jaarverslag",
            *MONTH,
            "--json",
            als=region.manager,
            now="2026-12-01T09:00:00",
        )
    )
    assert own["signals"]["deleted_other"] == {"andere reden (gewist)": 2}
