"""Close quarters: two ships whose courses bring them closer than is safe, soon.

At each ``scan(now)`` the ships taking part are those with a speed and a course, a last report no older than
``close_quarters.max_report_age_s`` before ``now``, a signal not lost and (unless ``close_quarters.in_ports``)
not inside a port zone. Every one of them is carried forward on its course and speed to the newest report
among them (so a report a minute old is not taken for where the ship is now); pairs within
``close_quarters.search_radius_m`` of each other are then found with a grid (``domain.rules.proximity``),
and CPA and TCPA computed for each on a flat chart around the pair (``domain.rules.cpa``).

A pair *closes* when at least one of the two makes ``min_sog_kn`` or more (two ships at anchor swinging
on their chains do not), they are not both moored or at anchor by their reports' status, CPA < ``cpa_m``
(the larger of the two ships' settings) and 0 < TCPA < ``horizon_s``. The first scan that finds a pair
closing begins an encounter: one alert for the situation, id ``close-quarters:<lower>:<higher>:<start>``
naming both ships, raised as a ``CloseQuarters`` on each ship's stream (so it is in both ships' histories;
the board folds the two into one alert) with one correlation id; severity critical under
``critical_cpa_m``, else warning, and the priority ``priorities.critical_cpa`` or
``priorities.close_quarters``. ``<start>``, and the events' time, is the newer of the pair's two reports
(so it depends on the two ships' reports, not on the moment of the scan); their TCPA counts from it. The
encounter lasts while scans find the pair still converging with CPA under ``release_factor`` times the
limit, and ends once none has for ``rearm_s`` of scan time (the grace that keeps one encounter one alert):
the alert is then rectified (``AlertRectified``: the ships opened past their CPA), and only a later
encounter raises again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from domain.events import CloseQuarters
from domain.geo import METRES_PER_DEGREE
from domain.rules.cpa import METRES_PER_SECOND_PER_KNOT, cpa_tcpa_arrays
from domain.rules.episodes import RaisedAlert, correlation_for, episode_key, rectified, stamp
from domain.rules.proximity import neighbours
from domain.rules.thresholds import CloseQuartersSettings, PrioritySettings
from domain.rules.watch import ShipWatch
from domain.rules.wording import distance_text, ship_text
from domain.time import MICROS_PER_SECOND, duration_text


@dataclass(frozen=True, slots=True)
class Closings:
    """The pairs a scan found converging, as arrays sorted by (first, second): indexes into the ships scanned,
    the time each pair was judged at, CPA (m), TCPA (s), and whether it meets the alert's own limits (not
    only the release margin)."""

    first: np.ndarray
    second: np.ndarray
    at: np.ndarray
    cpa_m: np.ndarray
    tcpa_s: np.ndarray
    raises: np.ndarray

    def __len__(self) -> int:
        return len(self.first)


_NO_INDEX = np.zeros(0, dtype=np.int64)
NO_CLOSINGS = Closings(_NO_INDEX, _NO_INDEX, _NO_INDEX, np.zeros(0), np.zeros(0), np.zeros(0, dtype=bool))


def closing_pairs(ships: Sequence[ShipWatch], settings: CloseQuartersSettings) -> Closings:
    """The pairs of these ships (each with a position, speed and course) converging with a CPA under the
    release margin.

    Every ship is first carried forward on its course and speed to the newest report among them (the scan's
    "now" as the log knows it), so CPA and TCPA are judged at one moment for all pairs; the pair's own time
    (the newer of its two reports) is what the alert records, with TCPA counted from it.
    """
    n = len(ships)
    if n < 2:
        return NO_CLOSINGS
    lat = np.fromiter((s.lat for s in ships), dtype=float, count=n)
    lon = np.fromiter((s.lon for s in ships), dtype=float, count=n)
    sog = np.fromiter((s.sog for s in ships), dtype=float, count=n)
    course = np.radians(np.fromiter((s.cog for s in ships), dtype=float, count=n))
    at = np.fromiter((s.last_at for s in ships), dtype=np.int64, count=n)
    moored = np.fromiter((s.nav_status in _MOORED for s in ships), dtype=bool, count=n)
    newest = int(at.max())
    behind = (newest - at) / MICROS_PER_SECOND
    speed = sog * METRES_PER_SECOND_PER_KNOT
    vx, vy = speed * np.sin(course), speed * np.cos(course)
    lat_now = np.clip(lat + vy * behind / METRES_PER_DEGREE, -90.0, 90.0)
    lon_now = lon + vx * behind / (METRES_PER_DEGREE * np.maximum(np.cos(np.radians(lat)), 0.01))
    lon_now = (lon_now + 180.0) % 360.0 - 180.0
    first, second, x, y = neighbours(lat_now, lon_now, settings.search_radius_m)
    if len(first) == 0:
        return NO_CLOSINGS
    rvx, rvy = vx[second] - vx[first], vy[second] - vy[first]
    approaching = ((x * rvx + y * rvy < 0.0) & (np.maximum(sog[first], sog[second]) >= settings.min_sog_kn)
                   & ~(moored[first] & moored[second]))
    pick = np.flatnonzero(approaching)
    first, second = first[pick], second[pick]
    cpa, tcpa = cpa_tcpa_arrays(x[pick], y[pick], rvx[pick], rvy[pick])
    limit = np.fromiter((s.rules.close_quarters_cpa_m for s in ships), dtype=float, count=n)
    pair_limit = np.maximum(limit[first], limit[second])
    converging = np.flatnonzero(cpa < pair_limit * settings.release_factor)
    order = converging[np.lexsort((second[converging], first[converging]))]
    first, second, cpa, tcpa, pair_limit = first[order], second[order], cpa[order], tcpa[order], pair_limit[order]
    raises = (cpa < pair_limit) & (tcpa < settings.horizon_s)
    judged = np.maximum(at[first], at[second])
    return Closings(first, second, judged, cpa, tcpa + (newest - judged) / MICROS_PER_SECOND, raises)


class EncounterWatch:
    """The open encounters of a fleet, as sorted arrays: pair key (smaller MMSI × 10⁹ + larger), start, last
    scan that found the pair converging."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.starts = np.zeros(0, dtype=np.int64)
        self.last_seen = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.keys)

    def scan(self, now: int, ships: Sequence[ShipWatch], settings: CloseQuartersSettings,
             priorities: PrioritySettings | None = None) -> list[RaisedAlert]:
        """Judge the pairs of these ships (in MMSI order) at ``now``; rectify the encounters that ended and
        raise those that begin."""
        priorities = priorities if priorities is not None else PrioritySettings()
        rearm = round(settings.rearm_s * MICROS_PER_SECOND)
        alive = now - self.last_seen <= rearm
        ended: list[RaisedAlert] = []
        if not alive.all():
            for key, start, seen in zip(self.keys[~alive].tolist(), self.starts[~alive].tolist(),
                                        self.last_seen[~alive].tolist()):
                ended.append(_rectify(key, start, now, seen))
            self.keys, self.starts, self.last_seen = self.keys[alive], self.starts[alive], self.last_seen[alive]
        closings = closing_pairs(ships, settings)
        if not len(closings):
            return ended
        mmsi = np.fromiter((s.mmsi for s in ships), dtype=np.int64, count=len(ships))
        a, b = mmsi[closings.first], mmsi[closings.second]
        keys = np.minimum(a, b) * _PAIR + np.maximum(a, b)
        at = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        known = self.keys[at] == keys if len(self.keys) else np.zeros(len(keys), dtype=bool)
        self.last_seen[at[known]] = now
        new = np.flatnonzero(~known & closings.raises)
        if not len(new):
            return ended
        self.keys = np.concatenate([self.keys, keys[new]])
        self.starts = np.concatenate([self.starts, closings.at[new]])
        self.last_seen = np.concatenate([self.last_seen, np.full(len(new), now, dtype=np.int64)])
        order = np.argsort(self.keys, kind="stable")
        self.keys, self.starts, self.last_seen = self.keys[order], self.starts[order], self.last_seen[order]
        alerts: list[RaisedAlert] = ended
        for k, first, second, judged, cpa, tcpa in zip(new.tolist(), closings.first[new].tolist(),
                                                       closings.second[new].tolist(), closings.at[new].tolist(),
                                                       closings.cpa_m[new].tolist(), closings.tcpa_s[new].tolist()):
            alerts.extend(_raise(ships[first], ships[second], judged, cpa, tcpa, settings, priorities))
        return alerts


_PAIR = 1_000_000_000
_MOORED = frozenset({"moored", "at anchor"})


def _rectify(key: int, start: int, now: int, last_seen: int) -> RaisedAlert:
    low, high = divmod(key, _PAIR)
    when = stamp(start)
    alert_id = episode_key("close-quarters", low, high, when)
    quiet = duration_text((now - last_seen) / MICROS_PER_SECOND)
    return rectified(low, alert_id, max(now, start), f"the ships opened past their CPA (not closing for {quiet})",
                     None, correlation_for(alert_id))


def _raise(a: ShipWatch, b: ShipWatch, judged: int, cpa_m: float, tcpa_s: float,
           settings: CloseQuartersSettings, priorities: PrioritySettings) -> list[RaisedAlert]:
    low, high = (a, b) if a.mmsi < b.mmsi else (b, a)
    when = stamp(judged)
    alert_id = episode_key("close-quarters", low.mmsi, high.mmsi, when)
    correlation = correlation_for(alert_id)
    cpa, tcpa = round(cpa_m, 1), round(tcpa_s, 1)
    critical = cpa < settings.critical_cpa_m
    severity = "critical" if critical else "warning"
    priority = priorities.critical_cpa if critical else priorities.close_quarters
    summary = (f"CPA {distance_text(cpa)} between {ship_text(low.mmsi, low.name)} and "
               f"{ship_text(high.mmsi, high.name)} in {duration_text(tcpa)}")
    raised = []
    for ship, other in ((low, high), (high, low)):
        event = CloseQuarters(mmsi=ship.mmsi, occurred_at=judged, alert_id=alert_id, severity=severity,
                              priority=priority, summary=summary, other_mmsi=other.mmsi, cpa_m=cpa, tcpa_s=tcpa)
        raised.append(RaisedAlert(event, ship.last_id, correlation))
    return raised
