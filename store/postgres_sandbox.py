"""A throwaway PostgreSQL server in a temporary folder: for the tests, the benchmarks and trying a shared
store on one machine.

It is PostgreSQL's own ``initdb`` and ``pg_ctl`` (Debian's ``postgresql`` package, or any install on the
PATH), listening only on a unix socket in its folder, trusting local connections, and removed with its
folder when stopped. ``initdb`` refuses to run as root, so under root the server runs as an unprivileged
user (``postgres`` when it exists, else ``nobody``) that owns the folder.

Why not ``pytest-postgresql``: it needs the same binaries, cannot run them as another user under root (CI
runs as root), and brings a plugin for what is one small class here that the benchmarks use as well.
"""
from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = "sudo apt-get install postgresql  (Debian/Ubuntu; the tests need its initdb and pg_ctl)"
_SEARCHED = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/opt/homebrew/opt/postgresql*/bin",
             "/usr/local/opt/postgresql*/bin")


class PostgresUnavailable(Exception):
    """No PostgreSQL server binaries on this machine (the message says how to install them)."""


def server_binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl`` (the newest version found), or ``PostgresUnavailable``."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent  # a link on the PATH (e.g. /usr/local/bin) to the real folder
    found = [Path(folder) for pattern in _SEARCHED for folder in glob.glob(pattern) if (Path(folder) / "initdb").exists()]
    if not found:
        raise PostgresUnavailable(f"no PostgreSQL server binaries (initdb, pg_ctl) found; install them: {INSTALL_HINT}")
    return max(found, key=lambda folder: [int(part) for part in re.findall(r"\d+", str(folder))])


def _server_user() -> pwd.struct_passwd | None:
    """The unprivileged user the server runs as under root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root, and no unprivileged user (postgres, nobody) to run the server as")


class SandboxServer:
    """One throwaway server: ``start()``, connect with ``url(database)``, ``stop()`` removes everything."""

    def __init__(self, *, superuser: str = "fleet_owner", durable: bool = False):
        self.superuser = superuser
        self.durable = durable  # False: no fsync (tests); True: as a real server writes (benchmarks)
        self._binaries = server_binaries()
        self._user = _server_user()
        self.folder = Path(tempfile.mkdtemp(prefix="fleet-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder  # the socket's path must stay short (unix sockets allow ~100 bytes)
        self.port = 5432
        self.running = False

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        user = self._user
        result = subprocess.run([str(self._binaries / args[0]), *args[1:]], capture_output=True, text=True,
                                timeout=timeout, env={**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"},
                                user=None if user is None else user.pw_uid,
                                group=None if user is None else user.pw_gid, extra_groups=[] if user else None)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()[-800:]}")
        return result

    def start(self) -> "SandboxServer":
        """Make a cluster in the folder and start it listening on a unix socket there only."""
        self.folder.chmod(0o755)  # the client (root, or this user) must reach the socket
        if self._user is not None:
            os.chown(self.folder, self._user.pw_uid, self._user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", self.superuser, "--auth=trust", "-E", "UTF8",
                  "--no-instructions", "--no-sync")
        self.resume()
        return self

    def url(self, database: str = "postgres", *, user: str | None = None) -> str:
        """A ``postgresql://`` URL of a database of this server, as ``user`` (the superuser by default)."""
        return f"postgresql://{user or self.superuser}@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        self._sql(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')  # faster than WAL_LOG for a small database
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.superuser, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(statement.encode())

    def _options(self) -> str:
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' -p {self.port} "
                   "-c max_connections=60 -c shared_buffers=128MB")
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"  # a killed server loses nothing; a lost machine would
        return options

    def crash(self) -> None:
        """Stop the server at once, as a power cut would (connections are cut; ``resume`` starts it again)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.running = False

    def resume(self) -> None:
        """Start a crashed server again on the same folder and socket."""
        server_log = self.folder / "server.log"
        try:
            self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(server_log), "-w", "-t", "60",
                      "start")
        except PostgresUnavailable as error:
            said = server_log.read_text(errors="replace")[-800:] if server_log.exists() else ""
            raise PostgresUnavailable(f"{error}; the server said: {said.strip()}") from None
        self.running = True

    def stop(self) -> None:
        """Stop the server (fast: connections are cut) and remove its folder."""
        try:
            if self.running:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            self.running = False
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
