"""A real vix process whose stdin or stdout is closed, full or gone: a Dutch line, no traceback."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import Region

VIX = f"{shlex.quote(sys.executable)} -m vix"


def shell(script: str, als: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `script` in bash with `$VIX` set to this vix, as a crontab line would."""
    env = {**os.environ, "VIX": VIX}
    if als:
        env["VIX_GEBRUIKER"] = als
    return subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


def test_stdin_closed_at_signaleer_is_told_not_crashed(region: Region) -> None:
    done = shell("$VIX signaleer <&-", als=region.school)
    assert done.returncode == 2, done.stderr
    assert "Geef het BSN (of onderwijsnummer of vervangend nummer) van de jeugdige" in done.stderr
    assert "Onverwachte" not in done.stderr and "Traceback" not in done.stderr


def test_stdout_closed_stops_before_doing_anything(region: Region) -> None:
    done = shell("$VIX signalen --json >&-", als=region.school)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Fout: de uitvoer (stdout) is gesloten; er is niets gedaan. Stuur de uitvoer "
        "ergens heen, bijvoorbeeld met > /dev/null."
    )


def test_full_disk_for_the_answer_is_told_in_dutch(region: Region) -> None:
    done = shell("$VIX signalen --json > /dev/full", als=region.school)
    assert done.returncode == 1
    assert "de uitvoer kon niet worden geschreven (de schijf is vol)" in done.stderr
    assert "Traceback" not in done.stderr and "Onverwachte" not in done.stderr


def test_a_reader_that_stops_early_ends_vix_quietly(region: Region) -> None:
    # the reader closes the pipe before vix has started: the first write meets EPIPE
    done = shell(
        "$VIX signalen --json | (exec 0<&-; true); echo ${PIPESTATUS[0]}", als=region.school
    )
    assert done.stdout.strip() == "1"
    assert done.stderr == ""


def test_a_kept_demo_whose_answer_cannot_be_written_says_it_was_stored(tmp_path: Path) -> None:
    """`vix demo --bewaar` printed its answer inside its transaction's guard: a full
    disk for stdout said "er is niets opgeslagen" while the database and key were
    there, and the next try said "bestaat al" (review)."""
    kept = tmp_path / "demo.db"
    done = shell(f"$VIX demo --bewaar {shlex.quote(str(kept))} > /dev/full")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Fout: de uitvoer kon niet worden geschreven (de schijf is vol); wat de opdracht "
        "vastlegde, is wel opgeslagen."
    )
    assert kept.exists() and Path(f"{kept}.sleutel").exists()


def test_a_demo_whose_reader_stops_early_ends_quietly(tmp_path: Path) -> None:
    done = shell(
        f"$VIX demo --json --bewaar {shlex.quote(str(tmp_path / 'demo.db'))}"
        " | (exec 0<&-; true); echo ${PIPESTATUS[0]}"
    )
    assert done.stdout.strip() == "1"
    assert done.stderr == ""


def test_a_stagnation_check_that_cannot_answer_is_3_not_stagnates(region: Region) -> None:
    """With --controleer, 1 tells cron that something stagnates and 3 that the check
    could not run. The failures vix answers before a command runs (stdout closed, bytes
    that are no UTF-8) or after it returned (an answer that cannot be written) gave 1:
    "er stagneert iets" for a check that never ran (review)."""
    for script in (
        "$VIX stagnatie --controleer >&-",
        "$VIX --als $VIX_GEBRUIKER stagnatie --check >&-",  # the old name, globals first
        "$VIX stagnatie --controleer --als $'coordinator\\xff@regio.nl'",
        "VIX_GEBRUIKER=$'\\xff' $VIX stagnatie --controleer",
        "$VIX stagnatie --controleer --json > /dev/full",
        "$VIX stagnatie --controleer --json | (exec 0<&-; true); exit ${PIPESTATUS[0]}",
    ):
        done = shell(script, als=region.coordinator)
        assert done.returncode == 3, (script, done.stderr)
        assert done.stderr.startswith("Fout: ") or "PIPESTATUS" in script, done.stderr
    # every other command, and stagnatie without --controleer, keep their 1
    for script in (
        "$VIX stagnatie >&-",
        "$VIX signalen --controleer >&-",
        "$VIX --db stagnatie signalen >&-",
        "$VIX stagnatie --json > /dev/full",
    ):
        assert shell(script, als=region.coordinator).returncode == 1, script
