"""The reliability campaign (``python -m bench --only reliability``): real processes on real recordings,
killed, fed broken files, starved of disk, tampered with and raced, with one JSON line per figure.

At ``--scale 1.0``: 50 kill -9 tries (26 imports read in-process, 12 read by a second process, 12 live
listeners over UDP and TCP), 10,000 fuzzed inputs and two pathological archives, every fault scenario, every
tamper case and 3 rounds of concurrent writers. Each failure is also printed on stderr as a ``finding`` line
with the commands that show it again. What each figure promises is in docs/promises.md.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.figures import emit
from bench.reliability_common import Findings, user_env
from bench.reliability_concurrent import run_concurrent
from bench.reliability_faults import run_faults
from bench.reliability_fuzz import run_fuzz
from bench.reliability_kill9 import run_kill9
from bench.reliability_tamper import run_tamper

SEED = 11


def _scaled(full: int, scale: float, least: int) -> int:
    return max(least, round(full * scale))


def run(scale: float) -> None:
    findings = Findings(echo=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fleet-logbook-reliability-") as work:
        folder = Path(work)
        env = user_env(folder / "user")

        tamper = run_tamper(_made(folder / "tamper"), env, findings=findings)
        emit("tamper_cases", tamper.cases, "cases", events=tamper.checked.events, ships=tamper.checked.ships)
        emit("tamper_missed", tamper.missed, "cases", events=tamper.checked.events, ships=tamper.checked.ships,
             **tamper.as_extra())

        concurrent = run_concurrent(_made(folder / "concurrent"), env, rounds=_scaled(3, scale, 1), rows=None,
                                    messages=1_200, findings=findings)
        for figure, value in (("concurrent_writers_lost", concurrent.lost),
                              ("concurrent_writers_duplicated", concurrent.duplicated)):
            emit(figure, value, "events", events=concurrent.checked.events, ships=concurrent.checked.ships,
                 writers=3, **concurrent.as_extra())

        faults = run_faults(_made(folder / "faults"), env, messages=600, findings=findings)
        emit("fault_lost", faults.lost, "events", events=faults.checked.events, ships=faults.checked.ships,
             **faults.as_extra())

        kill9 = run_kill9(_made(folder / "kill9"), env, import_tries=_scaled(26, scale, 2),
                          parallel_tries=_scaled(12, scale, 1), listener_tries=_scaled(12, scale, 2),
                          listener_messages=3_000, seed=SEED, findings=findings)
        for figure, value, unit in (("kill9_tries", kill9.tries, "tries"), ("kill9_lost", kill9.lost, "events"),
                                    ("kill9_duplicated", kill9.duplicated, "events"),
                                    ("kill9_verify_failures", kill9.verify_failures, "tries")):
            emit(figure, value, unit, events=kill9.checked.events, ships=kill9.checked.ships, **kill9.as_extra())

        fuzz = run_fuzz(folder / "fuzz", inputs=_scaled(10_000, scale, 100),
                        bombs_mb=(16, 256) if scale >= 1 else (16,), workers=2, findings=findings)
        for figure, value, unit in (("fuzz_inputs", fuzz.inputs, "inputs"), ("fuzz_crashes", fuzz.crashes, "inputs"),
                                    ("fuzz_unaccounted_lines", fuzz.unaccounted_lines, "lines"),
                                    ("fuzz_max_s", fuzz.max_s, "s"), ("fuzz_peak_mb", fuzz.peak_mb, "MB")):
            emit(figure, value, unit, events=fuzz.appended, ships=0, **fuzz.as_extra())
    findings.report(sys.stderr)
    print(f"reliability campaign: {sum(findings.counts.values())} findings in {time.monotonic() - started:.0f} s",
          file=sys.stderr)


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder
