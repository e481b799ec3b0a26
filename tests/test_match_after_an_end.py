"""What ends a match stays ended (rules 6 and 8): a youth whose match ended gets a new
one when two organisations signal again, and an end leaves each member's period as it
was. Pinned by mutation testing (session 25): no test noticed a youth match found again
after it ended, nor an end that moved when earlier members had left."""

from __future__ import annotations

from pathlib import Path

from conftest import BSN_ANNA, INFORMED, Region, Runner, as_json, new_youth, ok, signal


def place(vix: Runner, als: str, at: str) -> dict[str, object]:
    found: dict[str, object] = as_json(
        vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=als, now=at)
    )
    return found


def inzage(vix: Runner, region: Region, at: str) -> dict[str, object]:
    found: dict[str, object] = as_json(
        vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=at)
    )
    return found


def test_a_youth_whose_match_ended_gets_a_new_one(vix: Runner, region: Region) -> None:
    """Rule 8: the match ends when JGZ's worry is gone; when youth care signals Anna
    later, the school and youth care make a new match (rule 6). The ended one stays
    ended, at the time it ended: it is not taken up again, nor ended a second time."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    jgz = place(vix, region.jgz, "2026-11-23T10:01:00")
    [first] = jgz["matches"]  # type: ignore[misc]
    ok(vix("intrekken", str(jgz["signal_id"]), "--reden", "weggenomen", als=region.jgz,
           now="2026-11-23T10:02:00"))  # fmt: skip
    assert as_json(vix("matches", "--json", als=region.school, now="2026-11-23T10:03:00")) == []
    care = place(vix, region.care, "2026-11-24T09:00:00")
    [second] = care["matches"]  # type: ignore[misc]
    assert second["id"] != first["id"] and second["status"] == "lopend"
    seen = as_json(vix("match", str(second["id"]), "--json", als=region.school,
                       now="2026-11-24T09:01:00"))  # fmt: skip
    assert {m["email"] for m in seen["members"]} == {region.school, region.care}
    shown = {m["id"]: m for m in inzage(vix, region, "2026-11-24T09:02:00")["matches"]}  # type: ignore[attr-defined]
    assert (shown[first["id"]]["ended_at"], shown[second["id"]]["ended_at"]) == (
        "2026-11-23T10:02:00",
        None,
    )
    # the school's worry goes too: the new match ends, the old one keeps its end
    [mine] = as_json(vix("signalen", "--json", als=region.school, now="2026-11-25T09:00:00"))
    ok(vix("intrekken", str(mine["id"]), "--reden", "weggenomen", als=region.school,
           now="2026-11-25T09:00:00"))  # fmt: skip
    shown = {m["id"]: m for m in inzage(vix, region, "2026-11-25T09:01:00")["matches"]}  # type: ignore[attr-defined]
    assert (shown[first["id"]]["ended_at"], shown[second["id"]]["ended_at"]) == (
        "2026-11-23T10:02:00",
        "2026-11-25T09:00:00",
    )


def test_an_end_keeps_when_each_member_left(vix: Runner, region: Region, vix_env: Path) -> None:
    """Three organisations; the school's worry goes at 10:03 and the match goes on; JGZ's
    at 10:04 ends it. The inzage tells the school's period as it was: it left at 10:03,
    not when the match ended."""
    school = place(vix, region.school, "2026-11-23T10:00:00")
    place(vix, region.jgz, "2026-11-23T10:01:00")
    care = place(vix, region.care, "2026-11-23T10:02:00")
    ok(vix("intrekken", str(school["signal_id"]), "--reden", "weggenomen", als=region.school,
           now="2026-11-23T10:03:00"))  # fmt: skip
    ok(vix("intrekken", str(care["signal_id"]), "--reden", "weggenomen", als=region.care,
           now="2026-11-23T10:04:00"))  # fmt: skip
    [match] = inzage(vix, region, "2026-11-23T10:05:00")["matches"]  # type: ignore[misc]
    assert match["ended_at"] == "2026-11-23T10:04:00"
    left = {m["name"]: m["left_at"] for m in match["members"]}
    assert left == {
        "Ineke Bos": "2026-11-23T10:03:00",
        "Karin Arts": "2026-11-23T10:04:00",
        "Hans Hulp": "2026-11-23T10:04:00",
    }
