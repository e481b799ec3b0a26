"""The alderman's address can be cleared as well as corrected (rule 13, rule 18).

When the alderman for youth leaves, the functioneel beheerder clears the address with
`vix gemeente wijzig CODE --wethouder-email ""`, as other optional contact fields are
cleared. Escalation to level 3 then reaches nobody, with the warning it gives before
an address was recorded; a level-3 notice not sent yet to the old address is withdrawn,
or, when the address was corrected, goes to the new one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import ADMIN, BSN_ANNA, INFORMED, Region, Runner, as_json, db_rows, new_youth, ok
from smtp_server import Server

LEVELS = ("2026-12-01T07:00", "2026-12-08T07:00", "2026-12-15T07:00")  # levels 1, 2, 3
LATER = "2026-12-15T09:00"


def stagnating_match(vix: Runner, region: Region) -> int:
    """Anna of Haarlem, signalled by the school and JGZ on Monday 23-11; no agreement."""
    for who in (region.school, region.jgz):
        found = as_json(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json",
                            als=who))  # fmt: skip
    return int(found["matches"][0]["id"])


def escalate(vix: Runner, region: Region, days: tuple[str, ...] = LEVELS) -> list[Any]:
    return [ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=d)) for d in days]


def alderman_notices(db: Path) -> list[tuple[str, str]]:
    rows = db_rows(db, "SELECT recipient_email, status FROM outbox WHERE kind = 'escalatie_3'")
    return [(r[0], r[1]) for r in rows]


def withdrawals(db: Path) -> list[Any]:
    return db_rows(
        db,
        "SELECT actor_id, detail FROM audit_log WHERE action = 'withdraw'"
        " AND json_extract(detail, '$.reden') = 'alderman_changed'",
    )


def admin_id(db: Path) -> int:
    return int(db_rows(db, "SELECT id FROM professionals WHERE email = ?", (ADMIN,))[0][0])


def last_municipality_update(db: Path) -> Any:
    """The audit record of the last 'gemeente wijzig' (actor_id, detail)."""
    [update] = db_rows(
        db,
        "SELECT actor_id, detail FROM audit_log WHERE entity = 'municipality'"
        " AND action = 'update' ORDER BY id DESC LIMIT 1",
    )
    return update


def test_the_aldermans_address_can_be_cleared(vix: Runner, region: Region, vix_env: Path) -> None:
    done = ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "", als=ADMIN))
    assert done.stderr == "Gemeente HAARLEM bijgewerkt.\n"
    [town] = [t for t in as_json(vix("gemeente", "lijst", "--json", als=ADMIN))
              if t["code"] == "HAARLEM"]  # fmt: skip
    assert town["alderman_email"] is None
    assert town["alderman_name"] == "W. Wethouder"  # the address alone: the name stays
    # rule 18: the field is named, its old value is not logged
    audit = last_municipality_update(vix_env)
    assert audit["actor_id"] == admin_id(vix_env)
    assert json.loads(audit["detail"]) == {"velden": ["wethouder_email"]}
    assert "wethouder@haarlem.nl" not in audit["detail"]
    # spaces alone clear it too, as for an organisation's address
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "w@haarlem.nl", als=ADMIN))
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "  ", als=ADMIN))
    assert (
        db_rows(vix_env, "SELECT alderman_email FROM municipalities WHERE code = 'HAARLEM'")[0][0]
        is None
    )


def test_without_an_address_level_three_is_taken_with_a_warning(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = stagnating_match(vix, region)
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "", als=ADMIN))
    top = escalate(vix, region)[-1]
    said = " ".join(top.stderr.split())
    assert "geen e-mailadres van de wethouder Jeugd van Haarlem bekend" in said
    assert "'vix gemeente wijzig HAARLEM --wethouder-email E-MAIL'" in said  # its code
    assert alderman_notices(vix_env) == []
    levels = db_rows(vix_env, "SELECT level FROM escalations WHERE match_id = ?", (match_id,))
    assert [r[0] for r in levels] == [1, 2, 3]  # the ladder goes on


def test_clearing_withdraws_the_notice_the_departed_alderman_was_to_get(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    match_id = stagnating_match(vix, region)
    escalate(vix, region)
    assert alderman_notices(vix_env) == [("wethouder@haarlem.nl", "queued")]
    done = ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "", als=ADMIN, now=LATER))
    assert alderman_notices(vix_env) == []
    [audit] = withdrawals(vix_env)
    assert audit["actor_id"] == admin_id(vix_env)
    assert json.loads(audit["detail"]) == {"reden": "alderman_changed", "match": match_id}
    assert " ".join(done.stderr.split()) == (
        "Gemeente HAARLEM bijgewerkt. Let op: het nog niet verstuurde opschaalbericht "
        f"(niveau 3) bij match {match_id} is ingetrokken; geen e-mailadres van de wethouder "
        "Jeugd van Haarlem bekend; leg het vast met 'vix gemeente wijzig HAARLEM "
        "--wethouder-email E-MAIL'."
    )
    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    assert not any("wethouder@haarlem.nl" in str(m["To"]) for m in smtp.mailbox.messages)


def test_a_corrected_address_takes_the_unsent_notice_along(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    match_id = stagnating_match(vix, region)
    escalate(vix, region)
    done = ok(
        vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "jeugd@haarlem.nl", als=ADMIN,
            now=LATER)
    )  # fmt: skip
    assert alderman_notices(vix_env) == [("jeugd@haarlem.nl", "queued")]
    assert len(withdrawals(vix_env)) == 1
    [body] = db_rows(vix_env, "SELECT body FROM outbox WHERE kind = 'escalatie_3'")
    assert "Geachte W. Wethouder" in body[0]
    assert "Over tijd sinds 01-12-2026" in body[0]  # the facts the step told
    assert (
        f"Het nog niet verstuurde opschaalbericht (niveau 3) bij match {match_id} gaat nu naar "
        "het nieuwe e-mailadres van de wethouder Jeugd." in " ".join(done.stderr.split())
    )
    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    to = [str(m["To"]) for m in smtp.mailbox.messages]
    assert any("jeugd@haarlem.nl" in t for t in to)
    assert not any("wethouder@haarlem.nl" in t for t in to)


def test_a_sent_notice_stays_sent_and_is_not_repeated(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    stagnating_match(vix, region)
    escalate(vix, region)
    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    done = ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "", als=ADMIN, now=LATER))
    assert done.stderr == "Gemeente HAARLEM bijgewerkt.\n"
    assert alderman_notices(vix_env) == [("wethouder@haarlem.nl", "sent")]
    assert withdrawals(vix_env) == []
