"""A SQLite store's page cache is sized to the ships a write touches: small for a small fleet, up to 64 MiB
for a national one, never shrunk by a small write after a large one."""
from __future__ import annotations

from store import open_store
from store.page_cache import MAX_CACHE_KIB, READ_CACHE_KIB, cache_for_streams
from tests.fleet_events import report


def _cache_kib(store) -> int:
    with store.engine.connect() as connection:  # the pool hands back the connection used last (the writer's)
        return -connection.exec_driver_sql("PRAGMA cache_size").scalar()


def _reports(ships: int, at: int = 0) -> list:
    return [report(100_000_000 + ship, at + ship) for ship in range(ships)]


def test_the_cache_grows_with_the_ships_a_write_touches_and_never_shrinks(tmp_path):
    with open_store(tmp_path / "fleet.sqlite") as store:
        assert _cache_kib(store) == READ_CACHE_KIB
        store.append_batch(_reports(500))  # a small fleet: the starting cache holds its pages
        assert _cache_kib(store) == READ_CACHE_KIB
        store.append_batch(_reports(6_000, at=10_000))
        assert _cache_kib(store) == cache_for_streams(6_000) > READ_CACHE_KIB
        store.append_batch(_reports(3, at=20_000))  # a live feed's trickle after an import
        assert _cache_kib(store) == cache_for_streams(6_000)


def test_the_cache_is_bounded_however_many_ships():
    assert cache_for_streams(0) == READ_CACHE_KIB
    assert cache_for_streams(1_000) == READ_CACHE_KIB
    assert READ_CACHE_KIB < cache_for_streams(8_000) < MAX_CACHE_KIB
    assert cache_for_streams(1_000_000) == MAX_CACHE_KIB
