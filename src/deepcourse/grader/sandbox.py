"""Starting the sandboxed worker: bubblewrap, an unprivileged uid, cgroups and rlimits.

Layers, outermost first (docs/grader-threat-model.md says what each one stops):

1. **bubblewrap**: new mount, pid, network, ipc and uts namespaces; the root is an empty tmpfs
   with read-only binds of ``/usr``, the Python installation, the venv and the grader's ``src``
   only (no ``/home``, ``/root``, ``/work``, no source notebook, bundle or other submission);
   ``/etc`` holds five harmless files; ``/tmp`` and the working folder are small private tmpfs;
   ``--die-with-parent`` and ``--new-session``.
2. **uid 65534**: the worker drops root before any student code runs (bwrap gives it only
   ``CAP_SETUID``/``CAP_SETGID`` for that when the grader runs as root).
3. **cgroup**: memory and process limits; the whole group is killed at the end.
4. **setrlimit**: file size, CPU seconds, open files, processes, no core dumps.
5. **the grader's side**: wall-clock limits per cell and per submission, capped frames and
   output, every frame treated as untrusted, one process per submission.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import select
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from deepcourse.grader import cgroup as cg
from deepcourse.grader.exceptions import SandboxError, WorkerDidNotStart, WorkerDied
from deepcourse.grader.limits import Limits, MiB

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
SRC_DIR = Path(__file__).resolve().parents[2]
SCRATCH = "/home/student"
ASSIGNMENT_DIR = "/assignment"  # the supporting files, read-only (see support.py)
MAX_FRAME = 64 * MiB
NOBODY = 65534
_ETC_FILES = ("ld.so.cache", "localtime", "nsswitch.conf", "passwd", "group")


class SandboxUnavailable(UserWarning):
    """A sandbox layer could not be set up; the message says which and what is not enforced."""


@dataclass(frozen=True)
class Capabilities:
    """What this machine lets the sandbox use."""

    bwrap: str | None
    cgroup: str | None  # "v1", "v2" or None
    drop_uid: bool = True  # whether the worker can run as uid 65534

    def missing(self) -> list[str]:
        gaps = []
        if not self.drop_uid:
            gaps.append(
                f"the Python installation ({sys.base_prefix}) is not readable by uid {NOBODY} "
                "and there is no bubblewrap to bind it elsewhere: student code runs as ROOT"
            )
        if not self.bwrap:
            gaps.append(
                "bubblewrap is not installed (apt-get install bubblewrap): NO filesystem, network "
                "or process isolation - student code can read and write what the grader can"
            )
        if not self.cgroup:
            gaps.append(
                "no writable cgroup memory/pids controllers (run as root, or delegate a cgroup): "
                "NO memory limit and NO process limit beyond RLIMIT_NPROC"
            )
        return gaps


_CAPS: Capabilities | None = None
_CAPS_LOCK = threading.Lock()


def capabilities() -> Capabilities:
    """Detect bubblewrap and cgroups once; warn loudly about every missing layer."""
    global _CAPS
    with _CAPS_LOCK:
        if _CAPS is None:
            bwrap = None if os.environ.get("DEEPCOURSE_NO_BWRAP") else shutil.which("bwrap")
            group = None if os.environ.get("DEEPCOURSE_NO_CGROUP") else cg.detect()
            drop = bool(bwrap) or os.getuid() != 0 or _world_readable(sys.base_prefix)
            _CAPS = Capabilities(bwrap, group, drop)
            for gap in _CAPS.missing():
                warnings.warn(f"grader sandbox degraded: {gap}", SandboxUnavailable, stacklevel=2)
                print(f"WARNING: grader sandbox degraded: {gap}", file=sys.stderr)
        return _CAPS


def _world_readable(path: str) -> bool:
    """Whether any user can reach ``path`` (every folder on the way has ``o+x``)."""
    p = Path(os.path.realpath(path))
    return all(os.stat(d).st_mode & 0o001 for d in [p, *p.parents])


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _python_roots() -> list[str]:
    roots: list[str] = []
    for p in {
        sys.prefix,
        sys.base_prefix,
        os.path.realpath(sys.prefix),
        os.path.realpath(sys.base_prefix),
    }:
        if not p.startswith("/usr/") and p != "/usr":
            roots.append(p)
    exe_dir = os.path.dirname(os.path.realpath(sys.executable))
    if not exe_dir.startswith("/usr/"):
        roots.append(os.path.dirname(exe_dir))
    # Keep the outermost of nested roots.
    roots = sorted(set(roots), key=len)
    return [r for i, r in enumerate(roots) if not any(r.startswith(o + "/") for o in roots[:i])]


def bwrap_command(
    bwrap: str, limits: Limits, worker_argv: list[str], *, assignment_dir: str | None = None
) -> list[str]:
    """The bubblewrap command line for one worker (see the module docstring for the layers).

    ``assignment_dir`` (the assignment's supporting files) is bound read-only at
    :data:`ASSIGNMENT_DIR`; the worker copies it into its working folder.
    """
    cmd = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    cmd += ["--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if os.getuid() == 0:
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/" + top)
        if host.is_symlink():
            cmd += ["--symlink", os.readlink(host), f"/{top}"]
        elif host.is_dir():
            cmd += ["--ro-bind", str(host), f"/{top}"]
    cmd += ["--perms", "0755", "--dir", "/etc"]
    for name in _ETC_FILES:
        if Path("/etc", name).exists():
            cmd += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # The private tmpfs mounts come before the read-only binds: bubblewrap applies operations in
    # order, so a checkout (and its venv) under /tmp or /home stays visible on top of them.
    size = str(limits.scratch_mib * MiB)
    cmd += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
    cmd += ["--perms", "0755", "--dir", "/home"]
    cmd += ["--perms", "1777", "--size", size, "--tmpfs", SCRATCH, "--chdir", SCRATCH]
    binds = _python_roots() + [str(SRC_DIR)]
    made: set[str] = {"/usr", "/etc", "/tmp", "/home", SCRATCH}
    for path in binds:
        for d in _ancestors(path + "/x"):
            if d not in made and d != path:
                cmd += ["--perms", "0755", "--dir", d]
                made.add(d)
    for path in binds:
        cmd += ["--ro-bind", path, path]
    if assignment_dir:
        cmd += ["--ro-bind", assignment_dir, ASSIGNMENT_DIR]
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    cmd += ["--clearenv"]
    env = {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
        "HOME": SCRATCH,
        "TMPDIR": "/tmp",
        "PYTHONPATH": str(SRC_DIR),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "USER": "student",
    }
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return cmd + ["--"] + worker_argv


def _preexec(procs_files: list[str], limits: Limits):
    """Runs in the forked child before exec: join the cgroup, set rlimits (no Python locks)."""
    fsize = limits.file_mib * MiB
    cpu = int(limits.submission_seconds) + 5
    nproc = limits.pids
    nofile = limits.open_files

    def setup() -> None:
        pid = str(os.getpid()).encode()
        for f in procs_files:
            fd = os.open(f, os.O_WRONLY)
            os.write(fd, pid)
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if os.getuid() != 0:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

    return setup


def _live_descendants(root: int) -> set[int]:
    """The host pids of the processes under ``root`` that are not zombies, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                state, ppid = f.read().rsplit(b")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue  # gone meanwhile
        if state != b"Z":
            children.setdefault(int(ppid), []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for pid in children.get(todo.pop(), ()):
            if pid not in found:
                found.add(pid)
                todo.append(pid)
    return found


class Worker:
    """One sandboxed worker process, used for exactly one submission (or one release run)."""

    def __init__(
        self,
        *,
        limits: Limits,
        preload: tuple[str, ...] = ("numpy",),
        zygote: bool = False,
        assignment_dir: str | None = None,
        execution: str = "autograde",
    ) -> None:
        """``assignment_dir``: the assignment's supporting files, copied into the working folder
        before any student code runs; ``execution``: ``NBGRADER_EXECUTION`` in the sandbox
        (``autograde`` when grading, ``validate`` at release, as nbgrader sets it)."""
        self.limits = limits
        self.zygote = zygote
        self.child_alive = False
        self._oom_base = 0
        self.caps = capabilities()
        self.group: cg.Cgroup | None = None
        self._closed = False
        self.output = bytearray()  # fd 1 and 2 of the worker (C-level writes), capped
        self.output_dropped = 0
        if self.caps.cgroup:
            try:
                self.group = cg.Cgroup.create(
                    self.caps.cgroup, memory_bytes=limits.memory_mib * MiB, pids=limits.pids
                )
            except OSError as exc:
                raise SandboxError(f"could not create the sandbox's cgroup: {exc}") from exc
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        config = {
            "fd_in": req_r,
            "fd_out": resp_w,
            "preload": list(preload),
            "output_chars": limits.output_kib * 1024,
            "zygote": zygote,
            "drop_uid": self.caps.drop_uid,
            "execution": execution,
            # Without bubblewrap the worker works in a fresh temporary folder, not the grader's.
            "assignment_dir": (ASSIGNMENT_DIR if self.caps.bwrap else assignment_dir)
            if assignment_dir
            else None,
            "fresh_cwd": bool(assignment_dir) and not self.caps.bwrap,
        }
        argv = [sys.executable, "-B", str(WORKER_SCRIPT), json.dumps(config)]
        if self.caps.bwrap:
            cmd = bwrap_command(self.caps.bwrap, limits, argv, assignment_dir=assignment_dir)
            env = None
        else:
            cmd = argv
            env = {**os.environ, "PYTHONPATH": str(SRC_DIR), "MPLBACKEND": "Agg"}
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(req_r, resp_w),
                preexec_fn=_preexec(self.group.procs_files if self.group else [], limits),
                start_new_session=True,
                env=env,
                cwd="/" if self.caps.bwrap else None,
            )
        except OSError as exc:
            self._cleanup_group()
            os.close(self._req_w)
            os.close(self._resp_r)
            raise SandboxError(f"could not start the sandbox: {exc}", command=cmd[0]) from exc
        finally:
            os.close(req_r)
            os.close(resp_w)
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()
        self.ready_info: dict | None = None
        self._idle_pids: set[int] = set()

    def _drain_output(self) -> None:
        cap = self.limits.output_kib * 1024
        stream = self.proc.stdout
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                return
            room = cap - len(self.output)
            if room > 0:
                self.output += chunk[:room]
            self.output_dropped += max(0, len(chunk) - max(room, 0))

    # -- protocol -------------------------------------------------------------------------
    def wait_ready(self, timeout: float = 60.0) -> dict:
        """Block until the worker has pre-imported its modules.

        Raises:
            WorkerDidNotStart: the worker exited, or said nothing within ``timeout`` (it is
                killed); the message has its exit status and the last lines it printed.
            SandboxError: its first message was not ``ready``.
        """
        if self.ready_info is None:
            try:
                reply = self._read_frame(time.monotonic() + timeout)
            except WorkerDied as exc:
                raise self._did_not_start(exc.reason, exc.exit_code) from exc
            except TimeoutError as exc:
                self.kill()
                raise self._did_not_start(f"no 'ready' within {timeout:g} s", None) from exc
            if reply.get("op") != "ready":
                raise SandboxError("the worker did not start correctly", reply=str(reply)[:200])
            self.ready_info = reply
            if self.zygote:  # what the sandbox holds between submissions: bwrap and the zygote
                self._idle_pids = self._pids()
        return self.ready_info

    def run(self, code: str, *, timeout: float, test: bool = False) -> dict:
        """Execute one cell; returns the worker's reply (with ``nonce_ok``).

        Raises:
            WorkerDied: the worker exited or was killed (a memory limit, ``os._exit``, ...).
            TimeoutError: no reply within ``timeout`` plus a grace period (the worker is killed).
            SandboxError: a malformed or oversized frame (treated as tampering).
        """
        return self.request({"op": "run", "code": code, "test": test}, timeout=timeout)

    def request(self, message: dict, *, timeout: float) -> dict:
        """Send one request (``run``, ``eval``) with a fresh nonce; the reply has ``nonce_ok``.

        Raises: as :meth:`run`.
        """
        nonce = secrets.token_hex(16)
        self._write_frame({**message, "nonce": nonce, "timeout": timeout})
        try:
            reply = self._read_frame(time.monotonic() + timeout + 2.0)
        except TimeoutError:
            self.kill()
            raise
        if self.zygote and reply.get("op") == "child-exit":
            self.child_alive = False
            raise self._death(reply.get("code"))
        reply["nonce_ok"] = reply.get("nonce") == nonce
        return reply

    # -- zygote sessions --------------------------------------------------------------------
    def fork(self, timeout: float = 30.0) -> None:
        """Start a submission's process: the zygote forks an unprivileged child."""
        self.wait_ready(timeout)
        nonce = secrets.token_hex(16)
        self._oom_base = self.group.oom_kills() if self.group else 0
        self._write_frame({"op": "fork", "nonce": nonce})
        reply = self._read_frame(time.monotonic() + timeout)
        if reply.get("op") != "ready" or reply.get("session") != nonce:
            self.kill()
            raise SandboxError("the zygote did not start a child", reply=str(reply)[:200])
        self.child_alive = True

    def end_session(self, timeout: float = 10.0) -> bool:
        """End the child and re-synchronise with the zygote; False if the sandbox is unusable.

        Frames left on the pipe by the child (forged or late) are discarded until the zygote
        echoes a nonce generated after the child is gone; then the host's /proc must show no
        process in the sandbox but those it held before the first fork.
        """
        if self._closed:
            return False
        deadline = time.monotonic() + timeout
        try:
            if self.child_alive:
                self._write_frame({"op": "exit"})
                while self._read_frame(deadline).get("op") != "child-exit":
                    pass
                self.child_alive = False
            nonce = secrets.token_hex(16)
            self._write_frame({"op": "sync", "nonce": nonce})
            while True:
                reply = self._read_frame(deadline)
                if reply.get("op") == "synced" and reply.get("nonce") == nonce:
                    break
        except (SandboxError, TimeoutError):
            self.kill()
            return False
        # The child shares the pipes, so it can fake 'child-exit' and answer the sync itself,
        # then serve (and read) the next submission: check from outside that it is gone.
        if self._pids() - self._idle_pids:
            self.kill()
            return False
        return True

    def _pids(self) -> set[int]:
        """Host pids of the sandbox's live processes: its cgroup (cheap), else /proc's tree."""
        if self.group is not None:
            return set(self.group.pids())
        return _live_descendants(self.proc.pid)

    def _death(self, code: object) -> WorkerDied:
        """Why the worker (or the zygote's child) died, read before its cgroup is removed."""
        oom = bool(self.group and self.group.oom_kills() > self._oom_base)
        if oom:
            reason = f"it exceeded the memory limit ({self.limits.memory_mib} MiB) and was killed"
        elif isinstance(code, int) and code < 0:
            reason = f"it was killed by signal {signal.Signals(-code).name}"
        else:
            reason = f"it exited (status {code})"
        return WorkerDied(
            f"the notebook's process died: {reason}", exit_code=code, oom=oom, reason=reason
        )

    def _did_not_start(self, reason: str, code: object) -> WorkerDidNotStart:
        """The worker ended before ``ready``: say how, and what it printed (bwrap, Python)."""
        self._drain.join(timeout=2.0)  # the pipe closes with the process: take its last words
        lines = bytes(self.output).decode("utf-8", "replace").strip().splitlines()
        tail = "\n".join(line[:300] for line in lines[-6:])
        output = f"; its output:\n{tail}" if tail else "; it printed nothing"
        return WorkerDidNotStart(
            f"the sandbox's Python did not start: {reason}{output}", exit_code=code, output=tail
        )

    def _write_frame(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8")
        try:
            os.write(self._req_w, struct.pack(">I", len(data)))
            view = memoryview(data)
            while view:
                view = view[os.write(self._req_w, view) :]
        except (BrokenPipeError, OSError) as exc:
            raise self._died() from exc

    def _read_exact(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the worker did not answer in time")
            ready, _, _ = select.select([self._resp_r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._resp_r, min(n - got, 1 << 20))
            if not chunk:
                raise self._died()
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float) -> dict:
        (length,) = struct.unpack(">I", self._read_exact(4, deadline))
        if length > MAX_FRAME:
            self.kill()
            raise SandboxError(f"the worker sent a {length}-byte frame (limit {MAX_FRAME})")
        body = self._read_exact(length, deadline)
        try:
            message = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # too deep
            self.kill()
            raise SandboxError("the worker sent a malformed frame") from exc
        if not isinstance(message, dict):
            self.kill()
            raise SandboxError("the worker sent a malformed frame")
        return message

    def _died(self) -> WorkerDied:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        died = self._death(code)
        self.kill()
        return died

    # -- teardown -------------------------------------------------------------------------
    def kill(self) -> None:
        """Kill the sandbox and everything in it; idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._cleanup_group()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        for fd in (self._req_w, self._resp_r):
            try:
                os.close(fd)
            except OSError:
                pass

    def _cleanup_group(self) -> None:
        if self.group is not None:
            self.group.destroy()

    def close(self) -> None:
        """Ask the worker to exit, then make sure it did."""
        if not self._closed:
            try:
                self._write_frame({"op": "exit"})
            except WorkerDied:
                pass
        self.kill()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
