"""Need to know (rule 16) and rule 14: a signal is ended by its signaller or by the
organisation manager, who substitutes for an absent colleague; another signaller of the
same organisation may not end it, nor read its parents' letter. Pinned by mutation
testing (session 25): no test noticed `signals.require_own_signal` accepting any
colleague of the organisation."""

from __future__ import annotations

from conftest import BSN_ANNA, Region, Runner, as_json, new_youth, ok, signal

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
