"""A recipient's name in the To header stays a name (a real SMTP server on loopback).

A name is free text (`professional wijzig --naam`, `gemeente wijzig --wethouder`): it
may hold letters outside ASCII, commas, angle brackets, quotes, ';', ':' and '@'. The
To header used to be built with `formataddr`, whose bare encoded-words the header
registry decoded and wrote back unquoted: "Ömer El Amrani <omer.prive@example.org>"
reached the server as `=?utf-8?q?=C3=96mer?= El Amrani <omer.prive@example.org>
<arts@jgz.nl>`, which a mail client shows and replies to as omer.prive@example.org (a
notice about a youth, to an address outside the index); "Inéke Bosman, intern
begeleider" as two recipients. A long name (past one line of 78) lost its quotes in
the folding of Python 3.11, with ASCII names too. Each message is parsed here as a
mail client does (the modern policy): exactly one address, the intended one, with
the whole name.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.headerregistry import Address
from pathlib import Path

import pytest
from conftest import ADMIN, BSN_ANNA, INFORMED, Region, Runner, as_json, new_youth, ok
from smtp_server import Server
from test_alderman_address import LATER, escalate, stagnating_match

NAMES = [
    "Ömer El Amrani <omer.prive@example.org>",
    "Inéke Bosman, intern begeleider",
    "Karin de Wit, jeugdarts",
    'Jan "Bas" de Vries; team: zorg@elders.example',
    "Zoë Brûlé (jeugdarts); bereikbaar: ma, di",
    # longer than one header line: folded, and so broken even in ASCII
    "Karin de Wit, jeugdarts en schoolarts <karin.privé@elders.example>, team Zuid",
    "Karin de Wit, jeugdarts en schoolarts <karin.prive@elders.example>; team Zuid",
    'Łukasz "Luuk" Wiśniewski, orthopedagoog: gedragswetenschapper @ team Noord',
]


def received_to(smtp: Server) -> list[tuple[Address, ...]]:
    """The To header of each message the server accepted, as a mail client reads it."""
    return [message_from_bytes(raw, policy=policy.default)["To"].addresses
            for raw in smtp.mailbox.raw]  # fmt: skip


def parsed(addresses: tuple[Address, ...]) -> list[tuple[str, str]]:
    return [(a.display_name, a.addr_spec) for a in addresses]


@pytest.mark.parametrize("name", NAMES)
def test_a_professionals_name_is_one_display_name(
    vix: Runner, region: Region, smtp: Server, name: str
) -> None:
    ok(vix("professional", "wijzig", region.jgz, "--naam", name, als=ADMIN))
    for who in (region.school, region.jgz):
        as_json(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=who))
    ok(vix("berichten", "verstuur", als=region.coordinator))
    to = [parsed(a) for a in received_to(smtp)]
    assert sorted(to, key=str) == [[("Ineke Bos", region.school)], [(name, region.jgz)]]


def test_a_name_holding_an_encoded_word_goes_without_it(
    vix: Runner, region: Region, smtp: Server
) -> None:
    """'=?utf-8?q?Team_Zuid=2C?= Jan' was decoded by the header registry and written back
    bare: "Team Zuid, Jan <...>", two addresses to a mail client (review). Such a name
    goes out as the address alone."""
    name = "=?utf-8?q?Team_Zuid=2C?= Jan"
    ok(vix("professional", "wijzig", region.jgz, "--naam", name, als=ADMIN))
    for who in (region.school, region.jgz):
        as_json(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=who))
    ok(vix("berichten", "verstuur", als=region.coordinator))
    to = [parsed(a) for a in received_to(smtp)]
    assert sorted(to, key=str) == [[("", region.jgz)], [("Ineke Bos", region.school)]]


@pytest.mark.parametrize("name", [NAMES[0], NAMES[1], NAMES[5]])
def test_the_aldermans_name_is_one_display_name(
    vix: Runner, region: Region, vix_env: Path, smtp: Server, name: str
) -> None:
    stagnating_match(vix, region)
    ok(vix("gemeente", "wijzig", "HAARLEM", "--wethouder", name, als=ADMIN))
    escalate(vix, region)
    ok(vix("berichten", "verstuur", als=region.coordinator, now=LATER))
    to = [parsed(a) for a in received_to(smtp)]
    assert [(name, "wethouder@haarlem.nl")] in to
    for each in to:  # every message had one address
        assert len(each) == 1
