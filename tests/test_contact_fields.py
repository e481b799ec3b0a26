"""Phone numbers and e-mail addresses hold contact details, nothing else (rule 3).

They are shown in clear in every list of professionals and organisations and in every
match notice, so a note ("bel niet: kind mishandeld") or a BSN typed there would reach
every colleague. `vix.text.phone_number` and `email_address` keep both out, in the
domain layer, whichever command takes the value.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from conftest import signal as place
from import_helpers import pupil, write_list

from vix.errors import InvalidInput
from vix.text import email_address, phone_number

NOT_A_PHONE = "Het telefoonnummer is geen telefoonnummer"
A_BSN = "Het telefoonnummer is een BSN"

# every command that takes a phone number, with the value put last
PHONE_COMMANDS = [
    ["professional", "toevoegen", "nieuw@zon.nl", "Nina Nieuw", "--rol", "meldingsbevoegde",
     "--organisatie", "ZON", "--telefoon"],
    ["professional", "wijzig", "arts@jgz.nl", "--telefoon"],
    ["organisatie", "toevoegen", "NIEUW", "Nieuwe school", "--domein", "onderwijs", "--telefoon"],
    ["organisatie", "wijzig", "ZON", "--telefoon"],
]  # fmt: skip


def stored(db: Path) -> list[list[tuple[object, ...]]]:
    return [
        [tuple(r) for r in db_rows(db, f"SELECT * FROM {t} ORDER BY id")]
        for t in ("professionals", "organisations", "audit_log")
    ]


@pytest.mark.parametrize("command", PHONE_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("bel niet: kind mishandeld", NOT_A_PHONE),
        ("BSN 111 222 333", NOT_A_PHONE),
        ("023-1", NOT_A_PHONE),  # too few digits for any number
        ("06-12345678 (ma t/m wo)", NOT_A_PHONE),
        (BSN_ANNA, A_BSN),
        ("111 222 333", A_BSN),
        ("111-222-357", A_BSN),
    ],
)
def test_a_note_or_a_bsn_in_a_phone_field_is_refused_and_nothing_is_written(
    vix: Runner, region: Region, vix_env: Path, command: list[str], value: str, message: str
) -> None:
    before = stored(vix_env)
    result = vix(*command, value, als=ADMIN)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Fout: {message}"), result.stderr
    assert "zoals 023-5551234" in result.stderr or "tien cijfers" in result.stderr
    assert "Traceback" not in result.output
    assert value not in result.output and BSN_ANNA not in result.output
    assert stored(vix_env) == before


@pytest.mark.parametrize(
    "value",
    ["023-5551234", "06-12345678", "+31 6 12345678", "0800 1234", "14 023",
     "+31 (0)23 555 12 34", "(023) 555 1234", "+32 2 555 12 34"],
)  # fmt: skip
def test_phone_numbers_as_people_write_them_are_stored_as_typed(
    vix: Runner, region: Region, value: str
) -> None:
    ok(vix("professional", "wijzig", region.jgz, "--telefoon", f" {value} ", als=ADMIN))
    ok(vix("organisatie", "wijzig", "JGZ", "--telefoon", value, als=ADMIN))
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    orgs = {o["code"]: o for o in as_json(vix("organisatie", "lijst", "--json", als=ADMIN))}
    assert pros[region.jgz]["phone"] == orgs["JGZ"]["phone"] == value


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("023/5551234", "023/5551234"),
        ("06.12.34.56.78", "06.12.34.56.78"),
        ("06\u00a01234\u00a05678", "06 1234 5678"),  # non-breaking spaces from a document
        ("023\u2007555\u202f1234", "023 555 1234"),  # figure and narrow no-break space
        ("023\u20115551234", "023-5551234"),  # non-breaking hyphen
        ("+31\u201320\u20145551234", "+31-20-5551234"),  # en and em dash
        ("06\u221212345678", "06-12345678"),  # minus sign
        ("+31  (0)23   555  12  34", "+31 (0)23 555 12 34"),  # 26 typed, 19 once collapsed
    ],
)
def test_a_phone_number_pasted_from_a_document_is_stored_normalised(
    vix: Runner, region: Region, value: str, stored: str
) -> None:
    assert phone_number(value) == stored
    ok(vix("professional", "wijzig", region.jgz, "--telefoon", value, als=ADMIN))
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    assert pros[region.jgz]["phone"] == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("06 1234 5678 ma t/m wo 9-12", "het is langer dan 25 tekens;"),
        ("bel niet: kind mishandeld", "het teken 'b' hoort er niet in;"),
        ("06-12345678 (ma)", "het teken 'm' hoort er niet in;"),
        ("06-12345678: JGZ", "het teken ':' hoort er niet in;"),
        ("06+12345678", "de + hoort alleen vooraan (+31 ...);"),
        ("023/ 5551234", "de / hoort alleen tussen twee cijfers;"),
        ("-0612345678", "het begint niet met een cijfer, + of (;"),
        ("023-1", "het heeft 4 cijfers, en een telefoonnummer heeft er 5 tot 15"),
        ("0612345678901234", "het heeft 16 cijfers, en een telefoonnummer heeft er 5 tot 15"),
    ],
)
def test_each_broken_rule_of_a_phone_number_has_its_own_message(value: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        phone_number(value)
    assert refused.value.message.startswith(f"{NOT_A_PHONE}: {message}"), refused.value.message


def test_an_empty_phone_number_is_none() -> None:
    assert phone_number(None) is None
    assert phone_number("  ") is None
    with pytest.raises(InvalidInput, match="bevat een regeleinde"):
        phone_number("023\n5551234")


@pytest.mark.parametrize(
    "command",
    [
        ["professional", "toevoegen", "{}@zon.nl", "Nina", "--rol", "meldingsbevoegde",
         "--organisatie", "ZON"],
        ["organisatie", "wijzig", "ZON", "--email", "school.{}@zon.nl"],
        ["organisatie", "toevoegen", "NIEUW", "Nieuw", "--domein", "onderwijs", "--email",
         "{}@nieuw.nl"],
        ["gemeente", "wijzig", "HAARLEM", "--wethouder-email", "w-{}@haarlem.nl"],
    ],
    ids=lambda c: " ".join(c[:2]),
)  # fmt: skip
@pytest.mark.parametrize(
    "number", [BSN_BRAM, "111.222.357", "111-222-357", "111/222/357", "111+222+357", "111_222_357"]
)
def test_an_e_mail_address_with_a_bsn_is_refused(
    vix: Runner, region: Region, vix_env: Path, command: list[str], number: str
) -> None:
    before = stored(vix_env)
    result = vix(*(part.format(number) for part in command), als=ADMIN)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Fout: Het e-mailadres bevat een BSN"), result.stderr
    assert number not in result.output
    assert stored(vix_env) == before


@pytest.mark.parametrize(
    "address", ["j.jansen2@zon.nl", "ib-1234@zon.nl", "a.123456789@x.nl", "0612345678@x.nl"]
)
def test_addresses_with_other_numbers_pass(address: str) -> None:
    assert email_address(address) == address  # 123456789 fails the 11-test


def test_a_match_notice_carries_only_a_checked_phone_number(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    refused = vix("professional", "wijzig", region.jgz, "--telefoon", "bel niet", als=ADMIN)
    assert refused.exit_code == 1
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    match = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))["matches"][0]
    seen = as_json(vix("match", str(match["id"]), "--json", als=region.school))
    (arts,) = [m for m in seen["members"] if m["email"] == region.jgz]
    assert arts["phone"] == "023-5550000"
    bodies = " ".join(r[0] for r in db_rows(vix_env, "SELECT body FROM outbox"))
    assert "bel niet" not in bodies


def test_what_an_older_vix_stored_is_read_cleared_or_named_by_onderhoud(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """An older vix took any text as a class or a phone number: nothing crashes on it,
    `vix onderhoud` clears a class that is no class code (logged, shown at inzage) and
    names the contact fields an administrator must correct, without their values."""
    rows = [pupil(BSN_ANNA, pupil_number="1"), pupil(BSN_BRAM, pupil_number="2", group="8a")]
    ok(vix("import", "leerlingen", str(write_list(tmp_path / "l.csv", rows)),
           "--organisatie", "ZON", als=ADMIN))  # fmt: skip
    note = "niveau 4: vader in detentie, mishandeling"
    with sqlite3.connect(vix_env) as db:
        db.execute("UPDATE pupils SET class_name = ? WHERE pupil_number = '1'", (note,))
        db.execute("UPDATE professionals SET phone = 'bel niet: kind mishandeld'"
                   " WHERE email = ?", (region.jgz,))  # fmt: skip
        db.execute("UPDATE organisations SET phone = ?, email = ? WHERE code = 'JH'",
                   ("BSN 111 222 333", f"{BSN_CAS}@jh.nl"))  # fmt: skip
    db.close()
    # read as stored, and a change of another field does not trip over it
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    assert pros[region.jgz]["phone"] == "bel niet: kind mishandeld"
    ok(vix("professional", "wijzig", region.jgz, "--naam", "Karin Arts-Smit", als=ADMIN))
    ok(vix("organisatie", "wijzig", "JH", "--naam", "Jeugdhulp KL", als=ADMIN))
    place(vix, region.school, *new_youth(BSN_DAAN, "Daan"))
    place(vix, region.jgz, *new_youth(BSN_DAAN, "Daan"))
    assert note in ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator)).stdout

    done = ok(vix("onderhoud", als=ADMIN))
    assert "groep/klas gewist bij 1 schoolinschrijving" in done.stdout
    assert done.stderr.startswith("Let op: deze 2 telefoonnummers of e-mailadressen")
    assert f"  professional {region.jgz}: telefoonnummer\n" in done.stderr
    assert "  organisatie JH: telefoonnummer en e-mailadres\n" in done.stderr
    assert "bel niet" not in done.output and BSN_CAS not in done.output
    classes = dict(db_rows(vix_env, "SELECT pupil_number, class_name FROM pupils"))
    assert classes == {"1": None, "2": "8a"}
    shown = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator)).stdout
    assert note not in shown
    assert "groep/klas gewist (geen groeps- of klascode): schoolinschrijving" in shown
    # corrected, they are no longer named; the class is not cleared twice
    ok(vix("professional", "wijzig", region.jgz, "--telefoon", "06-12345678", als=ADMIN))
    ok(vix("organisatie", "wijzig", "JH", "--telefoon", "", "--email", "", als=ADMIN))
    again = ok(vix("onderhoud", als=ADMIN))
    assert again.output == ""


def test_onderhoud_keeps_real_classes_and_the_next_list_sets_a_cleared_one_again(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """`vix onderhoud` clears a class by the rule the import uses: a school year or an
    apostrophe stays, and the list that follows writes the real class of a cleared one
    (README: "de volgende leerlinglijst zet de echte groep terug")."""
    rows = [
        pupil(BSN_ANNA, pupil_number="1", group="1A 2025-2026"),
        pupil(BSN_BRAM, pupil_number="2", group="'t Hummeltje"),
        pupil(BSN_CAS, pupil_number="3", group="Groep 1 & 2"),
    ]
    path = write_list(tmp_path / "l.csv", rows)
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", als=ADMIN))
    with sqlite3.connect(vix_env) as db:
        db.execute("UPDATE pupils SET class_name = 'zorg: thuis' WHERE pupil_number = '3'")
    db.close()
    done = ok(vix("onderhoud", als=ADMIN))
    assert "groep/klas gewist bij 1 schoolinschrijving" in done.stdout
    classes = dict(db_rows(vix_env, "SELECT pupil_number, class_name FROM pupils"))
    assert classes == {"1": "1A 2025-2026", "2": "'t Hummeltje", "3": None}
    again = as_json(
        vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--json", als=ADMIN)
    )
    assert (again["updated"], again["unchanged"], again["warned"]) == (1, 2, 0)
    classes = dict(db_rows(vix_env, "SELECT pupil_number, class_name FROM pupils"))
    assert classes == {"1": "1A 2025-2026", "2": "'t Hummeltje", "3": "Groep 1 & 2"}


def test_onderhoud_names_an_aldermans_address_for_the_functioneel_beheerder(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The alderman's address receives escalations; an older vix may hold a BSN there.
    Cron runs onderhoud as the coordinator, who may not change contact details: the
    warning says the functioneel beheerder corrects them."""
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "w@haarlem.nl", als=ADMIN))
    with sqlite3.connect(vix_env) as db:
        db.execute("UPDATE municipalities SET alderman_email = ? WHERE code = 'HAARLEM'",
                   (f"{BSN_CAS}@haarlem.nl",))  # fmt: skip
    db.close()
    done = ok(vix("onderhoud", als=region.coordinator))
    assert done.stderr.startswith("Let op: dit telefoonnummer of e-mailadres"), done.stderr
    assert "de functioneel beheerder corrigeert of wist het met" in done.stderr
    assert "'vix gemeente wijzig CODE --wethouder-email ...'" in done.stderr
    assert "  gemeente HAARLEM: e-mailadres van de wethouder\n" in done.stderr
    assert BSN_CAS not in done.output
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "w@haarlem.nl", als=ADMIN))
    assert ok(vix("onderhoud", als=region.coordinator)).output == ""


def test_an_address_with_more_than_64_characters_before_the_at_is_refused(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """RFC 5321: a mail server refuses a local part over 64 characters."""
    assert email_address("a" * 64 + "@zon.nl") == "a" * 64 + "@zon.nl"
    before = stored(vix_env)
    too_long = "a" * 65 + "@zon.nl"
    result = vix("organisatie", "wijzig", "ZON", "--email", too_long, als=ADMIN)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(
        "Fout: Het e-mailadres heeft 65 tekens voor de @; een mailserver neemt er hooguit 64 "
        "aan (RFC 5321)"
    ), result.stderr
    assert stored(vix_env) == before
