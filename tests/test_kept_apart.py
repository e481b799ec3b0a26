"""Two registrations without a BSN judged two children stay apart (`vix jeugdige apart`).

After migration 0011 a youth without a BSN may keep a substitute number of the
old rule because another registration holds the number his or her data give
now (tests/test_substitute_infix.py builds such databases). Most often that is
one child registered twice, and the coordinator merges; twins of one sex are
two children, and the coordinator records that once: `vix jeugdige dubbel`
stops listing the pair, and an inzage by the number of one shows that
registration alone, without `--apart` each time.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BSN_ANNA,
    INFORMED,
    NOW,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)
from test_substitute_infix import NOOR_BY_NAME, as_before_0011, two_registrations, vn

from vix import cli_signal
from vix.db import open_store


def kept_apart(db: Path) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db_rows(db, "SELECT * FROM kept_apart")]


def audit_of(db: Path, action: str) -> list[tuple[Any, ...]]:
    """(youth id, subject, detail) of each audit record of `action`, in order."""
    return [
        tuple(r)
        for r in db_rows(
            db,
            "SELECT entity_id, subject, detail FROM audit_log WHERE action = ? AND entity = 'youth'"
            " ORDER BY id",
            (action,),
        )
    ]


def ids(db: Path, *numbers: str) -> list[int]:
    return [db_rows(db, "SELECT id FROM youths WHERE bsn = ?", (n,))[0][0] for n in numbers]


def pseudonyms(db: Path, *numbers: str) -> list[str]:
    store = open_store(db, datetime.fromisoformat(NOW))
    try:
        return [store.pseudonym(n) for n in numbers]
    finally:
        store.close()


def inzage(vix: Runner, region: Region, number: str) -> dict[str, Any]:
    result = ok(vix("inzage", "--nummer", number, "--json", als=region.coordinator))
    assert result.stderr == ""
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_twins_kept_apart_leave_the_list_and_get_an_inzage_each_by_number(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    noor, fleur = two_registrations(vix, region, vix_env, "Fleur")
    listed = ok(vix("jeugdige", "dubbel", als=region.coordinator)).stdout
    assert f"Twee jeugdigen? vix jeugdige apart {noor} {fleur}" in listed

    done = ok(vix("jeugdige", "apart", noor, fleur, als=region.coordinator))
    assert done.stdout == ""
    assert (
        f"Apart gehouden als twee jeugdigen: Noor van Dijk ({noor}) en Fleur van Dijk ({fleur})."
        in done.stderr
    )
    noor_id, fleur_id = ids(vix_env, noor, fleur)
    coordinator = db_rows(
        vix_env, "SELECT id FROM professionals WHERE email = ?", (region.coordinator,)
    )[0][0]
    assert kept_apart(vix_env) == [(noor_id, fleur_id, coordinator, NOW)]

    # the list no longer shows the pair, and says that a pair is kept apart
    assert as_json(vix("jeugdige", "dubbel", "--json", als=region.coordinator)) == []
    none = ok(vix("jeugdige", "dubbel", als=region.coordinator))
    assert none.stdout == ""
    assert "1 paar apart gehouden als twee jeugdigen" in none.stderr
    assert "Geen jeugdigen zonder BSN" not in none.stderr
    # --alle shows it, with who judged when and the ways back
    [judged] = as_json(vix("jeugdige", "dubbel", "--alle", "--json", als=region.coordinator))
    assert (judged["registration"]["number"], judged["holder"]["number"]) == (noor, fleur)
    assert judged["kept_apart"] == {"judged_at": NOW, "judged_by": "Carla Coördinator"}
    text = ok(vix("jeugdige", "dubbel", "--alle", als=region.coordinator)).stdout
    assert "Apart gehouden als twee jeugdigen sinds 23-11-2026 10:00 (Carla Coördinator)." in text
    assert f"vix jeugdige apart {noor} {fleur} --wis" in text
    assert f"Toch dezelfde jeugdige? vix jeugdige samenvoegen {noor} {fleur}" in text

    # each registration alone by its number, without --apart; the inzage records that it
    # left the other registration out
    for number, name, organisation in (
        (noor, "Noor van Dijk", "Basisschool De Zonnebloem"),
        (fleur, "Fleur van Dijk", "JGZ Kennemerland"),
    ):
        z = inzage(vix, region, number)
        assert (z["found"], z["name"], z["number"]) == (True, name, number)
        assert [s["organisation"] for s in z["signals"]] == [organisation]
        judgement = [e for e in z["log"] if e["action"].startswith("als andere jeugdige")]
        assert [(e["who"], e["action"]) for e in judgement] == [
            (
                "Carla Coördinator",
                "als andere jeugdige apart gehouden van een tweede registratie: gegevens jeugdige",
            )
        ]
    made = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'inzage'")
    assert [r[0] for r in made] == ['{"apart": true}', '{"apart": true}']

    # by name nothing tells the twins apart: refused, pointing at the numbers, no merge
    by_name = vix("inzage", "--achternaam", "van Dijk", *NOOR_BY_NAME, als=region.coordinator)
    assert (by_name.exit_code, by_name.stdout) == (1, "")
    assert "die de regionaal coördinator apart houdt als verschillende jeugdigen" in by_name.stderr
    assert (
        f"{noor}  Noor van Dijk" in by_name.stderr and f"{fleur}  Fleur van Dijk" in by_name.stderr
    )
    assert "--nummer NUMMER" in by_name.stderr
    assert "samenvoegen" not in by_name.stderr and "vix jeugdige apart" not in by_name.stderr


def test_the_judgement_is_audited_per_youth_under_pseudonyms_and_recorded_once(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    noor, fleur = two_registrations(vix, region, vix_env, "Fleur")
    ok(vix("jeugdige", "apart", noor, fleur, als=region.coordinator))
    noor_id, fleur_id = ids(vix_env, noor, fleur)
    noor_key, fleur_key = pseudonyms(vix_env, noor, fleur)
    # one record on each youth under its own pseudonym (its inzage lists it), naming the
    # other's pseudonym; never a number (rule 18)
    assert audit_of(vix_env, "keep_apart") == [
        (noor_id, noor_key, json.dumps({"andere_sleutel": fleur_key})),
        (fleur_id, fleur_key, json.dumps({"andere_sleutel": noor_key})),
    ]
    audit = " ".join(str(tuple(r)) for r in db_rows(vix_env, "SELECT * FROM audit_log"))
    assert "VN" not in audit

    # recorded again, either way round: nothing changes and nothing is logged
    again = ok(vix("jeugdige", "apart", fleur, noor, als=region.coordinator))
    assert "Niets gewijzigd" in again.stderr and "sinds 23-11-2026 10:00" in again.stderr
    assert noor not in again.stderr  # nothing shown, so no read to log
    assert len(kept_apart(vix_env)) == 1
    assert len(audit_of(vix_env, "keep_apart")) == 2


def test_only_the_coordinator_or_administrator_keeps_a_pair_apart(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    noor, fleur = two_registrations(vix, region, vix_env, "Fleur")
    for who in (region.school, region.manager, region.regie):
        refused = vix("jeugdige", "apart", noor, fleur, als=who)
        assert (refused.exit_code, refused.stdout) == (1, "")
        assert "met de rol regionaal coördinator of functioneel beheerder" in refused.stderr
        assert "Noor" not in refused.stderr and "Fleur" not in refused.stderr
    assert kept_apart(vix_env) == []
    assert audit_of(vix_env, "keep_apart") == []
    ok(vix("jeugdige", "apart", noor, fleur, als=region.admin))
    assert len(kept_apart(vix_env)) == 1


def test_numbers_that_are_no_pair_are_refused_and_nothing_is_written(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    noor, fleur = two_registrations(vix, region, vix_env, "Fleur")
    signal(vix, region.care, *new_youth(BSN_ANNA, "Anna"))
    other = [
        "--voornaam",
        "Sem",
        "--achternaam",
        "van Dijk",
        "--geslacht",
        "M",
        "--gemeente",
        "HAARLEM",
    ]
    signal(vix, region.care, "--zonder-bsn", *other, "--geboortedatum", "01-02-2016")
    [(sem,)] = db_rows(vix_env, "SELECT bsn FROM youths WHERE given_name = 'Sem'")
    for first, second in ((noor, BSN_ANNA), (sem, fleur), (noor, sem)):
        refused = vix("jeugdige", "apart", first, second, als=region.coordinator)
        assert (refused.exit_code, refused.stdout) == (1, "")
        assert "geen paar uit 'vix jeugdige dubbel'" in refused.stderr
        assert "Er is niets vastgelegd" in refused.stderr
        assert "Controleer de nummers met 'vix jeugdige dubbel'" in refused.stderr
        assert BSN_ANNA not in refused.stderr
    unknown = vix("jeugdige", "apart", noor, vn("BOS", "2016-02-01", "V"), als=region.coordinator)
    assert unknown.exit_code == 1
    assert "Over de tweede jeugdige is niets opgeslagen" in unknown.stderr
    twice = vix("jeugdige", "apart", noor, noor, als=region.coordinator)
    assert twice.exit_code == 2 and "twee verschillende registraties" in twice.stderr
    # nothing to take back
    not_kept = vix("jeugdige", "apart", noor, fleur, "--wis", als=region.coordinator)
    assert not_kept.exit_code == 1
    assert "worden niet apart gehouden; er is niets gewijzigd" in not_kept.stderr
    assert kept_apart(vix_env) == []
    assert audit_of(vix_env, "keep_apart") == audit_of(vix_env, "keep_apart_removed") == []


def test_a_judgement_taken_back_puts_the_pair_on_the_list_again(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    noor, fleur = two_registrations(vix, region, vix_env, "Fleur")
    ok(vix("jeugdige", "apart", noor, fleur, als=region.coordinator))
    back = ok(vix("jeugdige", "apart", fleur, noor, "--wis", als=region.coordinator))
    assert "Oordeel teruggenomen" in back.stderr
    assert kept_apart(vix_env) == []
    noor_id, fleur_id = ids(vix_env, noor, fleur)
    noor_key, fleur_key = pseudonyms(vix_env, noor, fleur)
    assert audit_of(vix_env, "keep_apart_removed") == [
        (fleur_id, fleur_key, json.dumps({"andere_sleutel": noor_key})),
        (noor_id, noor_key, json.dumps({"andere_sleutel": fleur_key})),
    ]
    [listed] = as_json(vix("jeugdige", "dubbel", "--json", als=region.coordinator))
    assert (listed["registration"]["number"], listed["kept_apart"]) == (noor, None)
    refused = vix("inzage", "--nummer", noor, als=region.coordinator)
    assert refused.exit_code == 1
    assert f"vix jeugdige apart {noor} {fleur}" in refused.stderr
    assert f"vix jeugdige samenvoegen {noor} {fleur}" in refused.stderr
    # the inzage log of each lists the judgement and its withdrawal
    z = as_json(vix("inzage", "--nummer", fleur, "--apart", "--json", als=region.coordinator))
    actions = [e["action"] for e in z["log"]]
    assert (
        "oordeel 'andere jeugdige' over een tweede registratie teruggenomen: gegevens jeugdige"
        in actions
    )


def test_merging_a_pair_kept_apart_drops_the_judgement(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The judgement was wrong: one child after all. The merge takes it away with the
    registration that goes, and the inzage by name is whole again."""
    old, new = two_registrations(vix, region, vix_env, "Noor")
    ok(vix("jeugdige", "apart", old, new, als=region.coordinator))
    merged = ok(vix("jeugdige", "samenvoegen", old, new, als=region.coordinator))
    assert "dat oordeel vervalt met het samenvoegen" in merged.stderr
    assert kept_apart(vix_env) == []
    none = ok(vix("jeugdige", "dubbel", als=region.coordinator))
    assert "Geen jeugdigen zonder BSN" in none.stderr and "apart gehouden" not in none.stderr
    z = as_json(
        vix("inzage", "--achternaam", "van Dijk", *NOOR_BY_NAME, "--json", als=region.admin)
    )
    assert len(z["signals"]) == 2
    # a merge of a pair never kept apart says nothing of it
    a, b = two_registrations_again(vix, region, vix_env)
    plain = ok(vix("jeugdige", "samenvoegen", a, b, als=region.coordinator))
    assert "oordeel" not in plain.stderr


def two_registrations_again(vix: Runner, region: Region, vix_env: Path) -> tuple[str, str]:
    """Bram signalled as 'de' + 'Wit' and 'de Wit' before 0011: a second pair."""
    bram = ["--zonder-bsn", "--voornaam", "Bram", "--geboortedatum", "03-03-2015"]
    bram += ["--geslacht", "M", "--gemeente", "HAARLEM"]
    signal(vix, region.care, *bram, "--achternaam", "Wit")
    signal(vix, region.gi, *bram, "--achternaam", "de Wit")
    old = vn("WIT", "2015-03-03", "M")
    as_before_0011(vix_env, {old: "de"})
    return old, vn("DEWIT", "2015-03-03", "M")


def test_erasing_one_youth_of_the_pair_drops_the_judgement(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    noor, fleur = two_registrations(vix, region, vix_env, "Fleur")
    ok(vix("jeugdige", "apart", noor, fleur, als=region.coordinator))
    ok(vix("jeugdige", "wis", fleur, "--reden", "bezwaar", als=region.coordinator))
    assert db_rows(vix_env, "SELECT count(*) FROM youths WHERE bsn = ?", (fleur,))[0][0] == 0
    assert kept_apart(vix_env) == []
    assert db_rows(vix_env, "PRAGMA foreign_key_check") == []
    # Noor is the one registration of her data now: found by number and by name alike
    assert inzage(vix, region, noor)["name"] == "Noor van Dijk"
    z = as_json(
        vix("inzage", "--achternaam", "van Dijk", *NOOR_BY_NAME, "--json", als=region.admin)
    )
    assert (z["found"], z["name"]) == (True, "Noor van Dijk")


def sem_three_times(vix: Runner, region: Region, vix_env: Path) -> tuple[str, str, str]:
    """Sem van der Berg, registered by the school, JGZ and youth care as 'van der' + 'Berg',
    'van' + 'der Berg' and 'van der Berg' before 0011: the first two keep an old number.
    Returns the two old numbers and the one the third holds."""
    sem = ["--zonder-bsn", "--voornaam", "Sem", "--geboortedatum", "04-04-2014"]
    sem += ["--geslacht", "M", "--gemeente", "HAARLEM"]
    signal(vix, region.school, *sem, "--achternaam", "Berg")
    signal(vix, region.jgz, *sem, "--achternaam", "der Berg")
    signal(vix, region.care, *sem, "--achternaam", "van der Berg")
    old1, old2 = vn("BERG", "2014-04-04", "M"), vn("DERBERG", "2014-04-04", "M")
    held = vn("VANDERBERG", "2014-04-04", "M")
    as_before_0011(vix_env, {old1: "van der", old2: "van"})
    return old1, old2, held


def test_of_three_registrations_an_inzage_needs_each_other_one_kept_apart(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Sem registered as 'van der' + 'Berg', 'van' + 'der Berg' and 'van der Berg' before
    0011: two registrations keep an old number. One registration is shown alone only once
    it is kept apart from both others; 'dubbel' lists every pair that blocks an inzage,
    the pair of the two old numbers too, so that the coordinator can judge each."""
    old1, old2, held = sem_three_times(vix, region, vix_env)

    def pairs() -> list[tuple[str, str, bool]]:
        listed = as_json(vix("jeugdige", "dubbel", "--json", als=region.coordinator))
        return [(d["registration"]["number"], d["holder"]["number"], d["also_old"]) for d in listed]

    assert pairs() == [(old1, held, False), (old1, old2, True), (old2, held, False)]
    text = ok(vix("jeugdige", "dubbel", als=region.coordinator)).stdout
    assert f"{old2}  Sem van der Berg, geboren 04-04-2014, HAARLEM (oud nummer)" in text
    assert f"Twee jeugdigen? vix jeugdige apart {old1} {old2}" in text
    ok(vix("jeugdige", "apart", old1, held, als=region.coordinator))
    ok(vix("jeugdige", "apart", held, old2, als=region.coordinator))
    # the pair that still blocks the inzage of old1 and old2 is still listed
    assert pairs() == [(old1, old2, True)]
    left = ok(vix("jeugdige", "dubbel", als=region.coordinator))
    assert f"Dezelfde jeugdige? vix jeugdige samenvoegen {old1} {old2}" in left.stdout
    assert "2 paren apart gehouden" in left.stderr

    # the holder is kept apart from both: its inzage is made
    assert inzage(vix, region, held)["signals"][0]["organisation"] == "Jeugdhulp Kennemerland"
    # old1 and old2 may still be one child: refused, with only that pair to judge
    refused = vix("inzage", "--nummer", old1, als=region.coordinator)
    assert refused.exit_code == 1
    assert f"vix jeugdige apart {old1} {old2}" in refused.stderr
    assert f"vix jeugdige samenvoegen {old1} {old2}" in refused.stderr
    assert held not in refused.stderr.split("Dezelfde jeugdige?")[1]
    ok(vix("jeugdige", "apart", old2, old1, als=region.coordinator))
    none = ok(vix("jeugdige", "dubbel", als=region.coordinator))
    assert none.stdout == "" and "3 paren apart gehouden" in none.stderr
    for number, organisation in ((old1, "Basisschool De Zonnebloem"), (old2, "JGZ Kennemerland")):
        assert [s["organisation"] for s in inzage(vix, region, number)["signals"]] == [organisation]
    judged = as_json(vix("jeugdige", "dubbel", "--alle", "--json", als=region.coordinator))
    assert len(judged) == 3 and all(d["kept_apart"] for d in judged)


def test_two_old_numbers_without_a_holder_are_a_pair_too(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The holder of the new number erased: the two old numbers still block each other's
    inzage, and 'dubbel' lists that pair besides the free number of each."""
    old1, old2, held = sem_three_times(vix, region, vix_env)
    ok(vix("jeugdige", "wis", held, "--reden", "bezwaar", als=region.coordinator))

    listed = as_json(vix("jeugdige", "dubbel", "--json", als=region.coordinator))
    assert [
        (d["registration"]["number"], d["holder"] and d["holder"]["number"]) for d in listed
    ] == [(old1, None), (old1, old2), (old2, None)]
    assert vix("inzage", "--nummer", old1, als=region.coordinator).exit_code == 1
    ok(vix("jeugdige", "apart", old1, old2, als=region.coordinator))
    assert inzage(vix, region, old1)["name"] == "Sem van der Berg"


# T1: a signal by substitute data never lands on the other twin

TWIN_REFUSED = "mogelijk een ander kind geregistreerd (bijvoorbeeld een tweeling)"
VAN_DIJK = ["--tussenvoegsel", "van", "--achternaam", "Dijk", "--gemeente", "HAARLEM"]


def by_data(vix: Runner, als: str, given: str) -> Any:
    """`vix signaleer` without a BSN for `given` van Dijk, born 01-02-2016, a girl."""
    args = ["--zonder-bsn", "--voornaam", given, *NOOR_BY_NAME, *VAN_DIJK]
    return vix("signaleer", *args, *INFORMED, "--json", als=als)


def lookups(db: Path) -> list[tuple[Any, ...]]:
    """(actor, youth id, subject, detail) of each lookup logged on a youth."""
    return [
        tuple(r)
        for r in db_rows(
            db,
            "SELECT p.email, a.entity_id, a.subject, a.detail FROM audit_log a"
            " JOIN professionals p ON p.id = a.actor_id"
            " WHERE a.action = 'lookup' AND a.entity = 'youth' ORDER BY a.id",
        )
    ]


def assert_refused_unnamed(result: Any, *names: str) -> None:
    """Refused with the twin message, exit 1, naming no child and no professional."""
    assert (result.exit_code, result.stdout) == (1, "")
    assert TWIN_REFUSED in result.stderr
    assert "Geef het BSN of onderwijsnummer" in result.stderr
    assert "--leerling LEERLINGNUMMER" in result.stderr
    assert "er is niets opgeslagen" in result.stderr
    for word in (*names, "VN", "Ineke", "Karin", "Arts", "Bos"):
        assert word not in result.stderr


def test_a_twin_signalled_without_bsn_is_refused_not_put_on_the_other(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """No migration needed: two girls van Dijk born on one day have one substitute number.
    The school signalled Noor; youth care signals her twin Fleur by her data."""
    school = as_json(by_data(vix, region.school, "Noor"))
    [(noor_id, noor_number)] = db_rows(vix_env, "SELECT id, bsn FROM youths")
    before = db_rows(vix_env, "SELECT count(*) FROM audit_log")[0][0]

    refused = by_data(vix, region.care, "Fleur")
    assert_refused_unnamed(refused, "Noor")
    # nothing stored: no signal, no match, no notice, no youth
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1
    assert db_rows(vix_env, "SELECT count(*) FROM matches")[0][0] == 0
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 1
    # but the refusal told youth care that such a child is registered: logged (rule 18)
    [key] = pseudonyms(vix_env, noor_number)
    detail = {"bron": "signaleer", "geweigerd": "mogelijk een ander kind (tweeling)"}
    assert lookups(vix_env) == [(region.care, noor_id, key, json.dumps(detail))]
    assert db_rows(vix_env, "SELECT count(*) FROM audit_log")[0][0] == before + 1

    # the given name as typed otherwise (case, accent, space) is Noor: her registration
    same = as_json(by_data(vix, region.care, " nóor "))
    assert same["youth_name"] == "Noor van Dijk"
    assert [m["kind"] for m in same["matches"]] == ["youth"]
    assert school["signal_id"] != same["signal_id"]
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 1


@pytest.mark.parametrize("judged", [False, True])
def test_a_signal_by_data_takes_the_twin_of_that_name_from_a_pair(
    vix: Runner, region: Region, vix_env: Path, judged: bool
) -> None:
    """The pre-0011 pair Noor (old number) and Fleur (the number 'van Dijk' derives): a
    signal on Noor lands on Noor's registration, whether or not the pair is kept apart."""
    noor, fleur = two_registrations(vix, region, vix_env, "Fleur")
    if judged:
        ok(vix("jeugdige", "apart", noor, fleur, als=region.coordinator))
    noor_id, fleur_id = ids(vix_env, noor, fleur)

    answer = as_json(by_data(vix, region.care, "Noor"))
    assert answer["youth_name"] == "Noor van Dijk"
    [match] = answer["matches"]
    assert {p["name"] for p in match["members"]} == {"Ineke Bos", "Hans Hulp"}
    [(youth_id,)] = db_rows(
        vix_env,
        "SELECT youth_id FROM signals WHERE professional_id ="
        " (SELECT id FROM professionals WHERE email = ?)",
        (region.care,),
    )
    assert youth_id == noor_id
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 2

    # a third given name: no telling which child, refused; both registrations were revealed
    refused = by_data(vix, region.gi, "Sanne")
    assert_refused_unnamed(refused, "Noor", "Fleur")
    assert [(who, youth) for who, youth, *_ in lookups(vix_env)] == [
        (region.gi, noor_id),
        (region.gi, fleur_id),
    ]
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 3


def test_a_pair_with_one_given_name_is_refused(vix: Runner, region: Region, vix_env: Path) -> None:
    """Two registrations named Noor with one set of data: the given name picks neither."""
    two_registrations(vix, region, vix_env, "Noor")
    refused = by_data(vix, region.care, "Noor")
    assert_refused_unnamed(refused)
    assert "Noor" not in refused.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 2
    assert len(lookups(vix_env)) == 2


def test_the_prompts_go_through_the_same_check(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_signal, "stdin_is_terminal", lambda: True)
    as_json(by_data(vix, region.school, "Noor"))
    typed = ["Fleur", "van", "Dijk", "01-02-2016", "v", "HAARLEM", "", "", "j", "j", ""]
    result = vix("signaleer", "--zonder-bsn", als=region.care, input="\n".join(typed) + "\n")
    assert result.exit_code == 1
    assert TWIN_REFUSED in result.stderr
    assert "Signaal" not in result.stdout and "Noor" not in result.output
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1
    assert len(lookups(vix_env)) == 1


def test_a_signal_by_data_on_a_known_youth_checks_its_input_as_any_other(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The registration the given name picks is known, but a mistyped parent's BSN or
    municipality is still refused, as for a youth named by BSN; nothing is written."""
    as_json(by_data(vix, region.school, "Noor"))
    args = ["--zonder-bsn", "--voornaam", "Noor", *NOOR_BY_NAME, *VAN_DIJK, *INFORMED]
    parent = vix("signaleer", *args, "--ouder", "123456780", als=region.care)
    assert parent.exit_code == 1 and "elfproef" in parent.stderr
    town = [a if a != "HAARLEM" else "NERGENS" for a in args]
    nowhere = vix("signaleer", *town, als=region.care)
    assert nowhere.exit_code == 1 and "NERGENS" in nowhere.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1
