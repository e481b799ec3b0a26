"""Region settings: the known keys, their types, defaults and validation.

Day limits, escalation steps and the mail server are regional agreements
(DOMAIN.md), so they are settings with defaults, not constants. Values are
stored as JSON in the `settings` table; a key that is not stored has its
default. Only keys listed in `KNOWN` can be set, and each value is parsed and
checked here before it is stored, so domain code can trust what it reads.

Secrets are never settings: the SMTP password comes only from the environment
variable named in `PASSWORD_ENV` (a database copy or backup must not leak it,
and a command line shows up in `ps` and shell history).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .db import Store
from .errors import InvalidInput, NotFound
from .people import Professional
from .render import BEING_SET, check_folder, dutch_date
from .signals import ARCHIVE_YEARS_DEFAULT, MAX_SIGNAL_YEARS, SIGNAL_YEARS_DEFAULT
from .text import email_address, mail_domain, one_line, or_list, whole_number
from .youths import anniversary

PASSWORD_ENV = "VIX_SMTP_WACHTWOORD"
SECURITY_CHOICES = ("geen", "starttls", "ssl")
# smtp_beveiliging took the English "none" before "geen": still taken, and still stored
# in older databases (`security`)
SECURITY_ALIASES = {"none": "geen"}
PATH_LIMIT = 4096


@dataclass(frozen=True)
class Spec:
    key: str
    default: Any
    help: str
    parse: Callable[[str], Any]
    show: Callable[[Any], str] = lambda v: "-" if v is None else str(v)


@dataclass(frozen=True)
class SettingView:
    key: str
    value: Any
    default: Any
    is_default: bool
    help: str
    shown: str


MAX_DAYS = 365  # the longest term a day-limit setting (or `vix stagnatie --dagen`) takes


def _int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        # digits only: int() would store '5_0' as 50
        value = whole_number(text.strip())
        if value is None:
            raise InvalidInput(
                f"'{text}' is geen geheel getal; kies een getal van {low} tot en met {high}."
            )
        if not low <= value <= high:
            raise InvalidInput(f"Kies een getal van {low} tot en met {high}.")
        return value

    return parse


def _optional_int(low: int, high: int) -> Callable[[str], int | None]:
    whole = _int(low, high)

    def parse(text: str) -> int | None:
        if text.strip().lower() in ("uit", "geen", "-"):
            return None
        return whole(text)

    return parse


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("ja", "j", "true", "1", "aan"):
        return True
    if value in ("nee", "n", "false", "0", "uit"):
        return False
    raise InvalidInput(f"'{text}' is geen ja of nee; geef ja of nee.")


def region_name(text: str) -> str:
    """The region's name as it appears in every notice, inzage header and list: one line,
    no control characters, not empty. `vix init --regio` and `instelling zet regio_naam`."""
    value = one_line(text, "De naam van de regio", name=True)
    if not value:
        raise InvalidInput("Geef de naam van de regio, bijvoorbeeld Kennemerland.")
    return value


def _optional_text(text: str) -> str | None:
    value = one_line(text, "De waarde", limit=PATH_LIMIT, path=True)  # also paths
    return None if value.lower() in ("", "-", "geen") else value


def _optional_path(kind: str) -> Callable[[str], str | None]:
    """An absolute path to an existing folder ('map') or file ('bestand'), or nothing.

    Absolute, because cron runs vix from another working directory than the
    administrator who set it; existing, because a typo would otherwise go
    unnoticed until the first letter goes out with the default text.
    """

    def parse(text: str) -> str | None:
        value = _optional_text(text)
        if value is None:
            return None
        path = Path(value).expanduser()
        if not path.is_absolute():
            raise InvalidInput(
                f"Geef een volledig pad, beginnend met /, zoals /etc/vix/{kind}: cron start "
                "vix in een andere map."
            )
        exists = path.is_dir() if kind == "map" else path.is_file()
        if not exists:
            raise InvalidInput(
                f"'{path}' bestaat niet of is geen {kind}; maak hem eerst aan of controleer "
                "het pad."
            )
        return str(path)

    return parse


def _templates_folder(text: str) -> str | None:
    """`sjablonen_map`: an existing folder (`_optional_path`) that no other account can
    change (`render.check_folder`, also everything under it): whoever can write a template
    there decides the text of every notice, and can include the key file in it."""
    folder = _optional_path("map")(text)
    if folder is not None:
        check_folder(folder, BEING_SET, everything=True)
    return folder


_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _optional_host(text: str) -> str | None:
    """A host name (labels of letters, digits and hyphens) or an IP address."""
    value = _optional_text(text)
    if value is None:
        return None
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    if len(value) > 253 or not all(_HOST_LABEL.match(label) for label in value.split(".")):
        raise InvalidInput(
            f"'{value}' is geen geldige hostnaam: gebruik letters, cijfers, koppeltekens en "
            "punten, zoals smtp.gemeente.nl, of een IP-adres."
        )
    return value


def _choice(*choices: str, aliases: dict[str, str] | None = None) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        value = (aliases or {}).get(value, value)
        if value not in choices:
            raise InvalidInput(f"Kies uit: {or_list(list(choices))}.")
        return value

    return parse


def _day(text: str) -> date:
    value = text.strip()
    for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(f"'{text}' is geen datum; schrijf dd-mm-jjjj, bijvoorbeeld 19-10-2026.")


def parse_closed_days(text: str) -> list[str]:
    """'19-10-2026/23-10-2026, 28-12-2026' -> sorted ISO dates (ranges expanded)."""
    days: set[date] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part or part.lower() in ("-", "geen"):
            continue
        if "/" in part:
            first_text, last_text = part.split("/", 1)
            first, last = _day(first_text), _day(last_text)
            if last < first:
                raise InvalidInput(
                    f"In '{part}' ligt de einddatum vóór de begindatum; er is niets "
                    "opgeslagen. Schrijf de begindatum eerst, zoals "
                    f"'{dutch_date(last)}/{dutch_date(first)}'."
                )
            # the same day a year later may not be reached: longer than a year
            if last >= anniversary(first, 1):
                raise InvalidInput(
                    f"De periode '{part}' is langer dan een jaar; er is niets opgeslagen. "
                    "Controleer het jaartal; een periode loopt hoogstens tot en met "
                    f"{dutch_date(anniversary(first, 1) - timedelta(days=1))}. Een langere "
                    "sluiting geeft u als twee perioden, gescheiden door een komma."
                )
            days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
        else:
            days.add(_day(part))
    return [d.isoformat() for d in sorted(days)]


def _show_days(value: Any) -> str:
    if not value:
        return "-"
    return ", ".join(f"{d[8:10]}-{d[5:7]}-{d[0:4]}" for d in value)


def _show_bool(value: Any) -> str:
    return "ja" if value else "nee"


_SPECS = [
    Spec("regio_naam", "de regio", "Naam van de regio in berichten.", region_name),
    Spec(
        "contact_dagen",
        5,
        "Werkdagen voor contact, genoemd in de berichten aan betrokkenen; altijd werkdagen, "
        "ook als 'werkdagen' nee is. De rapporten en 'vix stagnatie' meten stagnatie_dagen.",
        _int(1, 60),
    ),
    Spec(
        "stagnatie_dagen",
        5,
        "Dagen na het ontstaan van een match zonder afstemming: dan stagneert de match.",
        _int(1, MAX_DAYS),
    ),
    Spec(
        "actie_dagen",
        None,
        "Dagen na de afstemming zonder actie: dan stagneert de match ('uit' = niet bewaken).",
        _optional_int(1, MAX_DAYS),
    ),
    Spec(
        "escalatie_dagen",
        5,
        "Dagen na een opschaalstap waarna een nog stagnerende match de volgende stap krijgt.",
        _int(1, MAX_DAYS),
    ),
    Spec(
        "werkdagen",
        True,
        "Stagnatie- en opschaaltermijnen in werkdagen (ja) of kalenderdagen (nee).",
        _bool,
        _show_bool,
    ),
    Spec(
        "gesloten_dagen",
        [],
        "Extra dagen die geen werkdag zijn (schoolvakanties), bijvoorbeeld "
        "'19-10-2026/23-10-2026, 28-12-2026'. Vervangt de hele lijst.",
        parse_closed_days,
        _show_days,
    ),
    Spec(
        "signaal_jaren",
        SIGNAL_YEARS_DEFAULT,
        "Looptijd van een signaal in jaren (hooguit 2: regel 15, einde van een signaal).",
        _int(1, MAX_SIGNAL_YEARS),
    ),
    Spec("archief_jaren", ARCHIVE_YEARS_DEFAULT, "Bewaartermijn van het archief.", _int(1, 5)),
    Spec("sjablonen_map", None, "Map met eigen sjablonen van de regio.", _templates_folder),
    Spec("mail_domein", "vix.invalid", "Domein in de Message-ID van berichten.", mail_domain),
    Spec("smtp_host", None, "Mailserver (SMTP) voor 'vix berichten verstuur'.", _optional_host),
    Spec(
        "smtp_poort",
        None,
        "Poort van de mailserver (standaard 25, 587 of 465).",
        _optional_int(1, 65535),
    ),
    Spec(
        "smtp_beveiliging",
        "starttls",
        "Beveiliging: geen, starttls of ssl.",
        _choice(*SECURITY_CHOICES, aliases=SECURITY_ALIASES),
        lambda v: security(v),
    ),
    Spec(
        "smtp_gebruiker",
        None,
        f"Gebruikersnaam bij de mailserver; het wachtwoord staat in {PASSWORD_ENV}.",
        _optional_text,
    ),
    Spec("smtp_afzender", None, "Afzenderadres van de berichten.", email_address),
    Spec("smtp_time_out", 30, "Seconden wachten op de mailserver.", _int(1, 300)),
    Spec(
        "smtp_ca_bestand",
        None,
        "PEM-bestand met de certificaatautoriteit van de mailserver, als die niet publiek is.",
        _optional_path("bestand"),
    ),
]
KNOWN: dict[str, Spec] = {s.key: s for s in _SPECS}


def security(value: str) -> str:
    """smtp_beveiliging as vix uses it: an older database's "none" is "geen"."""
    return SECURITY_ALIASES.get(value, value)


def get(store: Store, key: str) -> Any:
    """The stored value of a known key, or its default."""
    return store.setting(key, KNOWN[key].default)


def _spec(key: str) -> Spec:
    found = KNOWN.get(key.strip().lower())
    if found is None:
        if any(word in key.lower() for word in ("wachtwoord", "password", "secret")):
            raise InvalidInput(
                f"Wachtwoorden worden nooit in de database bewaard: zet het wachtwoord van de "
                f"mailserver in de omgevingsvariabele {PASSWORD_ENV}."
            )
        raise NotFound(
            f"Onbekende instelling '{key}'. Bekijk de instellingen met 'vix instelling lijst'."
        )
    return found


def _view(store: Store, spec: Spec) -> SettingView:
    raw = store.scalar("SELECT value FROM settings WHERE key = ?", (spec.key,))
    value = spec.default if raw is None else json.loads(raw)
    return SettingView(
        key=spec.key,
        value=value,
        default=spec.default,
        is_default=raw is None,
        help=spec.help,
        shown=spec.show(value),
    )


def list_settings(store: Store, by: Professional) -> list[SettingView]:
    by.require("admin", "coordinator")
    return [_view(store, spec) for spec in _SPECS]


def set_value(store: Store, by: Professional, key: str, text: str) -> SettingView:
    """Parse, check and store one setting (administrators only)."""
    by.require("admin")
    spec = _spec(key)
    value = spec.parse(text)
    before = _view(store, spec)
    store.set_setting(spec.key, value)
    store.audit(by.id, "update", "setting", None, detail=_change(spec, before, value))
    return _view(store, spec)


def _change(spec: Spec, before: SettingView, value: Any) -> dict[str, Any]:
    """The audit detail of a changed setting: the key, and its value before (with
    whether that was the default) and after, so that a change such as stagnatie_dagen
    5 to 30 can be reconstructed (rule 18). Settings hold no personal data and no
    secret: the SMTP password is no setting (`PASSWORD_ENV`)."""
    return {
        "sleutel": spec.key,
        "oud": before.value,
        "oud_standaard": before.is_default,
        "nieuw": value,
    }


def reset(store: Store, by: Professional, key: str) -> SettingView:
    """Remove a stored value so the default applies again."""
    by.require("admin")
    spec = _spec(key)
    before = _view(store, spec)
    store.reset_setting(spec.key)
    store.audit(by.id, "reset", "setting", None, detail=_change(spec, before, spec.default))
    return _view(store, spec)
