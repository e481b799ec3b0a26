"""An organisation's row and its domain's in the report (docs/README-reports.md):
"ingetr." holds the signals withdrawn as resolved and as unjustified (deleted), "verl."
those expired after the term and at 23 (deleted); a domain has a row when it has signals
or matches in the period. The report tests read these rows as "<5" or where all were
live, so a row without its deleted ends, or a domain whose matches came from signals of
before the period left out, went unnoticed.
"""

from __future__ import annotations

from conftest import BSN_ANNA, BSN_BRAM, BSN_CAS, Region, Runner, as_json, new_youth, ok

NOVEMBER = ["rapport", "jaarverslag", "--van", "01-11-2026", "--tot", "30-11-2026", "--json"]


def test_an_organisations_row_counts_its_deleted_ends(vix: Runner, region: Region) -> None:
    informed = ["--ouders-geinformeerd", "02-11-2026", "--json"]
    wrong = as_json(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *informed,
                        als=region.school, now="2026-11-02T09:00:00"))  # fmt: skip
    ok(vix("intrekken", str(wrong["signal_id"]), "--reden", "onterecht", als=region.school,
           now="2026-11-02T10:00:00"))  # fmt: skip
    ok(vix("signaleer", *new_youth(BSN_BRAM, "Bram", born="15-11-2003"), *informed,
           als=region.school, now="2026-11-02T09:00:00"))  # fmt: skip
    ok(vix("onderhoud", als=region.coordinator, now="2026-11-16T06:00:00"))  # Bram is 23
    r = as_json(vix(*NOVEMBER, als=region.manager, now="2026-11-23T10:00:00"))
    s = r["signals"]
    assert (s["withdrawn_unjustified"], s["expired_age_23"]) == (1, 1)
    [zon] = r["per_organisation"]
    assert (zon["placed"], zon["withdrawn"], zon["expired"]) == (2, 1, 1)


def test_a_domain_with_matches_only_has_its_row(vix: Runner, region: Region) -> None:
    """The school signalled Cas in October; JGZ's signal made the match in November."""
    informed = ["--ouders-geinformeerd", "01-10-2026"]
    ok(vix("signaleer", *new_youth(BSN_CAS, "Cas"), *informed, als=region.school,
           now="2026-10-01T09:00:00"))  # fmt: skip
    ok(vix("signaleer", *new_youth(BSN_CAS, "Cas"), *informed, als=region.jgz,
           now="2026-11-02T09:00:00"))  # fmt: skip
    r = as_json(vix(*NOVEMBER, als=region.manager, now="2026-11-23T10:00:00"))
    assert r["signals"]["placed"] == 0
    # the domains of the match's organisations, JGZ's too, each with no signal of the school
    assert [(d["domain"], d["signals"], d["matches"]) for d in r["per_domain"]] == [
        ("onderwijs", 0, 1),
        ("jeugdgezondheidszorg", 0, 1),
    ]


def test_an_organisation_with_matches_only_has_its_row_in_the_region(
    vix: Runner, region: Region
) -> None:
    """The school signalled Cas in October, JGZ's signal made the match in November, the
    school withdrew in December: in November's region report the school placed nothing,
    ended nothing and has nothing active today, but was in a match."""
    informed = ["--ouders-geinformeerd", "01-10-2026", "--json"]
    school = as_json(vix("signaleer", *new_youth(BSN_CAS, "Cas"), *informed,
                         als=region.school, now="2026-10-01T09:00:00"))  # fmt: skip
    ok(vix("signaleer", *new_youth(BSN_CAS, "Cas"), *informed, als=region.jgz,
           now="2026-11-02T09:00:00"))  # fmt: skip
    ok(vix("intrekken", str(school["signal_id"]), "--reden", "weggenomen", als=region.school,
           now="2026-12-01T09:00:00"))  # fmt: skip
    r = as_json(vix(*NOVEMBER, "--regio", als=region.coordinator, now="2026-12-02T09:00:00"))
    rows = {o["code"]: (o["placed"], o["active_now"], o["matches"]) for o in r["per_organisation"]}
    assert rows["ZON"] == (0, 0, "<5")
