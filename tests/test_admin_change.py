"""The administrator changes what is stored about professionals (rule 1): `vix professional
wijzig`, and the way back for an address that is taken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    Region,
    Runner,
    anna_s_match,
    as_json,
    db_rows,
    flat,
    new_youth,
    ok,
    signal,
)


def audit_count(db: Path) -> int:
    return int(db_rows(db, "SELECT count(*) FROM audit_log")[0][0])


def last_audit(db: Path, entity: str) -> dict[str, object]:
    (row,) = db_rows(
        db,
        "SELECT a.action, p.email AS actor, a.detail FROM audit_log a"
        " JOIN professionals p ON p.id = a.actor_id WHERE a.entity = ?"
        " ORDER BY a.id DESC LIMIT 1",
        (entity,),
    )
    return {"action": row["action"], "actor": row["actor"], **json.loads(row["detail"])}


def test_a_new_name_and_phone_show_in_the_match_at_once(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = anna_s_match(vix, region)
    changed = ok(
        vix(
            "professional", "wijzig", region.jgz, "--naam", "Karin Arts-Smit",
            "--telefoon", "06-12345678", als=ADMIN,
        )
    )  # fmt: skip
    assert changed.stderr == f"Professional {region.jgz} gewijzigd: naam, telefoon.\n"
    # the match view reads the professional as he or she is now, as do letters and lists
    seen = as_json(vix("match", str(match_id), "--json", als=region.school))
    (arts,) = [m for m in seen["members"] if m["email"] == region.jgz]
    assert (arts["name"], arts["phone"]) == ("Karin Arts-Smit", "06-12345678")
    # rule 18: who changed which fields; a name and a phone number are named, not logged
    assert last_audit(vix_env, "professional") == {
        "action": "update",
        "actor": ADMIN,
        "velden": ["naam", "telefoon"],
    }
    ok(vix("professional", "wijzig", region.jgz, "--telefoon", "", als=ADMIN))
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    assert pros[region.jgz]["phone"] is None
    before = audit_count(vix_env)
    same = ok(vix("professional", "wijzig", region.jgz, "--naam", "Karin Arts-Smit", als=ADMIN))
    assert same.stderr == f"Niets gewijzigd: de gegevens van {region.jgz} waren al zo.\n"
    assert audit_count(vix_env) == before


def test_a_role_change_is_logged_with_the_old_and_new_role(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # a signaller without active signals may become the organisation's manager
    ok(
        vix(
            "professional",
            "wijzig",
            region.school_colleague,
            "--rol",
            "instantiebeheerder",
            als=ADMIN,
        )
    )
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    assert pros[region.school_colleague]["role"] == "org_manager"
    assert last_audit(vix_env, "professional") == {
        "action": "update",
        "actor": ADMIN,
        "velden": ["rol"],
        "rol": {"oud": "meldingsbevoegde", "nieuw": "instantiebeheerder"},
    }
    # and does what the role allows from then on
    ok(vix("professional", "lijst", als=region.school_colleague))


@pytest.mark.parametrize(
    ("who", "args", "code", "message"),
    [
        (
            "school",
            ["--rol", "coordinator"],
            1,
            "ib@zonnebloem.nl heeft nog 1 actief signaal, en een regionaal coördinator geeft geen "
            "signalen af; de rol is niet gewijzigd. Draag het eerst over aan een collega met "
            "'vix professional overdragen ib@zonnebloem.nl COLLEGA'.",
        ),
        (
            "regie",
            ["--rol", "coordinator"],
            1,
            "regie@haarlem.nl is regievoerder van HAARLEM; de rol is niet gewijzigd. Wijs "
            "eerst een andere regievoerder aan met 'vix gemeente wijzig HAARLEM "
            "--regievoerder E-MAIL'.",
        ),
        ("admin", ["--rol", "coordinator"], 1, "Dan is er geen actieve functioneel beheerder"),
        (
            "coordinator",
            ["--rol", "meldingsbevoegde"],
            1,
            "Een meldingsbevoegde hoort bij een organisatie, en coordinator@regio.nl hoort bij "
            "geen.",
        ),
        ("jgz", ["--rol", "koning"], 1, "Onbekende rol 'koning'. Kies uit: meldingsbevoegde"),
        ("jgz", ["--naam", "Karin 123456782"], 1, "De naam bevat een nummer"),
        ("jgz", ["--naam", " "], 1, "Geef de naam van de professional, of laat --naam weg."),
        ("jgz", ["--telefoon", "06\x1b[2J"], 1, "Het telefoonnummer bevat een regeleinde"),
        ("jgz", [], 2, "Geef --naam, --telefoon of --rol."),
        (
            "jgz",
            ["--organisatie", "JH"],
            2,
            "Een professional gaat niet mee naar een andere organisatie",
        ),
    ],
)
def test_a_change_that_cannot_be_made_is_refused_with_the_way_out(
    vix: Runner, region: Region, vix_env: Path, who: str, args: list[str], code: int, message: str
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    tables = ("professionals", "audit_log")
    before = [db_rows(vix_env, f"SELECT * FROM {t}") for t in tables]
    result = vix("professional", "wijzig", getattr(region, who), *args, als=ADMIN)
    assert (result.exit_code, result.stdout) == (code, "")
    assert message in flat(result.stderr)
    assert "Traceback" not in result.output
    assert [db_rows(vix_env, f"SELECT * FROM {t}") for t in tables] == before


def test_a_role_change_refused_over_two_signals_says_them_in_the_plural(
    vix: Runner, region: Region
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.school, *new_youth(BSN_BRAM, "Bram"))
    result = vix("professional", "wijzig", region.school, "--rol", "coordinator", als=ADMIN)
    assert result.exit_code == 1
    assert (
        "ib@zonnebloem.nl heeft nog 2 actieve signalen, en een regionaal coördinator geeft geen "
        "signalen af; de rol is niet gewijzigd. Draag ze eerst over aan een collega met "
    ) in flat(result.stderr)


def test_only_the_administrator_changes_a_professional(vix: Runner, region: Region) -> None:
    for who in (region.manager, region.coordinator, region.school):
        refused = vix("professional", "wijzig", region.school, "--naam", "X", als=who)
        assert refused.exit_code == 1
        assert "mag alleen met de rol functioneel beheerder" in refused.stderr
    unknown = vix("professional", "wijzig", "nobody@x.nl", "--naam", "X", als=ADMIN)
    assert unknown.exit_code == 1
    assert "bekijk de professionals met 'vix professional lijst'" in flat(unknown.stderr)


def test_a_taken_address_says_who_has_it_and_what_to_do(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # it said only 'Er is al een professional met e-mailadres ...', also for one who left
    ok(vix("professional", "deactiveer", region.care, als=ADMIN))
    role = ["--rol", "meldingsbevoegde", "--organisatie"]
    before = audit_count(vix_env)
    again = vix("professional", "toevoegen", region.care, "Hans Hulp", *role, "JH", als=ADMIN)
    assert again.exit_code == 1
    assert flat(again.stderr) == (
        "Fout: Er is al een professional met e-mailadres hulp@jeugdhulp.nl (Hans Hulp, niet "
        "actief, rol meldingsbevoegde, organisatie JH). Zet hem of haar terug met 'vix "
        "professional activeer hulp@jeugdhulp.nl', en wijzig zo nodig naam, telefoon of rol "
        "met 'vix professional wijzig hulp@jeugdhulp.nl'."
    )
    active = vix("professional", "toevoegen", region.jgz, "Karin Arts", *role, "JGZ", als=ADMIN)
    assert (
        "(Karin Arts, actief, rol meldingsbevoegde, organisatie JGZ). Wijzig zo nodig naam, "
        "telefoon of rol met 'vix professional wijzig arts@jgz.nl'."
    ) in flat(active.stderr)
    elsewhere = vix("professional", "toevoegen", region.care, "Hans Hulp", *role, "GI", als=ADMIN)
    assert (
        "wie naar een andere organisatie gaat, krijgt een nieuwe professional met het "
        "e-mailadres van die organisatie."
    ) in flat(elsewhere.stderr)
    assert audit_count(vix_env) == before


def test_an_organisation_change_shows_at_once_and_is_audited(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = anna_s_match(vix, region)
    args = ["--naam", "JGZ Zuid-Kennemerland", "--telefoon", "023-5550300"]
    args += ["--email", "info@jgz.nl", "--gemeente", "zandvoort", "--domein", "jeugdhulp"]
    changed = ok(vix("organisatie", "wijzig", "jgz", *args, als=ADMIN))
    assert changed.stderr == (
        "Organisatie JGZ gewijzigd: naam, telefoon, e-mail, gemeente, domein.\n"
    )
    seen = as_json(vix("match", str(match_id), "--json", als=region.school))
    (arts,) = [m for m in seen["members"] if m["email"] == region.jgz]
    assert (arts["organisation"], arts["domain"]) == ("JGZ Zuid-Kennemerland", "jeugdhulp")
    orgs = {o["code"]: o for o in as_json(vix("organisatie", "lijst", "--json", als=ADMIN))}
    assert (orgs["JGZ"]["phone"], orgs["JGZ"]["email"], orgs["JGZ"]["municipality"]) == (
        "023-5550300",
        "info@jgz.nl",
        "ZANDVOORT",
    )
    assert last_audit(vix_env, "organisation") == {
        "action": "update",
        "actor": ADMIN,
        "velden": ["naam", "telefoon", "e-mail", "gemeente", "domein"],
        "domein": {"oud": "jeugdgezondheidszorg", "nieuw": "jeugdhulp"},
        "gemeente": {"oud": "HAARLEM", "nieuw": "ZANDVOORT"},
    }
    cleared = ["--telefoon", "", "--email", "", "--gemeente", ""]
    ok(vix("organisatie", "wijzig", "JGZ", *cleared, als=ADMIN))
    orgs = {o["code"]: o for o in as_json(vix("organisatie", "lijst", "--json", als=ADMIN))}
    assert (orgs["JGZ"]["phone"], orgs["JGZ"]["email"], orgs["JGZ"]["municipality"]) == (
        None,
        None,
        None,
    )
    before = audit_count(vix_env)
    same = ok(vix("organisatie", "wijzig", "JGZ", "--domein", "jeugdhulp", als=ADMIN))
    assert same.stderr == "Niets gewijzigd: de gegevens van JGZ waren al zo.\n"
    assert audit_count(vix_env) == before


@pytest.mark.parametrize(
    ("code", "args", "exit_code", "message"),
    [
        # rule 12: youth protection always leads a match it is in
        ("JGZ", ["--domein", "jeugdbescherming"], 1, "Organisatie JGZ zit met actieve signalen"),
        ("GI", ["--domein", "jeugdhulp", "--naam", "GI"], 1, "Organisatie GI zit met actieve"),
        ("JGZ", ["--domein", "circus"], 1, "Onbekend domein 'circus'. Kies uit: onderwijs"),
        ("JGZ", ["--naam", "JGZ 123456782"], 1, "De naam bevat een nummer"),
        ("JGZ", ["--naam", ""], 1, "Geef de naam van de organisatie."),
        ("JGZ", ["--email", "geen-adres"], 1, "geen geldig e-mailadres"),
        ("JGZ", ["--gemeente", "NERGENS"], 1, "Gemeente 'NERGENS' bestaat niet."),
        ("NERGENS", ["--naam", "X"], 1, "Bekijk de codes met 'vix organisatie lijst'."),
        ("JGZ", [], 2, "Geef --naam, --telefoon, --email, --gemeente of --domein."),
    ],
)
def test_an_organisation_change_that_cannot_be_made_is_refused(
    vix: Runner,
    region: Region,
    vix_env: Path,
    code: str,
    args: list[str],
    exit_code: int,
    message: str,
) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))  # a match of JGZ and GI
    tables = ("organisations", "matches", "audit_log")
    before = [db_rows(vix_env, f"SELECT * FROM {t}") for t in tables]
    result = vix("organisatie", "wijzig", code, *args, als=ADMIN)
    assert (result.exit_code, result.stdout) == (exit_code, "")
    assert message in flat(result.stderr)
    assert [db_rows(vix_env, f"SELECT * FROM {t}") for t in tables] == before


def test_youth_protection_changes_domain_once_in_no_open_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    first = signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    refused = vix("organisatie", "wijzig", "GI", "--domein", "jeugdhulp", als=ADMIN)
    assert "Wijzig het domein als de organisatie in geen lopende match meer zit" in flat(
        refused.stderr
    )
    # any other domain change is a correction that counts from now on
    ok(vix("organisatie", "wijzig", "JGZ", "--domein", "zorg", als=ADMIN))
    ok(vix("intrekken", str(first["signal_id"]), "--reden", "weggenomen", als=region.gi))
    ok(vix("organisatie", "wijzig", "GI", "--domein", "jeugdhulp", als=ADMIN))


def test_only_the_administrator_changes_an_organisation(vix: Runner, region: Region) -> None:
    for who in (region.manager, region.coordinator, region.school):
        refused = vix("organisatie", "wijzig", "ZON", "--telefoon", "1", als=who)
        assert refused.exit_code == 1
        assert "mag alleen met de rol functioneel beheerder" in refused.stderr


def test_an_institution_address_marked_by_mistake_is_taken_back(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # there was no way back: the family match the mark ended stayed ended for good
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", postcode="2011AB", number="12"))
    signal(vix, region.jgz, *new_youth("111222357", "Bram", postcode="2011AB", number="12"))
    ok(vix("instellingsadres", "2011AB", "12", "Pleeggezinhuis", als=ADMIN))
    assert as_json(vix("matches", "--json", als=region.school)) == []
    sent = len(db_rows(vix_env, "SELECT id FROM outbox"))
    back = ok(vix("instellingsadres", "2011 ab", "12", "--wis", als=ADMIN))
    assert flat(back.stderr) == (
        "Instellingsadres 2011AB-12 teruggenomen: het is weer een woonadres. Op dit adres: "
        "1 nieuwe gezinsmatch; 2 berichten klaargezet voor de betrokkenen."
    )
    assert not db_rows(vix_env, "SELECT 1 FROM institution_addresses")
    # the family is one again, as before the mark, and both signallers are told
    [match] = as_json(vix("matches", "--json", als=region.school))
    assert (match["kind"], match["status"]) == ("family", "lopend")
    told = db_rows(vix_env, "SELECT recipient_email, kind FROM outbox ORDER BY id")[sent:]
    assert sorted(tuple(n) for n in told) == sorted(
        [(region.school, "match_nieuw"), (region.jgz, "match_nieuw")]
    )
    assert last_audit(vix_env, "institution_address") == {
        "action": "delete",
        "actor": ADMIN,
        "adres": "2011AB-12",
        "naam": "Pleeggezinhuis",
    }


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["2011AB", "12", "--wis"], 1, "Het adres 2011AB-12 is geen instellingsadres"),
        (["2011AB", "12", "Linde", "--wis"], 2, "Geef bij --wis alleen postcode en huisnummer"),
        (["2011AB", "12"], 2, "Geef de naam van de instelling"),
    ],
)
def test_taking_back_an_institution_address_that_is_none_is_refused(
    vix: Runner, region: Region, vix_env: Path, args: list[str], exit_code: int, message: str
) -> None:
    before = audit_count(vix_env)
    result = vix("instellingsadres", *args, als=ADMIN)
    assert (result.exit_code, result.stdout) == (exit_code, "")
    assert message in flat(result.stderr)
    assert audit_count(vix_env) == before
    refused = vix("instellingsadres", "2011AB", "12", "--wis", als=region.coordinator)
    assert refused.exit_code == 1 and "met de rol functioneel beheerder" in refused.stderr
