"""Kill -9 at random moments: an import (read here, and read by a second process for files of 8 MB or more)
killed and then completed by running it again, and a live listener killed mid-stream and started again.

After each try the store must hold exactly what a clean run puts in a store — nothing lost, nothing twice —
and ``verify`` must pass. For the listener, what it must keep is every line it accepted: the lines sent to it
while it was up (see ``accepted`` for how a spool beside the store refines that).
"""
from __future__ import annotations

import random
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.reliability_common import (Checked, Difference, EventKey, Findings, command, compare, event_contents,
                                      event_count, kill_hard, registrations_by_stream, run, shown, start, verify)
from bench.reliability_inputs import Recording, live_stream, long_solent, real_files, write_stream
from bench.reliability_listener import Listener


READ_S = 0.1


@dataclass
class Kill9Result:
    tries: int = 0
    lost: int = 0
    duplicated: int = 0
    verify_failures: int = 0
    tries_by_path: Counter[str] = field(default_factory=Counter)
    killed_mid_write: int = 0      # tries whose store held part of the file when the import was killed
    spooled_at_kill: int = 0       # lines killed listeners held in their spools, received but not yet in the log
    checked: Checked = field(default_factory=Checked)

    def as_extra(self) -> dict:
        return {"by_path": dict(self.tries_by_path), "killed_mid_write": self.killed_mid_write,
                "spooled_at_kill": self.spooled_at_kill}


class References:
    """What a clean import of each input puts in a store, made once."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env = folder, env
        self._done: dict[tuple, tuple[Counter[EventKey], float, float]] = {}

    def of(self, path: Path, arguments: tuple[str, ...] = ()) -> tuple[Counter[EventKey], float, float]:
        """The clean store's contents, how long the whole command took, and how long its import took (from
        its summary: the part after start-up)."""
        key = (str(path), arguments)
        if key not in self._done:
            db = self.folder / f"reference-{len(self._done)}.sqlite"
            done = run(command("import", str(path), *arguments, "--db", str(db)), env=self.env)
            summary = done.last_json() or {}
            if done.code != 0:
                raise RuntimeError(f"the clean import of {path} failed ({done.code}): {done.tail()}")
            self._done[key] = event_contents(db), done.seconds, float(summary.get("seconds", done.seconds))
        return self._done[key]


def _wait_for_first_batch(db: Path, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline and event_count(db) == 0:
        time.sleep(0.01)


def _judge(result: Kill9Result, findings: Findings, what: str, reproduce: str, reference: Counter[EventKey],
           db: Path, env: dict[str, str]) -> Difference:
    result.checked.add(reference)
    try:
        actual = event_contents(db)
    except sqlite3.Error as error:
        findings.add("kill9", f"{what}: the store cannot be read: {error}", reproduce)
        actual = Counter()
    difference = compare(registrations_by_stream(reference), registrations_by_stream(actual))
    result.lost += difference.lost
    result.duplicated += difference.duplicated
    if difference.lost or difference.duplicated:
        findings.add("kill9", f"{what}: {difference.lost} events lost, {difference.duplicated} extra "
                              f"(e.g. lost {difference.example_lost}, extra {difference.example_extra})", reproduce)
    checked = verify(db, env)
    if checked.code != 0:
        result.verify_failures += 1
        findings.add("kill9", f"{what}: verify exits {checked.code}: {checked.tail(300)}", reproduce)
    for leftover in db.parent.glob(db.name + "*"):  # the try is judged: its store is not needed any more
        leftover.unlink()
    return difference


def import_try(number: int, recording: Recording, path_name: str, references: References, folder: Path,
               env: dict[str, str], rng: random.Random, result: Kill9Result, findings: Findings) -> None:
    """One import killed at a random moment, then run again to its end. Half the kills fall anywhere in the
    command's run (start-up and the store's creation included), half while it writes (after its first
    batch is in the log)."""
    reference, seconds, import_seconds = references.of(recording.path, recording.arguments)
    db = folder / f"kill9-{number}.sqlite"
    argv = command("import", str(recording.path), *recording.arguments, "--db", str(db))
    while_writing = rng.random() < 0.5
    delay = rng.uniform(0.0, import_seconds) if while_writing else rng.uniform(0.02, seconds)
    process = start(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if while_writing:
        _wait_for_first_batch(db, process, 3 * seconds)
    time.sleep(delay)
    finished_first = process.poll() is not None
    kill_hard(process)
    held = event_count(db)
    if not finished_first and 0 < held < sum(reference.values()):
        result.killed_mid_write += 1
    rerun = run(argv, env=env)
    result.tries += 1
    result.tries_by_path[path_name] += 1
    moment = f"{delay:.2f} s after its first batch was in the log" if while_writing else f"{delay:.2f} s after its start"
    reproduce = (f"{shown(argv)}; kill -9 it and its reading process {moment}; {shown(argv)}; "
                 f"python main.py verify --db {db}")
    if rerun.code != 0 or rerun.crashed:
        findings.add("kill9", f"the import run again after a kill {moment} exits {rerun.code}: "
                              f"{rerun.tail(300)}", reproduce)
    _judge(result, findings, f"import of {recording.path.name} killed {moment} ({path_name}, {held} events held)",
           reproduce, reference, db, env)


def _send_until(listener: Listener, messages: list[list[str]], stop: threading.Event, sent: list[int]) -> None:
    """Send messages one small piece at a time until ``stop`` (the piece in hand is finished first)."""
    index = 0
    while index < len(messages) and not stop.is_set():
        index += listener.send(messages[index:index + 5])
    sent.append(index)


def listener_try(number: int, transport: str, messages: int, references_folder: Path, folder: Path,
                 env: dict[str, str], rng: random.Random, result: Kill9Result, findings: Findings) -> None:
    """A listener killed at a random moment while a stream arrives, started again, and given the rest."""
    db = folder / f"kill9-listen-{number}.sqlite"
    stream = live_stream(messages)
    listener = Listener(db, env, transport)
    reproduce = (f"{shown(listener.argv)} while NMEA arrives on {transport.upper()}; kill -9 it mid-stream; "
                 f"start it again; compare with: python main.py import STREAM.nmea --db CLEAN.sqlite")
    try:
        if not listener.start():
            findings.add("kill9", f"the listener did not come up: {listener.stderr[-300:]}", reproduce)
            return
        stop, sent = threading.Event(), []
        sender = threading.Thread(target=_send_until, args=(listener, stream, stop, sent))
        sender.start()
        time.sleep(rng.uniform(0.1, 0.9 * messages / 2_000.0))
        stop.set()
        sender.join()
        time.sleep(READ_S)  # the listener has read what was sent (the kernel held it for it), and not yet stored it
        listener.kill()
        result.spooled_at_kill += spooled_count(db)
        if not listener.start():
            findings.add("kill9", f"the listener did not come up again after a kill: {listener.stderr[-300:]}",
                         reproduce)
            return
        listener.send(stream[sent[0]:])
        code = listener.stop()
        if code != 0:  # it says it stopped with lines not in the log: a start replays them
            findings.add("kill9", f"the restarted listener, stopped with Ctrl+C, exits {code}: "
                                  f"{listener.stderr[-300:]}", reproduce)
            if listener.start():
                listener.stop()
    finally:
        listener.close()
    result.tries += 1
    result.tries_by_path[f"listen-{transport}"] += 1
    accepted = accepted_messages(listener)
    reference_db = references_folder / f"kill9-listen-{number}-clean.sqlite"
    clean = run(command("import", str(write_stream(references_folder / f"kill9-listen-{number}.nmea", accepted)),
                        "--db", str(reference_db)), env=env)
    if clean.code != 0:
        raise RuntimeError(f"the clean import of the listener's stream failed: {clean.tail()}")
    _judge(result, findings, f"listener ({transport}) killed after {sent[0]} of {len(stream)} messages", reproduce,
           event_contents(reference_db), db, env)


def accepted_messages(listener: Listener) -> list[list[str]]:
    """The messages the listener accepted: every message sent to it while it was up. Before each kill the
    sender pauses for ``READ_S``, so that no line is left unread in the kernel's socket buffer (which no
    listener can keep): every line sent has been read, and written to the listener's spool before anything
    else happens to it. The listener appends at most once a second, so it is killed holding received lines
    that are not yet in the log (``spooled_count`` counts them)."""
    return listener.sent


def spooled_count(db: Path) -> int:
    """How many received lines a stopped listener left in its spool beside the store (``app/live_spool.py``)."""
    from app.live_spool import spool_path, spooled_lines

    path = spool_path(db)
    return len(spooled_lines(path)) if path.exists() else 0


def run_kill9(folder: Path, env: dict[str, str], *, import_tries: int, parallel_tries: int, listener_tries: int,
              listener_messages: int, seed: int, findings: Findings) -> Kill9Result:
    """Every kind of kill try, the kinds interleaved, with kill moments drawn from ``seed``."""
    rng = random.Random(seed)
    result = Kill9Result()
    references = References(folder, env)
    files = real_files()  # the Solent recording first: the one small file an import commits in several batches
    big = Recording(long_solent(folder)) if parallel_tries else None
    plan = ([("here", files[i % len(files)]) for i in range(import_tries)]
            + [("two-process", big)] * parallel_tries + [("listen", None)] * listener_tries)
    rng.shuffle(plan)
    listeners = 0
    for number, (kind, recording) in enumerate(plan):
        if kind == "listen":
            transport = ("udp", "tcp")[listeners % 2]
            listeners += 1
            listener_try(number, transport, listener_messages, folder, folder, env, rng, result, findings)
        else:
            assert recording is not None
            import_try(number, recording, kind, references, folder, env, rng, result, findings)
    return result
