"""One complete AIS message (its armoured payload) into the observations the fleet uses.

pyais decodes the payload; the domain's ``position_seen``/``particulars_seen`` judge the values (sentinels,
ranges, MMSIs that are no ship's). Used here: position reports of class A (types 1, 2, 3) and class B
(18, 19), long-range broadcasts (27) and static and voyage data (5, 24 parts A and B, and the name, type
and size that 19 also carries). Every other type is counted as skipped without being decoded.

Before pyais sees a payload its length is checked against the fields read from it: pyais fills a field
cut short by the end of the payload with whatever bits remain, which would put a ship somewhere it never
was.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pyais.bit_vector import bit_vector
from pyais.exceptions import AISBaseException
from pyais.messages import (MSG_CLASS, MessageType1, MessageType5, MessageType18, MessageType19,
                            MessageType24PartA, MessageType24PartB, MessageType27, Payload)

from domain import ais
from domain.observations import Origin, Rejected, Seen, Skipped, not_a_ship, particulars_seen, position_seen
from domain.time import from_datetime, to_datetime
from feeds.nmea_clock import NO_TIME_YET

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
PARTICULARS_TYPES = frozenset({5, 19, 24})
USED_TYPES = POSITION_TYPES | PARTICULARS_TYPES
STATIC_DATA_NOT_AVAILABLE = "static data not available"  # every field of a type 5 or 24 'not available'
_SKIPPED_TYPE = tuple(f"AIS type {number}" for number in range(64))
_UNITS_PER_DEGREE = 600_000.0  # positions are sent in 1/10,000 minute
_LONG_RANGE_UNITS_PER_DEGREE = 600.0  # type 27 sends 1/10 minute
_LONG_RANGE_SOG_NOT_AVAILABLE = 63
_LONG_RANGE_COG_NOT_AVAILABLE = 511
_HALF_YEAR = timedelta(days=183)
_UNDECODABLE = (AISBaseException, ValueError, TypeError, IndexError, KeyError, OverflowError)


def _field_end(message: type[Payload], *names: str) -> int:
    """The bit just after the last of ``names`` in pyais's layout of ``message``: the payload length those
    fields need to be read whole."""
    ends = {name: offset + width for name, offset, width, *_ in message.decoder_plan()}
    return max(ends[name] for name in names)


def _field_offset(message: type[Payload], name: str) -> int:
    return next(offset for field, offset, *_ in message.decoder_plan() if field == name)


_NEEDED_BITS = {
    1: _field_end(MessageType1, "mmsi", "status", "speed", "lon", "lat", "course", "heading"),
    18: _field_end(MessageType18, "mmsi", "speed", "lon", "lat", "course", "heading"),
    19: _field_end(MessageType19, "heading", "shipname", "ship_type", "to_bow", "to_stern", "to_port", "to_starboard"),
    27: _field_end(MessageType27, "mmsi", "status", "lon", "lat", "speed", "course"),
    5: _field_end(MessageType5, "callsign", "shipname", "ship_type", "to_bow", "to_stern", "to_port", "to_starboard",
                  "month", "day", "hour", "minute", "draught"),
}
_NEEDED_BITS[2] = _NEEDED_BITS[3] = _NEEDED_BITS[1]
_PART_NUMBER_END = _field_end(MessageType24PartA, "partno")
_PART_A_BITS = _field_end(MessageType24PartA, "shipname")
_PART_B_BITS = _field_end(MessageType24PartB, "ship_type", "callsign", "to_bow", "to_stern", "to_port", "to_starboard")
_DESTINATION = _field_offset(MessageType5, "destination")
# pyais folds the ship type code of types 5 and 19 into its own enum (a reserved code becomes a neighbour,
# an unknown one 0); the category is taken from the code as sent.
_TYPE_5_SHIP_TYPE = _field_offset(MessageType5, "ship_type")
_TYPE_19_SHIP_TYPE = _field_offset(MessageType19, "ship_type")


def _as_sent(degrees: float, units_per_degree: float) -> float:
    """A coordinate at the resolution AIS sent it. pyais rounds to 1e-6 degree, coarser than the 1/600,000
    degree of a position report; that rounding moves a value by less than half a unit, so rounding back to
    whole units recovers the exact count sent (the domain then keeps it to 1e-7 degree)."""
    return round(degrees * units_per_degree) / units_per_degree


def ais_observations(payload: bytes, fill_bits: int, occurred_at: int | None, origin: Origin) -> list[Seen]:
    """The observations of one AIS message: its armoured payload, its fill bits, its time (None when the
    input has given none yet) and where it came from."""
    first = payload[0]
    message_type = first - 48 if first < 88 else first - 56  # the six-bit value of the payload's first character
    if message_type not in USED_TYPES:
        return [Skipped(_SKIPPED_TYPE[message_type], origin)]
    bits = len(payload) * 6 - fill_bits
    if message_type == 24:
        return _static_data_report(payload, fill_bits, bits, occurred_at, origin)
    needed = _NEEDED_BITS[message_type]
    if bits < needed:
        return [Rejected(origin, f"AIS type {message_type} payload too short: {bits} bits, its fields need {needed}")]
    try:
        vector = bit_vector(payload, fill_bits)
        message = MSG_CLASS[message_type].from_vector(vector)
    except _UNDECODABLE as error:
        return [Rejected(origin, f"undecodable AIS type {message_type} payload: {error}")]
    mmsi = message.mmsi
    if occurred_at is None:
        return [not_a_ship(mmsi, origin) or Rejected(origin, NO_TIME_YET)]
    if message_type < 4:
        return [position_seen(mmsi=mmsi, occurred_at=occurred_at, origin=origin,
                              lat=_as_sent(message.lat, _UNITS_PER_DEGREE),
                              lon=_as_sent(message.lon, _UNITS_PER_DEGREE),
                              sog=message.speed, cog=message.course, heading=message.heading,
                              nav_status_code=int(message.status))]
    if message_type == 18:
        return [position_seen(mmsi=mmsi, occurred_at=occurred_at, origin=origin,
                              lat=_as_sent(message.lat, _UNITS_PER_DEGREE),
                              lon=_as_sent(message.lon, _UNITS_PER_DEGREE),
                              sog=message.speed, cog=message.course, heading=message.heading)]
    if message_type == 5:
        return _static_and_voyage_data(message, vector, bits, occurred_at, origin)
    if message_type == 19:
        return _extended_class_b_report(message, vector, occurred_at, origin)
    return [_long_range_report(message, occurred_at, origin)]


def _long_range_report(message: MessageType27, occurred_at: int, origin: Origin) -> Seen:
    """Type 27: position at 1/10 minute, speed and course in whole knots and degrees (63 and 511: none)."""
    speed, course = int(message.speed), int(message.course)
    return position_seen(
        mmsi=message.mmsi, occurred_at=occurred_at, origin=origin,
        lat=_as_sent(message.lat, _LONG_RANGE_UNITS_PER_DEGREE),
        lon=_as_sent(message.lon, _LONG_RANGE_UNITS_PER_DEGREE),
        sog=None if speed == _LONG_RANGE_SOG_NOT_AVAILABLE else float(speed),
        cog=None if course == _LONG_RANGE_COG_NOT_AVAILABLE else float(course),
        nav_status_code=int(message.status))


def _extended_class_b_report(message: MessageType19, vector: bit_vector, occurred_at: int,
                             origin: Origin) -> list[Seen]:
    """Type 19: a class B position with the ship's name, type and size in the same message."""
    other = not_a_ship(message.mmsi, origin)
    if other is not None:
        return [other]
    position = position_seen(mmsi=message.mmsi, occurred_at=occurred_at, origin=origin,
                             lat=_as_sent(message.lat, _UNITS_PER_DEGREE),
                             lon=_as_sent(message.lon, _UNITS_PER_DEGREE),
                             sog=message.speed, cog=message.course, heading=message.heading)
    particulars = particulars_seen(mmsi=message.mmsi, occurred_at=occurred_at, origin=origin,
                                   name=message.shipname,
                                   ship_type=ais.ship_type_from_code(vector.get(_TYPE_19_SHIP_TYPE, 8)),
                                   length=_sum_of_dimensions(message.to_bow, message.to_stern),
                                   beam=_sum_of_dimensions(message.to_port, message.to_starboard))
    return [position, *particulars]


def _static_and_voyage_data(message: MessageType5, vector: bit_vector, bits: int, occurred_at: int,
                            origin: Origin) -> list[Seen]:
    """Type 5: name, IMO, call sign, type, size, and the voyage: destination, draught, ETA."""
    other = not_a_ship(message.mmsi, origin)
    if other is not None:
        return [other]
    destination = message.destination
    if bits < _DESTINATION + 120 and destination:
        # Some transponders send a few bits short; keep only the characters that arrived whole.
        destination = destination[:max(0, (bits - _DESTINATION) // 6)]
    eta = eta_from_ais(message.month, message.day, message.hour, message.minute, occurred_at)
    seen = particulars_seen(mmsi=message.mmsi, occurred_at=occurred_at, origin=origin,
                            name=message.shipname, imo=message.imo or None, callsign=message.callsign,
                            ship_type=ais.ship_type_from_code(vector.get(_TYPE_5_SHIP_TYPE, 8)),
                            length=_sum_of_dimensions(message.to_bow, message.to_stern),
                            beam=_sum_of_dimensions(message.to_port, message.to_starboard),
                            destination=destination, draught=message.draught or None,
                            eta=eta if isinstance(eta, int) else None)
    if isinstance(eta, str):
        seen.append(Rejected(origin, f"{eta}; field dropped, rest of the record kept", "eta"))
    return seen or [Skipped(STATIC_DATA_NOT_AVAILABLE, origin)]


def _static_data_report(payload: bytes, fill_bits: int, bits: int, occurred_at: int | None,
                        origin: Origin) -> list[Seen]:
    """Type 24: part A carries the name; part B the type, call sign and size."""
    if bits < _PART_NUMBER_END:
        return [Rejected(origin, f"AIS type 24 payload too short: {bits} bits, no part number")]
    vector = bit_vector(payload, fill_bits)
    part = vector.get(_PART_NUMBER_END - 2, 2)
    if part > 1:
        return [Rejected(origin, f"AIS type 24 part number {part} does not exist (0 is part A, 1 part B)")]
    needed = _PART_B_BITS if part else _PART_A_BITS
    if bits < needed:
        return [Rejected(origin, f"AIS type 24 part {'AB'[part]} payload too short: {bits} bits, "
                                 f"its fields need {needed}")]
    try:
        message = MSG_CLASS[24].from_vector(vector)
    except _UNDECODABLE as error:
        return [Rejected(origin, f"undecodable AIS type 24 payload: {error}")]
    if occurred_at is None:
        return [not_a_ship(message.mmsi, origin) or Rejected(origin, NO_TIME_YET)]
    if part == 0:
        seen = particulars_seen(mmsi=message.mmsi, occurred_at=occurred_at, origin=origin, name=message.shipname)
        return seen or [Skipped(STATIC_DATA_NOT_AVAILABLE, origin)]
    # An auxiliary craft (MMSI 98xxxxxxx) sends its mother ship's MMSI where others send their size.
    bow, stern = getattr(message, "to_bow", 0), getattr(message, "to_stern", 0)
    port, starboard = getattr(message, "to_port", 0), getattr(message, "to_starboard", 0)
    seen = particulars_seen(mmsi=message.mmsi, occurred_at=occurred_at, origin=origin,
                            callsign=message.callsign, ship_type=ais.ship_type_from_code(message.ship_type),
                            length=_sum_of_dimensions(bow, stern), beam=_sum_of_dimensions(port, starboard))
    return seen or [Skipped(STATIC_DATA_NOT_AVAILABLE, origin)]


def _sum_of_dimensions(first: int, second: int) -> int | None:
    """Length (bow + stern) or beam (port + starboard) from the distances to the GPS antenna; 0 is unknown."""
    return first + second or None


def eta_from_ais(month: int, day: int, hour: int, minute: int, occurred_at: int) -> int | str | None:
    """The ETA an AIS type 5 gives (month, day, hour, minute, UTC, no year) as an instant.

    The year is the message's, or the next one when that moment would lie more than half a year before the
    message (an ETA of 3 January sent on 20 December). None when AIS says 'not available' (month 0, day 0,
    hour 24, minute 60); a reason when the values are no moment at all (month 13, 31 April).
    """
    if month == 0 or day == 0 or hour == 24 or minute == 60:
        return None
    year = to_datetime(occurred_at).year
    this_year, next_year = _eta_in(year, month, day, hour, minute), _eta_in(year + 1, month, day, hour, minute)
    if this_year is None and next_year is None:
        return f"ETA {month:02d}-{day:02d} {hour:02d}:{minute:02d} is no date and time"
    sent = to_datetime(occurred_at)
    if this_year is not None and (this_year >= sent - _HALF_YEAR or next_year is None):
        return from_datetime(this_year)
    return from_datetime(next_year)  # type: ignore[arg-type]


def _eta_in(year: int, month: int, day: int, hour: int, minute: int) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)
    except ValueError:
        return None
