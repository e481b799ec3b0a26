"""`vix demo` (behind `make demo`): the fictional region shows a youth and a family match."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
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
    # kept twice: the message names the option given, not --db (review)
    again = vix("demo", "--bewaar", str(kept))
    assert again.exit_code == 1
    assert f"{kept} bestaat al; kies een ander pad met --bewaar." in again.stderr


def test_the_hint_to_a_kept_demo_works_with_vix_sleutel_set(
    vix: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's key lies beside it, never at VIX_SLEUTEL (a real key may lie there):
    the hint names it, so that the command it suggests opens the demo."""
    kept = tmp_path / "demo.db"
    real_key = Path(os.environ["VIX_SLEUTEL"])
    hint = ok(vix("demo", "--bewaar", str(kept))).stdout.split("Probeer: ")[1].split()
    assert not real_key.exists(), "the demo wrote no key where VIX_SLEUTEL points"
    assert hint[0] == f"VIX_SLEUTEL={kept}.sleutel" and hint[1] == "vix"
    monkeypatch.setenv("VIX_SLEUTEL", hint[0].split("=", 1)[1])
    listed = ok(vix(*hint[2:]))
    assert "Jeugdhulp De Brug" in listed.stdout


def test_a_demo_that_fails_leaves_no_files_behind(
    vix: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing `vix demo --bewaar` (here a VIX_SJABLONEN that names no folder) left an
    empty database and its key, and the next try said "bestaat al" (review)."""
    target = tmp_path / "demo.db"
    monkeypatch.setenv("VIX_SJABLONEN", str(tmp_path / "typfout"))
    failed = vix("demo", "--bewaar", str(target))
    assert failed.exit_code == 1 and "VIX_SJABLONEN=" in failed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    monkeypatch.delenv("VIX_SJABLONEN")
    ok(vix("demo", "--bewaar", str(target)))
    assert target.exists() and Path(f"{target}.sleutel").exists()


def test_the_paths_typed_are_shown_without_what_steers_a_terminal(
    vix: Runner, tmp_path: Path
) -> None:
    target = tmp_path / "q\x1b[31mred.db"
    done = ok(vix("demo", "--bewaar", str(target)))
    assert target.exists() and "\x1b" not in done.stdout + done.stderr
    assert "q\\x1b[31mred.db" in done.stdout
    other = tmp_path / "i\x1b[31mz.db"
    made = ok(vix("--db", str(other), "init", "--naam", "F. Beheer", "--email", "b@x.example"))
    assert other.exists() and "\x1b" not in made.stdout + made.stderr
    assert "i\\x1b[31mz.db" in made.stderr
