"""Events a rule raises about a ship: alerts an operator must acknowledge, and notices that need no one.

Every event of this family is an ``AlertEvent`` on the ship's stream (``ship-<mmsi>``, so the store keeps
the MMSI in the stream id, not in the payload) with

- ``alert_id``: a deterministic id chosen by whoever raises it (a rule derives it from the ship, the rule
  and the episode, e.g. ``speed:235012345:20261125T1403``), so raising the same alert twice is visibly the
  same alert; an operator's ``AlertAcknowledged`` names it;
- ``severity``: ``info``, ``warning`` or ``critical`` (how grave the finding is, as the rule measured it);
- ``priority``: how the bridge must treat it (IMO MSC.302(87), IEC 62923): ``emergency``, ``alarm``,
  ``warning`` or ``caution``, chosen per rule by the settings (``[priorities]``);
- ``summary``: one line an operator reads in the alerts panel.

Schema version 2 added ``priority``; a version 1 payload is upcast with the priority its severity meant
(critical an alarm, warning a warning, info and every notice a caution). The states an alert passes
through (rectified, silenced, escalated, transferred, acknowledged) are events of their own
(``domain.events.alert_states``), folded by ``domain.alert_board``.

**Alerts** (``NEEDS_ACKNOWLEDGEMENT = True``) stay open until an operator acknowledges them:
``SpeedLimitExceeded``, ``ZoneEntered``, ``SignalLost`` (a dark ship), ``CloseQuarters`` and ``Loitering``
(a ship stopped outside any port for too long).

**Notices** (``NEEDS_ACKNOWLEDGEMENT = False``) are plain facts shown for context and never wait for an
operator: ``ZoneExited``, ``SignalRestored``, ``PortArrived`` and ``PortDeparted``. The rule that raises
one also rectifies the alert that began its episode (``AlertRectified``): a ship that went dark and came
back is no longer dark, but someone should still acknowledge that it went dark.

**Momentary** alerts (``MOMENTARY = True``) describe one report, not a lasting condition: a notice, or a
``PositionJumped`` (a report farther from the last than any ship could sail in the time). The board takes
them as rectified the moment they are raised.

Fields are validated at construction like the other families: ids and texts non-empty, latitudes and
longitudes in range (kept to 1e-7 degree), speeds in knots within what AIS can carry (kept to 0.1),
durations and distances non-negative. Payload fields are plain int/float/str/None, as the codec stores them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

from domain import ais
from domain.events.base import event_type
from domain.events.ships import ShipEvent, quantise_degrees, quantise_tenths
from domain.events.upcasting import UPCASTERS

SEVERITIES = ("info", "warning", "critical")
EMERGENCY, ALARM, WARNING, CAUTION = "emergency", "alarm", "warning", "caution"
PRIORITIES = (EMERGENCY, ALARM, WARNING, CAUTION)
"""Bridge alert priorities, most urgent first (IMO MSC.302(87)): emergency alarm, alarm, warning, caution."""
LEGACY_PRIORITY = {"critical": ALARM, "warning": WARNING, "info": CAUTION}
"""The priority a schema-1 alert's severity meant (and the default when a raiser names none)."""
MAX_ALERT_ID_LENGTH = 200
MAX_SUMMARY_LENGTH = 500
MAX_NAME_LENGTH = 80
_DAY_SECONDS = 86_400.0


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertEvent(ShipEvent):
    """Something a rule noticed about one ship. Concrete types add their own fields."""

    alert_id: str
    severity: str
    summary: str
    priority: str | None = None  # None: the priority the severity means (``LEGACY_PRIORITY``)

    NEEDS_ACKNOWLEDGEMENT: ClassVar[bool] = True
    MOMENTARY: ClassVar[bool] = False

    def __post_init__(self) -> None:
        ShipEvent.__post_init__(self)
        if not isinstance(self.alert_id, str) or not self.alert_id.strip():
            self._fail("alert_id", "must name the alert")
        if self.alert_id != self.alert_id.strip() or len(self.alert_id) > MAX_ALERT_ID_LENGTH:
            self._fail("alert_id", f"must be at most {MAX_ALERT_ID_LENGTH} characters, without surrounding spaces")
        if self.severity not in SEVERITIES:
            self._fail("severity", f"must be one of {', '.join(SEVERITIES)}, got {self.severity!r}")
        self._require_name("summary", MAX_SUMMARY_LENGTH)
        if self.priority is None:
            self._set("priority", LEGACY_PRIORITY[self.severity] if self.NEEDS_ACKNOWLEDGEMENT else CAUTION)
        elif self.priority not in PRIORITIES:
            self._fail("priority", f"must be one of {', '.join(PRIORITIES)}, got {self.priority!r}")

    # --- checks shared by the concrete types ---------------------------------------------------------------

    def _require_name(self, name: str, max_length: int = MAX_NAME_LENGTH, *, optional: bool = False) -> None:
        value = getattr(self, name)
        if value is None and optional:
            return
        if not isinstance(value, str) or not value.strip():
            self._fail(name, "must be some text")
        cleaned = value.strip()
        if len(cleaned) > max_length:
            self._fail(name, f"is longer than {max_length} characters")
        self._set(name, cleaned)

    def _require_number(self, name: str, low: float, high: float, *, optional: bool = False,
                        tenths: bool = False) -> None:
        value = getattr(self, name)
        if value is None and optional:
            return
        if not _is_number(value) or not low <= value <= high:
            self._fail(name, f"must be a number in [{low:g}, {high:g}], got {value!r}")
        self._set(name, quantise_tenths(float(value)) if tenths else float(value))

    def _require_position(self) -> None:
        for name, limit in (("lat", 90.0), ("lon", 180.0)):
            value = getattr(self, name)
            if not _is_number(value) or not -limit <= value <= limit:
                self._fail(name, f"must be within [-{limit:g}, {limit:g}], got {value!r}")
            self._set(name, quantise_degrees(float(value)))

    def _require_mmsi(self, name: str) -> None:
        value = getattr(self, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 999_999_999:
            self._fail(name, f"must be a number of at most 9 digits, got {value!r}")


@event_type("SpeedLimitExceeded", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class SpeedLimitExceeded(AlertEvent):
    """A ship went faster than a limit (the limit of a zone, or a general one when ``zone`` is None)."""

    sog: float
    limit: float
    zone: str | None = None

    def __post_init__(self) -> None:
        AlertEvent.__post_init__(self)
        self._require_number("sog", 0.0, ais.SOG_MAX, tenths=True)
        self._require_number("limit", 0.0, ais.SOG_MAX, tenths=True)
        if not self.sog > self.limit:
            self._fail("sog", f"{self.sog:g} kn does not exceed the limit of {self.limit:g} kn")
        self._require_name("zone", optional=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneEvent(AlertEvent):
    """A ship crossed the edge of a named zone, at this position."""

    zone: str
    lat: float
    lon: float

    def __post_init__(self) -> None:
        AlertEvent.__post_init__(self)
        self._require_name("zone")
        self._require_position()


@event_type("ZoneEntered", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneEntered(ZoneEvent):
    """A ship entered a watched zone: an alert."""


@event_type("ZoneExited", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneExited(ZoneEvent):
    """A ship left a watched zone: a notice."""

    NEEDS_ACKNOWLEDGEMENT: ClassVar[bool] = False
    MOMENTARY: ClassVar[bool] = True


@event_type("SignalLost", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class SignalLost(AlertEvent):
    """No report from a ship for longer than ``threshold_s`` since its last one (a dark ship)."""

    last_report_at: int
    threshold_s: float

    def __post_init__(self) -> None:
        AlertEvent.__post_init__(self)
        last = self.last_report_at
        if isinstance(last, bool) or not isinstance(last, int):
            self._fail("last_report_at", f"must be integer microseconds UTC, got {last!r}")
        if last > self.occurred_at:
            self._fail("last_report_at", "must not be after the signal was found lost")
        self._require_number("threshold_s", 1.0, 30 * _DAY_SECONDS)


@event_type("SignalRestored", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class SignalRestored(AlertEvent):
    """A ship that had gone quiet reported again, ``gap_s`` seconds after its previous report and
    ``jump_m`` metres from where that one put it: a notice."""

    gap_s: float
    jump_m: float

    NEEDS_ACKNOWLEDGEMENT: ClassVar[bool] = False
    MOMENTARY: ClassVar[bool] = True

    def __post_init__(self) -> None:
        AlertEvent.__post_init__(self)
        self._require_number("gap_s", 0.0, 365 * _DAY_SECONDS)
        self._require_number("jump_m", 0.0, 20_100_000.0)  # half the Earth's circumference


@event_type("CloseQuarters", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class CloseQuarters(AlertEvent):
    """Two ships will pass (or are passing) closer than is safe: closest point of approach ``cpa_m``
    metres in ``tcpa_s`` seconds (negative: the closest point was that long ago)."""

    other_mmsi: int
    cpa_m: float
    tcpa_s: float

    def __post_init__(self) -> None:
        AlertEvent.__post_init__(self)
        self._require_mmsi("other_mmsi")
        if self.other_mmsi == self.mmsi:
            self._fail("other_mmsi", "a ship cannot close with itself")
        self._require_number("cpa_m", 0.0, 1_000_000.0)
        self._require_number("tcpa_s", -_DAY_SECONDS, _DAY_SECONDS)


@dataclass(frozen=True, slots=True, kw_only=True)
class PortEvent(AlertEvent):
    """A ship arrived at or left a port; ``dwell_s`` is how long it stayed, when known."""

    port: str
    dwell_s: float | None = None

    NEEDS_ACKNOWLEDGEMENT: ClassVar[bool] = False
    MOMENTARY: ClassVar[bool] = True

    def __post_init__(self) -> None:
        AlertEvent.__post_init__(self)
        self._require_name("port")
        self._require_number("dwell_s", 0.0, 3_650 * _DAY_SECONDS, optional=True)


@event_type("PortArrived", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class PortArrived(PortEvent):
    """A ship arrived in port: a notice."""


@event_type("PortDeparted", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class PortDeparted(PortEvent):
    """A ship left port: a notice."""


@event_type("Loitering", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class Loitering(AlertEvent):
    """A ship has stayed slower than a loitering speed outside any port since ``since`` (microseconds UTC),
    for at least ``threshold_s`` seconds, and was last seen at ``lat``, ``lon``: stopped or anchored where it
    has no business waiting, or drifting."""

    lat: float
    lon: float
    since: int
    threshold_s: float

    def __post_init__(self) -> None:
        AlertEvent.__post_init__(self)
        self._require_position()
        since = self.since
        if isinstance(since, bool) or not isinstance(since, int):
            self._fail("since", f"must be integer microseconds UTC, got {since!r}")
        if since > self.occurred_at:
            self._fail("since", "must not be after the ship was found loitering")
        self._require_number("threshold_s", 1.0, 30 * _DAY_SECONDS)


@event_type("PositionJumped")
@dataclass(frozen=True, slots=True, kw_only=True)
class PositionJumped(AlertEvent):
    """A report put the ship ``jump_m`` metres from its previous one, ``gap_s`` seconds earlier: farther than
    ``max_kn`` would carry it, so one of the two positions is wrong (bad data, or spoofing). Momentary."""

    lat: float
    lon: float
    jump_m: float
    gap_s: float
    max_kn: float

    MOMENTARY: ClassVar[bool] = True

    def __post_init__(self) -> None:
        AlertEvent.__post_init__(self)
        self._require_position()
        self._require_number("jump_m", 0.0, 20_100_000.0)
        self._require_number("gap_s", 0.0, 365 * _DAY_SECONDS)
        self._require_number("max_kn", 0.0, 10_000.0, tenths=True)


ALERT_EVENT_TYPES: tuple[type[AlertEvent], ...] = (SpeedLimitExceeded, ZoneEntered, ZoneExited, SignalLost,
                                                   SignalRestored, CloseQuarters, PortArrived, PortDeparted,
                                                   Loitering, PositionJumped)
ALERT_TYPE_NAMES: tuple[str, ...] = tuple(cls.TYPE for cls in ALERT_EVENT_TYPES)


def _with_legacy_priority(notice: bool) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def upcast(payload: dict[str, Any]) -> dict[str, Any]:
        payload["priority"] = CAUTION if notice else LEGACY_PRIORITY.get(payload.get("severity", ""), WARNING)
        return payload
    return upcast


for _cls in ALERT_EVENT_TYPES:
    if _cls is not PositionJumped:  # born with a priority, at version 1
        UPCASTERS.register(_cls.TYPE, 1)(_with_legacy_priority(not _cls.NEEDS_ACKNOWLEDGEMENT))
