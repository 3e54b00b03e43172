"""The helper process that draws a large report (``python -m pdf_report.helper_process FD``).

Started by ``pdf_report.helper.render_with_helper`` with one end of a socket pair as file descriptor ``FD``:
it receives the report (without its listing) and the path of the partial file, opens the PDF, says 'ready',
then draws the document with the listing's rows as they arrive, reporting progress, and says 'done' — or
'failed' with the reason, which the reading process raises. Nothing imports this module: it is only run.
"""
from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Iterator

from app.audit_report import AuditReport
from pdf_report.render import Renderer, ensure_gui_application
from pdf_report.rows import Row


class PipeRows:
    """The rows the reading process sends, batch by batch (the helper's side of the pipe)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.beyond_head = False

    def __iter__(self) -> Iterator[list[Row]]:
        while True:
            message = self._connection.recv()
            if message[0] == "rows":
                yield message[1]
            elif message[0] == "end":
                self.beyond_head = bool(message[1])
                return


def helper_main(connection: Connection, report: AuditReport, path: str) -> None:
    """Draw ``report`` into ``path`` with rows from ``connection``."""
    try:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        ensure_gui_application()
        renderer = Renderer(report, Path(path), rows=PipeRows(connection),
                            progress=lambda fraction, text: connection.send(("progress", fraction, text)))
        connection.send(("ready",))
        renderer.render()
        connection.send(("done",))
    except BaseException as error:  # reported to the reading process, which raises it there
        try:
            connection.send(("failed", f"{type(error).__name__}: {error}"))
        except OSError:
            pass  # the reading process went away: there is nobody left to tell
        raise SystemExit(1) from None
    finally:
        connection.close()


def main(argv: list[str]) -> None:
    connection = Connection(int(argv[1]))
    _kind, report, path = connection.recv()
    helper_main(connection, report, path)


if __name__ == "__main__":
    main(sys.argv)
