"""Fuzzing the import with mutated real recordings.

Starting a process per input would spend the campaign's time on Python's start-up, so most inputs are
imported in-process through ``main.main([...])`` — the command line's own entry point, with its exit code
and its stdout and stderr captured — in a small pool of worker processes; every ``SUBPROCESS_EVERY``-th input,
and the pathological archives, run as real ``main.py import`` processes, for real exit codes and memory.

Each input must end with an exit code of 0, 1, 2 or 3 and no traceback, and when the import prints its
summary, every line it read must be in exactly one of the summary's line buckets.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from bench.process_memory import status_mb
from bench.reliability_common import EXIT_CODES, Findings, command, shown, user_env
from bench.reliability_mutations import Case, make_case, newline_bomb

SUBPROCESS_EVERY = 100
STORE_EVERY = 300          # a worker starts a new store after this many inputs (a store grows with them)
NOT_LINE_BUCKETS = frozenset({"read", "appended", "seconds", "cancelled", "files"})


def unaccounted_lines(summary: dict) -> int:
    """How far ``read`` is from the sum of the summary's line buckets.

    The buckets are the ``lines`` mapping (docs/data-formats.md: every line read is in exactly one of them);
    a summary without one is read generically: every count but ``read``, ``appended`` and ``seconds`` (a
    mapping of counts, such as the skipped message types, counts as its total)."""
    read = int(summary.get("read", 0))
    lines = summary.get("lines")
    if isinstance(lines, dict):
        return abs(read - sum(_counts(lines.values())))
    buckets = 0
    for key, value in summary.items():
        if key in NOT_LINE_BUCKETS:
            continue
        buckets += sum(_counts(value.values())) if isinstance(value, dict) else sum(_counts([value]))
    return abs(read - buckets)


def _counts(values) -> list[int]:
    return [int(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


@dataclass(frozen=True)
class Outcome:
    number: int
    label: str
    how: str                 # "in-process" or "process"
    code: int | None
    crashed: bool
    seconds: float
    peak_mb: float
    has_summary: bool
    unaccounted: int
    appended: int = 0
    detail: str = ""


@dataclass
class FuzzResult:
    inputs: int = 0
    crashes: int = 0
    unaccounted_lines: int = 0
    unaccounted_inputs: int = 0
    max_s: float = 0.0
    max_s_input: str = ""
    peak_mb: float = 0.0
    in_process: int = 0
    processes: int = 0
    with_summary: int = 0
    exit_codes: dict[int, int] = field(default_factory=dict)
    appended: int = 0

    def add(self, outcome: Outcome) -> None:
        self.inputs += 1
        self.crashes += outcome.crashed
        self.unaccounted_lines += outcome.unaccounted
        self.unaccounted_inputs += outcome.unaccounted > 0
        if outcome.seconds > self.max_s:
            self.max_s, self.max_s_input = outcome.seconds, outcome.label
        self.peak_mb = max(self.peak_mb, outcome.peak_mb)
        self.in_process += outcome.how == "in-process"
        self.processes += outcome.how == "process"
        self.with_summary += outcome.has_summary
        self.appended += outcome.appended
        code = -1 if outcome.code is None else outcome.code
        self.exit_codes[code] = self.exit_codes.get(code, 0) + 1

    def as_extra(self) -> dict:
        return {"in_process": self.in_process, "processes": self.processes, "with_summary": self.with_summary,
                "unaccounted_inputs": self.unaccounted_inputs, "slowest": self.max_s_input,
                "exit_codes": {str(k): v for k, v in sorted(self.exit_codes.items())}}


# --- in a worker ------------------------------------------------------------------------------------------------


class _CurrentStderr(io.TextIOBase):
    """Log records go to whatever ``sys.stderr`` is at the time, so a captured run captures its log too."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)


_work: dict = {}


def _start_worker(folder: str) -> None:
    folder_path = Path(folder) / f"worker-{os.getpid()}"
    folder_path.mkdir(parents=True, exist_ok=True)
    os.environ.update({k: v for k, v in user_env(folder_path).items() if k.startswith("FLEET_LOGBOOK")})
    logging.basicConfig(level=logging.WARNING, stream=_CurrentStderr(), format="%(levelname)s %(name)s: %(message)s")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import main  # noqa: F401  (imported once: its first run pays for the imports)

    _work.update(folder=folder_path, done=0, store=None)


def _store() -> Path:
    if _work["store"] is None or _work["done"] % STORE_EVERY == 0:
        if _work["store"] is not None:
            for leftover in _work["folder"].glob(_work["store"].name + "*"):
                leftover.unlink()
        _work["store"] = _work["folder"] / f"fuzz-{_work['done']}.sqlite"
    _work["done"] += 1
    return _work["store"]


def _input_file(number: int, case: Case) -> Path:
    path = _work["folder"] / f"input-{number}{case.suffix}"
    path.write_bytes(case.data)
    return path


def _outcome(number: int, case: Case, how: str, code: int | None, crashed: bool, seconds: float, peak_mb: float,
             stdout: str, detail: str) -> Outcome:
    summary = None
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                summary = json.loads(line)
            except ValueError:
                pass  # the last brace-led line is no summary: the input has none
            break
    unaccounted = unaccounted_lines(summary) if isinstance(summary, dict) and "read" in summary else 0
    appended = summary.get("appended", 0) if isinstance(summary, dict) else 0
    return Outcome(number, case.label, how, code, crashed, seconds, peak_mb, summary is not None, unaccounted,
                   appended=appended if isinstance(appended, int) else 0, detail=detail)


def fuzz_in_process(number: int, case: Case | None = None) -> Outcome:
    import main

    case = case or make_case(number)
    path, db = _input_file(number, case), _store()
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    crashed, detail = False, ""
    code: int | None = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main.main(["import", str(path), *case.arguments, "--db", str(db)])
    except BaseException as error:  # anything escaping the command line's entry point is a crash
        crashed, detail = True, "".join(traceback.format_exception(error))[-800:]
    seconds = time.perf_counter() - started
    errors = err.getvalue()
    if "Traceback (most recent call last)" in errors:
        crashed, detail = True, errors[-800:]
    elif code is not None and code not in EXIT_CODES:
        crashed, detail = True, f"exit code {code}: {errors[-300:]}"
    elif code is not None and code != 0:
        detail = errors.strip()[-300:]
    path.unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return _outcome(number, case, "in-process", code, crashed, seconds, peak, out.getvalue(), detail)


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def fuzz_in_a_process(number: int, case: Case | None = None, timeout: float = 120.0) -> Outcome:
    """One input through a real ``main.py import`` process: exit code, traceback, time and peak memory."""
    case = case or make_case(number)
    path, db = _input_file(number, case), _work["folder"] / f"process-{number}.sqlite"
    argv = command("import", str(path), *case.arguments, "--db", str(db))
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    peaks: dict[int, float] = {}
    reader = _Drain(process)
    while process.poll() is None and time.perf_counter() - started < timeout:
        for pid in [process.pid, *_children(process.pid)]:
            peaks[pid] = max(peaks.get(pid, 0.0), (status_mb(pid, "VmHWM") or 0.0))
        time.sleep(0.05)
    hung = process.poll() is None
    if hung:
        process.kill()
    process.wait()
    out, err = reader.finish()
    seconds = time.perf_counter() - started
    crashed = hung or "Traceback (most recent call last)" in err or process.returncode not in EXIT_CODES
    detail = (f"still running after {timeout:.0f} s" if hung else err.strip()[-800:]) if crashed else ""
    path.unlink(missing_ok=True)
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    return _outcome(number, case, "process", process.returncode, crashed, seconds, sum(peaks.values()), out, detail)


class _Drain:
    """Reads a process's stdout and stderr as it runs, so a chatty process never blocks on a full pipe."""

    def __init__(self, process: subprocess.Popen):
        import threading

        self._process = process
        self._out: list[bytes] = []
        self._err: list[bytes] = []
        self._threads = [threading.Thread(target=lambda: self._out.append(process.stdout.read()), daemon=True),
                         threading.Thread(target=lambda: self._err.append(process.stderr.read()), daemon=True)]
        for thread in self._threads:
            thread.start()

    def finish(self) -> tuple[str, str]:
        for thread in self._threads:
            thread.join(10)
        for pipe in (self._process.stdout, self._process.stderr):
            pipe.close()
        return (b"".join(self._out).decode(errors="replace"), b"".join(self._err).decode(errors="replace"))


def _fuzz_task(task: tuple[int, int, float]) -> Outcome:
    number, bomb_mb, timeout = task
    if bomb_mb:
        return fuzz_in_a_process(number, newline_bomb(bomb_mb), timeout)
    if number % SUBPROCESS_EVERY == 0:
        return fuzz_in_a_process(number, timeout=timeout)
    return fuzz_in_process(number)


# --- the campaign -------------------------------------------------------------------------------------------------


def run_fuzz(folder: Path, *, inputs: int, first: int = 0, bombs_mb: tuple[int, ...] = (), workers: int = 2,
             timeout: float = 120.0, findings: Findings, progress=None) -> FuzzResult:
    """Import ``inputs`` mutated recordings (numbered from ``first``) and the newline bombs; the totals."""
    folder.mkdir(parents=True, exist_ok=True)
    tasks = [(first + i, 0, timeout) for i in range(inputs)] + [(first + inputs + i, mb, timeout)
                                                                 for i, mb in enumerate(bombs_mb)]
    result = FuzzResult()
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start_worker, initargs=(str(folder),), maxtasksperchild=2_000) as pool:
        for outcome in pool.imap_unordered(_fuzz_task, tasks, chunksize=8):
            result.add(outcome)
            _note(outcome, findings)
            if progress is not None and result.inputs % 1_000 == 0:
                progress(result)
    shutil.rmtree(folder, ignore_errors=True)
    return result


def _note(outcome: Outcome, findings: Findings) -> None:
    if not outcome.crashed and not outcome.unaccounted:
        return
    if outcome.label.startswith("newline_bomb_zip"):
        megabytes = outcome.label.split(" MB")[0].split()[-1]
        name = f"bomb-{megabytes}mb.zip"
        made = f"newline_bomb({megabytes})"
        arguments: tuple[str, ...] = ()
    else:
        case = make_case(outcome.number)
        name, made, arguments = f"fuzz-{outcome.number}{case.suffix}", f"make_case({outcome.number})", case.arguments
    again = (f"python -c \"from bench.reliability_mutations import make_case, newline_bomb; "
             f"open('{name}', 'wb').write({made}.data)\"; "
             f"{shown(command('import', name, *arguments, '--db', 'fuzz.sqlite'))}")
    if outcome.crashed:
        findings.add("fuzz", f"input {outcome.number} ({outcome.label}, {outcome.how}) crashed, exit "
                             f"{outcome.code}: {_last_line(outcome.detail)} … {outcome.detail[-400:]}", again)
    else:
        findings.add("fuzz-accounting", f"input {outcome.number} ({outcome.label}): {outcome.unaccounted} lines read "
                                        f"are in no bucket of the summary", again)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
