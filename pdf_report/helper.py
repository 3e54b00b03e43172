"""A large report drawn on the second core: the log is read here, the PDF is drawn in a helper process.

For a report of a day of a large fleet (about a million events) the event listing is the work, in two
halves of about equal cost: reading and decoding the events and turning them into rows (Python, this
process: it owns the store), and drawing the rows into the PDF (Qt's PDF engine: glyph by glyph, then
compressing each page). One process holding the GIL cannot run them side by side, so above
``HELPER_FROM_EVENTS`` events the whole document is drawn by a helper process (``python -m
pdf_report.helper_process``: a fresh interpreter with offscreen Qt, connected by a socket pair) while this one
reads the log and sends it the rows in batches. The socket holds a few batches at most, so memory stays bounded
on both sides; the helper reports progress back.

The helper opens the PDF and says 'ready' before any event is read, so a helper that cannot start costs
nothing: ``render_with_helper`` returns False and the caller draws in its own process instead (as it
always does where file descriptors cannot be handed to a child, i.e. not on POSIX). Cancelling or any
failure here stops the helper; the caller deletes the partial file.

What passes on the socket, as tuples: to the helper ``("report", report without its listing, path)``, then
``("rows", batch)`` … and ``("end", beyond_head)``; back ``("ready",)``, ``("progress", fraction, text)`` …,
then ``("done",)`` or ``("failed", why)``.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable, Iterator

from app.audit_report import AuditReport
from pdf_report.rows import LogRows

HELPER_FROM_EVENTS = 50_000
READY_TIMEOUT_S = 120.0


class ReportRenderError(RuntimeError):
    """The helper process drawing the PDF failed or stopped."""


def _no_listing() -> Iterator:
    return iter(())


def render_with_helper(report: AuditReport, partial: Path, progress: Callable[[float, str], None] | None,
                       check_cancelled: Callable[[], None]) -> bool:
    """Draw ``report`` into ``partial`` in a helper process; False when the helper could not start.
    ``check_cancelled`` raises to cancel; the helper is stopped on every way out but success."""
    if os.name != "posix" or not sys.executable:
        return False
    ours, theirs = socket.socketpair()
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen",
                       PYTHONPATH=os.pathsep.join(entry for entry in sys.path if entry))
    try:
        helper = subprocess.Popen([sys.executable, "-m", "pdf_report.helper_process", str(theirs.fileno())],
                                  pass_fds=(theirs.fileno(),), env=environment, stdin=subprocess.DEVNULL)
    except OSError:
        ours.close()
        theirs.close()
        return False
    theirs.close()
    connection = Connection(ours.detach())
    finished = False
    try:
        try:
            connection.send(("report", replace(report, _listing=_no_listing), str(partial)))
        except OSError:
            return False
        if not _wait(connection, helper, "ready", progress, check_cancelled, timeout=READY_TIMEOUT_S):
            return False
        if report.request.includes("listing"):  # a report without the listing asks for no rows
            rows = LogRows(report.listing(), report.integrity.head_position)
            for batch in rows:
                _forward(connection, progress)
                check_cancelled()
                connection.send(("rows", batch))
            connection.send(("end", rows.beyond_head))
        if not _wait(connection, helper, "done", progress, check_cancelled):
            raise ReportRenderError(f"the PDF helper process stopped (exit code {helper.poll()})")
        helper.wait(timeout=60)
        finished = True
        return True
    except (BrokenPipeError, EOFError, ConnectionResetError):
        raise ReportRenderError(_last_words(connection) or "the PDF helper process stopped") from None
    finally:
        if not finished and helper.poll() is None:
            helper.terminate()
        try:
            helper.wait(timeout=30)
        except subprocess.TimeoutExpired:
            helper.kill()
            helper.wait()
        connection.close()


def _last_words(connection) -> str | None:
    """What a helper that stopped said last, if it said why."""
    try:
        while connection.poll():
            message = connection.recv()
            if message[0] == "failed":
                return f"drawing the PDF failed: {message[1]}"
    except (EOFError, OSError):
        pass
    return None


def _forward(connection, progress: Callable[[float, str], None] | None) -> str | None:
    """Handle what the helper said since last asked, up to 'ready' or 'done' (returned when said)."""
    while connection.poll():
        message = connection.recv()
        if message[0] == "progress":
            if progress is not None:
                progress(message[1], message[2])
        elif message[0] == "failed":
            raise ReportRenderError(f"drawing the PDF failed: {message[1]}")
        else:
            return message[0]
    return None


def _wait(connection, helper, word: str, progress, check_cancelled: Callable[[], None],
          timeout: float | None = None) -> bool:
    """Wait for the helper to say ``word`` (True), forwarding its progress; False if it stopped first."""
    waited = 0.0
    while True:
        check_cancelled()
        if connection.poll(0.1):
            try:
                said = _forward(connection, progress)
            except (EOFError, OSError):
                return False
            except ReportRenderError:
                if word == "ready":
                    return False
                raise
            if said == word:
                return True
        elif helper.poll() is not None:
            return False
        waited += 0.1
        if timeout is not None and waited > timeout:
            return False
