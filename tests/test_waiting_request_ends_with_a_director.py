"""A request for regie that waits for a regievoerder ends when a member takes the lead.

The regional coordinators are told that the request waits (`regie_wacht`), so that the
administrator records a regievoerder. Once a member of the match leads it
(`vix regie N --regisseur`), that notice, still unsent, would send them to the
administrator for nothing: it is withdrawn (`followup.set_director`, `_stop_waiting`).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Region, anna_s_match, db_rows, ok


def test_a_member_who_takes_the_lead_withdraws_the_unsent_waiting_notice(
    vix, region: Region, vix_env: Path
) -> None:
    match_id = anna_s_match(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    ok(vix("professional", "deactiveer", region.regie, als=region.admin))  # the request waits
    [waiting] = db_rows(
        vix_env,
        "SELECT o.id, p.email FROM outbox o JOIN professionals p ON p.id = o.recipient_id"
        " WHERE o.kind = 'regie_wacht' AND o.match_id = ?",
        (match_id,),
    )
    assert waiting["email"] == region.coordinator

    ok(vix("regie", str(match_id), "--regisseur", region.jgz, als=region.jgz))

    assert db_rows(vix_env, "SELECT id FROM outbox WHERE kind = 'regie_wacht'") == []
    [record] = db_rows(
        vix_env,
        "SELECT detail FROM audit_log WHERE action = 'withdraw' AND entity = 'notice'"
        " AND entity_id = ?",
        (waiting["id"],),
    )
    assert json.loads(record["detail"]) == {"reden": "director_set", "match": match_id}
