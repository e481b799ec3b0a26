"""Rules 11 and 13: a family match belongs to a municipality where one of its youths
lives. When none lives there any more it goes where the move took the last one, else
where most of its youths live (`matching.follow_residence`). Pinned by mutation testing
(session 25): no test noticed either choice made otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    INFORMED,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)

MOTHER = (P_MOTHER,)


def place(vix: Runner, als: str, *youth: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("signaleer", *youth, *INFORMED, "--json", als=als))
    return found


def family_match(found: dict[str, Any]) -> int:
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    return int(match_id)


def municipality(vix_env: Path, match_id: int) -> str:
    """The match's municipality (no view shows a family match's to a signaller or in the
    inzage: it might tell where the other child lives, `views.family_hides`)."""
    [row] = db_rows(
        vix_env,
        "SELECT g.name FROM matches m JOIN municipalities g ON g.id = m.municipality_id"
        " WHERE m.id = ?",
        (match_id,),
    )
    return str(row[0])


def bloemendaal(vix: Runner) -> None:
    ok(vix("gemeente", "toevoegen", "BLOEMENDAAL", "Bloemendaal", als=ADMIN))


def test_a_family_match_goes_where_the_move_took_its_last_youth(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna, Bram and Cas live in Haarlem. Bram and Cas move to Zandvoort (the match
    stays: Anna lives in Haarlem), then Anna to Bloemendaal: the match goes with her
    move to Bloemendaal, though two of its youths live in Zandvoort."""
    bloemendaal(vix)
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=MOTHER))
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=MOTHER))
    match_id = family_match(place(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=MOTHER)))
    for bsn, als in ((BSN_BRAM, region.jgz), (BSN_CAS, region.care)):
        ok(vix("jeugdige", "verhuis", bsn, "--gemeente", "ZANDVOORT", als=als))
    assert municipality(vix_env, match_id) == "Haarlem"
    ok(vix("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "BLOEMENDAAL", als=region.school))
    assert municipality(vix_env, match_id) == "Bloemendaal"


def test_a_family_match_whose_youth_left_goes_where_most_of_them_live(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Anna (Haarlem) was registered first: the match is Haarlem's. Bram and Cas live in
    Zandvoort, Daan, registered last, in Bloemendaal. Anna's worry goes: the match goes
    to Zandvoort, where most of its youths live."""
    bloemendaal(vix)
    anna = place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=MOTHER))
    match_id = family_match(
        place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=MOTHER, town="ZANDVOORT"))
    )
    place(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=MOTHER, town="ZANDVOORT"))
    place(vix, region.school2, *new_youth(BSN_DAAN, "Daan", parents=MOTHER, town="BLOEMENDAAL"))
    assert municipality(vix_env, match_id) == "Haarlem"
    ok(vix("intrekken", str(anna["signal_id"]), "--reden", "weggenomen", als=region.school))
    assert municipality(vix_env, match_id) == "Zandvoort"
