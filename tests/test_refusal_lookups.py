"""Rule 18 for the coordinator's `vix jeugdige` commands: an answer that names a youth, or
that could only come once the number was found, is a read of personal data and is logged
as a lookup, also when the command is refused and stores nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    Region,
    Runner,
    db_rows,
    new_youth,
    ok,
    signal,
)
from import_helpers import pupil, write_list


def lookups(db: Path) -> list[tuple[Any, ...]]:
    """(reader's e-mail, youth's number, detail) of each lookup, in order."""
    rows = db_rows(
        db,
        "SELECT p.email, y.bsn, a.detail FROM audit_log a"
        " JOIN professionals p ON p.id = a.actor_id LEFT JOIN youths y ON y.id = a.entity_id"
        " WHERE a.action = 'lookup' ORDER BY a.id",
    )
    return [tuple(r) for r in rows]


def source(command: str) -> str:
    return f'{{"bron": "{command}"}}'


def test_refused_moves_that_name_the_youth_are_logged(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    move = ("jeugdige", "verhuis", BSN_ANNA, "--gemeente")
    before_birth = vix(*move, "ZANDVOORT", "--datum", "01-01-2010", als=region.coordinator)
    assert before_birth.exit_code == 1 and "geboortedatum van Anna Vries" in before_birth.stderr
    already = vix(*move, "HAARLEM", als=region.coordinator)
    assert already.exit_code == 1 and "Anna Vries woont al in gemeente Haarlem" in already.stderr
    assert lookups(vix_env) == [(region.coordinator, BSN_ANNA, source("verhuis"))] * 2
    # refused before the number is looked up: the same for a known and an unknown youth,
    # so nothing to log
    future = ("--datum", "01-01-2030")
    known = vix(*move, "ZANDVOORT", *future, als=region.coordinator)
    unknown = vix(*move[:2], BSN_BRAM, "--gemeente", "ZANDVOORT", *future, als=region.coordinator)
    assert (known.exit_code, known.stdout) == (unknown.exit_code, unknown.stdout) == (1, "")
    assert known.stderr == unknown.stderr
    assert "De verhuisdatum (01-01-2030) ligt in de toekomst" in known.stderr
    # an unknown youth is no lookup either
    not_known = vix(*move[:2], BSN_BRAM, "--gemeente", "ZANDVOORT", als=region.coordinator)
    assert not_known.exit_code == 1 and "kent deze jeugdige niet" in not_known.stderr
    assert len(lookups(vix_env)) == 2
    assert db_rows(vix_env, "SELECT count(*) FROM youth_moves")[0][0] == 0


def test_a_correction_that_changes_nothing_is_logged(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    same = ok(vix("jeugdige", "corrigeer", BSN_ANNA, "--voornaam", "Anna", als=region.coordinator))
    assert "Niets gewijzigd: de gegevens van Anna Vries waren al zo." in same.stderr
    assert lookups(vix_env) == [(region.coordinator, BSN_ANNA, source("corrigeer"))]


def test_an_erasure_that_names_the_schools_is_logged(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    pupils = write_list(tmp_path / "zon.csv", [pupil(BSN_ANNA)])
    ok(vix("import", "leerlingen", str(pupils), "--organisatie", "ZON", als=ADMIN))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    erased = ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator))
    assert "via de leerlinglijst van ZON" in erased.stderr
    assert lookups(vix_env) == [(region.coordinator, BSN_ANNA, source("wis"))]
    # without a school registration left the youth is erased: nothing shown, nothing to log
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"))
    gone = ok(vix("jeugdige", "wis", BSN_BRAM, "--reden", "bezwaar", als=region.coordinator))
    assert "niets meer over deze jeugdige" in gone.stderr
    assert len(lookups(vix_env)) == 1


def test_a_pair_refused_for_one_unknown_number_logs_the_known_one(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """'Over de tweede jeugdige is niets opgeslagen' tells that the first is registered."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    for command in (("samenvoegen",), ("apart",)):
        refused = vix("jeugdige", *command, BSN_ANNA, BSN_BRAM, als=region.coordinator)
        assert refused.exit_code == 1 and "de tweede jeugdige" in refused.stderr
    assert lookups(vix_env) == [
        (region.coordinator, BSN_ANNA, source("samenvoegen")),
        (region.coordinator, BSN_ANNA, source("apart")),
    ]
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", born="01-01-2015"))
    other = vix("jeugdige", "samenvoegen", BSN_ANNA, BSN_BRAM, als=region.coordinator)
    assert other.exit_code == 1 and "andere geboortedatum" in other.stderr
    assert lookups(vix_env)[2:] == [
        (region.coordinator, BSN_ANNA, source("samenvoegen")),
        (region.coordinator, BSN_BRAM, source("samenvoegen")),
    ]
