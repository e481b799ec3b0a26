"""A second signaller's parents and address for a youth the index knows (rule 7): what is
still empty is filled, so a family match is not missed; what the index holds is not
replaced, and the signaller is told so without learning what is stored, nor whether it
is what he or she gave (rule 16)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    INFORMED,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)
from import_helpers import pupil, write_list


def test_a_parent_the_first_signaller_did_not_give_makes_the_family_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    both = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    assert both["not_used"] == []
    bram = signal(vix, region.care, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    assert [m["kind"] for m in bram["matches"]] == ["family"]
    logged = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'update'")
    assert '{"bron": "signaleer", "velden": ["ouders"]}' in [r[0] for r in logged]


def test_an_address_the_first_signaller_did_not_give_makes_the_family_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", postcode="2011 ab", number="12"))
    [anna] = db_rows(vix_env, "SELECT address_key FROM youths")
    assert anna[0] == "2011AB-12"
    bram = signal(vix, region.care, *new_youth(BSN_BRAM, "Bram", postcode="2011AB", number="12"))
    assert [m["kind"] for m in bram["matches"]] == ["family"]


def test_data_the_index_holds_are_not_used_and_the_signaller_is_told(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    anna = new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,), postcode="2011AB", number="12")
    signal(vix, region.school, *anna)
    before = [tuple(r) for r in db_rows(vix_env, "SELECT * FROM youths")]
    other = new_youth(
        BSN_ANNA, "Anna", town="ZANDVOORT", parents=(P_FATHER,), postcode="2042AB", number="7"
    )
    placed = ok(vix("signaleer", *other, *INFORMED, als=region.jgz))
    assert "Signaal 2 afgegeven op Anna Vries" in placed.stdout
    told = " ".join(placed.stderr.split())
    assert "Niet overgenomen: ouders en adres." in told
    assert "'vix jeugdige corrigeer'" in told and "'vix jeugdige verhuis'" in told
    # that it differs, never what is stored: the school's data are not the JGZ's
    assert "2011" not in told and "HAARLEM" not in told and "Haarlem" not in told
    assert [tuple(r) for r in db_rows(vix_env, "SELECT * FROM youths")] == before
    assert db_rows(vix_env, "SELECT count(*) FROM youth_parents")[0][0] == 1
    # the auditor sees which differed (the municipality is not looked at: never told)
    [seen] = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'lookup'")
    assert json.loads(seen[0]) == {
        "bron": "signaleer",
        "niet_overgenomen": ["ouders", "adres"],
        "afwijkend": ["ouders", "adres"],
    }
    # a parent among the stored ones and the same address, written another way: the
    # same answer (tests/test_guessed_data.py), only the audit tells them apart
    same = new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,), postcode="2011 ab", number="12")
    again = as_json(vix("signaleer", *same, *INFORMED, "--json", als=region.care))
    assert again["not_used"] == ["ouders", "adres"]
    seen = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'lookup' ORDER BY id")
    assert json.loads(seen[-1][0])["afwijkend"] == []


def test_a_pupil_signalled_by_pupil_number_takes_the_parent_given(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """By number alone (a pupil of the school) --ouder counted for nothing before."""
    pupils = write_list(tmp_path / "zon.csv", [pupil(BSN_ANNA, postcode="", house="")])
    ok(vix("import", "leerlingen", str(pupils), "--organisatie", "ZON", als=ADMIN))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    by_pupil = ("--leerling", "0042", "--ouder", P_MOTHER, *INFORMED, "--json")
    found = as_json(vix("signaleer", *by_pupil, als=region.school))
    assert [m["kind"] for m in found["matches"]] == ["family"]
    # a wrong parent BSN is refused as for a new youth, and nothing is stored
    signals = db_rows(vix_env, "SELECT count(*) FROM signals")[0][0]
    wrong = ("--leerling", "0042", "--ouder", "123456789", *INFORMED)
    refused = vix("signaleer", *wrong, als=region.school_colleague)
    assert refused.exit_code == 1 and "elfproef" in refused.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == signals
