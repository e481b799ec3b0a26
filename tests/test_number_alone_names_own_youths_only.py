"""Rule 9, no search: a number alone names only the signaller's own youths (a pupil of
his or her organisation, or one he or she signalled). A youth whom another professional
signalled is not one of them: the answer is the one for an unknown number, and names
nobody. Pinned by mutation testing (session 25): no test noticed `signals.on_own_record`
counting every professional's signals on the youth."""

from __future__ import annotations

from pathlib import Path

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    INFORMED,
    Region,
    Runner,
    db_rows,
    new_youth,
    signal,
)


def test_another_professionals_youth_is_not_named_by_number(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", surname="Pieters"))
    known = vix("signaleer", BSN_ANNA, *INFORMED, "--json", als=region.care)
    unknown = vix("signaleer", BSN_BRAM, *INFORMED, "--json", als=region.care)
    assert known.exit_code == unknown.exit_code == 1
    assert known.stdout == unknown.stdout == ""
    assert known.stderr == unknown.stderr and "Met alleen het nummer" in known.stderr
    assert "Pieters" not in known.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1
