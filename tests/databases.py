"""Real databases for the records tests: a SQLite file per test, and a throwaway
PostgreSQL cluster per test session (Debian's `postgresql` package, started from its
binaries in a temporary folder; no system service is touched).

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres`
user the Debian package creates. Without PostgreSQL's binaries the PostgreSQL tests
are skipped, unless REPLYGUARD_REQUIRE_POSTGRES=1 (CI), where they fail instead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

#: Read at import: the test session clears REPLYGUARD_* variables before tests run.
REQUIRE_POSTGRES = os.environ.get("REPLYGUARD_REQUIRE_POSTGRES", "") not in ("", "0")
SERVICE_USER = "postgres"


class Unavailable(RuntimeError):
    """PostgreSQL cannot be started here (the message says why)."""


def _version(folder: str) -> tuple[int, ...]:
    name = Path(folder).parent.name
    return tuple(int(p) for p in name.split(".") if p.isdigit())


def find_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin, or initdb's folder on PATH."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for folder in folders:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.root = Path(tempfile.mkdtemp(prefix="replyguard-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(SERVICE_USER)
            except KeyError as exc:
                raise Unavailable(f"running as root and there is no {SERVICE_USER!r} user") from exc
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", SERVICE_USER, "--"]

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self._as, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise Unavailable(
                f"{Path(command[0]).name} failed ({done.returncode}): "
                f"{done.stderr.strip()[-2000:]} {log}"
            )

    def start(self) -> None:
        self._run(
            str(self.binaries / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SERVICE_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.root}",
                "-c listen_addresses=127.0.0.1",
                # A test cluster: speed over crash safety (the service's own writes
                # are what the tests check, not PostgreSQL's).
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self._run(
            str(self.binaries / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        with contextlib.suppress(Unavailable, subprocess.TimeoutExpired):
            self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{SERVICE_USER}@127.0.0.1:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SERVICE_USER, dbname="postgres", autocommit=True
        )

    def create_database(self) -> str:
        name = f"rg_{uuid.uuid4().hex[:16]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_postgres() -> PostgresServer:
    binaries = find_binaries()
    if binaries is None:
        raise Unavailable(
            "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH); "
            "`apt-get install postgresql` (or .ci/system-deps) brings it"
        )
    server = PostgresServer(binaries)
    started = time.perf_counter()
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    took = time.perf_counter() - started
    print(f"PostgreSQL from {binaries} on port {server.port}, started in {took:.1f}s")
    return server
