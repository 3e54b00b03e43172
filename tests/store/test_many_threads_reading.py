"""A store file read by many threads at once, as a console's workers read it (pages of the event log, the alert
board, jobs), gives each its events: no thread's read is cut short by another thread's connecting."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from store import open_store
from tests.fleet_events import report

ROOT = Path(__file__).resolve().parents[2]
READERS = 16

# In its own process: were a connection closed under a reading thread, SQLite could take the process down.
READ_FROM_THREADS = textwrap.dedent(f"""
    import sys, threading
    from store import open_store
    store = open_store(sys.argv[1], create=False)
    start, counts, failures = threading.Barrier({READERS}), [], []
    def read():
        try:
            start.wait()
            for _ in range(3):
                counts.append(sum(1 for _ in store.read_all(page=7)))
        except Exception as error:
            failures.append(repr(error))
    threads = [threading.Thread(target=read) for _ in range({READERS})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    print(failures[:3] or sorted(set(counts)))
""")


def test_sixteen_threads_reading_one_store_file_each_read_all_of_it(tmp_path):
    path = tmp_path / "fleet.sqlite"
    store = open_store(path)
    store.append_batch([report(219000000 + i % 7, i, lat=50 + i / 1000) for i in range(300)])
    store.close()
    done = subprocess.run([sys.executable, "-c", READ_FROM_THREADS, str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[300]"
