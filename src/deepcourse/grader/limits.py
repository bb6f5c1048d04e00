"""Resource limits for one sandboxed submission, with defaults, per-assignment and CLI overrides."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from deepcourse.grader.exceptions import AssignmentError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much one submission may use.

    Attributes:
        cell_seconds: wall-clock limit for one cell.
        submission_seconds: wall-clock limit for the whole submission (all cells, all retries).
        memory_mib: resident memory of the sandbox (cgroup ``memory``); 2 GiB fits ``import torch``.
        pids: processes and threads in the sandbox (cgroup ``pids``, and ``RLIMIT_NPROC``).
        file_mib: largest file the submission may write (``RLIMIT_FSIZE``).
        scratch_mib: size of the private writable scratch folder (a tmpfs).
        output_kib: captured stdout/stderr kept per cell; the rest is counted and dropped.
        open_files: ``RLIMIT_NOFILE``.
    """

    cell_seconds: float = 60.0
    submission_seconds: float = 300.0
    memory_mib: int = 2048
    pids: int = 128
    file_mib: int = 64
    scratch_mib: int = 256
    output_kib: int = 64
    open_files: int = 256

    def with_overrides(self, overrides: dict[str, object] | None) -> Limits:
        """Return a copy with the given fields replaced (``None`` values are ignored).

        Raises:
            AssignmentError: an unknown field or a non-positive value.
        """
        if not overrides:
            return self
        known = {f.name: f.type for f in fields(self)}
        clean: dict[str, object] = {}
        for key, value in overrides.items():
            if value is None:
                continue
            if key not in known:
                raise AssignmentError(
                    f"unknown limit {key!r}, expected one of {', '.join(sorted(known))}", key=key
                )
            number = float(value) if known[key] == "float" else int(value)
            if number <= 0:
                raise AssignmentError(f"limit {key} must be positive, got {value!r}", key=key)
            clean[key] = number
        return replace(self, **clean)

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)
