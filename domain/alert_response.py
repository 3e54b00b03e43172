"""How fast the watch answered its alerts: the time from raise to acknowledgement, by priority and by operator.

The figures are the median and the 95th percentile (nearest rank: the smallest time that at least 95 % of
the acknowledgements took no longer than) of the seconds between an alert's raise and its acknowledgement
by hand. Cautions are never acknowledged and are left out; an alert acknowledged by a suppression was not
answered by a person and counts as acknowledged without a response time; an alert not acknowledged is
counted as such.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median
from typing import Iterable, Protocol


class AnsweredAlert(Protocol):
    priority: str
    acknowledged_by: str | None

    @property
    def response_s(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class ResponseFigures:
    """One group's figures: how many alerts, acknowledged by hand, and the times they took."""

    group: str
    alerts: int
    answered: int
    median_s: float | None
    p95_s: float | None

    def as_json(self) -> dict[str, object]:
        return {"alerts": self.alerts, "answered": self.answered,
                "median_s": None if self.median_s is None else round(self.median_s, 1),
                "p95_s": None if self.p95_s is None else round(self.p95_s, 1)}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted ``values`` (``share`` in (0, 1])."""
    return values[max(0, math.ceil(share * len(values)) - 1)]


def _figures(group: str, alerts: list[AnsweredAlert]) -> ResponseFigures:
    times = sorted(t for t in (alert.response_s for alert in alerts) if t is not None)
    return ResponseFigures(group, len(alerts), len(times), median(times) if times else None,
                           percentile(times, 0.95) if times else None)


def response_figures(alerts: Iterable[AnsweredAlert]) -> dict[str, list[ResponseFigures]]:
    """``{"by_priority": [...], "by_operator": [...]}``: the figures per priority (most urgent first) and per
    operator who acknowledged (by name), cautions left out."""
    from domain.events import PRIORITIES

    waiting = [alert for alert in alerts if alert.priority != "caution"]
    by_priority = [_figures(priority, [a for a in waiting if a.priority == priority]) for priority in PRIORITIES
                   if any(a.priority == priority for a in waiting)]
    operators = sorted({a.acknowledged_by for a in waiting if a.acknowledged_by and a.response_s is not None})
    by_operator = [_figures(name, [a for a in waiting if a.acknowledged_by == name and a.response_s is not None])
                   for name in operators]
    return {"by_priority": by_priority, "by_operator": by_operator}
