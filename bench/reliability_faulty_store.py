"""``python -m bench.reliability_faulty_store ARGS...``: the command line (``main.py ARGS...``) with a fault
injected at the store's write, for machines where the campaign cannot mount a small file system.

While the file named by ``FLEET_LOGBOOK_FAULT_FLAG`` exists, every statement that would write to the store
fails as SQLite fails on a full disk or a read-only file (the flag file's text, ``full`` or ``read-only``,
says which); the campaign creates and removes the flag to fill and free the "disk".
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

FLAG = "FLEET_LOGBOOK_FAULT_FLAG"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
_MESSAGES = {"full": "database or disk is full", "read-only": "attempt to write a readonly database"}


def install() -> None:
    from sqlalchemy import event, exc
    from sqlalchemy.engine import Engine

    flag = Path(os.environ[FLAG])

    @event.listens_for(Engine, "before_cursor_execute")
    def fail_writes(connection, cursor, statement, parameters, context, executemany) -> None:
        if not flag.exists() or not statement.lstrip().upper().startswith(_WRITES):
            return
        message = _MESSAGES.get(flag.read_text().strip(), _MESSAGES["full"])
        raise exc.OperationalError(statement, parameters, sqlite3.OperationalError(message))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    install()
    import main

    sys.exit(main.main(sys.argv[1:]))
