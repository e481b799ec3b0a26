"""`vix demo` (behind `make demo`): the fictional region shows a youth and a family match."""

from __future__ import annotations

from pathlib import Path

from conftest import Runner, as_json, ok


def test_demo_shows_what_each_professional_sees(vix: Runner) -> None:
    seen = {p["professional"]: p for p in as_json(vix("demo", "--json"))}
    kinds = {name: sorted(m["kind"] for m in p["matches"]) for name, p in seen.items()}
    assert kinds == {
        "Ineke Bosman": ["family", "youth"],
        "Omar El Amrani": ["family"],
        "Karin de Wit": ["family", "youth"],
        "Hans Visser": ["youth"],
        "Gea Jansen": ["youth"],
    }
    [family] = seen["Omar El Amrani"]["matches"]
    assert [y["name"] for y in family["youths"]] == ["Tim van Dijk"], "never the sister's name"
    noor = seen["Hans Visser"]["matches"][0]
    assert noor["director"] == "Gea Jansen", "youth protection leads"


def test_demo_can_be_kept(vix: Runner, tmp_path: Path) -> None:
    kept = tmp_path / "demo.db"
    result = ok(vix("demo", "--bewaar", str(kept)))
    assert "Duinstreek" in result.stdout
    assert kept.exists() and Path(str(kept) + ".sleutel").exists()
