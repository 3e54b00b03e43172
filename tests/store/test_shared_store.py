"""The shared store on a real PostgreSQL server: append-only and roles enforced by the database, appends
serialised in commit order, the store's URL and what it says of itself, and copies between engines."""
from __future__ import annotations

import itertools
import subprocess
import threading

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events import NewEvent, OperatorNoteAdded
from store import ConcurrencyError, NotAStoreError, ReadOnlyStoreError, StoreBusyError, StoreError, open_store
from store.copied_rows import CopyMismatchError
from store.log_copy import copy_log
from store.postgres_opening import open_postgres
from store.postgres_roles import create_roles
from store.postgres_schema import CHANNEL
from tests.fleet_events import T0, registered, report

_examples = itertools.count(1)


def _sql(url: str, statement: str, *, user: str | None = None) -> None:
    conninfo = url.replace("postgresql://fleet_owner@", f"postgresql://{user}@") if user else url
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(statement.encode())


def _as(url: str, user: str) -> str:
    return url.replace("postgresql://fleet_owner@", f"postgresql://{user}@")


def _note(operator: str) -> NewEvent:
    return NewEvent(OperatorNoteAdded(occurred_at=T0, operator=operator, text="pilot aboard", mmsi=219000001),
                    recorded_at=T0, metadata={"source": "operator", "operator": operator})


@pytest.fixture
def shared(postgres_url):
    store = open_store(postgres_url)
    yield store
    store.close()


def test_the_database_refuses_to_change_or_remove_an_event_whoever_asks(shared, postgres_url):
    shared.append_batch([report(219000001, 0), report(219000001, 1)])
    for statement in ("UPDATE events SET payload = '[]' WHERE position = 1", "DELETE FROM events WHERE position = 2",
                      "TRUNCATE events CASCADE", "UPDATE streams SET name = 'ship-1'"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            _sql(postgres_url, statement)  # as the store's owner, the most privileged client there is
    assert shared.head().position == 2 and shared.verify().ok


def test_a_disabled_trigger_or_role_check_fails_verification(shared, postgres_url):
    shared.append_batch([report(219000001, 0)])
    _sql(postgres_url, "ALTER TABLE events DISABLE TRIGGER events_no_delete")
    report_ = shared.verify()
    assert not report_.ok and "events_no_delete" in report_.checks["immutability_triggers"]
    _sql(postgres_url, "ALTER TABLE events ENABLE TRIGGER events_no_delete")
    _sql(postgres_url, "ALTER TABLE events DISABLE TRIGGER events_by_role")
    report_ = shared.verify()
    assert not report_.ok and report_.checks["role_check"] == "missing or disabled: events_by_role"
    assert report_.checks["immutability_triggers"] == "ok"


def test_each_role_may_do_what_it_is_for_and_no_more(postgres_url):
    granted = create_roles(postgres_url)  # roles belong to the server: another test's database may have made them
    assert granted.roles == ("fleet_operator", "fleet_ingest", "fleet_auditor")
    assert create_roles(postgres_url).created == ()  # a second run creates nothing
    for user, role in (("kim", "fleet_operator"), ("receiver", "fleet_ingest"), ("inspector", "fleet_auditor")):
        _sql(postgres_url, f"DROP ROLE IF EXISTS {user}")
        _sql(postgres_url, f"CREATE ROLE {user} LOGIN IN ROLE {role}")

    operator = open_store(_as(postgres_url, "kim"))
    ingest = open_store(_as(postgres_url, "receiver"))
    auditor = open_store(_as(postgres_url, "inspector"))
    try:
        assert not operator.read_only and not ingest.read_only and auditor.read_only
        ingest.append_batch([registered(219000001, 0, "ARIA"), report(219000001, 1)])
        ingest.append_batch([report(219000001, 2)])
        with pytest.raises(ReadOnlyStoreError, match="cannot append operator events"):  # a receiver signs no note
            ingest.append_batch([report(219000001, 3), _note("receiver")])
        with pytest.raises(ReadOnlyStoreError, match="cannot append feed or import events"):  # nor makes up reports
            operator.append_batch([_note("kim"), report(219000001, 3)])
        operator.append_batch([_note("kim")])
        assert [e.position for e in auditor.read_all()] == [1, 2, 3, 4] and auditor.verify().ok
        with pytest.raises(ReadOnlyStoreError):
            auditor.append_batch([report(219000001, 3)])
    finally:
        for store in (operator, ingest, auditor):
            store.close()

    # A modified client that ignores the read-only mark: the server refuses it all the same.
    from store.postgres_store import PostgresEventStore

    meddling = open_store(_as(postgres_url, "inspector"))
    try:
        forced = PostgresEventStore(meddling.engine, meddling.server, read_only=False)
        with pytest.raises(ReadOnlyStoreError, match="permission denied"):
            forced.append_batch([report(219000001, 3)])
    finally:
        meddling.close()
    for statement in ("INSERT INTO streams (name) VALUES ('ship-1')", "ALTER TABLE events DISABLE TRIGGER ALL",
                      "DROP TABLE events CASCADE"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _sql(postgres_url, statement, user="inspector")
    for statement in ("ALTER TABLE events DISABLE TRIGGER events_no_update", "UPDATE events SET version = 9"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _sql(postgres_url, statement, user="kim")


def test_writers_on_two_connections_get_gap_free_positions_in_one_chain(postgres_url):
    stores = [open_store(postgres_url), open_store(postgres_url)]
    errors: list[BaseException] = []

    def write(store, mmsi: int) -> None:
        try:
            for minute in range(40):
                store.append_batch([report(mmsi, minute), report(mmsi + 10, minute)])
        except BaseException as error:  # reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(store, 219000001 + i)) for i, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not errors
        positions = [e.position for e in stores[0].read_all()]
        assert positions == list(range(1, 161))
        assert stores[1].verify().ok
    finally:
        for store in stores:
            store.close()


def test_an_append_is_announced_with_the_new_head(shared, postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        shared.append_batch([report(219000001, 0), report(219000001, 1)])
        heard = [note.payload for note in listener.notifies(timeout=5, stop_after=1)]
    assert heard == ["2"]


def test_a_writer_that_holds_the_log_too_long_makes_the_next_one_give_up_writing_nothing(postgres_url):
    impatient = open_postgres(postgres_url, lock_timeout_ms=200)
    try:
        with psycopg.connect(postgres_url) as stalled:
            stalled.execute("SELECT pg_advisory_xact_lock(%s)", (0x464C4F47,))
            with pytest.raises(StoreBusyError, match="held the shared log"):
                impatient.append_batch([report(219000001, 0)])
        assert impatient.append_batch([report(219000001, 0)]).count == 1  # once the lock is free
    finally:
        impatient.close()


def test_a_stale_expected_version_is_refused_across_connections(postgres_url):
    first, second = open_store(postgres_url), open_store(postgres_url)
    try:
        first.append("zones", [], expected_version=0)
        first.append(report(219000001, 0).stream_id, [report(219000001, 0)], expected_version=0)
        with pytest.raises(ConcurrencyError):
            second.append(report(219000001, 1).stream_id, [report(219000001, 1)], expected_version=0)
    finally:
        first.close()
        second.close()


def test_the_url_keeps_no_password_and_the_store_names_no_user(postgres_url):
    with pytest.raises(StoreError, match="PGPASSWORD"):
        open_store(postgres_url.replace("fleet_owner@", "fleet_owner:secret@"))
    store = open_store(postgres_url)
    try:
        assert "fleet_owner" not in store.describe() and store.describe().startswith("PostgreSQL fleet_")
    finally:
        store.close()


def test_a_database_of_something_else_is_refused_untouched(postgres_url):
    _sql(postgres_url, "CREATE TABLE invoices (id integer)")
    with pytest.raises(NotAStoreError, match="invoices"):
        open_store(postgres_url)


def test_a_log_copied_between_engines_keeps_positions_ids_and_hashes(tmp_path, shared):
    sqlite_store = open_store(tmp_path / "ship.sqlite")
    back = open_store(tmp_path / "back.sqlite")
    try:
        sqlite_store.append_batch([registered(219000001, 0, "ARIA")] + [report(219000001 + i % 3, i) for i in range(50)])
        copied = copy_log(sqlite_store, shared, batch=7)
        assert (copied.copied, copied.resumed_from) == (51, 0)
        copy_log(shared, back)
        envelopes = [[(e.position, e.event_id, e.stream_id, e.version, e.hash) for e in store.read_all()]
                     for store in (sqlite_store, shared, back)]
        assert envelopes[0] == envelopes[1] == envelopes[2]
        heads = {(r.head_position, r.head_hash) for r in (sqlite_store.verify(), shared.verify(), back.verify())}
        assert len(heads) == 1
        # The dedupe keys came along: the same observations appended to the copy are recognised.
        assert shared.append_batch([report(219000001, 0)]).count == 0
    finally:
        sqlite_store.close()
        back.close()


def test_an_interrupted_copy_resumes_where_it_stopped(tmp_path, shared):
    source = open_store(tmp_path / "ship.sqlite")
    try:
        source.append_batch([report(219000001, i) for i in range(30)])

        def stop_after_first_batch(position: int, _total: int) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            copy_log(source, shared, batch=10, progress=stop_after_first_batch)
        assert shared.head().position == 10
        resumed = copy_log(source, shared, batch=10)
        assert (resumed.resumed_from, resumed.copied) == (10, 20)
        assert shared.verify().head_hash == source.verify().head_hash
        other = open_store(tmp_path / "other.sqlite")
        try:
            other.append_batch([report(235000003, i) for i in range(40)])
            with pytest.raises(CopyMismatchError, match="another log"):
                copy_log(other, shared)
        finally:
            other.close()
    finally:
        source.close()


def test_a_restored_backup_that_lost_the_newest_events_fails_verify_by_the_head_witness(postgres_server):
    """pg_dump, more appends, then the database restored from that dump: the log verifies as a chain, but not
    against the head this machine witnessed (docs/shared-store.md, "Backups")."""
    from store.postgres_sandbox import server_binaries

    binaries = server_binaries()
    url = postgres_server.create_database("watch")
    connection = ["-h", str(postgres_server.socket_dir), "-p", str(postgres_server.port), "-U",
                  postgres_server.superuser]
    dump = postgres_server.folder / "watch.dump"
    try:
        with open_store(url) as store:
            store.append_batch([report(219000001, i) for i in range(10)])
        subprocess.run([str(binaries / "pg_dump"), *connection, "-Fc", "-f", str(dump), "watch"], check=True)
        with open_store(url) as store:
            store.append_batch([report(219000001, i) for i in range(10, 15)])  # witnessed at close: head 15
        postgres_server.drop_database("watch")
        postgres_server.create_database("watch")
        subprocess.run([str(binaries / "pg_restore"), *connection, "-d", "watch", str(dump)], check=True)
        with open_store(url) as restored:
            verdict = restored.verify()
            assert restored.head().position == 10
        assert verdict.checks["hash_chain"] == "ok" and not verdict.ok
        assert "15" in verdict.checks["head_witness"]
    finally:
        postgres_server.drop_database("watch")


@settings(max_examples=5, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from([219000001, 219000002, 235000003]), st.integers(0, 40)),
                         min_size=1, max_size=12), min_size=1, max_size=6))
def test_batches_from_two_connections_make_one_chain_a_copy_keeps(postgres_server, tmp_path_factory, batches):
    """Whatever batches two connections append, in whatever order: gap-free positions, a chain that verifies,
    each observation once, and a copy into SQLite with the same head."""
    name = f"prop_{next(_examples)}"
    url = postgres_server.create_database(name)
    stores = [open_store(url), open_store(url)]
    copy = open_store(tmp_path_factory.mktemp("prop") / "copy.sqlite")
    try:
        for n, batch in enumerate(batches):
            stores[n % 2].append_batch([report(mmsi, minute) for mmsi, minute in batch])
        stored = list(stores[0].read_all())
        assert [e.position for e in stored] == list(range(1, len(stored) + 1))
        assert len(stored) == len({observation for batch in batches for observation in batch})
        copy_log(stores[1], copy)
        assert stores[0].verify().ok and copy.verify().head_hash == stores[1].verify().head_hash
    finally:
        for store in (*stores, copy):
            store.close()
        postgres_server.drop_database(name)
