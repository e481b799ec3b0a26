"""Delivery racing other commands: a withdrawal while a notice is being sent, and a write
lock held while a run records what the server accepted (vix.mail, vix.notices)."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    INFORMED,
    Region,
    as_json,
    claimed_by_a_crashed_run,
    configure,
    db_rows,
    new_youth,
    ok,
    start_vix,
    stopped_while_the_server_hangs,
)
from smtp_server import Mailbox, Server, free_port, free_port_in

# the SMTP ports of the tests of two deletions before one run (tests/test_notice_withdrawal.py)
OWN_PORTS = range(8171, 8180)


def _rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db_rows(db, sql, params)]


def _signal(vix: Any, region: Region, who: str, now: str | None = None) -> int:
    made = vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, "--json", als=who, now=now)
    return int(as_json(made)["signal_id"])


def _deliver_all(
    vix: Any, region: Region, vix_env: Path, now: str, port: int | None = None
) -> Server:
    """`vix berichten verstuur` at `now` to a server of its own (on `port`, else any free
    one), which delivers every message; the server, stopped, with what it received."""
    server = Server(vix_env, free_port() if port is None else port).start()
    try:
        configure(vix, region, server.port)
        ok(vix("berichten", "verstuur", als=region.coordinator, now=now))
    finally:
        server.stop()
    return server


class StallingMailbox(Mailbox):
    """Holds the DATA of the first message until released, then answers `first_reply`;
    every later message is taken as a normal mailbox does."""

    def __init__(self, db: Path, first_reply: str) -> None:
        super().__init__(db)
        self.first_reply = first_reply
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.seen = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.seen += 1
        if self.seen == 1:
            self.stalled.set()
            await asyncio.to_thread(self.release.wait, 60)
            return self.first_reply
        return await super().handle_DATA(server, session, envelope)


def _withdraw_during_first_delivery(
    vix: Any, region: Region, vix_env: Path, reply: str, withdraw: Any, port: int | None = None
) -> tuple[Server, str]:
    """Run `berichten verstuur` in a process; while the server holds the first notice,
    call `withdraw()`; then the server answers `reply`. Returns the server (stopped) and
    the run's stderr. `port`: the server's, else any free one."""
    server = Server(vix_env, free_port() if port is None else port)
    server.mailbox = server.controller.handler = StallingMailbox(vix_env, reply)
    server.start()
    try:
        configure(vix, region, server.port)
        proc = start_vix("berichten", "verstuur", als=region.coordinator)
        try:
            assert server.mailbox.stalled.wait(60), "the first notice never reached DATA"
            withdraw()
            server.mailbox.release.set()
            _, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
    finally:
        server.stop()
    return server, err


def test_a_notice_in_flight_when_its_match_is_erased_is_withdrawn_if_delivery_fails(
    vix, region: Region, vix_env: Path
) -> None:
    """The school's notice of the new match names the JGZ doctor. While the server holds
    it, the doctor withdraws her signal as unjustified: the match never was. The server
    then answers 451. The notice does not go back in the queue, and the school hears
    nothing of the match: not who was in it, nor that it ended (rule 15)."""
    _signal(vix, region, region.school)
    jgz = _signal(vix, region, region.jgz)
    [first, _] = db_rows(vix_env, "SELECT id, recipient_email FROM outbox ORDER BY id")
    assert first["recipient_email"] == region.school

    def withdraw() -> None:
        ok(vix("intrekken", str(jgz), "--reden", "onterecht", als=region.jgz))
        # being sent: it may have arrived, so it counts as sent for now
        assert _rows(vix_env, "SELECT status FROM outbox WHERE id = ?", (first["id"],)) == [
            ("sending",)
        ]
        assert _rows(vix_env, "SELECT kind, recipient_email FROM outbox WHERE id > ?", (2,)) == [
            ("match_beeindigd", region.school)
        ]

    _, err = _withdraw_during_first_delivery(
        vix, region, vix_env, "451 4.3.0 Probeer het later", withdraw
    )
    assert "1 bericht niet afgeleverd en ingetrokken" in " ".join(err.split())
    # neither the notice naming the doctor nor the end notice is left to send
    assert _rows(vix_env, "SELECT id FROM outbox") == []
    withdrawn = db_rows(
        vix_env,
        "SELECT entity_id, actor_id, detail FROM audit_log WHERE action = 'withdraw'"
        " ORDER BY entity_id",
    )
    assert [r["entity_id"] for r in withdrawn] == [1, 2, 3]
    assert all(f'"signaal": {jgz}' in r["detail"] for r in withdrawn)

    later = _deliver_all(vix, region, vix_env, "2026-11-23T11:00:00")
    assert later.mailbox.messages == []


def test_a_notice_in_flight_that_arrives_stays_sent_and_the_end_follows(
    vix, region: Region, vix_env: Path
) -> None:
    """The same race, but the server accepts the notice: the school knew of the match, so
    it hears that the match ended, as after any other ending."""
    _signal(vix, region, region.school)
    jgz = _signal(vix, region, region.jgz)

    def withdraw() -> None:
        ok(vix("intrekken", str(jgz), "--reden", "onterecht", als=region.jgz))

    _withdraw_during_first_delivery(vix, region, vix_env, "250 OK", withdraw)
    assert _rows(vix_env, "SELECT id, kind, status, withdraw_if_unsent FROM outbox") == [
        (1, "match_nieuw", "sent", None),
        (3, "match_beeindigd", "sent", None),
    ]


def test_a_stale_claim_marked_by_a_withdrawal_is_withdrawn_not_sent_again(
    vix, region: Region, smtp: Server, vix_env: Path
) -> None:
    """A run crashed while sending the school's notice naming the doctor; then the doctor
    withdrew her signal as unjustified. Whether it arrived is unknown: the next run after
    STALE_AFTER does not send it again, nor the end of a match the school may never have
    heard of."""
    _signal(vix, region, region.school)
    jgz = _signal(vix, region, region.jgz)
    conn = sqlite3.connect(vix_env)
    with conn:
        claimed_by_a_crashed_run(conn, 1, "2026-11-23T10:00:00")
    conn.close()
    ok(vix("intrekken", str(jgz), "--reden", "onterecht", als=region.jgz, now="2026-11-23T10:01"))
    assert _rows(vix_env, "SELECT id, status FROM outbox ORDER BY id") == [
        (1, "sending"),
        (3, "queued"),
    ]
    run = ok(vix("berichten", "verstuur", als=region.coordinator, now="2026-11-23T10:30"))
    assert smtp.mailbox.messages == []
    assert _rows(vix_env, "SELECT id FROM outbox") == []
    assert "1 bericht niet afgeleverd en ingetrokken" in " ".join(run.stderr.split())


class LockingMailbox(Mailbox):
    """Accepts every message; on the first, another connection takes the write lock and
    holds it for `hold` seconds (an import, an upgrade) before the 250 goes out."""

    def __init__(self, db: Path, hold: float) -> None:
        super().__init__(db)
        self.hold = hold
        self.holder: threading.Thread | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.holder is None:
            held = threading.Event()

            def hold() -> None:
                conn = sqlite3.connect(self.db, isolation_level=None)
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    held.set()
                    time.sleep(self.hold)
                    conn.execute("ROLLBACK")
                finally:
                    conn.close()

            self.holder = threading.Thread(target=hold)
            self.holder.start()
            held.wait(10)
        return reply


def test_a_delivery_the_server_accepted_waits_for_the_lock_to_record_it(
    vix, region: Region, vix_env: Path, monkeypatch: Any
) -> None:
    """Another command holds the write lock past what a command waits for it
    (VIX_WACHTTIJD, here 2 s) right after the server accepted a notice. The run waits to
    record it as sent (up to RECORD_PATIENCE) instead of failing with 'De database is
    bezet' and leaving it 'sending', to go again after STALE_AFTER."""
    _signal(vix, region, region.school)
    _signal(vix, region, region.jgz)
    monkeypatch.setenv("VIX_WACHTTIJD", "2")
    server = Server(vix_env, free_port())
    server.mailbox = server.controller.handler = LockingMailbox(vix_env, 5)
    server.start()
    try:
        configure(vix, region, server.port)
        run = vix("berichten", "verstuur", als=region.coordinator)
        assert server.mailbox.holder is not None
        server.mailbox.holder.join()
    finally:
        server.stop()
    assert (run.exit_code, run.stdout.strip()) == (
        0,
        "verstuurd 2, opnieuw in wachtrij 0, mislukt 0",
    ), run.stderr
    assert _rows(vix_env, "SELECT status FROM outbox ORDER BY id") == [("sent",), ("sent",)]
    assert len(server.mailbox.messages) == 2
    # a later run, after STALE_AFTER, has nothing left to send again
    later = _deliver_all(vix, region, vix_env, "2026-11-23T11:00:00")
    assert later.mailbox.messages == []


def test_a_member_whose_notice_in_flight_failed_hears_what_is_left_of_the_match(
    vix, region: Region, vix_env: Path
) -> None:
    """School, JGZ and youth care are in the match; while the server holds the school's
    notice that names all three, youth care withdraws as unjustified. The 451 withdraws
    it; the school gets one new-match notice that names the doctor alone."""
    _signal(vix, region, region.school)
    _signal(vix, region, region.jgz)
    care = _signal(vix, region, region.care)

    def withdraw() -> None:
        ok(vix("intrekken", str(care), "--reden", "onterecht", als=region.care))

    server, _ = _withdraw_during_first_delivery(
        vix, region, vix_env, "451 4.3.0 Probeer het later", withdraw
    )
    to_school = [m for m in server.mailbox.messages if region.school in str(m["To"])]
    assert len(to_school) == 1
    body = to_school[0].get_payload(decode=True).decode()
    assert "Karin Arts" in body and "Hans Hulp" not in body
    assert all("Hans Hulp" not in m.get_payload(decode=True).decode() for m in to_school)
    assert _rows(vix_env, "SELECT status, COUNT(*) FROM outbox GROUP BY status") == [
        ("sent", len(server.mailbox.messages))
    ]


def test_a_notice_in_flight_when_its_youth_is_erased_is_counted_as_taken_back(
    vix, region: Region, vix_env: Path
) -> None:
    """An erasure (`vix jeugdige wis`) forgets every notice naming the youth, also the
    one being sent. When the server then answers 451, the run has nothing to put back:
    it says the notice was taken back, not that it waits in the queue."""
    _signal(vix, region, region.school)
    _signal(vix, region, region.jgz)

    def erase() -> None:
        ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator))
        assert _rows(vix_env, "SELECT kind FROM outbox ORDER BY id") == [
            ("signaal_gewist",),
            ("signaal_gewist",),
        ]

    _, err = _withdraw_during_first_delivery(
        vix, region, vix_env, "451 4.3.0 Probeer het later", erase
    )
    said = " ".join(err.split())
    assert "1 bericht niet afgeleverd en ingetrokken" in said
    assert "Niet afgeleverd: bericht" not in said and "opnieuw in wachtrij" not in said
    # the two erasure notices went; nothing else is left, nothing waits again
    assert _rows(vix_env, "SELECT kind, status FROM outbox ORDER BY id") == [
        ("signaal_gewist", "sent"),
        ("signaal_gewist", "sent"),
    ]


def test_a_second_run_holds_the_end_notice_kept_for_a_notice_in_flight(
    vix, region: Region, vix_env: Path
) -> None:
    """While the server holds the school's notice naming the doctor, the doctor withdraws
    as unjustified: the end notice to the school is kept only in case that notice arrives.
    A second run (cron, every few minutes) must not send it before the first knows: the
    451 then withdraws both, and the school never hears of a match it did not know of."""
    _signal(vix, region, region.school)
    jgz = _signal(vix, region, region.jgz)
    second: list[tuple[str, str]] = []

    def withdraw_and_run_again() -> None:
        ok(vix("intrekken", str(jgz), "--reden", "onterecht", als=region.jgz))
        assert _rows(vix_env, "SELECT kind, status FROM outbox ORDER BY id") == [
            ("match_nieuw", "sending"),
            ("match_beeindigd", "queued"),
        ]
        run = start_vix("berichten", "verstuur", als=region.coordinator)
        second.append(run.communicate(timeout=60))
        assert _rows(vix_env, "SELECT kind, status FROM outbox ORDER BY id") == [
            ("match_nieuw", "sending"),
            ("match_beeindigd", "queued"),
        ]

    server, _ = _withdraw_during_first_delivery(
        vix, region, vix_env, "451 4.3.0 Probeer het later", withdraw_and_run_again
    )
    [(out, err)] = second
    assert "verstuurd" not in out
    assert (
        "1 bericht is nog in handen van een andere verzendronde, of van een die stopte"
        in " ".join(err.split())
    )
    assert server.mailbox.messages == []
    assert _rows(vix_env, "SELECT id FROM outbox") == []


def test_a_second_run_holds_a_change_notice_that_names_who_left(
    vix, region: Region, vix_env: Path, monkeypatch: Any
) -> None:
    """School and youth care were told of their match. The JGZ doctor joins: each gets a
    change notice naming her. While the server holds the first of them, she withdraws as
    unjustified; a second run must not send the school or youth care a notice saying
    'Karin Arts' left before the first run knows whether they heard she came. The 451
    withdraws it, and nobody ever reads her name."""

    _signal(vix, region, region.school, "2026-11-23T08:00:00")
    _signal(vix, region, region.care, "2026-11-23T08:01:00")
    _deliver_all(vix, region, vix_env, "2026-11-23T08:02:00")
    jgz = _signal(vix, region, region.jgz, "2026-11-23T09:00:00")
    monkeypatch.setenv("VIX_NU", "2026-11-23T09:30:00")
    second: list[tuple[str, str]] = []

    def withdraw_and_run_again() -> None:
        ok(vix("intrekken", str(jgz), "--reden", "onterecht", als=region.jgz))
        run = start_vix("berichten", "verstuur", als=region.coordinator)
        second.append(run.communicate(timeout=60))

    server, _ = _withdraw_during_first_delivery(
        vix, region, vix_env, "451 4.3.0 Probeer het later", withdraw_and_run_again
    )
    bodies = [m.get_payload(decode=True).decode() for m in server.mailbox.messages]
    assert all("Karin Arts" not in body for body in bodies), bodies
    assert _rows(vix_env, "SELECT status FROM outbox WHERE status <> 'sent'") == []


def test_a_stop_while_waiting_to_record_a_marked_notice_says_it_will_be_withdrawn(
    vix, region: Region, vix_env: Path
) -> None:
    """The server accepts the school's notice naming the doctor after she withdrew as
    unjustified (marked), but another command holds the write lock. Stopped while it
    waits, the run cannot record it; a later run does not send it again but withdraws
    it as not delivered, with the end notice kept for it: the run says so, not that it
    goes again after 15 minutes."""
    _signal(vix, region, region.school)
    jgz = _signal(vix, region, region.jgz)
    holders: list[threading.Thread] = []

    def hold_the_lock() -> None:
        conn = sqlite3.connect(vix_env, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            time.sleep(16)
            conn.execute("ROLLBACK")
        finally:
            conn.close()

    server = Server(vix_env, free_port())
    server.mailbox = server.controller.handler = StallingMailbox(vix_env, "250 OK")
    server.start()
    try:
        configure(vix, region, server.port)
        proc = start_vix("berichten", "verstuur", als=region.coordinator)
        try:
            assert server.mailbox.stalled.wait(60)
            ok(vix("intrekken", str(jgz), "--reden", "onterecht", als=region.jgz))
            holders.append(threading.Thread(target=hold_the_lock))
            holders[0].start()
            time.sleep(0.5)
            server.mailbox.release.set()
            time.sleep(12)  # well into the wait to record it
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
            for holder in holders:
                holder.join()
    finally:
        server.stop()
    said = " ".join(err.split())
    assert proc.returncode == 143, err
    assert "Bericht 1 had de mailserver al aangenomen" in said
    assert "stuurt het niet opnieuw maar trekt het in" in said
    assert "stuurt het nog eens" not in said
    assert _rows(vix_env, "SELECT id, status FROM outbox ORDER BY id") == [
        (1, "sending"),
        (3, "queued"),
    ]


def test_a_notice_in_flight_marked_twice_is_audited_for_each_withdrawal(
    vix, region: Region, vix_env: Path
) -> None:
    """While the server holds the school's notice naming the doctor and the care worker,
    both withdraw their signals as unjustified. The 451 withdraws it; the audit names
    both signals (rule 18), not only the first."""
    _signal(vix, region, region.school)
    jgz = _signal(vix, region, region.jgz)
    care = _signal(vix, region, region.care)

    def withdraw_both() -> None:
        ok(vix("intrekken", str(jgz), "--reden", "onterecht", als=region.jgz))
        ok(vix("intrekken", str(care), "--reden", "onterecht", als=region.care))

    _withdraw_during_first_delivery(
        vix, region, vix_env, "451 4.3.0 Probeer het later", withdraw_both
    )
    details = [
        json.loads(r["detail"])
        for r in db_rows(
            vix_env,
            "SELECT detail FROM audit_log WHERE action = 'withdraw' AND entity_id = 1 ORDER BY id",
        )
    ]
    assert [d["signaal"] for d in details] == [jgz, care]


def test_a_member_whose_notice_in_flight_failed_still_hears_who_left_before(
    vix, region: Region, vix_env: Path, monkeypatch: Any
) -> None:
    """School, JGZ and youth care were told of their match. The other school joins; the
    school withdraws as unjustified, and the change notices that say so stay (JGZ and
    youth care had its name). While the server holds JGZ's notice that names the other
    school, that one withdraws as unjustified too. The 451 takes the notice back, with
    the change kept in case it arrived; what JGZ hears instead still says that Ineke Bos
    left, and names nobody it never heard of."""

    school = _signal(vix, region, region.school, "2026-11-23T08:00:00")
    _signal(vix, region, region.jgz, "2026-11-23T08:01:00")
    _signal(vix, region, region.care, "2026-11-23T08:02:00")
    _deliver_all(vix, region, vix_env, "2026-11-23T08:03:00", free_port_in(OWN_PORTS))
    other = _signal(vix, region, region.school2, "2026-11-23T09:00:00")
    ok(
        vix(
            "intrekken",
            str(school),
            "--reden",
            "onterecht",
            als=region.school,
            now="2026-11-23T09:10:00",
        )
    )
    # the first unsent notice is JGZ's that names the other school
    [(kind, email)] = _rows(
        vix_env,
        "SELECT o.kind, p.email FROM outbox o JOIN professionals p ON p.id = o.recipient_id"
        " WHERE o.status = 'queued' ORDER BY o.id LIMIT 1",
    )
    assert (kind, email) == ("match_gewijzigd", region.jgz)
    monkeypatch.setenv("VIX_NU", "2026-11-23T09:30:00")

    def withdraw() -> None:
        ok(vix("intrekken", str(other), "--reden", "onterecht", als=region.school2))

    server, err = _withdraw_during_first_delivery(
        vix, region, vix_env, "451 4.3.0 Probeer het later", withdraw, free_port_in(OWN_PORTS)
    )
    assert "1 bericht niet afgeleverd en ingetrokken" in " ".join(err.split())
    bodies = {
        email: [
            m.get_payload(decode=True).decode() for m in server.mailbox.messages if email in m["To"]
        ]
        for email in (region.jgz, region.care, region.school, region.school2)
    }
    for email in (region.jgz, region.care):
        [body] = bodies[email]
        assert "Niet meer betrokken: Ineke Bos." in body and "Nieuw betrokken" not in body
        assert "Erik Esdoorn" not in body
    assert bodies[region.school] == bodies[region.school2] == []
    assert _rows(vix_env, "SELECT status, COUNT(*) FROM outbox GROUP BY status") == [
        ("sent", 5 + len(server.mailbox.messages))
    ]


class SlowMailbox(Mailbox):
    """Takes a second over each message, and notes which connection (run) brought it."""

    def __init__(self, db: Path) -> None:
        super().__init__(db)
        self.peers: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(1)
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


def test_two_mail_runs_at_once_send_each_notice_once(
    vix: Any, region: Region, vix_env: Path
) -> None:
    """The README's crontab starts a run every 10 minutes and lets each wait up to 15
    minutes for the database: two runs can overlap. Each claims a notice in its own
    short transaction and leaves one another run claimed alone, so together they send
    every notice once."""
    for who in (region.school, region.jgz, region.care):
        _signal(vix, region, who)
    queued = _rows(vix_env, "SELECT id FROM outbox WHERE status = 'queued'")
    assert len(queued) >= 4
    server = Server(vix_env, free_port())
    server.mailbox = server.controller.handler = SlowMailbox(vix_env)
    server.start()
    try:
        configure(vix, region, server.port)
        runs = [start_vix("berichten", "verstuur", als=region.coordinator) for _ in range(2)]
        for run in runs:
            _, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
    finally:
        server.stop()
    ids = [m["Message-ID"] for m in server.mailbox.messages]
    assert len(ids) == len(queued) == len(set(ids))  # each once
    assert len(set(server.mailbox.peers)) == 2  # both runs sent some: they overlapped
    assert _rows(vix_env, "SELECT DISTINCT status FROM outbox") == [("sent",)]


def test_a_claim_is_the_claiming_run_s_as_long_as_it_may_still_record_it(
    vix, region: Region, vix_env: Path, monkeypatch: Any
) -> None:
    """The README's crontab lets a run wait 900 s for the write lock, and recording a
    250 waits as long; with `smtp_time_out` 120 the server may take up to 10 x 120 s
    over a message first. A run that claimed a message at 10:00 may so still record
    it at 10:34: a run at 10:20 must leave it alone (before, any claim older than 15
    minutes went again), one after the deadline sends it again."""
    monkeypatch.setenv("VIX_WACHTTIJD", "900")
    returncode, _, _ = stopped_while_the_server_hangs(vix, region, vix_env, signal.SIGKILL)
    assert returncode == -signal.SIGKILL
    # claimed at 10:00 Dutch time (09:00 UTC): 10 x 120 s talking, 900 s recording
    assert _rows(vix_env, "SELECT id, status, claimed_until FROM outbox ORDER BY id") == [
        (1, "sent", "2026-11-23T09:35:00+00:00"),
        (2, "sending", "2026-11-23T09:35:00+00:00"),
    ]
    assert _deliver_all(vix, region, vix_env, "2026-11-23T10:20:00").mailbox.messages == []
    assert _rows(vix_env, "SELECT status FROM outbox WHERE id = 2") == [("sending",)]
    again = _deliver_all(vix, region, vix_env, "2026-11-23T10:35:00")
    sent = _rows(vix_env, "SELECT message_id FROM outbox WHERE id = 2 AND status = 'sent'")
    assert [(m["Message-ID"],) for m in again.mailbox.messages] == sent


def test_a_database_fault_after_a_message_went_says_what_was_sent(
    vix, region: Region, vix_env: Path
) -> None:
    """A run commits each message as it goes: a database fault on the second (here a
    trigger that refuses its claim, as a damaged page or a full disk would) was told with
    the command's "er is niets opgeslagen" while the first had gone and was recorded."""
    _signal(vix, region, region.school)
    _signal(vix, region, region.jgz)
    with sqlite3.connect(vix_env) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_the_second BEFORE UPDATE OF status ON outbox"
            " WHEN NEW.id = 2 AND NEW.status = 'sending'"
            " BEGIN SELECT RAISE(ABORT, 'schijf stuk'); END"
        )
    server = Server(vix_env, free_port())
    server.start()
    try:
        configure(vix, region, server.port)
        run = vix("berichten", "verstuur", als=region.coordinator)
    finally:
        server.stop()
    told = " ".join(run.stderr.split())
    assert run.exit_code == 1 and "niets opgeslagen" not in told, told
    assert "; 1 bericht verstuurd, de andere staan nog in de wachtrij." in told
    assert _rows(vix_env, "SELECT status FROM outbox ORDER BY id") == [("sent",), ("queued",)]
    assert len(server.mailbox.messages) == 1
