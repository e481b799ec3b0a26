"""`vix jeugdige verhuis` and the home address (rule 7): a youth who moved no longer lives
at the old address, so it links him or her to nobody there any more."""

from __future__ import annotations

from pathlib import Path

from conftest import (
    BSN_BRAM,
    Region,
    Runner,
    as_json,
    db_rows,
    family_at_one_address,
    new_youth,
    ok,
    signal,
)

PIET = "111222333"
MO = "200000019"


def piet_moves(vix: Runner, region: Region, *address: str) -> None:
    """Piet of 2011AB 12 in Haarlem (the school) moves to Zandvoort."""
    signal(vix, region.school, *new_youth(PIET, "Piet", "Klaas", postcode="2011AB", number="12"))
    move = ("jeugdige", "verhuis", PIET, "--gemeente", "ZANDVOORT", "--datum", "23-11-2026")
    ok(vix(*move, *address, als=region.coordinator))


def test_a_move_without_an_address_clears_the_old_one(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The audit's case: an unrelated child signalled later at Piet's old address got a
    family match with Piet, and the inzage showed Zandvoort with a Haarlem postcode."""
    piet_moves(vix, region)
    [piet] = db_rows(vix_env, "SELECT postcode, house_number, address_key FROM youths")
    assert tuple(piet) == (None, None, None)
    mo = signal(vix, region.jgz, *new_youth(MO, "Mo", "Ali", postcode="2011AB", number="12"))
    assert mo["matches"] == []
    z = as_json(vix("inzage", "--bsn", PIET, "--json", als=region.coordinator))
    assert "2011AB" not in str(z)
    # the audit names the fields, never the values
    details = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'update'")
    assert '{"bron": "verhuis", "velden": ["postcode", "huisnummer"]}' in [d[0] for d in details]


def test_a_move_takes_the_new_address(vix: Runner, region: Region, vix_env: Path) -> None:
    piet_moves(vix, region, "--postcode", "2042 ab", "--huisnummer", "7a")
    [piet] = db_rows(vix_env, "SELECT postcode, house_number, address_key FROM youths")
    assert tuple(piet) == ("2042AB", "7a", "2042AB-7-A")
    # a brother at the new address, signalled by another organisation: a family match
    bram = new_youth(BSN_BRAM, "Bram", "Klaas", town="ZANDVOORT", postcode="2042AB", number="7A")
    found = signal(vix, region.jgz, *bram)
    assert [m["kind"] for m in found["matches"]] == ["family"]
    # nobody at the old address is linked to Piet any more
    mo = signal(vix, region.care, *new_youth(MO, "Mo", "Ali", postcode="2011AB", number="12"))
    assert mo["matches"] == []


def test_a_family_match_that_only_the_old_address_made_ends(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match = family_at_one_address(vix, region)
    before = len(db_rows(vix_env, "SELECT id FROM outbox"))
    moved = ok(vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT", als=region.jgz))
    assert "Het oude woonadres is gewist" in moved.stderr
    assert "1 match beëindigd; 2 berichten klaargezet" in moved.stderr
    [ended] = db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = ?", (match["id"],))
    assert ended[0] is not None
    told = db_rows(vix_env, "SELECT recipient_email, kind, body FROM outbox ORDER BY id")[before:]
    assert (region.school, "match_beeindigd") in [(n[0], n[1]) for n in told]
    # the move notice comes after the reconcile: Bram is in no family match now
    [notice] = [n for n in told if n[1] == "move"]
    assert notice[0] == region.jgz and "gezinsmatch" not in notice[2]


def test_a_wrong_new_address_is_refused_and_nothing_is_stored(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(PIET, "Piet", "Klaas", postcode="2011AB", number="12"))
    move = ("jeugdige", "verhuis", PIET, "--gemeente", "ZANDVOORT")
    bad = vix(*move, "--postcode", "2042", "--huisnummer", "7", als=region.coordinator)
    assert bad.exit_code == 1 and "Postcode '2042' is ongeldig" in bad.stderr
    half = vix(*move, "--postcode", "2042AB", als=region.coordinator)
    assert half.exit_code == 2 and "--postcode én --huisnummer" in half.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM youth_moves")[0][0] == 0
    [piet] = db_rows(vix_env, "SELECT address_key FROM youths")
    assert piet[0] == "2011AB-12"


# -- the new address given afterwards, or a move within the municipality ------------------


def outbox(db: Path) -> list[tuple[str, str]]:
    return [
        (r[0], r[1]) for r in db_rows(db, "SELECT recipient_email, kind FROM outbox ORDER BY id")
    ]


def test_the_address_a_move_left_out_is_given_by_a_second_verhuis(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The signaller who recorded the move without the address adds it afterwards with the
    same command; it was refused ("woont al in") and only the coordinator could correct
    it. The family follows as on a move with the address; nobody is told of a move again."""
    signal(vix, region.school, *new_youth(PIET, "Piet", "Klaas", postcode="2011AB", number="12"))
    # the municipality typed as its name in lower case: the answers name it as stored, and
    # the command they suggest gives its code
    move = ("jeugdige", "verhuis", PIET, "--gemeente", "zandvoort")
    assert ok(vix(*move, als=region.school)).stderr == (
        "Verhuizing van Piet Klaas naar Zandvoort vastgelegd.\n"
        "Het oude woonadres is gewist: er is geen nieuw gegeven (--postcode en --huisnummer). "
        "Leg het nieuwe vast zodra het bekend is, met 'vix jeugdige verhuis NUMMER --gemeente "
        "ZANDVOORT --postcode ... --huisnummer ...'.\n"
    )
    # a brother at the new address, signalled by another organisation: no match yet
    bram = new_youth(BSN_BRAM, "Bram", "Klaas", town="ZANDVOORT", postcode="2042AB", number="7")
    assert signal(vix, region.jgz, *bram)["matches"] == []
    before = outbox(vix_env)
    told = ok(vix(*move, "--postcode", "2042 ab", "--huisnummer", "7", als=region.school))
    assert " ".join(told.stderr.split()).startswith(
        "Woonadres van Piet Klaas in Zandvoort vastgelegd; dezelfde gemeente, dus geen "
        "verhuisbericht."
    )
    assert "1 nieuwe match; 2 berichten klaargezet" in told.stderr
    [piet] = db_rows(vix_env, "SELECT postcode, house_number, address_key FROM youths"
                     " WHERE bsn = ?", (PIET,))  # fmt: skip
    assert tuple(piet) == ("2042AB", "7", "2042AB-7")
    [match] = db_rows(vix_env, "SELECT kind, ended_at FROM matches")
    assert tuple(match) == ("family", None)
    new = outbox(vix_env)[len(before) - 1 :]
    # the unsent notice of the first move is renewed, not repeated: it says now that Piet
    # is in a family match (tests/test_move_notice_renewal.py)
    assert sorted(new) == [
        (region.jgz, "match_nieuw"),
        (region.school, "match_nieuw"),
        (region.school, "move"),
    ]
    [notice] = db_rows(vix_env, "SELECT body FROM outbox WHERE kind = 'move'")
    assert "gemeente Zandvoort" in " ".join(notice[0].split()) and "gezinsmatch" in notice[0]
    assert db_rows(vix_env, "SELECT count(*) FROM youth_moves")[0][0] == 1  # the one move
    details = [d[0] for d in db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = "
                                     "'update' AND entity = 'youth'")]  # fmt: skip
    assert details.count('{"bron": "verhuis", "velden": ["postcode", "huisnummer"]}') == 2


def test_a_move_within_the_municipality_ends_the_family_match_of_the_old_address(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match = family_at_one_address(vix, region)
    before = outbox(vix_env)
    ok(vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "HAARLEM", "--postcode", "2011AB",
           "--huisnummer", "14", als=region.jgz))  # fmt: skip
    [ended] = db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = ?", (match["id"],))
    assert ended[0] is not None
    new = outbox(vix_env)[len(before) :]
    assert (region.school, "match_beeindigd") in new
    assert "move" not in [kind for _, kind in new]
    assert db_rows(vix_env, "SELECT count(*) FROM youth_moves")[0][0] == 0
    [town] = db_rows(vix_env, "SELECT mu.code FROM youths y JOIN municipalities mu"
                     " ON mu.id = y.municipality_id WHERE y.bsn = ?", (BSN_BRAM,))  # fmt: skip
    assert town[0] == "HAARLEM"


def test_a_verhuis_that_would_change_nothing_is_still_refused(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Without an address, for everyone; with the stored address, for the coordinator, who
    sees it in the inzage. A signaller is answered as for a new address, and nothing
    changes (tests/test_guessed_data.py)."""
    signal(vix, region.school, *new_youth(PIET, "Piet", "Klaas", postcode="2011AB", number="12"))
    move = ("jeugdige", "verhuis", PIET, "--gemeente", "HAARLEM")
    updates = "SELECT count(*) FROM audit_log WHERE action = 'update'"
    before = (db_rows(vix_env, updates)[0][0], outbox(vix_env))
    bare = vix(*move, als=region.school)
    assert bare.exit_code == 1
    assert " ".join(bare.stderr.split()) == (
        "Fout: Piet Klaas woont al in gemeente Haarlem. Is hij of zij binnen de gemeente "
        "verhuisd, of ontbrak het nieuwe adres bij de verhuizing, geef dan het nieuwe adres "
        "met --postcode en --huisnummer; er is niets opgeslagen."
    )
    for written in ("12", " 12 "):
        args = (*move, "--postcode", "2011 ab", "--huisnummer", written)
        same = vix(*args, als=region.coordinator)
        assert same.exit_code == 1
        assert " ".join(same.stderr.split()) == (
            "Fout: Piet Klaas woont al op dit adres in gemeente Haarlem; er is niets gewijzigd."
        )
        told = ok(vix(*args, als=region.school))
        assert " ".join(told.stderr.split()) == (
            "Woonadres van Piet Klaas in Haarlem vastgelegd; dezelfde gemeente, dus geen "
            "verhuisbericht."
        )
    assert (db_rows(vix_env, updates)[0][0], outbox(vix_env)) == before
    [piet] = db_rows(vix_env, "SELECT address_key FROM youths")
    assert piet[0] == "2011AB-12"


def test_the_same_home_written_otherwise_is_no_new_address(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """'12a', '12A' and '12 a' are one home (one address key): each was recorded as a new
    address, with an audit record, though nothing about the home changed."""
    signal(vix, region.school, *new_youth(PIET, "Piet", "Klaas", postcode="2011AB", number="12a"))
    move = ("jeugdige", "verhuis", PIET, "--gemeente", "HAARLEM", "--postcode", "2011AB")
    updates = "SELECT count(*) FROM audit_log WHERE action = 'update'"
    before = db_rows(vix_env, updates)[0][0]
    for written in ("12A", "12 a"):
        again = vix(*move, "--huisnummer", written, als=region.coordinator)
        assert again.exit_code == 1, written
        assert "woont al op dit adres" in again.stderr
        ok(vix(*move, "--huisnummer", written, als=region.school))  # the answer to a new one
    assert db_rows(vix_env, updates)[0][0] == before
    [piet] = db_rows(vix_env, "SELECT house_number FROM youths")
    assert piet[0] == "12a"
