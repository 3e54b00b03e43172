"""Events about a ship: it was registered, its details changed, it reported a position.

Validation happens at construction, so no invalid fact ever reaches the log. AIS 'not available' values
become None here; a report with no latitude or longitude is not a position and cannot be built.
Positions are kept to 1e-7 degree (about 1 cm) and speed and course to 0.1, the resolution AIS itself
carries, so the fold and the columnar index hold exactly the same numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from domain import ais
from domain.errors import PositionUnavailable
from domain.events.base import Event, event_type


def ship_stream(mmsi: int) -> str:
    """The stream id of a ship: ``ship-<mmsi>``."""
    return f"ship-{mmsi}"


def quantise_degrees(value: float) -> float:
    """A coordinate rounded to 1e-7 degree, in the exact float the index reproduces."""
    return round(value * 10_000_000) / 10_000_000


def quantise_tenths(value: float) -> float:
    """A speed or course rounded to 0.1, in the exact float the index reproduces."""
    return round(value * 10) / 10


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipEvent(Event):
    """An event on a ship's stream, identified by its MMSI."""

    mmsi: int

    @property
    def stream_id(self) -> str:
        return ship_stream(self.mmsi)

    def __post_init__(self) -> None:
        Event.__post_init__(self)
        if isinstance(self.mmsi, bool) or not isinstance(self.mmsi, int) or not 0 < self.mmsi <= 999_999_999:
            self._fail("mmsi", f"must be a number of at most 9 digits, got {self.mmsi!r}")

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def _check_text(self, name: str, max_length: int = 120) -> None:
        value = getattr(self, name)
        if value is None:
            return
        if not isinstance(value, str):
            self._fail(name, f"must be text, got {value!r}")
        cleaned = value.rstrip("@ ").strip()
        if len(cleaned) > max_length:
            self._fail(name, f"is longer than {max_length} characters")
        self._set(name, cleaned or None)

    def _check_positive(self, name: str, upper: float) -> None:
        value = getattr(self, name)
        if value is None:
            return
        if not _is_number(value) or not math.isfinite(value) or not 0 < value <= upper:
            self._fail(name, f"must be a number in (0, {upper}], got {value!r}")
        self._set(name, float(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipParticularsEvent(ShipEvent):
    """The fields of a ship's static data (what AIS message 5 / 24 carries), shared by the events that
    register a ship and change its details."""

    name: str | None = None
    imo: int | None = None
    callsign: str | None = None
    ship_type: str | None = None
    length: float | None = None
    beam: float | None = None

    def __post_init__(self) -> None:
        ShipEvent.__post_init__(self)
        self._check_text("name")
        self._check_text("callsign")
        imo = self.imo
        if imo is not None and (isinstance(imo, bool) or not isinstance(imo, int) or not 1_000_000 <= imo <= 9_999_999):
            self._fail("imo", f"must be a 7-digit IMO number, got {imo!r}")
        if self.ship_type is not None and self.ship_type not in ais.SHIP_TYPE_CODES:
            self._fail("ship_type", f"unknown ship type {self.ship_type!r}; known: {', '.join(ais.SHIP_TYPES)}")
        self._check_positive("length", 500.0)
        self._check_positive("beam", 100.0)


@event_type("ShipRegistered")
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipRegistered(ShipParticularsEvent):
    """A ship became known to the log, with the static data first seen for it."""


@event_type("ShipDetailsChanged")
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipDetailsChanged(ShipParticularsEvent):
    """Some of a ship's static or voyage data changed; fields left None did not change."""

    destination: str | None = None
    draught: float | None = None
    eta: int | None = None

    def __post_init__(self) -> None:
        ShipParticularsEvent.__post_init__(self)
        self._check_text("destination")
        self._check_positive("draught", 30.0)
        if self.eta is not None and (isinstance(self.eta, bool) or not isinstance(self.eta, int)):
            self._fail("eta", f"must be integer microseconds UTC, got {self.eta!r}")
        if not self.changed_fields():
            self._fail("name", "a details change must change at least one field")

    def changed_fields(self) -> dict[str, object]:
        """The fields this event sets (those not None)."""
        return {name: value for name, value in self.payload().items() if name != "mmsi" and value is not None}


@event_type("PositionReported")
@dataclass(frozen=True, slots=True, kw_only=True)
class PositionReported(ShipEvent):
    """A ship reported where it was, how fast and which way it was going."""

    lat: float
    lon: float
    sog: float | None = None
    cog: float | None = None
    heading: int | None = None
    nav_status: str | None = None

    def __post_init__(self) -> None:
        if self._plainly_valid():
            # The common case of a clean report (every import row, every live sentence): quantise and go.
            _set_rounded(self, self.lat, self.lon, self.sog, self.cog)
            return
        ShipEvent.__post_init__(self)
        self._check_coordinates()
        self._check_motion()
        if self.nav_status is not None and self.nav_status not in ais.NAV_STATUS_CODES:
            self._fail("nav_status", f"unknown navigational status {self.nav_status!r}")

    def _plainly_valid(self) -> bool:
        """True when every field is of its exact type and well inside its range (no sentinel, no NaN), so
        the full checks, which explain what is wrong, have nothing to find."""
        return _plain_position(self.mmsi, self.occurred_at, self.lat, self.lon, self.sog, self.cog, self.heading,
                               self.nav_status)

    @classmethod
    def plain(cls, mmsi: int, occurred_at: int, lat: float, lon: float, sog: float | None, cog: float | None,
              heading: int | None, nav_status: str | None) -> "PositionReported | None":
        """The report of plainly valid values (see ``_plainly_valid``), rounded as the constructor rounds
        them; None for any other values, which the constructor must judge (and say what is wrong). The hot
        path of every import row and every live sentence: it skips the constructor's keyword handling and
        its second look at every field."""
        if not _plain_position(mmsi, occurred_at, lat, lon, sog, cog, heading, nav_status):
            return None
        # rounded as ``_set_rounded`` rounds, before the report is made (each slot is then set once)
        return cls.from_checked(mmsi, occurred_at, round(lat * 10_000_000) / 10_000_000,
                                round(lon * 10_000_000) / 10_000_000, None if sog is None else round(sog * 10) / 10,
                                None if cog is None else (round(cog * 10) / 10) % 360.0, heading, nav_status)

    def _check_coordinates(self) -> None:
        for name, sentinel, limit in (("lat", ais.LAT_NOT_AVAILABLE, 90.0), ("lon", ais.LON_NOT_AVAILABLE, 180.0)):
            value = getattr(self, name)
            if value is None or (_is_number(value) and value == sentinel):
                raise PositionUnavailable(self.TYPE, name, "not available: a report without a position is not a position")
            if not _is_number(value) or not math.isfinite(value) or not -limit <= value <= limit:
                self._fail(name, f"must be within [-{limit:g}, {limit:g}], got {value!r}")
            self._set(name, quantise_degrees(float(value)))

    def _check_motion(self) -> None:
        sog, cog, heading = self.sog, self.cog, self.heading
        if sog is not None:
            if not _is_number(sog) or not math.isfinite(sog) or sog < 0:
                self._fail("sog", f"must be a speed of 0 knots or more, got {sog!r}")
            if abs(sog - ais.SOG_NOT_AVAILABLE) < 1e-9:
                sog = None
            elif sog > ais.SOG_MAX:
                self._fail("sog", f"must be at most {ais.SOG_MAX} knots, got {sog!r}")
            self._set("sog", None if sog is None else quantise_tenths(float(sog)))
        if cog is not None:
            if not _is_number(cog) or not math.isfinite(cog) or cog < 0 or cog > ais.COG_NOT_AVAILABLE:
                self._fail("cog", f"must be a course in [0, 360), got {cog!r}")
            value = None if cog == ais.COG_NOT_AVAILABLE else quantise_tenths(float(cog))
            self._set("cog", None if value is None else value % 360.0)
        if heading is not None:
            if _is_number(heading) and heading == ais.HEADING_NOT_AVAILABLE:
                self._set("heading", None)
            elif isinstance(heading, bool) or not isinstance(heading, int) or not 0 <= heading < 360:
                self._fail("heading", f"must be a whole number of degrees in [0, 360), got {heading!r}")

    @classmethod
    def from_checked(cls, mmsi: int, occurred_at: int, lat: float, lon: float, sog: float | None, cog: float | None,
                     heading: int | None, nav_status: str | None) -> "PositionReported":
        """Rebuild a report from the fields of one already built (validated and rounded) by this program,
        e.g. sent from a reading process as plain values: no checks and no rounding to repeat. Anything
        else must use the constructor."""
        report = _new(cls)
        _set_occurred_at(report, occurred_at)
        _set_mmsi(report, mmsi)
        _set_lat(report, lat)
        _set_lon(report, lon)
        _set_sog(report, sog)
        _set_cog(report, cog)
        _set_heading(report, heading)
        _set_nav_status(report, nav_status)
        return report

    @classmethod
    def from_ais(cls, *, mmsi: int, occurred_at: int, lat: float | None, lon: float | None, sog: float | None = None,
                 cog: float | None = None, heading: int | None = None, nav_status_code: int | None = None) -> "PositionReported":
        """Build a report from raw AIS field values (sentinels allowed; status as its code)."""
        nav_status = ais.nav_status_name(nav_status_code)
        return (cls.plain(mmsi, occurred_at, lat, lon, sog, cog, heading, nav_status)  # type: ignore[arg-type]
                or cls(mmsi=mmsi, occurred_at=occurred_at, lat=lat, lon=lon, sog=sog, cog=cog,  # type: ignore[arg-type]
                       heading=heading, nav_status=nav_status))


# The slots of a report, set directly (half the time of ``object.__setattr__`` by name: every import row).
_new = object.__new__
_set_occurred_at, _set_mmsi, _set_lat, _set_lon, _set_sog, _set_cog, _set_heading, _set_nav_status = (
    getattr(PositionReported, name).__set__ for name in ("occurred_at", "mmsi", "lat", "lon", "sog", "cog", "heading",
                                                         "nav_status"))


def _plain_position(mmsi: object, occurred_at: object, lat: object, lon: object, sog: object, cog: object,
                    heading: object, nav_status: object) -> bool:
    """Whether a position report's values are each of its exact type and well inside its range."""
    return (type(occurred_at) is int and type(mmsi) is int and 0 < mmsi <= 999_999_999
            and type(lat) is float and -90.0 <= lat <= 90.0 and type(lon) is float and -180.0 <= lon <= 180.0
            and (sog is None or (type(sog) is float and 0.0 <= sog <= ais.SOG_MAX))
            and (cog is None or (type(cog) is float and 0.0 <= cog < ais.COG_NOT_AVAILABLE))
            and (heading is None or (type(heading) is int and 0 <= heading < 360))
            and (nav_status is None or nav_status in ais.NAV_STATUS_CODES))


def _set_rounded(report: PositionReported, lat: float, lon: float, sog: float | None, cog: float | None) -> None:
    """Set a plainly valid report's position to 1e-7 degree and its speed and course to tenths, as
    ``quantise_degrees`` and ``quantise_tenths`` round them (written out: every import row passes here)."""
    _set_lat(report, round(lat * 10_000_000) / 10_000_000)
    _set_lon(report, round(lon * 10_000_000) / 10_000_000)
    _set_sog(report, None if sog is None else round(sog * 10) / 10)
    _set_cog(report, None if cog is None else (round(cog * 10) / 10) % 360.0)
