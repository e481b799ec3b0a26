"""Administrators connect municipalities, organisations and professionals (rule 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ADMIN, Region, Runner, as_json, db_rows, ok


def test_lists_show_what_was_added(vix: Runner, region: Region) -> None:
    towns = as_json(vix("gemeente", "lijst", "--json", als=ADMIN))
    assert [(t["code"], t["director_email"]) for t in towns] == [
        ("HAARLEM", region.regie),
        ("ZANDVOORT", None),
    ]
    orgs = {o["code"]: o for o in as_json(vix("organisatie", "lijst", "--json", als=ADMIN))}
    assert orgs["GI"]["domain"] == "youth_protection"
    assert orgs["ZON"]["municipality"] == "HAARLEM"
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    assert pros[region.school]["role"] == "signaller"
    assert pros[region.school]["organisation_code"] == "ZON"
    assert pros[region.coordinator]["organisation_code"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gemeente", "toevoegen", "HAARLEM", "Haarlem"], "bestaat al"),
        (["organisatie", "toevoegen", "X", "X", "--domein", "circus"], "Onbekend domein"),
        (
            [
                "organisatie",
                "toevoegen",
                "X",
                "X",
                "--domein",
                "onderwijs",
                "--gemeente",
                "NERGENS",
            ],
            "bestaat niet",
        ),
        (["organisatie", "toevoegen", "ZON", "Dubbel", "--domein", "onderwijs"], "bestaat al"),
        (["professional", "toevoegen", "a@b.nl", "A", "--rol", "koning"], "Onbekende rol"),
        (
            ["professional", "toevoegen", "a@b.nl", "123456782", "--rol", "coordinator"],
            "De naam bevat een nummer",
        ),
        (["organisatie", "toevoegen", "LANG", "O" * 101, "--domein", "onderwijs"], "100 tekens"),
        (
            ["professional", "toevoegen", "geen-mail", "A", "--rol", "coordinator"],
            "geen geldig e-mailadres",
        ),
        (
            ["professional", "toevoegen", "a@b.nl", "A", "--rol", "meldingsbevoegde"],
            "hoort bij een organisatie",
        ),
        (
            [
                "professional",
                "toevoegen",
                "ib@zonnebloem.nl",
                "A",
                "--rol",
                "meldingsbevoegde",
                "--organisatie",
                "ZON",
            ],
            "Er is al een professional",
        ),
    ],
)
def test_bad_admin_input_is_refused_in_dutch(
    vix: Runner, region: Region, vix_env: Path, args: list[str], message: str
) -> None:
    before = db_rows(vix_env, "SELECT count(*) FROM audit_log")[0][0]
    result = vix(*args, als=ADMIN)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert db_rows(vix_env, "SELECT count(*) FROM audit_log")[0][0] == before


@pytest.mark.parametrize("who", ["school", "coordinator", "manager", "regie"])
def test_only_administrators_connect(vix: Runner, region: Region, who: str) -> None:
    result = vix(
        "organisatie",
        "toevoegen",
        "NIEUW",
        "Nieuw",
        "--domein",
        "onderwijs",
        als=getattr(region, who),
    )
    assert result.exit_code == 1
    assert "mag alleen met de rol functioneel beheerder" in result.stderr


def test_org_manager_sees_own_organisation_only(vix: Runner, region: Region) -> None:
    pros = as_json(vix("professional", "lijst", "--json", als=region.manager))
    assert {p["organisation_code"] for p in pros} == {"ZON"}
    refused = vix("professional", "lijst", als=region.school)
    assert refused.exit_code == 1


def test_professional_list_of_one_organisation(vix: Runner, region: Region) -> None:
    # the manager of ZON asked for JGZ and silently got ZON's list; an administrator's
    # mistyped code gave an empty table, as if the organisation had nobody
    def emails(als: str, code: str) -> set[str]:
        found = as_json(vix("professional", "lijst", "--organisatie", code, "--json", als=als))
        return {p["email"] for p in found}

    assert emails(ADMIN, "JGZ") == {region.jgz}
    assert emails(region.manager, "ZON") == {
        region.school,
        region.school_colleague,
        region.manager,
    }
    board = "ic@zonnebloem.nl"  # an organisation coordinator is held to ZON the same way
    role = ["--rol", "instellingscoordinator", "--organisatie", "ZON"]
    ok(vix("professional", "toevoegen", board, "Ida Coord", *role, als=ADMIN))
    for who in (region.manager, board):
        other = vix("professional", "lijst", "--organisatie", "JGZ", als=who)
        assert (other.exit_code, other.stdout) == (1, "")
        assert "alleen de professionals van uw eigen organisatie (ZON)" in other.stderr
        assert "Laat --organisatie weg of geef ZON." in other.stderr
    for who in (ADMIN, region.manager):
        unknown = vix("professional", "lijst", "--organisatie", "BESTAATNIET", als=who)
        assert (unknown.exit_code, unknown.stdout) == (1, "")
        assert "Organisatie 'BESTAATNIET' bestaat niet" in unknown.stderr


def test_unknown_and_inactive_actors(vix: Runner, region: Region) -> None:
    unknown = vix("signalen", als="niemand@nergens.nl")
    assert unknown.exit_code == 1 and "geen professional" in unknown.stderr
    missing = vix("signalen")
    assert missing.exit_code == 2 and "--als" in missing.stderr
    ok(vix("professional", "deactiveer", region.school, als=ADMIN))
    inactive = vix("signalen", als=region.school)
    assert inactive.exit_code == 1 and "niet (meer) actief" in inactive.stderr
    # it said only that: now who can put it back, and how
    assert (
        "vraag dan de functioneel beheerder het terug te zetten met 'vix professional activeer "
        f"{region.school}'" in " ".join(inactive.stderr.split())
    )
    ok(vix("organisatie", "deactiveer", "JGZ", als=ADMIN))
    org_inactive = vix("signalen", als=region.jgz)
    assert org_inactive.exit_code == 1 and "JGZ" in org_inactive.stderr
    assert (
        "vraag dan de functioneel beheerder haar terug te zetten met 'vix organisatie "
        "activeer JGZ'" in " ".join(org_inactive.stderr.split())
    )


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["professional", "deactiveer", "nobody@x.nl"], "'vix professional lijst'"),
        (["professional", "activeer", "nobody@x.nl"], "'vix professional lijst'"),
        (["gemeente", "toevoegen", "haarlem", "Haarlem"], "'vix gemeente wijzig HAARLEM'"),
        (
            ["organisatie", "toevoegen", "ZON", "Dubbel", "--domein", "onderwijs"],
            "'vix organisatie lijst'",
        ),
        (["instelling", "zet", "stagnatie_dagen", "vijf"], "kies een getal van 1 tot en met 365"),
        (["instelling", "zet", "werkdagen", "misschien"], "geef ja of nee"),
    ],
)
def test_a_refusal_says_the_way_out(
    vix: Runner, region: Region, vix_env: Path, args: list[str], hint: str
) -> None:
    before = db_rows(vix_env, "SELECT count(*) FROM audit_log")[0][0]
    result = vix(*args, als=ADMIN)
    assert (result.exit_code, result.stdout) == (1, "")
    assert hint in " ".join(result.stderr.split())
    assert db_rows(vix_env, "SELECT count(*) FROM audit_log")[0][0] == before


def test_every_change_is_audited(vix: Runner, region: Region, vix_env: Path) -> None:
    """Each change the region's set-up made (conftest.py): `vix init` creates the
    administrator, who makes the rest."""
    rows = db_rows(
        vix_env,
        "SELECT a.action, a.entity, coalesce(p.email, '-'), count(*) FROM audit_log a"
        " LEFT JOIN professionals p ON p.id = a.actor_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    assert [tuple(r) for r in rows] == [
        ("create", "municipality", region.admin, 2),
        ("create", "organisation", region.admin, 6),
        ("create", "professional", "-", 1),
        ("create", "professional", region.admin, 9),
        ("update", "municipality", region.admin, 1),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gemeente", "toevoegen", "ZV", "Zandvoort 123456782"], "De naam bevat een nummer"),
        (
            ["organisatie", "toevoegen", "JH2", "Jeugdhulp 111222333", "--domein", "jeugdhulp"],
            "De naam bevat een nummer",
        ),
        (["instellingsadres", "2011AB", "1", "Linde 111222333"], "De naam bevat een nummer"),
        (["instellingsadres", "2011AB", "1", ""], "Geef de naam van de instelling."),
        (["instellingsadres", "2011AB", "1", "  "], "Geef de naam van de instelling."),
        (["gemeente", "toevoegen", "ZV", " "], "Geef een code en een naam voor de gemeente."),
        (
            # an empty name clears it (tests/test_alderman_name.py); a number is refused
            ["gemeente", "wijzig", "HAARLEM", "--wethouder", "W. 123456782"],
            "De naam van de wethouder bevat een nummer",
        ),
        (
            ["organisatie", "toevoegen", "111222333", "Jeugdhulp", "--domein", "jeugdhulp"],
            "De code is een nummer",
        ),
        (
            ["organisatie", "toevoegen", "111 222 333", "Jeugdhulp", "--domein", "jeugdhulp"],
            "De code is een nummer",
        ),
        (
            ["organisatie", "toevoegen", "12345", "Jeugdhulp", "--domein", "jeugdhulp"],
            "De code is een nummer",
        ),
        (
            ["organisatie", "toevoegen", "JH-123456782", "Jeugdhulp", "--domein", "jeugdhulp"],
            "De code is een nummer",
        ),
        (["gemeente", "toevoegen", "123456782", "Zandvoort"], "De code is een nummer"),
    ],
)
def test_a_number_or_nothing_in_a_name_or_code_is_refused(
    vix: Runner, region: Region, vix_env: Path, args: list[str], message: str
) -> None:
    # README: a name with five or more digits is a BSN in the wrong field; it held for
    # youths and professionals only, and a code that is a BSN stood in every list
    tables = ("municipalities", "organisations", "institution_addresses", "audit_log")
    before = [db_rows(vix_env, f"SELECT * FROM {t}") for t in tables]
    result = vix(*args, als=ADMIN)
    assert (result.exit_code, result.stdout) == (1, "")
    assert message in result.stderr
    assert "222" not in result.stderr and "456" not in result.stderr  # never echoed
    assert [db_rows(vix_env, f"SELECT * FROM {t}") for t in tables] == before


def test_a_code_with_letters_and_the_echo_is_normalised(vix: Runner, region: Region) -> None:
    # it echoed the raw input: 'Organisatie  ZON2  toegevoegd.'
    added = ok(
        vix("organisatie", "toevoegen", " ZON2 ", "De Zon 2", "--domein", "onderwijs", als=ADMIN)
    )
    assert added.stderr == "Organisatie ZON2 toegevoegd.\n"
    brin = ok(
        vix("organisatie", "toevoegen", "12AB00", "BRIN-school", "--domein", "onderwijs", als=ADMIN)
    )
    assert brin.stderr == "Organisatie 12AB00 toegevoegd.\n"
    town = ok(vix("gemeente", "toevoegen", " BLOEM ", " Bloemendaal ", als=ADMIN))
    assert town.stderr == "Gemeente BLOEM toegevoegd.\n"
    person = ok(
        vix("professional", "toevoegen", " x@zon.nl ", "X", "--rol", "coordinator", als=ADMIN)
    )
    assert person.stderr == "Professional x@zon.nl toegevoegd als regionaal coördinator.\n"
    changed = ok(vix("gemeente", "wijzig", " bloem ", "--wethouder", "B. Bloem", als=ADMIN))
    assert changed.stderr == "Gemeente BLOEM bijgewerkt.\n"


def test_institution_address(vix: Runner, region: Region, vix_env: Path) -> None:
    ok(vix("instellingsadres", "2011 ab", "1", "Leefgroep De Linde", als=ADMIN))
    assert [tuple(r) for r in db_rows(vix_env, "SELECT * FROM institution_addresses")] == [
        ("2011AB-1", "Leefgroep De Linde")
    ]
    bad = vix("instellingsadres", "20111", "1", "X", als=ADMIN)
    assert bad.exit_code == 1 and "Postcode" in bad.stderr


def test_a_municipality_change_without_a_change_is_misuse(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # it said 'bijgewerkt' and wrote an 'update' audit record that changed nothing
    before = db_rows(vix_env, "SELECT COUNT(*) FROM audit_log")[0][0]
    result = vix("gemeente", "wijzig", "HAARLEM", als=ADMIN)
    assert result.exit_code == 2
    assert "Geef --regievoerder, --wethouder of --wethouder-email." in result.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM audit_log")[0][0] == before


def test_a_municipality_change_logs_which_fields_changed(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # it logged 'update municipality' without saying what changed
    ok(vix("professional", "toevoegen", "regie2@haarlem.nl", "Rob Regie", "--rol", "regievoerder",
           "--organisatie", "GEM", als=ADMIN))  # fmt: skip
    args = ["--regievoerder", "regie2@haarlem.nl", "--wethouder", "W. Wethouder"]
    ok(
        vix(
            "gemeente",
            "wijzig",
            "HAARLEM",
            *args,
            "--wethouder-email",
            "nieuw@haarlem.nl",
            als=ADMIN,
        )
    )
    ids = dict(db_rows(vix_env, "SELECT email, id FROM professionals"))
    admin_id = ids[ADMIN]
    (row,) = db_rows(
        vix_env,
        "SELECT actor_id, detail FROM audit_log WHERE entity = 'municipality'"
        " AND action = 'update' ORDER BY id DESC LIMIT 1",
    )
    assert row["actor_id"] == admin_id
    detail = json.loads(row["detail"])
    # the wethouder's name was given but not changed; his or her address is named, not logged
    assert detail == {
        "velden": ["regievoerder", "wethouder_email"],
        "regievoerder": {"oud": ids[region.regie], "nieuw": ids["regie2@haarlem.nl"]},
    }
    assert "nieuw@haarlem.nl" not in row["detail"]


@pytest.mark.parametrize(
    ("command", "detail"),
    [
        (
            ["zet", "stagnatie_dagen", "30"],
            {"sleutel": "stagnatie_dagen", "oud": 5, "oud_standaard": True, "nieuw": 30},
        ),
        (
            ["wis", "stagnatie_dagen"],
            {"sleutel": "stagnatie_dagen", "oud": 30, "oud_standaard": False, "nieuw": 5},
        ),
    ],
)
def test_a_setting_change_logs_old_and_new_value(
    vix: Runner, region: Region, vix_env: Path, command: list[str], detail: dict[str, object]
) -> None:
    # it logged only the key: a change of stagnatie_dagen from 5 to 30 could not be traced
    if command[0] == "wis":
        ok(vix("instelling", "zet", "stagnatie_dagen", "30", als=ADMIN))
    ok(vix("instelling", *command, als=ADMIN))
    (row,) = db_rows(
        vix_env,
        "SELECT action, detail FROM audit_log WHERE entity = 'setting' ORDER BY id DESC LIMIT 1",
    )
    assert row["action"] == ("update" if command[0] == "zet" else "reset")
    assert json.loads(row["detail"]) == detail


def test_no_professional_is_added_to_an_inactive_organisation(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # it was added silently, and could then do nothing and got no notice
    ok(vix("organisatie", "deactiveer", "JGZ", als=ADMIN))
    before = db_rows(vix_env, "SELECT count(*) FROM audit_log")[0][0]
    role = ["--rol", "meldingsbevoegde", "--organisatie", "jgz"]
    result = vix("professional", "toevoegen", "nieuw@jgz.nl", "Nina Nieuw", *role, als=ADMIN)
    assert (result.exit_code, result.stdout) == (1, "")
    assert "Zet haar eerst terug met 'vix organisatie activeer JGZ'" in " ".join(
        result.stderr.split()
    )
    assert db_rows(vix_env, "SELECT count(*) FROM audit_log")[0][0] == before
    assert not db_rows(vix_env, "SELECT 1 FROM professionals WHERE email = 'nieuw@jgz.nl'")
    ok(vix("organisatie", "activeer", "JGZ", als=ADMIN))
    ok(vix("professional", "toevoegen", "nieuw@jgz.nl", "Nina Nieuw", *role, als=ADMIN))


def test_help_says_who_may_use_the_lists(vix: Runner) -> None:
    # the groups said 'alleen functioneel beheerder' while everyone may use 'lijst', and
    # 'professional lijst' left out the organisation coordinator it serves
    flat = " ".join(vix("gemeente", "--help").stdout.split())
    assert "alleen de functioneel beheerder wijzigt, de lijst is voor iedereen" in flat
    flat = " ".join(vix("organisatie", "--help").stdout.split())
    assert "alleen de functioneel beheerder wijzigt, de lijst is voor iedereen" in flat
    flat = " ".join(vix("professional", "lijst", "--help").stdout.split())
    assert "instantiebeheerder en instellingscoördinator: eigen organisatie" in flat


def test_everyone_may_list_municipalities_and_organisations(vix: Runner, region: Region) -> None:
    # a signaller needs the municipality code for 'signaleer --gemeente', a school its
    # code for 'import leerlingen --organisatie'
    for who in (region.school, region.coordinator, region.manager):
        assert "HAARLEM" in {
            m["code"] for m in as_json(vix("gemeente", "lijst", "--json", als=who))
        }
        assert "ZON" in {o["code"] for o in as_json(vix("organisatie", "lijst", "--json", als=who))}
