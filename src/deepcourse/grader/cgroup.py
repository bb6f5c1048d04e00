"""Per-submission cgroups (v1 or v2): a memory limit and a process limit, killed as a whole.

On v1 (this project's CI machines) the ``memory`` and ``pids`` hierarchies are separate trees;
on v2 one directory holds ``memory.max`` and ``pids.max``. Creating groups needs root (or a
delegated subtree); where neither works, :func:`available` says so and the sandbox runs without
memory and process limits, with a loud warning.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(os.environ.get("DEEPCOURSE_CGROUP_ROOT", "/sys/fs/cgroup"))
GROUP = "deepcourse-grader"


def _v1_dirs() -> dict[str, Path]:
    return {c: ROOT / c for c in ("memory", "pids") if (ROOT / c / "cgroup.procs").exists()}


def _writable(path: Path) -> bool:
    try:
        (path / GROUP).mkdir(exist_ok=True)
        return os.access(path / GROUP, os.W_OK)
    except OSError:
        return False


def _reap_stale(parent: Path) -> None:
    """Remove empty groups left by grader processes that died without cleaning up."""
    for group in parent.glob("w-*"):
        try:
            owner = int(group.name.split("-")[1])
            os.kill(owner, 0)
        except ProcessLookupError:
            try:
                if not (group / "cgroup.procs").read_text().strip():
                    group.rmdir()
            except OSError:
                pass
        except (ValueError, IndexError, PermissionError):
            continue


def detect() -> str | None:
    """``"v1"``, ``"v2"`` or ``None`` (no writable memory and pids controllers)."""
    v1 = _v1_dirs()
    if len(v1) == 2 and all(_writable(p) for p in v1.values()):
        for p in v1.values():
            _reap_stale(p / GROUP)
        return "v1"
    controllers = ROOT / "cgroup.controllers"
    if controllers.exists() and {"memory", "pids"} <= set(controllers.read_text().split()):
        if _writable(ROOT):
            try:
                (ROOT / "cgroup.subtree_control").write_text("+memory +pids")
                (ROOT / GROUP / "cgroup.subtree_control").write_text("+memory +pids")
                _reap_stale(ROOT / GROUP)
                return "v2"
            except OSError:
                return None
    return None


@dataclass
class Cgroup:
    """One submission's cgroup(s); ``procs_files`` are what a new process writes its pid to."""

    version: str
    dirs: list[Path] = field(default_factory=list)

    @property
    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    @classmethod
    def create(cls, version: str, *, memory_bytes: int, pids: int) -> Cgroup:
        name = f"w-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        if version == "v1":
            v1 = _v1_dirs()
            mem, pid = v1["memory"] / GROUP / name, v1["pids"] / GROUP / name
            mem.mkdir()
            pid.mkdir()
            (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
            swap = mem / "memory.memsw.limit_in_bytes"
            if swap.exists():
                try:
                    swap.write_text(str(memory_bytes))
                except OSError:
                    pass
            (pid / "pids.max").write_text(str(pids))
            return cls(version, [mem, pid])
        path = ROOT / GROUP / name
        path.mkdir()
        (path / "memory.max").write_text(str(memory_bytes))
        if (path / "memory.swap.max").exists():
            (path / "memory.swap.max").write_text("0")
        (path / "pids.max").write_text(str(pids))
        return cls(version, [path])

    def oom_kills(self) -> int:
        """How many processes of this group the kernel killed for exceeding the memory limit."""
        total = 0
        for d in self.dirs:
            for name in ("memory.oom_control", "memory.events"):
                f = d / name
                if f.exists():
                    for line in f.read_text().splitlines():
                        parts = line.split()
                        if len(parts) == 2 and parts[0] == "oom_kill":
                            total += int(parts[1])
        return total

    def memory_charge(self) -> dict[str, int]:
        """Bytes charged to the group as ``shmem`` (tmpfs files, SysV and memfd shared memory)
        and ``anon`` (process memory), from ``memory.stat`` (v1: the hierarchical ``total_*``
        counters; v2: ``shmem`` and ``anon``). Empty if the file cannot be read."""
        keys = {"total_shmem": "shmem", "total_rss": "anon"}
        if self.version == "v2":
            keys = {"shmem": "shmem", "anon": "anon"}
        charge: dict[str, int] = {}
        for d in self.dirs:
            f = d / "memory.stat"
            if not f.exists():
                continue
            try:
                lines = f.read_text().splitlines()
            except OSError:
                return {}
            for line in lines:
                parts = line.split()
                if len(parts) == 2 and parts[0] in keys:
                    charge[keys[parts[0]]] = int(parts[1])
        return charge

    def pids(self) -> list[int]:
        found: set[int] = set()
        for f in self.procs_files:
            try:
                found.update(int(x) for x in Path(f).read_text().split())
            except OSError:
                pass
        return sorted(found)

    def destroy(self) -> None:
        """Kill every process in the group, then remove it."""
        if self.version == "v2" and (self.dirs[0] / "cgroup.kill").exists():
            try:
                (self.dirs[0] / "cgroup.kill").write_text("1")
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        for d in self.dirs:
            for _ in range(100):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
