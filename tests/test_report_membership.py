"""A report over a past period counts a match for an organisation, a domain and as "over
gemeentegrenzen" as it was in that period (docs/README-reports.md, rule 14).

An organisation that joins a match after the period does not get it, with its stagnation
and escalations, in the period's report; one that joined during it gets the match, and an
escalation only when it was in the match on the escalation's day. A move after a family
match ended, or after the period, does not make the match cross municipal borders in it,
and the municipality a youth left counts for the time before the move. A move recorded
before the match began on its day, or one from no municipality, crosses no border in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    ok,
)
from import_helpers import pupil, write_list
from report_scenario import new, place, valid_bsns, withdraw

YEAR_2026 = ["--van", "01-01-2026", "--tot", "31-12-2026"]
BEFORE = "2027-01-04T12:00:00"  # the 2026 report as it was first made


def report(vix: Runner, als: str, now: str, *scope: str, period: list[str] = YEAR_2026) -> Any:
    return as_json(vix("rapport", "jaarverslag", *scope, *period, "--json", als=als, now=now))


def comparable(r: dict[str, Any]) -> dict[str, Any]:
    """The report without when it was made, its notes (they name today) and what is
    counted on the day of the report (the active signals, and a row of an organisation
    that has only those)."""
    figures = {k: v for k, v in r.items() if k not in ("made_at", "notes")}
    figures["signals"] = {k: v for k, v in r["signals"].items() if k != "active_now"}
    counts = ("placed", "withdrawn", "expired", "matches")
    figures["per_organisation"] = [
        {k: v for k, v in o.items() if k != "active_now"}
        for o in r["per_organisation"]
        if r["scope_kind"] != "regio" or any(o[k] for k in counts)
    ]
    return figures


def escalated(r: dict[str, Any]) -> list[Any]:
    return [e["count"] for e in r["matches"]["escalations"]]


def the_2026_reports(vix: Runner, region: Region, now: str) -> dict[str, Any]:
    coordinator = region.coordinator
    return {
        "school internal": report(vix, region.manager, now),
        "school": report(vix, coordinator, now, "--organisatie", "ZON"),
        "board": report(vix, coordinator, now, "--organisatie", "ZON", "--organisatie", "ESD"),
        "gi": report(vix, coordinator, now, "--organisatie", "GI"),
        "regio": report(vix, coordinator, now, "--regio"),
    }


def test_an_organisation_joining_later_leaves_the_period_as_it_was(
    vix: Runner, region: Region
) -> None:
    """JGZ and youth care make Anna's match on Monday 02-11-2026; `vix stagnatie`
    escalates it on 16-11; youth protection (GI) joins on 01-12, the school only in 2027."""
    place(vix, region.jgz, "2026-11-02T09:00:00", *new(BSN_ANNA, "Anna"))
    care = place(vix, region.care, "2026-11-02T10:00:00", *new(BSN_ANNA, "Anna"))
    [match] = care["matches"]
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-11-16T07:30:00"))
    gi = place(vix, region.gi, "2026-12-01T09:00:00", *new(BSN_ANNA, "Anna"))
    assert [m["id"] for m in gi["matches"]] == [match["id"]]
    ok(vix("rapport", "bestuur", "Stichting Scholen", "--organisatie", "ZON",
           "--organisatie", "ESD", als=region.admin))  # fmt: skip
    before = the_2026_reports(vix, region, BEFORE)

    school = place(vix, region.school, "2027-02-01T09:00:00", *new(BSN_ANNA, "Anna"))
    assert [m["id"] for m in school["matches"]] == [match["id"]]
    after = the_2026_reports(vix, region, "2027-02-02T12:00:00")
    for name in before:
        assert comparable(after[name]) == comparable(before[name]), name

    # the school was in no match in 2026: none, nothing stagnated, nothing escalated
    own = after["school internal"]
    m = own["matches"]
    assert (m["arisen"], m["youth_arisen"], m["judged"], m["stagnated"]) == (0, 0, 0, 0)
    assert escalated(own) == [0, 0, 0]
    assert own["per_domain"] == [] and own["per_organisation"][0]["matches"] == 0
    for name in ("school", "board"):
        assert after[name]["matches"]["arisen"] == 0, name
        assert escalated(after[name]) == [0, 0, 0], name
    # GI joined in 2026: the match counts, stagnated; the escalation before it joined not
    gi_report = after["gi"]["matches"]
    assert (gi_report["arisen"], gi_report["stagnated"]) == ("<5", "<5")
    assert escalated(after["gi"]) == [0, 0, 0]
    # the region: the escalation counts; education was in no match in 2026
    assert escalated(after["regio"]) == ["<5", 0, 0]
    domains = {d["domain"] for d in after["regio"]["per_domain"]}
    assert "onderwijs" not in domains and "jeugdbescherming/jeugdreclassering" in domains


def test_an_organisation_that_left_before_the_period_does_not_end_the_match_in_it(
    vix: Runner, region: Region
) -> None:
    """Youth care leaves Anna's match in December 2026; the match ends in March 2027."""
    jgz = place(vix, region.jgz, "2026-11-02T09:00:00", *new(BSN_ANNA, "Anna"))
    care = place(vix, region.care, "2026-11-02T10:00:00", *new(BSN_ANNA, "Anna"))
    gi = place(vix, region.gi, "2026-11-03T09:00:00", *new(BSN_ANNA, "Anna"))
    withdraw(vix, region.care, "2026-12-15T09:00:00", care, "weggenomen")
    withdraw(vix, region.gi, "2027-03-01T09:00:00", gi, "weggenomen")
    withdraw(vix, region.jgz, "2027-03-01T09:00:00", jgz, "weggenomen")
    quarter = ["--van", "01-01-2027", "--tot", "31-03-2027"]
    now = "2027-04-01T09:00:00"
    for code, ended in (("JH", 0), ("JGZ", "<5")):
        r = report(vix, region.coordinator, now, "--organisatie", code, period=quarter)
        assert r["matches"]["youth_ended"] == ended, code


def school_families(vix: Runner, region: Region) -> None:
    """In November 2026 the school and JGZ signal two families and a third youth:
    Anna and Bram at one address in Haarlem (a family match in Haarlem); Cas in Zandvoort
    and Daan in Haarlem with one mother (a family match over two towns); Eva in Haarlem
    (her own match)."""
    place(
        vix,
        region.school,
        "2026-11-02T09:00:00",
        *new(BSN_ANNA, "Anna"),
        "--postcode",
        "2011AB",
        "--huisnummer",
        "12",
    )
    place(
        vix,
        region.jgz,
        "2026-11-02T10:00:00",
        *new(BSN_BRAM, "Bram"),
        "--postcode",
        "2011AB",
        "--huisnummer",
        "12",
    )
    place(
        vix,
        region.school,
        "2026-11-03T09:00:00",
        *new(BSN_CAS, "Cas", town="ZANDVOORT"),
        "--ouder",
        P_MOTHER,
    )
    place(vix, region.jgz, "2026-11-03T10:00:00", *new(BSN_DAAN, "Daan"), "--ouder", P_MOTHER)
    place(vix, region.school, "2026-11-04T09:00:00", *new(EVA, "Eva"))
    place(vix, region.jgz, "2026-11-04T10:00:00", *new(EVA, "Eva"))  # fmt: skip


EVA = valid_bsns(1, start=310_000_000)[0]


def move(vix: Runner, region: Region, bsn: str, town: str, day: str) -> None:
    iso = f"{day[6:]}-{day[3:5]}-{day[:2]}T09:00:00"
    ok(vix("jeugdige", "verhuis", bsn, "--gemeente", town, "--postcode", "2042AA",
           "--huisnummer", "3", "--datum", day, als=region.coordinator, now=iso))  # fmt: skip


def crossing(vix: Runner, region: Region, now: str) -> Any:
    """The school's own 2026 report (exact): Cas and Daan's family match only."""
    r = report(vix, region.manager, now)
    assert (r["matches"]["family_arisen"], r["matches"]["youth_arisen"]) == (2, 1)
    assert r["matches"]["cross_municipality"] == 1
    return comparable(r)


def test_a_move_after_the_family_match_ended_leaves_it_in_one_town(
    vix: Runner, region: Region
) -> None:
    school_families(vix, region)
    before = crossing(vix, region, BEFORE)
    for signal_id, who in ((1, region.school), (2, region.jgz)):  # Anna's and Bram's
        ok(vix("intrekken", str(signal_id), "--reden", "weggenomen", als=who,
               now="2027-02-10T10:00:00"))  # fmt: skip
    move(vix, region, BSN_BRAM, "ZANDVOORT", "01-06-2027")
    assert crossing(vix, region, "2027-06-02T12:00:00") == before
    # the region counts Cas and Daan's; Haarlem, which has regie of Anna and Bram's and
    # of Eva's match, none
    for scope, cross in ((["--regio"], "<5"), (["--gemeente", "HAARLEM"], 0)):
        r = report(vix, region.coordinator, "2027-06-02T12:00:00", *scope)
        assert r["matches"]["cross_municipality"] == cross, scope


def test_a_family_over_two_towns_stays_so_when_one_moves_to_the_other_later(
    vix: Runner, region: Region
) -> None:
    """Cas moves from Zandvoort to Haarlem in 2027, while the family match runs: in
    2026 the family lived in two municipalities."""
    school_families(vix, region)
    before = crossing(vix, region, BEFORE)
    move(vix, region, BSN_CAS, "HAARLEM", "01-02-2027")
    assert crossing(vix, region, "2027-02-02T12:00:00") == before


def test_a_move_after_the_period_is_not_one_in_it(vix: Runner, region: Region) -> None:
    """Eva moves in 2027 while her match runs: in 2026 her match stayed in Haarlem."""
    school_families(vix, region)
    before = crossing(vix, region, BEFORE)
    move(vix, region, EVA, "ZANDVOORT", "01-03-2027")
    assert crossing(vix, region, "2027-03-02T12:00:00") == before


def test_a_sibling_joining_later_from_another_town_leaves_the_period_as_it_was(
    vix: Runner, region: Region
) -> None:
    """Anna and Bram (Haarlem, one father) make a family match in 2026; in 2027 youth
    care signals their sister Fem in Zandvoort, who joins it."""
    for who, bsn, name in ((region.school, BSN_ANNA, "Anna"), (region.jgz, BSN_BRAM, "Bram")):
        place(vix, who, "2026-11-02T09:00:00", *new(bsn, name), "--ouder", P_FATHER)
    r = report(vix, region.manager, BEFORE)
    assert (r["matches"]["family_arisen"], r["matches"]["cross_municipality"]) == (1, 0)
    fem = place(vix, region.care, "2027-02-01T09:00:00",
                *new(FEM, "Fem", town="ZANDVOORT"), "--ouder", P_FATHER)  # fmt: skip
    assert [m["kind"] for m in fem["matches"]] == ["family"]
    assert comparable(report(vix, region.manager, "2027-02-02T12:00:00")) == comparable(r)


FEM = valid_bsns(1, start=320_000_000)[0]


def moved_at(vix: Runner, region: Region, bsn: str, town: str, now: str) -> None:
    """`vix jeugdige verhuis` recorded at `now`, moved that day."""
    day = f"{now[8:10]}-{now[5:7]}-{now[:4]}"
    ok(vix("jeugdige", "verhuis", bsn, "--gemeente", town, "--datum", day,
           als=region.coordinator, now=now))  # fmt: skip


def school_cross(vix: Runner, region: Region) -> Any:
    """The school's own 2026 report (exact): client and family matches, and over borders."""
    m = report(vix, region.manager, BEFORE)["matches"]
    return m["youth_arisen"], m["family_arisen"], m["cross_municipality"]


def test_a_move_recorded_before_the_match_on_its_day_is_not_one_in_it(
    vix: Runner, region: Region
) -> None:
    """Anna and Bram (one father) move from Haarlem to Zandvoort; the move is recorded at
    09:00 on 03-11-2026, and at 10:00 JGZ signals Anna: her client match and the family
    match begin in Zandvoort and stay there. A move recorded after the match began that
    day is one in it, as it was before."""
    for bsn, name in ((BSN_ANNA, "Anna"), (BSN_BRAM, "Bram")):
        place(vix, region.school, "2026-11-02T09:00:00", *new(bsn, name), "--ouder", P_FATHER)
        moved_at(vix, region, bsn, "ZANDVOORT", "2026-11-03T09:00:00")
    jgz = place(vix, region.jgz, "2026-11-03T10:00:00", *new(BSN_ANNA, "Anna", town="ZANDVOORT"))
    assert sorted(m["kind"] for m in jgz["matches"]) == ["family", "youth"]
    assert school_cross(vix, region) == (1, 1, 0)
    moved_at(vix, region, BSN_ANNA, "HAARLEM", "2026-11-03T11:00:00")
    assert school_cross(vix, region) == (1, 1, 2)


def family_with_anna_nowhere(vix: Runner, region: Region, tmp_path: Path) -> None:
    """The school's pupil list gives Anna a town vix does not know: no municipality. Two
    schools signal her (a client match), JGZ her brother Bram in Haarlem (a family match)."""
    pupils = write_list(tmp_path / "list.csv",
                        [pupil(BSN_ANNA, town="Nergenshuizen", parent1=P_FATHER)])  # fmt: skip
    for school, who in (("ZON", region.school), ("ESD", region.school2)):
        ok(vix("import", "leerlingen", str(pupils), "--organisatie", school, als=region.admin,
               now="2026-11-02T08:00:00"))  # fmt: skip
        place(vix, who, "2026-11-02T09:00:00", "--leerling", "0042")
    place(vix, region.jgz, "2026-11-02T10:00:00", *new(BSN_BRAM, "Bram"), "--ouder", P_FATHER)


def test_a_move_from_no_municipality_crosses_no_border(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """Anna's town is recorded as a move to Haarlem: neither match crosses a border, as
    before the move she lived in no municipality vix knows. A move from Haarlem on does."""
    family_with_anna_nowhere(vix, region, tmp_path)
    moved_at(vix, region, BSN_ANNA, "HAARLEM", "2026-12-01T09:00:00")
    assert school_cross(vix, region) == (1, 1, 0)
    moved_at(vix, region, BSN_ANNA, "ZANDVOORT", "2026-12-02T09:00:00")
    assert school_cross(vix, region) == (1, 1, 2)


def test_the_town_after_a_move_from_none_counts_for_the_family(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """Anna's town is recorded as a move to Zandvoort: her client match crosses no border,
    the family, with Bram in Haarlem, lived in two municipalities."""
    family_with_anna_nowhere(vix, region, tmp_path)
    moved_at(vix, region, BSN_ANNA, "ZANDVOORT", "2026-12-01T09:00:00")
    assert school_cross(vix, region) == (1, 1, 1)
