"""``store copy`` and ``store roles`` from the command line, against a real PostgreSQL server."""
from __future__ import annotations

import json

import main
from store import QuarantinedRecord, open_store
from tests.fleet_events import report


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_log_copied_to_postgresql_and_back_verifies_with_the_same_head(tmp_path, postgres_url, capsys):
    source = tmp_path / "ship.sqlite"
    with open_store(source) as store:
        store.append_batch([report(219000001 + i % 4, i) for i in range(120)])
        store.quarantine(SET_ASIDE)
        set_aside = [_kept(record) for record in store.quarantined()]
    code, out, err = run(capsys, "store", "copy", "--from", str(source), "--to", postgres_url)
    summary = json.loads(out)
    assert code == 0 and summary["copied"] == 120 and "120 of 120 events" in err
    assert summary["quarantine_copied"] == len(SET_ASIDE)
    assert "fleet_owner" not in out + err  # the server and database are named, never the login
    code, out, _ = run(capsys, "store", "copy", "--from", str(source), "--to", postgres_url)
    again = json.loads(out)
    assert code == 0 and again["copied"] == 0 and again["resumed_from"] == 120 and again["quarantine_copied"] == 0
    back = tmp_path / "back.sqlite"
    assert run(capsys, "store", "copy", "--from", postgres_url, "--to", str(back))[0] == 0
    heads = {run(capsys, "verify", "--db", location)[1] for location in (str(source), postgres_url, str(back))}
    assert len(heads) == 1 and next(iter(heads)).startswith("ok: 120 events, head 120:")
    for location in (postgres_url, back):
        with open_store(location) as copied:
            assert [_kept(record) for record in copied.quarantined()] == set_aside


# Set aside by an import (keyed: a second import adds it once) and by a live feed (no key), with hostile text.
SET_ASIDE = [
    QuarantinedRecord("day.csv", 7, "366000001,2024-01-01T00:00:01,91.5,3.0", "lat must be within [-90, 90]", "lat",
                      dedupe_key=b"k" * 16),
    QuarantinedRecord("feed:harbour", None, "!AIVDM,2,1,9,A,=cmd|' /C calc'!A0,0*7F", "a fragment never completed"),
    QuarantinedRecord("day.csv", 9, "\x00\x01 binary", "row holds NUL bytes (binary data, not text)",
                      dedupe_key=b"q" * 16),
]


def _kept(record: QuarantinedRecord) -> tuple:
    return (record.source, record.line, record.field, record.raw, record.reason, record.quarantined_at,
            record.dedupe_key)


def test_a_copy_into_a_store_of_another_log_is_refused_with_the_chain_exit_code(tmp_path, postgres_url, capsys):
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    with open_store(first) as store:
        store.append_batch([report(219000001, i) for i in range(5)])
    with open_store(second) as store:
        store.append_batch([report(235000003, i) for i in range(9)])
    assert run(capsys, "store", "copy", "--from", str(first), "--to", postgres_url)[0] == 0
    code, _, err = run(capsys, "store", "copy", "--from", str(second), "--to", postgres_url)
    assert code == 3 and "another log" in err


def test_roles_are_created_once_and_need_a_server(tmp_path, postgres_url, capsys):
    code, out, _ = run(capsys, "store", "roles", "--db", postgres_url)  # roles are the server's: maybe made before
    assert code == 0 and json.loads(out)["roles"] == ["fleet_operator", "fleet_ingest", "fleet_auditor"]
    code, out, _ = run(capsys, "store", "roles", "--db", postgres_url)
    assert code == 0 and json.loads(out)["created"] == []
    code, _, err = run(capsys, "store", "roles", "--db", str(tmp_path / "a.sqlite"))
    assert code == 2 and "postgresql://" in err
