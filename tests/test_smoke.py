import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import BSN_ANNA, INFORMED, Region, db_rows, new_youth, ok, signal


def test_two_organisations_make_a_match(vix, region: Region) -> None:
    first = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    assert first["matches"] == []
    second = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    assert [m["kind"] for m in second["matches"]] == ["youth"]
    assert ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.care)).stdout


def test_the_real_clock_is_dutch_time_whatever_zone_the_machine_runs_in(
    region: Region, vix_env: Path
) -> None:
    """Cron on a server in UTC (or anywhere): a signal placed at 00:30 on 1 April in the
    Netherlands belongs to April, and 'today' is the Dutch day."""
    env = {k: v for k, v in os.environ.items() if k != "VIX_NU"}
    args = [*new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json"]
    before = datetime.now(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None, microsecond=0)
    done = subprocess.run(
        [sys.executable, "-m", "vix", "signaleer", *args],
        env={**env, "TZ": "America/New_York", "VIX_GEBRUIKER": region.school},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    after = datetime.now(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None)
    assert done.returncode == 0, done.stderr
    [(placed,)] = db_rows(vix_env, "SELECT placed_at FROM signals")
    assert before <= datetime.fromisoformat(placed) <= after
