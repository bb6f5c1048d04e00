"""A pool of warm workers: sandboxes started ahead of time with numpy/torch already imported.

Each worker serves one submission and is then destroyed, so nothing a submission leaves behind
(files, processes, patched modules) reaches the next one. The pool starts a replacement as soon
as one is taken, so a submission waits only for its own code, not for interpreter start-up and
``import torch``.
"""

from __future__ import annotations

import collections
import threading

from deepcourse.grader.limits import Limits
from deepcourse.grader.sandbox import Worker


class WorkerPool:
    """Keeps ``size`` started workers for one assignment's limits and pre-imports."""

    def __init__(self, *, size: int, limits: Limits, preload: tuple[str, ...]) -> None:
        self.size = max(1, size)
        self.limits = limits
        self.preload = preload
        self._idle: collections.deque[Worker] = collections.deque()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(self.size):
            self._idle.append(self._spawn())

    def _spawn(self) -> Worker:
        return Worker(limits=self.limits, preload=self.preload)

    def acquire(self) -> Worker:
        """A started worker (the caller waits for ``ready`` and must ``close`` it)."""
        with self._lock:
            worker = self._idle.popleft() if self._idle else None
            if not self._closed:
                self._idle.append(self._spawn())
        return worker or self._spawn()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = list(self._idle), collections.deque()
        for worker in idle:
            worker.kill()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OneShot:
    """The pool interface without a pool: a fresh worker per call (for single submissions)."""

    def __init__(self, *, limits: Limits, preload: tuple[str, ...]) -> None:
        self.limits = limits
        self.preload = preload

    def acquire(self) -> Worker:
        return Worker(limits=self.limits, preload=self.preload)

    def close(self) -> None:
        pass
