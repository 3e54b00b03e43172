"""Peak memory of a command and the processes it starts, read from /proc while it runs (Linux).

The rusage of a child counts the pages of the benchmark process it was forked from, which would overstate
it; each process's own high-water mark (VmHWM) does not. A command that starts a helper (an import's reading
process, a report's drawing process) is charged both, added up.
"""
from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


@dataclass(frozen=True)
class CommandRun:
    stdout: str
    seconds: float
    peak_mb: float        # the command and the processes it started, each at its own high-water mark, added
    processes: int


def run_measured(command: Sequence[str], *, cwd: Path, poll_s: float = 0.2) -> CommandRun:
    """Run ``command`` to its end; its output, wall time and peak memory. A failing command raises."""
    started = time.perf_counter()
    # The output goes to files, not pipes: a command that wrote more than a pipe holds while this loop only
    # polled would wait for ever for a reader.
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out_file, stderr=err_file, text=True)
        peaks: dict[int, float] = {}
        while process.poll() is None:
            for pid in [process.pid, *_children(process.pid)]:
                peaks[pid] = max(peaks.get(pid, 0.0), _high_water_mb(pid))
            time.sleep(poll_s)
        seconds = time.perf_counter() - started
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:3])} failed ({process.returncode}): {err.strip()}")
    return CommandRun(out, seconds, sum(peaks.values()), len(peaks))


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def status_mb(pid: int | str, field: str) -> float | None:
    """A process's memory figure from Linux's /proc (``VmRSS`` resident now, ``VmHWM`` its high-water mark),
    in MB; None when it cannot be read (the process ended, or no /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return None


def reset_high_water_mark() -> bool:
    """Start this process's high-water mark again from what is resident now (Linux: 5 written to
    clear_refs); False when the system does not allow it (the mark then still counts what came before)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _high_water_mb(pid: int) -> float:
    """A process's peak so far, 0 once it has ended (it was read while it ran)."""
    return status_mb(pid, "VmHWM") or 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
