"""What every part of the reliability campaign shares: running the real command, reading a store's events
by content, and writing down what went wrong so that a person can reproduce it.

A store is compared with another by what its events say — stream, type, when it occurred, payload — not by
positions, event ids or recording times, which differ between any two runs. Every command runs with its own
user folders (``FLEET_LOGBOOK_DATA`` and friends) inside the campaign's work folder, so that what the
campaign does never touches the machine's real stores and a store's head witness lives with the campaign.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"
EXIT_CODES = frozenset({0, 1, 2, 3})  # ok, error, bad arguments, the log does not verify
EXIT_INTERRUPTED = 130

EventKey = tuple[str, str, int, str]  # stream, type, occurred_at, payload


def recordings() -> Path:
    """The folder of real AIS recordings (``FLEET_LOGBOOK_AIS_SAMPLES``, else ``../shared/data/ais``)."""
    folder = Path(os.environ.get("FLEET_LOGBOOK_AIS_SAMPLES", ROOT.parent / "shared" / "data" / "ais"))
    if not (folder / "SOURCES.md").exists():
        raise FileNotFoundError(f"real AIS recordings not found at {folder} (set FLEET_LOGBOOK_AIS_SAMPLES)")
    return folder


def user_env(folder: Path) -> dict[str, str]:
    """The environment of a command whose user folders (data, config, logs) live under ``folder``."""
    env = dict(os.environ)
    for name, sub in (("FLEET_LOGBOOK_DATA", "data"), ("FLEET_LOGBOOK_CONFIG", "config"), ("FLEET_LOGBOOK_LOGS", "logs")):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(folder / sub)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONFAULTHANDLER"] = "1"  # a hard crash of the interpreter shows up as a traceback too
    return env


def command(*argv: str) -> list[str]:
    return [sys.executable, str(MAIN), *argv]


def shown(argv: Sequence[str]) -> str:
    """A command line a person can paste (paths as they are; the interpreter as ``python``)."""
    parts = ["python" if part == sys.executable else ("main.py" if part == str(MAIN) else part) for part in argv]
    return " ".join(parts)


@dataclass(frozen=True)
class CommandRun:
    argv: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def crashed(self) -> bool:
        """A traceback, or an exit code the command line never promises."""
        return "Traceback (most recent call last)" in self.stderr or self.code not in EXIT_CODES | {EXIT_INTERRUPTED}

    def last_json(self) -> dict | None:
        """The command's final JSON line (its summary), if it printed one."""
        import json

        for line in reversed(self.stdout.strip().splitlines()):
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except ValueError:
                    return None
        return None

    def tail(self, chars: int = 400) -> str:
        text = self.stderr.strip()
        return text[-chars:]


def run(argv: Sequence[str], *, env: dict[str, str], timeout: float = 600.0) -> CommandRun:
    """Run a command to its end (killed after ``timeout``: that shows as exit code -9)."""
    started = time.perf_counter()
    try:
        done = subprocess.run(list(argv), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                              errors="replace")
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        code = -signal.SIGKILL
        partial = expired.stdout or ""
        out = partial.decode(errors="replace") if isinstance(partial, bytes) else partial
        err = f"(killed after {timeout:.0f} s)"
    return CommandRun(tuple(argv), code, out, err, time.perf_counter() - started)


def start(argv: Sequence[str], *, env: dict[str, str], stdout=subprocess.PIPE,
          stderr=subprocess.PIPE) -> subprocess.Popen:
    """Start a command in a session of its own, so that it and the processes it starts can be killed at once."""
    return subprocess.Popen(list(argv), cwd=ROOT, env=env, stdout=stdout, stderr=stderr, start_new_session=True)


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL to the process and every process of its session (an import's reading process too): a power cut."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it ended by itself before the kill: nothing to stop
    process.wait()


# --- reading a store by content -------------------------------------------------------------------------------


_CONTENT = ("SELECT s.name, t.name, e.occurred_at, CAST(e.payload AS BLOB) FROM events e "
            "JOIN streams s ON s.id = e.stream JOIN event_types t ON t.id = e.type")


def event_contents(db: Path) -> Counter[EventKey]:
    """Every event of a store by what it says (a multiset: an event stored twice counts twice)."""
    if not db.exists():
        return Counter()
    # not mode=ro: a store left by a killed writer may need its journal rolled back first, as any reader does
    connection = sqlite3.connect(db, timeout=30)
    try:
        connection.execute("PRAGMA query_only = 1")
        return Counter((stream, kind, occurred, bytes(payload).decode("utf-8", "replace"))
                       for stream, kind, occurred, payload in connection.execute(_CONTENT))
    finally:
        connection.close()


def event_count(db: Path) -> int:
    """How many events a store holds right now (0 for a store still being made, or not there)."""
    if not db.exists():
        return 0
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return connection.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return 0


def registration_counts(contents: Counter[EventKey]) -> Counter[str]:
    """How many ``ShipRegistered`` events each stream has (a ship is registered once)."""
    counts: Counter[str] = Counter()
    for (stream, kind, _, _), times in contents.items():
        if kind == "ShipRegistered":
            counts[stream] += times
    return counts


def registrations_by_stream(contents: Counter[EventKey]) -> Counter[EventKey]:
    """``contents`` with each registration reduced to its stream: when two writers race, which of them
    registers a ship first (and so the time of its registration) may rightly differ from a run in order."""
    out: Counter[EventKey] = Counter()
    for (stream, kind, occurred, payload), times in contents.items():
        out[(stream, kind, 0, "") if kind == "ShipRegistered" else (stream, kind, occurred, payload)] += times
    return out


@dataclass
class Checked:
    """How much a check compared: events in its clean stores, and the most ships one of them held."""

    events: int = 0
    ships: int = 0

    def add(self, contents: Counter[EventKey]) -> None:
        self.events += sum(contents.values())
        self.ships = max(self.ships, len({key[0] for key in contents if key[0].startswith("ship-")}))


@dataclass(frozen=True)
class Difference:
    lost: int          # events the reference has that the store lacks
    duplicated: int    # events the store has beyond the reference (a ship registered twice included)
    example_lost: EventKey | None = None
    example_extra: EventKey | None = None


def compare(reference: Counter[EventKey], actual: Counter[EventKey]) -> Difference:
    missing = reference - actual
    extra = actual - reference
    return Difference(sum(missing.values()), sum(extra.values()), next(iter(missing), None), next(iter(extra), None))


# --- findings -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One failure of a promise: which check, what was seen, and the commands that show it again."""

    check: str
    what: str
    reproduce: str

    def as_json(self) -> dict:
        return {"check": self.check, "what": self.what, "reproduce": self.reproduce}


@dataclass
class Findings:
    """The failures seen, each check's first ``limit_per_check`` kept in full and all of them counted."""

    items: list[Finding] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    limit_per_check: int = 40

    echo: bool = False   # also print each finding on stderr as it is found

    def add(self, check: str, what: str, reproduce: str) -> None:
        self.counts[check] += 1
        if self.counts[check] <= self.limit_per_check:
            self.items.append(Finding(check, what, reproduce))
            if self.echo:
                print(f"finding [{check}] {what}\n    reproduce: {reproduce}", file=sys.stderr, flush=True)

    def report(self, stream=sys.stderr) -> None:
        for finding in [] if self.echo else self.items:
            print(f"finding [{finding.check}] {finding.what}\n    reproduce: {finding.reproduce}", file=stream)
        for check, count in sorted(self.counts.items()):
            print(f"findings [{check}]: {count}" + (f" ({count - self.limit_per_check} not shown)"
                                                    if count > self.limit_per_check else ""), file=stream)


def verify(db: Path, env: dict[str, str]) -> CommandRun:
    return run(command("verify", "--db", str(db)), env=env, timeout=300)
