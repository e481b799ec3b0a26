"""`vix match` marks the reader among the members ("u") by who reads, not by who is first.

Each member line is tagged for the professional who asks: the reader sees
himself or herself as "u", the others not, in the text and in --json
(`views.members_of`). A mark left off, or put on everyone, would have the
reader take a colleague's contact details for his or her own."""

from __future__ import annotations

from conftest import Region, Runner, anna_s_match, as_json, ok

INEKE = "Ineke Bos"  # the school's signaller (conftest.region)
KARIN = "Karin Arts"  # JGZ's signaller


def member_line(text: str, name: str) -> str:
    [line] = [row for row in text.splitlines() if row.strip().startswith(f"• {name},")]
    return line


def test_each_reader_is_marked_as_u_and_no_one_else(vix: Runner, region: Region) -> None:
    match_id = anna_s_match(vix, region)
    for reader, me, other in ((region.school, INEKE, KARIN), (region.jgz, KARIN, INEKE)):
        seen = as_json(vix("match", str(match_id), "--json", als=reader))
        flags = {m["name"]: m["is_viewer"] for m in seen["members"]}
        assert flags == {me: True, other: False}
        text = ok(vix("match", str(match_id), als=reader)).stdout
        assert "[u" in member_line(text, me)
        assert "[u" not in member_line(text, other)
        [listed] = as_json(vix("matches", "--json", als=reader))
        assert {m["name"]: m["is_viewer"] for m in listed["members"]} == flags
