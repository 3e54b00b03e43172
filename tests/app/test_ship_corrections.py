"""An operator corrects a ship's particulars: a new, signed event with only what differs, never an edit of
the log; refusals say what is wrong."""
import pytest

from app.console import Console
from app.fleet_service import FleetService
from app.ship_corrections import CorrectionRefused
from domain.errors import InvalidEvent
from domain.events import ShipDetailsChanged
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report

ARIA = 219000001
NOW = T0 + 90 * MINUTE


@pytest.fixture
def service(tmp_path):
    store = open_store(tmp_path / "watch.sqlite")
    store.append_batch([registered(ARIA, 0, "ARIA"), *[report(ARIA, minute) for minute in range(1, 60)]])
    yield Console.over(FleetService.open(store), operator="kim", clock=lambda: NOW)
    store.close()


def test_a_correction_appends_only_what_differs_signed_with_operator_and_reason(service):
    before = service.fleet.store.head().position
    recorded = service.logbook.correct_particulars(ARIA, {"name": "ARIA II", "ship_type": "cargo", "imo": 9321483},
                                           "  Name and IMO confirmed with the agent.  ")
    assert recorded.position == before + 1 and recorded.stream_id == f"ship-{ARIA}"
    event = recorded.event
    assert isinstance(event, ShipDetailsChanged) and event.occurred_at == NOW
    assert (event.name, event.imo, event.ship_type) == ("ARIA II", 9321483, None)   # the type was already cargo
    assert recorded.metadata == {"source": "correction", "operator": "kim",
                                 "reason": "Name and IMO confirmed with the agent."}
    ship = service.fleet.ship_details(ARIA, NOW)
    assert (ship.name, ship.imo, ship.length) == ("ARIA II", 9321483, 120.0)
    assert service.fleet.ship_details(ARIA, NOW - MINUTE).name == "ARIA"   # the past is as it was
    assert [e.position for e in service.logbook.ship_history(ARIA)][-1] == recorded.position
    assert service.fleet.store.verify().ok


def test_corrections_without_a_reason_of_an_unknown_ship_or_changing_nothing_are_refused(service):
    head = service.fleet.store.head().position
    with pytest.raises(CorrectionRefused, match="needs a reason"):
        service.logbook.correct_particulars(ARIA, {"name": "X"}, "   ")
    with pytest.raises(CorrectionRefused, match="no ship with MMSI 219000009"):
        service.logbook.correct_particulars(219000009, {"name": "X"}, "typo")
    with pytest.raises(CorrectionRefused, match="nothing to correct"):
        service.logbook.correct_particulars(ARIA, {"name": "ARIA ", "length": 120.0}, "same again")
    with pytest.raises(CorrectionRefused, match="name cannot be emptied"):
        service.logbook.correct_particulars(ARIA, {"name": None}, "no name")
    with pytest.raises(CorrectionRefused, match="eta cannot be corrected"):
        service.logbook.correct_particulars(ARIA, {"eta": NOW}, "late")
    with pytest.raises(InvalidEvent, match="imo") as refused:
        service.logbook.correct_particulars(ARIA, {"imo": 12}, "IMO from the certificate")
    assert refused.value.field == "imo"
    assert service.fleet.store.head().position == head   # nothing was appended


def test_a_read_only_store_takes_no_correction(tmp_path):
    path = tmp_path / "archive.sqlite"
    with open_store(path) as store:
        store.append_batch([registered(ARIA, 0, "ARIA"), report(ARIA, 1)])
    with open_store(path, read_only=True) as store:
        service = Console.over(FleetService.open(store))
        with pytest.raises(Exception, match="read-only"):
            service.logbook.correct_particulars(ARIA, {"name": "ARIA II"}, "agent says so")
        assert store.head().position == 2
