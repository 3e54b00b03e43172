"""Ships with active alarms and warnings are ringed on the map, by priority, from the board of a real store at each
moment; cautions, rectified alerts and acknowledged-and-rectified ones are not."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
import pytest

from app.console import Console
from domain.events import (AlertAcknowledged, AlertRectified, CloseQuarters, NewEvent, PortArrived, SignalLost,
                           SpeedLimitExceeded)
from tests.fleet_events import MINUTE, T0, registered, report
from tests.ui.fleet_store import open_service
from ui.alerts_model import PRIORITY_COLOURS
from ui.map.alert_layer import ALERT_Z
from chart.coastline import Coastline
from ui.map.map_view import MapView
from chart.projection import mercator_y

SPEEDER, CLOSER, QUIET, ACKED = 235_000_001, 235_000_002, 235_000_003, 235_000_004


def at(minute: float) -> int:
    return T0 + round(minute * MINUTE)


def alert(event, minute_recorded: float | None = None) -> NewEvent:
    recorded = event.occurred_at if minute_recorded is None else at(minute_recorded)
    return NewEvent(event, recorded_at=recorded, metadata={"source": "rules"})


@pytest.fixture
def service(store):
    """Four ships reporting every minute for an hour, with alerts on three of them."""
    events = [registered(mmsi, 0, f"SHIP {number}") for number, mmsi in enumerate((SPEEDER, CLOSER, QUIET, ACKED))]
    for minute in range(60):
        for number, mmsi in enumerate((SPEEDER, CLOSER, QUIET, ACKED)):
            events.append(report(mmsi, minute, lat=50.7 + 0.02 * number, lon=-1.4 + 0.001 * minute))
    store.append_batch(events)
    store.append_batch([
        alert(SpeedLimitExceeded(mmsi=SPEEDER, occurred_at=at(10), alert_id="speed-1", severity="warning",
                                 summary="12.4 kn in the Solent 10 kn zone", sog=12.4, limit=10.0, zone="Solent")),
        alert(CloseQuarters(mmsi=CLOSER, occurred_at=at(20), alert_id="cpa-1", severity="critical",
                            summary="CPA 180 m in 4 min", other_mmsi=SPEEDER, cpa_m=180.0, tcpa_s=240.0)),
        alert(SignalLost(mmsi=SPEEDER, occurred_at=at(30), alert_id="dark-1", severity="critical",
                         summary="no report for 20 min", last_report_at=at(10), threshold_s=1200.0)),
        alert(PortArrived(mmsi=QUIET, occurred_at=at(25), alert_id="port-1", severity="info",
                          summary="arrived Southampton", port="Southampton")),
        alert(SpeedLimitExceeded(mmsi=ACKED, occurred_at=at(5), alert_id="speed-2", severity="warning",
                                 summary="11 kn in the Solent 10 kn zone", sog=11.0, limit=10.0, zone="Solent")),
        alert(AlertAcknowledged(occurred_at=at(15), operator="Mate", mmsi=ACKED, alert_id="speed-2",
                                comment="slowing")),
        alert(AlertRectified(mmsi=ACKED, occurred_at=at(35), alert_id="speed-2", reason="slowed to 9.0 kn")),
    ])
    return open_service(store)


@pytest.fixture
def map_view(qtbot):
    view = MapView(Coastline())
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def show(map_view: MapView, service: Console, at_: int) -> None:
    """What the window does at each moment: the fleet, then the board it asked for once."""
    map_view.show_fleet(service.fleet.state_at(at_), at_)
    map_view.show_alerts(service.alerts.alerts_at(at_))


def ring_colours(map_view: MapView) -> dict[int, str]:
    rings = map_view.alerts.rings.data
    return {int(mmsi): pen.color().name() for mmsi, pen in zip(rings["data"], rings["pen"])}


def test_ships_with_active_alerts_are_ringed_in_the_colour_of_their_most_urgent_alert(map_view, service):
    show(map_view, service, at(40))
    assert map_view.alerts.marked == {SPEEDER: "alarm", CLOSER: "alarm"}  # the encounter rings both ships
    assert ring_colours(map_view) == {SPEEDER: PRIORITY_COLOURS["alarm"], CLOSER: PRIORITY_COLOURS["alarm"]}
    rings, ships = map_view.alerts.rings.data, map_view.ships
    for mmsi, x, y in zip(rings["data"], rings["x"], rings["y"]):
        row = ships.row_of(int(mmsi))
        assert (x, y) == pytest.approx((ships.fleet.lon[row], float(mercator_y(ships.fleet.lat[row]))))


def test_acknowledged_and_rectified_alerts_and_cautions_are_not_ringed(map_view, service):
    show(map_view, service, at(20))
    assert map_view.alerts.marked[ACKED] == "warning"  # acknowledged at minute 15, still active
    show(map_view, service, at(40))
    assert ACKED not in map_view.alerts.marked  # rectified at minute 35, and acknowledged: normal
    assert QUIET not in map_view.alerts.marked  # a port arrival is a caution
    show(map_view, service, at(12))
    assert map_view.alerts.marked == {SPEEDER: "warning", ACKED: "warning"}


def test_the_rings_follow_the_moment(map_view, service):
    show(map_view, service, at(5))  # the first alert is raised at minute 5
    assert map_view.alerts.marked == {ACKED: "warning"}
    show(map_view, service, at(25))
    assert map_view.alerts.marked == {SPEEDER: "alarm", CLOSER: "alarm", ACKED: "warning"}
    x_before = dict(zip(map_view.alerts.rings.data["data"].tolist(), map_view.alerts.rings.data["x"].tolist()))
    show(map_view, service, at(45))  # the ships moved east: their rings with them
    x_after = dict(zip(map_view.alerts.rings.data["data"].tolist(), map_view.alerts.rings.data["x"].tolist()))
    assert x_after[CLOSER] > x_before[CLOSER]
    map_view.show_alerts(None)
    assert map_view.alerts.marked == {} and len(map_view.alerts.rings.data) == 0


def test_hovering_a_ringed_ship_lists_its_active_alerts_most_urgent_first(map_view, service):
    show(map_view, service, at(40))
    text = map_view.ships.tooltip(data=SPEEDER)
    assert "3 active alerts" in text
    lines = text.splitlines()
    signal, speed = (next(i for i, line in enumerate(lines) if words in line)
                     for words in ("no report for 20 min", "12.4 kn in the Solent"))
    assert signal < speed and "Alarm" in lines[signal] and "Warning" in lines[speed]
    assert "active alert" not in map_view.ships.tooltip(data=ACKED)


def test_all_rings_are_one_item_between_the_ships_and_the_selection(map_view, service):
    show(map_view, service, at(40))
    rings = map_view.alerts.rings
    scatter_items = [item for item in map_view.view_box.addedItems if isinstance(item, pg.ScatterPlotItem)]
    assert scatter_items.count(rings) == 1 and len(scatter_items) == 4  # with the fleet, flagged ships, selection
    assert (map_view.ships.scatter.zValue() < map_view.ships.flagged.zValue() < rings.zValue() == ALERT_Z
            < map_view.ships.ring.zValue())
    pens = {id(pen) for pen in rings.data["pen"]}
    show(map_view, service, at(41))
    assert {id(pen) for pen in rings.data["pen"]} <= pens | {id(pen) for pen in map_view.alerts._pens}


def test_a_moment_whose_rings_did_not_move_does_not_touch_the_item(map_view, service):
    show(map_view, service, at(40))
    spots = map_view.alerts.rings.data
    map_view.show_alerts(service.alerts.alerts_at(at(40)))
    assert map_view.alerts.rings.data is spots
    assert np.array_equal(np.sort(spots["data"]), [SPEEDER, CLOSER])
