"""What the console is looking at, as one object: the moment, "as known then", Live, the selected and the
followed ship, and the display choices (speed unit, time zone, trail length).

Every part of the console reads it here and hears of a change by its one signal; a part that wants a
change sends the command here (``select_ship``, ``follow``, ``go_to``, ``set_as_known_then``, ...). No
widget is the source of truth and no panel holds the window. The display choices start from the
operator's settings and are remembered there when they change.

The timeline is the console's clock: it clamps a moment to the log's range and leaves Live when the moment
leaves the head, so ``go_to`` asks it (``momentRequested``) and the moment it then chooses comes back
through ``set_moment``. ``momentChanged`` fires for each moment chosen, the same one again included (the
log may have grown under it), at most once per pass of the event loop while scrubbing.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ui.formatting import KNOTS, SPEED_UNITS, TIME_ZONES, UTC
from ui.settings import SPEED_UNIT, TIME_ZONE, TRAIL_MINUTES, UiSettings

TRAIL_CHOICES = ((10, "10 min"), (30, "30 min"), (60, "1 h"), (180, "3 h"), (0, "Off"))


class ConsoleState(QObject):
    """The moment, the mode, the selection and the display choices of one console."""

    momentChanged = Signal("qint64")    # µs UTC: the moment chosen (draw it)
    momentRequested = Signal("qint64")  # someone asks for a moment: the timeline clamps it and chooses it
    asKnownThenChanged = Signal(bool)
    liveChanged = Signal(bool)
    selectionChanged = Signal(object)   # MMSI or None
    revealRequested = Signal(int)       # MMSI just selected elsewhere than on the map: bring it into view
    followedChanged = Signal(object)    # MMSI the map keeps centred, or None
    speedUnitChanged = Signal(str)      # ui.formatting.KNOTS or KMH
    timeZoneChanged = Signal(str)       # ui.formatting.UTC or LOCAL
    trailMinutesChanged = Signal(int)   # 0: no trails

    def __init__(self, settings: UiSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self._moment: int | None = None
        self._as_known_then = False
        self._live = False
        self._selected: int | None = None
        self._followed: int | None = None
        unit, zone, minutes = settings.get(SPEED_UNIT), settings.get(TIME_ZONE), settings.get(TRAIL_MINUTES)
        self._speed_unit = unit if unit in SPEED_UNITS else KNOTS
        self._time_zone = zone if zone in TIME_ZONES else UTC
        self._trail_minutes = minutes if minutes in dict(TRAIL_CHOICES) else TRAIL_MINUTES.default

    # --- what it is -------------------------------------------------------------------------------------------

    @property
    def moment(self) -> int | None:
        """The moment shown (µs UTC), None before the first."""
        return self._moment

    @property
    def as_known_then(self) -> bool:
        return self._as_known_then

    @property
    def live(self) -> bool:
        return self._live

    @property
    def selected_ship(self) -> int | None:
        return self._selected

    @property
    def followed_ship(self) -> int | None:
        return self._followed

    @property
    def speed_unit(self) -> str:
        return self._speed_unit

    @property
    def time_zone(self) -> str:
        return self._time_zone

    @property
    def trail_minutes(self) -> int:
        return self._trail_minutes

    def known_at(self, at: int) -> int | None:
        """The 'known at' bound for reading the log at ``at``: ``at`` itself as known then, otherwise None."""
        return at if self._as_known_then else None

    # --- commands ---------------------------------------------------------------------------------------------

    def set_moment(self, at: int) -> None:
        """The moment chosen (by the timeline): everything on screen shows it."""
        self._moment = at
        self.momentChanged.emit(at)

    def go_to(self, at: int) -> None:
        """Ask for the moment ``at`` (clamped to the log; leaving the head leaves Live)."""
        self.momentRequested.emit(at)

    def set_as_known_then(self, on: bool) -> None:
        """Show only what the log had recorded by the moment (or everything it has now)."""
        if on != self._as_known_then:
            self._as_known_then = on
            self.asKnownThenChanged.emit(on)

    def set_live(self, on: bool) -> None:
        """Follow the head of the log as it grows (or stay at the moment chosen)."""
        if on != self._live:
            self._live = on
            self.liveChanged.emit(on)

    def select_ship(self, mmsi: int | None, *, reveal: bool = True) -> None:
        """Make one ship (or none) the selected one; with ``reveal``, the map brings it into view (not wanted
        when it was clicked there)."""
        if mmsi == self._selected:
            return
        self._selected = mmsi
        self.selectionChanged.emit(mmsi)
        if mmsi is not None and reveal:
            self.revealRequested.emit(mmsi)

    def follow(self, mmsi: int) -> None:
        """Select a ship and keep the map centred on it (what double-clicking it on the map does)."""
        self.select_ship(mmsi, reveal=False)
        self.set_followed(mmsi)

    def set_followed(self, mmsi: int | None) -> None:
        """The ship the map keeps centred (None: the map stays where it is)."""
        if mmsi != self._followed:
            self._followed = mmsi
            self.followedChanged.emit(mmsi)

    def set_speed_unit(self, unit: str) -> None:
        """Write speeds in knots or km/h (``ui.formatting.KNOTS`` / ``KMH``); remembered."""
        self._speed_unit = unit
        self.settings.set(SPEED_UNIT, unit)
        self.speedUnitChanged.emit(unit)

    def set_time_zone(self, zone: str) -> None:
        """Write every time in UTC or local time (``ui.formatting.UTC`` / ``LOCAL``); remembered."""
        self._time_zone = zone
        self.settings.set(TIME_ZONE, zone)
        self.timeZoneChanged.emit(zone)

    def set_trail_minutes(self, minutes: int) -> None:
        """Draw each ship's last ``minutes`` of track (0: no trails); remembered."""
        self._trail_minutes = minutes
        self.settings.set(TRAIL_MINUTES, minutes)
        self.trailMinutesChanged.emit(minutes)
