"""Rule 15: a signal ends once. One in the history archive cannot be withdrawn again,
which would move its end and archive term or, as 'onterecht', delete an entry whose
involvement was real; nor is its parents' letter made any more. Pinned by mutation
testing (session 25): no test noticed `signals.require_own_signal` accepting a signal
that had ended."""

from __future__ import annotations

from pathlib import Path

from conftest import BSN_ANNA, Region, Runner, db_rows, new_youth, ok, signal

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
