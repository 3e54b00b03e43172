"""Verifying a log kept in PostgreSQL: gap-free positions, consecutive stream versions and the hash chain
(the same ``domain.hash_chain`` bytes as SQLite's verifier), and the append-only triggers and the role check
present, enabled and still refusing. The first event that breaks a rule is named by position."""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy.engine import Engine

from domain.hash_chain import GENESIS_HASH, canonical_text, chain_hash
from store.collector import collector_paused
from store.postgres_schema import EXPECTED_TRIGGERS, ROLE_CHECK_FUNCTION, TRIGGER_FUNCTION
from store.verification import VerifyReport

_PAGE = 20_000
_QUERY = ("SELECT e.position, e.event_id, s.name, e.version, t.name, t.schema_version, t.layout, e.occurred_at, "
          "e.recorded_at, m.json, e.payload, e.hash FROM events AS e LEFT JOIN streams AS s ON e.stream = s.id "
          "LEFT JOIN event_types AS t ON e.type = t.id LEFT JOIN event_metadata AS m ON e.metadata = m.id "
          "WHERE e.position >= %(start)s ORDER BY e.position LIMIT %(limit)s")
_TRIGGERS = ("SELECT t.tgname FROM pg_trigger AS t JOIN pg_proc AS p ON t.tgfoid = p.oid "
             "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND p.proname = %(function)s "
             "AND p.prosrc LIKE '%%RAISE EXCEPTION%%'")  # a trigger whose function was made harmless does not count


def verify_postgres(engine: Engine, from_position: int = 1, previous_hash: bytes = GENESIS_HASH,
                    stream_versions: dict[str, int] | None = None) -> VerifyReport:
    """Recompute the chain from ``from_position`` (after ``previous_hash``) and check the triggers."""
    checks: dict[str, str] = {}
    with engine.connect() as connection:
        triggers = {row[0] for row in connection.exec_driver_sql(_TRIGGERS, {"function": TRIGGER_FUNCTION})}
    missing = sorted(EXPECTED_TRIGGERS - triggers)
    checks["immutability_triggers"] = "ok" if not missing else "missing or disabled: " + ", ".join(missing)
    with engine.connect() as connection:
        role_check = connection.exec_driver_sql(_TRIGGERS, {"function": ROLE_CHECK_FUNCTION}).all()
    checks["role_check"] = "ok" if role_check else "missing or disabled: events_by_role"
    versions = dict(stream_versions or {})
    expected, previous = from_position, previous_hash
    bad: int | None = None
    problem: str | None = None
    with collector_paused():
        while bad is None:
            with engine.connect() as connection:
                rows = connection.exec_driver_sql(_QUERY, {"start": expected, "limit": _PAGE}).all()
            for row in rows:
                bad, problem, digest = _check(row, expected, previous, versions)
                if bad is not None:
                    break
                previous, expected = digest, expected + 1
            if len(rows) < _PAGE:
                break
    head = expected - 1
    checks["hash_chain"] = "ok" if bad is None else f"broken at position {bad}: {problem}"
    ok = all(value == "ok" for value in checks.values())
    if bad is None and not ok:
        problem = next(f"{name}: {value}" for name, value in checks.items() if value != "ok")
    return VerifyReport(ok=ok, events=head, head_position=head, head_hash=previous if bad is None else b"",
                        first_bad_position=bad, problem=problem, checks=checks, stream_versions=versions)


def _check(row: Sequence[Any], expected: int, previous: bytes,
           versions: dict[str, int]) -> tuple[int | None, str | None, bytes]:
    """(None, None, the row's hash) when the row continues the chain, else (its position, why, b"")."""
    (position, event_id, stream, version, type_name, schema_version, layout, occurred, recorded, metadata_json,
     payload, stored) = row
    if position != expected:
        return expected, f"position {expected} is missing (next is {position})", b""
    if None in (stream, type_name, metadata_json):
        return position, "its stream, type or metadata row is gone", b""
    if version != versions.get(stream, 0) + 1:
        return position, f"stream {stream} jumps from version {versions.get(stream, 0)} to {version}", b""
    digest = chain_hash(previous, canonical_text(position, bytes(event_id).hex(), stream, version, type_name,
                                                 schema_version, layout, occurred, recorded, metadata_json, payload))
    if digest != bytes(stored):
        return position, "hash does not match the event's content and the chain before it", b""
    versions[stream] = version
    return None, None, digest
