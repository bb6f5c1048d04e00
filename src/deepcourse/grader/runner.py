"""Running a notebook's cells in a sandboxed worker, surviving what the cells do to it.

The grader decides which code runs and in what order (a *plan*); the worker only executes.
When a cell kills its worker (``os._exit``, the memory limit, a hard timeout, a forged frame),
that cell is marked and the plan is replayed in a fresh worker *without* it, so a broken answer
to one question does not cost the points of the others. Replays are bounded by
:data:`MAX_RESTARTS` and the submission's wall-clock limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from deepcourse.grader.exceptions import SandboxError, WorkerDied
from deepcourse.grader.limits import Limits
from deepcourse.grader.results import SANDBOX_START_FAILED

MAX_RESTARTS = 4


@dataclass(frozen=True)
class PlannedCell:
    """One piece of code the grader sends: a student cell, a locked cell or a test."""

    grade_id: str
    code: str
    test: bool = False
    hidden: bool = False


@dataclass
class Outcome:
    """What happened to one planned cell."""

    status: str  # ok | error | timeout | died | tampered | not-run
    error: dict = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    result: str | None = None
    dropped: int = 0
    checks: list = field(default_factory=list)
    pairs: list = field(default_factory=list)
    message: str = ""


def _from_reply(reply: dict) -> Outcome:
    def text(key: str) -> str:
        value = reply.get(key)
        return value if isinstance(value, str) else ""

    status = reply.get("status")
    error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
    return Outcome(
        status=status if status in ("ok", "error", "timeout") else "tampered",
        error={k: str(error.get(k, ""))[:8000] for k in ("ename", "evalue", "traceback")}
        if error
        else {},
        stdout=text("stdout"),
        stderr=text("stderr"),
        result=reply.get("result") if isinstance(reply.get("result"), str) else None,
        dropped=reply.get("dropped") if isinstance(reply.get("dropped"), int) else 0,
        checks=reply.get("checks") if isinstance(reply.get("checks"), list) else [],
        pairs=reply.get("pairs") if isinstance(reply.get("pairs"), list) else [],
        message="the cell reached its time limit" if status == "timeout" else "",
    )


def run_plan(plan: list[PlannedCell], *, pool, limits: Limits) -> tuple[list[Outcome], list[str]]:
    """Execute ``plan`` and return one :class:`Outcome` per cell, and notes on restarts.

    ``pool`` is anything with ``acquire() -> Worker`` (:mod:`deepcourse.grader.pool`).
    """
    deadline = time.monotonic() + limits.submission_seconds
    fatal: dict[int, Outcome] = {}
    notes: list[str] = []
    outcomes: dict[int, Outcome] = {}
    not_run = "not run: the submission's time limit or restarts ran out"
    for _attempt in range(MAX_RESTARTS + 1):
        outcomes = {}
        killed_at: int | None = None
        previous: int | None = None
        worker = pool.acquire()
        try:
            worker.wait_ready(timeout=max(5.0, min(120.0, deadline - time.monotonic())))
            for i, cell in enumerate(plan):
                if i in fatal or not cell.code.strip():
                    continue
                left = deadline - time.monotonic()
                if left <= 1:
                    break
                try:
                    reply = worker.run(
                        cell.code, timeout=min(limits.cell_seconds, left), test=cell.test
                    )
                except TimeoutError:
                    fatal[i] = Outcome(
                        "timeout", message="the cell reached its time limit and was stopped"
                    )
                except WorkerDied as exc:
                    fatal[i] = Outcome("died", message=str(exc))
                except SandboxError as exc:
                    fatal[i] = Outcome("tampered", message=f"protocol violation: {exc}")
                else:
                    if reply.get("nonce_ok"):
                        outcomes[i] = _from_reply(reply)
                        previous = i
                        continue
                    # A reply to an earlier request: the previous cell wrote an extra, forged
                    # frame that was taken as its reply. Blame it, and replay without it.
                    i = previous if previous is not None else i
                    outcomes.pop(i, None)
                    fatal[i] = Outcome(
                        "tampered", message="the cell wrote forged messages to the grader's channel"
                    )
                killed_at = i
                break
        except (WorkerDied, SandboxError, TimeoutError) as exc:
            # Only starting the worker gets here (each cell's failures are caught above): no
            # cell is to blame and a replay would fail the same way.
            notes.append(f"{SANDBOX_START_FAILED}: {exc}")
            not_run = f"not run: {exc}"
            break
        finally:
            worker.close()
        if killed_at is None:
            break
        notes.append(
            f"cell {plan[killed_at].grade_id}: {fatal[killed_at].message}; "
            "the notebook was re-run without it"
        )
        if time.monotonic() >= deadline - 1:
            break
    final: list[Outcome] = []
    for i, cell in enumerate(plan):
        if i in fatal:
            final.append(fatal[i])
        elif i in outcomes:
            final.append(outcomes[i])
        elif not cell.code.strip():
            final.append(Outcome("ok"))
        else:
            final.append(Outcome("not-run", message=not_run))
    return final, notes
