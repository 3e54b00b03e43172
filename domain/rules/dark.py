"""Dark ships: a ship silent for longer than it may be loses its signal; its next report restores it.

How long a ship may stay silent is decided by its last report (``ShipRules.dark_after``): ``dark.after_s``
(30 min by default) under way, ``dark.stationary_after_s`` (3 h) when moored, at anchor, aground or slower
than ``dark.stationary_below_kn``, each overridable per ship type.

- ``SignalLost`` *occurs* when the allowed silence ran out (last report + threshold), whoever notices it:
  a ``scan(now)`` once ``now`` reaches that moment, or, when no scan came in time (a replay, a coarse
  schedule), the report that ends the silence. Either way it is the same alert with the same id
  (``signal-lost:<mmsi>:<last report>``), caused by the last report before the silence.
- A report that was already older than ``dark.history_after_s`` (a day), by the log's own time (the newest
  report observed), when it was observed is *history*: an archive imported into a live log. Scans leave the
  silence after it alone, so old ships are not flagged dark merely for being old; a later report still
  judges the gap before it.
- ``SignalRestored`` occurs at the report that ends a silence the ship was found in, with the gap since
  the previous report and the distance between the two positions; it shares the episode's correlation id,
  and the ``SignalLost`` alert is rectified by that report (``AlertRectified``, "reported again after ...").
  ``SignalLost`` has the priority ``priorities.dark``.
  A gap longer than a ``SignalRestored`` can carry (a year) restores the signal without the notice.
"""
from __future__ import annotations

from uuid import UUID

from domain.events import PositionReported, SignalLost, SignalRestored
from domain.geo import haversine_m
from domain.rules.episodes import RaisedAlert, correlation_for, episode_key, rectified, stamp
from domain.rules.settings import RuleSettings
from domain.rules.watch import ShipWatch
from domain.rules.wording import distance_text
from domain.time import MICROS_PER_SECOND, duration_text, format_instant

MAX_GAP_S = 365 * 86_400.0


def _correlation(watch: ShipWatch) -> UUID:
    return correlation_for(episode_key("signal", watch.mmsi, stamp(watch.last_at)))  # type: ignore[arg-type]


def _lost(watch: ShipWatch, settings: RuleSettings) -> RaisedAlert:
    last = watch.last_at
    assert last is not None
    event = SignalLost(mmsi=watch.mmsi, occurred_at=last + watch.silent_after_us,
                       alert_id=episode_key("signal-lost", watch.mmsi, stamp(last)), severity="warning",
                       priority=settings.priorities.dark,
                       summary=f"no report for {duration_text(watch.silent_after_s)} "
                               f"(last report {format_instant(last)})",
                       last_report_at=last, threshold_s=watch.silent_after_s)
    watch.lost = True
    return RaisedAlert(event, watch.last_id, _correlation(watch))


def on_scan(watch: ShipWatch, now: int, alerts: list[RaisedAlert], settings: RuleSettings) -> None:
    """Raise ``SignalLost`` for a ship whose allowed silence has run out by ``now``."""
    if (not watch.lost and not watch.history and watch.last_at is not None
            and now - watch.last_at >= watch.silent_after_us):
        alerts.append(_lost(watch, settings))


def on_report(watch: ShipWatch, event_id: UUID, report: PositionReported, alerts: list[RaisedAlert],
              settings: RuleSettings) -> bool:
    """Judge the silence before a new report (not older than the last); returns whether the ship had been
    found silent, so the other rules start their episodes afresh."""
    last = watch.last_at
    if last is None:
        return False
    gap = report.occurred_at - last
    if not watch.lost:
        if gap < watch.silent_after_us:
            return False
        alerts.append(_lost(watch, settings))
    watch.lost = False
    gap_s = gap / MICROS_PER_SECOND
    lost_id = episode_key("signal-lost", watch.mmsi, stamp(last))
    alerts.append(rectified(watch.mmsi, lost_id, report.occurred_at, f"reported again after {duration_text(gap_s)}",
                            event_id, _correlation(watch)))
    if gap_s <= MAX_GAP_S:
        jump = haversine_m(watch.lat, watch.lon, report.lat, report.lon)
        restored = SignalRestored(mmsi=watch.mmsi, occurred_at=report.occurred_at,
                                  alert_id=episode_key("signal-restored", watch.mmsi, stamp(last)), severity="info",
                                  summary=f"reporting again after {duration_text(gap_s)}, "
                                          f"{distance_text(jump)} from its last position",
                                  gap_s=gap_s, jump_m=jump)
        alerts.append(RaisedAlert(restored, event_id, _correlation(watch)))
    return True
