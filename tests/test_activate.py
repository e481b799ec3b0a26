"""A professional or organisation deactivated by mistake is put back (rules 1, 12, 16).

Switching one to the state it is in is refused, nothing written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ADMIN, Region, Runner, db_rows, ok
from test_regie_notices import flat


def audit_count(db: Path) -> int:
    return int(db_rows(db, "SELECT COUNT(*) FROM audit_log")[0][0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # switching to the state it is in said it did, and logged a change that was none
        (
            ["professional", "deactiveer", "hulp@jeugdhulp.nl"],
            "Fout: Professional hulp@jeugdhulp.nl is al niet meer actief.",
        ),
        (["organisatie", "deactiveer", "GI"], "Fout: Organisatie GI is al niet meer actief."),
    ],
)
def test_unknown_or_unchanged_is_refused_in_dutch(
    vix: Runner, region: Region, vix_env: Path, args: list[str], message: str
) -> None:
    ok(vix("professional", "deactiveer", region.care, als=ADMIN))
    ok(vix("organisatie", "deactiveer", "GI", als=ADMIN))
    before = audit_count(vix_env)
    result = vix(*args, als=ADMIN)
    assert result.exit_code == 1
    assert flat(result.stderr) == message
    assert audit_count(vix_env) == before
