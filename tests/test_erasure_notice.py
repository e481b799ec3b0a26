"""`vix jeugdige wis` tells each signaller that his or her signal went (rules 15, 17).

On an upheld objection or an erasure request the signals on the youth are
deleted at once. Before, their signallers were told nothing: a professional
went on counting on a signal that was gone from `vix signalen`. Now each
signaller of an active signal gets one notice that names no youth (the erased
youth must be as if he or she never existed, and the outbox keeps a sent
notice for good): the signal's number and the day it was placed, that it was
erased and on which of the two requests, and whom to ask. The notice is
logged under the youth's pseudonym, so that the inzage shows it; at death
vix tells nobody.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import BSN_ANNA, Region, Runner, as_json, db_rows, flat, new_youth, ok
from smtp_server import Server
from test_notice_withdrawal import _body, at, send, withdraw

T0 = "2026-11-23T10:00:00"
T1 = "2026-11-23T10:05:00"
T2 = "2026-11-23T10:10:00"
T3 = "2026-12-07T09:00:00"
T4 = "2026-12-07T09:30:00"
ANNA = new_youth(BSN_ANNA, "Anna")  # Anna de Vries, born 03-04-2014
WHY = {
    "bezwaar": "bezwaar gemaakt tegen het signaal, en dat bezwaar is toegekend",
    "verwijderverzoek": "gevraagd hun gegevens uit de verwijsindex te wissen",
}


def erasure_notices(vix_env: Path) -> list[dict[str, object]]:
    return [
        dict(r)
        for r in db_rows(
            vix_env,
            "SELECT id, kind, match_id, recipient_email, subject, body, status FROM outbox"
            " WHERE kind = 'signaal_gewist' ORDER BY id",
        )
    ]


@pytest.mark.parametrize("reason", ["bezwaar", "verwijderverzoek"])
def test_each_signaller_is_told_that_the_signal_went_naming_no_youth(
    vix: Runner, region: Region, smtp: Server, vix_env: Path, reason: str
) -> None:
    school = at(vix, T0, region.school, *ANNA)
    jgz = at(vix, T1, region.jgz, *ANNA)
    send(vix, region, T2)  # the match notices went
    smtp.mailbox.messages.clear()
    done = ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", reason, als=region.coordinator, now=T3))
    assert "2 signaleerders krijgen bericht dat het signaal op verzoek is gewist" in done.stderr
    # it ended the match (no "bijgewerkt", as it said); an upheld objection leaves it as if
    # it never arose (rule 17)
    outcome = {
        "bezwaar": "vervallen (zonder deze signalen nooit ontstaan)",
        "verwijderverzoek": "beëindigd",
    }[reason]
    assert f"2 signalen gewist; 1 match {outcome}." in done.stderr
    assert "Er is niets meer over deze jeugdige opgeslagen." in done.stderr

    # the outbox: one notice per signaller, about no match and linked to no youth
    notices = erasure_notices(vix_env)
    assert [(n["recipient_email"], n["match_id"], n["status"]) for n in notices] == [
        (region.school, None, "queued"),
        (region.jgz, None, "queued"),
    ]
    assert db_rows(vix_env, "SELECT count(*) FROM outbox_youths")[0][0] == 0
    for n, placed in zip(notices, (school, jgz), strict=True):
        body = flat(n["body"])
        assert n["subject"] == "Verwijsindex: uw signaal is gewist"
        assert (
            f"Uw signaal {placed['signal_id']}, afgegeven op 23-11-2026, is op 07-12-2026" in body
        )
        assert WHY[reason] in body
        assert "Vragen hierover: Carla Coördinator, coordinator@regio.nl." in body
        # nothing of Anna: no name, no birth date, no number (not even its last digits)
        for trace in ("Anna", "Vries", "03-04-2014", "2014", "333"):
            assert trace not in body
        assert not re.search(r"\d{5,}", body)
        # the other signaller is no business of this one
        other_signaller = "Karin Arts" if n["recipient_email"] == region.school else "Ineke Bos"
        assert other_signaller not in body
        other = [w for w in WHY.values() if w != WHY[reason]]
        assert other[0] not in body

    # the audit log: each notice under Anna's pseudonym, with the signal's number and
    # the reason, as the deletion of the signal is; never the BSN
    deleted = db_rows(
        vix_env,
        "SELECT entity_id, subject FROM audit_log WHERE action = 'delete'"
        " AND entity = 'signal' ORDER BY id",
    )
    pseudonym = deleted[0]["subject"]
    assert pseudonym and {r["subject"] for r in deleted} == {pseudonym}
    queued = db_rows(
        vix_env,
        "SELECT entity_id, subject, detail FROM audit_log WHERE action = 'queue'"
        " AND entity = 'notice' AND json_extract(detail, '$.soort') = 'signaal_gewist'"
        " ORDER BY id",
    )
    code = {"bezwaar": "objection", "verwijderverzoek": "erasure_request"}[reason]
    assert [(r["entity_id"], r["subject"], json.loads(r["detail"])) for r in queued] == [
        (
            n["id"],
            pseudonym,
            {"soort": "signaal_gewist", "match": None, "signaal": s, "reden": code},
        )
        for n, s in zip(notices, (school["signal_id"], jgz["signal_id"]), strict=True)
    ]
    everything = db_rows(
        vix_env, "SELECT coalesce(detail, '') || coalesce(subject, '') FROM audit_log"
    )
    assert all(BSN_ANNA not in r[0] for r in everything)

    # delivered like any notice, to the two signallers only
    send(vix, region, T4)
    assert [m["To"] for m in smtp.mailbox.messages] == [
        f"Ineke Bos <{region.school}>",
        f"Karin Arts <{region.jgz}>",
    ]
    assert all("Anna" not in _body(m) for m in smtp.mailbox.messages)
    assert [n["status"] for n in erasure_notices(vix_env)] == ["sent", "sent"]

    # the signal is gone from the signaller's own list, as the notice says
    assert as_json(vix("signalen", "--json", als=region.school, now=T4)) == []
    # the parents' inzage on the BSN shows that the signallers were told
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now=T4))
    assert z["found"] is False
    assert [e["action"] for e in z["log"]].count("klaargezet: bericht") == 2


def test_at_death_nobody_is_told_and_the_coordinator_hears_so(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    at(vix, T0, region.school, *ANNA)
    at(vix, T1, region.jgz, *ANNA)
    done = ok(
        vix("jeugdige", "wis", BSN_ANNA, "--reden", "overlijden", als=region.coordinator, now=T3)
    )
    assert erasure_notices(vix_env) == []
    assert "krijgen bericht" not in done.stderr
    assert "Bij overlijden krijgen de signaleerders geen bericht van vix" in done.stderr


def test_only_active_signals_are_told_and_only_to_who_still_works_here(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The school withdrew its signal (archived: it ended, the school counts on nothing);
    JGZ's signaller left. Only youth care, whose signal is active, is told; the
    coordinator hears that one signaller is not told because he or she left."""
    school = at(vix, T0, region.school, *ANNA)
    withdraw(vix, school["signal_id"], region.school, T1, "weggenomen")
    at(vix, T1, region.jgz, *ANNA)
    at(vix, T2, region.care, *ANNA)
    ok(vix("professional", "deactiveer", region.jgz, als=region.admin, now=T2))
    done = ok(
        vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator, now=T3)
    )
    assert "3 signalen gewist" in done.stderr
    assert "1 signaleerder krijgt bericht" in done.stderr
    gone = "1 signaleerder is niet meer actief (of de organisatie niet) en krijgt geen bericht"
    assert gone in done.stderr
    assert [n["recipient_email"] for n in erasure_notices(vix_env)] == [region.care]


def test_a_broken_own_erasure_notice_erases_nothing(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """One transaction: when the region's own `berichten/signaal_gewist.txt` cannot be
    rendered, the erasure is refused as a whole (the signals, the match and the youth
    stay) with the file and the line, and nothing is queued; with vix's own template it
    goes through."""
    own = tmp_path / "sjablonen" / "berichten" / "signaal_gewist.txt"
    own.parent.mkdir(parents=True)
    own.write_text("Beste {{ ontvanger }},\n{{ signaal / 0 }}\n")
    ok(vix("instelling", "zet", "sjablonen_map", str(own.parent.parent), als=region.admin))
    at(vix, T0, region.school, *ANNA)
    at(vix, T1, region.jgz, *ANNA)
    before = db_rows(vix_env, "SELECT count(*) FROM outbox")[0][0]
    refused = vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator, now=T3)
    assert refused.exit_code == 1
    assert "Het sjabloon berichten/signaal_gewist.txt, regel 2 bevat een fout" in refused.stderr
    assert "Onverwachte" not in refused.stderr
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 2
    assert db_rows(vix_env, "SELECT count(*) FROM youths")[0][0] == 1
    assert db_rows(vix_env, "SELECT count(*) FROM outbox")[0][0] == before
    own.unlink()
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator, now=T3))
    assert len(erasure_notices(vix_env)) == 2
