"""A signaller with two children of one family in a family match sees both, eldest first,
and the read of each is logged (rule 18): one audit record per youth shown, each with
its own pseudonym (`views._match_view`)."""

from __future__ import annotations

from pathlib import Path

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    signal,
)


def test_both_own_children_are_shown_eldest_first_and_each_read_is_logged(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # the school signals Anna (2014) and her elder brother Bram (2012); JGZ signals Bram
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.school, *new_youth(BSN_BRAM, "Bram", born="05-06-2012",
                                          parents=(P_MOTHER,)))  # fmt: skip
    placed = signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", born="05-06-2012",
                                                parents=(P_MOTHER,)))  # fmt: skip
    [family] = [m for m in placed["matches"] if m["kind"] == "family"]
    match_id = int(family["id"])
    # JGZ sees its own youth only
    assert [y["name"] for y in family["youths"]] == ["Bram Vries"]

    def reads() -> list[str]:
        return [
            r[0]
            for r in db_rows(
                vix_env,
                "SELECT a.subject FROM audit_log a JOIN professionals p ON p.id = a.actor_id"
                " WHERE a.action = 'read' AND a.entity = 'match' AND a.entity_id = ?"
                " AND p.email = ? ORDER BY a.id",
                (match_id, region.school),
            )
        ]

    before = reads()
    seen = as_json(vix("match", str(match_id), "--json", als=region.school))
    assert [(y["name"], y["birth_date"]) for y in seen["youths"]] == [
        ("Bram Vries", "2012-06-05"),
        ("Anna Vries", "2014-04-03"),
    ]
    logged = reads()[len(before) :]
    assert len(logged) == 2 and len(set(logged)) == 2 and None not in logged
    assert BSN_ANNA not in logged and BSN_BRAM not in logged
