"""HTML reports: parsed for structure, escaping and the absence of external references."""

from __future__ import annotations

import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import P_FATHER, P_MOTHER, Region, Runner, db_rows, ok
from import_helpers import pupil, write_list
from report_scenario import PUPIL, Y, enrol_pupil, new, place

YEAR = ["--van", "01-01-2026", "--tot", "31-12-2026"]
EVIL = "<script>alert('x')</script>"


class Page(HTMLParser):
    """Collects tags, attributes, and the rows of each table by id (count and cell text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.tables: dict[str, int] = {}
        self.rows: dict[str, list[list[str]]] = {}  # body rows: the text of each th/td
        self.table: str | None = None
        self.in_body = False
        self.cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        found = dict(attrs)
        if tag == "table":
            self.table = found.get("id") or f"table{len(self.tables)}"
            self.tables[self.table] = 0
            self.rows[self.table] = []
        if tag == "tr" and self.table is not None and self.in_body:
            self.tables[self.table] += 1
            self.rows[self.table].append([])
        if tag in ("th", "td") and self.table is not None and self.in_body:
            self.cell = []
        if tag == "tbody":
            self.in_body = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None and self.table is not None:
            self.rows[self.table][-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None
        if tag == "tbody":
            self.in_body = False
        if tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def assert_self_contained(html: str) -> None:
    page = parse(html)
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", html)
    assert "@import" not in html
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [name for name, _ in page.attrs if name in ("src", "href")]
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", html))
    assert page.tags.count("style") == 1
    assert "@media print" in html


def test_yearly_report_structure(vix: Runner, scenario: Region) -> None:
    args = ["rapport", "jaarverslag", "--regio", *YEAR, "--formaat", "html"]
    html = ok(vix(*args, als=scenario.coordinator)).stdout
    assert_self_contained(html)
    page = parse(html)
    assert page.tags.count("h1") == 1 and page.tags.count("svg") == 2
    assert page.tables == {
        "signalen": 7,
        "matches": 2,
        "opvolging": 10,
        "per-maand": 12,
        "per-domein": 4,
        "per-organisatie": 5,
    }
    assert page.tags.count("rect") > 12  # bars plus legend: values also as text
    assert "&lt;5" in html  # suppressed counts, escaped
    assert re.search(r">\s*x\s*<", html)  # a count hidden so that no "<5" can be derived
    assert '<html lang="nl">' in html


def test_names_with_markup_come_out_escaped(vix: Runner, scenario: Region) -> None:
    a = scenario.admin
    ok(vix("organisatie", "toevoegen", "EVIL", EVIL, "--domein", "jeugdhulp", als=a))
    ok(
        vix(
            "professional",
            "toevoegen",
            "evil@x.nl",
            EVIL,
            "--rol",
            "meldingsbevoegde",
            "--organisatie",
            "EVIL",
            als=a,
        )
    )
    place(vix, "evil@x.nl", "2026-11-20T09:00:00", *new(Y[3], "Kind3"))
    pages = [
        ok(vix("rapport", "jaarverslag", "--regio", *YEAR, "--formaat", "html", als=a)).stdout,
        ok(vix("inzage", "--bsn", Y[3], "--formaat", "html", als=a)).stdout,
    ]
    for html in pages:
        assert_self_contained(html)
        assert "<script" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert EVIL in "".join(parse(html).text)  # readable as text, not as markup


def test_inzage_shows_the_youth_row_parents_and_schools(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    enrol_pupil(vix, region, tmp_path)
    html = ok(vix("inzage", "--bsn", PUPIL, "--formaat", "html", als=region.coordinator)).stdout
    assert_self_contained(html)
    page = parse(html)
    youth = dict(page.rows["jeugdige"])
    assert youth == {
        "Jeugdige": "Pien Leerling",
        "Geboren": "03-04-2014",
        "Geslacht": "meisje",
        "Nummer": "******003 (BSN)",
        "Woongemeente": "Haarlem",
        "Adres": "2011AB 14",
        "Ouders/verzorgers": "2 ouders/verzorgers geregistreerd (hun BSN wordt niet opgeslagen,"
        " alleen een sleutel om broers en zussen te herkennen)",
        "Vastgelegd op": "01-09-2026 08:00",
        "Laatst gewijzigd": "02-09-2026 08:30",
    }
    assert [row[:5] for row in page.rows["scholen"]] == [
        ["Basisschool De Zonnebloem", "0042", "5", "01-09-2026 08:00", "Dirk Directeur"],
        ["Basisschool De Esdoorn", "E7", "6", "02-09-2026 08:30", "F. Beheer"],
    ]
    # the municipality of the woonplaats each list gave (what "verhuisd" counts by)
    assert [row[5] for row in page.rows["scholen"]] == ["Haarlem", "Haarlem"]
    keys = [r[0] for r in db_rows(vix_env, "SELECT parent_key FROM youth_parents")]
    for secret in [PUPIL, P_MOTHER, P_FATHER, *map(str, keys)]:
        assert secret not in html


def test_inzage_escapes_a_class_name_and_counts_one_parent(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    path = write_list(tmp_path / "zon.csv", [pupil(PUPIL, group=EVIL, parent1=P_MOTHER)])
    left_out = ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", als=region.admin))
    assert "kolom Groep: is geen groeps- of klascode" in left_out.stdout
    assert [r[0] for r in db_rows(vix_env, "SELECT class_name FROM pupils")] == [None]
    # a database from before that check may still hold it
    path = write_list(tmp_path / "zon.csv", [pupil(PUPIL, parent1=P_MOTHER)])
    ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", als=region.admin))
    with sqlite3.connect(vix_env) as db:
        db.execute("UPDATE pupils SET class_name = ?", (EVIL,))
    db.close()
    html = ok(vix("inzage", "--bsn", PUPIL, "--formaat", "html", als=region.admin)).stdout
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    page = parse(html)
    assert page.rows["scholen"][0][2] == EVIL
    assert dict(page.rows["jeugdige"])["Ouders/verzorgers"].startswith(
        "1 ouder/verzorger geregistreerd (zijn of haar BSN wordt niet opgeslagen"
    )


@pytest.mark.parametrize("command", ["evaluatielijst", "inzage", "brief"])
def test_documents_are_self_contained(
    vix: Runner, scenario: Region, vix_env: Path, command: str
) -> None:
    if command == "evaluatielijst":
        html = ok(vix("rapport", "evaluatielijst", "--formaat", "html", als=scenario.manager))
        tables = {"signalen": 5}
    elif command == "inzage":
        html = ok(vix("inzage", "--bsn", Y[1], "--formaat", "html", als=scenario.coordinator))
        tables = {"jeugdige": 10, "scholen": 1, "signalen": 3}
    else:
        from conftest import db_rows

        sid = db_rows(vix_env, "SELECT MIN(id) FROM signals WHERE status = 'active'")[0][0]
        owner = db_rows(
            vix_env,
            "SELECT p.email FROM signals s JOIN professionals p ON p.id = s.professional_id"
            " WHERE s.id = ?",
            (sid,),
        )[0][0]
        html = ok(vix("brief", str(sid), "--formaat", "html", als=owner))
        tables = {}
    assert_self_contained(html.stdout)
    page = parse(html.stdout)
    for table, rows in tables.items():
        assert page.tables[table] == rows
