"""A scrub on the GUI thread never waits for a batch being written: the store's write runs outside the lock
the readers of the index take, and only folding the committed batch into the index is under it. The same for
the alert board, while an acknowledgement is written."""
from __future__ import annotations

import threading
import time

from sqlalchemy import event

from app.console import Console
from app.fleet_service import FleetService
from app.fleet_view import FleetView
from domain.alert_board import ACTIVE_ACKNOWLEDGED as ACKNOWLEDGED, ACTIVE_UNACKNOWLEDGED as OPEN
from domain.events import NewEvent, SpeedLimitExceeded
from tests.fleet_events import MINUTE, T0, registered, report


class HeldWrite:
    """The store's insert of events waits, at the SQLite edge, until the test lets it go."""

    def __init__(self, engine):
        self.engine = engine
        self.inside = threading.Event()
        self.release = threading.Event()

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("INSERT INTO events"):
            self.inside.set()
            self.release.wait(30)

    def __enter__(self) -> "HeldWrite":
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        event.remove(self.engine, "before_cursor_execute", self._before)


def test_a_scrub_made_while_a_batch_is_being_written_returns_without_waiting(store):
    service = FleetService.open(store)
    view = FleetView(service)  # what the map asks while it scrubs
    service.append([registered(219000001, 0, "ARIA"), report(219000001, 1, lat=50.5)])
    batch = [report(219000002, minute) for minute in range(2, 2_002)]
    with HeldWrite(store.engine) as held:
        writer = threading.Thread(target=service.append, args=(batch,))
        writer.start()
        assert held.inside.wait(10), "the append never reached the store's write"
        started = time.monotonic()
        fleet = view.state_at(T0 + 5 * MINUTE)
        trails = view.trails(T0 + 5 * MINUTE, 10 * MINUTE)
        waited = time.monotonic() - started
        assert writer.is_alive()  # the write is still held: the scrub did not wait for it
        held.release.set()
        writer.join(30)
    assert waited < 5.0
    assert fleet.mmsi.tolist() == [219000001]       # the fleet as committed before the batch
    assert 219000002 not in trails.mmsi.tolist()
    after = view.state_at(T0 + 3_000 * MINUTE)   # the batch, committed, is folded in order
    assert sorted(after.mmsi.tolist()) == [219000001, 219000002]
    assert service.event_count == store.head().position == 2_002


def test_the_alerts_at_a_moment_are_shown_while_an_acknowledgement_is_being_written(store):
    service = FleetService.open(store)
    console = Console.over(service, operator="kim", clock=lambda: T0 + 30 * MINUTE)
    speeding = SpeedLimitExceeded(mmsi=219000001, occurred_at=T0 + 10 * MINUTE, alert_id="speed-1",
                                  severity="warning", summary="12.4 kn in a 10 kn zone", sog=12.4, limit=10.0,
                                  zone="Solent")
    service.append([registered(219000001, 0, "ARIA"),
                    NewEvent(speeding, recorded_at=T0 + 10 * MINUTE, metadata={"source": "rules"})])
    assert [alert.state for alert in console.alerts.alerts_at(T0 + 20 * MINUTE)] == [OPEN]
    with HeldWrite(store.engine) as held:
        writer = threading.Thread(target=console.alerts.acknowledge, args=("speed-1", "seen"))
        writer.start()
        assert held.inside.wait(10), "the acknowledgement never reached the store's write"
        started = time.monotonic()
        board = console.alerts.alerts_at(T0 + 20 * MINUTE)
        waited = time.monotonic() - started
        assert writer.is_alive()  # still being written: the board was read without waiting for it
        held.release.set()
        writer.join(30)
    assert waited < 5.0 and [alert.state for alert in board] == [OPEN]
    assert [alert.state for alert in console.alerts.alerts_at(T0 + 40 * MINUTE)] == [ACKNOWLEDGED]
