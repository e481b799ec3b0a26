"""A meldingsbevoegde, instantiebeheerder or instellingscoördinator belongs to an
organisation: added without one, he or she is refused and nothing is written. An
instantiebeheerder without an organisation would have no organisation to keep to:
`vix professional lijst` shows managers their own organisation's people only
(`people.list_professionals`, rule 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ADMIN, Region, Runner, db_rows


@pytest.mark.parametrize(
    ("role", "named"),
    [
        ("meldingsbevoegde", "meldingsbevoegde"),
        ("instantiebeheerder", "instantiebeheerder"),
        ("instellingscoordinator", "instellingscoördinator"),
    ],
)
def test_an_organisation_role_without_an_organisation_is_refused(
    vix: Runner, region: Region, vix_env: Path, role: str, named: str
) -> None:
    before = db_rows(vix_env, "SELECT COUNT(*) FROM professionals")[0][0]
    refused = vix("professional", "toevoegen", "los@regio.nl", "Lies Los", "--rol", role,
                  als=ADMIN)  # fmt: skip
    assert refused.exit_code == 1
    assert f"Een {named} hoort bij een organisatie: geef --organisatie CODE." in refused.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM professionals")[0][0] == before
