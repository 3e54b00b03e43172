"""A live listener (``main.py listen``) driven from outside: started, fed NMEA over UDP or TCP on the loopback,
killed or stopped, and restarted on the same port.

For UDP the listener binds and the campaign sends it datagrams (a few whole messages each); for TCP the
campaign is the receiver's NMEA server and the listener connects to it (and reconnects after a restart).
"""
from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.reliability_common import command, kill_hard, start

LOOPBACK = "127.0.0.1"
READY_TIMEOUT_S = 20.0
MESSAGES_PER_SEND = 5


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


class NmeaServer:
    """The receiver's side of a TCP feed: accepts the listener's connection and writes lines to it."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((LOOPBACK, 0))
        self._socket.listen(4)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self._client: socket.socket | None = None

    def accept(self, timeout: float) -> bool:
        """Wait for the listener to connect (a new connection replaces the old one)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                client, _ = self._socket.accept()
            except (socket.timeout, BlockingIOError):
                continue
            if self._client is not None:
                self._client.close()
            self._client = client
            return True
        return False

    def send(self, data: bytes) -> bool:
        if self._client is None:
            return False
        try:
            self._client.sendall(data)
            return True
        except OSError:
            return False

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._socket.close()


@dataclass
class Listener:
    """One ``listen`` process and the lines sent to it while it was up."""

    db: Path
    env: dict[str, str]
    transport: str = "udp"             # or "tcp"
    port: int = 0
    server: NmeaServer | None = None
    process: subprocess.Popen | None = None
    stderr_lines: list[str] = field(default_factory=list)
    stdout_text: str = ""
    sent: list[list[str]] = field(default_factory=list)   # messages sent while a listener was up
    exit_codes: list[int] = field(default_factory=list)
    program: tuple[str, ...] = ()      # the command line before ``listen`` (default: python main.py)
    _udp: socket.socket | None = None
    _readers: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.transport == "tcp":
            self.server = NmeaServer()
            self.port = self.server.port
        else:
            self.port = self.port or free_port(socket.SOCK_DGRAM)
            self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    @property
    def argv(self) -> list[str]:
        where = ["--udp", f"{LOOPBACK}:{self.port}"] if self.transport == "udp" else ["--tcp", f"{LOOPBACK}:{self.port}"]
        arguments = ["listen", "--db", str(self.db), *where]
        return [*self.program, *arguments] if self.program else command(*arguments)

    def start(self) -> bool:
        """Start a listener and wait until it is receiving; False if it did not come up (it may have refused)."""
        self.process = start(self.argv, env=self.env)
        ready = threading.Event()
        process = self.process

        def read_stderr() -> None:
            assert process.stderr is not None
            for raw in process.stderr:
                line = raw.decode(errors="replace")
                self.stderr_lines.append(line)
                if "Ctrl+C stops" in line:
                    ready.set()

        def read_stdout() -> None:
            assert process.stdout is not None
            self.stdout_text += process.stdout.read().decode(errors="replace")

        self._readers = [threading.Thread(target=read_stderr, daemon=True), threading.Thread(target=read_stdout, daemon=True)]
        for reader in self._readers:
            reader.start()
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready.is_set() and process.poll() is None and time.monotonic() < deadline:
            ready.wait(0.05)
        if not ready.is_set():
            return False
        if self.server is not None:
            return self.server.accept(READY_TIMEOUT_S)
        return True

    @property
    def up(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, messages: list[list[str]], rate_per_s: float = 2_000.0) -> int:
        """Send whole messages, a few to a datagram or write, at about ``rate_per_s``; those sent while the
        listener was up are remembered. Returns how many were sent."""
        sent = 0
        started = time.monotonic()
        for first in range(0, len(messages), MESSAGES_PER_SEND):
            if not self.up:
                break
            chunk = messages[first:first + MESSAGES_PER_SEND]
            data = "".join(line + "\r\n" for message in chunk for line in message).encode()
            if self._udp is not None:
                self._udp.sendto(data, (LOOPBACK, self.port))
            elif self.server is None or not self.server.send(data):
                break
            self.sent.extend(chunk)
            sent += len(chunk)
            ahead = started + sent / rate_per_s - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        return sent

    def kill(self) -> None:
        assert self.process is not None
        kill_hard(self.process)
        self._finish()

    def stop(self, settle_s: float = 1.5, timeout: float = 60.0) -> int:
        """Let the listener take in what was sent, then Ctrl+C it; its exit code."""
        assert self.process is not None
        time.sleep(settle_s)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            kill_hard(self.process)
        return self._finish()

    def _finish(self) -> int:
        assert self.process is not None
        for reader in self._readers:
            reader.join(5)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()
        code = self.process.returncode
        self.exit_codes.append(code)
        return code

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            kill_hard(self.process)
        if self._udp is not None:
            self._udp.close()
        if self.server is not None:
            self.server.close()
