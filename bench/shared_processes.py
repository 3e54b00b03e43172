"""The processes of the shared-store benchmarks: an appender and a follower, each a process of its own.

``python -m bench.shared_processes append URL SECONDS WRITER``: appends batches of reports (a fleet of its own,
so its events never repeat another writer's) for SECONDS, then prints ``{"appended": N}``.

``python -m bench.shared_processes follow URL``: follows the store as a console does (``FleetService`` and
``LogFollower``), printing ``{"ready": head}``, then ``{"heard": position, "at": unix time}`` per event its
bus hears when stdin says ``stamp``, and, once stdin gives the final head, ``{"heard": …, "duplicates": …,
"missing": …}`` (nothing missing nor repeated: every position after the first head exactly once).
"""
from __future__ import annotations

import json
import sys
import threading
import time

from domain.events import NewEvent, PositionReported
from domain.time import MICROS_PER_SECOND, now_micros
from store import open_store


def append(url: str, seconds: float, writer: int) -> int:
    store = open_store(url)
    appended, batch_no = 0, 0
    base = 200_000_000 + writer * 1_000_000
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            now = now_micros()
            batch = [NewEvent(PositionReported(mmsi=base + ship, occurred_at=now - MICROS_PER_SECOND, lat=50.0 + ship / 1000,
                                               lon=-1.0, sog=10.0), recorded_at=now, metadata={"source": f"writer-{writer}"},
                              dedupe_key=f"w{writer}|{batch_no}|{ship}".encode())
                     for ship in range(50)]
            appended += store.append_batch(batch).count
            batch_no += 1
    finally:
        store.close()
    print(json.dumps({"appended": appended}), flush=True)
    return 0


def follow(url: str) -> int:
    from app.fleet_service import FleetService
    from app.log_follower import LogFollower

    store = open_store(url)
    service = FleetService.open(store)
    first = service.event_count
    heard: list[int] = []
    stamping = threading.Event()
    lock = threading.Lock()

    def hear(batch) -> None:
        at = time.time()
        with lock:
            heard.extend(recorded.position for recorded in batch)
        if stamping.is_set():
            for recorded in batch:
                print(json.dumps({"heard": recorded.position, "at": at}), flush=True)

    service.subscribe(hear)
    follower = LogFollower(service, store, operator=lambda: "bench")  # type: ignore[arg-type]
    follower.start()
    print(json.dumps({"ready": first}), flush=True)
    try:
        for line in sys.stdin:
            command, _, rest = line.strip().partition(" ")
            if command == "stamp":
                stamping.set()
            elif command == "final":
                final = int(rest)
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    with lock:
                        if first == final or (heard and heard[-1] >= final):
                            break
                    time.sleep(0.05)
                with lock:
                    positions = list(heard)
                wanted = set(range(first + 1, final + 1))
                print(json.dumps({"heard": len(positions), "duplicates": len(positions) - len(set(positions)),
                                  "missing": len(wanted - set(positions)),
                                  "in_order": positions == sorted(positions)}), flush=True)
            elif command == "quit":
                break
    finally:
        follower.stop()
        store.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "append":
        sys.exit(append(sys.argv[2], float(sys.argv[3]), int(sys.argv[4])))
    sys.exit(follow(sys.argv[2]))
