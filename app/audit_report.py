"""What an audit report says: the content every format (PDF, CSV, JSON) is rendered from.

A report covers the events that occurred in a time range, for all ships or a chosen few. It is built from
the log in two kinds of pass, so a day of a large fleet (≈1,000,000 events) needs bounded memory:
- figures that summarise — events by type, each ship's distance sailed and time under way, at anchor
  and moored, its status changes, a decimated track — come from the temporal index and a few small queries;
- the listing of every event is not held: ``AuditReport.listing()`` reads it from the log again, in log
  order, each time a renderer asks for it.
The changes between the range's start and end (``changes``: ships moved, appeared, changed status,
destination or particulars; alerts; zones — ``app.fleet_diff``) go in the PDF's summary, the JSON summary and,
for a CSV report, a file of their own beside it (``app.report_changes``).
The integrity section records which log positions the report covers, the hashes of the first and last of
them, the chain head and the result of verifying the whole chain when the report was made, so a reader
can check the report against the log (``report --verify``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol

import numpy as np

from app.fleet_diff import diff_document, fleet_diff
from app.fleet_view import FleetView
from app.zone_desk import zones_in_force
from domain import ais
from domain.alert_board import AlertView
from domain.events import RecordedEvent, ship_stream
from domain.fleet_diff import FleetDiff, Moment
from domain.time import format_instant, now_micros
from domain.tracks import Track

EARTH_RADIUS_NM = 3_440.065
MAX_GAP_S = 30 * 60          # a gap between reports longer than this is counted as 'no reports', not as a status
TRACK_ROWS = 60               # rows in a ship's decimated track table
PLOT_POINTS = 600             # points of a ship's decimated speed plot
MAP_POINTS_PER_SHIP = 400     # points of a ship's track on the report's map
STATUS_CHANGES_KEPT = 40      # a ship's first status changes, listed; the rest are counted (all are in the log)
UNDER_WAY = frozenset({"under way using engine", "under way sailing", "engaged in fishing", "restricted manoeuvrability",
                       "constrained by her draught", "towing astern", "pushing ahead or towing alongside",
                       "not under command"})


# The parts of a PDF report an operator may leave out. The title page and the integrity section are always
# there: a report that cannot be checked against the log is no audit report. CSV and JSON files always hold
# their whole layout (the listing is what they are).
SECTIONS = ("summary", "map", "ships", "listing")
SECTION_TITLES = {"summary": "Summary", "map": "Map of the tracks", "ships": "A section per ship",
                  "listing": "Event listing"}


class ReportError(ValueError):
    """A report that cannot be made as asked (an empty range, an unknown zone, a ship not in the log)."""


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: the range of ``occurred_at`` (inclusive), the ships (empty: all), the zone (only
    the ships that reported inside it), and which optional parts of a PDF to draw (``SECTIONS``)."""

    start: int
    end: int
    ships: tuple[int, ...] = ()
    zone: str | None = None
    sections: frozenset[str] = frozenset(SECTIONS)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ReportError(f"the range ends ({format_instant(self.end)}) before it starts "
                              f"({format_instant(self.start)})")
        object.__setattr__(self, "sections", frozenset(self.sections))
        unknown = sorted(self.sections - set(SECTIONS))
        if unknown:
            raise ReportError(f"unknown report section {', '.join(unknown)} (sections: {', '.join(SECTIONS)})")

    def includes(self, section: str) -> bool:
        """Whether a PDF of this request draws ``section`` (one of ``SECTIONS``)."""
        return section in self.sections

    def as_json(self) -> dict[str, Any]:
        return {"from": format_instant(self.start), "to": format_instant(self.end), "ships": list(self.ships),
                "zone": self.zone}


@dataclass(frozen=True)
class TrackSample:
    """A ship's track reduced for print: at most ``limit`` rows spread evenly over its reports (the first
    and last always kept), with how many reports there were."""

    occurred: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    status: np.ndarray
    total: int

    @property
    def decimated(self) -> bool:
        return len(self.occurred) < self.total


@dataclass(frozen=True)
class StatusChange:
    at: int
    before: str | None
    after: str | None


@dataclass
class ShipSection:
    """One ship in the report: its static and voyage data (as known at the end of the range), what it
    did in the range, and its track reduced for print."""

    mmsi: int
    name: str | None
    imo: int | None
    callsign: str | None
    ship_type: str | None
    length: float | None
    beam: float | None
    destination: str | None
    draught: float | None
    eta: int | None
    reports: int
    first_report: int | None
    last_report: int | None
    distance_nm: float
    seconds_by_state: dict[str, float]            # 'under way', 'at anchor', 'moored', 'other', 'no reports'
    status_changes: list[StatusChange]             # the first STATUS_CHANGES_KEPT of them
    status_change_count: int                       # all of them
    table: TrackSample                             # for the track table (TRACK_ROWS)
    plot: TrackSample                              # for the speed plot (PLOT_POINTS)
    map_track: TrackSample                         # for the map picture (MAP_POINTS_PER_SHIP)

    @property
    def label(self) -> str:
        return f"{self.name} · {self.mmsi}" if self.name else f"MMSI {self.mmsi}"


@dataclass(frozen=True)
class AlertLine:
    alert_id: str
    type: str
    severity: str
    mmsi: int
    raised_at: int
    summary: str
    state: str
    acknowledged_by: str | None
    acknowledged_at: int | None
    comment: str | None


@dataclass(frozen=True)
class NoteLine:
    at: int
    operator: str
    mmsi: int | None
    text: str


@dataclass(frozen=True)
class Integrity:
    """Where the report sits in the log and whether the log verified when the report was made."""

    first_position: int | None
    last_position: int | None
    first_hash: str | None
    last_hash: str | None
    head_position: int
    head_hash: str
    verified: bool
    verified_events: int
    problem: str | None
    first_bad_position: int | None
    checked_at: int

    def as_json(self) -> dict[str, Any]:
        return {"first_position": self.first_position, "last_position": self.last_position,
                "first_hash": self.first_hash, "last_hash": self.last_hash, "head_position": self.head_position,
                "head_hash": self.head_hash,
                "verify": {"ok": self.verified, "events": self.verified_events, "problem": self.problem,
                           "first_bad_position": self.first_bad_position},
                "checked_at": format_instant(self.checked_at)}


@dataclass
class AuditReport:
    """Everything a renderer needs; the listing is read from the log when asked for."""

    request: ReportRequest
    store: str
    generated_at: int
    generated_by: str
    software: str
    events: int
    events_by_type: dict[str, int]
    ships: list[ShipSection]
    alerts: list[AlertLine]
    notes: list[NoteLine]
    integrity: Integrity
    changes: FleetDiff | None = None    # what changed between the range's start and end (see changes_json)
    _listing: Callable[[], Iterator[RecordedEvent]] = field(repr=False, default=lambda: iter(()))

    def listing(self) -> Iterator[RecordedEvent]:
        """Every event of the report, in log order, read from the log now (never held in memory)."""
        return self._listing()

    def summary_json(self) -> dict[str, Any]:
        return {
            "request": self.request.as_json(), "store": self.store, "generated_at": format_instant(self.generated_at),
            "generated_by": self.generated_by, "software": self.software, "events": self.events,
            "events_by_type": dict(sorted(self.events_by_type.items())),
            "ships": [{"mmsi": s.mmsi, "name": s.name, "ship_type": s.ship_type, "reports": s.reports,
                       "distance_nm": round(s.distance_nm, 2),
                       "seconds_by_state": {k: round(v, 1) for k, v in s.seconds_by_state.items()},
                       "status_changes": s.status_change_count} for s in self.ships],
            "alerts": [{"alert_id": a.alert_id, "type": a.type, "severity": a.severity, "mmsi": a.mmsi,
                        "raised_at": format_instant(a.raised_at), "summary": a.summary, "state": a.state,
                        "acknowledged_by": a.acknowledged_by,
                        "acknowledged_at": None if a.acknowledged_at is None else format_instant(a.acknowledged_at),
                        "comment": a.comment} for a in self.alerts],
            "notes": [{"at": format_instant(n.at), "operator": n.operator, "mmsi": n.mmsi, "text": n.text}
                      for n in self.notes],
            "changes": None if self.changes is None else diff_document(self.changes),
        }


# --- building ---------------------------------------------------------------------------------------------------


class AlertsAt(Protocol):
    def alerts_at(self, at: int, known_at: int | None = None) -> list[AlertView]: ...


def build_report(fleet: FleetView, alerts: AlertsAt, request: ReportRequest, *, generated_by: str, software: str,
                 clock: Callable[[], int] = now_micros, progress: Callable[[str], None] = lambda _step: None
                 ) -> AuditReport:
    """Gather the report's content from ``fleet`` (its store and temporal index) and ``alerts``."""
    store = fleet.store
    chosen = list(request.ships)
    if request.zone is not None:
        progress("finding the ships in the zone")
        chosen = ships_in_zone(fleet, request)
    streams = [ship_stream(mmsi) for mmsi in chosen]
    only = streams if (request.ships or request.zone is not None) else None  # None: every stream
    progress("counting events")
    counts = store.count_by_type(occurred_from=request.start, occurred_to=request.end, stream_names=only)
    span = store.position_span(occurred_from=request.start, occurred_to=request.end, stream_names=only)
    progress("summarising ships")
    mmsis = chosen if (request.ships or request.zone is not None) else fleet.ships_reporting(request.start,
                                                                                              request.end)
    ships = [section for mmsi in mmsis if (section := _ship_section(fleet, mmsi, request)) is not None]
    if request.ships and len(ships) < len(request.ships):
        missing = sorted(set(request.ships) - {s.mmsi for s in ships})
        known = {mmsi for mmsi in missing if fleet.ship_details(mmsi, request.end) is not None}
        unknown = [mmsi for mmsi in missing if mmsi not in known]
        if unknown:
            raise ReportError(f"no ship with MMSI {', '.join(map(str, unknown))} in this store")
    progress("collecting alerts and notes")
    alert_lines = _alerts(alerts, request)
    progress("comparing the fleet at the range's start and end")
    changes = fleet_diff(fleet, alerts, Moment(request.start), Moment(request.end))
    if request.ships or request.zone is not None:
        changes = changes.only(mmsis)
    notes = _notes(fleet, request)
    progress("verifying the log")
    verify = store.verify()
    head = store.head()
    first, last = span if span is not None else (None, None)
    integrity = Integrity(
        first_position=first, last_position=last,
        first_hash=None if first is None else store.hash_at(first).hex(),
        last_hash=None if last is None else store.hash_at(last).hex(),
        head_position=head.position, head_hash=head.hash.hex(), verified=verify.ok, verified_events=verify.events,
        problem=verify.problem, first_bad_position=verify.first_bad_position, checked_at=clock())

    def listing() -> Iterator[RecordedEvent]:
        return store.read_all(occurred_from=request.start, occurred_to=request.end,
                              to_position=head.position, stream_names=only)

    return AuditReport(request=request, store=store.describe(), generated_at=clock(), generated_by=generated_by,
                       software=software, events=sum(counts.values()), events_by_type=counts, ships=ships,
                       alerts=alert_lines, notes=notes, integrity=integrity, changes=changes,
                       _listing=listing)


def ships_in_zone(fleet: FleetView, request: ReportRequest) -> list[int]:
    """The ships (of ``request.ships``, or all) with at least one report inside ``request.zone`` in the range:
    a zone report covers those ships, all their events in the range."""
    zones = {zone.name: zone for zone in zones_in_force(fleet.store)}
    zone = zones.get(request.zone or "")
    if zone is None:
        known = ", ".join(sorted(zones)) or "none are defined"
        raise ReportError(f"no zone named {request.zone!r} in this store (zones: {known})")
    west, south, east, north = zone.bounds
    inside = []
    for mmsi in request.ships or fleet.ships_reporting(request.start, request.end):
        track = fleet.track(mmsi, request.start, request.end)
        near = np.flatnonzero((track.lat >= south) & (track.lat <= north) & (track.lon >= west) & (track.lon <= east))
        if any(zone.contains(float(track.lat[i]), float(track.lon[i])) for i in near):
            inside.append(mmsi)
    return inside


def _ship_section(fleet: FleetView, mmsi: int, request: ReportRequest) -> ShipSection | None:
    track = fleet.track(mmsi, request.start, request.end)
    details = fleet.ship_details(mmsi, request.end)
    if details is None and not len(track):
        return None
    return ShipSection(
        mmsi=mmsi, name=getattr(details, "name", None), imo=getattr(details, "imo", None),
        callsign=getattr(details, "callsign", None), ship_type=getattr(details, "ship_type", None),
        length=getattr(details, "length", None), beam=getattr(details, "beam", None),
        destination=getattr(details, "destination", None), draught=getattr(details, "draught", None),
        eta=getattr(details, "eta", None), reports=len(track),
        first_report=int(track.occurred[0]) if len(track) else None,
        last_report=int(track.occurred[-1]) if len(track) else None,
        distance_nm=distance_sailed_nm(track), seconds_by_state=time_by_state(track),
        status_changes=status_changes(track, STATUS_CHANGES_KEPT), status_change_count=count_status_changes(track),
        table=sample_track(track, TRACK_ROWS),
        plot=sample_track(track, PLOT_POINTS), map_track=sample_track(track, MAP_POINTS_PER_SHIP))


def distance_sailed_nm(track: Track) -> float:
    """The great-circle length of the track in nautical miles (report to report)."""
    if len(track) < 2:
        return 0.0
    lat, lon = np.radians(track.lat), np.radians(track.lon)
    a = (np.sin(np.diff(lat) / 2) ** 2
         + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2)
    return float(np.sum(2 * EARTH_RADIUS_NM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))))


def _state_of(code: int) -> str:
    name = ais.nav_status_name(int(code)) if code >= 0 else None
    if name in UNDER_WAY:
        return "under way"
    if name == "at anchor":
        return "at anchor"
    if name == "moored":
        return "moored"
    return "other"


def time_by_state(track: Track) -> dict[str, float]:
    """Seconds spent under way, at anchor, moored and otherwise (by the status of each report until the
    next), and in gaps longer than ``MAX_GAP_S`` with no reports at all."""
    seconds = {"under way": 0.0, "at anchor": 0.0, "moored": 0.0, "other": 0.0, "no reports": 0.0}
    if len(track) < 2:
        return seconds
    gaps = np.diff(track.occurred) / 1_000_000
    for code in np.unique(track.status[:-1]):
        chosen = (track.status[:-1] == code) & (gaps <= MAX_GAP_S)
        seconds[_state_of(int(code))] += float(gaps[chosen].sum())
    seconds["no reports"] = float(gaps[gaps > MAX_GAP_S].sum())
    return seconds


def _changed(track: Track) -> np.ndarray:
    """The rows of the reports whose navigational status differs from the report before."""
    if len(track) < 2:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(track.status[1:] != track.status[:-1]) + 1


def count_status_changes(track: Track) -> int:
    return len(_changed(track))


def status_changes(track: Track, limit: int | None = None) -> list[StatusChange]:
    """The reports whose navigational status differs from the report before (the first ``limit`` of them:
    a transponder that flaps between two statuses must not cost memory by the million)."""
    changed = _changed(track)[:limit]
    return [StatusChange(int(track.occurred[i]), ais.nav_status_name(int(track.status[i - 1])) if track.status[i - 1] >= 0
                         else None, ais.nav_status_name(int(track.status[i])) if track.status[i] >= 0 else None)
            for i in changed]


def sample_track(track: Track, limit: int) -> TrackSample:
    """At most ``limit`` reports spread evenly in time order, first and last included."""
    total = len(track)
    if total <= limit:
        rows = np.arange(total)
    else:
        rows = np.unique(np.linspace(0, total - 1, limit).round().astype(np.int64))
    return TrackSample(track.occurred[rows], track.lat[rows], track.lon[rows], track.sog[rows], track.cog[rows],
                       track.status[rows], total)


def _alerts(alerts: AlertsAt, request: ReportRequest) -> list[AlertLine]:
    wanted = set(request.ships)
    out = []
    for alert in alerts.alerts_at(request.end):
        if alert.raised_at < request.start or (wanted and alert.mmsi not in wanted):
            continue
        out.append(AlertLine(alert.alert_id, alert.type, alert.severity, alert.mmsi, alert.raised_at, alert.summary,
                             alert.state, alert.acknowledged_by, alert.acknowledged_at, alert.comment))
    return sorted(out, key=lambda a: a.raised_at)


def _notes(fleet: FleetView, request: ReportRequest) -> list[NoteLine]:
    wanted = set(request.ships)
    notes = []
    for recorded in fleet.store.read_types(("OperatorNoteAdded",), occurred_from=request.start,
                                             occurred_to=request.end):
        event = recorded.event
        if wanted and event.mmsi not in wanted:  # type: ignore[attr-defined]
            continue
        notes.append(NoteLine(recorded.occurred_at, event.operator, event.mmsi, event.text))  # type: ignore[attr-defined]
    return notes

