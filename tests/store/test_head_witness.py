"""The head witness: every process that opens a store writes down the newest head it saw, outside the store;
a log that loses its newest events, or is replaced, no longer holds it and verify says so."""
from __future__ import annotations

import json
import logging
import multiprocessing
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.hash_chain import chain_hash
from store import open_store
from store.head_witness import StoreWitness, parse_head
from store.opening import store_key
from tests.fleet_events import report


def witness_of(path) -> StoreWitness:
    return StoreWitness(store_key(path))


def append(store, start: int, count: int) -> None:
    store.append_batch([report(219000000 + i % 5, i) for i in range(start, start + count)])


def delete_tail(path, keep: int) -> None:
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER events_no_delete")
    connection.execute(f"DELETE FROM events WHERE position > {keep}")
    connection.execute("CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, "
                       "'the event log is append-only: events rows cannot be deleted'); END")
    connection.commit()
    connection.close()


def test_a_writer_witnesses_its_head_at_close_and_a_reader_what_it_saw(store_path):
    store = open_store(store_path)
    append(store, 0, 120)
    store.close()
    assert witness_of(store_path).read().position == 120
    reader = open_store(store_path, read_only=True)
    head = reader.head()
    reader.close()
    witnessed = witness_of(store_path).read()
    assert (witnessed.position, witnessed.hash) == (head.position, head.hash) and witnessed.genesis != head.hash
    document = json.loads(witness_of(store_path).path.read_text())
    assert document["store"] == f"sqlite:///{store_path.resolve().as_posix()}" and document["seen_at"].endswith("Z")


def test_deleting_the_newest_events_fails_verify_naming_what_is_missing(store_path):
    store = open_store(store_path)
    append(store, 0, 400)
    store.close()
    witnessed = witness_of(store_path).read()
    delete_tail(store_path, 300)
    reader = open_store(store_path, create=False, read_only=True)
    report_ = reader.verify()
    reader.close()
    assert not report_.ok and report_.first_bad_position == 301
    assert report_.problem.startswith(f"the log ends at position 300 but position 400 (hash {witnessed.hash.hex()}) "
                                      "was witnessed on ")
    assert report_.problem.endswith(": 100 events are missing")
    assert report_.checks["hash_chain"] == "ok"  # the chain alone could not tell


def test_appending_to_a_cut_log_does_not_raise_the_witness_past_the_cut(store_path):
    store = open_store(store_path)
    append(store, 0, 200)
    store.close()
    delete_tail(store_path, 150)
    writer = open_store(store_path)
    append(writer, 1_000, 120)  # the log is longer again, but not the log that was witnessed
    writer.close()
    assert witness_of(store_path).read().position == 200
    reader = open_store(store_path, read_only=True)
    verdict = reader.verify()
    reader.close()
    assert not verdict.ok and "position 200 has hash" in verdict.problem and "rewritten" in verdict.problem


def test_a_new_store_in_the_same_place_is_a_different_log_until_the_witness_is_forgotten(store_path):
    store = open_store(store_path)
    append(store, 0, 50)
    store.close()
    store_path.unlink()
    replacement = open_store(store_path)
    append(replacement, 500, 80)
    verdict = replacement.verify()
    assert not verdict.ok and verdict.first_bad_position == 1 and verdict.problem.startswith("a different log")
    assert "--forget-witness" in verdict.problem
    forgotten = replacement.forget_witness()
    assert forgotten.position == 50
    assert replacement.verify().checks["head_witness"] == "nothing witnessed yet"
    replacement.close()
    assert witness_of(store_path).read().position == 80
    again = open_store(store_path, read_only=True)
    assert again.verify().ok
    again.close()


def test_an_unreadable_witness_is_reported_set_aside_and_witnessing_goes_on(store_path, caplog):
    store = open_store(store_path)
    append(store, 0, 30)
    store.close()
    witness = witness_of(store_path)
    witness.path.write_text("{ not json")
    with caplog.at_level(logging.WARNING, logger="store.head_witness"):
        reader = open_store(store_path, read_only=True)
        verdict = reader.verify()
        reader.close()
    assert verdict.ok and verdict.checks["head_witness"] == "ok"
    assert any("not a witness file" in record.getMessage() for record in caplog.records)
    assert witness.read().position == 30
    assert len(list(witness.folder.glob("*.unreadable-*.json"))) == 1


def test_a_witness_folder_that_cannot_be_written_is_not_fatal(store_path, tmp_path, monkeypatch, caplog):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("FLEET_LOGBOOK_WITNESS", str(blocked))
    with caplog.at_level(logging.WARNING, logger="store.head_witness"):
        store = open_store(store_path)
        append(store, 0, 10)
        store.close()
    assert any("could not be witnessed" in record.getMessage() for record in caplog.records)
    reader = open_store(store_path, read_only=True)
    verdict = reader.verify()
    assert reader.head().position == 10 and verdict.ok and verdict.checks["head_witness"].startswith("unreadable")
    reader.close()


def test_a_head_given_by_hand_is_checked_like_a_witness(store_path):
    store = open_store(store_path)
    append(store, 0, 40)
    head = store.head()
    assert store.verify(expect_head=parse_head(f"{head.position}:{head.hash.hex()}")).ok
    wrong = store.verify(expect_head=parse_head(f"41:{head.hash.hex()}"))
    assert not wrong.ok and "the log ends at position 40 but position 41" in wrong.problem and "was expected" in wrong.problem
    store.close()


@pytest.mark.parametrize("text", ["12", "0:" + "ab" * 32, "5:xyz", "5:abcd", ":" + "ab" * 32])
def test_a_head_not_written_position_colon_hash_is_refused(text):
    with pytest.raises(ValueError):
        parse_head(text)


def _chain(length: int) -> list[bytes]:
    hashes, previous = [b""], bytes(32)
    for position in range(1, length + 1):
        previous = chain_hash(previous, str(position))
        hashes.append(previous)
    return hashes


def _record_heads(folder: str, positions: list[int], seed: int) -> None:
    hashes = _chain(max(positions))
    witness = StoreWitness("sqlite:///shared.sqlite", Path(folder))
    random.Random(seed).shuffle(positions)
    for position in positions:
        witness.record(position, hashes[position], lambda at: hashes[at] if at < len(hashes) else None)


@given(st.lists(st.lists(st.integers(1, 400), min_size=1, max_size=30), min_size=1, max_size=4))
def test_a_witness_only_ever_rises_to_the_newest_head_seen(tmp_path_factory, heads_per_process):
    folder = tmp_path_factory.mktemp("witness")
    for index, positions in enumerate(heads_per_process):
        _record_heads(str(folder), list(positions), index)
    witnessed = StoreWitness("sqlite:///shared.sqlite", folder).read()
    assert witnessed.position == max(max(p) for p in heads_per_process)


def test_processes_witnessing_at_once_never_lower_the_witness(tmp_path):
    context = multiprocessing.get_context("spawn")
    rng = random.Random(5)
    plans = [[rng.randint(1, 3_000) for _ in range(150)] for _ in range(4)]
    workers = [context.Process(target=_record_heads, args=(str(tmp_path), plan, seed))
               for seed, plan in enumerate(plans)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert all(worker.exitcode == 0 for worker in workers)
    witnessed = StoreWitness("sqlite:///shared.sqlite", tmp_path).read()
    assert witnessed.position == max(max(plan) for plan in plans)
    assert witnessed.hash == _chain(witnessed.position)[witnessed.position]
    assert not list(tmp_path.glob("*.tmp"))


def test_the_witness_lives_beside_the_default_store_when_the_data_folder_is_moved(tmp_path, monkeypatch):
    from store.head_witness import witness_folder

    monkeypatch.delenv("FLEET_LOGBOOK_WITNESS", raising=False)
    monkeypatch.setenv("FLEET_LOGBOOK_DATA", str(tmp_path / "data"))
    assert witness_folder() == tmp_path / "data" / "witness"
    monkeypatch.setenv("FLEET_LOGBOOK_WITNESS", str(tmp_path / "elsewhere"))
    assert witness_folder() == tmp_path / "elsewhere"
