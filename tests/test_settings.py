"""Region settings: known keys, parsing, defaults, who may change them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import Region, as_json, db_rows, ok

from vix.db import Store


def stored(key: str) -> object:
    rows = db_rows(Path(os.environ["VIX_DB"]), "SELECT value FROM settings WHERE key = ?", (key,))
    return json.loads(rows[0][0]) if rows else None


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("stagnatie_dagen", "7", 7),
        ("actie_dagen", "uit", None),
        ("actie_dagen", "15", 15),
        ("werkdagen", "nee", False),
        ("smtp_beveiliging", "SSL", "ssl"),
        ("smtp_beveiliging", "Geen", "geen"),
        ("smtp_beveiliging", "none", "geen"),
        ("smtp_poort", "2525", 2525),
        (
            "gesloten_dagen",
            "30-12-2026/02-01-2027, 24-12-2026",
            ["2026-12-24", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"],
        ),
        ("stagnatie_dagen", " 07 ", 7),
        # a whole year, also one with 29 February, and a year from 29 February
        ("gesloten_dagen", "01-01-2028/31-12-2028", 366),
        ("gesloten_dagen", "29-02-2028/28-02-2029", 366),
    ],
)
def test_values_are_parsed_and_stored_as_json(
    vix, region: Region, key: str, text: str, value: object
) -> None:
    ok(vix("instelling", "zet", key, text, als=region.admin))
    if key == "gesloten_dagen" and isinstance(value, int):  # a count of days, first to last
        days = stored(key)
        assert isinstance(days, list) and len(days) == value
        value = days
    assert stored(key) == value
    listed = {s["key"]: s for s in as_json(vix("instelling", "lijst", "--json", als=region.admin))}
    assert listed[key]["value"] == value and listed[key]["is_default"] is False


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("stagnatie_dagen", "0", "van 1 tot en met 365"),
        ("stagnatie_dagen", "vijf", "geen geheel getal"),
        # only ASCII digits: int() stored '5_0' as 50 (review)
        ("stagnatie_dagen", "5_0", "'5_0' is geen geheel getal"),
        ("escalatie_dagen", "+5", "geen geheel getal"),
        ("smtp_poort", "\uff12\uff15", "geen geheel getal"),
        ("smtp_time_out", "9" * 5000, "van 1 tot en met 300"),
        # a period of closed days of more than a year: 367 days, and 366 after 1 January
        # with what to do about it: the last day a period may reach
        (
            "gesloten_dagen",
            "01-01-2026/02-01-2027",
            "De periode '01-01-2026/02-01-2027' is langer dan een jaar; er is niets "
            "opgeslagen. Controleer het jaartal; een periode loopt hoogstens tot en met "
            "31-12-2026. Een langere sluiting geeft u als twee perioden, gescheiden door een "
            "komma.",
        ),
        ("gesloten_dagen", "01-01-2026/01-01-2027", "hoogstens tot en met 31-12-2026"),
        ("werkdagen", "misschien", "geen ja of nee"),
        ("smtp_beveiliging", "tls", "Kies uit: geen, starttls of ssl."),
        ("smtp_afzender", "geen-adres", "geen geldig e-mailadres"),
        (
            "gesloten_dagen",
            "02-01-2027/30-12-2026",
            "In '02-01-2027/30-12-2026' ligt de einddatum vóór de begindatum; er is niets "
            "opgeslagen. Schrijf de begindatum eerst, zoals '30-12-2026/02-01-2027'.",
        ),
        ("onbekend", "1", "Onbekende instelling"),
        ("key_fingerprint", "x", "Onbekende instelling"),
        ("smtp_wachtwoord", "geheim", "VIX_SMTP_WACHTWOORD"),
    ],
)
def test_bad_values_refused(vix, region: Region, key: str, text: str, message: str) -> None:
    result = vix("instelling", "zet", key, text, als=region.admin)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "geheim" not in json.dumps(
        [list(r) for r in db_rows(Path(os.environ["VIX_DB"]), "SELECT * FROM settings")]
    )


def test_only_admin_changes_and_reset_restores_default(vix, region: Region) -> None:
    assert vix("instelling", "zet", "stagnatie_dagen", "3", als=region.coordinator).exit_code == 1
    assert vix("instelling", "lijst", als=region.school).exit_code == 1
    ok(vix("instelling", "zet", "stagnatie_dagen", "3", als=region.admin))
    ok(vix("instelling", "wis", "stagnatie_dagen", als=region.admin))
    assert stored("stagnatie_dagen") is None
    listed = {
        s["key"]: s for s in as_json(vix("instelling", "lijst", "--json", als=region.coordinator))
    }
    assert (listed["stagnatie_dagen"]["value"], listed["stagnatie_dagen"]["is_default"]) == (
        5,
        True,
    )
    assert "key_fingerprint" not in listed


def test_a_transaction_reads_each_setting_once_and_sees_its_own_changes(
    store: Store, region: Region
) -> None:
    """A run keeps the settings it read (a national escalation read them 155,000 times),
    and what the transaction itself stores or removes is what it reads next; the next
    transaction reads the table again."""
    reads: list[str] = []
    store.db.conn.set_trace_callback(reads.append)
    with store.transaction():
        assert [store.setting("stagnatie_dagen", 5) for _ in range(3)] == [5, 5, 5]
        store.set_setting("stagnatie_dagen", 8)
        assert store.setting("stagnatie_dagen", 5) == 8
        store.reset_setting("stagnatie_dagen")
        assert store.setting("stagnatie_dagen", 5) == 5
        store.set_setting("stagnatie_dagen", 9)
    store.db.conn.set_trace_callback(None)
    assert sum(sql.startswith("SELECT value FROM settings") for sql in reads) == 1
    with pytest.raises(ZeroDivisionError), store.transaction():
        store.set_setting("stagnatie_dagen", 12)
        assert store.setting("stagnatie_dagen", 5) == 12
        _ = 1 / 0  # rolled back: nothing of it stays, also not what it read
    with store.transaction():
        assert store.setting("stagnatie_dagen", 5) == 9
