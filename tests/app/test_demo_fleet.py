"""The demo fleet: seeded history, a live job on the scheduler, and resuming a demo store later."""
from __future__ import annotations

import threading

from app.demo_fleet import LiveDemoFleet, demo_settings, resume_simulator, seed_history
from app.fleet_service import FleetService
from app.fleet_view import FleetView
from app.scheduler import FleetScheduler
from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE, parse_instant
from store import open_store

END = parse_instant("2026-02-01T06:00:00Z")


def test_seeding_twice_with_the_same_seed_appends_nothing_new(store):
    first, _ = seed_history(store, ships=50, hours=1, seed=3, end=END)
    again, _ = seed_history(store, ships=50, hours=1, seed=3, end=END)
    assert first.appended > 1_000 and again.appended == 0 and again.duplicates == first.appended
    assert demo_settings(store).ships == 50 and store.verify().ok


def test_the_live_job_appends_what_the_fleet_reported_since_the_last_tick(store):
    _, simulator = seed_history(store, ships=50, hours=0.5, seed=3, end=END)
    service = FleetService.open(store)
    clock = [END]
    live = LiveDemoFleet(simulator, service.append, clock=lambda: clock[0])
    before = store.head().position
    assert live.tick() == 0
    clock[0] += 5 * MICROS_PER_MINUTE
    assert live.tick() > 50
    assert store.head().position > before and service.event_count == store.head().position
    assert FleetView(service).state_at(clock[0]).last_report_at.max() > END


def test_scheduled_jobs_run_off_the_gui_thread_and_stop_cleanly(store):
    _, simulator = seed_history(store, ships=50, hours=0.25, seed=5, end=END)
    service = FleetService.open(store)
    ran = threading.Event()
    clock = [END]

    def tick():
        clock[0] += MICROS_PER_MINUTE
        live.tick()
        ran.set()

    live = LiveDemoFleet(simulator, service.append, clock=lambda: clock[0])
    failures = []
    scheduler = FleetScheduler(on_job_done=lambda job, error: failures.append((job, error)) if error else None)
    scheduler.every(0.05, tick, "live")
    scheduler.every(0.05, lambda: 1 / 0, "broken")
    scheduler.start()
    try:
        assert ran.wait(10)
    finally:
        scheduler.shutdown()
    assert not scheduler.running and live.appended > 0
    assert any(job == "broken" and isinstance(error, ZeroDivisionError) for job, error in failures)


def test_a_demo_store_resumes_its_ships_where_the_simulation_has_them_now(store_path):
    store = open_store(store_path)
    seed_history(store, ships=50, hours=1, seed=9, end=END)
    head = store.head().position
    simulator = resume_simulator(store, END + 2 * MICROS_PER_HOUR)
    assert store.head().position == head, "resuming must not back-fill the gap"
    assert simulator.now == END + 2 * MICROS_PER_HOUR
    assert all(e.recorded_at > END + 2 * MICROS_PER_HOUR for e in simulator.advance(END + 2 * MICROS_PER_HOUR + 60_000_000))
    store.close()


def test_a_demo_store_has_its_ports_as_zones_once(tmp_path):
    from app.demo_fleet import define_port_zones, seed_history
    from app.zone_desk import zones_in_force
    from domain.time import parse_instant
    from store import open_store

    end = parse_instant("2026-03-01T12:00:00Z")
    with open_store(tmp_path / "demo.sqlite") as store:
        seed_history(store, ships=50, hours=0.5, seed=2, end=end)
        zones = zones_in_force(store)
        assert len(zones) >= 50 and all(zone.kind == "port" for zone in zones)
        assert any(zone.name == "Port of Rotterdam" and zone.contains(51.955, 4.07) for zone in zones)
        assert define_port_zones(store, end) == 0  # already drawn: nothing appended again
