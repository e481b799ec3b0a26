"""Rule 4: the day the parents were informed is today or earlier; tomorrow is already
the future. Pinned by mutation testing (session 25): the tests tried dates further
ahead only, and did not notice tomorrow accepted."""

from __future__ import annotations

from pathlib import Path

from conftest import BSN_ANNA, Region, Runner, as_json, db_rows, new_youth


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
