"""Loitering: a ship slower than ``loitering.below_kn`` for ``loitering.after_s`` outside the zones where
waiting is expected (``loitering.exempt_zone_kinds``: ports and anchorages by default) raises ``Loitering``.

The episode begins at the first such report (``since``) and ends at a report that is faster, or inside an
exempt zone, or after a silence long enough to lose the signal. The alert *occurs* at ``since + after_s``
whoever notices it: a report at or after that moment still slow, or a ``scan(now)`` once ``now`` reaches it
while the ship's last report was slow, its signal is not lost and that report was not history (``dark``).
Either way it has the same id, ``loitering:<mmsi>:<since>``, and the position of the last report; its
priority is ``priorities.loitering`` (a caution by default: it clears itself). When a raised episode ends
the alert is rectified, saying why. A report without a speed changes nothing.
"""
from __future__ import annotations

from uuid import UUID

from domain.events import Loitering
from domain.rules.episodes import RaisedAlert, correlation_for, episode_key, rectified, stamp
from domain.rules.settings import RuleSettings
from domain.rules.watch import ShipWatch
from domain.time import duration_text


def on_report(watch: ShipWatch, event_id: UUID, at: int, sog: float | None, lat: float, lon: float,
              alerts: list[RaisedAlert], settings: RuleSettings) -> None:
    """Start, continue or end a loitering episode at a new report (not older than the last; the ship's
    zones already updated)."""
    if sog is None:
        return
    rules = watch.rules
    if sog >= rules.loitering_below_kn or watch.exempt:
        if watch.loitering_raised:
            _rectify(watch, at, f"under way at {sog:.1f} kn" if not watch.exempt else "in a zone where ships may wait",
                     event_id, alerts)
        watch.slow_since = None
        watch.loitering_raised = False
    elif watch.slow_since is None:
        watch.slow_since = at
        watch.loitering_raised = False
    elif not watch.loitering_raised and at - watch.slow_since >= rules.loitering_after_us:
        alerts.append(_loitering(watch, event_id, lat, lon, settings))


def on_scan(watch: ShipWatch, now: int, alerts: list[RaisedAlert], settings: RuleSettings) -> None:
    """Raise ``Loitering`` for a ship slow since long enough by ``now`` (and not silent)."""
    since = watch.slow_since
    if (since is not None and not watch.loitering_raised and not watch.lost and not watch.history
            and now - since >= watch.rules.loitering_after_us):
        alerts.append(_loitering(watch, watch.last_id, watch.lat, watch.lon, settings))


def end_episode(watch: ShipWatch, at: int | None = None, alerts: list[RaisedAlert] | None = None) -> None:
    """A silence ends a loitering episode (a raised one is rectified at ``at`` when given)."""
    if watch.loitering_raised and at is not None and alerts is not None:
        _rectify(watch, at, "the ship fell silent", watch.last_id, alerts)
    watch.slow_since = None
    watch.loitering_raised = False


def _rectify(watch: ShipWatch, at: int, reason: str, cause: UUID | None, alerts: list[RaisedAlert]) -> None:
    since = watch.slow_since
    assert since is not None
    key = episode_key("loitering", watch.mmsi, stamp(since))
    alerts.append(rectified(watch.mmsi, key, max(at, since + watch.rules.loitering_after_us), reason, cause,
                            correlation_for(key)))


def _loitering(watch: ShipWatch, cause: UUID | None, lat: float, lon: float, settings: RuleSettings) -> RaisedAlert:
    since = watch.slow_since
    assert since is not None
    rules = watch.rules
    key = episode_key("loitering", watch.mmsi, stamp(since))
    event = Loitering(mmsi=watch.mmsi, occurred_at=since + rules.loitering_after_us, alert_id=key, severity="warning",
                      priority=settings.priorities.loitering,
                      summary=f"slower than {rules.loitering_below_kn:g} kn for "
                              f"{duration_text(rules.loitering_after_s)} where ships are not expected to wait",
                      lat=lat, lon=lon, since=since, threshold_s=rules.loitering_after_s)
    watch.loitering_raised = True
    return RaisedAlert(event, cause, correlation_for(key))
