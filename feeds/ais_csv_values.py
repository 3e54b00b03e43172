"""Reading the cells of AIS CSV rows: times, MMSIs, numbers, IMO numbers, text.

Each reader returns the domain value, None for 'not available' (an empty cell, 'Unknown', 'nan'), or
raises ``BadValue`` naming the field and saying what was wrong, for the row's quarantine entry. Range
rules (a latitude of 95°, a 900 m length) are the domain's, checked when the observation is made.
"""
from __future__ import annotations

from datetime import datetime

from domain import ais
from domain.errors import InvalidTime
from domain.time import MICROS_PER_SECOND, from_datetime, parse_instant
from feeds.ais_csv_columns import FIELD_LABELS
from feeds.ais_csv_vocabulary import MISSING

ISO = "iso"  # 2017-02-01T20:05:07, 2025-12-31 00:00:00 (NOAA)
DAY_FIRST = "day-first"  # 31/12/2024 23:59:59 (DMA)
ANY = "any"  # either, fractions and zones allowed, or unix seconds / milliseconds (other CSVs)

EXPECTED_TIMES: dict[str, str] = {
    ISO: "an ISO 8601 time like 2017-02-01T20:05:07 (UTC when no zone is given)",
    DAY_FIRST: "a day-first time DD/MM/YYYY HH:MM:SS like 31/01/2024 23:59:59 (UTC)",
    ANY: ("a time like 2024-05-01T12:00:00Z (ISO 8601), 2024-05-01 12:00:00.000, 31/01/2024 23:59:59 "
          "(day first) or unix seconds or milliseconds"),
}
_DAY_FIRST_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S.%f", "%d/%m/%Y %H:%M")
_YEAR_FIRST_SLASH_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M:%S.%f", "%Y/%m/%d %H:%M")
_UNIX_MILLIS_FROM = 100_000_000_000  # 1e11 s is the year 5138: larger numbers are milliseconds
_UNIX_MICROS_FROM = 100_000_000_000_000
_LAST_MICROS = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z


class BadValue(ValueError):
    """A cell that cannot be read as its field: ``field`` is the field, ``reason`` says why."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def is_missing(text: str) -> bool:
    return text.strip().lower() in MISSING


class TimeReader:
    """Reads the times of one layout (``ISO``, ``DAY_FIRST`` or ``ANY``) into microseconds UTC.

    Files repeat the same minute thousands of times, so the instant of each 'YYYY-MM-DDTHH:MM' (or
    'DD/MM/YYYY HH:MM') prefix is worked out once and kept in ``minutes``; a reader can then add the
    seconds itself, and everything else goes through ``__call__``.
    """

    MAX_MINUTES = 100_000

    def __init__(self, style: str):
        if style not in EXPECTED_TIMES:
            raise ValueError(f"unknown time style {style!r}")
        self.style = style
        self.expected = EXPECTED_TIMES[style]
        self.minutes: dict[str, int] = {}

    def __call__(self, text: str, field: str = "time") -> int:
        """The instant ``text`` names; ``field`` ('time' or 'eta') is the field a ``BadValue`` blames."""
        cleaned = text.strip()
        if not cleaned:
            raise BadValue(field, f"{FIELD_LABELS[field]} is missing")
        if len(cleaned) >= 19 and cleaned[16] == ":":
            base = self.minutes.get(cleaned[:16])
            if base is None:
                base = self._learn_minute(cleaned[:16])
            if base is not None:
                offset = _seconds_and_fraction(cleaned[17:])
                if offset is not None:
                    return base + offset
        return self._general(text, cleaned, field)

    def _learn_minute(self, key: str) -> int | None:
        moment = _minute(key, self.style)
        if moment is None:
            return None
        if len(self.minutes) >= self.MAX_MINUTES:
            self.minutes.clear()
        base = self.minutes[key] = from_datetime(moment)
        return base

    def _general(self, text: str, cleaned: str, field: str) -> int:
        style = self.style
        label = FIELD_LABELS[field]
        if style == ANY and _is_unsigned_number(cleaned):
            return _unix(cleaned, field)
        if style == DAY_FIRST or (style == ANY and cleaned[2:3] == "/"):
            formats = _DAY_FIRST_FORMATS
        elif style == ANY and cleaned[4:5] == "/":
            formats = _YEAR_FIRST_SLASH_FORMATS
        else:
            try:
                return parse_instant(cleaned)
            except InvalidTime:
                raise BadValue(field, f"{label} {text!r} is not {self.expected}") from None
        for form in formats:
            try:
                return from_datetime(datetime.strptime(cleaned, form))
            except ValueError:
                continue
        raise BadValue(field, f"{label} {text!r} is not {self.expected}")


def _minute(key: str, style: str) -> datetime | None:
    """The minute a 16-character prefix names, if it is a well-formed one of the style."""
    if key[13] != ":" or not (key[11:13].isdecimal() and key[14:16].isdecimal()):
        return None
    if key[4] == "-" and key[7] == "-" and key[10] in "T " and style != DAY_FIRST:
        year, month, day = key[0:4], key[5:7], key[8:10]
    elif key[2] == "/" and key[5] == "/" and key[10] == " " and style != ISO:
        year, month, day = key[6:10], key[3:5], key[0:2]
    elif key[4] == "/" and key[7] == "/" and key[10] == " " and style == ANY:
        year, month, day = key[0:4], key[5:7], key[8:10]
    else:
        return None
    if not (year.isdecimal() and month.isdecimal() and day.isdecimal()):
        return None
    try:
        return datetime(int(year), int(month), int(day), int(key[11:13]), int(key[14:16]))
    except ValueError:
        return None


def _seconds_and_fraction(rest: str) -> int | None:
    """Microseconds from 'SS', 'SS.fff', 'SSZ' or 'SS.ffffffZ'; None for anything else (zones, garbage)."""
    seconds = rest[:2]
    if not (seconds.isdecimal() and seconds < "60"):
        return None
    micros = int(seconds) * MICROS_PER_SECOND
    tail = rest[2:]
    if tail[-1:] in ("Z", "z"):
        tail = tail[:-1]
    if not tail:
        return micros
    digits = tail[1:]
    if tail[0] != "." or not digits.isdecimal() or not digits.isascii():
        return None
    return micros + int(digits[:6].ljust(6, "0"))


def _is_unsigned_number(text: str) -> bool:
    whole, _, fraction = text.partition(".")
    return whole.isdecimal() and (not fraction or fraction.isdecimal())


def _unix(text: str, field: str) -> int:
    """Unix time, in seconds, milliseconds or microseconds as its magnitude says."""
    whole, _, fraction = text.partition(".")
    number = int(whole)
    if number >= _UNIX_MICROS_FROM:
        micros = number
    elif number >= _UNIX_MILLIS_FROM:
        micros = number * 1_000 + int(fraction[:3].ljust(3, "0"))
    else:
        micros = number * MICROS_PER_SECOND + int(fraction[:6].ljust(6, "0"))
    if micros > _LAST_MICROS:
        raise BadValue(field, f"{FIELD_LABELS[field]} {text!r} is after the year 9999 "
                              "as unix seconds, milliseconds or microseconds")
    return micros


def read_mmsi(text: str) -> int:
    """An MMSI cell as a number (whether it is a ship's 9 digits is the domain's question)."""
    cleaned = text.strip()
    if cleaned.isdecimal():
        return int(cleaned)
    if not cleaned or cleaned.lower() in MISSING:
        raise BadValue("mmsi", "MMSI is missing")
    whole, dot, zeros = cleaned.partition(".")  # 219000873.0 from a data-frame export
    if dot and whole.isdecimal() and zeros.strip("0") == "":
        return int(whole)
    raise BadValue("mmsi", f"MMSI {text!r} is not a number")


def read_number(text: str, field: str) -> float | None:
    """A decimal cell; None when empty or not available."""
    try:
        value = float(text)
    except ValueError:
        if is_missing(text):
            return None
        raise BadValue(field, f"{FIELD_LABELS[field]} {text!r} is not a number") from None
    return None if value != value else value  # NaN: a data frame's empty cell


def read_heading(text: str) -> int | None:
    """A heading in whole degrees, None when not available (empty, or AIS 511 as NOAA writes it: '511.0');
    a fraction is rounded to the nearest degree."""
    value = read_number(text, "heading")
    if value is None:
        return None
    if value in (float("inf"), float("-inf")):
        raise BadValue("heading", f"heading {text!r} is not a number of degrees")
    whole = round(value)
    if whole == ais.HEADING_NOT_AVAILABLE:
        return None
    return 0 if whole == 360 else whole


def read_size(text: str, field: str) -> float | None:
    """A length, beam or draught in metres; 0 is AIS 'not available'."""
    value = read_number(text, field)
    return None if value == 0 else value


def read_imo(text: str) -> int | None:
    """An IMO number, with or without NOAA's 'IMO' prefix; 0 and 'Unknown' are not available."""
    cleaned = text.strip()
    if cleaned[:3].upper() == "IMO":
        cleaned = cleaned[3:].strip()
    if cleaned.isdecimal() and cleaned.isascii():
        return int(cleaned) or None
    if cleaned.lower() in MISSING:
        return None
    try:
        number = float(cleaned)  # 9627980.0 from a data-frame export
    except ValueError:
        number = float("nan")
    if not number.is_integer():
        raise BadValue("imo", f"IMO number {text!r} is not a whole number")
    return int(number) or None


def read_text(text: str) -> str | None:
    """A name, call sign or destination; None when empty or 'Unknown'."""
    cleaned = text.strip()
    return None if cleaned.lower() in MISSING else cleaned
