"""Pools of warm workers: sandboxes started ahead of time with numpy/torch already imported.

Two kinds, chosen by :func:`make_pool`:

* **Zygotes** (the grader runs as root, bubblewrap present): each sandbox holds a fork server
  that imported numpy/torch once and forks a fresh child per submission (milliseconds, pages
  shared copy-on-write). The child runs as uid 65534 and cannot signal or read the zygote (uid
  0); when it ends, everything of uid 65534 in the sandbox is killed and its files and IPC
  objects wiped before the next fork, and the reset is verified (the zygote's own check, then
  the cgroup's processes and memory charge, :meth:`Worker.end_session`). A sandbox that fails
  the check, whose child timed out, or that broke protocol, is destroyed and replaced.
* **One sandbox per submission** (otherwise): each worker serves one submission and is then
  destroyed; the pool starts the replacement as soon as one is taken, overlapping start-up with
  grading.
"""

from __future__ import annotations

import collections
import os
import threading

from deepcourse.grader.limits import Limits
from deepcourse.grader.sandbox import Worker, capabilities


class _Pool:
    """What both pools keep: ``size`` started workers for one assignment's limits, pre-imports
    and supporting files, and every worker they started (to kill the busy ones on close)."""

    zygote = False

    def __init__(
        self,
        *,
        size: int,
        limits: Limits,
        preload: tuple[str, ...],
        assignment_dir: str | None = None,
    ) -> None:
        self.size = max(1, size)
        self.limits = limits
        self.preload = preload
        self.assignment_dir = assignment_dir  # supporting files (support.py), or None
        self._lock = threading.Lock()
        self._closed = False
        self._all: list[Worker] = []
        self._idle: collections.deque[Worker] = collections.deque(
            self._spawn() for _ in range(self.size)
        )

    def _spawn(self) -> Worker:
        worker = Worker(
            limits=self.limits,
            preload=self.preload,
            zygote=self.zygote,
            assignment_dir=self.assignment_dir,
        )
        self._all = [w for w in self._all if not w._closed] + [worker]
        return worker

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WorkerPool(_Pool):
    """Keeps ``size`` started workers for one assignment's limits and pre-imports."""

    def acquire(self) -> Worker:
        """A started worker (the caller waits for ``ready`` and must ``close`` it)."""
        with self._lock:
            worker = self._idle.popleft() if self._idle else None
            if not self._closed:
                self._idle.append(self._spawn())
            return worker or self._spawn()

    def close(self, *, kill_busy: bool = False) -> None:
        """Kill the idle workers (and, with ``kill_busy``, those grading right now)."""
        with self._lock:
            self._closed = True
            idle, self._idle = list(self._idle), collections.deque()
            busy = list(self._all) if kill_busy else []
        for worker in idle + busy:
            worker.kill()


class _Session:
    """A submission's child in a pooled zygote; the same interface as a Worker for the runner."""

    def __init__(self, pool: ZygotePool, worker: Worker) -> None:
        self._pool = pool
        self._worker = worker
        self._started = False

    def wait_ready(self, timeout: float = 60.0) -> dict:
        if not self._started:
            self._worker.fork(timeout)
            self._started = True
        return {"op": "ready"}

    def run(self, code: str, *, timeout: float, test: bool = False) -> dict:
        return self._worker.run(code, timeout=timeout, test=test)

    def request(self, message: dict, *, timeout: float) -> dict:
        return self._worker.request(message, timeout=timeout)

    def sync(self, *, timeout: float = 10.0) -> bool:
        return self._worker.sync(timeout=timeout)

    def kill(self) -> None:
        self._worker.kill()

    def close(self) -> None:
        healthy = self._started and self._worker.end_session()
        self._pool._release(self._worker, healthy)


class ZygotePool(_Pool):
    """``size`` sandboxed fork servers, each serving one submission at a time."""

    zygote = True

    def acquire(self) -> _Session:
        with self._lock:
            worker = self._idle.popleft() if self._idle else None
            return _Session(self, worker or self._spawn())

    def _release(self, worker: Worker, healthy: bool) -> None:
        if not healthy:
            worker.kill()
        with self._lock:
            if self._closed:
                worker.kill()
            elif healthy:
                self._idle.append(worker)
            else:
                self._idle.append(self._spawn())

    def close(self, *, kill_busy: bool = False) -> None:
        """Stop the idle zygotes (and, with ``kill_busy``, those grading right now)."""
        with self._lock:
            self._closed = True
            idle, self._idle = list(self._idle), collections.deque()
            busy = [w for w in self._all if w not in idle] if kill_busy else []
        for worker in idle:
            worker.close()
        for worker in busy:
            worker.kill()


def make_pool(
    *, size: int, limits: Limits, preload: tuple[str, ...], assignment_dir: str | None = None
):
    """Zygotes where the sandbox can separate the zygote's uid from the children's, else a
    pool of one-shot sandboxes. ``assignment_dir``: the supporting files (see support.py)."""
    caps = capabilities()
    kw = {"size": size, "limits": limits, "preload": preload, "assignment_dir": assignment_dir}
    if caps.bwrap and os.getuid() == 0 and not os.environ.get("DEEPCOURSE_NO_ZYGOTE"):
        return ZygotePool(**kw)
    return WorkerPool(**kw)


class OneShot:
    """The pool interface without a pool: a fresh worker per call (for single submissions)."""

    def __init__(
        self,
        *,
        limits: Limits,
        preload: tuple[str, ...],
        assignment_dir: str | None = None,
        execution: str = "autograde",
    ) -> None:
        self.limits = limits
        self.preload = preload
        self.assignment_dir = assignment_dir
        self.execution = execution

    def acquire(self) -> Worker:
        return Worker(
            limits=self.limits,
            preload=self.preload,
            assignment_dir=self.assignment_dir,
            execution=self.execution,
        )

    def close(self) -> None:
        pass
