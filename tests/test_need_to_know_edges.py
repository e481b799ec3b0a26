"""Edges of need to know (rules 9 and 16) that mutation testing found no test pinning: what a
professional who left a family match, a family match's signallers, the process roles, a
regievoerder after the match ended, a newcomer and a colleague at the same school see, and
what a number alone tells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    INFORMED,
    P_MOTHER,
    Region,
    Runner,
    anna_s_match,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)

# --- family leaver sees no match
# A signaller whose youth left a family match that goes on no longer sees it (rule 16).
#
# Anna (the school), Bram (JGZ) and Cas (youth care) live at one address: a family
# match of three organisations (rule 7). Cas moves; the match goes on for Anna and
# Bram, and youth care's signal on Cas stays active. Youth care is no longer in the
# match: `vix matches` (text and --json) lists it no more and `vix match` refuses it,
# as for a match that does not exist, though its signal is still active
# (`views.my_matches` reads the member rows that have not left).


def test_a_member_whose_youth_moved_out_no_longer_sees_the_family_match(
    vix: Runner, region: Region
) -> None:
    home = {"postcode": "2011AB", "number": "12"}
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", **home))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", born="05-06-2012", **home))
    placed = signal(vix, region.care, *new_youth(BSN_CAS, "Cas", born="07-08-2010", **home))
    [family] = placed["matches"]
    assert family["kind"] == "family" and len(family["members"]) == 3
    match_id = str(family["id"])

    ok(vix("jeugdige", "verhuis", BSN_CAS, "--gemeente", "ZANDVOORT", als=region.care))

    # the match goes on for the school and JGZ, without youth care
    seen = as_json(vix("match", match_id, "--json", als=region.school))
    assert seen["status"] == "lopend"
    assert {m["email"] for m in seen["members"]} == {region.school, region.jgz}
    # youth care's signal on Cas is still active, but the match is not its business
    [own] = as_json(vix("signalen", "--json", als=region.care))
    assert own["status"] == "actief"
    assert as_json(vix("matches", "--json", als=region.care)) == []
    listed = ok(vix("matches", als=region.care))
    assert "Ineke Bos" not in listed.stdout and "Karin Arts" not in listed.stdout
    assert "U zit in geen lopende match." in listed.stderr
    refused = vix("match", match_id, als=region.care)
    assert refused.exit_code == 1 and "bestaat niet of u bent er niet bij betrokken" in (
        refused.stderr
    )
    assert "Ineke Bos" not in refused.output


# --- family match own youths
# A signaller with two children of one family in a family match sees both, eldest first,
# and the read of each is logged (rule 18): one audit record per youth shown, each with
# its own pseudonym (`views._match_view`).


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


# --- family regie process roles
# Of a family match only its signallers are kept from the municipality and its
# regievoerder (`views.family_hides`); the process roles see both, the organisation
# manager included, who watches the stagnation of the organisation's matches (rule 14).
#
# tests/test_family_regie_hidden.py shows the signallers' side and the coordinator's;
# this is the organisation manager's, in `vix stagnatie` text and --json.


STAGNATING = "2026-12-01T07:00"  # working day 6 after the matches of conftest's Monday


def test_the_organisation_manager_sees_the_municipality_and_regievoerder_of_a_family_match(
    vix: Any, region: Region
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    found = signal(
        vix, region.jgz, *new_youth(BSN_BRAM, "Bram", town="ZANDVOORT", parents=(P_MOTHER,))
    )
    [match] = found["matches"]
    assert match["kind"] == "family"
    ok(vix("regie", str(match["id"]), "--regievoerder", als=region.jgz))
    # the signaller does not see them ...
    [hidden] = as_json(vix("stagnatie", "--json", als=region.school, now=STAGNATING))
    assert (hidden["municipality"], hidden["regievoerder"]) == (None, None)
    # ... the school's organisation manager does, as the coordinator
    [seen] = as_json(vix("stagnatie", "--json", als=region.manager, now=STAGNATING))
    assert seen["match_id"] == match["id"]
    assert (seen["municipality"], seen["regievoerder"]) == ("Haarlem", "Rita Regie")
    assert seen["regievoerder_asked"] is False
    text = ok(vix("stagnatie", als=region.manager, now=STAGNATING)).stdout
    assert "regievoerder Rita Regie; gemeente Haarlem" in text


# --- match member flags
# `vix match` marks the reader among the members ("u") by who reads, not by who is first.
#
# Each member line is tagged for the professional who asks: the reader sees
# himself or herself as "u", the others not, in the text and in --json
# (`views.members_of`). A mark left off, or put on everyone, would have the
# reader take a colleague's contact details for his or her own.


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


# --- regievoerder sees open matches only
# A regievoerder sees a match while it is open and he or she holds its request for regie
# (rule 16): once the match ends it is gone from `vix matches` and `vix match`, though
# the ended match still names him or her as its regievoerder.


def test_the_regievoerder_no_longer_sees_a_match_that_ended(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = anna_s_match(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    [held] = as_json(vix("matches", "--json", als=region.regie))
    assert held["id"] == match_id and held["regievoerder"] == "Rita Regie"

    [school_signal] = as_json(vix("signalen", "--json", als=region.school))
    ok(vix("intrekken", str(school_signal["id"]), "--reden", "weggenomen", als=region.school))
    [row] = db_rows(
        vix_env,
        "SELECT m.ended_at, p.email FROM matches m JOIN professionals p"
        " ON p.id = m.regievoerder_id WHERE m.id = ?",
        (match_id,),
    )
    assert row["ended_at"] is not None and row["email"] == region.regie

    assert as_json(vix("matches", "--json", als=region.regie)) == []
    listed = ok(vix("matches", als=region.regie))
    assert "Anna" not in listed.stdout and "Karin Arts" not in listed.stdout
    refused = vix("match", str(match_id), als=region.regie)
    assert refused.exit_code == 1
    assert f"Match {match_id} bestaat niet of u bent er niet bij betrokken." in refused.stderr
    # the same answer as for a match that never existed
    assert vix("match", "999", als=region.regie).stderr == refused.stderr.replace(
        str(match_id), "999"
    )


# --- care coordinator left
# A care coordinator who was deactivated is shown as no longer active in `vix match`,
# text and --json (`views.MatchView.care_coordinator_left`): the members see that nobody
# coordinates the care until a member takes the lead (rule 12).


GEA = "Gea Jansen"  # youth protection (conftest.region)


def test_a_deactivated_care_coordinator_is_shown_as_such(vix: Runner, region: Region) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    [match] = signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))["matches"]
    match_id = str(match["id"])
    seen = as_json(vix("match", match_id, "--json", als=region.school))
    assert (seen["care_coordinator"], seen["care_coordinator_left"]) == (GEA, False)
    assert f"Zorgcoördinator: {GEA}\n" in ok(vix("match", match_id, als=region.school)).stdout

    ok(vix("professional", "deactiveer", region.gi, als=ADMIN))
    seen = as_json(vix("match", match_id, "--json", als=region.school))
    assert (seen["care_coordinator"], seen["care_coordinator_left"]) == (GEA, True)
    text = ok(vix("match", match_id, als=region.school)).stdout
    assert f"Zorgcoördinator: {GEA} (niet meer actief)" in text


# --- recorder who moved out not named
# Need to know (rules 9 and 16): whoever recorded a milestone is named only while still
# in the match. Youth care records the contact in a family match, then its youth, Cas,
# moves out of the family's home: youth care's signal is still active, but no longer in
# the match. Youth protection, joining later, is not told youth care's name (it never was
# in a match with youth care). Pinned by mutation testing (session 25): no test noticed
# `matching.named_sql` naming a recorder whose signal left the match but stayed active.


HANS = "Hans Hulp"  # region.care
HOME = {"postcode": "2011AB", "number": "12"}


def test_a_recorder_whose_youth_moved_out_is_not_named_to_a_newcomer(
    vix: Runner, region: Region
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", **HOME))
    found: dict[str, Any] = signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", **HOME))
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    signal(vix, region.care, *new_youth(BSN_CAS, "Cas", **HOME))
    ok(vix("contact", str(match_id), als=region.care))
    seen = as_json(vix("match", str(match_id), "--json", als=region.jgz))
    assert [m["recorded_by"] for m in seen["milestones"]] == [HANS]
    ok(vix("jeugdige", "verhuis", BSN_CAS, "--gemeente", "HAARLEM", "--postcode", "2012CD",
           "--huisnummer", "3", als=region.care))  # fmt: skip
    assert len(as_json(vix("signalen", "--json", als=region.care))) == 1  # still active
    signal(vix, region.gi, *new_youth(BSN_DAAN, "Daan", **HOME))
    seen = as_json(vix("match", str(match_id), "--json", als=region.gi))
    assert HANS not in {m["name"] for m in seen["members"]}
    assert [(m["kind"], m["recorded_by"]) for m in seen["milestones"]] == [("contact", None)]
    assert HANS not in ok(vix("match", str(match_id), als=region.gi)).stdout


# --- colleague cannot end a signal
# Need to know (rule 16) and rule 14: a signal is ended by its signaller or by the
# organisation manager, who substitutes for an absent colleague; another signaller of the
# same organisation may not end it, nor read its parents' letter. Pinned by mutation
# testing (session 25): no test noticed `signals.require_own_signal` accepting any
# colleague of the organisation.


REFUSED = "bestaat niet, is al beëindigd of is niet van u of uw organisatie"


def test_a_colleague_cannot_withdraw_or_read_anothers_signal(vix: Runner, region: Region) -> None:
    placed = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal_id = str(placed["signal_id"])
    for command in (
        ("intrekken", signal_id, "--reden", "weggenomen"),
        ("brief", signal_id),
    ):
        refused = vix(*command, als=region.school_colleague)
        assert refused.exit_code == 1, command
        assert REFUSED in " ".join(refused.stderr.split()), refused.stderr
    [still] = as_json(vix("signalen", "--json", als=region.school))
    assert still["id"] == placed["signal_id"]
    # the organisation manager may (rule 14)
    ok(vix("intrekken", signal_id, "--reden", "weggenomen", als=region.manager))
    assert as_json(vix("signalen", "--json", als=region.school)) == []


# --- number alone names own youths only
# Rule 9, no search: a number alone names only the signaller's own youths (a pupil of
# his or her organisation, or one he or she signalled). A youth whom another professional
# signalled is not one of them: the answer is the one for an unknown number, and names
# nobody. Pinned by mutation testing (session 25): no test noticed `signals.on_own_record`
# counting every professional's signals on the youth.


def test_another_professionals_youth_is_not_named_by_number(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", surname="Pieters"))
    known = vix("signaleer", BSN_ANNA, *INFORMED, "--json", als=region.care)
    unknown = vix("signaleer", BSN_BRAM, *INFORMED, "--json", als=region.care)
    assert known.exit_code == unknown.exit_code == 1
    assert known.stdout == unknown.stdout == ""
    assert known.stderr == unknown.stderr and "Met alleen het nummer" in known.stderr
    assert "Pieters" not in known.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 1
