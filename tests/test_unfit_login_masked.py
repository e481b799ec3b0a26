"""`vix onderhoud` names a professional whose stored e-mail address an older vix let hold a
BSN by that address, the number masked (`people.unfit_contacts`): the login stays, but
the line goes to cron mail and logs, where no BSN stands in clear (invariant)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import ADMIN, BSN_CAS, Region, Runner, ok


def test_onderhoud_names_a_login_holding_a_bsn_with_the_number_masked(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    login = f"{BSN_CAS}@jgz.nl"
    with sqlite3.connect(vix_env) as db:
        db.execute("UPDATE professionals SET email = ? WHERE email = ?", (login, region.jgz))
    db.close()
    done = ok(vix("onderhoud", als=ADMIN))
    assert BSN_CAS not in done.output
    assert f"  professional ******{BSN_CAS[-3:]}@jgz.nl: e-mailadres" in done.stderr
