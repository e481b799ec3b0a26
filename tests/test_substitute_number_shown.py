"""A youth registered without a BSN can be named to `vix jeugdige`: the substitute number.

`vix jeugdige wis`, `corrigeer`, `verhuis`, `samenvoegen` and `apart` take only the
number. A youth signalled with --zonder-bsn is known by a substitute number (VN...)
derived from surname, birth date and sex, and nothing showed it: the signal's answer
had no number, and the match view and the inzage masked it like a BSN (******A2C).
Only computing the hash outside vix gave the number the coordinator needed for an
erasure request (rule 17). A substitute number protects nothing from a reader who
sees the youth's name (anyone with the three data computes it), so the views and the
inzage show it whole; a BSN and an onderwijsnummer stay masked, and the audit log and
the outbox still hold no number.
"""

from __future__ import annotations

from pathlib import Path

from conftest import BSN_ANNA, INFORMED, Region, Runner, as_json, db_rows, new_youth, ok, signal

PIET = ["--achternaam", "de Vries", "--geboortedatum", "02-02-2016", "--geslacht", "M"]
NEW_PIET = ["--zonder-bsn", "--voornaam", "Piet", *PIET, "--gemeente", "HAARLEM"]


def test_the_substitute_number_is_shown_where_the_youth_is_named(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # the signaller learns the number the index knows the youth by, in text and JSON
    text = ok(vix("signaleer", *NEW_PIET, *INFORMED, als=region.school)).stdout
    ((vn,),) = db_rows(vix_env, "SELECT bsn FROM youths")
    assert vn.startswith("VN")
    assert f"Signaal 1 afgegeven op Piet de Vries (vervangend nummer {vn})." in text
    placed = signal(vix, region.jgz, *NEW_PIET)
    assert (placed["youth_number"], placed["youth_number_kind"]) == (vn, "vervangend nummer")
    # the match view of each member
    [youth] = placed["matches"][0]["youths"]
    assert (youth["number"], youth["number_kind"]) == (vn, "vervangend nummer")
    shown = ok(vix("match", str(placed["matches"][0]["id"]), als=region.school)).stdout
    assert f"Jeugdige: Piet de Vries, geboren 02-02-2016 (vervangend nummer {vn})" in shown

    # the inzage the coordinator makes by name, as the parents do not know the number
    z = as_json(vix("inzage", *PIET, "--json", als=region.coordinator))
    assert (z["name"], z["number"], z["number_kind"]) == ("Piet de Vries", vn, "vervangend nummer")
    text = ok(vix("inzage", *PIET, als=region.coordinator)).stdout
    assert f"Nummer:            {vn} (vervangend nummer)" in text
    html = ok(vix("inzage", *PIET, "--formaat", "html", als=region.coordinator)).stdout
    assert f"<td>{vn} (vervangend nummer)</td>" in html

    # and with that number the erasure request is handled
    ok(vix("jeugdige", "wis", vn, "--reden", "verwijderverzoek", als=region.coordinator))
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    # an inzage that finds nothing repeats the number it was asked for
    gone = ok(vix("inzage", "--nummer", vn, als=region.coordinator)).stdout
    assert f"Over de jeugdige met vervangend nummer {vn} staat niets" in gone

    # neither the log nor a message holds it
    for table, columns in (("audit_log", "subject, detail"), ("outbox", "subject, body")):
        for row in db_rows(vix_env, f"SELECT {columns} FROM {table}"):
            assert all(vn not in (value or "") for value in row), table


def test_a_bsn_stays_masked_beside_a_name(vix: Runner, region: Region) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    assert (placed["youth_number"], placed["youth_number_kind"]) == ("******333", "BSN")
    text = ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz)).stdout
    assert BSN_ANNA not in text and "(BSN ******333)" in text
    assert "Signaal 2 afgegeven op Anna Vries. Actief" in text
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    assert z["number"] == "******333"


def test_a_masked_number_typed_back_is_explained(vix: Runner, region: Region) -> None:
    signal(vix, region.school, *NEW_PIET)
    for args in (
        ["jeugdige", "wis", "******A2C", "--reden", "verwijderverzoek"],
        ["inzage", "--nummer", "******A2C"],
    ):
        refused = vix(*args, als=region.coordinator)
        assert (refused.exit_code, refused.stdout) == (1, "")
        assert "Een nummer met sterretjes is afgeschermd: geef het hele nummer." in refused.stderr
        assert "toont 'vix inzage' voluit, ook op naam" in refused.stderr
