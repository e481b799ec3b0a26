"""A guess at a registered youth's address, parents or municipality gets one answer, right
or wrong (rule 16): `vix signaleer` by another organisation (flags, --json, the prompts)
and `vix jeugdige verhuis` by a co-signaller.

The auditor's case: a school that knew only the BSN, name and birth date of a youth
signalled with a guessed address and read whether it was "niet overgenomen"; withdrawn as
`onterecht` (a wipe: nobody else hears), the next guess went just as unseen. A co-signaller's
`verhuis` to the stored address was refused as "woont al op dit adres", while any other
address moved the youth.

Each guess runs on a fresh copy of one database, so the answers compare byte for byte (a
second signal would get another number).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BSN_DAAN,
    INFORMED,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    db_rows,
    new_youth,
    ok,
    signal,
)

from vix import cli_signal

# what the school registered: Daan, his mother, 2011AB 12 in Haarlem
STORED: dict[str, Any] = {
    "parents": (P_MOTHER,),
    "postcode": "2011AB",
    "number": "12",
    "town": "HAARLEM",
}
# per field: the right guess and a wrong one (the other fields as the guesser would give
# them: a municipality, since `vix signaleer` requires one, nothing else)
GUESSES = {
    "adres": ({"postcode": "2011AB", "number": "12"}, {"postcode": "2011AB", "number": "14"}),
    "ouders": ({"parents": (P_MOTHER,)}, {"parents": (P_FATHER,)}),
    "gemeente": ({"town": "HAARLEM"}, {"town": "ZANDVOORT"}),
}
YOUTH_ROW = "SELECT * FROM youths"
PARENT_ROWS = "SELECT * FROM youth_parents ORDER BY parent_key"


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as a, closing(sqlite3.connect(target)) as b:
        a.backup(b)


class Copies:
    """The database as it is now, put back before each guess."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.base = db.with_name("voor-de-gok.db")
        _copy(db, self.base)

    def fresh(self) -> Path:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        _copy(self.base, self.db)
        return self.db


def outcome(result: Any) -> tuple[int, str, str]:
    return result.exit_code, result.stdout, result.stderr


def stored(db: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return [tuple(r) for r in db_rows(db, YOUTH_ROW)], [tuple(r) for r in db_rows(db, PARENT_ROWS)]


@pytest.fixture
def daan(vix: Runner, region: Region, vix_env: Path) -> Copies:
    """The school registered Daan with what STORED holds; a copy to guess on."""
    signal(vix, region.school, *new_youth(BSN_DAAN, "Daan", **STORED))
    return Copies(vix_env)


@pytest.mark.parametrize("json_", [False, True], ids=["tekst", "json"])
@pytest.mark.parametrize("field", list(GUESSES))
def test_a_guess_at_what_another_organisation_registered_gets_one_answer(
    vix: Runner, region: Region, daan: Copies, field: str, json_: bool
) -> None:
    before = stored(daan.db)
    answers = []
    for guess in GUESSES[field]:
        db = daan.fresh()
        args = ("signaleer", *new_youth(BSN_DAAN, "Daan", **guess), *INFORMED)
        answers.append(outcome(ok(vix(*args, *(["--json"] if json_ else []), als=region.jgz))))
        assert stored(db) == before, guess  # neither guess is taken
    right, wrong = answers
    assert right == wrong
    # and what the answer says: the field the index holds is named, never the municipality
    told = right[1] if json_ else right[2]
    if json_:
        assert json.loads(told)["not_used"] == ([] if field == "gemeente" else [field])
    elif field == "gemeente":
        assert "Niet overgenomen" not in told
    else:
        assert f"Niet overgenomen: {field}." in " ".join(told.split())


def test_the_prompts_answer_a_right_and_a_wrong_guess_alike(
    vix: Runner, region: Region, daan: Copies, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_signal, "stdin_is_terminal", lambda: True)
    before = stored(daan.db)
    answers = []
    for parent, house in ((P_MOTHER, "12"), (P_FATHER, "14")):
        db = daan.fresh()
        typed = [BSN_DAAN, "Daan", "", "Vries", "03-04-2014", "HAARLEM", parent, "2011AB", house]
        typed += ["j", "j", ""]  # sign, the parents were informed, today
        code, out, err = outcome(
            ok(vix("signaleer", als=region.jgz, input="\n".join(typed) + "\n"))
        )
        # the test runner echoes what was typed: that differs, of course
        echo = "".join(f" {answer}\n" for answer in typed)
        assert out.startswith(echo)
        answers.append((code, out[len(echo) :], err))
        assert stored(db) == before
    right, wrong = answers
    assert right == wrong
    assert "Niet overgenomen: ouders en adres." in " ".join(right[2].split())


def test_a_co_signaller_s_verhuis_to_the_stored_address_answers_as_to_another(
    vix: Runner, region: Region, daan: Copies, vix_env: Path
) -> None:
    signal(vix, region.jgz, *new_youth(BSN_DAAN, "Daan"))  # knows name and birth date only
    copies = Copies(vix_env)
    move = ("jeugdige", "verhuis", BSN_DAAN, "--gemeente", "HAARLEM", "--postcode", "2011AB")
    updates = "SELECT count(*) FROM audit_log WHERE action = 'update'"
    before = (stored(vix_env), db_rows(vix_env, updates)[0][0])
    answers = []
    for house in ("12", "14"):
        db = copies.fresh()
        answers.append(outcome(vix(*move, "--huisnummer", house, als=region.jgz)))
        [key] = db_rows(db, "SELECT address_key FROM youths")
        assert key[0] == f"2011AB-{house}"  # it says true: the address is the one given
    right, wrong = answers
    assert right == wrong
    assert right == (
        0,
        "",
        "Woonadres van Daan Vries in Haarlem vastgelegd; dezelfde gemeente, dus geen "
        "verhuisbericht.\n",
    )
    # the right one changed nothing; the log keeps that the signaller read the record
    db = copies.fresh()
    ok(vix(*move, "--huisnummer", "12", als=region.jgz))
    assert (stored(db), db_rows(db, updates)[0][0]) == before
    [seen] = db_rows(
        db,
        "SELECT p.email, a.detail FROM audit_log a JOIN professionals p ON p.id = a.actor_id"
        " WHERE a.action = 'lookup'",
    )
    assert (seen[0], json.loads(seen[1])) == (
        region.jgz,
        {"bron": "verhuis", "adres": "al vastgelegd"},
    )
    assert db_rows(db, "SELECT count(*) FROM outbox WHERE kind = 'move'")[0][0] == 0
