"""`listen` never loses what it received: a full disk, a read-only store, a kill -9 in the middle of a stream."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from functools import reduce
from pathlib import Path

import pytest

import main
from app.live_ingest import LiveIngest
from app.live_spool import spool_path, spooled_lines
from feeds.network import FeedLine
from store import open_store
from tests.store_faults import disk_full

ROOT = Path(__file__).resolve().parents[2]
T = 1_733_782_034_000_000


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    probe = socket.socket(socket.AF_INET, kind)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def with_tag_time(line: bytes, seconds: int) -> bytes:
    """A real tag-blocked sentence moved to another second (its tag block's checksum made anew)."""
    tag, _, sentence = line[1:].partition(b"\\")
    fields = b",".join(b"c:%d" % seconds if part.startswith(b"c:") else part
                       for part in tag.split(b"*")[0].split(b","))
    checksum = reduce(lambda a, b: a ^ b, fields, 0)
    return b"\\" + fields + b"*%02X\\" % checksum + sentence


def recording_lines(ais_samples: Path, repeats: int) -> list[bytes]:
    """The Norwegian recording's tag-blocked lines, played ``repeats`` times, one second later each time."""
    lines = [line for line in (ais_samples / "kystverket_norwegian_tagblock.raw").read_bytes().splitlines()
             if line.startswith(b"\\")]
    return [with_tag_time(line, 1_733_782_034 + second) for second in range(repeats) for line in lines]


def log_content(store) -> list[tuple]:
    return [(r.type, r.stream_id, r.occurred_at, sorted(r.payload.items())) for r in store.read_all()]


class Received:
    """Lines as a receiver delivered them (the network edge), for a reference run that never failed."""

    name, status = "tcp://127.0.0.1:5631", ""

    def __init__(self, lines: list[FeedLine]):
        self._lines = lines

    def open(self) -> None:
        pass

    def lines(self, stop):
        yield from self._lines


def clean_log(tmp_path: Path, lines: list[bytes]) -> list[tuple]:
    with open_store(tmp_path / "clean.sqlite") as clean:
        LiveIngest(Received([FeedLine(line, T) for line in lines]), clean).run()
        return log_content(clean)


def listen_in_process(capsys, *args: str) -> tuple[int, dict, str]:
    code = main.main(["listen", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out.strip().splitlines()[-1]), err


def send_udp(port: int, lines: list[bytes], start_after: float = 0.8) -> threading.Thread:
    def run() -> None:
        time.sleep(start_after)  # the listener has bound its port by then
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for line in lines:
            sender.sendto(line + b"\r\n", ("127.0.0.1", port))
            time.sleep(0.0005)
        sender.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_listen_on_a_full_disk_keeps_every_line_exits_1_and_the_next_run_appends_them(tmp_path, capsys, ais_samples):
    db = tmp_path / "watch.sqlite"
    open_store(db).close()
    lines = recording_lines(ais_samples, 1)
    port = free_port()
    sender = send_udp(port, lines)
    with disk_full():
        code, summary, err = listen_in_process(capsys, "--db", str(db), "--udp", f"127.0.0.1:{port}", "--duration", "3")
    sender.join()
    assert code == 1 and summary["lines"] == len(lines) and summary["failures"] > 0 and summary["lost"] == 0
    assert summary["spooled"] > 0
    assert "database or disk is full" in err and "Traceback" not in err
    assert f"{summary['spooled']:,} received lines not in the log" in err
    assert len(spooled_lines(spool_path(db))) == summary["spooled"]

    code, again, err = listen_in_process(capsys, "--db", str(db), "--udp", f"127.0.0.1:{free_port()}", "--duration", "1")
    assert code == 0 and again["replayed"] == summary["spooled"] and again["spooled"] == 0, err
    with open_store(db) as store:
        assert log_content(store) == clean_log(tmp_path, lines)
    assert not spool_path(db).exists()


@contextlib.contextmanager
def read_only_folder(tmp_path: Path):
    """A folder holding a store this process cannot write: by its permissions, or (root ignores those) on a
    file system mounted read-only; skipped where neither can be had."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        open_store(folder / "watch.sqlite").close()
        (folder / "watch.sqlite").chmod(0o444)
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot make a read-only store here (root, and no read-only mount)")
    try:
        open_store(folder / "watch.sqlite").close()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_listen_refuses_a_read_only_store_with_one_clear_line(tmp_path):
    with read_only_folder(tmp_path) as folder:
        db = folder / "watch.sqlite"
        before = sorted(os.listdir(folder))
        done = subprocess.run([sys.executable, "main.py", "listen", "--db", str(db), "--udp", str(free_port()),
                               "--duration", "1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert sorted(os.listdir(folder)) == before
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "read-only" in done.stderr and "nothing was received" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_listener_killed_mid_stream_loses_and_repeats_nothing_once_restarted(tmp_path, ais_samples):
    db = tmp_path / "watch.sqlite"
    lines = recording_lines(ais_samples, 20)
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(30)
    listener = subprocess.Popen([sys.executable, "main.py", "listen", "--db", str(db), "--tcp",
                                 f"127.0.0.1:{server.getsockname()[1]}"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        connection, _ = server.accept()
        half = len(lines) // 2
        for start in range(0, half, 40):  # a receiver's pace: about 4,000 lines a second
            connection.sendall(b"".join(line + b"\r\n" for line in lines[start:start + 40]))
            time.sleep(0.01)
        time.sleep(1.2)  # a batch or more is committed
        for start in range(half, len(lines), 40):
            connection.sendall(b"".join(line + b"\r\n" for line in lines[start:start + 40]))
            time.sleep(0.01)
            if start >= half + 400 and spooled_lines(spool_path(db)):
                break  # killed while lines are arriving and waiting for their batch
        listener.send_signal(signal.SIGKILL)
        listener.wait(30)
        connection.close()
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.wait()
        server.close()
    kept = spooled_lines(spool_path(db))
    assert kept, "the kill came after lines arrived and before their batch: some must wait in the spool"

    restarted = subprocess.run([sys.executable, "main.py", "listen", "--db", str(db), "--udp", str(free_port()),
                                "--duration", "1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    summary = json.loads(restarted.stdout)
    assert restarted.returncode == 0 and summary["replayed"] == len(kept) and summary["spooled"] == 0
    assert not spool_path(db).exists()

    clean = clean_log(tmp_path, lines)
    with open_store(db) as store:
        stored = log_content(store)
        assert stored == clean[:len(stored)]  # in order, nothing missing in between, nothing twice
        with open_store(tmp_path / "spooled.sqlite") as alone:
            LiveIngest(Received(kept), alone).run()
            assert {event[:3] for event in log_content(alone) if event[0] == "PositionReported"} <= set(
                event[:3] for event in stored)
        assert store.verify().ok
    verified = subprocess.run([sys.executable, "main.py", "verify", "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0


@contextlib.contextmanager
def small_disk(tmp_path: Path, megabytes: int):
    """A small file system of its own (tmpfs), where the machine lets this process mount one."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                                            str(folder)], capture_output=True).returncode != 0:
        pytest.skip("no small file system can be mounted here (the simulated full disk tests cover it)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Take every free byte of the file system ``folder`` is on."""
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65_536)
                handle.flush()
        except OSError:
            pass
    return filler


@pytest.mark.slow  # 12-17 s (a listener kept 8 s on a tmpfs): the full disk injected above is tested on every run
def test_a_real_disk_that_fills_up_while_listening_loses_no_line(tmp_path, ais_samples):
    lines = recording_lines(ais_samples, 25)
    with small_disk(tmp_path, 8) as disk:
        db = disk / "watch.sqlite"
        port = free_port()
        listener = subprocess.Popen([sys.executable, "main.py", "listen", "--db", str(db), "--udp", str(port),
                                     "--duration", "8"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        time.sleep(2.0)  # listening, its spool's first megabytes taken
        filler = fill(disk)
        sender = send_udp(port, lines, start_after=0.0)
        time.sleep(2.5)
        filler.unlink()  # room again, for a while
        sender.join()
        out, err = listener.communicate(timeout=60)
        summary = json.loads(out)
        assert summary["lines"] == len(lines) and summary["lost"] == 0 and summary["failures"] > 0, err
        assert "database or disk is full" in err and "Traceback" not in err
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True, capture_output=True)
        rerun = subprocess.run([sys.executable, "main.py", "listen", "--db", str(db), "--udp", str(free_port()),
                                "--duration", "1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert rerun.returncode == 0, rerun.stderr
        with open_store(db) as store:
            assert log_content(store) == clean_log(tmp_path, lines) and store.verify().ok
