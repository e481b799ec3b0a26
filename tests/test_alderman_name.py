"""The alderman's name can be cleared as well as replaced (rule 13, rule 18).

When the alderman for youth leaves, the functioneel beheerder clears the name with
`vix gemeente wijzig CODE --wethouder ""`, as the address is cleared with
`--wethouder-email ""`. The level-3 notice then greets the office ("Geachte Wethouder
Jeugd"), never "None" or an empty name, and a notice not sent yet that greets the
alderman who left is queued again with the name as it is now.
"""

from __future__ import annotations

import json
from email.utils import parseaddr
from pathlib import Path

from conftest import ADMIN, Region, Runner, as_json, db_rows, ok
from smtp_server import Server
from test_alderman_address import (
    LATER,
    admin_id,
    escalate,
    last_municipality_update,
    stagnating_match,
    withdrawals,
)


def haarlem(vix: Runner) -> dict[str, object]:
    [town] = [t for t in as_json(vix("gemeente", "lijst", "--json", als=ADMIN))
              if t["code"] == "HAARLEM"]  # fmt: skip
    return town  # type: ignore[no-any-return]


def alderman_rows(db: Path) -> list[tuple[str, str, str]]:
    rows = db_rows(
        db, "SELECT recipient_name, recipient_email, body FROM outbox WHERE kind = 'escalatie_3'"
    )
    return [(r[0], r[1], r[2]) for r in rows]


def test_the_aldermans_name_can_be_cleared(vix: Runner, region: Region, vix_env: Path) -> None:
    done = ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "", als=ADMIN))
    assert done.stderr == "Gemeente HAARLEM bijgewerkt.\n"
    town = haarlem(vix)
    assert town["alderman_name"] is None
    assert town["alderman_email"] == "wethouder@haarlem.nl"  # the address stays
    listed = ok(vix("gemeente", "lijst", als=ADMIN)).stdout
    [line] = [x for x in listed.splitlines() if "HAARLEM" in x]
    assert line.split("│")[4].strip() == "-"
    # rule 18: the field is named, the departed alderman's name is not logged
    audit = last_municipality_update(vix_env)
    assert audit["actor_id"] == admin_id(vix_env)
    assert json.loads(audit["detail"]) == {"velden": ["wethouder"]}
    assert "Wethouder" not in audit["detail"]
    # spaces alone clear it too; a name is still checked as a name
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "J. Jansen", als=ADMIN))
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "   ", als=ADMIN))
    assert haarlem(vix)["alderman_name"] is None
    refused = vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "123456789", als=ADMIN)
    assert refused.exit_code == 1
    assert "De naam van de wethouder bevat een nummer" in refused.stderr
    assert haarlem(vix)["alderman_name"] is None


def test_without_a_name_the_notice_greets_the_office(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    stagnating_match(vix, region)
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "", als=ADMIN))
    escalate(vix, region)
    [(name, email, body)] = alderman_rows(vix_env)
    assert (name, email) == ("Wethouder Jeugd", "wethouder@haarlem.nl")
    assert body.startswith("Geachte Wethouder Jeugd,\n")
    assert "None" not in body
    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    [sent] = [m for m in smtp.mailbox.messages if "wethouder@haarlem.nl" in str(m["To"])]
    assert parseaddr(str(sent["To"])) == ("Wethouder Jeugd", "wethouder@haarlem.nl")


def test_an_unsent_notice_greets_the_alderman_now(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    match_id = stagnating_match(vix, region)
    escalate(vix, region)
    [(name, _, body)] = alderman_rows(vix_env)
    assert name == "W. Wethouder" and body.startswith("Geachte W. Wethouder,")
    # he left; the address is the municipality's own and stays
    done = ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "", als=ADMIN, now=LATER))
    assert " ".join(done.stderr.split()) == (
        "Gemeente HAARLEM bijgewerkt. Het nog niet verstuurde opschaalbericht (niveau 3) bij "
        f'match {match_id} begint nu met "Geachte Wethouder Jeugd": er is geen naam.'
    )
    [(name, email, body)] = alderman_rows(vix_env)
    assert (name, email) == ("Wethouder Jeugd", "wethouder@haarlem.nl")
    assert body.startswith("Geachte Wethouder Jeugd,")
    assert "W. Wethouder" not in body
    assert "Over tijd sinds 01-12-2026" in body  # the facts the step told
    [audit] = withdrawals(vix_env)
    assert json.loads(audit["detail"]) == {"reden": "alderman_changed", "match": match_id}
    # the successor's name, recorded before the notice went
    done = ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "J. Jansen", als=ADMIN,
                  now=LATER))  # fmt: skip
    assert " ".join(done.stderr.split()) == (
        "Gemeente HAARLEM bijgewerkt. Het nog niet verstuurde opschaalbericht (niveau 3) bij "
        f"match {match_id} noemt nu de nieuwe naam van de wethouder Jeugd."
    )
    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    [sent] = [m for m in smtp.mailbox.messages if "wethouder@haarlem.nl" in str(m["To"])]
    assert parseaddr(str(sent["To"])) == ("J. Jansen", "wethouder@haarlem.nl")
    assert sent.get_payload(decode=True).decode().startswith("Geachte J. Jansen,")
    # sent is sent: a later name does not send it again
    done = ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", "K. de Boer", als=ADMIN,
                  now=LATER))  # fmt: skip
    assert done.stderr == "Gemeente HAARLEM bijgewerkt.\n"
    assert [r[0] for r in alderman_rows(vix_env)] == ["J. Jansen"]
