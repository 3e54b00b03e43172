"""Ships with active alarms and warnings, marked on the map: a ring around each, coloured by the priority of
its most urgent active alert (IEC 62923: a rectified alert's visual signal ceases; cautions are not ringed).

The board comes from the window, which asks the source for it once per moment (``MapView.show_alerts``);
only active alerts of priority emergency, alarm or warning count; a close-quarters alert rings both ships. All rings are one ``ScatterPlotItem``
with a pen per severity made once, placed from the ship layer's positions, so a new moment costs a dict
of the board's open alerts and, when rings moved, one ``setData`` of a handful of points. The ship
tooltip lists the ship's open alerts (``alert_text``).
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPen

from domain.alert_board import ACTIVE_STATES, AlertView
from domain.display_text import visible
from ui.alerts_model import PRIORITY_COLOURS, PRIORITY_NAMES, alert_type_name
from ui.map.ship_layer import ShipLayer

SEVERITY_ORDER = ("emergency", "alarm", "warning")  # the priorities ringed, most urgent first (no cautions)
ALERT_Z = 15         # above the ships (10), below the selection ring (20)
RING_SIZE = 25.0     # pixels across: around the ship's arrow (17), inside the selection ring (28)
TOOLTIP_ALERTS = 5   # open alerts listed in a ship's tooltip; more are counted


def _gravity(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def _ring_pen(colour: str) -> QPen:
    pen = QPen(QColor(colour))
    pen.setWidthF(2.5)
    pen.setCosmetic(True)
    return pen


class AlertLayer:
    """The rings of the ships with open alerts at the moment shown."""

    def __init__(self, view_box: pg.ViewBox, ships: ShipLayer):
        self.ships = ships
        self._pens = np.array([_ring_pen(PRIORITY_COLOURS.get(severity, "#ff5c5c"))
                               for severity in (*SEVERITY_ORDER, "other")], dtype=object)
        self.rings = pg.ScatterPlotItem(pxMode=True, symbol="o", size=RING_SIZE, brush=None)
        self.rings.setZValue(ALERT_Z)
        self.rings.setAcceptHoverEvents(False)
        view_box.addItem(self.rings)
        self.open_alerts: dict[int, list[AlertView]] = {}  # MMSI -> open alerts, gravest then oldest first
        self._mmsi = np.empty(0, dtype=np.int64)   # ships with open alerts, ascending
        self._gravity = np.empty(0, dtype=np.intp)  # index into the pens, per ship
        self._shown: tuple[bytes, bytes, bytes, bytes] | None = None
        self.marked: dict[int, str] = {}  # the ships ringed now: MMSI -> the severity their ring shows

    def show_alerts(self, board: Iterable[AlertView] | None) -> None:
        """Mark the ships with open alerts on ``board`` (None or empty: none)."""
        open_alerts: dict[int, list[AlertView]] = {}
        for alert in board or ():
            if alert.state in ACTIVE_STATES and alert.priority in SEVERITY_ORDER:
                for mmsi in alert.ships or (alert.mmsi,):
                    open_alerts.setdefault(int(mmsi), []).append(alert)
        for alerts in open_alerts.values():
            alerts.sort(key=lambda alert: (_gravity(alert.priority), alert.raised_at))
        self.open_alerts = open_alerts
        self._mmsi = np.array(sorted(open_alerts), dtype=np.int64)
        self._gravity = np.array([_gravity(open_alerts[mmsi][0].priority) for mmsi in self._mmsi.tolist()],
                                 dtype=np.intp)
        self.place()

    def place(self) -> None:
        """Put the rings on their ships as the ship layer shows them now (ships not on the map get none)."""
        fleet = self.ships.fleet
        if fleet is None or not len(fleet) or not len(self._mmsi):
            rows = np.empty(0, dtype=np.intp)
            on_map = np.zeros(len(self._mmsi), dtype=bool)
        else:
            rows = np.searchsorted(fleet.mmsi, self._mmsi)
            on_map = rows < len(fleet)
            on_map[on_map] = fleet.mmsi[rows[on_map]] == self._mmsi[on_map]
            rows = rows[on_map]
        x, y = self.ships.x[rows], self.ships.y[rows]
        mmsi, gravity = self._mmsi[on_map], self._gravity[on_map]
        key = (x.tobytes(), y.tobytes(), mmsi.tobytes(), gravity.tobytes())
        if key == self._shown:
            return
        self._shown = key
        self.rings.setData(x=x, y=y, pen=self._pens[gravity], data=mmsi)
        names = (*SEVERITY_ORDER, "other")
        self.marked = {int(ship): names[level] for ship, level in zip(mmsi.tolist(), gravity.tolist())}

    def alert_text(self, mmsi: int) -> str:
        """A ship's open alerts, one line each, gravest first (for its tooltip); '' when it has none."""
        alerts = self.open_alerts.get(int(mmsi))
        if not alerts:
            return ""
        lines = [f"{len(alerts)} active alert{'s' if len(alerts) > 1 else ''}:"]
        for alert in alerts[:TOOLTIP_ALERTS]:
            severity = PRIORITY_NAMES.get(alert.priority, alert.priority)
            lines.append(f"  ● {severity} · {alert_type_name(alert.type)}: {visible(alert.summary)}")
        if len(alerts) > TOOLTIP_ALERTS:
            lines.append(f"  … and {len(alerts) - TOOLTIP_ALERTS} more")
        return "\n".join(lines)
