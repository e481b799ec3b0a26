"""The substitute number of a youth without a BSN reads the surname with its infix.

Dutch surnames have a tussenvoegsel ("de", "van der", "'t") that vix stores
apart. One professional types "de Vries" in the surname field, another types
"de" as infix and "Vries" as surname: the same child, so the same substitute
number [BJW 7.3.1], one registration and a match. The parents' inzage by
surname, birth date and sex finds the youth whichever way they split the name.
What the professional typed stays as typed: only the derivation normalises.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import INFORMED, Region, Runner, as_json, db_rows, ok, signal

from vix import cli_signal

BORN = ["--geboortedatum", "05-06-2015", "--geslacht", "M", "--gemeente", "HAARLEM"]


def without_bsn(infix: str, surname: str) -> list[str]:
    """`vix signaleer` arguments for Daan, signalled without a BSN by this split of his name."""
    split = ["--tussenvoegsel", infix] if infix else []
    return ["--zonder-bsn", "--voornaam", "Daan", *split, "--achternaam", surname, *BORN]


SPLITS = [
    # (first signaller's infix and surname, second signaller's)
    (("", "de Vries"), ("de", "Vries")),
    (("de", "Vries"), ("", "De Vries")),
    (("", "deVries"), ("De", "vries")),
    (("van der", "Berg"), ("", "Van der Berg")),
    (("", "van den Heuvel-Ğül"), ("van den", "Heuvel-Gul")),
    (("'t", "Hart"), ("", "'t Hart")),
]


@pytest.mark.parametrize(("first", "second"), SPLITS)
def test_two_splits_of_one_surname_are_one_youth_and_a_match(
    vix: Runner,
    region: Region,
    vix_env: Path,
    first: tuple[str, str],
    second: tuple[str, str],
) -> None:
    school = signal(vix, region.school, *without_bsn(*first))
    assert school["matches"] == []
    jgz = signal(vix, region.jgz, *without_bsn(*second))
    assert [m["kind"] for m in jgz["matches"]] == ["youth"]
    # the registration keeps the name as the first signaller typed it
    [youth] = db_rows(vix_env, "SELECT id_kind, infix, surname FROM youths")
    assert tuple(youth) == ("substitute", *first)
    members = {p["organisation"] for p in jgz["matches"][0]["members"]}
    assert members == {"Basisschool De Zonnebloem", "JGZ Kennemerland"}


def test_a_typed_substitute_number_fits_any_split_of_the_surname(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *without_bsn("", "de Vries"))
    [(number,)] = db_rows(vix_env, "SELECT bsn FROM youths")
    typed = [number, "--voornaam", "Daan", "--tussenvoegsel", "de", "--achternaam", "Vries", *BORN]
    answer = signal(vix, region.jgz, *typed)
    assert [m["kind"] for m in answer["matches"]] == ["youth"]
    # another surname is still another child: refused, nothing stored
    other = [number, "--voornaam", "Daan", "--tussenvoegsel", "de", "--achternaam", "Vos", *BORN]
    wrong = vix("signaleer", *other, *INFORMED, als=region.care)
    assert wrong.exit_code == 1
    assert "vervangend nummer hoort niet bij deze achternaam" in wrong.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 2


def test_the_infix_asked_at_the_prompt_counts_too(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_signal, "stdin_is_terminal", lambda: True)
    signal(vix, region.school, *without_bsn("", "de Vries"))
    typed = ["Daan", "de", "Vries", "05-06-2015", "m", "HAARLEM", "", "", "j", "j", ""]
    result = vix("signaleer", "--zonder-bsn", als=region.jgz, input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "Tussenvoegsel (leeg als er geen is)" in result.stderr
    assert "Signaal 2 afgegeven op Daan de Vries" in result.stdout
    assert "cliëntmatch" in result.stdout
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 1


@pytest.mark.parametrize(
    ("signalled", "asked"),
    [
        (("de", "Vries"), ["--achternaam", "de Vries"]),
        (("de", "Vries"), ["--achternaam", "DEVRIES"]),
        (("", "de Vries"), ["--tussenvoegsel", "de", "--achternaam", "Vries"]),
        (("de", "Vries"), ["--tussenvoegsel", "De", "--achternaam", "vries"]),
    ],
)
def test_the_inzage_by_name_finds_the_youth_whatever_the_split(
    vix: Runner, region: Region, signalled: tuple[str, str], asked: list[str]
) -> None:
    signal(vix, region.school, *without_bsn(*signalled))
    derived = [*asked, "--geboortedatum", "5-6-2015", "--geslacht", "m"]
    result = ok(vix("inzage", *derived, "--json", als=region.coordinator))
    z = as_json(result)
    assert (z["found"], z["name"]) == (True, "Daan de Vries")
    assert [s["organisation"] for s in z["signals"]] == ["Basisschool De Zonnebloem"]
    assert result.stderr == ""


def test_the_inzage_takes_an_infix_only_with_the_surname(vix: Runner, region: Region) -> None:
    alone = vix("inzage", "--bsn", "111222333", "--tussenvoegsel", "de", als=region.coordinator)
    assert (alone.exit_code, alone.stdout) == (2, "")
    assert "Geef de jeugdige op één manier aan" in alone.stderr
    short = vix("inzage", "--tussenvoegsel", "de", "--geslacht", "V", als=region.coordinator)
    assert short.exit_code == 2
    assert "ook nodig: --achternaam, --geboortedatum." in short.stderr


def test_a_corrected_infix_derives_the_number_again(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *without_bsn("", "Vries"))
    [(vn,)] = db_rows(vix_env, "SELECT bsn FROM youths")
    done = as_json(
        vix("jeugdige", "corrigeer", vn, "--tussenvoegsel", "de", "--json", als=region.coordinator)
    )
    assert done["corrected"] == ["nummer", "tussenvoegsel"]
    [(new_vn,)] = db_rows(vix_env, "SELECT bsn FROM youths")
    assert new_vn != vn
    # the corrected registration is the one a second signaller typing "de Vries" finds
    answer = signal(vix, region.jgz, *without_bsn("", "de Vries"))
    assert [m["kind"] for m in answer["matches"]] == ["youth"]
    # moving the infix into the surname field is the same name: the number stays
    done = as_json(
        vix(
            "jeugdige",
            "corrigeer",
            new_vn,
            "--tussenvoegsel",
            "",
            "--achternaam",
            "de Vries",
            "--json",
            als=region.coordinator,
        )
    )
    assert done["corrected"] == ["tussenvoegsel", "achternaam"]
    assert db_rows(vix_env, "SELECT bsn, infix, surname FROM youths")[0][:] == (
        new_vn,
        "",
        "de Vries",
    )


# -- databases from before migration 0011: numbers of the surname field alone ----------


def vn(folded: str, born: str, sex: str) -> str:
    """A substitute number of a name folded to A-Z (before 0011: the surname field alone)."""
    digest = hashlib.sha256(f"{folded}|{born}|{sex}".encode()).hexdigest()
    return "VN" + digest[:12].upper()


def as_before_0011(db: Path, infixes: dict[str, str]) -> None:
    """Make youths registered by surname only look as vix stored them before 0011, and
    make 0011 pending again: an upgrade on the next command.

    A youth registered as surname 'Vries' has the number of VRIES, which is the number
    the old rule gave to infix 'de' + surname 'Vries': `infixes` adds the infix.
    """
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.executemany(
            "UPDATE youths SET infix = ? WHERE bsn = ?",
            [(infix, number) for number, infix in infixes.items()],
        )
        conn.execute(
            "DELETE FROM _sqlite_migrations WHERE name = '0011_substitute_numbers_read_the_infix'"
        )
    finally:
        conn.close()


NOOR = ["--zonder-bsn", "--voornaam", "Noor", "--geboortedatum", "01-02-2016", "--geslacht", "V"]


def test_an_upgrade_renumbers_and_leaves_the_duplicates_to_the_coordinator(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # before the upgrade: Daan signalled as 'de' + 'Vries'; Noor as 'van' + 'Dijk' by the
    # school and as 'van Dijk' by youth health care, two registrations without a match
    signal(vix, region.school, *without_bsn("", "Vries"))
    noor = [*NOOR, "--gemeente", "HAARLEM"]
    signal(vix, region.school, *noor, "--achternaam", "Dijk")
    second = signal(vix, region.jgz, *noor, "--achternaam", "van Dijk")
    assert second["matches"] == []
    daan_new, daan_old = vn("DEVRIES", "2015-06-05", "M"), vn("VRIES", "2015-06-05", "M")
    noor_new, noor_old = vn("VANDIJK", "2016-02-01", "V"), vn("DIJK", "2016-02-01", "V")
    as_before_0011(vix_env, {daan_old: "de", noor_old: "van"})

    # the upgrade (on the next command): Daan has the number of 'de Vries', and the
    # inzage by that name lists what was logged under his old number
    z = as_json(vix("inzage", "--achternaam", "de Vries", *BORN[:4], "--json", als=region.admin))
    assert (z["found"], z["name"]) == (True, "Daan de Vries")
    assert db_rows(vix_env, "SELECT bsn FROM youths WHERE given_name = 'Daan'")[0][0] == daan_new
    actions = [(e["who"], e["action"]) for e in z["log"]]
    assert ("Ineke Bos", "vastgelegd: signaal") in actions
    assert ("vix (automatisch)", "nummer van de jeugdige vervangen: gegevens jeugdige") in actions
    old = as_json(vix("inzage", "--nummer", daan_old, "--json", als=region.admin))
    assert (old["found"], old["replaced_by"]) == (False, "vervangend nummer")
    # a second signaller who types 'de Vries' now finds him
    answer = signal(vix, region.care, *without_bsn("", "de Vries"))
    assert [m["kind"] for m in answer["matches"]] == ["youth"]

    # Noor's first registration kept its number: the new one is her second's
    numbers = dict(db_rows(vix_env, "SELECT surname, bsn FROM youths WHERE given_name = 'Noor'"))
    assert numbers == {"Dijk": noor_old, "van Dijk": noor_new}
    refused = vix("jeugdige", "dubbel", als=region.school)
    assert refused.exit_code == 1 and "mag alleen" in refused.stderr
    listed = as_json(vix("jeugdige", "dubbel", "--json", als=region.coordinator))
    assert listed == [
        {
            "registration": {
                "number": noor_old,
                "name": "Noor van Dijk",
                "surname": "Dijk",
                "birth_date": "2016-02-01",
                "municipality": "HAARLEM",
            },
            "holder": {
                "number": noor_new,
                "name": "Noor van Dijk",
                "surname": "van Dijk",
                "birth_date": "2016-02-01",
                "municipality": "HAARLEM",
            },
            "kept_apart": None,
            "also_old": False,
        }
    ]
    text = ok(vix("jeugdige", "dubbel", als=region.coordinator)).stdout
    assert f"vix jeugdige samenvoegen {noor_old} {noor_new}" in text
    # correcting the old registration would take her other one's number: refused, with a way
    taken = vix("jeugdige", "corrigeer", noor_old, "--postcode", "2011AB", als=region.coordinator)
    assert taken.exit_code == 1 and "vix jeugdige samenvoegen" in taken.stderr
    # the coordinator judges them one child and merges: now the school and JGZ match
    ok(vix("jeugdige", "samenvoegen", noor_old, noor_new, als=region.coordinator))
    [own] = as_json(vix("matches", "--json", als=region.jgz))
    assert own["kind"] == "youth"
    none = ok(vix("jeugdige", "dubbel", als=region.coordinator))
    assert none.stdout == "" and "Geen jeugdigen zonder BSN" in none.stderr
    # every registration listed was a read, logged under its pseudonym, never a number
    audit = " ".join(str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log"))
    assert "VN" not in audit


def test_a_duplicate_merged_the_wrong_way_round_gets_its_number_by_a_correction(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    noor = [*NOOR, "--gemeente", "HAARLEM"]
    signal(vix, region.school, *noor, "--achternaam", "Dijk")
    signal(vix, region.jgz, *noor, "--achternaam", "van Dijk")
    noor_new, noor_old = vn("VANDIJK", "2016-02-01", "V"), vn("DIJK", "2016-02-01", "V")
    as_before_0011(vix_env, {noor_old: "van"})
    # the old number is kept, and the newer registration goes up in it
    ok(vix("jeugdige", "samenvoegen", noor_new, noor_old, als=region.coordinator))
    [listed] = as_json(vix("jeugdige", "dubbel", "--json", als=region.coordinator))
    assert listed["registration"]["number"] == noor_old and listed["holder"] is None
    text = ok(vix("jeugdige", "dubbel", als=region.coordinator)).stdout
    hint = f"vix jeugdige corrigeer {noor_old} --achternaam Dijk"
    assert hint in text
    done = as_json(vix(*hint.split()[1:], "--json", als=region.coordinator))
    assert done["corrected"] == ["nummer"]
    assert db_rows(vix_env, "SELECT bsn FROM youths")[0][0] == noor_new
    assert as_json(vix("jeugdige", "dubbel", "--json", als=region.coordinator)) == []


# -- the inzage of a youth with a second registration -------------------------------------

NOOR_BY_NAME = ["--geboortedatum", "01-02-2016", "--geslacht", "V"]


def two_registrations(vix: Runner, region: Region, vix_env: Path, second: str) -> tuple[str, str]:
    """Noor signalled as 'van' + 'Dijk' by the school and `second` + 'van Dijk' by youth
    health care before 0011, and upgraded: (the old number she keeps, the number held)."""
    noor = [*NOOR, "--gemeente", "HAARLEM"]
    signal(vix, region.school, *noor, "--achternaam", "Dijk")
    other = ["--voornaam", second, *noor[3:]]
    signal(vix, region.jgz, "--zonder-bsn", *other, "--achternaam", "van Dijk")
    old, new = vn("DIJK", "2016-02-01", "V"), vn("VANDIJK", "2016-02-01", "V")
    as_before_0011(vix_env, {old: "van"})
    return old, new


def refused_inzages(vix_env: Path) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in db_rows(
            vix_env,
            "SELECT a.action, y.given_name, y.surname, a.subject IS NOT NULL FROM audit_log a"
            " LEFT JOIN youths y ON y.id = a.entity_id"
            " WHERE a.action LIKE 'inzage%' ORDER BY a.id",
        )
    ]


def test_no_inzage_of_one_registration_while_a_second_is_not_merged(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    old, new = two_registrations(vix, region, vix_env, "Noor")
    # only the coordinator or the administrator makes an inzage: nobody else learns of the pair
    school = vix("inzage", "--achternaam", "van Dijk", *NOOR_BY_NAME, als=region.school)
    assert school.exit_code == 1 and "mag alleen" in school.stderr
    assert old not in school.stderr and new not in school.stderr

    # by name, split either way: the number derived is held, the older registration would
    # be left out without a word: refused, with both numbers and the merge to run
    for split in (["--tussenvoegsel", "van", "--achternaam", "Dijk"], ["--achternaam", "vanDijk"]):
        refused = vix("inzage", *split, *NOOR_BY_NAME, als=region.coordinator)
        assert (refused.exit_code, refused.stdout) == (1, "")
        assert "mogelijk twee keer geregistreerd" in refused.stderr
        assert "er is geen inzage gemaakt" in refused.stderr
        assert f"{old}  Noor van Dijk, geboren 01-02-2016, HAARLEM (oud nummer)" in refused.stderr
        assert f"{new}  Noor van Dijk, geboren 01-02-2016, HAARLEM\n" in refused.stderr
        assert f"vix jeugdige samenvoegen {old} {new}" in refused.stderr
    # by either number the same: no JSON, no file
    by_old = vix("inzage", "--nummer", old, "--json", als=region.coordinator)
    assert (by_old.exit_code, by_old.stdout) == (1, "")
    assert f"vix jeugdige samenvoegen {old} {new}" in by_old.stderr
    target = vix_env.parent / "inzage.html"
    html = ["--formaat", "html", "--uitvoer", str(target)]
    by_new = vix("inzage", "--nummer", new, *html, als=region.admin)
    assert by_new.exit_code == 1 and "mogelijk twee keer geregistreerd" in by_new.stderr
    assert not target.exists()
    # each refusal is logged, once per registration shown, under its pseudonym (rule 18)
    assert refused_inzages(vix_env) == 4 * [
        ("inzage_refused", "Noor", "Dijk", 1),
        ("inzage_refused", "Noor", "van Dijk", 1),
    ]
    assert "VN" not in " ".join(str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log"))

    # merged, the inzage by name is whole: both signals, and the refusals in the log
    ok(vix("jeugdige", "samenvoegen", old, new, als=region.coordinator))
    result = ok(
        vix("inzage", "--achternaam", "van Dijk", *NOOR_BY_NAME, "--json", als=region.admin)
    )
    z = as_json(result)
    assert result.stderr == ""
    assert [s["organisation"] for s in z["signals"]] == [
        "Basisschool De Zonnebloem",
        "JGZ Kennemerland",
    ]
    refusals = [e for e in z["log"] if e["action"].startswith("inzage voor ouders/jeugdige niet")]
    assert len(refusals) == 8
    assert refusals[0]["action"] == (
        "inzage voor ouders/jeugdige niet gemaakt (tweede registratie): gegevens jeugdige"
    )


def test_twins_left_apart_get_an_inzage_each_by_number(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    noor, fleur = two_registrations(vix, region, vix_env, "Fleur")
    refused = vix("inzage", "--achternaam", "van Dijk", *NOOR_BY_NAME, als=region.coordinator)
    assert refused.exit_code == 1
    assert "Noor van Dijk" in refused.stderr and "Fleur van Dijk" in refused.stderr
    assert "--nummer NUMMER --apart" in refused.stderr
    # the coordinator judged them two children: each registration alone, by its number
    for number, name, organisation in (
        (noor, "Noor van Dijk", "Basisschool De Zonnebloem"),
        (fleur, "Fleur van Dijk", "JGZ Kennemerland"),
    ):
        answer = ok(vix("inzage", "--nummer", number, "--apart", "--json", als=region.coordinator))
        z = as_json(answer)
        assert (z["found"], z["name"], z["number"]) == (True, name, number)
        assert [s["organisation"] for s in z["signals"]] == [organisation]
        assert z["log"][-1]["action"] == "inzage voor ouders/jeugdige gemaakt: gegevens jeugdige"
    made = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'inzage'")
    assert [r[0] for r in made] == ['{"apart": true}', '{"apart": true}']
    # by name nothing tells the twins apart: --apart needs the number
    misuse = vix(
        "inzage", "--achternaam", "van Dijk", *NOOR_BY_NAME, "--apart", als=region.coordinator
    )
    assert (misuse.exit_code, misuse.stdout) == (2, "")
    assert "--apart hoort bij --nummer" in misuse.stderr


def test_a_registration_that_keeps_its_old_number_alone_is_found_by_name(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    old, new = two_registrations(vix, region, vix_env, "Noor")
    # merged the wrong way round: the one registration left keeps the number of 'Dijk'
    ok(vix("jeugdige", "samenvoegen", new, old, als=region.coordinator))
    result = ok(
        vix("inzage", "--achternaam", "van Dijk", *NOOR_BY_NAME, "--json", als=region.admin)
    )
    z = as_json(result)
    assert (z["found"], z["name"], z["number"]) == (True, "Noor van Dijk", old)
    assert len(z["signals"]) == 2
    assert result.stderr == ""
    # the inzage is logged under the number the registration holds, as all else about her
    assert refused_inzages(vix_env) == [("inzage", None, None, 1)]
    by_number = as_json(vix("inzage", "--nummer", old, "--json", als=region.admin))
    assert [e["action"] for e in by_number["log"]].count(
        "inzage voor ouders/jeugdige gemaakt: gegevens jeugdige"
    ) == 2


def test_a_name_that_ends_another_childs_name_is_no_second_registration(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """A database made since 0011: Lisa Vries and Lisa de Vries are two children, each
    with her own number, and each inzage shows one of them as before."""
    lisa = ["--voornaam", "Lisa", "--geboortedatum", "01-02-2015", "--geslacht", "V"]
    signal(vix, region.school, "--zonder-bsn", *lisa, "--achternaam", "Vries", *BORN[4:])
    signal(vix, region.jgz, "--zonder-bsn", *lisa, "--achternaam", "de Vries", *BORN[4:])
    for asked, organisation in (
        (["--tussenvoegsel", "de", "--achternaam", "Vries"], "JGZ Kennemerland"),
        (["--achternaam", "Vries"], "Basisschool De Zonnebloem"),
    ):
        result = ok(vix("inzage", *asked, *lisa[2:], "--json", als=region.coordinator))
        z = as_json(result)
        assert [s["organisation"] for s in z["signals"]] == [organisation]
        assert result.stderr == ""
        # --apart changes nothing for a youth registered once
        number = find_number(vix_env, organisation)
        apart = as_json(
            vix("inzage", "--nummer", number, "--apart", "--json", als=region.coordinator)
        )
        assert (apart["name"], apart["signals"]) == (z["name"], z["signals"])
    made = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'inzage'")
    assert [r[0] for r in made] == 4 * [None]


def find_number(db: Path, organisation: str) -> str:
    found: str = db_rows(
        db,
        "SELECT y.bsn FROM youths y JOIN signals s ON s.youth_id = y.id"
        " JOIN organisations o ON o.id = s.organisation_id WHERE o.name = ?",
        (organisation,),
    )[0][0]
    return found
