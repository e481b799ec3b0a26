"""A level-3 step taken without an alderman's address is owed to the address recorded later
(rule 13, rule 16, rule 18).

The ladder goes no higher than the alderman: when the municipality had no address on the
day a match reached level 3, nobody would ever tell him or her. `vix gemeente wijzig CODE
--wethouder-email E-MAIL` therefore queues, in its own transaction, the level-3 notice of
every open match of the municipality that still stagnates at that step and that this
address has not had, with the facts the step told, and says how many. A match that ended,
or that has what the step asked for since, owes nothing; the same address is never told
twice; a new address (a successor) is told too.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    INFORMED,
    NOW,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from smtp_server import Server
from test_alderman_address import LATER, admin_id, escalate, last_municipality_update

HAARLEM_ALDERMAN = "wethouder@haarlem.nl"  # recorded by the region fixture


def signal(
    vix: Runner, who: str, bsn: str, name: str, town: str = "HAARLEM", now: str = NOW
) -> dict[str, int]:
    """A signal on a youth of `town`; its id and the match it made (if any)."""
    found = as_json(vix("signaleer", *new_youth(bsn, name, town=town), *INFORMED, "--json",
                        als=who, now=now))  # fmt: skip
    return {
        "signal": int(found["signal_id"]),
        "match": int((found["matches"] or [{"id": 0}])[0]["id"]),
    }


def matched(
    vix: Runner, region: Region, bsn: str, name: str, town: str = "HAARLEM", now: str = NOW
) -> dict[str, int]:
    """A match between the school (of the town) and JGZ, on Monday 23-11 unless `now` says
    otherwise; no agreement."""
    school = region.school if town == "HAARLEM" else region.school2
    signal(vix, school, bsn, name, town, now)
    return signal(vix, region.jgz, bsn, name, town, now)


def alderman_rows(db: Path) -> list[tuple[int, str, str]]:
    rows = db_rows(
        db,
        "SELECT match_id, recipient_email, status FROM outbox WHERE kind = 'escalatie_3'"
        " ORDER BY id",
    )
    return [(r[0], r[1], r[2]) for r in rows]


def record_address(vix: Runner, email: str, now: str = LATER) -> str:
    done = ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", email, als=ADMIN, now=now))
    return " ".join(done.stderr.split())


def test_an_address_recorded_later_gets_the_owed_notice(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "", als=ADMIN))
    anna = matched(vix, region, BSN_ANNA, "Anna")["match"]
    bram = matched(vix, region, BSN_BRAM, "Bram")["match"]
    cas = matched(vix, region, BSN_CAS, "Cas")
    daan = matched(vix, region, BSN_DAAN, "Daan", town="ZANDVOORT")["match"]
    # a week younger: at level 2 when the address comes, level 3 is not due yet
    eva = matched(vix, region, P_MOTHER, "Eva", now="2026-11-30T10:00:00")["match"]
    steps = escalate(vix, region)
    assert "geen e-mailadres van de wethouder Jeugd van Haarlem bekend" in " ".join(
        steps[-1].stderr.split()
    )
    assert alderman_rows(vix_env) == []
    levels = db_rows(vix_env, "SELECT match_id FROM escalations WHERE level = 3 ORDER BY 1")
    assert [r[0] for r in levels] == [anna, bram, cas["match"], daan]
    assert (
        db_rows(vix_env, "SELECT max(level) FROM escalations WHERE match_id = ?", (eva,))[0][0] == 2
    )
    # since: Bram's match has its agreement (what the step asked), Cas's match ended
    ok(vix("afstemming", str(bram), als=region.jgz, now=LATER))
    ok(vix("intrekken", str(cas["signal"]), "--reden", "weggenomen", als=region.jgz, now=LATER))

    said = record_address(vix, "jeugd@haarlem.nl")

    assert said == (
        "Gemeente HAARLEM bijgewerkt. Het e-mailadres van de wethouder Jeugd krijgt nu het "
        "opschaalbericht (niveau 3) van 1 match die tot de wethouder is opgeschaald en nog "
        f"stagneert: match {anna}."
    )
    # only Haarlem's open match that still stagnates at the step (Zandvoort's is not
    # Haarlem's, Eva's is not at the step)
    assert alderman_rows(vix_env) == [(anna, "jeugd@haarlem.nl", "queued")]
    [(name, body)] = db_rows(
        vix_env, "SELECT recipient_name, body FROM outbox WHERE kind = 'escalatie_3'"
    )
    assert name == "W. Wethouder" and body.startswith("Geachte W. Wethouder,")
    assert f"Match: {anna} (cliëntmatch), gemeente Haarlem, ontstaan op 23-11-2026" in body
    assert "Over tijd sinds 01-12-2026" in body  # the facts the step told
    assert "na 16 werkdagen" in body
    # rule 16: the alderman gets the process, never the youth
    assert "Anna" not in body and BSN_ANNA[-3:] not in body
    # rule 18: the change names the field, the queued notice is logged on its match
    update = last_municipality_update(vix_env)
    assert update["actor_id"] == admin_id(vix_env)
    assert json.loads(update["detail"]) == {"velden": ["wethouder_email"]}
    queued = db_rows(
        vix_env,
        "SELECT detail FROM audit_log WHERE action = 'queue' AND entity = 'notice'"
        " AND entity_id = (SELECT id FROM outbox WHERE kind = 'escalatie_3')",
    )
    assert [json.loads(q[0]) for q in queued] == [{"soort": "escalatie", "match": anna}]

    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    assert [str(m["To"]) for m in smtp.mailbox.messages if "jeugd@haarlem.nl" in str(m["To"])]
    assert alderman_rows(vix_env) == [(anna, "jeugd@haarlem.nl", "sent")]
    # a later run: Anna's match is at the top and is not told again; Eva's takes its step
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-22T07:00"))
    assert alderman_rows(vix_env) == [
        (anna, "jeugd@haarlem.nl", "sent"),
        (eva, "jeugd@haarlem.nl", "queued"),
    ]


def test_an_address_is_told_once_and_a_successor_is_told_too(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "", als=ADMIN))
    anna = matched(vix, region, BSN_ANNA, "Anna")["match"]
    escalate(vix, region)
    record_address(vix, "jeugd@haarlem.nl")
    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    # cleared and recorded again (a mistake undone): that address had it, nothing goes
    record_address(vix, "")
    assert record_address(vix, "Jeugd@Haarlem.nl") == "Gemeente HAARLEM bijgewerkt."
    assert alderman_rows(vix_env) == [(anna, "jeugd@haarlem.nl", "sent")]
    # a successor at another address is the alderman now, and the match still stagnates
    said = record_address(vix, "opvolger@haarlem.nl")
    assert said.endswith(f"nog stagneert: match {anna}.")
    assert alderman_rows(vix_env) == [
        (anna, "jeugd@haarlem.nl", "sent"),
        (anna, "opvolger@haarlem.nl", "queued"),
    ]


def test_several_owed_notices_are_counted(vix: Runner, region: Region, vix_env: Path) -> None:
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "", als=ADMIN))
    ids = [matched(vix, region, bsn, name)["match"] for bsn, name in
           ((BSN_ANNA, "Anna"), (BSN_BRAM, "Bram"), (BSN_CAS, "Cas"))]  # fmt: skip
    escalate(vix, region)
    said = record_address(vix, HAARLEM_ALDERMAN)
    assert said.endswith(
        "van 3 matches die tot de wethouder zijn opgeschaald en nog stagneren: matches "
        f"{ids[0]}, {ids[1]} en {ids[2]}."
    )
    assert sorted(r[0] for r in alderman_rows(vix_env)) == ids


def test_the_same_address_again_finds_what_an_older_vix_left_owed(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder-email", "", als=ADMIN))
    anna = matched(vix, region, BSN_ANNA, "Anna")["match"]
    escalate(vix, region)
    # an older vix recorded the address later and queued nothing
    conn = sqlite3.connect(vix_env)
    with conn:
        conn.execute("UPDATE municipalities SET alderman_email = ? WHERE code = 'HAARLEM'",
                     (HAARLEM_ALDERMAN,))  # fmt: skip
    conn.close()
    # a name change alone does not look; the address recorded again does
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "J. Jansen", als=ADMIN, now=LATER))
    assert alderman_rows(vix_env) == []
    said = record_address(vix, HAARLEM_ALDERMAN)
    assert said.endswith(f"nog stagneert: match {anna}.")
    assert alderman_rows(vix_env) == [(anna, HAARLEM_ALDERMAN, "queued")]
    # and once only
    assert record_address(vix, HAARLEM_ALDERMAN) == "Gemeente HAARLEM bijgewerkt."
    assert alderman_rows(vix_env) == [(anna, HAARLEM_ALDERMAN, "queued")]


def test_a_refused_notice_is_tried_again_by_the_address_not_by_a_name(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    """The server refused the level-3 notice for good (a full mailbox): a change of name
    alone leaves it refused, as sending it again would bounce again and its failure would
    vanish from the listing; the same address recorded again (the mailbox repaired) has
    it sent once more, and the refusal stays in the listing."""
    anna = matched(vix, region, BSN_ANNA, "Anna")["match"]
    escalate(vix, region)
    smtp.mailbox.rcpt_reply = "552 5.2.2 Mailbox full"
    vix("berichten", "verstuur", als=region.coordinator, now=LATER)
    smtp.mailbox.rcpt_reply = None
    assert alderman_rows(vix_env) == [(anna, HAARLEM_ALDERMAN, "failed")]

    said = " ".join(ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "J. Jansen",
                           als=ADMIN, now=LATER)).stderr.split())  # fmt: skip
    assert said == "Gemeente HAARLEM bijgewerkt."
    assert alderman_rows(vix_env) == [(anna, HAARLEM_ALDERMAN, "failed")]

    said = record_address(vix, HAARLEM_ALDERMAN)
    assert said.endswith(f"nog stagneert: match {anna}.")
    assert alderman_rows(vix_env) == [
        (anna, HAARLEM_ALDERMAN, "failed"),
        (anna, HAARLEM_ALDERMAN, "queued"),
    ]
    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    assert [m["To"] for m in smtp.mailbox.messages] == [f'"J. Jansen" <{HAARLEM_ALDERMAN}>']
