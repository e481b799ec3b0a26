"""Delivering the outbox over SMTP: at least once, and never twice once accepted.

Notices are written to `outbox` in the transaction of the change that causes
them (notices.py, followup.py). `deliver()` sends them one by one:

1. **Claim** (short transaction, committed): the row goes from `queued` to
   `sending`, `attempts + 1`, `last_attempt_at = now`.
2. **Send** with no transaction open: the SMTP conversation can take seconds
   per message (or the full time-out when the server hangs), and holding the
   SQLite write lock that long would stall every other vix command and the
   cron jobs waiting for it (`db.LockWait`). So the lock is held only for the claim
   and for the result, never across the network.
3. **Record** (short transaction): `sent` right after the server's 250 reply
   to DATA; a transient failure (connection refused or dropped, time-out,
   4xx) puts the row back to `queued` with `last_error`, unless a withdrawal
   marked it while it was being sent: then it is withdrawn
   (`notices.withdraw_undelivered`); a permanent refusal of
   this message (5xx to RCPT or DATA) marks it `failed`, shown by
   `vix berichten` and never retried.

Crash window, stated honestly: if the process dies after the server accepted
a message and before step 3 commits, the row stays `sending`. That is one local
SQLite commit, microseconds after the 250, unless another command holds the
write lock: then recording waits up to RECORD_PATIENCE (an import, an upgrade),
and Ctrl-C in that wait (after one last short try, `_recorded_at_last`), or a
lock held even longer (the run stops, claiming nothing more), leaves the row
`sending` too; so does a stop while the server has a message and the lock is
held (`_release` tries once, briefly, to put it back). A later run treats a `sending` row
whose claim is past its deadline (`claimed_until`) as unsure and sends it again, with
the same Message-ID header, so a receiving system that deduplicates on
Message-ID shows it once. That is the at-least-once side: a crash never loses
a notice. One exception: an escalation notice that became moot while it was claimed (the
match ended, or the manager's organisation left it) is withdrawn instead, as the change
would have withdrawn it had it still been queued (`followup.moot_escalation`); so is a
queued or claimed one about signals past their planned removal that no `vix onderhoud`
ended yet (rule 15), and so is one that a withdrawal marked while it was being sent
(`notices.withdraw_undelivered`). A row accepted and recorded as `sent` is never sent
again. A `sending` row before its deadline belongs to a run that may still be talking to
the server or waiting to record the outcome, and is left alone: the claiming run sets
the deadline to the longest it can take with both (`claim_hold`: every exchange up to
the configured time-out, then its wait to record), never less than STALE_AFTER.

Errors that are about the connection or the account rather than one message
(server down, TLS, login refused, sender refused) leave the message queued
and stop the run: the next messages would fail the same way, and counting an
attempt against each of them would be noise. So does a 421 (the server closes the
connection), to RCPT or DATA too. Each is told in Dutch with what to do (`_short`),
the server's reply quoted as it was.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import re
import smtplib
import socket
import sqlite3
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from . import settings
from .db import LOCAL_TIME, DatabaseBusy, LockWait, Store
from .errors import Interrupted, InvalidInput, PartlyStored, VixError
from .followup import EXPIRED, moot_escalation
from .notices import KEPT_FOR_FLIGHT_SQL, NOTICE_LABELS, withdraw_notices, withdraw_undelivered
from .people import ROLE_NAMES, Professional
from .render import dutch_date
from .text import counted, visible

# the least time a claim is the claiming run's own: a 'sending' row older than its
# claim's deadline (`outbox.claimed_until`) is unsure and goes again; claims from before
# migration 0025 have this deadline after their last attempt
STALE_AFTER = timedelta(minutes=15)
# how long recording a delivery's outcome waits for the write lock before the run gives
# up: far past what any other command waits (`db.LOCK_WAIT_S`, unless VIX_WACHTTIJD asks
# for longer), and past what the longest writers hold it (an import of a million rows,
# ~20 s; an upgrade, ~30 s). A message the server accepted and vix could not record stays
# 'sending' and goes again once its claim is stale.
RECORD_PATIENCE = timedelta(minutes=10)
# the exchanges with the server one message may take, each of which may wait the
# configured time-out (`smtp_time_out`): connecting and its greeting, EHLO, STARTTLS,
# EHLO again, AUTH (two), MAIL, RCPT, DATA and the end of the data
SMTP_EXCHANGES = 10
# after a stop, the last try to record a message the server accepted waits no longer
_LAST_TRY = LockWait(1)


def _record_patience(store: Store) -> LockWait:
    """How long recording a delivery waits for the write lock: RECORD_PATIENCE, or the
    command's own wait (VIX_WACHTTIJD) when that is longer."""
    own = store.lock_wait
    return LockWait(max(int(RECORD_PATIENCE.total_seconds()), own.seconds), own.waiting)


def claim_hold(store: Store, config: SmtpConfig) -> timedelta:
    """How long a claim stays this run's own: the longest the run can still be busy
    with the message, talking to the server (every exchange up to its time-out) and
    then waiting to record the outcome; never less than STALE_AFTER.

    Written into the row as its deadline (`claimed_until`), so another run, whatever
    its own time-out or VIX_WACHTTIJD, leaves the message alone while this run may
    still record it as sent: before, a run that waited 15 minutes for a lock to
    record a 250 could find the message sent again by a run that came after it."""
    talking = timedelta(seconds=SMTP_EXCHANGES * config.timeout)
    recording = timedelta(seconds=_record_patience(store).seconds)
    return max(STALE_AFTER, talking + recording)


def _utc(now: datetime, later: timedelta = timedelta(0)) -> str:
    """`later` after `now` (Dutch local time), in UTC. A claim's deadline is kept in
    UTC, unlike every other stored time: Dutch local time repeats an hour when summer
    time ends, and a deadline in that hour, compared on the wall clock, could make a
    claim stale an hour early and its message go twice."""
    real = now.replace(tzinfo=LOCAL_TIME).astimezone(UTC) + later
    return real.isoformat(timespec="seconds")


def _stale_before(now: datetime) -> str:
    """The last attempt before which a claim without a deadline (an older vix's) is
    stale: STALE_AFTER of real time before `now`, in Dutch local time as stored (counted
    on the wall clock, a claim at 01:55 would look stale at 03:01 on the last Sunday of
    March)."""
    real = now.replace(tzinfo=LOCAL_TIME).astimezone(UTC) - STALE_AFTER
    return real.astimezone(LOCAL_TIME).replace(tzinfo=None).isoformat(timespec="seconds")


def _stale_params(now: datetime) -> tuple[str, str]:
    """The two parameters of `_STALE_SQL` and `_FRESH_SQL` at `now`."""
    return _utc(now), _stale_before(now)


def _deadline_said(claimed_until: str | None, now: datetime) -> str:
    """When a claim is stale, as a user reads it: "na 10:47", or "na 08-12-2026 10:47"
    on another day (Dutch local time); for a row erased meanwhile, the least hold."""
    if claimed_until is None:
        return f"na {int(STALE_AFTER.total_seconds() // 60)} minuten"
    local = datetime.fromisoformat(claimed_until).astimezone(LOCAL_TIME).replace(tzinfo=None)
    day = "" if local.date() == now.date() else f"{dutch_date(local.date())} "
    return f"na {day}{local:%H:%M}"


DEFAULT_PORTS = {"geen": 25, "starttls": 587, "ssl": 465}
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # geen | starttls | ssl
    user: str | None
    password: str | None = field(repr=False)
    sender: str
    timeout: int
    ca_file: str | None = None


def config_of(store: Store, by: Professional, env: Mapping[str, str]) -> SmtpConfig | None:
    """The region's SMTP settings plus the password from the environment; None when no
    notice waits to be sent.

    `vix berichten verstuur` runs from cron every few minutes: a region that has
    not set up its mail server yet, with nothing to send, must not get an error
    mail each time. Each setting is read as `vix instelling zet` takes it
    (`_setting`), before the run claims a notice.
    """
    by.require("admin", "coordinator")
    if store.scalar("SELECT 1 FROM outbox WHERE status IN ('queued', 'sending') LIMIT 1") is None:
        return None
    host = _setting(store, "smtp_host")
    sender = _setting(store, "smtp_afzender")
    if not host or not sender:
        raise InvalidInput(
            "De mailserver is niet ingesteld. Zet 'smtp_host' en 'smtp_afzender' met "
            "'vix instelling zet' (zie 'vix instelling lijst')."
        )
    security = _setting(store, "smtp_beveiliging")
    user = _setting(store, "smtp_gebruiker")
    port = _setting(store, "smtp_poort")
    timeout = _setting(store, "smtp_time_out")
    password = env.get(settings.PASSWORD_ENV) or None
    if user and password is None:
        raise InvalidInput(
            f"Voor gebruiker {user} van de mailserver is een wachtwoord nodig: zet het in de "
            f"omgevingsvariabele {settings.PASSWORD_ENV}."
        )
    if user and security == "geen" and host not in LOOPBACK:
        raise InvalidInput(
            "Een wachtwoord gaat niet onversleuteld over het netwerk: zet "
            "'smtp_beveiliging' op starttls of ssl."
        )
    ca_file = settings.get(store, "smtp_ca_bestand")
    if ca_file and not os.path.isfile(ca_file):
        raise InvalidInput(
            f"Het certificaatbestand {ca_file} (instelling 'smtp_ca_bestand') bestaat niet."
        )
    return SmtpConfig(
        host=host,
        port=port or DEFAULT_PORTS[security],
        security=security,
        user=user,
        password=password,
        sender=sender,
        timeout=timeout,
        ca_file=ca_file,
    )


# the settings `_setting` reads, with what `vix instelling zet` takes for each in its
# refusal; smtp_ca_bestand has its own check (does the file exist, `config_of`)
_SETTING_VALUES = {
    "smtp_host": "HOST",
    "smtp_poort": "POORT",
    "smtp_beveiliging": "starttls",
    "smtp_gebruiker": "NAAM",
    "smtp_afzender": "ADRES",
    "smtp_time_out": "SECONDEN",
}


def _setting(store: Store, key: str) -> Any:
    """A mail setting as `vix instelling zet` takes it (`settings.KNOWN`), or a refusal
    that names the setting and the command that puts it right.

    An older vix, or a change to the database outside vix, could store what the
    rules refuse now: an smtp_afzender with a line break made Python's email refuse
    the first message after the run had claimed it, which was left 'sending' while
    vix said "Onverwachte fout; er is niets opgeslagen"; an smtp_beveiliging of "tls"
    sent without encryption. Read through its rule, a value that passes is used as
    the rule makes it (without a space or line break around it, "none" as "geen").
    """
    value = settings.get(store, key)
    if value is None:
        return None
    try:
        return settings.KNOWN[key].parse(str(value))
    except InvalidInput as refusal:
        raise InvalidInput(
            f"De opgeslagen instelling {key} is ongeldig. {refusal.message.rstrip('.')}. Een "
            "oudere versie van vix of een wijziging buiten vix om kan die waarde hebben "
            "opgeslagen; er is niets verstuurd. Zet de juiste waarde met 'vix instelling zet "
            f"{key} {_SETTING_VALUES[key]}'."
        ) from None


# -- the queue as users see it ----------------------------------------------------------

# Rule 16: the two roles that run the mail see what each needs of it, and no more.
# The coordinator follows the process: which notice, about which match, to which
# organisation (or process role), and whether it arrived. The administrator fixes
# deliveries: to whom it went and why it failed, but not about which match. Neither
# listing holds a professional next to a match number, so neither can be joined into
# a list of who is in which match. Never the body.


@dataclass(frozen=True)
class OutboxItem:
    """One notice as `vix berichten` shows it; a field withheld from the role is None."""

    id: int
    created_at: str
    kind: str
    about: str  # what the notice is about, in Dutch (NOTICE_LABELS)
    status: str
    attempts: int
    last_error: str | None
    last_attempt_at: str | None
    sent_at: str | None
    match_id: int | None  # coordinator only
    organisation: str | None  # coordinator only: the recipient's organisation, or role
    recipient_name: str | None  # administrator only
    recipient_email: str | None  # administrator only

    @property
    def to(self) -> str:
        """To whom, as far as the role that listed it sees: the name and address to the
        administrator, the match and the organisation (or role) to a coordinator."""
        if self.recipient_email is not None:
            return f"{self.recipient_name} <{self.recipient_email}>"
        match = "" if self.match_id is None else f"match {self.match_id}, "
        return f"{match}{self.organisation}"


@dataclass
class Outbox:
    counts: dict[str, int]
    items: list[OutboxItem]


# what list_outbox and _claim_next read of a notice's recipient: his or her
# organisation's name and role (none for the alderman, who has no professional), for
# `_side` with o.recipient_id; selected FROM _OUTBOX_SQL, the one join of the two
_RECIPIENT_SQL = "org.name AS org_name, p.role AS recipient_role"
_OUTBOX_SQL = (
    " FROM outbox o LEFT JOIN professionals p ON p.id = o.recipient_id"
    " LEFT JOIN organisations org ON org.id = p.organisation_id"
)
# whether the recipient still works here, as Professional.reachable says (an
# alderman's address has no professional); with _OUTBOX_SQL
_REACHABLE_SQL = (
    "(o.recipient_id IS NULL OR (p.active = 1 AND COALESCE(org.active, 1) = 1)) AS reachable"
)


def _side(row: Any) -> str:
    """The recipient's side, as a coordinator sees it: the organisation, else the role that
    receives notices without one (a coordinator, a regievoerder added without one; the
    alderman has no professional)."""
    if row["recipient_id"] is None:
        return "wethouder Jeugd"
    if row["org_name"] is not None:
        return str(row["org_name"])
    return ROLE_NAMES[row["recipient_role"]]


_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


def for_process(text: str | None) -> str | None:
    """A server's reply without the addresses it may quote ("550 <x@y.nl> unknown")."""
    return None if text is None else _ADDRESS.sub("<adres>", text)


def _shown(r: Any, by: Professional) -> OutboxItem:
    """An outbox row (with `_RECIPIENT_SQL`) as `by` may see it (see above): the one place
    that decides, for the listing and for a run's failures alike."""
    admin = by.role == "admin"
    return OutboxItem(
        id=r["id"],
        created_at=r["created_at"],
        kind=r["kind"],
        about=NOTICE_LABELS.get(r["kind"], r["kind"]),
        status=r["status"],
        attempts=r["attempts"],
        last_error=r["last_error"] if admin else for_process(r["last_error"]),
        last_attempt_at=r["last_attempt_at"],
        sent_at=r["sent_at"],
        match_id=None if admin else r["match_id"],
        organisation=None if admin else _side(r),
        recipient_name=r["recipient_name"] if admin else None,
        recipient_email=r["recipient_email"] if admin else None,
    )


def list_outbox(store: Store, by: Professional, *, include_sent: bool = False) -> Outbox:
    """Queue and state for administrators and coordinators (no message bodies); each
    role sees the fields it needs (see above)."""
    by.require("admin", "coordinator")
    counts = {s: 0 for s in ("queued", "sending", "sent", "failed")}
    for r in store.rows("SELECT status, COUNT(*) FROM outbox GROUP BY status"):
        counts[r[0]] = r[1]
    # the unsent ones through outbox_status: `<> 'sent'` read every notice ever sent
    # (they stay, with their bodies) to show the few that are not
    where = "" if include_sent else " WHERE o.status IN ('queued', 'sending', 'failed')"
    items = [
        _shown(r, by)
        for r in store.rows(
            "SELECT o.id, o.created_at, o.kind, o.match_id, o.recipient_id, o.recipient_name,"
            " o.recipient_email, o.status, o.attempts, o.last_error, o.last_attempt_at,"
            f" o.sent_at, {_RECIPIENT_SQL}{_OUTBOX_SQL}{where} ORDER BY o.id"
        )
    ]
    store.audit(by.id, "read", "outbox", None, detail={"aantal": len(items)})
    return Outbox(counts, items)


# -- delivery -------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0  # stale 'sending' rows sent again (same Message-ID)
    requeued: int = 0  # transient failure: stays queued
    deferred: int = 0  # the same transient refusal as the last run's: queued, not told again
    failed: int = 0  # permanent refusal
    in_flight: int = 0  # 'sending' rows of a run that may still be busy
    in_flight_until: str = ""  # when the last of those goes again if not recorded ("na 10:47")
    withdrawn: int = 0  # stale 'sending' rows not sent again: moot since (`_claim_next`)
    role_changed: int = 0  # escalation notices to one who no longer has the role: withdrawn
    # escalation notices about signals past their planned removal (rule 15): withdrawn
    expired: int = 0
    # not delivered, and withdrawn since a withdrawal marked it while it was being sent
    # (`notices.withdraw_undelivered`)
    taken_back: int = 0
    stopped: str | None = None  # why the run stopped early (server down, login refused)
    errors: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class Failure:
    """A notice the server did not take (for now, or for good)."""

    # the outbox row as claimed (with `_RECIPIENT_SQL`, without subject and body), its
    # last_error the server's reply
    notice: Mapping[str, Any] = field(repr=False)

    def told_to(self, by: Professional) -> str:
        """One line for whoever ran the delivery, as `list_outbox` shows it to him or her:
        the address to the administrator, who fixes it; the match and the organisation
        to a coordinator."""
        item = _shown(self.notice, by)
        return f"bericht {item.id} ({item.to}): {item.last_error}"


class _ConnectionProblem(Exception):
    """The server or the account failed, not this one message."""


def _network_reason(error: BaseException) -> str | None:
    """Dutch for the connection problems a coordinator can act on (None: another one)."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return "het certificaat van de mailserver is niet te vertrouwen (zie smtp_ca_bestand)"
    if isinstance(error, socket.gaierror):
        return "de naam van de mailserver is onbekend (zie smtp_host)"
    if isinstance(error, UnicodeError):  # an empty label ("smtp..nl") or one over 63 chars
        return "de naam van de mailserver is geen geldige hostnaam (zie smtp_host)"
    if isinstance(error, TimeoutError):
        return "de mailserver antwoordde niet binnen de time-out (zie smtp_time_out)"
    if isinstance(error, ConnectionRefusedError):
        return "de verbinding werd geweigerd (luistert de mailserver op die poort? zie smtp_poort)"
    if isinstance(error, OSError) and error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "het netwerk of de mailserver is onbereikbaar"
    if isinstance(error, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(error):
        return (
            "de mailserver biedt geen STARTTLS aan; vix verstuurt niet onversleuteld "
            "(zie smtp_beveiliging en smtp_poort)"
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return (
            "de mailserver verbrak de verbinding of antwoordde niet als mailserver "
            "(klopt smtp_poort? zie ook smtp_beveiliging)"
        )
    return None


def _short(error: BaseException) -> str:
    """What went wrong with the connection or the account, for the outbox and stderr: in
    Dutch, with what to do, and the server's own reply quoted as it was (not translated:
    its administrator knows it by those words), or else the error's own words. Never
    the name of a Python exception class ("ConnectionRefusedError"): that says nothing
    to a coordinator, and the Dutch reason says what it meant. The server's words are
    shown as text (`visible`): an escape sequence in a reply would otherwise drive the
    terminal of whoever lists the outbox."""
    return visible(_reason(error))


def _reply(code: int, text: bytes | str) -> str:
    """A server's reply: its code and words, kept short."""
    words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {words}"[:300]


# where the account is set, for the messages about logging in
_ACCOUNT = f"smtp_gebruiker en het wachtwoord in {settings.PASSWORD_ENV}"
# who can say what the server wants of vix, when its settings cannot
_ASK = "vraag de beheerder van de mailserver"
_AGAIN = "de volgende verzendronde probeert het opnieuw"


def _refusal(error: smtplib.SMTPResponseException) -> str:
    """Dutch for a reply of the server about the connection or the account, with the
    reply itself quoted."""
    code = error.smtp_code
    said = f'(antwoord: "{_reply(code, error.smtp_error)}")'
    if code == 421:  # RFC 5321: the service is closing the channel, try later
        return f"de mailserver sluit de verbinding {said}; {_AGAIN}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"de mailserver weigert de aanmelding {said}; controleer {_ACCOUNT}"
    if isinstance(error, smtplib.SMTPConnectError):
        if 400 <= code < 500:
            return f"de mailserver neemt nu geen verbinding aan {said}; {_AGAIN}"
        return (
            f"de mailserver weigert de verbinding {said}; {_ASK} of vix vanaf deze computer "
            "mag versturen (of zie smtp_host en smtp_poort)"
        )
    if isinstance(error, smtplib.SMTPHeloError):
        return (
            f"de mailserver weigert de begroeting van vix {said}; {_ASK} of vix vanaf deze "
            "computer mag versturen"
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        if code == 530:  # RFC 4954: authentication required
            return f"de mailserver vraagt om aanmelding {said}; zet {_ACCOUNT}"
        if 400 <= code < 500:
            return f"de mailserver neemt de afzender nu niet aan {said}; {_AGAIN}"
        return (
            f"de mailserver weigert de afzender {said}; zet in smtp_afzender een adres dat "
            f"deze server van deze gebruiker aanneemt (zie ook smtp_gebruiker), of {_ASK}"
        )
    if 400 <= code < 500:  # e.g. 454 to STARTTLS: TLS not available for now
        return f"de mailserver weigert tijdelijk {said}; {_AGAIN}"
    return (
        f"de mailserver weigert {said}; {_ASK} wat er aan de instellingen van vix moet "
        "veranderen (zie 'vix instelling lijst')"
    )


def _refused_message(code: int, text: bytes | str, *, recipient: bool) -> str:
    """Dutch for a reply about one message (to RCPT, or to DATA), the reply quoted: 5xx
    is for good (`_settle`), anything else for now."""
    said = f'(antwoord: "{_reply(code, text)}")'
    if not 500 <= code < 600:
        return f"de mailserver neemt het bericht nu niet aan {said}; {_AGAIN}"
    if recipient:
        return (
            f"de mailserver weigert het adres van de ontvanger {said}; niet opnieuw "
            "geprobeerd: controleer het e-mailadres"
        )
    return f"de mailserver weigert het bericht {said}; niet opnieuw geprobeerd: {_ASK} waarom"


def _unsupported(error: smtplib.SMTPException) -> str | None:
    """Dutch for what the server does not offer and vix needs (None: something else)."""
    text = str(error)
    if isinstance(error, _NonAsciiAccount):
        return text
    if isinstance(error, smtplib.SMTPNotSupportedError) and "AUTH" in text:
        return (
            "de mailserver biedt geen aanmelding aan, maar smtp_gebruiker is gezet; "
            "verstuurt deze server zonder aanmelding, wis dan smtp_gebruiker ('vix "
            "instelling wis smtp_gebruiker'), anders staan smtp_host of smtp_poort op de "
            "verkeerde server (een server die pas na STARTTLS aanmelding biedt: zet "
            "smtp_beveiliging op starttls)"
        )
    if isinstance(error, smtplib.SMTPNotSupportedError) and "SMTPUTF8" in text:
        return (
            "de mailserver neemt geen adressen met tekens buiten ASCII aan; zet in "
            "smtp_afzender een adres zonder accenten"
        )
    if "No suitable authentication method" in text:
        return (
            "de mailserver biedt geen aanmeldmethode aan die vix kent (PLAIN, LOGIN of "
            f"CRAM-MD5); {_ASK} om een daarvan, of zie smtp_poort en smtp_beveiliging"
        )
    return None


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == -1:
        # a reply without an SMTP code: something else listens there (a web server)
        return (
            "de server op smtp_host en smtp_poort antwoordde niet als mailserver (zie smtp_poort)"
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return _refusal(error)
    if isinstance(error, smtplib.SMTPException) and (dutch := _unsupported(error)):
        return dutch
    if (dutch := _network_reason(error)) is not None:
        return dutch
    if isinstance(error, ssl.SSLError):  # not a certificate: no TLS at the other end
        return (
            "de beveiligde verbinding (TLS) met de mailserver kwam niet tot stand; past "
            "smtp_beveiliging bij smtp_poort? (ssl: meestal poort 465, starttls: 587, "
            "geen: 25)"
        )
    if isinstance(error, ConnectionError):  # reset, aborted, broken pipe
        return f"de mailserver verbrak de verbinding onverwacht; {_AGAIN}"
    # nothing vix knows to say in Dutch: the error's own words, quoted (they may be all
    # the administrator has to go on), and where to look
    words = str(error).strip().rstrip(".")
    quoted = f'"{words[:200]}"' if words else "zonder nadere uitleg"
    return (
        f"onverwachte fout in het gesprek met de mailserver ({quoted}); controleer de "
        f"instellingen met 'vix instelling lijst', of {_ASK}"
    )


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    # certificates are always verified; a region with its own CA names its file
    context = ssl.create_default_context(cafile=config.ca_file)
    conn: smtplib.SMTP
    if config.security == "ssl":
        conn = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        conn = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        _greet(conn)
        if config.security == "starttls":
            conn.starttls(context=context)
            _greet(conn)
        if config.user:
            assert config.password is not None
            _login(conn, config.user, config.password)
    except BaseException:
        conn.close()
        raise
    return conn


def _connected(config: SmtpConfig) -> smtplib.SMTP:
    """`_connect`, its errors as a `_ConnectionProblem` in Dutch."""
    try:
        return _connect(config)
    except (smtplib.SMTPException, OSError, UnicodeError) as error:
        raise _ConnectionProblem(_short(error)) from error


def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
    """Log in. smtplib encodes the account as ASCII, and a password with '€' or 'é'
    stopped every run with an error about the host name; PLAIN (RFC 4616) carries
    UTF-8, so such an account logs in with PLAIN, which nearly every server offers."""
    if (user + password).isascii():
        conn.login(user, password)
        return
    offered = conn.esmtp_features.get("auth", "").upper().split() if conn.has_extn("auth") else []
    if "PLAIN" not in offered:
        raise _NonAsciiAccount(
            f"smtp_gebruiker of het wachtwoord in {settings.PASSWORD_ENV} bevat tekens "
            "buiten ASCII, en de mailserver biedt geen aanmelding met PLAIN (de enige die "
            f"UTF-8 draagt); kies een wachtwoord zonder accenten of €, of {_ASK} om PLAIN"
        )
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = conn.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


class _NonAsciiAccount(smtplib.SMTPException):
    """An account vix cannot log in with at this server (`_login`), said in Dutch."""


def _greet(conn: smtplib.SMTP) -> None:
    """EHLO, and HELO when the server does not know EHLO; SMTPHeloError if it refuses
    both (after a refused EHLO alone, smtplib would go on as if the server offered
    nothing, and the run would stop on "no STARTTLS" or "no login"). A 421 is the
    server closing the connection (RFC 5321): told as such (`_refusal`), not met
    again by a HELO on a closed line as "klopt smtp_poort?"."""
    code, reply = conn.ehlo()
    if code == 421:
        raise smtplib.SMTPResponseException(code, reply)
    if not 200 <= code <= 299:
        code, reply = conn.helo()
        if not 200 <= code <= 299:
            raise smtplib.SMTPHeloError(code, reply)


# how a message is written out: as Python's modern policy, but with no header folded.
# Python 3.11's folding of a header longer than a line drops the quotes around a name
# and leaves a comma or '<' of an encoded name bare (CPython gh-80222, gh-121284): "Karin
# de Wit, jeugdarts <k@elders.example>; team Zuid" came out as three addresses. Unfolded,
# the longest To header (a name of MAX_TEXT emoji, an address of 254) is 808 characters,
# under the 998 a line may have (RFC 5322); a long encoded name is one encoded-word
# longer than RFC 2047's 75, which mail clients read. The body keeps the encoding it gets
# under the default policy (`_message` switches after `set_content`).
_UNFOLDED = policy.default.clone(max_line_length=998)


def _message(row: Any, config: SmtpConfig, now: datetime) -> EmailMessage:
    """The notice as it goes out; ValueError when a header cannot be made (`deliver`).

    The recipient's name is free text (a professional's, or the alderman's): given as an
    `Address`, it is quoted or encoded as one display name, whatever it holds (letters
    outside ASCII, commas, '<', '@', quotes). `formataddr` made bare encoded-words of a
    name with such letters, which the header registry decoded and wrote back unquoted:
    "Ömer El Amrani <omer.prive@example.org>" became a second address, the one a mail
    client shows and replies to. A name that holds an encoded-word ('=?utf-8?q?...?=')
    goes without it: the header registry decodes that too and writes it back bare (a
    comma in it made two addresses), so only the address is written. The sender
    (smtp_afzender) is an address without a name (`text.email_address`); no other header
    carries a name.
    """
    msg = EmailMessage()
    msg["From"] = config.sender
    try:
        # a line break in the name is refused here (ValueError), as by formataddr before
        name = row["recipient_name"] or ""
        msg["To"] = Address(display_name="" if "=?" in name else name,
                            addr_spec=row["recipient_email"])  # fmt: skip
    except (HeaderParseError, IndexError) as error:
        # an address no parser takes, stored by hand (vix checks it: `text.email_address`)
        raise ValueError(str(error)) from None
    msg["Subject"] = row["subject"]
    msg["Date"] = format_datetime(now.replace(tzinfo=LOCAL_TIME))
    msg["Message-ID"] = row["message_id"]
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row["body"])
    msg.policy = _UNFOLDED
    return msg


def _send(conn: smtplib.SMTP, msg: EmailMessage, sender: str, to: str) -> None:
    """Send one message; raise _ConnectionProblem for errors that are not about it."""
    try:
        conn.send_message(msg, from_addr=sender, to_addrs=[to])
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()))
        if code == 421:  # the server closes the connection: not about this message
            closing = smtplib.SMTPResponseException(code, text)
            raise _ConnectionProblem(_short(closing)) from error
        raise  # about this message
    except smtplib.SMTPSenderRefused as error:
        raise _ConnectionProblem(_short(error)) from error
    except smtplib.SMTPResponseException as error:
        if error.smtp_code == 421:  # as above, after DATA
            raise _ConnectionProblem(_short(error)) from error
        raise  # DATA refused: about this message
    except (smtplib.SMTPException, OSError) as error:
        raise _ConnectionProblem(_short(error)) from error


@dataclass
class _Hand:
    """The message a run holds, known to `deliver` even when a stop held over a COMMIT
    (`errors.interrupt_held`) surfaces before the step that committed returns."""

    claimed: int | None = None  # claimed ('sending'), not sent yet: put back on a stop
    accepted: int | None = None  # accepted by the server, not recorded yet


# The next claimable row after an id, as two queries rather than one with an OR: each
# is a search in outbox_status (status, then id) that stops at the first row that
# fits, where `(queued AND ...) OR (sending AND ...)` made SQLite gather every
# remaining queued row, test each for a flight it waits on, sort them and keep one,
# for every message: a queue of 32,697 notices went out at 3 to 8 a second, for an hour
# or more, and now goes in under 4 minutes (tests/test_indexes.py checks the plans).
_CLAIM_SQL = f"SELECT o.*, {_RECIPIENT_SQL}, {_REACHABLE_SQL}{_OUTBOX_SQL}"
# a claim past its deadline (UTC, first parameter), or one an older vix made without one
# (during an upgrade, while that vix still ran) past STALE_AFTER of its last attempt
# (Dutch local time, second parameter): `_stale_params`
_STALE_SQL = "(o.claimed_until <= ? OR (o.claimed_until IS NULL AND o.last_attempt_at <= ?))"
# its opposite, for the same two parameters (NOT of the above is NULL for a row without)
_FRESH_SQL = "(o.claimed_until > ? OR (o.claimed_until IS NULL AND o.last_attempt_at > ?))"
_NEXT_QUEUED_SQL = (
    f"{_CLAIM_SQL} WHERE o.status = 'queued' AND o.id > ? AND NOT {KEPT_FOR_FLIGHT_SQL}"
    " ORDER BY o.id LIMIT 1"
)
_NEXT_STALE_SQL = (
    f"{_CLAIM_SQL} WHERE o.status = 'sending' AND o.id > ? AND {_STALE_SQL} ORDER BY o.id LIMIT 1"
)


def _claim_next(
    store: Store,
    after: int,
    report: DeliveryReport,
    hand: _Hand,
    hold: timedelta,
    clock: Callable[[], datetime],
) -> Any:
    """Claim the next queued (or stale sending) message after id `after`, committed; with
    its recipient's side (`_side`), for the run's report of a failure.

    A stale `sending` row is withdrawn instead when it has become moot since it was
    claimed (`followup.moot_escalation`: the match ended, or the manager's
    organisation left it). While it was `sending` it counted as sent, so the change
    left it alone; sent again now, it would tell of a match that ended after the
    end. If the crashed run did deliver it, nothing is lost; if not, it is withdrawn
    as it would have been had it still been queued (audited the same way). A queued
    escalation notice is withdrawn too when the signals it is about passed their
    planned removal (`followup.EXPIRED`): rule 15 ended them whether or not tonight's
    `vix onderhoud` ran, and the night run would have withdrawn it. So is a
    stale row that a withdrawal marked while it was being sent
    (`notices.withdraw_undelivered`): whether it arrived is unknown, and sent again it
    would name a signal that was deleted as if it never existed (rule 15); it is
    taken as not delivered.

    A queued notice that waits for the outcome of a marked one in flight
    (`notices.KEPT_FOR_FLIGHT_SQL`) is not claimed: sent before that outcome is
    known, an end notice could reach a member who never got the notice naming the
    members. Once the marked one is recorded as sent, it goes; if it fails, it is
    withdrawn with it (`notices.withdraw_undelivered`)."""
    stale = _stale_params(store.now)
    with store.transaction():
        while True:
            # the lower of the next queued and the next stale row: two searches in
            # outbox_status from `after` on (see _NEXT_QUEUED_SQL)
            found = [
                r
                for r in (
                    store.row(_NEXT_QUEUED_SQL, (after,)),
                    store.row(_NEXT_STALE_SQL, (after, *stale)),
                )
                if r is not None
            ]
            if not found:
                return None
            row = min(found, key=lambda r: int(r["id"]))
            # a stale claim of a match that changed since; or a queued notice to one
            # who no longer has the role it went to, or about signals past their planned
            # removal that no night run ended yet (`followup.moot_escalation`)
            reason = moot_escalation(store, row["match_id"], row["kind"], row["recipient_id"])
            if row["status"] != "sending" and reason not in ("role_changed", EXPIRED):
                reason = None
            if reason is not None:
                withdraw_notices(
                    store,
                    [row["id"]],
                    None,
                    {"reden": reason, "match": row["match_id"]},
                    stale=True,
                )
                if reason == "role_changed":
                    report.role_changed += 1
                elif reason == EXPIRED:
                    report.expired += 1
                else:
                    report.withdrawn += 1
            elif row["status"] == "sending" and withdraw_undelivered(store, row["id"]):
                report.taken_back += 1
            else:
                break
            after = row["id"]
        # before the COMMIT: a stop held over it surfaces after it, and the claim is put back
        hand.claimed = row["id"]
        # the deadline counts from the claim, not from before the wait for the write lock
        # (VIX_WACHTTIJD): a run that waited would otherwise give its claim up too early
        store.now = clock()
        store.execute(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1,"
            " last_attempt_at = ?, claimed_until = ? WHERE id = ?",
            (store.stamp, _utc(store.now, hold), row["id"]),
        )
        return row


def _record(store: Store, outbox_id: int, status: str, error: str | None) -> bool:
    """Record a delivery's outcome; returns False when a failed delivery withdrew the
    notice instead (`notices.withdraw_undelivered`: a withdrawal marked it while it was
    being sent), or the notice went with its youth meanwhile (an erasure).

    The server has answered by now, and a 250 must be recorded: otherwise the row
    stays 'sending' and goes again once its claim is stale. So a write lock held by
    another command (an import, an upgrade) is waited for up to RECORD_PATIENCE
    (or the command's own wait, VIX_WACHTTIJD, when that is longer), far past
    what a command waits otherwise, instead of failing the run with "De
    database is bezet"; Ctrl-C still stops the wait (`deliver`)."""
    return _record_now(store, outbox_id, status, error, _record_patience(store))


def _record_now(
    store: Store, outbox_id: int, status: str, error: str | None, wait: LockWait
) -> bool:
    with store.transaction(wait=wait):
        # erased with its youth while it was being sent (`notices.forget_notices`, rule 15):
        # owed to nobody any more, and nothing is left to record but that it went
        gone = store.scalar("SELECT 1 FROM outbox WHERE id = ?", (outbox_id,)) is None
        if status != "sent" and (gone or withdraw_undelivered(store, outbox_id)):
            return False
        store.execute(
            "UPDATE outbox SET status = ?, last_error = ?, withdraw_if_unsent = NULL,"
            " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE id = ?",
            (status, error, status, store.stamp, outbox_id),
        )
        if status == "sent":
            store.audit(None, "send", "notice", outbox_id)
        return True


NON_ASCII_ADDRESS = (
    "het e-mailadres heeft letters met accenten of andere tekens buiten ASCII, die een "
    "mailserver niet aanneemt; niet verstuurd"
)


RECIPIENT_LEFT = (
    "de ontvanger is niet meer actief (vertrokken, of de organisatie is gedeactiveerd); "
    "niet verstuurd"
)

UNBUILDABLE = (
    "het bericht kon niet worden opgemaakt: een kop ervan (het onderwerp, of de naam of het "
    "adres van de ontvanger) bevat een regeleinde, of het adres is ongeldig; niet verstuurd "
    "(meld het bij de functioneel beheerder)"
)


def deliver(
    store: Store, config: SmtpConfig, clock: Callable[[], datetime], *, limit: int | None = None
) -> DeliveryReport:
    """Send queued notices, one short transaction per step (see the module contract).

    The caller must not hold a transaction: this function commits as it goes. So
    an unexpected fault is told with what was sent, not as the command's "niets
    opgeslagen", and the notice in hand goes back to the queue (`_release`).
    """
    report = DeliveryReport()
    conn: smtplib.SMTP | None = None
    used = False  # whether `conn` delivered a message already
    last = 0
    hold = claim_hold(store, config)
    hand = _Hand()
    try:
        while limit is None or (
            report.sent + report.failed + report.requeued + report.deferred < limit
        ):
            store.now = clock()
            hand.claimed = None
            row = _claim_next(store, last, report, hand, hold, clock)
            if row is None:
                break
            last = row["id"]  # claimed: 'sending' until recorded below
            if row["status"] == "sending":
                report.retried += 1
            if not row["recipient_email"].isascii():
                # stored before vix refused such addresses: a server without SMTPUTF8 (most
                # of them) cannot take it, and the error would stop the run for everyone
                _settle(store, clock, report, row, 553, NON_ASCII_ADDRESS)
                continue
            if not row["reachable"]:
                # queued before he or she left: personal data only for who does the work
                _settle(store, clock, report, row, 550, RECIPIENT_LEFT)
                continue
            try:
                msg = _message(row, config, store.now)
            except ValueError:
                # a line break in a header this notice alone has (its subject, the
                # recipient's name or address), or an address no parser takes, stored by
                # an older vix or by hand: the settings were checked before the run
                # (`config_of`)
                _settle(store, clock, report, row, 554, UNBUILDABLE)
                continue
            try:
                if conn is None:
                    conn, used = _connected(config), False
                try:
                    _send(conn, msg, config.sender, row["recipient_email"])
                except _ConnectionProblem:
                    if not used:
                        raise
                    # a connection that carried messages went away meanwhile (a server
                    # drops a client that waited, for the database lock, longer than its
                    # idle time-out): once more on a new one, as a mail client does
                    conn.close()
                    conn = None
                    conn, used = _connected(config), False
                    _send(conn, msg, config.sender, row["recipient_email"])
                used = True
            except _ConnectionProblem as problem:
                store.now = clock()
                if _record(store, row["id"], "queued", str(problem)):
                    report.requeued += 1
                else:
                    report.taken_back += 1
                report.stopped = str(problem)
                if conn is not None:
                    conn.close()
                conn = None
                break
            except smtplib.SMTPRecipientsRefused as error:
                code, text = next(iter(error.recipients.values()))
                refused = _refused_message(code, text, recipient=True)
                _settle(store, clock, report, row, code, visible(refused))
            except smtplib.SMTPResponseException as error:
                code, words = error.smtp_code, error.smtp_error
                refused = _refused_message(code, words, recipient=False)
                _settle(store, clock, report, row, code, visible(refused))
            else:
                # the server has it: Ctrl-C from here on must not put it back in the queue
                hand.claimed, hand.accepted = None, row["id"]
                store.now = clock()
                _record(store, row["id"], "sent", None)
                hand.accepted = None
                report.sent += 1
        store.now = clock()
        count, until = store.row(
            "SELECT COUNT(*), MAX(o.claimed_until) FROM outbox o"
            f" WHERE o.status = 'sending' AND {_FRESH_SQL}",
            _stale_params(store.now),
        ) or (0, None)
        report.in_flight = int(count)
        if report.in_flight:
            report.in_flight_until = _deadline_said(until, store.now)
    except KeyboardInterrupt:
        # Ctrl-C, typically while a server hangs: no polite QUIT (it would wait for the
        # time-out), the message in hand goes back to the queue now instead of when its
        # claim is stale, and the message says what was sent (each one is already committed)
        if conn is not None:
            conn.close()
            conn = None
        kept = None
        if hand.claimed is not None and not _release(store, hand.claimed):
            kept = hand.claimed  # held by another process: it stays 'sending' (`_release`)
        if hand.accepted is not None and _recorded_at_last(store, hand.accepted):
            # recorded, and stopped by a signal held over the COMMIT; or recorded now, in
            # one last short try after a stop in the wait for the lock
            report.sent += 1
            hand.accepted = None
        sent = counted(report.sent, "bericht", "berichten")
        if hand.accepted is not None:
            raise Interrupted(_unrecorded(store, hand.accepted, sent)) from None
        if kept is not None:
            raise Interrupted(_not_released(store, kept, sent)) from None
        raise Interrupted(
            f"Afgebroken; {sent} verstuurd, de andere staan nog in de wachtrij. Een bericht "
            "dat de mailserver al had, kan de volgende verzendronde nog eens sturen (met dezelfde "
            "Message-ID)."
        ) from None
    except Exception as error:
        # a fault vix has no words for, with a notice claimed: back in the queue now rather
        # than 'sending' until its claim is stale, and the message says what was sent (the
        # command's "er is niets opgeslagen" is not true of a run that commits as it goes)
        if conn is not None:
            conn.close()
            conn = None
        if hand.claimed is not None:
            with contextlib.suppress(Exception):
                _release(store, hand.claimed, f"onverwachte fout ({type(error).__name__})")
        sent = counted(report.sent, "bericht", "berichten")
        if isinstance(error, VixError | sqlite3.Error | OSError):
            # the command tells these in its own words (a busy or full database), with
            # what was sent instead of its "er is niets opgeslagen"
            raise PartlyStored(f"{sent} verstuurd, de andere staan nog in de wachtrij") from error
        raise VixError(
            f"Onverwachte fout ({type(error).__name__}) tijdens het versturen; {sent} "
            "verstuurd, de andere staan nog in de wachtrij. Meld dit bij de functioneel "
            "beheerder."
        ) from None
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()
    return report


def _recorded_at_last(store: Store, outbox_id: int) -> bool:
    """Whether the message the server accepted is recorded as sent, after a stop: it was
    (a stop held over the COMMIT surfaces after it), or is now, in one best-effort try
    that waits for the write lock no longer than a second (Ctrl-C in the wait for it,
    `_record`). A row erased meanwhile has nothing left to record."""
    if store.scalar("SELECT status FROM outbox WHERE id = ?", (outbox_id,)) in (None, "sent"):
        return True
    try:
        _record_now(store, outbox_id, "sent", None, _LAST_TRY)
    except DatabaseBusy:
        return False
    return True


def _unrecorded(store: Store, outbox_id: int, sent: str) -> str:
    """Why a stopped run leaves a message the server accepted 'sending', and what comes
    of it: a run after its claim's deadline sends it again; or, marked by a withdrawal
    meanwhile (`notices.withdraw_notices`), takes it for not delivered and withdraws it,
    with what was kept in case it arrived (`notices.withdraw_undelivered`)."""
    marked, until = store.row(
        "SELECT withdraw_if_unsent IS NOT NULL, claimed_until FROM outbox WHERE id = ?",
        (outbox_id,),
    ) or (False, None)
    later = _deadline_said(until, store.now)
    said = (
        f"Afgebroken; {sent} verstuurd en vastgelegd, de andere staan nog in de wachtrij. "
        f"Bericht {outbox_id} had de mailserver al aangenomen, maar vix kon dat niet "
        "vastleggen (de database was bezet): "
    )
    if marked:
        return said + (
            f"een verzendronde {later} stuurt het niet opnieuw maar trekt het in, als "
            "niet afgeleverd, omdat een signaal waarover het ging intussen is verwijderd; "
            "wat alleen voor het geval dat het aankwam nog in de wachtrij stond, gaat dan "
            "ook niet."
        )
    return said + f"een verzendronde {later} stuurt het nog eens (met dezelfde Message-ID)."


def _release(
    store: Store, outbox_id: int, why: str = "afgebroken (Ctrl-C of een stopsignaal)"
) -> bool:
    """Put the message this run has in hand back in the queue after a stop, unless it
    was recorded; withdraw it instead if a withdrawal marked it meanwhile (`_record`).

    One short last try (`_LAST_TRY`), as for a message the server accepted
    (`_recorded_at_last`), not the command's own wait (VIX_WACHTTIJD, up to a day):
    after the first stop vix ignores SIGTERM, so a service manager could not stop a
    run that waited on, and a lock still held at the end would turn the stop into
    "De database is bezet". Returns False when the lock was held: the row stays
    'sending', and a run after its claim's deadline takes it up as any stale claim
    (`_claim_next`: sent again, or withdrawn when marked or moot)."""
    try:
        with store.transaction(wait=_LAST_TRY):
            if withdraw_undelivered(store, outbox_id):
                return True
            store.execute(
                "UPDATE outbox SET status = 'queued', last_error = ?"
                " WHERE id = ? AND status = 'sending'",
                (why, outbox_id),
            )
    except DatabaseBusy:
        return False
    return True


def _not_released(store: Store, outbox_id: int, sent: str) -> str:
    """What a stopped run says when it could not put the message in hand back (`_release`)."""
    until = store.scalar("SELECT claimed_until FROM outbox WHERE id = ?", (outbox_id,))
    later = _deadline_said(until, store.now)
    return (
        f"Afgebroken; {sent} verstuurd, de andere staan nog in de wachtrij. Bericht "
        f"{outbox_id} kon vix niet terug in de wachtrij zetten (de database was bezet); "
        f"een verzendronde {later} neemt het weer op. Een bericht dat de mailserver al "
        "had, kan die verzendronde nog eens sturen (met dezelfde Message-ID)."
    )


def _settle(
    store: Store,
    clock: Callable[[], datetime],
    report: DeliveryReport,
    row: Any,
    code: int,
    detail: str,
) -> None:
    """A reply about this one message: 5xx is permanent, anything else transient.

    A transient refusal is retried by each run, as a mail server retries, and told the
    first time, then only when the reply changes: a full mailbox for a week made about
    a thousand identical cron mails. vix does not give up on it: a notice owed to a
    member (rule 8) is not dropped because the server kept it waiting; `vix berichten`
    shows it with the server's reply, and the run's exit status stays 1."""
    store.now = clock()
    permanent = 500 <= code < 600
    again = not permanent and row["last_error"] == detail
    if not _record(store, row["id"], "failed" if permanent else "queued", detail):
        report.taken_back += 1  # a withdrawal marked it: owed to nobody any more
        return
    if permanent:
        report.failed += 1
    elif again:
        report.deferred += 1  # told before, in the same words
        return
    else:
        report.requeued += 1
    notice = {k: v for k, v in dict(row).items() if k not in ("subject", "body")}
    report.errors.append(Failure({**notice, "last_error": detail}))
