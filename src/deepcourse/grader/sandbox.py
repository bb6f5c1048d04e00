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
from deepcourse.grader import seccomp, wire
from deepcourse.grader.exceptions import SandboxError, WorkerDidNotStart, WorkerDied
from deepcourse.grader.limits import Limits, MiB

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
SRC_DIR = Path(__file__).resolve().parents[2]
SCRATCH = "/home/student"
ASSIGNMENT_DIR = "/assignment"  # the supporting files, read-only (see support.py)
#: The largest frame a worker may send: a reply with its values (wire.MAX_BYTES each, base64
#: adds a third) and capped output. The worker answers "reply too large" rather than exceed it.
MAX_FRAME = wire.MAX_FRAME
#: The zygote's own frames (``child-exit``) are a few bytes.
MAX_CONTROL_FRAME = 64 * 1024
#: Bytes the grader reads from one submission's worker at most (forged frames included).
READ_BUDGET = 256 * MiB
#: Each frame from the sandbox: body length, then the nonce of the request it answers (ASCII).
FRAME_HEADER = struct.Struct(wire.FRAME_HEADER)
START_TAG = b""  # the first "ready", before any request
ZYGOTE_TAG = wire.ZYGOTE_TAG.encode()  # the zygote's own frames (the child can forge them)
#: How far above its idle level the sandbox's memory may be after a submission (bytes).
MEMORY_SLACK = {"shmem": 16 * MiB, "anon": 64 * MiB}
NOBODY = 65534
_ETC_FILES = ("ld.so.cache", "localtime", "nsswitch.conf", "passwd", "group")


#: What grading says when ``bwrap`` is not on PATH: the package, the command that installs it, and
#: what is not enforced until then (``make run`` and ``make test`` install it when run as root).
BUBBLEWRAP_MISSING = (
    "bubblewrap is not installed (no `bwrap` command on PATH): install the `bubblewrap` package "
    "as root with `apt-get install bubblewrap` (or `make system-deps` in the repository); until "
    "then there is NO filesystem, network or process isolation - student code can read and "
    "write what the grader can"
)


class SandboxUnavailable(UserWarning):
    """A sandbox layer could not be set up; the message says which and what is not enforced."""


@dataclass(frozen=True)
class Capabilities:
    """What this machine lets the sandbox use."""

    bwrap: str | None
    cgroup: str | None  # "v1", "v2" or None
    drop_uid: bool = True  # whether the worker can run as uid 65534
    seccomp: bool = True  # whether a seccomp filter is tabulated for this machine

    def missing(self) -> list[str]:
        gaps = []
        if self.bwrap and not self.seccomp:
            gaps.append(
                f"no seccomp filter for this machine ({seccomp.machine()}; x86_64 and aarch64 "
                "are supported): sockets of every family, new namespaces, keyrings, message "
                "queues and the kernel's rarer calls stay open to student code"
            )
        if not self.drop_uid:
            gaps.append(
                f"the Python installation ({sys.base_prefix}) is not readable by uid {NOBODY} "
                "and there is no bubblewrap to bind it elsewhere (`apt-get install bubblewrap` as "
                "root): student code runs as ROOT"
            )
        if not self.bwrap:
            gaps.append(BUBBLEWRAP_MISSING)
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
            _CAPS = Capabilities(bwrap, group, drop, seccomp.supported())
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


def seccomp_fd() -> int | None:
    """A file descriptor holding the seccomp program for bubblewrap (``--seccomp FD``), or None
    where no filter is tabulated for this machine. The caller passes it on and closes it."""
    prog = seccomp.program()
    if prog is None:
        return None
    fd = os.memfd_create("deepcourse-seccomp", os.MFD_CLOEXEC)
    os.write(fd, prog)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def bwrap_command(
    bwrap: str,
    limits: Limits,
    worker_argv: list[str],
    seccomp_fd: int | None = None,
    *,
    assignment_dir: str | None = None,
) -> list[str]:
    """The bubblewrap command line for one worker (see the module docstring for the layers).

    ``assignment_dir`` (the assignment's supporting files) is bound read-only at
    :data:`ASSIGNMENT_DIR`; the worker copies it into its working folder.
    """
    cmd = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    if seccomp_fd is not None:
        cmd += ["--seccomp", str(seccomp_fd)]
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


def _tag(nonce: bytes) -> bytes:
    """A nonce as it appears in a frame header (32 bytes, NUL-padded)."""
    return nonce[:32].ljust(32, b"\0")


def _alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` that still exist and are not zombies (waiting to be reaped)."""
    found = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                if f.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                    found.add(pid)
        except (OSError, IndexError):
            pass
    return found


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
        filter_fd = None
        if self.caps.bwrap:
            filter_fd = seccomp_fd()
            cmd = bwrap_command(
                self.caps.bwrap, limits, argv, filter_fd, assignment_dir=assignment_dir
            )
            env = None
        else:
            cmd = argv
            env = {**os.environ, "PYTHONPATH": str(SRC_DIR), "MPLBACKEND": "Agg"}
        passed = (req_r, resp_w) + ((filter_fd,) if filter_fd is not None else ())
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=passed,
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
            for fd in passed:
                os.close(fd)
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()
        self.ready_info: dict | None = None
        self._idle_pids: set[int] = set()
        self._idle_memory: dict[str, int] = {}
        self._last_nonce: str | None = None  # the previous request's: its reply may come late
        self.bytes_read = 0  # this submission's, against READ_BUDGET
        self.forged_frames = 0  # frames dropped unread: a foreign or stale nonce
        self.retired: str | None = None  # why end_session judged the sandbox unusable

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
    # Every frame from the sandbox starts with a header: the body's length and the nonce of the
    # request it answers (see FRAME_HEADER). The header is checked before a byte of the body is
    # parsed: a frame for another nonce is read in chunks and dropped, never parsed, so a forged
    # frame costs the grader neither memory nor a wrong verdict.
    def wait_ready(self, timeout: float = 60.0) -> dict:
        """Block until the worker has pre-imported its modules.

        Raises:
            WorkerDidNotStart: the worker exited, or said nothing within ``timeout`` (it is
                killed); the message has its exit status and the last lines it printed.
            SandboxError: its first message was not ``ready``.
        """
        if self.ready_info is None:
            try:
                reply = self._read_frame(time.monotonic() + timeout, START_TAG)
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
                self._idle_memory = self.group.memory_charge() if self.group else {}
        return self.ready_info

    def request(self, message: dict, *, timeout: float) -> dict:
        """Send ``message`` (any op) with a fresh nonce; return the reply, with ``nonce_ok``.

        ``nonce_ok`` is False when the frame that came back answers the *previous* request: the
        previous cell wrote a forged reply that was taken for its own, and its real reply comes
        now (the caller blames that cell). Such a frame is dropped unread.

        Raises:
            WorkerDied: the worker (or the zygote's child, checked in the cgroup) is gone.
            TimeoutError: no reply within ``timeout`` plus a grace period (the worker is killed).
            SandboxError: a frame for a nonce never sent, an oversized or malformed frame, more
                than READ_BUDGET bytes this submission, a forged ``child-exit`` (tampering: the
                worker is killed).
        """
        nonce = secrets.token_hex(16)
        self._write_frame({**message, "nonce": nonce, "timeout": timeout})
        try:
            reply = self._read_reply(nonce, time.monotonic() + timeout + 2.0)
        except TimeoutError:
            self.kill()
            raise
        finally:
            self._last_nonce = nonce
        return reply

    def run(self, code: str, *, timeout: float, test: bool = False) -> dict:
        """Execute one cell; returns the worker's reply (with ``nonce_ok``); see :meth:`request`."""
        message = {"op": "run", "code": code, "test": test, "timeout": timeout}
        return self.request(message, timeout=timeout)

    def sync(self, *, timeout: float = 10.0) -> bool:
        """Whether the channel is clean after the last reply: True only if the worker's first
        frame is its ``synced`` answer to a fresh nonce.

        Call it after the last planned cell: nothing else would read after that cell's reply,
        so a forged last reply (and the real one behind it) would go unnoticed. False also when
        the worker died, timed out or sent a foreign frame (it is then killed): in each case the
        last reply cannot be shown to be the worker's own.
        """
        try:
            reply = self.request({"op": "sync"}, timeout=timeout)
        except (WorkerDied, SandboxError, TimeoutError):
            return False
        return reply.get("nonce_ok") is True and reply.get("op") == "synced"

    # -- zygote sessions --------------------------------------------------------------------
    def fork(self, timeout: float = 30.0) -> None:
        """Start a submission's process: the zygote forks an unprivileged child."""
        self.wait_ready(timeout)
        nonce = secrets.token_hex(16)
        self._oom_base = self.group.oom_kills() if self.group else 0
        self.bytes_read, self.forged_frames, self._last_nonce = 0, 0, None
        self._write_frame({"op": "fork", "nonce": nonce})
        try:
            reply = self._read_frame(time.monotonic() + timeout, nonce.encode())
        except TimeoutError:
            self.kill()
            raise
        if reply.get("op") != "ready" or reply.get("session") != nonce:
            self.kill()
            raise SandboxError("the zygote did not start a child", reply=str(reply)[:200])
        self.child_alive = True

    def end_session(self, timeout: float = 10.0) -> bool:
        """End the child and check that the sandbox is as it was before the first fork; False
        (and the sandbox killed, the reason in ``retired``) if anything is left.

        Frames left on the pipe by the child (forged or late) are dropped unread until the
        zygote echoes a nonce generated after the child is gone. Then, in the ``synced`` reply,
        the zygote reports its own check (``/tmp`` and the home folder back to their first
        listing, no SysV IPC object, no process of the student's uid); the grader checks from
        outside, in the cgroup, that no process but bwrap and the zygote is left and that the
        memory charge (tmpfs, shared memory, anonymous memory) is back near its idle level.
        """
        if self._closed:
            return False
        deadline = time.monotonic() + timeout
        try:
            if self.child_alive:
                self._write_frame({"op": "exit"})
                self._await_child_exit(deadline)
            nonce = secrets.token_hex(16)
            self._write_frame({"op": "sync", "nonce": nonce})
            reply = self._await(nonce.encode(), deadline)
        except (SandboxError, TimeoutError, WorkerDied) as exc:
            return self._retire(f"no clean re-synchronisation: {exc}")
        if reply.get("op") != "synced" or reply.get("clean") is not True:
            return self._retire(f"the zygote found leftovers: {str(reply.get('clean'))[:300]}")
        # The child shares the pipes, so it can fake 'child-exit' and answer the sync itself,
        # then serve (and read) the next submission: check from outside that it is gone.
        if not self._only_idle_processes():
            return self._retire("processes of the last submission are still running")
        charge = self._memory_left()
        if charge:
            return self._retire(f"memory still charged to the sandbox: {charge}")
        return True

    def _retire(self, reason: str) -> bool:
        self.retired = reason
        self.kill()
        return False

    def _only_idle_processes(self, wait: float = 1.0) -> bool:
        """Whether the sandbox holds no live process but those of its idle state (waiting up to
        ``wait`` s for killed processes to be reaped by the sandbox's init)."""
        until = time.monotonic() + wait
        while True:
            if not _alive(self._pids() - self._idle_pids):
                return True
            if time.monotonic() >= until:
                return False
            time.sleep(0.01)

    def _memory_left(self, wait: float = 0.5) -> str:
        """What memory the last submission left charged (empty if none), read in the cgroup."""
        if self.group is None or not self._idle_memory:
            return ""
        until = time.monotonic() + wait
        while True:
            now = self.group.memory_charge()
            over = [
                f"{key} {now[key] // MiB} MiB (idle {self._idle_memory.get(key, 0) // MiB} MiB)"
                for key, slack in MEMORY_SLACK.items()
                if now.get(key, 0) > self._idle_memory.get(key, 0) + slack
            ]
            if not over or time.monotonic() >= until:
                return ", ".join(over)
            time.sleep(0.02)

    def _pids(self) -> set[int]:
        """Host pids of the sandbox's live processes: its cgroup (cheap), else /proc's tree."""
        if self.group is not None:
            return set(self.group.pids())
        return _live_descendants(self.proc.pid)

    def _death(self, code: object) -> WorkerDied:
        """Why the worker (or the zygote's child) died, read before its cgroup is removed."""
        oom = bool(self.group and self.group.oom_kills() > self._oom_base)
        if not isinstance(code, int) or isinstance(code, bool) or not -64 <= code <= 255:
            code = None  # the zygote's child can forge the frame that carries it
        if oom:
            reason = f"it exceeded the memory limit ({self.limits.memory_mib} MiB) and was killed"
        elif isinstance(code, int) and code < 0:
            try:
                reason = f"it was killed by signal {signal.Signals(-code).name}"
            except ValueError:
                reason = f"it was killed by signal {-code}"
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

    # -- reading frames -----------------------------------------------------------------------
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
            self.bytes_read += len(chunk)
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _header(self, deadline: float) -> tuple[bytes, int]:
        """The next frame's nonce tag and body length, both checked before the body is read."""
        length, tag = FRAME_HEADER.unpack(self._read_exact(FRAME_HEADER.size, deadline))
        if length > MAX_FRAME:
            self.kill()
            raise SandboxError(f"the worker sent a {length}-byte frame (limit {MAX_FRAME})")
        if self.bytes_read + length > READ_BUDGET:
            self.kill()
            raise SandboxError(
                f"the worker sent more than {READ_BUDGET // MiB} MiB for one submission"
            )
        return tag, length

    def _body(self, length: int, deadline: float) -> dict:
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

    def _discard(self, length: int, deadline: float) -> None:
        """Read and drop a frame's body in bounded chunks (a forged or stale frame)."""
        self.forged_frames += 1
        while length > 0:
            length -= len(self._read_exact(min(length, 1 << 20), deadline))

    def _read_frame(self, deadline: float, expect: bytes) -> dict:
        """The next frame, which must carry ``expect``; anything else is tampering."""
        tag, length = self._header(deadline)
        if tag != _tag(expect):
            self._discard(length, deadline)
            self.kill()
            raise SandboxError("the worker sent a frame for a request it was never sent")
        return self._body(length, deadline)

    def _read_reply(self, nonce: str, deadline: float) -> dict:
        """The reply to the request sent with ``nonce`` (see :meth:`request`)."""
        tag, length = self._header(deadline)
        if tag == _tag(nonce.encode()):
            reply = self._body(length, deadline)
            reply["nonce"], reply["nonce_ok"] = nonce, True
            return reply
        if tag == ZYGOTE_TAG and self.zygote and self.child_alive:
            self._child_exit(length, deadline)  # raises WorkerDied or SandboxError
        self._discard(length, deadline)
        if self._last_nonce is not None and tag == _tag(self._last_nonce.encode()):
            return {"nonce_ok": False, "stale": True}
        self.kill()
        raise SandboxError("a forged frame on the grader's channel (a nonce never sent)")

    def _child_exit(self, length: int, deadline: float) -> None:
        """A zygote frame while the child runs: believed only if the cgroup shows the child
        gone (the child can write the same bytes); raises WorkerDied, else SandboxError."""
        if length > MAX_CONTROL_FRAME:
            self._discard(length, deadline)
            self.kill()
            raise SandboxError("a forged zygote frame (too large)")
        message = self._body(length, deadline)
        if message.get("op") != "child-exit" or not self._only_idle_processes():
            self.kill()
            raise SandboxError("a forged 'child-exit' frame: the child is still running")
        self.child_alive = False
        raise self._death(message.get("code"))

    def _await_child_exit(self, deadline: float) -> None:
        """After ``exit``: drop frames until the zygote's (verified) ``child-exit``."""
        while True:
            tag, length = self._header(deadline)
            if tag == ZYGOTE_TAG:
                try:
                    self._child_exit(length, deadline)
                except WorkerDied:
                    return
            self._discard(length, deadline)

    def _await(self, expect: bytes, deadline: float) -> dict:
        """Drop frames until the one that carries ``expect`` (the child is gone: leftovers)."""
        while True:
            tag, length = self._header(deadline)
            if tag == _tag(expect):
                return self._body(length, deadline)
            self._discard(length, deadline)

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
