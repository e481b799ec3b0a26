"""A known number signalled under a name that clearly is someone else's (rule 9, no search).

`vix signaleer` answers with the stored name of the youth a number belongs to.
With a number and a birth date alone, a professional outside the youth's
school learned the name another school registered. Now the name must fit:
`youths.names_fit` compares loosely, and refuses only when the given name and
the surname both differ. The refusal names nobody, is the one a wrong birth
date gets, and is logged as a lookup.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import ADMIN, INFORMED, Region, Runner, as_json, db_rows, new_youth
from import_helpers import pupil, write_list

from vix import cli_signal
from vix.youths import Youth, YouthData, names_fit

JAN = "100001890"
BORN = date(2014, 4, 3)


def stored(given: str, infix: str, surname: str) -> Youth:
    return Youth(
        id=1,
        bsn=JAN,
        id_kind="bsn",
        given_name=given,
        infix=infix,
        surname=surname,
        birth_date=BORN,
        sex="M",
        municipality_id=None,
        municipality=None,
        postcode=None,
        house_number=None,
        created_at="",
        updated_at="",
    )


def typed(given: str, infix: str, surname: str) -> YouthData:
    return YouthData(JAN, "bsn", given, surname, BORN, infix=infix)


@pytest.mark.parametrize(
    ("given", "infix", "surname"),
    [
        ("jan", "", "VAN DIJK"),  # case, the infix in the surname
        ("Jan", "", "vanDijk"),  # the infix joined
        ("Ján", "", "Fout"),  # accents; the given name alone fits
        ("Xander", "van", "Dijk"),  # another given name (the official one): the surname fits
        ("Xander", "", "Van-Dijk"),  # hyphen
        ("Jna", "", "Fout"),  # two letters swapped
        ("Jaan", "", "Fout"),  # one letter too many
        ("Johannes", "", "Dijk"),  # the infix left out
        ("Johannes", "", "van Dyk"),  # y for ij
        ("Johannes", "", "van Duk"),  # one letter changed
        ("Johannes", "", "Jansen-van Dijk"),  # a double name that ends in the stored one
        ("Johannes", "", "Van Dijkk"),
    ],
)
def test_spelling_variants_and_one_typo_fit(given: str, infix: str, surname: str) -> None:
    assert names_fit(stored("Jan", "van", "Dijk"), typed(given, infix, surname))


@pytest.mark.parametrize(
    ("given", "infix", "surname"),
    [
        ("Xander", "", "Fout"),
        ("Xander", "", "Dijkstra"),  # the stored surname inside another one
        ("Xander", "", "ijk"),  # an end that is not a word
        ("Xander", "", "Dyck"),  # an end with a typo
        ("Jannes", "", "de Vries"),
        ("Ja", "", "Dijkman"),  # two letters of a given name is no typo of three
    ],
)
def test_another_name_does_not_fit(given: str, infix: str, surname: str) -> None:
    assert not names_fit(stored("Jan", "van", "Dijk"), typed(given, infix, surname))


def test_a_short_name_has_no_typo() -> None:
    assert names_fit(stored("Bo", "", "Ng"), typed("Bo", "", "Li"))
    assert not names_fit(stored("Bo", "", "Ng"), typed("Jo", "", "Li"))
    assert not names_fit(stored("Bo", "", "Ng"), typed("Jo", "", "N"))
    # the stored name as a double surname: the typed one is one of its ends
    assert names_fit(stored("Jan", "", "Jansen-de Vries"), typed("Johannes", "de", "Vries"))


def zon_lists_jan(vix: Runner, tmp_path: Path) -> None:
    path = write_list(
        tmp_path / "l.csv", [pupil(JAN, "Jan", "Dijk", infix="van", sex="M", pupil_number="4712")]
    )
    args = ("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil")
    assert vix(*args, als=ADMIN).exit_code == 0


def lookups(db: Path) -> list[tuple[str, str]]:
    rows = db_rows(
        db,
        "SELECT p.email, a.detail FROM audit_log a JOIN professionals p ON p.id = a.actor_id"
        " WHERE a.action = 'lookup' ORDER BY a.id",
    )
    return [(r[0], r[1]) for r in rows]


def test_a_known_bsn_under_another_name_is_refused_without_a_name(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    zon_lists_jan(vix, tmp_path)
    other = new_youth(JAN, "Xander", "Fout", born="03-04-2014")
    refused = vix("signaleer", *other, *INFORMED, "--json", als=region.jgz)
    assert refused.exit_code == 1
    assert "horen niet bij dezelfde jeugdige" in refused.stderr
    assert "Jan" not in refused.output and "Dijk" not in refused.output
    assert refused.stdout == ""
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    # it told that the number is registered: a lookup on Jan, by JGZ, without the number
    [(who, detail)] = lookups(vix_env)
    assert who == region.jgz and '"naam": "anders"' in detail and JAN not in detail
    # a wrong birth date gets the very same answer: neither tells which one was right
    wrong_date = new_youth(JAN, "Jan", "van Dijk", born="04-03-2014")
    by_date = vix("signaleer", *wrong_date, *INFORMED, als=region.jgz)
    assert by_date.exit_code == 1 and by_date.stderr == refused.stderr
    # the call name under the official one, with the infix left out: the same youth
    known = new_youth(JAN, "Johannes", "Dijk", born="03-04-2014")
    placed = as_json(vix("signaleer", *known, *INFORMED, "--json", als=region.jgz))
    assert placed["youth_name"] == "Jan van Dijk"
    assert [r[0] for r in db_rows(vix_env, "SELECT youth_id FROM signals")] == [1]


def test_the_prompts_refuse_another_name_after_the_birth_date(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_signal, "stdin_is_terminal", lambda: True)
    zon_lists_jan(vix, tmp_path)
    answers = [JAN, "Xander", "", "Fout", "03-04-2014", "HAARLEM", "", "", "j", "j", ""]
    result = vix("signaleer", als=region.jgz, input="\n".join(answers) + "\n")
    assert result.exit_code == 1
    asked, refusal = result.stderr.split("Fout: ")
    assert asked.endswith("Geboortedatum (dd-mm-jjjj):")
    assert refusal.startswith("Het nummer, de naam en de geboortedatum horen niet bij")
    assert "Jan" not in result.output and "Dijk" not in result.output
    assert [who for who, _ in lookups(vix_env)] == [region.jgz]
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
