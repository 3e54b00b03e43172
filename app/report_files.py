"""Audit reports as CSV and JSON, written streaming, and checking a JSON report against the log.

CSV: one row per event of the report (log order), the envelope's fields and then every payload field of
every event type as its own ``payload.<field>`` column (empty when the type has no such field), so one
header serves a whole log. JSON: ``{"events": [...], "summary": {...}, "integrity": {...}}`` with each
event in the envelope form of ``history --json``, one event per line, so the file streams out (and back
in, for ``report --verify``) without being held in memory.
"""
from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from app.atomic_files import atomic_text
from app.audit_report import AuditReport, alert_csv_rows
from app.documents import event_document
from domain.errors import DomainError
from domain.events import payload_fields, registered_event_types
from domain.progress import FractionProgress as Progress
from store import EventStore

ENVELOPE_COLUMNS = ("position", "event_id", "stream_id", "version", "type", "schema_version", "occurred_at",
                    "recorded_at", "source", "operator", "metadata", "hash")


class UnreadableEvent(Exception):
    """A stored event that can no longer be decoded (its row was altered outside the program)."""


class ReportFileError(ValueError):
    """A report file that cannot be read as a Fleet Logbook JSON report."""


def payload_columns() -> list[str]:
    """Every payload field of every registered event type, sorted, as ``payload.<field>``."""
    names = {name for cls in registered_event_types().values() for name in payload_fields(cls)}
    return [f"payload.{name}" for name in sorted(names)]


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): = + - @, tab, carriage return and
# line feed, and their full-width forms, which some locales read as formulas too.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
TEXT_MARK = "'"


def spreadsheet_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading ``'`` when the text would start a formula — also
    after leading spaces, which some programs trim on import — or already begins with ``'`` (so that a reader
    always removes exactly one leading ``'`` to get the exact value back). Other text is kept as it is."""
    first = text[:1]
    if not first or (first not in FORMULA_STARTS and first != TEXT_MARK and not first.isspace()):
        return text  # the common case, decided by the first character alone
    if first in FORMULA_STARTS or first == TEXT_MARK or text.lstrip()[:1] in FORMULA_STARTS:
        return TEXT_MARK + text
    return text


def _cell(value: Any) -> Any:
    """One CSV cell: numbers as numbers (a negative longitude is -4.5, not text), everything else as text
    made safe for spreadsheets."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return spreadsheet_text(";".join(map(str, value)))
    return spreadsheet_text(str(value))


def write_csv(report: AuditReport, path: str | Path, *, progress: Progress | None = None,
              cancelled: Callable[[], bool] = lambda: False) -> int:
    """Write the report's events as CSV; returns how many rows were written. When the report holds alerts,
    their lives and response-time figures go beside it (``alerts_csv_path``); when it holds none, no such
    file is left there.

    Every text cell is quoted (so a ``;`` or ``,`` in a name cannot start a new cell in a spreadsheet that
    splits on it) and passed through :func:`spreadsheet_text`; numbers are written bare."""
    columns = payload_columns()
    with atomic_text(path) as out:
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow([*ENVELOPE_COLUMNS, *columns])
        rows = 0
        for document in _documents(report, progress, cancelled):
            metadata = document["metadata"]
            payload = document["payload"]
            writer.writerow([_cell(value) for value in (
                document["position"], document["event_id"], document["stream_id"], document["version"],
                document["type"], document["schema_version"], document["occurred_at"], document["recorded_at"],
                metadata.get("source", ""), metadata.get("operator", ""),
                json.dumps(metadata, sort_keys=True, ensure_ascii=False), document["hash"],
                *(payload.get(name[len("payload."):]) for name in columns))])
            rows += 1
    beside = alerts_csv_path(path)
    if report.alerts:
        with atomic_text(beside) as out:
            writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
            for row in alert_csv_rows(report):
                writer.writerow([_cell(value) for value in row])
    else:
        beside.unlink(missing_ok=True)  # an earlier report's alerts are not this one's
    return rows


def alerts_csv_path(path: str | Path) -> Path:
    """Where a CSV report's alerts section goes: beside it, ``<name>.alerts.csv`` (the report's own file keeps
    one row per event)."""
    chosen = Path(path)
    return chosen.with_name(chosen.stem + ".alerts.csv")


def write_json(report: AuditReport, path: str | Path, *, progress: Progress | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> int:
    """Write the report as JSON, one event per line; returns how many events were written."""
    with atomic_text(path) as out:
        out.write('{"events": [\n')
        count = 0
        for document in _documents(report, progress, cancelled):
            if count:
                out.write(",\n")
            out.write(json.dumps(document, ensure_ascii=False, sort_keys=True))
            count += 1
        out.write('\n],\n"summary": ')
        out.write(json.dumps(report.summary_json(), ensure_ascii=False, sort_keys=True))
        out.write(',\n"integrity": ')
        out.write(json.dumps(report.integrity.as_json(), ensure_ascii=False, sort_keys=True))
        out.write("\n}\n")
    return count


class ReportCancelled(Exception):
    """The operator cancelled the report; no file was left behind."""


def _documents(report: AuditReport, progress: Progress | None, cancelled: Callable[[], bool]) -> Iterator[dict]:
    total = max(report.events, 1)
    for done, recorded in enumerate(report.listing(), 1):
        if done % 5_000 == 0:
            if cancelled():
                raise ReportCancelled("the report was cancelled")
            if progress is not None:
                progress(min(done / total, 1.0), f"writing event {done:,} of {report.events:,}")
        yield event_document(recorded)


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- checking a JSON report against the log ---------------------------------------------------------------------


@dataclass
class ReportCheck:
    """What ``report --verify`` found: ok, or the problems (the first few), with counts."""

    events: int = 0
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0
    log_verified: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems and self.log_verified

    def problem(self, text: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(text)
        else:
            self.more_problems += 1

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "log_verified": self.log_verified,
                "problems": self.problems, "more_problems": self.more_problems}


def verify_json_report(store: EventStore, path: str | Path) -> ReportCheck:
    """Check every event of a JSON report against the log (same envelope, payload and hash at the same
    position), that the report's chain head is in the log, and that the log itself verifies."""
    check = ReportCheck()
    events, tail = _read_report(Path(path))
    log = _LogCursor(store)
    for document in events:
        check.events += 1
        _check_event(log, document, check)
    integrity = tail.get("integrity") or {}
    summary = tail.get("summary") or {}
    if summary.get("events") is not None and summary["events"] != check.events:
        check.problem(f"the summary counts {summary['events']:,} events but the report lists {check.events:,}")
    head_position, head_hash = integrity.get("head_position"), integrity.get("head_hash")
    if not isinstance(head_position, int) or not isinstance(head_hash, str):
        check.problem("the report has no chain head (integrity.head_position / head_hash)")
    else:
        stored = store.hash_at(head_position)
        if stored is None:
            check.problem(f"the report's chain head position {head_position} is not in the log")
        elif stored.hex() != head_hash:
            check.problem(f"the log's hash at the report's chain head position {head_position} is {stored.hex()}, "
                          f"the report says {head_hash}")
    for name in ("first", "last"):
        position, digest = integrity.get(f"{name}_position"), integrity.get(f"{name}_hash")
        if isinstance(position, int) and isinstance(digest, str):
            stored = store.hash_at(position)
            if stored is None or stored.hex() != digest:
                check.problem(f"the {name} event's hash in the report does not match the log at position {position}")
    verified = store.verify()
    check.log_verified = verified.ok
    if not verified.ok:
        check.problem(f"the log itself does not verify at position {verified.first_bad_position}: {verified.problem}")
    return check


class _LogCursor:
    """The log's events by position for a report listed in log order: one forward scan, not a query each."""

    def __init__(self, store: EventStore):
        self._store = store
        self._events: Iterator | None = None
        self._current = None

    def at(self, position: int):
        """The log's event at ``position``; raises ``UnreadableEvent`` when the stored row cannot be decoded."""
        try:
            return self._scan_to(position)
        except (DomainError, ValueError) as error:
            self._events, self._current = None, None  # start a fresh scan after this position next time
            try:
                return next(iter(self._store.read_all(position, to_position=position)), None)
            except (DomainError, ValueError):
                raise UnreadableEvent(f"position {position}: the log's event cannot be read ({error})") from None

    def _scan_to(self, position: int):
        current = self._current
        if current is not None and current.position > position:  # out of order: look it up on its own
            return next(iter(self._store.read_all(position, to_position=position)), None)
        if self._events is None:
            self._events = iter(self._store.read_all(position))
        while current is None or current.position < position:
            current = next(self._events, None)
            if current is None:
                self._current = None
                self._events = iter(())
                return None
        self._current = current
        return current if current.position == position else None


def _check_event(log: _LogCursor, document: dict, check: ReportCheck) -> None:
    position = document.get("position")
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        check.problem(f"event {check.events} of the report has no log position")
        return
    try:
        stored = log.at(position)
    except UnreadableEvent as error:
        check.problem(str(error))
        return
    if stored is None:
        check.problem(f"position {position}: not in the log")
        return
    expected = event_document(stored)
    if expected["hash"] != document.get("hash"):
        check.problem(f"position {position}: the report's hash {document.get('hash')} is not the log's {expected['hash']}")
    elif expected != document:
        differing = sorted(key for key in set(expected) | set(document) if expected.get(key) != document.get(key))
        check.problem(f"position {position}: the report's {', '.join(differing)} differ from the log")


def _read_report(path: Path) -> tuple[Iterator[dict], dict]:
    """The events of a report (streamed, when it has the one-event-per-line layout this program writes)
    and its summary and integrity."""
    try:
        with open(path, encoding="utf-8") as stream:
            first = stream.readline()
    except OSError as error:
        raise ReportFileError(f"{path}: cannot read ({error.strerror or error})") from None
    if first.strip() != '{"events": [':
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise ReportFileError(f"{path}: not a JSON report ({error})") from None
        if not isinstance(document, dict) or not isinstance(document.get("events"), list):
            raise ReportFileError(f"{path}: not a Fleet Logbook JSON report (no \"events\" list)")
        return iter(document["events"]), document
    tail_text = _tail_after_events(path)
    try:
        tail = json.loads("{" + tail_text)
    except ValueError as error:
        raise ReportFileError(f"{path}: the summary and integrity after the events are not valid JSON ({error})") from None
    return _stream_events(path), tail


def _stream_events(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as stream:
        stream.readline()
        for number, line in enumerate(stream, 2):
            text = line.rstrip("\n")
            if text == "],":
                return
            try:
                yield json.loads(text.rstrip(","))
            except ValueError as error:
                raise ReportFileError(f"{path}:{number}: not a JSON event ({error})") from None
    raise ReportFileError(f"{path}: the events list never ends")


def _tail_after_events(path: Path) -> str:
    with open(path, encoding="utf-8") as stream:
        found = False
        tail = []
        for line in stream:
            if found:
                tail.append(line)
            elif line.rstrip("\n") == "],":
                found = True
    if not found:
        raise ReportFileError(f"{path}: the events list never ends")
    return "".join(tail)
