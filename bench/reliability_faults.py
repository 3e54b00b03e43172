"""The import and the live listener on a disk that fills up and on a store that cannot be written.

Where the machine allows it (root, Linux), the store lives on a small tmpfs mounted for the purpose, filled
with a ballast file and remounted read-only; elsewhere the same scenarios run with a fault injected at the
store's write (``bench.reliability_faulty_store``). The figure line says which.

Scenarios, each ending with the fault removed and the command run (or left running) until it is done:
- an import into a store whose disk fills up, then run again once there is room;
- an import into a read-only store, then run again once it is writable;
- a listener whose disk is full while a stream arrives, and the disk freed while it runs;
- a listener started on a read-only store while a stream arrives, the store made writable while it runs.
A listener that stops with lines it could not store must say so (exit non-zero); it is then started once
more, to replay what it kept. What counts is what the log holds at the end against a clean run: every
received line's events, nothing twice.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from bench.reliability_common import (MAIN, Checked, EventKey, Findings, command, compare, event_contents, recordings,
                                      registrations_by_stream, run, shown)
from bench.reliability_faulty_store import FLAG
from bench.reliability_inputs import NORWEGIAN, SOLENT, live_stream, write_stream
from bench.reliability_listener import Listener

DISK_MB = 12
FULL, READ_ONLY = "full disk", "read-only store"
IMPORT_ROOM = 1_500_000      # what the ballast leaves an import: a few batches, then the disk is full


class Disk:
    """A folder whose file system the campaign can fill, free, and make read-only.

    With a tmpfs the faults are real. A tmpfs cannot be remounted read-only while a process has a file open
    for writing, so a store turning read-only under a running listener is always simulated."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.real = False
        self._flag = folder.parent / f"{folder.name}.fault"
        if sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0:
            mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(folder)],
                                     capture_output=True)
            self.real = mounted.returncode == 0
        self._ballast = folder / "ballast"

    def mode(self, simulated: bool = False) -> str:
        return f"tmpfs of {DISK_MB} MB" if self.real and not simulated else "simulated OSError at the store's write"

    def program(self, simulated: bool = False) -> tuple[str, ...]:
        """The command line before the command's arguments: with the fault injection when simulated."""
        if self.real and not simulated:
            return sys.executable, str(MAIN)
        return sys.executable, "-m", "bench.reliability_faulty_store"

    def command(self, *argv: str, simulated: bool = False) -> list[str]:
        return [*self.program(simulated), *argv]

    def env(self, env: dict[str, str]) -> dict[str, str]:
        return {**env, FLAG: str(self._flag)}

    def apply(self, fault: str, *, room: int = 0, simulated: bool = False) -> None:
        """Fill the disk (leaving ``room`` bytes) or make it read-only."""
        if not self.real or simulated:
            self._flag.write_text("full" if fault == FULL else "read-only")
        elif fault == FULL:
            self._fill(room)
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(self.folder)], check=True, capture_output=True)

    def remove(self, fault: str) -> None:
        self._flag.unlink(missing_ok=True)
        if self.real and fault == FULL:
            self._ballast.unlink(missing_ok=True)
        elif self.real:
            subprocess.run(["mount", "-o", "remount,rw", str(self.folder)], check=True, capture_output=True)

    def _fill(self, room: int) -> None:
        free = shutil.disk_usage(self.folder).free
        with open(self._ballast, "wb") as ballast:
            chunk = b"\0" * (1 << 20)
            remaining = max(0, free - room)
            with contextlib.suppress(OSError):  # the disk is full: as wanted
                while remaining > 0:
                    remaining -= ballast.write(chunk[:min(len(chunk), remaining)])
                    ballast.flush()

    def clear(self) -> None:
        self.remove(READ_ONLY)
        self.remove(FULL)
        for path in self.folder.iterdir():
            path.unlink()

    def close(self) -> None:
        if self.real:
            subprocess.run(["umount", str(self.folder)], capture_output=True)


@dataclass
class FaultResult:
    modes: dict[str, str] = field(default_factory=dict)   # scenario -> how its fault was made
    lost: int = 0
    duplicated: int = 0
    silent: int = 0            # runs that exited 0 although what they received was not all in the log
    misreported: int = 0       # imports whose printed summary differs from what they committed
    by_scenario: dict[str, int] = field(default_factory=dict)
    exit_codes: dict[str, int | None] = field(default_factory=dict)   # of the run under the fault
    checked: Checked = field(default_factory=Checked)

    def as_extra(self) -> dict:
        return {"modes": self.modes, "duplicated": self.duplicated, "silent": self.silent,
                "misreported": self.misreported, "lost_by_scenario": self.by_scenario,
                "exit_codes": self.exit_codes}


def _reference(folder: Path, env: dict[str, str], name: str, files: list[Path]) -> Counter[EventKey]:
    db = folder / f"fault-clean-{name}.sqlite"
    done = run(command("import", *map(str, files), "--db", str(db)), env=env)
    if done.code != 0:
        raise RuntimeError(f"the clean import for {name} failed: {done.tail()}")
    return registrations_by_stream(event_contents(db))


def _judge(result: FaultResult, findings: Findings, scenario: str, reference: Counter[EventKey], db: Path,
           reproduce: str) -> int:
    result.checked.add(reference)
    difference = compare(reference, registrations_by_stream(event_contents(db)))
    result.lost += difference.lost
    result.duplicated += difference.duplicated
    result.by_scenario[scenario] = difference.lost
    if difference.lost or difference.duplicated:
        findings.add("faults", f"{scenario}: {difference.lost} events lost, {difference.duplicated} extra "
                               f"(e.g. lost {difference.example_lost})", reproduce)
    return difference.lost


def import_scenario(disk: Disk, folder: Path, env: dict[str, str], fault: str, result: FaultResult,
                     findings: Findings) -> None:
    """The Norwegian file imported while there is room, then the Solent one into a full or read-only store."""
    scenario = f"import, {fault}"
    result.modes[scenario] = disk.mode()
    disk.clear()
    db = disk.folder / "fleet.sqlite"
    first, second = recordings() / NORWEGIAN, recordings() / SOLENT
    reference = _reference(folder, env, "import", [first, second])
    ready = run(disk.command("import", str(first), "--db", str(db)), env=disk.env(env))
    if ready.code != 0:
        raise RuntimeError(f"{scenario}: could not make the store: {ready.tail()}")
    before = sum(event_contents(db).values())
    disk.apply(fault, room=IMPORT_ROOM)
    argv = disk.command("import", str(second), "--db", str(db))
    failed = run(argv, env=disk.env(env))
    disk.remove(fault)
    held = sum(event_contents(db).values()) - before
    reproduce = f"{shown(argv)} on a {fault} ({disk.mode()}), then again once it is writable"
    result.exit_codes[scenario] = failed.code
    if failed.crashed:
        findings.add("faults", f"{scenario}: the import crashes (exit {failed.code}): {failed.tail(300)}", reproduce)
    summary = failed.last_json()
    if held and (summary is None or summary.get("appended") != held):
        result.misreported += 1
        said = "prints no summary" if summary is None else f"says {summary.get('appended')} appended"
        findings.add("faults", f"{scenario}: the import committed {held} events but {said} "
                               f"(exit {failed.code}: {failed.tail(160)})", reproduce)
    again = run(argv, env=disk.env(env))
    if again.code != 0:
        findings.add("faults", f"{scenario}: the import run again with room exits {again.code}: {again.tail(300)}",
                     reproduce)
    _judge(result, findings, scenario, reference, db, reproduce)


def listener_scenario(disk: Disk, folder: Path, env: dict[str, str], fault: str, when: str, messages: int,
                      result: FaultResult, findings: Findings, catch_up_s: float = 15.0) -> None:
    """A stream sent to a listener that cannot write (the fault made ``when`` "before it starts" or "while it
    runs"); the fault removed while it runs; every received line must end up in the log."""
    simulated = fault == READ_ONLY and when == "while it runs"
    scenario = f"listener, {fault} {when}"
    result.modes[scenario] = disk.mode(simulated)
    disk.clear()
    db = disk.folder / "fleet.sqlite"
    ready = run(disk.command("import", str(recordings() / NORWEGIAN), "--db", str(db)), env=disk.env(env))
    if ready.code != 0:
        raise RuntimeError(f"{scenario}: could not make the store: {ready.tail()}")
    stream = live_stream(messages)
    listener = Listener(db, disk.env(env), program=disk.program(simulated))
    reproduce = (f"{shown(listener.argv)}; a {fault} {when} ({disk.mode(simulated)}) while NMEA arrives; "
                 f"the fault removed while it runs")
    try:
        if when == "before it starts":
            disk.apply(fault, simulated=simulated)
        up = listener.start()
        if when == "while it runs":
            disk.apply(fault, simulated=simulated)
        if not up:
            code = listener.process.poll() if listener.process else None
            result.exit_codes[scenario] = code
            if code is None or code not in (1, 2) or "Traceback" in listener.stderr:
                findings.add("faults", f"{scenario}: the listener does not start cleanly (exit {code}): "
                                       f"{listener.stderr.strip()[-300:]}", reproduce)
        else:
            listener.send(stream)
            time.sleep(1.5)
        disk.remove(fault)
        if up:
            _wait_until_kept(folder, env, db, listener.sent, scenario, catch_up_s)
            code = listener.stop(settle_s=1.0)
            result.exit_codes[scenario] = code
            if "Traceback" in listener.stderr:
                findings.add("faults", f"{scenario}: the listener prints a traceback: {listener.stderr[-300:]}",
                             reproduce)
            missing_now = _missing(folder, env, db, listener.sent, scenario)
            if code == 0 and missing_now:
                result.silent += 1
                findings.add("faults", f"{scenario}: the listener exits 0 with {missing_now} received events not in "
                                       f"the log", reproduce)
            if code != 0:  # it said it holds lines the log lacks: start it once more to replay them
                listener.start()
                listener.stop(settle_s=3.0)
    finally:
        disk.remove(fault)
        listener.close()
    reference_db = folder / "fault-clean-listener.sqlite"
    for leftover in folder.glob(reference_db.name + "*"):
        leftover.unlink()
    files = [str(recordings() / NORWEGIAN)]
    if listener.sent:
        files.append(str(write_stream(folder / "fault-stream.nmea", listener.sent)))
    done = run(command("import", *files, "--db", str(reference_db)), env=env)
    if done.code != 0:
        raise RuntimeError(f"the clean import for {scenario} failed: {done.tail()}")
    _judge(result, findings, scenario, registrations_by_stream(event_contents(reference_db)), db, reproduce)


def _missing(folder: Path, env: dict[str, str], db: Path, received: list[list[str]], scenario: str) -> int:
    """How many events of the received lines the log lacks right now."""
    reference_db = folder / "fault-clean-now.sqlite"
    for leftover in folder.glob(reference_db.name + "*"):
        leftover.unlink()
    files = [str(recordings() / NORWEGIAN)]
    if received:
        files.append(str(write_stream(folder / "fault-now.nmea", received)))
    done = run(command("import", *files, "--db", str(reference_db)), env=env)
    if done.code != 0:
        raise RuntimeError(f"the clean import for {scenario} failed: {done.tail()}")
    return compare(registrations_by_stream(event_contents(reference_db)),
                   registrations_by_stream(event_contents(db))).lost


def _wait_until_kept(folder: Path, env: dict[str, str], db: Path, received: list[list[str]], scenario: str,
                       timeout: float) -> None:
    """Give a listener that retries its writes the time to catch up (it may back off for a while)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _missing(folder, env, db, received, scenario):
        time.sleep(0.5)


@contextmanager
def fault_disk(folder: Path) -> Iterator[Disk]:
    disk = Disk(folder)
    try:
        yield disk
    finally:
        disk.clear()
        disk.close()


def run_faults(folder: Path, env: dict[str, str], *, messages: int, findings: Findings) -> FaultResult:
    result = FaultResult()
    with fault_disk(folder / "disk") as disk:
        for fault in (FULL, READ_ONLY):
            import_scenario(disk, folder, env, fault, result, findings)
        listener_scenario(disk, folder, env, FULL, "while it runs", messages, result, findings)
        listener_scenario(disk, folder, env, READ_ONLY, "before it starts", messages, result, findings)
        listener_scenario(disk, folder, env, READ_ONLY, "while it runs", messages, result, findings)
    return result
