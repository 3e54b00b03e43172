"""Alembic migrations of the store schema. ``LATEST_REVISION`` lets an up-to-date store open without
loading alembic at all; a test checks it equals the script directory's head."""
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
LATEST_REVISION = "0001"
