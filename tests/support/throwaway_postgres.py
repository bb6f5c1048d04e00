"""A throwaway PostgreSQL cluster in a temporary folder, for tests and benchmarks.

Uses Debian's ``postgresql`` package (``/usr/lib/postgresql/*/bin``): ``initdb`` a cluster in a
fresh temporary folder, start it listening on a unix socket in that folder only (no TCP port),
``trust`` authentication, ``fsync`` off. PostgreSQL refuses to run as root, so as root the
cluster runs as the ``postgres`` user (``runuser``). Nothing outside the folder is touched.

:class:`PostgresUnavailable` says why a cluster could not be started (no binaries, root without a
``postgres`` user, ``initdb`` failed, ...); callers report it, and fail under ``CI=true``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No throwaway PostgreSQL could be started here; the message says why and what to install."""


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    if which:
        return Path(which).parent
    raise PostgresUnavailable(
        "no initdb found (looked in /usr/lib/postgresql/*/bin and PATH): install Debian's "
        "`postgresql` package (scripts/system-deps.sh does it as root)"
    )


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary folder; :meth:`stop` removes everything."""

    def __init__(self, folder: Path, bin_dir: Path, run_as: list[str]) -> None:
        self.folder = folder
        self.bin_dir = bin_dir
        self.run_as = run_as
        self.data = folder / "data"
        self.socket_dir = folder / "socket"
        self.port = 5432  # only names the socket file inside socket_dir; no TCP listener

    @classmethod
    def start(cls) -> ThrowawayPostgres:
        """initdb + start; raises :class:`PostgresUnavailable` with the reason."""
        bin_dir = _bin_dir()
        folder = Path(tempfile.mkdtemp(prefix="deepcourse-pg-"))
        run_as: list[str] = []
        if os.geteuid() == 0:
            try:
                pg = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(folder, ignore_errors=True)
                raise PostgresUnavailable(
                    "running as root and there is no `postgres` user to run the server as "
                    "(PostgreSQL refuses root): install Debian's `postgresql` package"
                ) from None
            runuser = shutil.which("runuser") or shutil.which("setpriv")
            if runuser is None:
                shutil.rmtree(folder, ignore_errors=True)
                raise PostgresUnavailable(
                    "running as root but neither runuser nor setpriv exists: install util-linux"
                )
            if runuser.endswith("runuser"):
                run_as = [runuser, "-u", "postgres", "--"]
            else:
                run_as = [runuser, f"--reuid={pg.pw_uid}", f"--regid={pg.pw_gid}", "--clear-groups"]
            os.chown(folder, pg.pw_uid, pg.pw_gid)
        os.chmod(folder, 0o755)
        server = cls(folder, bin_dir, run_as)
        try:
            server._run("mkdir", "-p", str(server.socket_dir))
            server._run(
                str(bin_dir / "initdb"), "-D", str(server.data), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C",
            )  # fmt: skip
            options = (
                f"-c listen_addresses='' -k {server.socket_dir} -p {server.port} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=100"
            )
            server._run(
                str(bin_dir / "pg_ctl"), "-D", str(server.data), "-o", options,
                "-l", str(folder / "server.log"), "-w", "-t", "60", "start",
            )  # fmt: skip
        except PostgresUnavailable:
            server.stop()
            raise
        return server

    def _run(self, *argv: str) -> str:
        try:
            proc = subprocess.run(
                [*self.run_as, *argv], capture_output=True, text=True, timeout=120, cwd="/"
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PostgresUnavailable(f"{Path(argv[0]).name} failed: {exc}") from None
        if proc.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text()[-800:] if log.exists() else ""
            raise PostgresUnavailable(
                f"{Path(argv[0]).name} exited {proc.returncode}: {proc.stderr.strip()[-800:]} {tail}"
            )
        return proc.stdout

    def url(self, dbname: str) -> str:
        """A ``postgresql://`` URL for :mod:`deepcourse.portal.config`."""
        return f"postgresql://postgres@/{dbname}?host={self.socket_dir}&port={self.port}"

    def execute(self, sql: str) -> None:
        """Run one statement in the ``postgres`` database (autocommit)."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres",
            autocommit=True,
        ) as conn:  # fmt: skip
            conn.execute(sql)

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create a database (optionally a copy of ``template``) and return its URL."""
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                 "-w", "stop"],
                capture_output=True, timeout=60, cwd="/",
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


__all__ = ["PostgresUnavailable", "ThrowawayPostgres"]
