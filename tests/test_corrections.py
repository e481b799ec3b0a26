"""`vix jeugdige corrigeer` (rule 17: correction), and the youth commands by any number kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
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
from test_move_regie import pid

WITHOUT_BSN = [
    "--zonder-bsn",
    "--voornaam",
    "Sam",
    "--achternaam",
    "Öztürk",
    "--geboortedatum",
    "05-06-2015",
    "--geslacht",
    "M",
    "--gemeente",
    "HAARLEM",
]


def substitute(vix: Runner, region: Region, vix_env: Path) -> str:
    """Sam, signalled by the school without a BSN; his substitute number."""
    signal(vix, region.school, *WITHOUT_BSN)
    ((number,),) = db_rows(vix_env, "SELECT bsn FROM youths WHERE id_kind = 'substitute'")
    return str(number)


def correct(vix: Runner, region: Region, number: str, *args: str) -> Any:
    return as_json(vix("jeugdige", "corrigeer", number, *args, "--json", als=region.coordinator))


def whole_db(db: Path) -> list[tuple[Any, ...]]:
    """Everything a correction could write, but the lookups a refusal logs (rule 18)."""
    tables = ("youths", "youth_parents", "signals", "matches", "outbox", "audit_log")
    return [
        tuple(r)
        for t in tables
        for r in db_rows(db, f"SELECT * FROM {t}")
        if t != "audit_log" or r["action"] != "lookup"
    ]


def lookups(db: Path) -> list[tuple[Any, ...]]:
    """(actor, youth id, detail) of each lookup logged, in order."""
    return [
        tuple(r)
        for r in db_rows(
            db, "SELECT actor_id, entity_id, detail FROM audit_log WHERE action = 'lookup'"
        )
    ]


def test_a_youth_without_bsn_gets_the_bsn_and_then_matches(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)
    done = correct(vix, region, vn, "--bsn", BSN_ANNA)
    assert done["corrected"] == ["nummer"] and done["name"] == "Sam Öztürk"
    [youth] = db_rows(vix_env, "SELECT bsn, id_kind FROM youths")
    assert tuple(youth) == (BSN_ANNA, "bsn")
    # youth health care signals by the BSN: the same child, so a match with the school
    sam = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    answer = signal(vix, region.jgz, BSN_ANNA, *sam, "--gemeente", "HAARLEM")
    assert [m["kind"] for m in answer["matches"]] == ["youth"]
    # the inzage by BSN follows the history logged under the substitute number
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    actions = [(e["who"], e["action"]) for e in z["log"]]
    assert ("Ineke Bos", "vastgelegd: signaal") in actions
    assert ("Carla Coördinator", "gecorrigeerd op verzoek: gegevens jeugdige") in actions
    old = as_json(vix("inzage", "--nummer", vn, "--json", als=region.coordinator))
    assert (old["found"], old["replaced_by"]) == (False, "BSN")
    # the audit log names which fields changed, never a number or a value
    audit = " ".join(str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log"))
    assert BSN_ANNA not in audit and vn not in audit and "Öztürk" not in audit
    [fields] = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'correct'")
    assert fields[0] == '{"velden": ["bsn"]}'


def test_a_number_another_youth_holds_is_refused_and_nothing_is_written(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    before = whole_db(vix_env)
    taken = vix("jeugdige", "corrigeer", vn, "--bsn", BSN_ANNA, als=region.coordinator)
    assert taken.exit_code == 1
    assert "hoort al bij een andere jeugdige" in taken.stderr
    assert "niets gewijzigd" in taken.stderr and BSN_ANNA not in taken.stderr
    # the same surname, birth date and sex as another youth without a BSN
    signal(vix, region.care, *[*WITHOUT_BSN[:4], "Yilmaz", *WITHOUT_BSN[5:]])
    before = whole_db(vix_env)
    twin = vix("jeugdige", "corrigeer", vn, "--achternaam", "Yilmaz", als=region.coordinator)
    assert twin.exit_code == 1 and "hetzelfde vervangend nummer" in twin.stderr
    assert whole_db(vix_env) == before
    # each refusal told that the other registration exists: a lookup on both (rule 18)
    coordinator = pid(vix_env, region.coordinator)
    ids = {r["bsn"]: r["id"] for r in db_rows(vix_env, "SELECT id, bsn FROM youths")}
    yilmaz = next(i for n, i in ids.items() if n not in (vn, BSN_ANNA))
    source = '{"bron": "corrigeer"}'
    assert lookups(vix_env) == [
        (coordinator, ids[BSN_ANNA], source),
        (coordinator, ids[vn], source),
        (coordinator, yilmaz, source),
        (coordinator, ids[vn], source),
    ]


def test_a_corrected_name_is_what_the_signaller_sees(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    result = ok(
        vix(
            "jeugdige",
            "corrigeer",
            BSN_ANNA,
            "--tussenvoegsel",
            "de",
            "--achternaam",
            "Visser",
            als=region.admin,
        )
    )
    assert "Gecorrigeerd voor Anna de Visser: tussenvoegsel, achternaam." in result.stderr
    [own] = as_json(vix("signalen", "--json", als=region.school))
    assert own["youth_name"] == "Anna de Visser"
    [fields] = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'correct'")
    assert fields[0] == '{"velden": ["infix", "surname"]}'
    again = ok(vix("jeugdige", "corrigeer", BSN_ANNA, "--achternaam", "Visser", als=region.admin))
    assert "Niets gewijzigd" in again.stderr
    assert len(db_rows(vix_env, "SELECT 1 FROM audit_log WHERE action = 'correct'")) == 1


def test_the_substitute_number_follows_a_corrected_surname(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)
    done = correct(vix, region, vn, "--achternaam", "Öztürk-Demir")
    assert done["corrected"] == ["nummer", "achternaam"]
    [(new_vn,)] = db_rows(vix_env, "SELECT bsn FROM youths")
    assert new_vn != vn and new_vn.startswith("VN")
    # the parents' way in: the number derived from the corrected data
    derived = ["--achternaam", "Öztürk-Demir", "--geboortedatum", "05-06-2015", "--geslacht", "M"]
    z = as_json(vix("inzage", *derived, "--json", als=region.coordinator))
    assert z["found"] and z["name"] == "Sam Öztürk-Demir"
    old = as_json(vix("inzage", "--nummer", vn, "--json", als=region.coordinator))
    assert old["replaced_by"] == "vervangend nummer"
    text = ok(vix("inzage", "--nummer", vn, als=region.coordinator)).stdout
    assert "is vervangen door een vervangend nummer van de jeugdige" in text


def test_a_corrected_birth_date_moves_the_end_dates(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    first = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", born="03-04-2014"))
    ok(vix("intrekken", str(first["signal_id"]), "--reden", "weggenomen", als=region.school))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    dates = "SELECT status, planned_removal, archive_until FROM signals ORDER BY id"
    assert [tuple(r) for r in db_rows(vix_env, dates)] == [
        ("ended", "2028-11-23", "2031-11-23"),
        ("active", "2028-11-23", None),
    ]
    correct(vix, region, BSN_ANNA, "--geboortedatum", "01-01-2005")  # 23 on 01-01-2028
    assert [tuple(r) for r in db_rows(vix_env, dates)] == [
        ("ended", "2028-11-23", "2028-01-01"),
        ("active", "2028-01-01", None),
    ]
    [(planned,)] = [
        (s["planned_removal"],) for s in as_json(vix("signalen", "--json", als=region.jgz))
    ]
    assert planned == "2028-01-01"


def test_a_birth_date_that_makes_the_youth_23_ends_everything(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    correct = ("jeugdige", "corrigeer", BSN_ANNA, "--geboortedatum", "01-01-2003")
    # irreversible, and a typo (01-01-0003) would do it too: only when confirmed
    before = whole_db(vix_env)
    refused = vix(*correct, als=region.admin)
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert "Met geboortedatum 01-01-2003 is de jeugdige 23 jaar of ouder" in refused.stderr
    assert "--ouder-dan-23" in refused.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 2
    assert whole_db(vix_env) == before  # but the lookup: the number is registered
    assert lookups(vix_env) == [(pid(vix_env, region.admin), 1, '{"bron": "corrigeer"}')]
    # the confirmation belongs to a birth date; a year before 1900 is a typo, confirmed or not
    alone = vix("jeugdige", "corrigeer", BSN_ANNA, "--ouder-dan-23", als=region.admin)
    assert alone.exit_code == 2 and "--ouder-dan-23 hoort bij --geboortedatum" in alone.stderr
    other = vix(
        "jeugdige", "corrigeer", BSN_ANNA, "--voornaam", "Anne", "--ouder-dan-23", als=region.admin
    )
    assert other.exit_code == 2 and "hoort bij --geboortedatum" in other.stderr
    typo = vix(
        "jeugdige", "corrigeer", BSN_ANNA, "--geboortedatum", "01-01-0999", "--ouder-dan-23",
        als=region.admin,
    )  # fmt: skip
    assert typo.exit_code == 1
    assert "De geboortedatum 01-01-0999 kan niet kloppen (vóór 1900)" in typo.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 2
    assert whole_db(vix_env) == before
    # refused before the number is looked up: the same answer for an unknown one
    assert len(lookups(vix_env)) == 1
    assert db_rows(vix_env, "SELECT given_name FROM youths")[0][0] == "Anna"
    result = ok(vix(*correct, "--ouder-dan-23", als=region.admin))
    assert "2 signalen beëindigd" in result.stderr
    assert "niets meer over deze jeugdige" in result.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    deleted = db_rows(vix_env, "SELECT reason, sum(count) FROM signal_deletions GROUP BY reason")
    assert [tuple(r) for r in deleted] == [("age_23", 2)]
    # deleted at 23, but they were real: the match they made stays, ended, in the reports
    assert db_rows(vix_env, "SELECT ended_at IS NOT NULL FROM matches")[0][0] == 1


def test_corrected_parents_and_address_end_and_make_family_matches(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    family = "SELECT id, ended_at IS NULL FROM matches WHERE kind = 'family' ORDER BY id"
    assert [tuple(r) for r in db_rows(vix_env, family)] == [(1, 1)]
    # Bram's mother was registered by mistake: the family match ends, both are told
    done = correct(vix, region, BSN_BRAM, "--geen-ouders")
    assert done["corrected"] == ["ouders"] and counts(done) == (0, 0, 1)
    assert done["notices"] == 2
    assert [tuple(r) for r in db_rows(vix_env, family)] == [(1, 0)]
    ended = "SELECT count(*) FROM outbox WHERE kind = 'match_beeindigd'"
    assert db_rows(vix_env, ended)[0][0] == 2
    assert db_rows(vix_env, "SELECT count(*) FROM youth_parents WHERE youth_id = 2")[0][0] == 0
    # Bram lives with Anna after all: the shared address makes a new family match
    ok(
        vix(
            "jeugdige",
            "corrigeer",
            BSN_ANNA,
            "--postcode",
            "2011 AB",
            "--huisnummer",
            "12",
            als=region.admin,
        )
    )
    done = correct(vix, region, BSN_BRAM, "--postcode", "2011ab", "--huisnummer", "12")
    assert done["corrected"] == ["postcode", "huisnummer"]
    assert counts(done) == (1, 0, 0)  # match 2, at the address
    assert [tuple(r) for r in db_rows(vix_env, family)] == [(1, 0), (2, 1)]
    # a third child, signalled with no family link, is Anna's half-brother by her mother
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas"))
    members = "SELECT count(*) FROM match_members WHERE match_id = 2 AND left_at IS NULL"
    assert db_rows(vix_env, members)[0][0] == 2
    correct(vix, region, BSN_CAS, "--ouder", P_MOTHER, "--ouder", P_MOTHER)
    assert db_rows(vix_env, members)[0][0] == 3
    assert db_rows(vix_env, "SELECT count(*) FROM youth_parents")[0][0] == 2


def test_a_correction_of_a_child_without_a_signal_splits_the_family_it_linked(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # Daan shares his mother with Anna and his father with Bram; his own signal is archived
    daan = new_youth(BSN_DAAN, "Daan", parents=(P_MOTHER, P_FATHER))
    placed = signal(vix, region.care, *daan)
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.care))
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_FATHER,)))
    family = "SELECT ended_at IS NULL FROM matches WHERE kind = 'family'"
    assert [r[0] for r in db_rows(vix_env, family)] == [1]
    done = correct(vix, region, BSN_DAAN, "--geen-ouders")
    assert (counts(done), done["notices"]) == ((0, 0, 1), 2)
    assert [r[0] for r in db_rows(vix_env, family)] == [0]


def test_correction_refusals(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    before = whole_db(vix_env)
    cases = [
        (region.school, [BSN_ANNA, "--achternaam", "X"], 1, "rol"),
        (region.coordinator, [BSN_ANNA], 2, "Geef aan wat er gecorrigeerd moet worden"),
        (region.coordinator, [BSN_BRAM, "--achternaam", "X"], 1, "niets opgeslagen"),
        (region.coordinator, [BSN_ANNA, "--bsn", "123456789"], 1, "eindigend op 789"),
        (region.coordinator, [BSN_ANNA, "--geboortedatum", "01-01-2027"], 1, "in de toekomst"),
        (region.coordinator, [BSN_ANNA, "--voornaam", " "], 1, "mag niet leeg zijn"),
        (region.coordinator, [BSN_ANNA, "--huisnummer", "twaalf"], 1, "uisnummer"),
        (region.coordinator, [BSN_ANNA, "--geen-ouders", "--ouder", P_MOTHER], 2, "niet allebei"),
        (region.coordinator, [BSN_ANNA, "--geen-adres", "--postcode", "2011AB"], 2, "niet allebei"),
        (region.coordinator, ["ANNA", "--achternaam", "X"], 1, "vervangend nummer (VN...)"),
    ]
    for als, args, status, message in cases:
        refused = vix("jeugdige", "corrigeer", *args, als=als)
        assert (refused.exit_code, message in refused.stderr) == (status, True), (
            args,
            refused.stderr,
        )
        assert "123456789" not in refused.stderr and "Traceback" not in refused.stderr
    assert whole_db(vix_env) == before


def test_move_and_erase_take_a_number_without_bsn(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)
    # the municipality typed in lower case: the answer names it as stored (review)
    moved = vix("jeugdige", "verhuis", vn.lower(), "--gemeente", "zandvoort", als=region.school)
    assert ok(moved).stderr == "Verhuizing van Sam Öztürk naar Zandvoort vastgelegd.\n"
    town = "SELECT m.code FROM youths y JOIN municipalities m ON m.id = y.municipality_id"
    assert db_rows(vix_env, town)[0][0] == "ZANDVOORT"
    erased = vix("jeugdige", "wis", vn, "--reden", "verwijderverzoek", als=region.coordinator)
    assert "1 signaal gewist; het zat in geen match." in ok(erased).stderr
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0
    bad = vix("jeugdige", "wis", "VN12", "--reden", "bezwaar", als=region.coordinator)
    assert bad.exit_code == 1 and "vervangend nummer klopt niet" in bad.stderr


def counts(done: dict[str, Any]) -> tuple[int, int, int]:
    """The matches a correction or merge made, changed and ended."""
    return (done["matches_new"], done["matches_changed"], done["matches_ended"])


def merge(vix: Runner, region: Region, gone: str, kept: str) -> Any:
    return as_json(vix("jeugdige", "samenvoegen", gone, kept, "--json", als=region.coordinator))


def test_merging_a_registration_without_bsn_into_the_bsn_makes_the_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)
    same = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    assert signal(vix, region.jgz, BSN_ANNA, *same, "--gemeente", "HAARLEM")["matches"] == []
    refused = vix("jeugdige", "corrigeer", vn, "--bsn", BSN_ANNA, als=region.coordinator)
    assert "vix jeugdige samenvoegen" in refused.stderr
    done = merge(vix, region, vn, BSN_ANNA)
    assert (done["signals_moved"], done["duplicates"]) == (1, 0)
    assert counts(done) == (1, 0, 0)  # the two signallers meet: a new match
    assert done["notices"] == 2
    assert [tuple(r) for r in db_rows(vix_env, "SELECT bsn FROM youths")] == [(BSN_ANNA,)]
    [match] = as_json(vix("matches", "--json", als=region.school))
    assert {m["organisation"] for m in match["members"]} == {
        "Basisschool De Zonnebloem",
        "JGZ Kennemerland",
    }
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    assert ("Ineke Bos", "vastgelegd: signaal") in [(e["who"], e["action"]) for e in z["log"]]
    assert (
        as_json(vix("inzage", "--nummer", vn, "--json", als=region.admin))["replaced_by"] == "BSN"
    )
    audit = " ".join(str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log"))
    assert BSN_ANNA not in audit and vn not in audit


def test_a_merge_that_makes_a_match_says_so(vix: Runner, region: Region, vix_env: Path) -> None:
    """The summary said "1 match bijgewerkt" of the match the merge made, while the
    notices it queued said "nieuwe match"."""
    vn = substitute(vix, region, vix_env)
    same = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    signal(vix, region.jgz, BSN_ANNA, *same, "--gemeente", "HAARLEM")
    done = ok(vix("jeugdige", "samenvoegen", vn, BSN_ANNA, als=region.coordinator))
    said = " ".join(done.stderr.split())
    assert "1 nieuwe match; 2 berichten klaargezet voor de betrokkenen." in said, said
    assert "bijgewerkt" not in said
    queued = db_rows(vix_env, "SELECT DISTINCT subject FROM outbox")
    assert [r[0] for r in queued] == ["Verwijsindex: nieuwe match"]


def test_a_merge_of_two_matches_says_which_changed_and_which_ended(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)
    signal(vix, region.care, *WITHOUT_BSN)  # match 1 on the substitute number
    same = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    signal(vix, region.jgz, BSN_ANNA, *same, "--gemeente", "HAARLEM")
    signal(vix, region.school, BSN_ANNA, *same, "--gemeente", "HAARLEM")  # match 2
    done = ok(vix("jeugdige", "samenvoegen", vn, BSN_ANNA, als=region.coordinator))
    said = " ".join(done.stderr.split())
    assert "1 match bijgewerkt, 1 match beëindigd; " in said, said


def test_a_merge_keeps_one_signal_per_professional_and_the_older_match(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)
    signal(vix, region.care, *WITHOUT_BSN)  # match 1 on the substitute number, with the school
    same = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    signal(vix, region.jgz, BSN_ANNA, *same, "--gemeente", "HAARLEM")
    # match 2 on the BSN; the school signalled twice
    signal(vix, region.school, BSN_ANNA, *same, "--gemeente", "HAARLEM")
    ok(vix("contact", "1", "--datum", "23-11-2026", als=region.care))
    done = merge(vix, region, vn, BSN_ANNA)
    assert (done["signals_moved"], done["duplicates"]) == (2, 1)
    assert counts(done) == (0, 1, 1)  # match 1 takes in the JGZ; match 2 goes up in it
    open_matches = "SELECT id, youth_id FROM matches WHERE ended_at IS NULL"
    [(match_id, _youth)] = [tuple(r) for r in db_rows(vix_env, open_matches)]
    assert match_id == 1  # the older match stays, with its contact date
    shown = as_json(vix("match", "1", "--json", als=region.jgz))
    assert len(shown["members"]) == 3
    contact = "SELECT match_id, kind, on_date FROM match_milestones"
    assert [tuple(r) for r in db_rows(vix_env, contact)] == [(1, "contact", "2026-11-23")]
    # the school's first signal (on the substitute number) stays, the second went
    kept = "SELECT youth_id, placed_at FROM signals WHERE professional_id = 2 AND status = 'active'"
    assert len(db_rows(vix_env, kept)) == 1


def test_a_merge_counts_signals_in_the_singular_and_the_plural(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)  # the school's signal
    signal(vix, region.care, *WITHOUT_BSN)
    same = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    signal(vix, region.school, BSN_ANNA, *same, "--gemeente", "HAARLEM")
    done = vix("jeugdige", "samenvoegen", vn, BSN_ANNA, als=region.coordinator)
    said = " ".join(ok(done).stderr.split())
    assert ": 2 signalen overgezet, 1 dubbel signaal verwijderd." in said, said
    assert "signaal/" not in said and "(es)" not in said and "(en)" not in said


def test_a_merge_keeps_the_family_the_removed_registration_brought(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    vn = substitute(vix, region, vix_env)  # the school's registration: no parents
    signal(vix, region.care, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    same = ["--voornaam", "Sam", "--achternaam", "Öztürk", "--geboortedatum", "05-06-2015"]
    signal(vix, region.jgz, BSN_ANNA, *same, "--gemeente", "HAARLEM", "--ouder", P_MOTHER)
    family = "SELECT id FROM matches WHERE kind = 'family' AND ended_at IS NULL"
    [(family_id,)] = [tuple(r) for r in db_rows(vix_env, family)]
    # the registration that stays is the one without parents: it takes the mother over
    done = merge(vix, region, BSN_ANNA, vn)
    assert (done["signals_moved"], done["duplicates"]) == (1, 0)
    assert db_rows(vix_env, "SELECT count(*) FROM youth_parents")[0][0] == 2  # Sam's and Bram's
    assert [tuple(r) for r in db_rows(vix_env, family)] == [(family_id,)]
    members = (
        "SELECT o.code FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
        " JOIN organisations o ON o.id = s.organisation_id"
        " WHERE mm.match_id = ? AND mm.left_at IS NULL ORDER BY o.code"
    )
    # the school's signal on Sam now shares the family with Bram's care worker
    codes = [r[0] for r in db_rows(vix_env, members, (family_id,))]
    assert codes == ["JGZ", "JH", "ZON"]
    mine = as_json(vix("matches", "--json", als=region.school))
    assert sorted(m["kind"] for m in mine) == ["family", "youth"]  # and Sam's own, with JGZ
    # the school never sees who Bram is or who signalled him (rule 7)
    shown = as_json(vix("match", str(family_id), "--json", als=region.school))
    assert "Bram" not in str(shown)


def test_merge_refusals(vix: Runner, region: Region, vix_env: Path) -> None:
    vn = substitute(vix, region, vix_env)
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))  # another birth date
    before = whole_db(vix_env)
    cases = [
        (region.coordinator, [vn, BSN_ANNA], 1, "andere geboortedatum"),
        (region.coordinator, [vn, vn.lower()], 2, "twee verschillende registraties"),
        (region.coordinator, [vn, BSN_BRAM], 1, "de tweede jeugdige"),
        (region.school, [vn, BSN_ANNA], 1, "rol"),
    ]
    for als, args, status, message in cases:
        refused = vix("jeugdige", "samenvoegen", *args, als=als)
        assert (refused.exit_code, message in refused.stderr) == (status, True), refused.stderr
    assert whole_db(vix_env) == before


def test_a_youth_is_not_his_or_her_own_parent(vix: Runner, region: Region, vix_env: Path) -> None:
    own = new_youth(BSN_ANNA, "Anna", parents=(BSN_ANNA,))
    placed = vix("signaleer", *own, "--ouders-geinformeerd", "20-11-2026", als=region.school)
    assert placed.exit_code == 1 and "Traceback" not in placed.stderr
    assert "Het BSN van een ouder is het BSN van de jeugdige zelf" in placed.stderr
    assert BSN_ANNA not in placed.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 0
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    before = whole_db(vix_env)
    # the mother's key would be replaced by Anna's own
    refused = vix("jeugdige", "corrigeer", BSN_ANNA, "--ouder", BSN_ANNA, als=region.coordinator)
    assert refused.exit_code == 1 and "de jeugdige zelf" in refused.stderr
    # or Anna's number corrected to her mother's: then she is her own parent too
    mother = vix("jeugdige", "corrigeer", BSN_ANNA, "--bsn", P_MOTHER, als=region.coordinator)
    assert mother.exit_code == 1
    assert "Het nieuwe BSN is dat van een vastgelegde ouder van de jeugdige" in mother.stderr
    assert BSN_ANNA not in refused.stderr + mother.stderr and P_MOTHER not in mother.stderr
    assert whole_db(vix_env) == before
    # with the parents corrected in the same command, the new number is fine
    done = correct(vix, region, BSN_ANNA, "--bsn", P_MOTHER, "--ouder", P_FATHER)
    assert done["corrected"] == ["nummer", "ouders"]


def test_a_family_that_splits_keeps_its_match_in_the_part_that_still_makes_one(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna, Bram and Cas share a mother; Bram and Cas also a father. Anna's mother turns
    out to be registered by mistake: Anna leaves the family. Bram and Cas still make a
    family match, and it is the one they were in, with its contact and its clock: Anna,
    registered first, no longer ends it before their part is looked at."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER, P_FATHER)))
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=(P_MOTHER, P_FATHER)))
    family = "SELECT id, created_at, ended_at IS NULL FROM matches WHERE kind = 'family'"
    [(match_id, created, _)] = [tuple(r) for r in db_rows(vix_env, family)]
    ok(vix("contact", str(match_id), "--datum", "23-11-2026", als=region.jgz))
    done = correct(vix, region, BSN_ANNA, "--geen-ouders")
    assert counts(done) == (0, 1, 0)  # the one they were in
    assert [tuple(r) for r in db_rows(vix_env, family)] == [(match_id, created, 1)]
    members = (
        "SELECT y.bsn, mm.left_at IS NULL FROM match_members mm JOIN signals s"
        " ON s.id = mm.signal_id JOIN youths y ON y.id = s.youth_id ORDER BY y.bsn"
    )
    assert sorted(tuple(r) for r in db_rows(vix_env, members)) == sorted(
        [(BSN_ANNA, 0), (BSN_BRAM, 1), (BSN_CAS, 1)]
    )
    assert db_rows(vix_env, "SELECT count(*) FROM match_milestones")[0][0] == 1


def test_a_malformed_value_is_refused_alike_for_a_known_and_an_unknown_number(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The formats were checked after the lookup: a bad postcode got 'Postcode ongeldig'
    and a lookup in the log for a registered number, 'niets opgeslagen' for another,
    which told the two apart (review)."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    lookups = "SELECT COUNT(*) FROM audit_log WHERE action = 'lookup'"
    before = db_rows(vix_env, lookups)[0][0]
    for bad in (
        ["--postcode", "XX", "--huisnummer", "1"],
        ["--huisnummer", "twaalf"],
        ["--voornaam", " "],
        ["--achternaam", "-"],
        ["--tussenvoegsel", "d\u2028e"],
        ["--bsn", "123456789"],
        ["--ouder", "111111111"],
    ):
        said = {
            (r.exit_code, r.stderr)
            for r in (
                vix("jeugdige", "corrigeer", number, *bad, als=region.coordinator)
                for number in (BSN_ANNA, BSN_BRAM)
            )
        }
        assert len(said) == 1, (bad, said)
        [(status, message)] = said
        assert status == 1 and "niets opgeslagen" not in message, (bad, message)
    assert db_rows(vix_env, lookups)[0][0] == before


def test_a_number_the_index_does_not_know_is_refused_with_what_to_check(
    vix: Runner, region: Region
) -> None:
    """The coordinator and the administrator, who may learn whether a number is
    registered, are told what to check, not only that nothing is stored."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    check = (
        "Controleer het nummer: het BSN, het onderwijsnummer (begint met 10) of het vervangend "
        "nummer (VN...) van de jeugdige.\n"
    )
    said = {
        args[1]: vix(*args, als=region.coordinator)
        for args in (
            ("jeugdige", "corrigeer", BSN_BRAM, "--voornaam", "Bram"),
            ("jeugdige", "wis", BSN_BRAM, "--reden", "bezwaar"),
            ("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT"),
            ("jeugdige", "samenvoegen", BSN_BRAM, BSN_ANNA),
        )
    }
    assert {r.exit_code for r in said.values()} == {1}
    assert said["corrigeer"].stderr == (
        "Fout: Over deze jeugdige is niets opgeslagen in de verwijsindex; er is niets "
        "gewijzigd. " + check
    )
    assert said["wis"].stderr == (
        "Fout: Over deze jeugdige is niets opgeslagen in de verwijsindex; er is niets gewist. "
        + check
    )
    assert said["verhuis"].stderr == (
        "Fout: De verwijsindex kent deze jeugdige niet; er is niets opgeslagen. " + check
    )
    assert said["samenvoegen"].stderr == (
        "Fout: Over de eerste jeugdige is niets opgeslagen in de verwijsindex; er is niets "
        "gewijzigd. Controleer het nummer; 'vix jeugdige dubbel' toont de nummers van "
        "registraties die mogelijk dubbel zijn.\n"
    )
