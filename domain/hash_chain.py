"""The hash chain: each event's hash covers the previous hash and the event's canonical bytes.

The canonical bytes are the stored envelope fields joined by the ASCII unit separator (0x1F), with the
payload and metadata as the exact JSON text the log holds and the payload's field layout spelled out, so a
changed field name, value, order or envelope field changes the hash. See docs/event-store.md.
"""
from __future__ import annotations

import hashlib

GENESIS_HASH = bytes(32)
SEPARATOR = "\x1f"


def canonical_text(position: int, event_id_hex: str, stream_id: str, version: int, type_name: str,
                   schema_version: int, layout: str, occurred_at: int, recorded_at: int, metadata_json: str,
                   payload_json: str) -> str:
    """The canonical form of one stored event (``layout`` is the payload's comma-separated field names)."""
    return SEPARATOR.join((str(position), event_id_hex, stream_id, str(version), type_name, str(schema_version),
                           layout, str(occurred_at), str(recorded_at), metadata_json, payload_json))


def chain_hash(previous: bytes, canonical: str) -> bytes:
    """SHA-256 over the previous event's hash followed by this event's canonical bytes."""
    return hashlib.sha256(previous + canonical.encode("utf-8")).digest()
