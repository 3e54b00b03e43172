"""Two imports at once into one store: each ship is registered once, whichever import wins the race, and the
loser appends only what its registrations said that the log does not hold as of their time: the fleet's
particulars at every moment are those of the imports run one after the other."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from app.ais_import import import_files
from store import open_store
from tests.app.particulars_timeline import event_times, timeline
from tests.app.test_ais_import import noaa_row, write_noaa

ROOT = Path(__file__).resolve().parents[2]
SHIPS = 150
RENAMED = {366000000 + ship for ship in range(1, SHIPS + 1, 10)}  # these ships change name between the halves


def halves(folder: Path) -> tuple[Path, Path]:
    """Two halves of one day's NOAA file: every ship in both, some renamed in the second."""
    def rows(seconds: range, second_half: bool) -> list[str]:
        return [noaa_row(mmsi, second, lat=50 + second / 1e4,
                         name=f"RENAMED {mmsi}" if second_half and mmsi in RENAMED else f"SHIP {mmsi}")
                for second in seconds for mmsi in range(366000001, 366000001 + SHIPS)]
    return (write_noaa(folder / "morning.csv", rows(range(0, 40), False)),
            write_noaa(folder / "afternoon.csv", rows(range(40, 80), True)))


def latest_names(store) -> dict[str, str]:
    named = sorted((r.occurred_at, r.position, r.stream_id, r.event.name) for r in store.read_all()
                   if r.type in ("ShipRegistered", "ShipDetailsChanged") and r.event.name is not None)
    return {stream: name for _, _, stream, name in named}


def test_two_imports_at_once_register_each_ship_once_and_end_where_one_after_the_other_does(tmp_path):
    morning, afternoon = halves(tmp_path)
    db = tmp_path / "together.sqlite"
    open_store(db).close()
    # Hold the store's write lock while both importers start, so both decide their registrations against the
    # same empty log before either can append: the race two imports of one day run into, made certain.
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    importers = [subprocess.Popen([sys.executable, str(ROOT / "main.py"), "import", str(path), "--db", str(db)],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for path in (morning, afternoon)]
    time.sleep(4)  # both have read the log and wait on the lock (the store's busy timeout is 10 s)
    holder.execute("ROLLBACK")
    holder.close()
    for importer in importers:
        out, err = importer.communicate(timeout=120)
        assert importer.returncode == 0, err
    with open_store(tmp_path / "one-after-the-other.sqlite") as sequential:
        import_files(sequential, [morning])
        import_files(sequential, [afternoon])
        expected = Counter(r.type for r in sequential.read_all())
        expected_names = latest_names(sequential)
        moments = event_times(sequential)
        expected_timeline = timeline(sequential, moments)
        with open_store(db) as together:
            together_moments = moments | event_times(together)
        expected_together = timeline(sequential, together_moments)
    with open_store(db) as together:
        registered = Counter(r.stream_id for r in together.read_all() if r.type == "ShipRegistered")
        kinds = Counter(r.type for r in together.read_all())
        assert set(registered.values()) == {1} and len(registered) == SHIPS
        assert kinds["PositionReported"] == expected["PositionReported"] == 80 * SHIPS
        assert latest_names(together) == expected_names
        # each ship's particulars at every moment are those of one import after the other, whichever won
        assert timeline(together, together_moments) == expected_together
        assert expected_timeline
        assert together.verify().ok
