"""What happens to an alert after it is raised: the events the alert board folds into its state.

IEC 62923 (bridge alert management) gives an alert these states: active-unacknowledged, active-silenced,
active-acknowledged, active-responsibility-transferred, rectified-unacknowledged and normal. Each move
between them is one of these events, so the state of every alert at any past moment is a fold of the log
(``domain.alert_board``):

- ``AlertRectified`` (rules, on the ship's stream): the condition ended (the encounter opened past its
  CPA, the signal came back, the ship left the zone, slowed under the limit), ``reason`` saying what ended it;
- ``AlertEscalated`` (rules, on the ship's stream): a warning nobody acknowledged for ``after_s`` became
  an alarm; judged by the clock only while a console watches live;
- ``AlertSilenced`` (operator): the audible signal stops for ``duration_s`` (30 s), then sounds again if
  the alert is still unacknowledged;
- ``AlertResponsibilityTransferred`` (operator): the alert is handed to ``to_operator``;
- ``AlertsSuppressed`` (operator): the ship's alerts of one type (or of every type, ``alert_type`` None)
  are acknowledged now and, until ``until``, as they are raised, for ``reason`` (nuisance control).

``AlertAcknowledged`` (``domain.events.operators``) is the acknowledgement itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import event_type
from domain.events.operators import OperatorEvent
from domain.events.ships import ShipEvent

SILENCE_S = 30.0
"""How long a silenced alert stays silent (IEC 62923: 30 s), then sounds again if still unacknowledged."""
MAX_REASON_LENGTH = 500


def _check_alert_id(event: ShipEvent | OperatorEvent, value: object) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        event._fail("alert_id", "must name the alert (at most 200 characters)")


def _check_text(event: ShipEvent | OperatorEvent, name: str, max_length: int) -> None:
    value = getattr(event, name)
    if not isinstance(value, str) or not value.strip():
        event._fail(name, "must be some text")
    if len(value) > max_length:
        event._fail(name, f"is longer than {max_length} characters")


@event_type("AlertRectified")
@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRectified(ShipEvent):
    """The condition of an alert ended; ``reason`` says what ended it ("slowed to 9.4 kn", "reported again")."""

    alert_id: str
    reason: str

    def __post_init__(self) -> None:
        ShipEvent.__post_init__(self)
        _check_alert_id(self, self.alert_id)
        _check_text(self, "reason", MAX_REASON_LENGTH)


@event_type("AlertEscalated")
@dataclass(frozen=True, slots=True, kw_only=True)
class AlertEscalated(ShipEvent):
    """A warning left unacknowledged for ``after_s`` seconds became an alarm (IMO MSC.302(87))."""

    alert_id: str
    after_s: float

    def __post_init__(self) -> None:
        ShipEvent.__post_init__(self)
        _check_alert_id(self, self.alert_id)
        value = self.after_s
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value <= 86_400.0:
            self._fail("after_s", f"must be a number of seconds in (0, 86400], got {value!r}")
        object.__setattr__(self, "after_s", float(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertOperatorEvent(OperatorEvent):
    """An operator's move on one alert, on the stream of the alert's ship."""

    alert_id: str

    def __post_init__(self) -> None:
        OperatorEvent.__post_init__(self)
        if self.mmsi is None:
            self._fail("mmsi", "must name the alert's ship")
        _check_alert_id(self, self.alert_id)


@event_type("AlertSilenced")
@dataclass(frozen=True, slots=True, kw_only=True)
class AlertSilenced(AlertOperatorEvent):
    """An operator silenced an alert's audible signal for ``duration_s`` seconds."""

    duration_s: float = SILENCE_S

    def __post_init__(self) -> None:
        AlertOperatorEvent.__post_init__(self)
        value = self.duration_s
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value <= 3_600.0:
            self._fail("duration_s", f"must be a number of seconds in (0, 3600], got {value!r}")
        object.__setattr__(self, "duration_s", float(value))


@event_type("AlertResponsibilityTransferred")
@dataclass(frozen=True, slots=True, kw_only=True)
class AlertResponsibilityTransferred(AlertOperatorEvent):
    """An operator handed an alert to ``to_operator`` (another watch, another console)."""

    to_operator: str
    comment: str | None = None

    def __post_init__(self) -> None:
        AlertOperatorEvent.__post_init__(self)
        _check_text(self, "to_operator", 80)
        if self.to_operator.strip() != self.to_operator:
            self._fail("to_operator", "must not begin or end with spaces")
        if self.comment is not None and (not isinstance(self.comment, str) or len(self.comment) > 2_000):
            self._fail("comment", "must be text of at most 2,000 characters")


@event_type("AlertsSuppressed")
@dataclass(frozen=True, slots=True, kw_only=True)
class AlertsSuppressed(OperatorEvent):
    """An operator acknowledged a ship's alerts of ``alert_type`` (every type when None) and suppressed
    the ones raised until ``until`` (microseconds UTC), for ``reason``."""

    alert_type: str | None
    until: int
    reason: str

    def __post_init__(self) -> None:
        OperatorEvent.__post_init__(self)
        if self.mmsi is None:
            self._fail("mmsi", "must name the ship")
        if self.alert_type is not None and (not isinstance(self.alert_type, str) or not self.alert_type):
            self._fail("alert_type", "must name an alert type, or be None for every type")
        if isinstance(self.until, bool) or not isinstance(self.until, int) or self.until <= self.occurred_at:
            self._fail("until", "must be integer microseconds UTC after the suppression")
        _check_text(self, "reason", MAX_REASON_LENGTH)


ALERT_STATE_TYPES = (AlertRectified, AlertEscalated, AlertSilenced, AlertResponsibilityTransferred, AlertsSuppressed)
ALERT_STATE_TYPE_NAMES: tuple[str, ...] = tuple(cls.TYPE for cls in ALERT_STATE_TYPES)
