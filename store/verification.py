"""Verifying the log: gap-free positions, consecutive stream versions, the hash chain, the immutability
triggers and SQLite's own integrity check. The first event that breaks a rule is named by position."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine

from domain.hash_chain import GENESIS_HASH, SEPARATOR, chain_hash
from store.collector import collector_paused
from store.schema import IMMUTABLE_TABLES, event_metadata, event_types, events, streams

_PAGE = 10_000  # small pages: each fetch holds the interpreter lock while it builds its rows
EXPECTED_TRIGGERS = frozenset(f"{table}_no_{verb}" for table in IMMUTABLE_TABLES for verb in ("update", "delete"))


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of a verification; ``first_bad_position`` is None when the chain holds."""

    ok: bool
    events: int
    head_position: int
    head_hash: bytes
    first_bad_position: int | None = None
    problem: str | None = None
    checks: dict[str, str] = field(default_factory=dict)
    stream_versions: dict[str, int] = field(default_factory=dict, repr=False)  # to continue from the head

    def as_json(self) -> dict:
        return {"ok": self.ok, "events": self.events, "head_position": self.head_position,
                "head_hash": self.head_hash.hex(), "first_bad_position": self.first_bad_position,
                "problem": self.problem, "checks": self.checks}


def verify_log(engine: Engine, from_position: int = 1, previous_hash: bytes = GENESIS_HASH,
               stream_versions: dict[str, int] | None = None, *, sqlite_check: bool = True) -> VerifyReport:
    """Recompute the whole chain (or continue it from a known-good position) and check the store.

    ``sqlite_check=False`` leaves out SQLite's own integrity check (it reads the whole file), for the
    frequent re-checks of a log's new tail.
    """
    checks: dict[str, str] = {}
    with engine.connect() as connection:
        triggers = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        missing = sorted(EXPECTED_TRIGGERS - triggers)
        checks["immutability_triggers"] = "ok" if not missing else "missing: " + ", ".join(missing)
        if sqlite_check:
            integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            checks["sqlite_integrity"] = "ok" if integrity == ["ok"] else "; ".join(integrity[:5])

    expected_position = from_position
    previous = previous_hash
    versions = dict(stream_versions or {})
    query = (select(events.c.position, events.c.event_id, streams.c.name, events.c.version, event_types.c.name,
                    event_types.c.schema_version, event_types.c.layout, events.c.occurred_at, events.c.recorded_at,
                    event_metadata.c.json, events.c.payload, events.c.hash)
             .select_from(events.join(streams, events.c.stream == streams.c.id)
                          .join(event_types, events.c.type == event_types.c.id)
                          .join(event_metadata, events.c.metadata == event_metadata.c.id)))
    with collector_paused():
        bad_position, problem, expected_position, previous = _walk_chain(
            engine, query, expected_position, previous, versions)
    head_position = expected_position - 1
    checks["hash_chain"] = "ok" if bad_position is None else f"broken at position {bad_position}: {problem}"
    ok = bad_position is None and all(value == "ok" for value in checks.values())
    if bad_position is None and not ok:
        problem = next(f"{name}: {value}" for name, value in checks.items() if value != "ok")
    return VerifyReport(ok=ok, events=head_position, head_position=head_position,
                        head_hash=previous if bad_position is None else b"", first_bad_position=bad_position,
                        problem=problem, checks=checks, stream_versions=versions)


def _walk_chain(engine: Engine, query, expected_position: int, previous: bytes, versions: dict[str, int]):
    """Recompute hashes from ``expected_position`` on; the first bad position and why, or None."""
    bad_position: int | None = None
    problem: str | None = None
    while bad_position is None:
        with engine.connect() as connection:
            rows = connection.execute(query.where(events.c.position >= expected_position)
                                      .order_by(events.c.position).limit(_PAGE)).all()
        for (position, event_id, stream, version, type_name, schema_version, layout, occurred, recorded,
             metadata_json, payload, stored_hash) in rows:
            if position != expected_position:
                bad_position, problem = expected_position, f"position {expected_position} is missing (next is {position})"
                break
            if version != versions.get(stream, 0) + 1:
                bad_position, problem = position, (f"stream {stream} jumps from version {versions.get(stream, 0)} "
                                                   f"to {version}")
                break
            previous = chain_hash(previous, SEPARATOR.join((
                str(position), bytes(event_id).hex(), stream, str(version), type_name, str(schema_version), layout,
                str(occurred), str(recorded), metadata_json, payload)))
            if previous != bytes(stored_hash):
                bad_position, problem = position, "hash does not match the event's content and the chain before it"
                break
            versions[stream] = version
            expected_position += 1
        if len(rows) < _PAGE:
            break
    return bad_position, problem, expected_position, previous
