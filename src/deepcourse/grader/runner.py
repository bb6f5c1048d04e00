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
from deepcourse.grader.limits import Limits, MiB
from deepcourse.grader.results import SANDBOX_START_FAILED
from deepcourse.grader.sanitize import clean_message

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


#: Output kept of all cells together, per submission (stdout, stderr, values, tracebacks): what a
#: report can show and a results file hold, whatever the sandbox sends.
SUBMISSION_OUTPUT_CHARS = MiB
#: ``check`` records kept per cell; a cell cannot make the grader hold or decode more.
MAX_CHECKS_PER_CELL = 10_000
_MAX_TRACEBACK = 8000
_MAX_EVALUE = 2000
_MAX_ENAME = 200
_MAX_DROPPED = 1 << 50


def _from_reply(reply: dict, limits: Limits | None = None) -> Outcome:
    """An :class:`Outcome` from a worker's reply, keeping only what the grader allows.

    The reply comes from the sandbox, where the student's code could have replaced the worker's
    own output cap: every text is cut here to ``limits.output_kib`` per cell (the rest counted in
    ``dropped``), check records to :data:`MAX_CHECKS_PER_CELL`, and error texts are cleaned of
    grader frames and install paths (:mod:`sanitize`).
    """
    cap = (limits or Limits()).output_kib * 1024
    extra = 0

    def text(value: object, limit: int, *, tail: bool = False) -> str:
        nonlocal extra
        if not isinstance(value, str):
            return ""
        if len(value) > limit:
            extra += len(value) - limit
            value = value[-limit:] if tail else value[:limit]
        return value

    status = reply.get("status")
    raw_error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
    error = {}
    if raw_error:
        error = {
            "ename": text(raw_error.get("ename"), _MAX_ENAME),
            "evalue": clean_message(text(raw_error.get("evalue"), min(cap, _MAX_EVALUE))),
            "traceback": clean_message(
                text(raw_error.get("traceback"), min(cap, _MAX_TRACEBACK), tail=True)
            ),
        }
    result = reply.get("result")
    dropped = reply.get("dropped")
    dropped = min(max(dropped, 0), _MAX_DROPPED) if type(dropped) is int else 0
    checks = reply.get("checks") if isinstance(reply.get("checks"), list) else []
    pairs = reply.get("pairs") if isinstance(reply.get("pairs"), list) else []
    return Outcome(
        status=status if status in ("ok", "error", "timeout") else "tampered",
        error=error,
        stdout=text(reply.get("stdout"), cap),
        stderr=clean_message(text(reply.get("stderr"), cap)),
        result=text(result, cap) if isinstance(result, str) else None,
        dropped=dropped + extra,
        checks=checks[:MAX_CHECKS_PER_CELL],
        pairs=pairs[:MAX_CHECKS_PER_CELL],
        message="the cell reached its time limit" if status == "timeout" else "",
    )


def cap_submission_output(
    outcomes: list[Outcome], budget: int = SUBMISSION_OUTPUT_CHARS
) -> list[str]:
    """Keep at most ``budget`` characters of output over all ``outcomes``, first cells first.

    What is cut is counted in each outcome's ``dropped``. Returns the note for the feedback (or
    nothing when all output fit).
    """
    left = budget
    cut = 0
    for outcome in outcomes:
        for key in ("stdout", "stderr", "result"):
            value = getattr(outcome, key)
            if value and len(value) > left:
                outcome.dropped += len(value) - left
                cut += len(value) - left
                setattr(outcome, key, value[:left] if left or key != "result" else None)
            left -= len(getattr(outcome, key) or "")
        tb = outcome.error.get("traceback") if outcome.error else None
        if tb and len(tb) > left:
            outcome.dropped += len(tb) - left
            cut += len(tb) - left
            outcome.error["traceback"] = tb[len(tb) - left :] if left else ""
        left -= len(outcome.error.get("traceback") or "") if outcome.error else 0
    if not cut:
        return []
    return [
        f"the notebook's output passed {budget // 1024} KiB in all: {cut} more characters "
        "were dropped from the last cells' output"
    ]


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
                        outcomes[i] = _from_reply(reply, limits)
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
    notes.extend(cap_submission_output(final))
    return final, notes
