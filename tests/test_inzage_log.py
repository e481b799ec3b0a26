"""The log in an inzage is that of one registration (rule 17), also when numbers move.

Audit records name a youth by the pseudonym of its number. A number can pass
from one registration to another: a mistyped BSN corrected and later signalled
for the child it belongs to, the substitute number one twin gives up (a
correction to the BSN, an erasure) and the other twin gets, the number of a
registration merged into another. Each inzage shows only the records from the
time the registration held the number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import BSN_ANNA, BSN_BRAM, Region, Runner, as_json, db_rows, ok

INFORMED = ["--ouders-geinformeerd", "20-11-2026"]
TWIN = ["--achternaam", "Berg", "--geboortedatum", "02-02-2013", "--geslacht", "V"]
TWIN_A = ["--zonder-bsn", "--voornaam", "Anna", *TWIN, "--gemeente", "HAARLEM"]
TWIN_B = ["--zonder-bsn", "--voornaam", "Bea", *TWIN, "--gemeente", "HAARLEM"]


# the log of a youth whom only JGZ signalled, on 03-12, asked for on 04-12
JGZ_SIGNAL_THEN_INZAGE = [
    ("2026-12-03", "Karin Arts", "vastgelegd: gegevens jeugdige"),
    ("2026-12-03", "Karin Arts", "vastgelegd: signaal"),
    ("2026-12-04", "Carla Coördinator", "inzage voor ouders/jeugdige gemaakt: gegevens jeugdige"),
]


def inzage(vix: Runner, region: Region, *asked: str, now: str) -> Any:
    return as_json(vix("inzage", *asked, "--json", als=region.coordinator, now=now))


def log(z: Any) -> list[tuple[str, str, str]]:
    return [(e["at"][:10], e["who"], e["action"]) for e in z["log"]]


def twin_a(vix: Runner, region: Region, vix_env: Path) -> str:
    """The school signals twin Anna without a BSN on 01-12; her substitute number."""
    ok(vix("signaleer", *TWIN_A, *INFORMED, als=region.school, now="2026-12-01T09:00:00"))
    ((number,),) = db_rows(vix_env, "SELECT bsn FROM youths")
    return str(number)


def twin_b(vix: Runner, region: Region, vix_env: Path, vn: str) -> None:
    """On 03-12 youth health care signals twin Bea, who gets the number Anna had."""
    ok(vix("signaleer", *TWIN_B, *INFORMED, als=region.jgz, now="2026-12-03T09:00:00"))
    assert [r[0] for r in db_rows(vix_env, "SELECT bsn FROM youths WHERE given_name = 'Bea'")] == [
        vn
    ]


def test_a_corrected_bsn_signalled_later_for_its_own_child_keeps_both_logs_apart(
    vix: Runner, region: Region
) -> None:
    """Piet was registered under Kees's BSN by mistake and corrected; then Kees is
    signalled under his own BSN. Neither inzage shows the other child's records."""
    piet = [
        "--voornaam",
        "Piet",
        "--achternaam",
        "Smits",
        "--geboortedatum",
        "02-02-2013",
        "--gemeente",
        "HAARLEM",
    ]
    kees = [
        "--voornaam",
        "Kees",
        "--achternaam",
        "Vos",
        "--geboortedatum",
        "03-03-2010",
        "--gemeente",
        "HAARLEM",
    ]
    ok(vix("signaleer", BSN_ANNA, *piet, *INFORMED, als=region.school, now="2026-12-01T09:00:00"))
    ok(
        vix(
            "jeugdige",
            "corrigeer",
            BSN_ANNA,
            "--bsn",
            BSN_BRAM,
            als=region.coordinator,
            now="2026-12-02T09:00:00",
        )
    )
    ok(vix("signaleer", BSN_ANNA, *kees, *INFORMED, als=region.jgz, now="2026-12-03T09:00:00"))
    z_piet = inzage(vix, region, "--bsn", BSN_BRAM, now="2026-12-04T09:00:00")
    assert z_piet["name"] == "Piet Smits"
    assert log(z_piet) == [
        ("2026-12-01", "Ineke Bos", "vastgelegd: gegevens jeugdige"),
        ("2026-12-01", "Ineke Bos", "vastgelegd: signaal"),
        ("2026-12-02", "Carla Coördinator", "nummer van de jeugdige vervangen: gegevens jeugdige"),
        ("2026-12-02", "Carla Coördinator", "gecorrigeerd op verzoek: gegevens jeugdige"),
        (
            "2026-12-04",
            "Carla Coördinator",
            "inzage voor ouders/jeugdige gemaakt: gegevens jeugdige",
        ),
    ]
    z_kees = inzage(vix, region, "--bsn", BSN_ANNA, now="2026-12-04T09:00:00")
    assert z_kees["name"] == "Kees Vos"
    assert log(z_kees) == JGZ_SIGNAL_THEN_INZAGE


def test_a_twin_corrected_to_her_bsn_and_the_twin_who_gets_the_number(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = twin_a(vix, region, vix_env)
    ok(
        vix(
            "jeugdige",
            "corrigeer",
            vn,
            "--bsn",
            BSN_ANNA,
            als=region.coordinator,
            now="2026-12-02T09:00:00",
        )
    )
    twin_b(vix, region, vix_env, vn)
    anna = inzage(vix, region, "--bsn", BSN_ANNA, now="2026-12-04T09:00:00")
    assert {who for _, who, _ in log(anna)} == {"Ineke Bos", "Carla Coördinator"}
    assert ("2026-12-01", "Ineke Bos", "vastgelegd: signaal") in log(anna)
    bea = inzage(vix, region, "--nummer", vn, now="2026-12-04T09:00:00")
    assert bea["name"] == "Bea Berg"
    assert [day for day, _, _ in log(bea)] == ["2026-12-03", "2026-12-03", "2026-12-04"]
    assert {who for _, who, _ in log(bea)} == {"Karin Arts", "Carla Coördinator"}


def test_the_twin_who_gets_the_number_of_an_erased_twin_sees_none_of_hers(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = twin_a(vix, region, vix_env)
    ok(
        vix(
            "jeugdige",
            "wis",
            vn,
            "--reden",
            "bezwaar",
            als=region.coordinator,
            now="2026-12-02T09:00:00",
        )
    )
    twin_b(vix, region, vix_env, vn)
    bea = inzage(vix, region, "--nummer", vn, now="2026-12-04T09:00:00")
    assert log(bea) == JGZ_SIGNAL_THEN_INZAGE


def test_a_merged_number_that_comes_back_on_a_twin_stays_out_of_the_merge(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna's registration without a BSN goes up in her BSN; the inzage by her BSN
    keeps what was logged under the substitute number until the merge, and not what
    her twin, who gets that number later, is logged under."""
    vn = twin_a(vix, region, vix_env)
    anna = [
        "--voornaam",
        "Anna",
        "--achternaam",
        "Berg",
        "--geboortedatum",
        "02-02-2013",
        "--gemeente",
        "HAARLEM",
    ]
    ok(
        vix(
            "signaleer",
            BSN_ANNA,
            *anna,
            *INFORMED,
            als=region.care,
            now="2026-12-01T10:00:00",
        )
    )
    ok(
        vix(
            "jeugdige",
            "samenvoegen",
            vn,
            BSN_ANNA,
            als=region.coordinator,
            now="2026-12-02T09:00:00",
        )
    )
    twin_b(vix, region, vix_env, vn)
    z = inzage(vix, region, "--bsn", BSN_ANNA, now="2026-12-04T09:00:00")
    assert ("2026-12-01", "Ineke Bos", "vastgelegd: signaal") in log(z)
    assert ("2026-12-01", "Hans Hulp", "vastgelegd: signaal") in log(z)
    assert "Karin Arts" not in {who for _, who, _ in log(z)}
    assert not [day for day, _, _ in log(z) if day == "2026-12-03"]
    bea = inzage(vix, region, "--nummer", vn, now="2026-12-04T09:00:00")
    assert {who for _, who, _ in log(bea)} == {"Karin Arts", "Carla Coördinator"}


def test_a_bsn_erased_and_signalled_again_keeps_the_child_s_earlier_log(
    vix: Runner, region: Region
) -> None:
    """A BSN is one child's: after an erasure request (or an unjustified signal) the
    parents' inzage of the new registration still shows what was logged about their
    child before; the first version of the per-registration log left it out (review)."""
    anna = ["--voornaam", "Anna", "--achternaam", "Vries", "--geboortedatum", "03-04-2014",
            "--gemeente", "HAARLEM"]  # fmt: skip
    ok(vix("signaleer", BSN_ANNA, *anna, *INFORMED, als=region.school, now="2026-12-01T09:00:00"))
    wis = ("jeugdige", "wis", BSN_ANNA, "--reden", "verwijderverzoek")
    ok(vix(*wis, als=region.coordinator, now="2026-12-02T09:00:00"))
    ok(vix("signaleer", BSN_ANNA, *anna, *INFORMED, als=region.jgz, now="2026-12-03T09:00:00"))
    z = inzage(vix, region, "--bsn", BSN_ANNA, now="2026-12-04T09:00:00")
    assert log(z) == [
        ("2026-12-01", "Ineke Bos", "vastgelegd: gegevens jeugdige"),
        ("2026-12-01", "Ineke Bos", "vastgelegd: signaal"),
        ("2026-12-02", "Carla Coördinator", "gewist: signaal"),
        ("2026-12-02", "vix (automatisch)", "klaargezet: bericht"),  # to the school
        ("2026-12-03", "Karin Arts", "vastgelegd: gegevens jeugdige"),
        ("2026-12-03", "Karin Arts", "vastgelegd: signaal"),
        (
            "2026-12-04",
            "Carla Coördinator",
            "inzage voor ouders/jeugdige gemaakt: gegevens jeugdige",
        ),
    ]


def test_a_pupil_imported_in_the_second_of_another_child_s_records_gets_none_of_them(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """Anna's BSN was a typo, corrected at 11:00; the school's list then registers Bram
    under that number with the clock back at 10:00 (a run in the same second does the
    same): the import's first second bounded Bram's log and took in Anna's signal
    (review). The correction bounds it, whatever the clock said."""
    from import_helpers import pupil, write_list

    anna = ["--voornaam", "Anna", "--achternaam", "Vries", "--geboortedatum", "03-04-2014",
            "--gemeente", "HAARLEM"]  # fmt: skip
    ok(vix("signaleer", BSN_ANNA, *anna, *INFORMED, als=region.school, now="2026-12-01T10:00:00"))
    fix = ("jeugdige", "corrigeer", BSN_ANNA, "--bsn", BSN_BRAM)
    ok(vix(*fix, als=region.coordinator, now="2026-12-01T11:00:00"))
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Bram", "Bos")])
    imported = ("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil")
    ok(vix(*imported, als=region.admin, now="2026-12-01T10:00:00"))
    z = inzage(vix, region, "--bsn", BSN_ANNA, now="2026-12-02T09:00:00")
    assert z["signals"] == []
    assert "Ineke Bos" not in {who for _, who, _ in log(z)}
