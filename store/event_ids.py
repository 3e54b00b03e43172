"""Event ids: random (version 4) UUIDs, made for a whole batch in one call to the OS random source."""
from __future__ import annotations

import os

import numpy as np


def random_uuid_bytes(count: int) -> bytes:
    """``count`` version-4 UUIDs as one bytes object, 16 bytes each (one ``os.urandom`` call, not ``count``)."""
    if count == 0:
        return b""
    ids = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    ids[:, 6] = (ids[:, 6] & 0x0F) | 0x40
    ids[:, 8] = (ids[:, 8] & 0x3F) | 0x80
    return ids.tobytes()
