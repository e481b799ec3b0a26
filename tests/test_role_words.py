"""Roles in prose by their glossary names, and refusals that say how to go on (language
review, session 22)."""

from __future__ import annotations

import pytest
from conftest import ADMIN, Region, Runner, as_json, flat, ok


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (
            ["--gemeente", "ZANDVOORT"],
            "U bent regievoerder van Haarlem: u maakt alleen het rapport over uw eigen "
            "gemeente (laat --gemeente weg of geef --gemeente HAARLEM). Een rapport over een "
            "andere gemeente maakt de regionaal coördinator of de functioneel beheerder.",
        ),
        (
            ["--regio"],
            "U bent regievoerder van Haarlem: u maakt alleen het rapport over uw eigen "
            "gemeente (laat --regio weg of geef --gemeente HAARLEM). Een rapport over de hele "
            "regio maakt de regionaal coördinator of de functioneel beheerder.",
        ),
    ],
)
def test_a_regievoerder_is_told_his_report_is_his_municipality(
    vix: Runner, region: Region, scope: list[str], message: str
) -> None:
    refused = vix("rapport", "jaarverslag", *scope, als=region.regie)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert message in flat(refused.stderr)
    assert "heeft de rol" not in refused.stderr
    ok(vix("rapport", "jaarverslag", als=region.regie))


def test_an_instantiebeheerder_is_told_his_report_is_his_organisation(
    vix: Runner, region: Region
) -> None:
    refused = vix("rapport", "jaarverslag", "--organisatie", "JGZ", als=region.manager)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert (
        "U bent instantiebeheerder van Basisschool De Zonnebloem: u maakt alleen het rapport "
        "over uw eigen organisatie (laat --organisatie weg of geef --organisatie ZON). Een "
        "rapport over een andere organisatie maakt de regionaal coördinator of de "
        "functioneel beheerder."
    ) in flat(refused.stderr)
    ok(vix("rapport", "jaarverslag", "--organisatie", "ZON", als=region.manager))


def test_a_refusal_names_roles_as_the_glossary_does_and_how_to_go_on(
    vix: Runner, region: Region
) -> None:
    refused = vix("inzage", "--bsn", "111222333", als=region.school)
    assert refused.exit_code == 1
    assert (
        "ib@zonnebloem.nl heeft de rol meldingsbevoegde; dit mag alleen met de rol regionaal "
        "coördinator of functioneel beheerder. Vraag het aan een regionaal coördinator of "
        "functioneel beheerder, of vraag de functioneel beheerder om een andere rol."
    ) in flat(refused.stderr)


def test_added_and_listed_by_the_role_name_json_keeps_the_code(vix: Runner, region: Region) -> None:
    added = vix(
        "professional", "toevoegen", "bea@zon.nl", "Bea Bestuur", "--rol",
        "instellingscoordinator", "--organisatie", "ZON", als=ADMIN,
    )  # fmt: skip
    ok(added)
    assert added.stderr == "Professional bea@zon.nl toegevoegd als instellingscoördinator.\n"
    listed = ok(vix("professional", "lijst", als=ADMIN)).stdout
    assert "regionaal coördinator" in listed and "functioneel beheerder" in listed
    assert "instellingscoördinator" in listed
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    assert pros["bea@zon.nl"]["role"] == "org_coordinator"


@pytest.mark.parametrize("spelled", ["coördinator", "Coördinator", "coordinator"])
def test_rol_takes_the_spelling_with_a_diaeresis(vix: Runner, region: Region, spelled: str) -> None:
    ok(vix("professional", "toevoegen", "c2@regio.nl", "Cor Twee", "--rol", spelled, als=ADMIN))
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    assert pros["c2@regio.nl"]["role"] == "coordinator"


def test_rol_wijzig_takes_instellingscoordinator_with_a_diaeresis(
    vix: Runner, region: Region
) -> None:
    ok(
        vix(
            "professional", "wijzig", region.manager, "--rol", "instellingscoördinator",
            als=ADMIN,
        )
    )  # fmt: skip
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    assert pros[region.manager]["role"] == "org_coordinator"


def test_an_unknown_rol_lists_what_is_accepted(vix: Runner, region: Region) -> None:
    refused = vix("professional", "toevoegen", "k@regio.nl", "K", "--rol", "koning", als=ADMIN)
    assert refused.exit_code == 1
    assert (
        "Onbekende rol 'koning'. Kies uit: meldingsbevoegde, instantiebeheerder, "
        "instellingscoordinator (of instellingscoördinator), coordinator (of coördinator), "
        "regievoerder of beheerder."
    ) in flat(refused.stderr)


def test_gemeente_regievoerder_of_another_role_says_which_and_how(
    vix: Runner, region: Region
) -> None:
    refused = vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", region.jgz, als=ADMIN)
    assert refused.exit_code == 1
    assert (
        "arts@jgz.nl heeft de rol meldingsbevoegde, niet regievoerder. Kies een regievoerder "
        "uit 'vix professional lijst', maak hem of haar regievoerder met 'vix professional "
        "wijzig arts@jgz.nl --rol regievoerder', of voeg een regievoerder toe met 'vix "
        "professional toevoegen E-MAIL NAAM --rol regievoerder --organisatie CODE'."
    ) in flat(refused.stderr)
    unknown = vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", "x@y.nl", als=ADMIN)
    assert unknown.exit_code == 1
    assert (
        "Er is geen professional met e-mailadres x@y.nl. Kies een regievoerder uit 'vix "
        "professional lijst', of voeg er een toe met 'vix professional toevoegen E-MAIL NAAM "
        "--rol regievoerder --organisatie CODE'."
    ) in flat(refused.stderr + unknown.stderr)
