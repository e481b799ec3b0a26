"""Domain tests of the importer on the `store` fixture, and the round-trip property."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import ADMIN, BSN_ANNA, BSN_BRAM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import HEADER, bsn, pupil, write_list
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import onderwijsnummer as stdnum_onr

from vix import people
from vix.csvsource import Column, Layout
from vix.db import Store
from vix.errors import Forbidden, InvalidInput
from vix.importer import import_pupils
from vix.pupilrows import (
    CHECKED,
    CheckConfig,
    ListDigests,
    RowChecker,
    checksum,
    hmac_pads,
    is_bsn,
    is_onderwijsnummer,
    parent_key,
    parse_birth_date,
)
from vix.youths import address_key


def admin(store: Store) -> people.Professional:
    found = people.find_professional(store, ADMIN)
    assert found is not None
    return found


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_fast_checks_agree_with_stdnum(number: str) -> None:
    assert is_bsn(number) == stdnum_bsn.is_valid(number)
    assert is_onderwijsnummer(number) == stdnum_onr.is_valid(number)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("03-04-2014", "2014-04-03"),
        ("03/04/2014", "2014-04-03"),
        ("2014-04-03", "2014-04-03"),
        ("3-4-2014", "2014-04-03"),
        ("29-02-2016", "2016-02-29"),
    ],
)
def test_birth_date_formats(text: str, iso: str) -> None:
    assert parse_birth_date(text) == iso


@pytest.mark.parametrize("text", ["29-02-2015", "03-04/2014", "2014/04/03", "april 2014", "3.4.14"])
def test_bad_birth_dates(text: str) -> None:
    with pytest.raises(Exception, match="geen geldige datum"):
        parse_birth_date(text)


def test_parent_keys_equal_store_parent_key(store: Store) -> None:
    inner, outer = hmac_pads(store.key)
    for number in (BSN_ANNA, BSN_BRAM, "123456782"):
        assert parent_key(inner, outer, number) == store.parent_key(number)
        # the same HMAC as the audit pseudonym, its first 64 bits
        assert (
            parent_key(inner, outer, number).to_bytes(8, "big", signed=True).hex()
            == (store.pseudonym(number)[:16])
        )


@given(st.text(alphabet="0123456789 .-x\u0663", min_size=0, max_size=11))
def test_table_checksum_equals_stdnum(text: str) -> None:
    expected = (
        stdnum_bsn.checksum(text) if len(text) == 9 and text.isdecimal() and text.isascii() else -1
    )
    assert checksum(text) == expected


def test_progress_is_reported_and_signaller_is_refused(store: Store, tmp_path: Path) -> None:
    rows = [pupil(bsn(20_000_000 + 13 * i), pupil_number=str(i)) for i in range(3)]
    path = write_list(tmp_path / "l.csv", rows)
    seen: list[tuple[int, int]] = []
    with store.transaction():
        result = import_pupils(
            store, admin(store), path, "ZON", progress=lambda d, t: seen.append((d, t))
        )
    assert result.new == 3
    assert seen and seen[-1][0] == seen[-1][1] == path.stat().st_size
    signaller = people.find_professional(store, "ib@zonnebloem.nl")
    assert signaller is not None
    with pytest.raises(Forbidden), store.transaction():
        import_pupils(store, signaller, path, "ZON")


def test_many_batches_with_duplicate_far_apart(store: Store, tmp_path: Path) -> None:
    from vix import importer

    numbers = [bsn(30_000_000 + 17 * i) for i in range(25)]
    rows = [pupil(n, pupil_number=str(i)) for i, n in enumerate(numbers)]
    rows.append(pupil(numbers[0], pupil_number="x"))
    rows.append(pupil(bsn(31_000_000), pupil_number="1"))  # line 3's pupil number
    path = write_list(tmp_path / "l.csv", rows)
    old, importer.BATCH = importer.BATCH, 4
    try:
        with store.transaction():
            result = import_pupils(store, admin(store), path, "ZON", skip_errors=True)
    finally:
        importer.BATCH = old
    assert (result.new, result.rejected) == (25, 2)
    assert [e.line for e in result.errors] == [27, 28]
    assert "staat ook op regel 2" in result.errors[0].reason  # six batches back
    assert "leerlingnummer 1 staat ook op regel 3" in result.errors[1].reason


class _Undo(Exception):
    """Raised to roll a transaction back after looking at what it wrote."""


class _Outcome(NamedTuple):
    tables: tuple[list[tuple[Any, ...]], ...]  # youths, pupils, youth_parents
    counts: tuple[int, ...]  # new, created, updated, rejected, rows with an unknown town
    unknown_towns: list[str]
    errors: list[tuple[int, str]]  # line, reason


def _import_and_look(
    store: Store,
    path: Path,
    *,
    monkeypatch: pytest.MonkeyPatch,
    row_by_row: bool = False,
    parallel: bool = False,
) -> _Outcome:
    """Import `path` in 5-row batches, return what it stored and counted, then roll back.

    `parallel`: the rows are checked and screened in a reader process.
    """
    from vix import importer

    with monkeypatch.context() as patch:
        patch.setattr(importer, "BATCH", 5)
        if row_by_row:  # every batch takes the per-row path, as a re-import does
            patch.setattr(importer._Run, "_distinct", staticmethod(lambda good: False))
        with pytest.raises(_Undo), store.transaction():
            result = import_pupils(
                store, admin(store), path, "ZON", skip_errors=True, parallel=parallel
            )
            tables = tuple(
                [tuple(r) for r in store.rows(f"SELECT * FROM {table} ORDER BY 1, 2")]
                for table in ("youths", "pupils", "youth_parents")
            )
            raise _Undo
    counts = (
        result.new,
        result.youths_created,
        result.updated,
        result.rejected,
        result.unknown_town_rows,
    )
    return _Outcome(
        tables, counts, result.unknown_towns, [(e.line, e.reason) for e in result.errors]
    )


def test_all_new_batches_store_what_the_per_row_path_stores(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # brothers and sisters with parents and an address, unknown towns, no class,
    # no pupil number, and a duplicate that sends one batch down the per-row path
    parents = [bsn(40_000_000 + 29 * i) for i in range(8)]
    rows = [
        pupil(
            bsn(41_000_000 + 31 * i),
            given=f"Kind{i}",
            postcode=f"20{11 + i // 3} AB",
            town=("Haarlem", "Overveen", "", "Bloemendaal")[i % 4],
            group=("5", "", "8B")[i % 3],
            pupil_number="" if i % 5 == 4 else f"{i:04d}",
            parent1=parents[i // 3],
            parent2=parents[i // 3 + 1] if i % 2 else "",
        )
        for i in range(14)
    ]
    rows.insert(7, rows[6])  # line 9 repeats line 8: rejected
    path = write_list(tmp_path / "l.csv", rows)
    column_wise = _import_and_look(store, path, row_by_row=False, monkeypatch=monkeypatch)
    row_by_row = _import_and_look(store, path, row_by_row=True, monkeypatch=monkeypatch)
    assert column_wise == row_by_row
    assert column_wise.counts == (14, 14, 0, 1, 7)
    assert column_wise.unknown_towns == ["Overveen", "Bloemendaal"]
    assert [line for line, _ in column_wise.errors] == [9]
    youths, pupils, parent_rows = column_wise.tables
    assert len(youths) == len(pupils) == 14
    assert len(parent_rows) == 14 + 7
    # what the rows hold, column by column, for the first two pupils
    haarlem = store.scalar("SELECT id FROM municipalities WHERE code = 'HAARLEM'")
    zon = store.scalar("SELECT id FROM organisations WHERE code = 'ZON'")
    first = youths[0][0]
    assert [y[1:12] for y in youths[:2]] == [
        (rows[0][0], "bsn", "Kind0", "", "Vries", "2014-04-03", "V", haarlem, "2011AB", "12",
         "2011AB-12"),
        (rows[1][0], "bsn", "Kind1", "", "Vries", "2014-04-03", "V", None, "2011AB", "12",
         "2011AB-12"),
    ]  # fmt: skip
    assert [p[:4] for p in pupils[:2]] == [
        (first, zon, "0000", "5"),
        (first + 1, zon, "0001", None),
    ]
    assert [p[0] for p in parent_rows[:3]] == [first, first + 1, first + 1]
    assert {p[1] for p in parent_rows[:3]} == {store.parent_key(n) for n in parents[:2]}


def test_screened_rows_store_what_looked_up_rows_store(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a reader process names the rows that may not be new (vix.screening) and
    # only those are looked up: the outcome, the counts and every message must be
    # those of looking every row up
    numbers = [bsn(60_000_000 + 23 * i) for i in range(16)]
    stored = write_list(
        tmp_path / "esd.csv", [pupil(numbers[3], pupil_number="E1"), pupil(numbers[15])]
    )
    held = write_list(tmp_path / "zon0.csv", [pupil(numbers[14], pupil_number="0007")])
    with store.transaction():
        import_pupils(store, admin(store), stored, "ESD")
        import_pupils(store, admin(store), held, "ZON")
    # batches of 5: lines 2-6, 7-11, 12-14
    rows = [pupil(n, given=f"Kind{i}", pupil_number=f"P{i}") for i, n in enumerate(numbers[:12])]
    rows[6] = pupil(numbers[5], pupil_number="P106")  # number of line 7, same batch
    rows[7][10] = "P5"  # pupil number of line 7, same batch
    rows[8] = pupil(numbers[0], pupil_number="P108")  # number of line 2, an earlier batch
    rows[9][10] = "0007"  # pupil number ZON gave to a stored pupil
    rows.append(pupil(numbers[15], pupil_number="P115"))  # stored, from ESD: joins ZON
    path = write_list(tmp_path / "l.csv", rows)
    screened = _import_and_look(store, path, monkeypatch=monkeypatch, parallel=True)
    looked_up = _import_and_look(store, path, monkeypatch=monkeypatch, parallel=False)
    assert screened == looked_up
    assert screened.counts == (9, 7, 0, 4, 0)
    lines, reasons = zip(*screened.errors, strict=True)
    assert lines == (8, 9, 10, 11)
    assert "staat ook op regel 7" in reasons[0]
    assert "leerlingnummer P5 staat ook op regel 7" in reasons[1]
    assert "staat ook op regel 2" in reasons[2]  # an earlier batch
    assert "hoort al bij een andere leerling van deze school" in reasons[3]


def test_a_youth_stored_earlier_in_the_same_transaction_is_found(
    store: Store, tmp_path: Path
) -> None:
    # the reader's snapshot does not hold it: its screen sees a different
    # highest youth id and names every row
    from vix.youths import YouthData, register_youth

    numbers = [bsn(70_000_000 + 37 * i) for i in range(3)]
    path = write_list(
        tmp_path / "l.csv", [pupil(n, pupil_number=str(i)) for i, n in enumerate(numbers)]
    )
    with store.transaction():
        youth_id, created = register_youth(
            store,
            admin(store),
            YouthData(numbers[1], "bsn", "Bram", "Vries", date(2014, 4, 3)),
        )
        result = import_pupils(store, admin(store), path, "ZON", parallel=True)
    assert created
    assert (result.new, result.youths_created, result.rejected) == (3, 2, 0)
    assert store.scalar("SELECT COUNT(*) FROM youths WHERE bsn IN (?, ?, ?)", numbers) == 3
    assert store.scalar("SELECT youth_id FROM pupils WHERE pupil_number = '1'") == youth_id


# -- the round-trip property -------------------------------------------------------------

TODAY = date(2026, 11, 23)
NAME = (
    st.text(alphabet="abcdeijklmnoprstuvzÇçëéïñöüß' -", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
    .map(lambda s: s[:1].upper() + s[1:])
)


# the name each number was first listed under, for all examples (`pupil_lists`)
CHILDREN: dict[str, tuple[str, str, str]] = {}


@st.composite
def pupil_lists(draw: st.DrawFn) -> list[dict[str, str]]:
    count = draw(st.integers(min_value=1, max_value=12))
    stems = draw(
        st.lists(st.integers(10_000_000, 99_000_000), min_size=count, max_size=count, unique=True)
    )
    numbers = list(dict.fromkeys(bsn(s * 1) for s in stems))
    pupils = []
    for i, number in enumerate(numbers):
        # one child, one birth date and one name: the examples share a database, and a
        # number the index knows with another birth date or name is refused as a
        # mistyped number; one another school listed keeps the name it has
        born = TODAY - timedelta(days=1 + int(number) % (22 * 365))
        name = (draw(NAME), draw(st.sampled_from(["", "van", "de", "van der"])), draw(NAME))
        given, infix, surname = CHILDREN.setdefault(number, name)
        pupils.append(
            {
                "bsn": number,
                "given": given,
                "infix": infix,
                "surname": surname,
                "born": born.isoformat(),
                "group": draw(st.sampled_from(["1", "5B", "8", ""])),
                "pupil_number": f"{i:0{draw(st.integers(1, 6))}d}",
            }
        )
    return pupils


COUNTER = itertools.count()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    pupils=pupil_lists(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    delimiter=st.sampled_from([";", ",", "\t"]),
    newline=st.sampled_from(["\r\n", "\n"]),
    date_format=st.sampled_from(["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]),
)
def test_any_valid_list_round_trips(
    store: Store,
    tmp_path: Path,
    pupils: list[dict[str, str]],
    encoding: str,
    delimiter: str,
    newline: str,
    date_format: str,
) -> None:
    # a fresh school per example: the database then must hold exactly this list
    code = f"S{next(COUNTER)}"
    with store.transaction():
        people.add_organisation(
            store, admin(store), code=code, name=code, domain="onderwijs",
            municipality=None, phone=None, email=None,
        )  # fmt: skip
    rows = [
        pupil(
            p["bsn"],
            p["given"],
            p["surname"],
            infix=p["infix"],
            born=date.fromisoformat(p["born"]).strftime(date_format),
            group=p["group"],
            pupil_number=p["pupil_number"],
        )
        for p in pupils
    ]
    path = write_list(
        tmp_path / f"{code}.csv", rows, encoding=encoding, delimiter=delimiter, newline=newline
    )
    assert len(HEADER) == len(rows[0])
    with store.transaction():
        result = import_pupils(store, admin(store), path, code)
    assert result.rejected == 0, result.errors
    stored = {
        r["bsn"]: (r["given_name"], r["infix"], r["surname"], r["birth_date"],
                   r["class_name"], r["pupil_number"])
        for r in store.rows(
            "SELECT y.*, p.class_name, p.pupil_number FROM pupils p"
            " JOIN youths y ON y.id = p.youth_id JOIN organisations o"
            " ON o.id = p.organisation_id WHERE o.code = ?",
            (code,),
        )
    }  # fmt: skip
    expected = {
        p["bsn"]: (p["given"], p["infix"], p["surname"], p["born"], p["group"] or None,
                   p["pupil_number"])
        for p in pupils
    }  # fmt: skip
    assert stored == expected
    with store.transaction():
        again = import_pupils(store, admin(store), path, code)
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(pupils))


# -- a big first import builds the random-valued indexes after the rows ------------------


def _index_sql(store: Store) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in store.rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " ORDER BY name"
        )
    ]


def _family_list(tmp_path: Path, bad: bool = False) -> Path:
    mother, father = bsn(41_000_000), bsn(41_000_100)
    rows = [
        pupil(bsn(40_000_000 + 13 * i), pupil_number=str(i), parent1=mother, parent2=father)
        for i in range(3)
    ]
    if bad:
        rows.append(pupil("123456789", pupil_number="x"))
    return write_list(tmp_path / "l.csv", rows)


def test_deferred_indexes_are_rebuilt_and_used(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vix import importer, matching, reports

    monkeypatch.setattr(importer, "DEFER_MIN_ROWS", 0)  # any list counts as a bulk load
    before = _index_sql(store)
    with store.transaction():
        result = import_pupils(store, admin(store), _family_list(tmp_path), "ZON")
    # the deferral ran (it switches the temp store to files) and every index is back
    assert store.scalar("PRAGMA temp_store") == 1
    assert result.new == 3
    assert _index_sql(store) == before
    first = store.scalar("SELECT id FROM youths WHERE bsn = ?", (bsn(40_000_000),))
    assert len(matching.family_of(store, first)) == 3
    plan = " ".join(
        r[3]
        for r in store.rows("EXPLAIN QUERY PLAN SELECT * FROM audit_log WHERE subject = ?", ("x",))
    )
    assert "audit_subject" in plan
    with store.transaction():
        seen = reports.inzage(store, admin(store), bsn(40_000_000))
    assert seen.found
    # a youth the import created is accounted for by the run's record, not one per youth
    actions = [r[0] for r in store.rows("SELECT action FROM audit_log WHERE entity != 'youth'")]
    assert actions.count("import") == 1
    per_youth = "SELECT COUNT(*) FROM audit_log WHERE entity = 'youth' AND action != 'inzage'"
    assert store.scalar(per_youth) == 0


def test_deferred_indexes_come_back_when_the_list_is_rejected(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vix import importer

    monkeypatch.setattr(importer, "DEFER_MIN_ROWS", 0)
    before = _index_sql(store)
    with store.transaction():
        result = import_pupils(store, admin(store), _family_list(tmp_path, bad=True), "ZON")
    assert store.scalar("PRAGMA temp_store") == 1
    assert (result.rejected, result.written) == (1, False)
    assert store.scalar("SELECT COUNT(*) FROM youths") == 0
    assert _index_sql(store) == before


def _statements(store: Store) -> list[str]:
    """The SQL the store's connection runs from now on (its trace callback)."""
    ran: list[str] = []
    store.db.conn.set_trace_callback(ran.append)
    return ran


@pytest.mark.parametrize("parallel", [False, True], ids=["inline", "reader"])
def test_a_first_import_builds_its_unique_indexes_after_the_rows(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    # into an empty youths table every row is new: no look-ups, and the UNIQUE
    # indexes are built from sorted data after the rows; what is stored is what
    # the ordinary way (rows looked up, indexes kept) stores

    parents = [bsn(80_000_000 + 41 * i) for i in range(4)]
    rows = [
        pupil(bsn(81_000_000 + 43 * i), given=f"Kind{i}", pupil_number=f"P{i}",
              parent1=parents[i % 4], postcode=f"20{11 + i % 3} AB")
        for i in range(12)
    ]  # fmt: skip
    path = write_list(tmp_path / "l.csv", rows)
    before = _index_sql(store)
    # first: the indexes are deferred only on a connection that made no TEMP table yet
    first, ordinary, ran = _first_then_ordinary(store, path, monkeypatch, parallel)
    assert first == ordinary
    assert first.counts == (12, 12, 0, 0, 0)
    assert "DROP INDEX youths_bsn" in ran and "DROP INDEX pupils_number" in ran
    assert ran.count("SAVEPOINT pupil_import") == 1  # one pass
    assert not any(s.startswith("SELECT id, bsn") for s in ran)  # nothing looked up
    assert _index_sql(store) == before


def _first_then_ordinary(
    store: Store, path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> tuple[Any, Any, list[str]]:
    """The list imported as a first import (statements traced), then the ordinary way."""
    from vix import importer

    monkeypatch.setattr(importer, "DEFER_MIN_ROWS", 0)
    ran = _statements(store)
    first = _import_and_look(store, path, monkeypatch=monkeypatch, parallel=parallel)
    store.db.conn.set_trace_callback(None)
    monkeypatch.setattr(importer, "DEFER_MIN_ROWS", 10**9)
    ordinary = _import_and_look(store, path, monkeypatch=monkeypatch, parallel=parallel)
    return first, ordinary, ran


@pytest.mark.parametrize("parallel", [False, True], ids=["inline", "reader"])
def test_a_first_import_that_repeats_a_number_names_the_lines_as_before(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    # a repeated number or pupil number fails the UNIQUE index built after the
    # rows: the import then runs the ordinary way, with the same messages

    rows = [pupil(bsn(82_000_000 + 47 * i), pupil_number=f"P{i}") for i in range(12)]
    rows[7] = pupil(rows[6][0], pupil_number="P107")  # line 9 repeats line 8's number
    rows[9][10] = "P8"  # line 11 repeats line 10's pupil number
    rows[11] = pupil(rows[0][0], pupil_number="P111")  # line 13 repeats line 2's number
    path = write_list(tmp_path / "l.csv", rows)
    first, ordinary, ran = _first_then_ordinary(store, path, monkeypatch, parallel)
    assert first == ordinary
    assert first.counts == (9, 9, 0, 3, 0)
    lines, reasons = zip(*first.errors, strict=True)
    assert lines == (9, 11, 13)
    assert "staat ook op regel 8" in reasons[0] and rows[6][0] not in reasons[0]
    assert "leerlingnummer P8 staat ook op regel 10" in reasons[1]
    assert "staat ook op regel 2" in reasons[2]  # an earlier batch
    assert "DROP INDEX youths_bsn" in ran
    assert ran.count("SAVEPOINT pupil_import") == 2  # the first pass, then the ordinary one
    # without --sla-fouten-over nothing is stored and the indexes are as they were
    before = _index_sql(store)
    with store.transaction():
        result = import_pupils(store, admin(store), path, "ZON", parallel=parallel)
    assert (result.rejected, result.written) == (3, False)
    assert [e.line for e in result.errors] == [9, 11, 13]
    assert store.scalar("SELECT COUNT(*) FROM youths") == 0
    assert _index_sql(store) == before


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.from_regex(r"0?[0-9]{1,7}([ -]{0,2}[A-Za-z0-9]{0,8}){0,2}", fullmatch=True))
def test_the_address_fast_path_agrees_with_the_full_rule(house: str) -> None:
    """The import's own address key (per family, in the reader) is `youths.address_key`."""
    layout = Layout(
        fields={
            name: Column(i, name)
            for i, name in enumerate(["number", "given_name", "surname", "birth_date"])
        }
        | {"postcode": Column(4, "postcode"), "house_number": Column(5, "house_number")}
    )
    checker = RowChecker(CheckConfig(layout, 6, "2026-11-24", "2003-11-24"))
    errors: list[Any] = []
    found = checker._address(2, ["", "", "", "", "2011 AB", house], errors)
    try:
        expected = address_key("2011 AB", house.strip())
    except InvalidInput:
        expected = None
    assert found[2] == expected, (house, found, expected)
    assert bool(errors) == (expected is None and bool(house.strip()))


_DIGEST_FIELDS = ["number", "given_name", "infix", "surname", "birth_date", "sex"]
_DIGEST_FIELDS += ["postcode", "house_number", "town"]


def _digested_row(
    given: str = "Piet",
    infix: str = "",
    sex: str | None = "M",
    home: tuple[str | None, str | None, str | None] = ("2011AB", "12", "Haarlem"),
    parents: tuple[str, ...] | None = ("111222333",),
) -> tuple[Any, ...]:
    row: list[Any] = [None] * len(CHECKED)
    row[:9] = [7, None, "123456782", "bsn", given, infix, "Klaas", "2013-06-05", sex]
    row[9], row[10], row[12] = home
    row[15] = parents
    return tuple(row)


@pytest.mark.parametrize(
    ("absent", "parent_columns", "row", "expected"),
    [
        ((), 2, _digested_row(), (1463939947165120329, 8844252597454100108, 6514144056712114330)),
        (
            (),
            2,
            _digested_row(
                infix="van der",
                sex=None,
                home=("2011AB", "12", "Bloemendaal"),  # unknown: the lowest bit set
                parents=("111222333", "123456782"),
            ),
            (410702730135754165, 4044058749716791111, -7708046319540347500),
        ),
        (
            (),
            2,
            _digested_row(home=(None, None, None), parents=()),
            (1463939947165120329, 5521755053712226916, 5971922624938527172),
        ),
        (
            ("infix", "sex", "postcode"),
            0,
            _digested_row(sex=None, home=(None, "12", "  HAARLEM "), parents=None),
            (-870315550215607205, 7058650813151751200, None),
        ),
        (
            ("postcode", "house_number", "town"),
            1,
            _digested_row(given="Zoë", home=(None, None, None)),
            (6981055288206405894, None, 6514144056712114330),
        ),
    ],
)
def test_list_digests_keep_their_values(
    absent: tuple[str, ...], parent_columns: int, row: tuple[Any, ...], expected: tuple[Any, ...]
) -> None:
    """The digests a pupil row remembers are compared with those of the next list: a
    faster way to compute them must give the very same numbers (these are those of
    migration 0026's first version), or every school's next list would say everything
    new once and undo the moves and corrections recorded since. Each way gives them:
    row by row (`fill`), packed as the reader process sends them (`packed`), and in a
    batch where brothers and sisters share an address and parents."""
    fields = {name: Column(i, name) for i, name in enumerate(_DIGEST_FIELDS) if name not in absent}
    layout = Layout(fields=fields, parents=[Column(20 + i, "ouder") for i in range(parent_columns)])
    digests = ListDigests(bytes(range(32)), layout, {"haarlem": 1})
    assert digests.fill([row])[0][-3:] == expected
    again = ListDigests(bytes(range(32)), layout, {"haarlem": 1})
    columns = again.columns([row, row], again.packed([row, row]))
    assert list(zip(*(c or [None, None] for c in columns), strict=True)) == [expected] * 2


@pytest.mark.parametrize("parallel", [False, True], ids=["inline", "reader"])
def test_a_first_import_with_a_batch_of_only_rejected_rows_skips_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    # with --sla-fouten-over a batch whose every row is refused has no row to store;
    # a first import (rows stored without a look-up) failed on it with an IndexError
    rows = [pupil(bsn(83_000_000 + 53 * i), pupil_number=f"P{i}") for i in range(12)]
    for refused in rows[5:10]:  # the second batch of five, whole
        refused[0] = "123456789"  # fails the elfproef
    path = write_list(tmp_path / "l.csv", rows)
    first, ordinary, ran = _first_then_ordinary(store, path, monkeypatch, parallel)
    assert first == ordinary
    assert first.counts == (7, 7, 0, 5, 0)
    assert "DROP INDEX youths_bsn" in ran and ran.count("SAVEPOINT pupil_import") == 1
