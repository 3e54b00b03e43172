"""Who signs what this console appends: the operator's name, from the environment or the OS user.

On its own so that every use case that signs events (imports, live feeds, zones, notes) can ask for the
default without importing the service that wires them.
"""
from __future__ import annotations

import getpass
import os

OPERATOR_VARIABLE = "FLEET_LOGBOOK_OPERATOR"


def default_operator() -> str:
    """The operator's name: ``FLEET_LOGBOOK_OPERATOR`` when set, else the OS user (the console's settings
    may name another)."""
    named = os.environ.get(OPERATOR_VARIABLE, "").strip()
    if named:
        return named[:80]
    try:
        return getpass.getuser() or "operator"
    except (KeyError, OSError):
        return "operator"
