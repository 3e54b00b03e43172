"""When an AIS sentence happened: the times an NMEA stream carries, and the clock that stamps each sentence.

AIS sentences carry no date. A time comes from one of:

- an NMEA 4 tag block's ``c:`` (unix seconds, or milliseconds on some feeds: told apart by magnitude), or
  the same written by a receiver before the sentence (``1569890582.123 !AIVDM,…``);
- a GPS sentence the receiver interleaves: ``$xxRMC`` (date and time; used even when its status is 'V',
  no fix, as long as it has them: the receiver's clock keeps time without a fix) or ``$xxZDA``;
- the moment a live feed received the line, given by the caller;
- an assumed start and sentence rate the operator gives for a recording with no time at all.

A sentence without a time of its own takes the latest time seen before it in the same input. Times are
never invented: a sentence with no time yet is quarantined with ``NO_TIME_YET``.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone

from domain.time import MICROS_PER_SECOND, from_datetime
from feeds.nmea_sentences import Sentence, shown

NO_TIME_YET = "no time yet: no tag block, $GPRMC or $GPZDA before this line"
# A c: below 1e11 is seconds (1e11 s is the year 5138), above it milliseconds (1e11 ms is 1973).
MILLISECONDS_FROM = 100_000_000_000
_LATEST_MILLISECONDS = 100_000_000_000_000
_MICROS_PER_MILLISECOND = 1_000


def _fraction_micros(digits: bytes, places: int) -> int:
    """The microseconds of the decimal fraction ``digits`` of a unit that holds ``places`` decimal places of
    microseconds (6 for a second, 3 for a millisecond): ``b'25'`` of a second is 250,000."""
    return int((digits + b"0" * places)[:places])


def unix_time(value: bytes) -> int | None:
    """The instant of a receiver's stamp (a tag block's ``c:``, or a time written before the sentence): unix
    seconds or milliseconds, optionally with a decimal fraction; None when it is neither."""
    whole, dot, fraction = value.partition(b".")
    if not whole.isdigit() or (dot and not fraction.isdigit()):
        return None
    number = int(whole)
    if number == 0 or number >= _LATEST_MILLISECONDS:
        return None
    if number < MILLISECONDS_FROM:
        return number * MICROS_PER_SECOND + (_fraction_micros(fraction, 6) if dot else 0)
    return number * _MICROS_PER_MILLISECOND + (_fraction_micros(fraction, 3) if dot else 0)


def _instant(year: int, month: int, day: int, time_of_day: bytes) -> int | None:
    """The instant of a date and an NMEA ``hhmmss[.sss]`` time, None when it is no valid moment."""
    if len(time_of_day) < 6 or not time_of_day[:6].isdigit():
        return None
    fraction = time_of_day[6:]
    if fraction and (fraction[:1] != b"." or not (fraction[1:].isdigit() or fraction == b".")):
        return None
    hour, minute, second = int(time_of_day[0:2]), int(time_of_day[2:4]), int(time_of_day[4:6])
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return None
    return from_datetime(moment) + _fraction_micros(fraction[1:], 6)


def _rmc_time(address: str, fields: list[bytes]) -> int | str | None:
    """``$xxRMC,hhmmss.ss,status,lat,N,lon,E,sog,cog,ddmmyy,…``: its instant, None when it has no
    time (a receiver without a fix writes empty fields), a reason when the time is unreadable."""
    if len(fields) < 9 or not fields[0] or not fields[8]:
        return None
    date = fields[8]
    if len(date) != 6 or not date.isdigit():
        return f"{address} date {shown(date)!r} is not ddmmyy"
    day, month, year = int(date[0:2]), int(date[2:4]), int(date[4:6])
    year += 2000 if year < 80 else 1900  # GPS receivers write two digits; no GPS fix predates 1980
    instant = _instant(year, month, day, fields[0])
    if instant is None:
        return f"{address} time {shown(fields[0])} {shown(date)} is not a valid moment"
    return instant


def _zda_time(address: str, fields: list[bytes]) -> int | str | None:
    """``$xxZDA,hhmmss.ss,dd,mm,yyyy,zh,zm``: its instant (UTC), None without a time, a reason when wrong."""
    if len(fields) < 4 or not fields[0] or not fields[1] or not fields[2] or not fields[3]:
        return None
    day, month, year = fields[1], fields[2], fields[3]
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        return f"{address} date {shown(day)}-{shown(month)}-{shown(year)} is not dd,mm,yyyy"
    instant = _instant(int(year), int(month), int(day), fields[0])
    if instant is None:
        return f"{address} time {shown(fields[0])} {shown(day)}-{shown(month)}-{shown(year)} is not a valid moment"
    return instant


def gps_time(sentence: Sentence) -> int | str | None:
    """The time a GPS sentence gives (``$xxRMC``, ``$xxZDA`` from any talker); None for other sentences or
    one without a time, a reason when its time is unreadable."""
    if sentence.address[0] != "$" or len(sentence.address) != 6:
        return None
    kind = sentence.address[3:]
    if kind == "RMC":
        return _rmc_time(sentence.address, sentence.fields)
    if kind == "ZDA":
        return _zda_time(sentence.address, sentence.fields)
    return None


class SentenceClock:
    """The time of each AIS sentence of one input.

    Precedence, for each AIS sentence: its own time (tag block ``c:``, or a receiver's time before it);
    else the time of receipt a live feed gives; else the latest time the input carried before it; else,
    when the operator gave one, the assumed clock (the k-th AIS sentence, from 0, at
    ``assume_start + k / rate_hz``); else none. A live feed's receipt time thus loses to a tag block: the
    tag block was stamped at the receiver, nearer the ship, while a line can wait in network buffers. And
    an input's own times win over an assumed clock once they appear.
    """

    def __init__(self, assume_start: int | None = None, rate_hz: float | None = None):
        if (assume_start is None) != (rate_hz is None):
            raise ValueError("an assumed start and a sentence rate go together: give both or neither")
        if rate_hz is not None and not (rate_hz > 0 and math.isfinite(rate_hz)):
            raise ValueError(f"sentence rate must be above 0 Hz and finite, got {rate_hz!r}")
        self.latest: int | None = None
        self._assume_start = assume_start
        self._micros_per_sentence = None if rate_hz is None else MICROS_PER_SECOND / rate_hz
        self._ais_sentences = 0

    def heard(self, instant: int) -> None:
        """The input carried a time (on a line without an AIS sentence: a GPS sentence, a tag block):
        later sentences without one take it."""
        self.latest = instant

    def time_of_ais_sentence(self, own: int | None, received_at: int | None) -> int | None:
        """The time of the next AIS sentence, given its own time and its receipt time, if any; None when the
        input has given no time yet."""
        index = self._ais_sentences
        self._ais_sentences = index + 1
        if own is not None:
            self.latest = own
            return own
        if received_at is not None:
            return received_at
        if self.latest is not None:
            return self.latest
        if self._assume_start is not None:
            return self._assume_start + round(index * self._micros_per_sentence)  # type: ignore[operator]
        return None
