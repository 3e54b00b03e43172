"""Instants as integer microseconds since the Unix epoch, UTC.

Both clocks of the log (``occurred_at``, ``recorded_at``) are stored this way: integers sort, compare and
vectorise exactly, and a microsecond is finer than any AIS receiver stamps.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from domain.errors import InvalidTime

MICROS_PER_SECOND = 1_000_000
MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND
MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE
MICROS_PER_DAY = 24 * MICROS_PER_HOUR
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def from_datetime(moment: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROS_PER_SECOND + delta.microseconds


def to_datetime(instant: int) -> datetime:
    """The aware UTC datetime of an instant."""
    return _EPOCH + timedelta(microseconds=int(instant))


def parse_instant(text: str) -> int:
    """Read an ISO 8601 instant ('2024-05-01T12:00:00Z', '...+02:00', or naive meaning UTC)."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise InvalidTime(f"not an ISO 8601 time: {text!r} (expected e.g. 2024-05-01T12:00:00Z)") from None
    return from_datetime(moment)


def format_instant(instant: int) -> str:
    """ISO 8601 in UTC with a 'Z'; fractional seconds only when there are any."""
    moment = to_datetime(instant)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def now_micros() -> int:
    """The wall clock, for the edges of the system only (never inside a fold)."""
    return from_datetime(datetime.now(timezone.utc))


def duration_text(seconds: float) -> str:
    """A duration, briefly: '45 s', '12 min', '3 h 05 min', '3 d 4 h' (alert summaries, report ages)."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"
