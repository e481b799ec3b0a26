"""Free text that users give (names, codes, phone numbers): one short line, nothing invisible.

`class_refusal(text)` holds a pupil's group or class to the shape of a class code
(short, letters, digits, spaces and - / . +), and `phone_number(value)` a phone
number to the shape of one: no note about the youth in either (rule 3). Neither,
nor `email_address`, takes a valid BSN: each is shown in clear to colleagues.

Contract: `one_line(value, what)` returns the value stripped, or raises
`InvalidInput` naming `what` when it holds a control character (a line break,
a tab, an escape) or a bidirectional override, or is longer than `MAX_TEXT`
characters. A control character is never part of a name, and stored it would
do harm later: a line break splits the one-line-per-problem output of `vix
stagnatie` and an e-mail header, an escape sequence reaches a coordinator's
terminal, and a right-to-left override makes a name read differently from
what is stored. The length limit keeps a name field a name: no field of vix
holds a story about a youth (rule 3). With `name=True` it also refuses five or
more digits: a person's name has none, and a BSN typed in a name field would
be shown in clear to everyone who sees the name. `refusal` is the same test
without the message, for the pupil import, which first tests a whole batch at
once with `MAX_TEXT` and `str.isprintable`.

`counted(n, one, many)` puts a count before its noun in the right number, so
that a message never says "1 signalen" or "1 bericht(en)".

`visible(message)` is the last net for what vix prints about an error. Its
`hide_numbers` masks any run of 8 or more digits in a row, whatever stands
around it ('123456782.0' from a spreadsheet, '1112223331'), and 8 or 9 digits
written in groups (111 222 333, 111.222.333, 111-222-333, or in other groups
such as 1112.22.333 as on an identity card; a date is no BSN): each may be a
BSN typed in the wrong place (a pupil, signal or match number, a name, a date),
so it is shown as ******333 by `mask`, the one form in which vix shows a
number that may be a BSN. Then it escapes what the input repeated that a
terminal would obey, and cuts a flood short.
"""

from __future__ import annotations

import re

from stdnum.nl import bsn

from .errors import InvalidInput

# C0 and C1 control characters (Unicode category Cc), the bidirectional controls
# (LRE..RLO, LRI..PDI, and the marks U+061C, U+200E, U+200F), the line and paragraph
# separators (U+2028, U+2029: a line break to Python's splitlines and to many
# readers), and invisible characters that make a stored name differ from the one
# shown (soft hyphen U+00AD, zero-width space U+200B, word joiner U+2060, U+FEFF)
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2060\u2066-\u2069\ufeff]"
)

UNSAFE_REASON = "bevat een regeleinde, tab of ander onzichtbaar stuurteken"

MAX_TEXT = 100

# five digits anywhere in a name: an identifier typed in the wrong field
NUMBER_IN_NAME = re.compile(r"(?:\D*\d){5}")
NUMBER_IN_NAME_REASON = "bevat een nummer (vijf of meer cijfers); een naam heeft geen cijfers"


# the spaces a word processor or web page puts in a pasted number (non-breaking, figure,
# thin, narrow): read as a space; and its hyphens, dashes and minus: read as a -
_NUMBER_SPACES = " \u00a0\u2007\u2009\u202f"
_DASHES = "\u2010-\u2015\u2212-"
# 8 or 9 digits, plain or in groups of three (also 123,456,782 and 123_456_782 as a
# spreadsheet or program writes them); not part of a longer number
_NUMBER = re.compile(
    rf"(?<!\d)(?<!\d[.{_DASHES}])\d{{3}}[{_NUMBER_SPACES}.,_{_DASHES}]?\d{{3}}"
    rf"[{_NUMBER_SPACES}.,_{_DASHES}]?\d{{2,3}}(?!\d|[.{_DASHES}]\d)"
)


def is_text(value: str) -> bool:
    """Whether `value` is text: bytes that are no UTF-8 (typed on a terminal in Latin-1)
    reach Python as lone surrogates, which SQLite and every output refuse later."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# what a terminal that sends UTF-8 can be misread as: the locale's or PYTHONIOENCODING's
# Latin-1 (nl_NL is ISO-8859-1 without .UTF-8), Latin-9 (nl_NL@euro) or Windows-1252
_MISREAD_AS = ("latin-1", "cp1252", "iso8859-15")


def _read_as(byte_values: range) -> str:
    """The characters these bytes read as in any of _MISREAD_AS (as a regex class body)."""
    found = set()
    for encoding in _MISREAD_AS:
        for b in byte_values:
            try:
                found.add(bytes([b]).decode(encoding))
            except UnicodeDecodeError:
                continue
    return "".join(re.escape(c) for c in sorted(found))


# a lead byte of UTF-8 (C2-F4) followed by a continuation byte (80-BF), each as misread:
# every text `misread_utf8` finds holds one, so a batch of text without it needs no
# closer look (the pupil list import screens its names so)
MISREAD_HINT = re.compile(f"[{_read_as(range(0xC2, 0xF5))}][{_read_as(range(0x80, 0xC0))}]")
# what a misread name was written in, by script: Latin letters with their accents (Latin-1
# and Extended-A: é, ç, ß, ł, ş, ő; Romanian ș and ț; Vietnamese), Greek, Cyrillic; and
# signs any of them may carry (Latin-1's signs, quotes and dashes, the euro sign)
_LATIN = re.compile(
    "[A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f\u0218-\u021b\u1e00-\u1eff]"
)
_GREEK = re.compile("[\u0386\u0388-\u03ff]")  # not the numeral signs
_CYRILLIC = re.compile("[\u0400-\u0481\u048a-\u052f]")  # not the combining signs
_SIGNS = re.compile("[\x00-\x7f\u00a0-\u00bf\u00d7\u00f7\u2010-\u2027\u20ac]")
_C1 = re.compile("[\u0080-\u009f]")  # a continuation byte of UTF-8 read as Latin-1


def _one_script(text: str) -> bool:
    """Whether every letter of `text` is of one script (Latin, Greek or Cyrillic), and
    everything else a sign such names carry."""
    scripts = set()
    for c in text:
        if c.isalpha():
            script = next((s for s in (_LATIN, _GREEK, _CYRILLIC) if s.match(c)), None)
            if script is None:
                return False
            scripts.add(script)
        elif not _SIGNS.match(c):
            return False
    return len(scripts) <= 1


def misread_utf8(text: str) -> bool:
    """Whether `text` is UTF-8 read as Latin-1, Windows-1252 or Latin-9: 'ZoÃ« BrÃ»lÃ©'
    for 'Zoë Brûlé', typed on a terminal in UTF-8 under a locale in another encoding.

    The test: written back in that encoding, the whole text is valid UTF-8, and that
    UTF-8 is a name in one script: its letters all Latin (with the accents and letters
    of European names and Vietnamese), all Greek or all Cyrillic. Each letter outside
    ASCII of a real name would have to be one of the lead bytes C2-F4 (Â to ô) followed
    by exactly the right number of signs from U+0080 to U+00BF or Windows-1252's
    quotes and dashes: 'João' and 'JOÃO' are no UTF-8 when written back (an Ã needs a
    sign after it), nor is 'Mäkelä'. A real name that is, reads as something no name
    is: 'Ó’Brien' as 'ӒBrien' (a Cyrillic letter among Latin ones), 'KOÇ–YILMAZ' as
    'KOǖYILMAZ' and 'RENÉ…' as 'RENɅ' (Latin Extended-B, phonetics). Text with a C1
    control (U+0080-U+009F) in it is no name at all: written back as valid, printable
    UTF-8 it is misread in any script ('محمد' read as Latin-1).
    """
    if text.isascii():
        return False
    # a C1 control is typed by no one: in Latin-1 it is a continuation byte of UTF-8,
    # whatever the script of the name (Arabic, Hebrew, Chinese: not one of the three)
    controls = _C1.search(text) is not None
    for encoding in _MISREAD_AS:
        try:
            meant = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        if _one_script(meant) or (controls and meant.isprintable()):
            return True
    return False


MISREAD_REASON = (
    "is verminkt: de terminal stuurt UTF-8, maar de taalinstelling (locale) leest een "
    "andere tekenset (zoals ISO-8859-1), zodat een letter met een accent als twee vreemde "
    "tekens aankomt"
)
# ASCII only: shown on the terminal that sends UTF-8, by an output in the other encoding
MISREAD_ADVICE = (
    "Zet de taalinstelling op UTF-8, bijvoorbeeld met export LANG=nl_NL.UTF-8 (en geen "
    "LC_ALL, LC_CTYPE of PYTHONIOENCODING met een andere tekenset), en typ het opnieuw."
)


def typed_bytes(value: str, read_as: str) -> bytes:
    """The bytes `value` was read from with `read_as` and surrogateescape (a command line,
    the environment, a prompt's answer): what the terminal sent."""
    try:
        return value.encode(read_as, "surrogateescape")
    except (UnicodeError, LookupError):  # not read that way after all
        return value.encode("utf-8", "surrogateescape")


def not_text(raw: bytes, read_as: str, again: str = "typ het opnieuw") -> str:
    """Why input whose bytes `read_as` could not read (Python kept them as lone
    surrogates) is no text, and what to do, after "bevat": the terminal sends no UTF-8,
    or it does and the locale reads ASCII (LC_ALL=C with PYTHONUTF8=0), which is then
    what to put right. `again`: how to give it once more."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return (
            "tekens die geen geldige tekst (UTF-8) zijn: de terminal stuurt een andere "
            f"tekenset (zoals Latin-1). Zet de terminal op UTF-8 en {again}."
        )
    return (
        f"geldige tekst (UTF-8), maar de taalinstelling (locale) leest {read_as.upper()}. "
        "Zet de taalinstelling op UTF-8, bijvoorbeeld met export LANG=nl_NL.UTF-8 (of "
        f"C.UTF-8, en geen LC_ALL=C), en {again}."
    )


def mask(number: str) -> str:
    """A number as it may appear in messages: only the last three digits."""
    return "******" + number[-3:] if len(number) > 3 else "***"


# digits in groups of any size joined by one separator (1268.55.092 as on an identity
# card, 126/855/092), a whole run; one with 8 or 9 digits that is no date may be a BSN
_GROUPED = re.compile(
    rf"(?<![\d.{_DASHES}])\d+(?:[{_NUMBER_SPACES}./{_DASHES}]\d+)+(?![\d]|[.{_DASHES}]\d)"
)


_DATE_SIZES = {(1, 1, 4), (1, 2, 4), (2, 1, 4), (2, 2, 4)}  # d-m-jjjj and its reverse


def _holds_date(groups: list[str], seps: list[str]) -> bool:
    """Whether three successive groups read as dd-mm-jjjj or jjjj-mm-dd (one separator)."""
    for k in range(len(groups) - 2):
        sizes = tuple(len(g) for g in groups[k : k + 3])
        # the shape, valid or not: "'32-01-2014' is geen geldige datum" must stay readable
        same = seps[k] == seps[k + 1] and seps[k] in "-/."
        if same and _DATE_SIZES & {sizes, sizes[::-1]}:
            return True
    return False


def _hide_grouped(found: re.Match[str]) -> str:
    """Mask each stretch of whole groups in the run that holds 8 or 9 digits (no date)."""
    # group, separator, group, ...
    parts = re.split(rf"([{_NUMBER_SPACES}./{_DASHES}])", found.group())
    groups, seps = parts[::2], parts[1::2]
    shown: list[str] = []
    i = 0
    while i < len(groups):
        count, j = 0, i
        while j < len(groups) and count < 8:
            count += len(groups[j])
            j += 1
        # a stretch inside the run stands apart by spaces ("regel 2 1268 55 092"); one
        # joined by - or . is part of something longer (06-12345678 is a phone number)
        apart = (i == 0 or seps[i - 1] in _NUMBER_SPACES) and (
            j == len(groups) or seps[j - 1] in _NUMBER_SPACES
        )
        if count in (8, 9) and apart and not _holds_date(groups[i:j], seps[i : j - 1]):
            shown.append(mask("".join(groups[i:j])))
            if j < len(groups):
                shown.append(seps[j - 1])
            i = j
        else:
            shown.append(groups[i] + (seps[i] if i < len(seps) else ""))
            i += 1
    return "".join(shown)


# 8 or more digits in a row, whatever stands around them: '123456782.0' (a spreadsheet's
# number cell), '123456782-01', '0123456782' all hold a BSN
_LONG_RUN = re.compile(r"\d{8,}")


def hide_numbers(message: str) -> str:
    """`message` with every possible BSN shown as its last three digits."""
    message = _LONG_RUN.sub(lambda m: mask(m.group()), message)
    return _GROUPED.sub(_hide_grouped, _NUMBER.sub(lambda m: mask(m.group()), message))


def refusal(text: str, *, name: bool = False, limit: int = MAX_TEXT) -> str | None:
    """The rule `text` breaks, as words that follow what it is ("De voornaam ..."), or None.

    One of `UNSAFE_REASON`, `too_long(limit)` or `NUMBER_IN_NAME_REASON`; never the value
    itself, which may be a BSN typed in the wrong place.
    """
    if UNSAFE.search(text):
        return UNSAFE_REASON
    if len(text) > limit:
        return too_long(limit)
    if name and NUMBER_IN_NAME.match(text):
        return NUMBER_IN_NAME_REASON
    return None


def too_long(limit: int) -> str:
    return f"is langer dan {limit} tekens"


def counted(count: int, one: str, many: str) -> str:
    """A count with its noun in Dutch: '1 signaal', '2 signalen', '0 signalen'."""
    return f"{count} {one if count == 1 else many}"


def matches_told(
    new: int, changed: int, ended: int, one: str = "match", many: str = "matches"
) -> str:
    """What a command did to matches, each kind counted apart ('1 nieuwe match, 2 matches
    bijgewerkt, 1 match beëindigd'); '' when it did nothing. One word "bijgewerkt" for
    all of them said so of a match the command had just made."""
    said = [
        f"{counted(n, prefix + one, prefix + many)}{what}"
        for n, prefix, what in (
            (new, "nieuwe ", ""),
            (changed, "", " bijgewerkt"),
            (ended, "", " beëindigd"),
        )
        if n
    ]
    return ", ".join(said)


# what a person typing the value can do about each refusal
_TYPED_ADVICE = {
    UNSAFE_REASON: "typ de waarde opnieuw op één regel.",
    NUMBER_IN_NAME_REASON: "typ alleen de naam.",
}


def one_line(
    value: str, what: str, *, name: bool = False, limit: int = MAX_TEXT, path: bool = False
) -> str:
    """`value` stripped; refused when it is UTF-8 misread (`misread_utf8`), unsafe, too
    long, or (a name) holds a number.

    Misread text is refused first: its letters read in Latin-1 hold C1 controls
    ('Ö' as 'Ã' and U+0096), which the terminal's user never typed. Stored, it would
    give a youth another substitute number than the same name typed well, so that two
    signals on the same child never match, and go into letters and the inzage. A `path`
    is not held to it: a file name is bytes, and misread ones are the name on disk.
    """
    text = value.strip()
    if not path and misread_utf8(text):
        raise InvalidInput(f"{what} {MISREAD_REASON}. {MISREAD_ADVICE}")
    reason = refusal(text, name=name, limit=limit)
    if reason is not None:
        raise InvalidInput(f"{what} {reason}; {_TYPED_ADVICE.get(reason, 'kort de waarde in.')}")
    return text


def or_list(items: list[str]) -> str:
    """'a', 'a of b', 'a, b of c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} of {items[-1]}"


def required_name(value: str, what: str, *, missing: str | None = None) -> str:
    """`one_line` for a name that must be there: not empty, and with at least one letter.

    `missing` is the message for an empty name (by default "... mag niet leeg zijn."),
    for a name whose option or prompt tells better what to give.
    """
    text = one_line(value, what, name=True)
    if not text:
        raise InvalidInput(f"{what} mag niet leeg zijn." if missing is None else missing)
    if not any(c.isalpha() for c in text):
        raise InvalidInput(f"{what} bevat geen letter; typ de naam.")
    return text


CODE_NUMBER_REASON = (
    "is een nummer (vijf of meer cijfers zonder letters, of acht of meer cijfers): dat kan "
    "een BSN in het verkeerde veld zijn, en een code staat voluit in elke lijst en elk bericht"
)


def clean_code(value: str, what: str) -> str:
    """A code an administrator chooses (organisation, municipality), stripped.

    Refused like a name when it is unsafe or too long, and when it reads as a number:
    five or more digits and no letter, or what `hide_numbers` would mask (8 or 9 digits,
    also in groups). Such a code is a BSN or other number typed in the wrong field, and
    a code is shown in clear everywhere. A code with letters and a few digits (a BRIN
    code such as 12AB00) is a code.
    """
    text = one_line(value, what)
    digits = sum(c.isdigit() for c in text)
    if (digits >= 5 and not any(c.isalpha() for c in text)) or hide_numbers(text) != text:
        raise InvalidInput(f"{what} {CODE_NUMBER_REASON}; kies een code met letters, zoals BS-ZON.")
    return text


def passes_elfproef(digits: str) -> bool:
    """Whether exactly 9 digits are a valid BSN (python-stdnum's 11-test, as
    `youths.clean_bsn` checks it); a shorter run is no BSN here, not one with a lost
    leading zero."""
    return len(digits) == 9 and digits.isdigit() and bsn.is_valid(digits)


# -- a class or group code (rule 3: no story about the youth in it) -------------------

CLASS_LIMIT = 30
# letters and digits, with spaces and - / . + _ ( ) ' ’ & between or after them: 6b,
# Groep 8, H3A, 4 HAVO, 1/2, VWO-5, kl 2c, G7-8, 3.1, Havo+, 3A_BT, 3 VWO (TTO), Groep 1 & 2,
# Klas D'Arc, 1A 2025-2026, and a group name after an apostrophe ('t Hummeltje) (as
# administration systems name classes; no colon, comma, double quotes or other sentence marks)
_CLASS = re.compile(r"(?:[^\W_]|['’](?=[^\W_]))[\w ./+()'’&-]*")
CLASS_SHAPE_REASON = (
    "is geen groeps- of klascode: alleen letters, cijfers, spaties en - / . + _ ( ) ' & "
    "(zoals 6b, Groep 8, H3A of 4 HAVO), geen dubbele punt, komma of zin"
)
CLASS_LONG_REASON = (
    f"{too_long(CLASS_LIMIT)}: een groeps- of klascode is kort, zoals 6b, Groep 8 of 4 HAVO"
)
CLASS_NUMBER_REASON = "bevat een BSN (negen cijfers die de elfproef halen)"
# digits, alone or in groups joined by a space, . or - (2025-2026, 111 222 333), or by
# what a word processor or web page puts between them: a comma, an underscore, the
# spaces and dashes of `_NUMBER_SPACES` and `_DASHES`
_GROUPED_DIGITS = re.compile(rf"\d+(?:[{_NUMBER_SPACES}.,_{_DASHES}]\d+)*")


def holds_bsn(text: str) -> bool:
    """Whether some groups of digits that follow each other in `text` (joined by a space,
    . or -, or a lookalike) are 9 digits that pass the 11-test: 111 222 333, 111-222-333
    or 111222333.
    A school year (2025-2026) or a cohort is no BSN, though `hide_numbers` masks one."""
    for run in _GROUPED_DIGITS.finditer(text):
        groups = re.findall(r"\d+", run.group())
        for i in range(len(groups)):
            digits = ""
            for group in groups[i:]:
                digits += group
                if len(digits) >= 9:
                    break
            if passes_elfproef(digits):
                return True
    return False


# what may stand between the digits of a BSN as people write or paste it: spaces (also
# non-breaking, figure, thin and narrow ones), . , _ / and the hyphens, dashes and minus
_BSN_SEP = f"[{_NUMBER_SPACES}.,_/{_DASHES}]"
# nine digits standing on their own, as one run or grouped as 3-3-3 or 4-2-3 (the
# identity card's 1268.55.092): not the last groups of a phone number or a date (no digit
# and separator just before); a number after it ("123 456 782 12 jaar") does not hide it
_BSN_SHAPED = re.compile(
    rf"(?<!\d)\d{{9}}(?!\d)"
    rf"|(?<!\d)(?<!\d{_BSN_SEP})"
    rf"(?:\d{{3}}{_BSN_SEP}\d{{3}}{_BSN_SEP}\d{{3}}|\d{{4}}{_BSN_SEP}\d{{2}}{_BSN_SEP}\d{{3}})"
    rf"(?!\d)"
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# a whole number as a user types one: ASCII digits only (Python's int() also takes '5_0',
# ' 50', '+50' and other scripts' digits, and so does the lax int of Typer's pydantic)
_WHOLE_NUMBER = re.compile(r"[0-9]+")
# more digits than any number vix takes (an SQLite integer has 19): int() of a few
# thousand digits is refused by Python, of fewer it is only slow
_WHOLE_NUMBER_DIGITS = 20


def whole_number(text: str) -> int | None:
    """The number `text` writes in ASCII digits and nothing else, or None.

    A number beyond `_WHOLE_NUMBER_DIGITS` digits (without leading zeros) comes out as
    10 to that power: too high for any range vix checks, without reading the digits."""
    if _WHOLE_NUMBER.fullmatch(text) is None:
        return None
    if len(text.lstrip("0")) > _WHOLE_NUMBER_DIGITS:
        return int(10**_WHOLE_NUMBER_DIGITS)
    return int(text)


def only_digits(text: str) -> str | None:
    """The digits of `text` if it holds nothing else than digits and what may stand
    between them (`_BSN_SEP`): '111 222 33' -> '11122233'; None for anything else."""
    value = text.strip()
    return _digits(value) if re.fullmatch(rf"(?:\d|{_BSN_SEP})+", value) else None


def _is_bsn(found: re.Match[str]) -> bool:
    return passes_elfproef(_digits(found.group()))


def bsn_in_text(text: str) -> bool:
    """Whether a free text holds a BSN: nine digits on their own, plain or grouped as
    people write them (111 222 333, 111/222/333, 1268.55.092), that pass the 11-test.
    Stricter than `holds_bsn`, which joins any groups: a phone number (+31 6 22597620)
    or a date in a sentence is no BSN."""
    return any(map(_is_bsn, _BSN_SHAPED.finditer(text)))


def bsn_shaped(text: str) -> str | None:
    """The nine digits of `text` if all of it is written as a BSN is (`bsn_in_text`'s
    shapes: 111222333, 111 222 333, 111/222/333, 1268.55.092), whether or not they pass
    the 11-test; None for anything else (a pupil number such as 2024-00123)."""
    value = text.strip()
    return _digits(value) if _BSN_SHAPED.fullmatch(value) else None


def mask_bsns(text: str) -> str:
    """`text` with each BSN that `bsn_in_text` finds masked, the rest as written: a
    reason keeps its dates and phone numbers readable."""
    return _BSN_SHAPED.sub(lambda m: mask(_digits(m.group())) if _is_bsn(m) else m.group(), text)


def class_refusal(text: str) -> str | None:
    """The rule a group or class code breaks (as `refusal`: words after what it is), or None.

    A class code as ParnasSys, ESIS, Magister and Somtoday export it is short and made
    of letters, digits and a few separators. Anything else in that column is no class:
    a note such as "niveau 4: vader in detentie" would reach every inzage (rule 3 keeps
    every story about a youth out of vix). The shape cannot read: a few plain words pass
    (a group named "De Vlinders", but also "vader in detentie"); it refuses sentences,
    lists, notes with punctuation and anything longer than CLASS_LIMIT characters. A
    number is refused only when it is a BSN (9 digits, also in groups, that pass the
    11-test), as in a phone number: a school year such as 2025-2026 is part of a class.
    """
    if UNSAFE.search(text):
        return UNSAFE_REASON
    if len(text) > CLASS_LIMIT:
        return CLASS_LONG_REASON
    if not _CLASS.fullmatch(text):
        return CLASS_SHAPE_REASON
    if holds_bsn(text):
        return CLASS_NUMBER_REASON
    return None


# -- a phone number (shown in every match notice and list) ----------------------------

PHONE_LIMIT = 25
PHONE_DIGITS = (5, 15)  # 14 023 (a municipality's short number) .. E.164's longest
# digits, spaces, - and ( ) after an optional leading +, and / or . between two digits:
# 023-5551234, +31 6 12345678, +31 (0)23 555 12 34, 0800 1234, 14 023, 023/5551234,
# 06.12.34.56.78
_PHONE = re.compile(r"\+?[0-9(](?:[0-9 ()-]|(?<=[0-9])[./](?=[0-9]))*")
PHONE_EXAMPLES = "zoals 023-5551234, 06-1234 5678 of +31-20-5551234"
# what a word processor or web page puts in a number: non-breaking and figure spaces,
# hyphens, dashes and the minus sign; read as the space and - they stand for
_PHONE_LOOKALIKES = str.maketrans(
    {
        **dict.fromkeys(("\u00a0", "\u2007", "\u202f"), " "),
        **dict.fromkeys((*map(chr, range(0x2010, 0x2016)), "\u2212"), "-"),
    }
)
_SPACES = re.compile(r" {2,}")


def _phone_misfit(text: str) -> str:
    """Why `text` (no control characters) does not match `_PHONE`: the first character
    out of place, named (a letter or sign never is a BSN)."""
    for i, char in enumerate(text):
        if (char.isdigit() and char.isascii()) or char in " ()-":
            continue
        if char == "+":
            if i == 0:
                continue
            return "de + hoort alleen vooraan (+31 ...)"
        between = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
        if char in "./":
            if between:
                continue
            return f"de {char} hoort alleen tussen twee cijfers"
        return f"het teken '{char}' hoort er niet in"
    return "het begint niet met een cijfer, + of ("


def phone_number(value: str | None, what: str = "Het telefoonnummer") -> str | None:
    """`value` stripped and normalised if it is a phone number; None for None or empty.

    A phone number stands in every list of professionals and organisations and in every
    match notice, so it is held to the shape of one: digits, spaces, - and ( ) with a +
    only in front and / or . only between two digits, 5 to 15 digits, and at most
    PHONE_LIMIT characters once runs of spaces are one. That keeps a note ("bel niet:
    kind mishandeld") out of it (rule 3). Non-breaking spaces and dashes (as pasted from
    a document) are stored as a space and -, runs of spaces as one. A number whose digits
    are exactly a valid BSN (9 digits that pass the 11-test) is refused as well: a Dutch
    number has 10 digits, and a BSN there would be shown in clear to every colleague.
    Each broken rule has its own message; none repeats the value.
    """
    if value is None:
        return None
    text = _SPACES.sub(" ", value.translate(_PHONE_LOOKALIKES)).strip()
    if not text:
        return None
    if UNSAFE.search(text):
        raise InvalidInput(f"{what} {UNSAFE_REASON}; {_TYPED_ADVICE[UNSAFE_REASON]}")
    digits = "".join(c for c in text if c.isdigit())
    low, high = PHONE_DIGITS
    shape = (
        f"gebruik {low} tot {high} cijfers met alleen spaties, - en ( ) ertussen, / of . "
        f"tussen twee cijfers en een + vooraan, {PHONE_EXAMPLES}. Een opmerking hoort niet "
        "in een telefoonnummer."
    )
    if len(text) > PHONE_LIMIT:
        raise InvalidInput(
            f"{what} is geen telefoonnummer: het is langer dan {PHONE_LIMIT} tekens; {shape}"
        )
    if not _PHONE.fullmatch(text):
        raise InvalidInput(f"{what} is geen telefoonnummer: {_phone_misfit(text)}; {shape}")
    if not low <= len(digits) <= high:
        raise InvalidInput(
            f"{what} is geen telefoonnummer: het heeft {len(digits)} cijfers, en een "
            f"telefoonnummer heeft er {low} tot {high} ({PHONE_EXAMPLES})."
        )
    if passes_elfproef(digits):
        raise InvalidInput(
            f"{what} is een BSN (negen cijfers die de elfproef halen), geen telefoonnummer; "
            "een telefoonnummer staat voluit in elke lijst en elk matchbericht. Geef het "
            "nummer met netnummer (een Nederlands nummer heeft tien cijfers), of een "
            "buitenlands nummer met + en landcode."
        )
    return text


# a domain name in ASCII (a name with accents is written in its xn-- form), and an
# address every mail server takes: ASCII only (an address with 'ö' needs SMTPUTF8,
# which most servers do not offer), a dot-atom before the @
_DOMAIN_PATTERN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOMAIN = re.compile(_DOMAIN_PATTERN)
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_DOMAIN_PATTERN}")


def _fitting(text: str, pattern: re.Pattern[str], limit: int, refusal: str) -> str:
    """`text` stripped if `pattern` matches all of it, else InvalidInput quoting it."""
    value = text.strip()
    if len(value) > limit or not pattern.fullmatch(value):
        raise InvalidInput(f"'{value[:MAX_TEXT]}' {refusal}")
    return value


# a mark between two digits of an address (j.111.222.333@, 111/222/333@, 111+222+333@),
# read as the - of a group of digits
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[^A-Za-z0-9@](?=\d)")


EMAIL_LOCAL_LIMIT = 64  # the part before the @ (RFC 5321, 4.5.3.1.1)


def email_address(text: str) -> str:
    """`text` stripped if it is an e-mail address every mail server accepts: at most
    EMAIL_LOCAL_LIMIT characters before the @ and 254 in all.

    An address that holds a BSN (9 digits that pass the 11-test, also in groups) is
    refused: the address stands in every list and match notice, and is the login.
    """
    address = _fitting(
        text,
        _EMAIL,
        254,
        "is geen geldig e-mailadres: gebruik de vorm naam@organisatie.nl, met letters zonder "
        "accenten, cijfers en . _ - + (een domeinnaam met accenten schrijft u in de xn--vorm).",
    )
    local = address.rpartition("@")[0]
    if len(local) > EMAIL_LOCAL_LIMIT:
        raise InvalidInput(
            f"Het e-mailadres heeft {len(local)} tekens voor de @; een mailserver neemt er "
            f"hooguit {EMAIL_LOCAL_LIMIT} aan (RFC 5321), dus berichten aan dit adres komen "
            "niet aan. Gebruik een korter adres, zoals naam@organisatie.nl."
        )
    if holds_bsn(_BETWEEN_DIGITS.sub("-", address)):
        raise InvalidInput(
            "Het e-mailadres bevat een BSN (negen cijfers die de elfproef halen); een "
            "e-mailadres staat voluit in elke lijst en elk bericht. Gebruik het adres van de "
            "organisatie met een naam, zoals naam@organisatie.nl."
        )
    return address


def mail_domain(text: str) -> str:
    """`text` stripped if it is a domain name (letters without accents, digits, - and .)."""
    return _fitting(
        text,
        _DOMAIN,
        253,
        "is geen geldige domeinnaam: gebruik de vorm regio.nl, met letters zonder accenten, "
        "cijfers, koppeltekens en punten.",
    )


MAX_MESSAGE = 2000


def visible(message: str) -> str:
    """What vix prints about an error: every possible BSN masked (`hide_numbers`), an
    unsafe character repeated from the input (an escape sequence, a line break) shown
    as its escape (\\x1b, \\n), at most MAX_MESSAGE characters."""
    shown = UNSAFE.sub(
        lambda m: m.group().encode("unicode_escape").decode("ascii"), hide_numbers(message)
    )
    return shown if len(shown) <= MAX_MESSAGE else shown[:MAX_MESSAGE] + "…"
