"""The benchmarks' measured run of a command: its whole output, however much it writes, and the memory of
the processes it starts, each at its high-water mark."""
from __future__ import annotations

import sys
from pathlib import Path

from bench.process_memory import run_measured

# Holds 200 MB for a moment in a helper it starts, then writes 2 MB: far more than a pipe holds.
COMMAND = """
import subprocess, sys
helper = subprocess.Popen([sys.executable, "-c", "import time; held = bytearray(200_000_000); time.sleep(1.5)"])
helper.wait()
sys.stdout.write("x" * 2_000_000)
"""


def test_a_command_writing_more_than_a_pipe_holds_is_measured_to_its_end(tmp_path):
    run = run_measured([sys.executable, "-c", COMMAND], cwd=Path(tmp_path), poll_s=0.05)
    assert run.stdout == "x" * 2_000_000
    assert run.processes == 2 and run.peak_mb >= 200
