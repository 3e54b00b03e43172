"""The chain walked in segments by parallel processes finds exactly what one process's walk finds: the same
first bad position, the same words, the same checks, and on a sound log the same head and stream versions —
for every kind of tampering, including at the seam between two segments."""
from __future__ import annotations

import ctypes
import importlib.util
import os
import sqlite3

import pytest

from store import StoreError, open_store
from store import verification
from store.chain_segments import bounds, walk_segment, walk_segments, walking_processes
from store.verification import verify_log
from tests.store.test_tamper import AT, CASES, EVENTS, edit, logbook  # noqa: F401  (logbook: a fixture)


WITNESSED = {"deleted tail", "rewritten tail, chain recomputed"}  # the log's own walk holds; its head is not the one seen


def _both(path) -> tuple[dict, dict]:
    store = open_store(path, create=False, read_only=True)
    try:
        plain = verify_log(store.engine, segment_from=10**12)
        segmented = verify_log(store.engine, segment_from=1, workers=2)
    finally:
        store.close()
    return ({**plain.as_json(), "versions": plain.stream_versions},
            {**segmented.as_json(), "versions": segmented.stream_versions})


def test_a_sound_log_walked_in_segments_has_the_same_head_and_versions(logbook):
    plain, segmented = _both(logbook)
    assert plain["ok"] and plain == segmented
    assert (AT - 74, AT) in bounds(EVENTS, 4)  # the tampered position below ends a segment: a seam is crossed


EVERY_CASE = [name for name in CASES if name != "a different log in its place"]
QUICK = {"edited payload", "deleted row in the middle", "changed stream version", "binary payload",
         "non-UTF-8 text", "renamed stream", "deleted tail"}  # each process start costs a second: the rest run slow


@pytest.mark.parametrize("case", [pytest.param(name, marks=() if name in QUICK else pytest.mark.slow)
                                  for name in EVERY_CASE])
def test_every_kind_of_tampering_is_named_alike_in_segments(logbook, case):
    tamper, _ = CASES[case]
    tamper(logbook)
    try:
        plain, segmented = _both(logbook)
    except StoreError:  # refused when opened (a cut file): no walk at all, either way
        return
    assert segmented == plain
    assert not plain["ok"] or case in WITNESSED  # those are the head witness's to catch (store.verify), not the walk's


def test_a_tampered_first_event_of_a_segment_is_named_at_its_position(logbook):
    edit(f"UPDATE events SET payload = replace(payload, '50.8', '50.9') WHERE position = {AT + 1}")(logbook)
    plain, segmented = _both(logbook)
    assert segmented == plain and plain["first_bad_position"] == AT + 1




def _sqlite_memory_counted() -> int:
    """The bytes SQLite counts as in use in this process after a query (0 when it keeps no statistics)."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("SELECT group_concat(value) FROM (SELECT 'x' AS value)").fetchall()
        library = ctypes.CDLL(importlib.util.find_spec("_sqlite3").origin)
        library.sqlite3_memory_used.restype = ctypes.c_int64
        return library.sqlite3_memory_used()
    finally:
        connection.close()


def test_a_walking_process_has_sqlite_keep_no_memory_statistics():
    """Each of SQLite's allocations took a global mutex for them: a fifth of a segment's SQLite time."""
    with walking_processes(1) as pool:
        assert pool.submit(_sqlite_memory_counted).result() == 0
    assert _sqlite_memory_counted() > 0  # this process's SQLite, set up as usual, keeps them


def _dies_past_the_first_segment(path: str, start: int, end: int):
    """A walking process killed while it walks."""
    if start > 1:
        os._exit(7)
    return walk_segment(path, start, end)


def test_a_walking_process_that_dies_leaves_its_segments_to_the_plain_walk(logbook, monkeypatch):
    head = EVENTS
    segments = walk_segments(str(logbook), head, workers=2, walk=_dies_past_the_first_segment)  # returns: no hang
    assert [(segment.start, segment.end) for segment in segments] == bounds(head, 4)
    assert not any(segment.whole for segment in segments[1:])  # nothing past the death is taken as proven

    plain, _ = _both(logbook)
    monkeypatch.setattr(verification, "walk_segments", lambda path, head, workers: walk_segments(
        path, head, workers, walk=_dies_past_the_first_segment))
    _, segmented = _both(logbook)
    assert segmented == plain and plain["ok"]  # the plain walk did the rest, with the same findings
