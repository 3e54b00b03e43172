"""The index an import leaves folds its batches as they come: runs of report entries (a large file read in a
second process), of report events (a small file, a report heard by several stations) and other events, in any
mix, give the snapshot the log itself gives."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.fleet_index import SNAPSHOT_NAME, open_index
from app.import_index import ImportIndex
from app.observation_recorder import position_key
from domain.events import NewEvent, PositionReported
from domain.events.report_entries import report_entry
from domain.temporal_index import TemporalIndex
from store import open_store
from store.codec import payload_encoder
from tests.fleet_events import MINUTE, T0, registered, renamed
from tests.report_strategies import position_reports

_encode = payload_encoder(PositionReported)
METADATA = {"source": "import"}
SHIPS = st.integers(219_000_001, 219_000_006)
reports = position_reports(mmsi=SHIPS, occurred_at=st.integers(T0, T0 + 120 * MINUTE))


def _as(kind: str, report: PositionReported, recorded_at: int):
    """A report as an import may append it: an entry, an event, or (``other``) a ship's renaming."""
    key = position_key("noaa-csv", report)
    if kind == "entry":
        return report_entry(report, key, _encode(report), recorded_at, METADATA)
    if kind == "event":
        return NewEvent(report, recorded_at, {**METADATA, "stations": ["a", "b"]}, key)
    return renamed(report.mmsi, (report.occurred_at - T0) / MINUTE, f"SHIP {report.occurred_at % 97}")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(st.tuples(st.sampled_from(["entry", "event", "other"]), reports), max_size=25),
                        min_size=1, max_size=4))
def test_the_snapshot_an_import_leaves_answers_as_the_log(tmp_path_factory, batches) -> None:
    db = tmp_path_factory.mktemp("import") / "fleet.sqlite"
    with open_store(db) as store:
        store.append_batch([registered(219_000_001, 0, "FIRST")])
        with ImportIndex(store) as following:
            for number, batch in enumerate(batches):
                following.append([_as(kind, report, T0 + number) for kind, report in batch])
            assert following.save()
        position, data = store.load_snapshot(SNAPSHOT_NAME)
        assert position == store.head().position
        saved, rebuilt = TemporalIndex.from_bytes(data), open_index(store, use_snapshot=False)
    for minute in (0, 30, 60, 90, 120):
        at = T0 + minute * MINUTE
        assert saved.ships_at(at) == rebuilt.ships_at(at)
        assert saved.ships_at(at, known_at=T0 + 1) == rebuilt.ships_at(at, known_at=T0 + 1)
