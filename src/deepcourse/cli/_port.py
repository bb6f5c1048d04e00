"""Before ``deepcourse serve`` says where the portal is: can it listen there, and if not, who can?

:func:`port_problem` tries to bind the address the server will bind (with ``SO_REUSEADDR``, as
Django's server does, so a recently closed connection is no false alarm) and turns a failure into
a sentence that says what to do. When the port is taken, :func:`port_holder` names the process
listening on it: from ``/proc/net/tcp{,6}`` and ``/proc/*/fd`` (Linux), else ``ss -ltnp``, else
"another process".
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's "st" column
_SS_USER = re.compile(r'\("([^"]*)",pid=(\d+)')


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (a sentence naming the fix), or None."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        return (
            f"--host {host!r} is not an address or a name this machine can resolve "
            f"({exc.strerror}): use 127.0.0.1, or 0.0.0.0 for every interface"
        )
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return _bind_error(exc, host, port)
    return None


def _bind_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use by {port_holder(port)}: stop it, or choose another "
            "port with --port"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"--host {host} is not an address of this machine: use 127.0.0.1, or 0.0.0.0 for "
            "every interface"
        )
    if exc.errno == errno.EACCES:
        return f"port {port} needs root (ports below 1024 are privileged): choose --port 8000"
    return f"cannot listen on {host}:{port}: {exc.strerror}"


def port_holder(port: int) -> str:
    """``pid N (command line)`` of the process listening on TCP ``port``, or "another process"."""
    found = _holder_from_proc(port) or _holder_from_ss(port)
    if found is None:
        return "another process"
    pid, command = found
    return f"pid {pid} ({command})" if command else f"pid {pid}"


def _holder_from_proc(port: int) -> tuple[int, str] | None:
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    for pid in _pids():
        if _holds_socket(pid, inodes):
            return pid, _command_line(pid)
    return None


def _listening_inodes(port: int) -> set[str]:
    """The socket inodes listening on ``port`` (``/proc/net/tcp`` and ``tcp6``)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != _LISTEN:
                continue
            try:
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
            except (IndexError, ValueError):
                continue
            if local_port == port and fields[9] != "0":
                inodes.add(fields[9])
    return inodes


def _pids() -> list[int]:
    try:
        return sorted(int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit())
    except OSError:
        return []


def _holds_socket(pid: int, inodes: set[str]) -> bool:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:  # gone, or not ours to look at
        return False
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            return True
    return False


def _command_line(pid: int, limit: int = 160) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    command = raw.rstrip(b"\0").replace(b"\0", b" ").decode(errors="replace")
    return command if len(command) <= limit else command[: limit - 3] + "..."


def _holder_from_ss(port: int) -> tuple[int, str] | None:
    ss = shutil.which("ss")
    if ss is None:
        return None
    try:
        listing = subprocess.run(
            [ss, "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _SS_USER.search(listing)
    if match is None:
        return None
    pid = int(match.group(2))
    return pid, _command_line(pid) or match.group(1)


__all__ = ["port_holder", "port_problem"]
