"""Rule 15: when the last archive entry on a youth is purged, the youth goes only if
nothing else holds him or her. A pupil on a school's list stays: the school can still
signal her by pupil number. The night run purges in sets (`signals._purge_archived`);
a youth with more than signals (a registration, a notice, a family) goes through
`forget_youth_if_unused`. Pinned by mutation testing (session 25): no test noticed the
set purge erasing a listed pupil with her registration."""

from __future__ import annotations

from pathlib import Path

from conftest import BSN_ANNA, INFORMED, Region, Runner, as_json, new_youth, ok, signal
from import_helpers import pupil, write_list

PURGED = "2031-11-24T03:00:00"  # the archive entry ran until 23-11-2031


def test_the_night_purge_keeps_a_pupil_on_a_schools_list(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Anna", pupil_number="0042")])
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=region.admin))
    placed = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.jgz))
    ran = ok(vix("onderhoud", als=region.coordinator, now=PURGED))
    assert "1 archiefregel gewist" in ran.stdout
    school = as_json(
        vix("signaleer", "--leerling", "0042", *INFORMED, "--json", als=region.school, now=PURGED)
    )
    assert school["youth_name"] == "Anna Vries"
