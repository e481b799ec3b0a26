"""A youth whom a school's pupil list registers stays in the index when his or her last
signal goes (`signals.forget_youth_if_unused`): the list is the school's own, and the
school can still signal the pupil by pupil number. Pinned by mutation testing (session
25): no test noticed the youth, with the registration, erased once no signal was left."""

from __future__ import annotations

from pathlib import Path

from conftest import BSN_ANNA, INFORMED, Region, Runner, as_json, new_youth, ok, signal
from import_helpers import pupil, write_list


def test_the_pupil_stays_registered_when_the_last_signal_goes(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Anna", pupil_number="0042")])
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=region.admin))
    placed = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "onterecht", als=region.jgz))
    erased = ok(
        vix("jeugdige", "wis", BSN_ANNA, "--reden", "verwijderverzoek", als=region.coordinator)
    )
    assert "ZON" in erased.stdout + erased.stderr
    school = as_json(vix("signaleer", "--leerling", "0042", *INFORMED, "--json", als=region.school))
    assert school["youth_name"] == "Anna Vries"
