"""What an outside source said, before the log decides what it means.

Feeds (NMEA sentences, CSV rows, live receivers) turn each input record into observations: a position a
ship reported, static or voyage data it broadcast, a record set aside with its reason (quarantine), or a
record counted and skipped (GPS sentences, base stations, message types the fleet does not use). Every
observation keeps its ``Origin`` — source, line and raw text — so an operator can always trace a fact, or
a rejection, back to the byte it came from. Nothing here knows about storage: whether a static message is
a first registration or a change is decided by the import use case against what the log already holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Union

from domain import ais
from domain.errors import InvalidEvent, PositionUnavailable
from domain.events.ships import PositionReported, ShipDetailsChanged

MAX_RAW_CHARS = 1_000
PARTICULAR_FIELDS: tuple[str, ...] = (
    "name", "imo", "callsign", "ship_type", "length", "beam", "destination", "draught", "eta",
)
STATIC_FIELDS: tuple[str, ...] = ("name", "imo", "callsign", "ship_type", "length", "beam")
VOYAGE_FIELDS: tuple[str, ...] = ("destination", "draught", "eta")
POSITION_NOT_AVAILABLE = "position not available"


@dataclass(frozen=True, slots=True, init=False)
class Origin:
    """Where an observation came from: the file or feed as the user named it, the 1-based line (NMEA) or
    physical line of the row (CSV), and the raw text, cut to ``MAX_RAW_CHARS``. A live feed's lines have no
    number; ``received_at`` (µs) is when the line (the last line of a message in fragments) arrived, which
    names it as a line number names a file's: a replay of the feed's spool receives it again at that time."""

    source: str
    line: int | None
    raw: str
    received_at: int | None = None

    def __init__(self, source: str, line: int | None, raw: str, received_at: int | None = None) -> None:
        # Every input record makes one: its frozen slots are set through their descriptors (the generated
        # __init__ looks each one up by name, at twice the cost).
        _set_source(self, source)
        _set_line(self, line)
        _set_raw(self, raw)
        _set_received_at(self, received_at)

    @classmethod
    def of(cls, source: str, line: int | None, raw: str | bytes, received_at: int | None = None) -> "Origin":
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", errors="backslashreplace")
        raw = raw.rstrip("\r\n")
        return cls(source, line, raw if len(raw) <= MAX_RAW_CHARS else raw[:MAX_RAW_CHARS] + "…", received_at)


@dataclass(frozen=True, slots=True, init=False)
class PositionSeen:
    """A ship reported its position (already a valid ``PositionReported``). ``heard_by``: the receiving
    stations whose copies of the one transmission were merged into this report (empty when not known)."""

    report: PositionReported
    origin: Origin
    heard_by: tuple[str, ...] = ()

    def __init__(self, report: PositionReported, origin: Origin, heard_by: tuple[str, ...] = ()) -> None:
        _set_report(self, report)  # as ``Origin``: one for every position record
        _set_origin(self, origin)
        _set_heard_by(self, heard_by)


_set_source, _set_line, _set_raw, _set_received_at = (getattr(Origin, name).__set__
                                                    for name in ("source", "line", "raw", "received_at"))
_set_report, _set_origin, _set_heard_by = (getattr(PositionSeen, name).__set__
                                           for name in ("report", "origin", "heard_by"))


@dataclass(frozen=True, slots=True)
class ParticularsSeen:
    """A ship broadcast static or voyage data. ``fields`` holds only the fields this record carried, as
    valid domain values (names stripped of AIS '@' padding, ship type as its category, ETA in µs UTC)."""

    mmsi: int
    occurred_at: int
    fields: Mapping[str, object]
    origin: Origin


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record (or one field of it) set aside for the quarantine, with the reason and the offending field."""

    origin: Origin
    reason: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A well-formed record the fleet does not use, counted by ``what`` ('AIS type 8', 'base station',
    'not AIS: $GPGSV', 'position not available')."""

    what: str
    origin: Origin


Seen = Union[PositionSeen, ParticularsSeen, Rejected, Skipped]


def not_a_ship(mmsi: int, origin: Origin) -> Rejected | Skipped | None:
    """A Skipped for base stations, aids to navigation, SAR aircraft and beacons, a Rejected for an MMSI that
    is not 9 digits, None for a ship."""
    kind = ais.mmsi_kind(mmsi)
    if kind is None:
        return Rejected(origin, f"MMSI {mmsi!r} is not 9 digits", "mmsi")
    if kind != ais.SHIP:
        return Skipped(kind, origin)
    return None


def position_seen(*, mmsi: int, occurred_at: int, origin: Origin, lat: float | None, lon: float | None,
                  sog: float | None = None, cog: float | None = None, heading: int | None = None,
                  nav_status_code: int | None = None, nav_status: str | None = None) -> Seen:
    """The observation of one position record: a PositionSeen when valid, Skipped when AIS says the position
    is not available (lat 91 / lon 181), Rejected (with the field) when a value is out of range or the MMSI
    is no ship's. Give the status either as its AIS code or as its name."""
    other = not_a_ship(mmsi, origin)
    if other is not None:
        return other
    try:
        if nav_status is None:
            report = PositionReported.from_ais(mmsi=mmsi, occurred_at=occurred_at, lat=lat, lon=lon, sog=sog, cog=cog,
                                               heading=heading, nav_status_code=nav_status_code)
        else:
            report = (PositionReported.plain(mmsi, occurred_at, lat, lon, sog, cog, heading, nav_status)  # type: ignore[arg-type]
                      or PositionReported(mmsi=mmsi, occurred_at=occurred_at, lat=lat, lon=lon,  # type: ignore[arg-type]
                                          sog=sog, cog=cog, heading=heading, nav_status=nav_status))
    except PositionUnavailable:
        return Skipped(POSITION_NOT_AVAILABLE, origin)
    except InvalidEvent as error:
        return Rejected(origin, error.reason, error.field)
    return PositionSeen(report, origin)


def particulars_seen(*, mmsi: int, occurred_at: int, origin: Origin, **fields: object) -> list[Seen]:
    """The observations of one static/voyage record.

    Fields that are None (AIS 'not available') are left out. A field whose value breaks a rule (an IMO of
    five digits, a 900 m length) is dropped from the particulars and reported as its own Rejected, so the
    rest of the record is still used and nothing is dropped silently. Returns [] when nothing is left.
    """
    other = not_a_ship(mmsi, origin)
    if other is not None:
        return [other]
    unknown = set(fields) - set(PARTICULAR_FIELDS)
    if unknown:
        raise TypeError(f"not particulars: {sorted(unknown)}")
    seen: list[Seen] = []
    kept: dict[str, object] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.replace("@", " ").strip() or None  # AIS pads text with '@'
        if value is None:
            continue
        try:
            checked = ShipDetailsChanged(mmsi=mmsi, occurred_at=occurred_at, **{name: value})  # type: ignore[arg-type]
        except InvalidEvent as error:
            seen.append(Rejected(origin, f"{error.reason}; field dropped, rest of the record kept", error.field))
            continue
        cleaned = getattr(checked, name)
        if cleaned is not None:
            kept[name] = cleaned
    if kept:
        seen.insert(0, ParticularsSeen(mmsi, occurred_at, kept, origin))
    return seen
