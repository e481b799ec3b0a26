"""A real SMTP server on loopback (aiosmtpd) for the tests that deliver the outbox.

A plain helper module, like import_helpers.py: it knows nothing of vix or of
the test fixtures. conftest.py builds the `smtp` fixture on it (a running
server and a region configured to use it); test_mail.py also starts servers
of its own (with authentication, TLS, or a mailbox that hangs: `HangingMailbox`).
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import threading
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts, or replies what it is told."""

    def __init__(self, db: Path) -> None:
        self.messages: list[Message] = []
        self.raw: list[bytes] = []  # each accepted message as it came, for a parser of choice
        self.mail_reply: str | None = None
        self.rcpt_reply: str | None = None
        self.ehlo_reply: str | None = None
        self.data_reply: str | None = None
        self.db = db
        self.lock_free_during_send: list[bool] = []

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        if self.ehlo_reply:
            return [self.ehlo_reply]
        session.host_name = hostname  # what aiosmtpd does itself without this hook
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # vix must not hold the database write lock while it talks to us
        conn = sqlite3.connect(self.db, timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            self.lock_free_during_send.append(True)
        except sqlite3.OperationalError:
            self.lock_free_during_send.append(False)
        finally:
            conn.close()
        if self.data_reply:
            return self.data_reply
        self.raw.append(envelope.content)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class HangingMailbox(Mailbox):
    """Accepts the first message, then never answers the DATA of the next one."""

    def __init__(self, db: Path) -> None:
        super().__init__(db)
        self.hanging = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.messages:
            self.hanging.set()
            await asyncio.sleep(60)
        return await super().handle_DATA(server, session, envelope)


class DroppingMailbox(Mailbox):
    """Accepts one message per connection: the next MAIL finds it closed, as a server
    closes a client that stayed idle past its time-out (vix waiting for a lock)."""

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if getattr(session, "delivered", False):
            server.transport.close()
            return "421 closed"  # never read: the connection is gone
        return await super().handle_MAIL(server, session, envelope, address, options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        session.delivered = True
        return await super().handle_DATA(server, session, envelope)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def free_port_in(ports: range) -> int:
    """The first port of `ports` free on loopback (for tests given a range of their own).

    Probed as the server binds (asyncio reuses the address on Unix), so that a port
    whose last connection waits out TIME_WAIT counts as free, as it is for the server."""
    for port in ports:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


class Server:
    def __init__(self, db: Path, port: int, **kwargs: Any) -> None:
        self.mailbox = Mailbox(db)
        self.port = port
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=port, **kwargs)

    def start(self) -> Server:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
