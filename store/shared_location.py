"""Telling a shared store's location (a ``postgresql://`` URL) from a store file, without loading a driver."""
from __future__ import annotations

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_postgres_location(location: object) -> bool:
    """Whether a ``--db`` value names a PostgreSQL store."""
    text = str(location)
    return "://" in text and text.split("://", 1)[0].lower() in SCHEMES
