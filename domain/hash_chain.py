"""The hash chain: each event's hash covers the previous hash and the event's canonical bytes.

The canonical bytes are the stored envelope fields joined by the ASCII unit separator (0x1F), with the
payload and metadata as the exact JSON text the log holds and the payload's field layout spelled out, so a
changed field name, value, order or envelope field changes the hash. See docs/event-store.md.

This module is the one definition of those bytes: the store's writer and its verifier both hash
``chain_hash(previous, canonical_text_from(...))``, so a log copied between engines (or checked by a tool
that knows only this module) keeps its hashes. Appends hash every event, so the part that is the same for
every event of a type (name, schema version, layout) is built once by ``canonical_type_text`` and kept by
the writer.
"""
from __future__ import annotations

import hashlib

GENESIS_HASH = bytes(32)
SEPARATOR = "\x1f"

_sha256 = hashlib.sha256


def canonical_type_text(type_name: str, schema_version: int, layout: str) -> str:
    """The type's share of the canonical text: its name, schema version and payload layout, separated."""
    return f"{type_name}\x1f{schema_version}\x1f{layout}"


def canonical_text_from(position: int, event_id_hex: str, stream_id: str, version: int, type_text: str,
                        occurred_at: int, recorded_at: int, metadata_json: str, payload_json: str) -> str:
    """The canonical text of one stored event, its type's fields given as its ``canonical_type_text``: the
    one place the envelope's order and separators are spelled out."""
    return (f"{position}\x1f{event_id_hex}\x1f{stream_id}\x1f{version}\x1f{type_text}\x1f{occurred_at}\x1f{recorded_at}"
            f"\x1f{metadata_json}\x1f{payload_json}")


def canonical_text(position: int, event_id_hex: str, stream_id: str, version: int, type_name: str,
                   schema_version: int, layout: str, occurred_at: int, recorded_at: int, metadata_json: str,
                   payload_json: str) -> str:
    """The canonical text of one stored event (``layout`` is the payload's comma-separated field names)."""
    return canonical_text_from(position, event_id_hex, stream_id, version,
                               canonical_type_text(type_name, schema_version, layout), occurred_at, recorded_at,
                               metadata_json, payload_json)


def chain_hash(previous: bytes, canonical: str) -> bytes:
    """SHA-256 over the previous event's hash followed by this event's canonical bytes (UTF-8)."""
    return _sha256(previous + canonical.encode()).digest()
