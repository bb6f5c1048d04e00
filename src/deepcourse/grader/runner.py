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

from deepcourse.grader import wire
from deepcourse.grader.compare import short
from deepcourse.grader.exceptions import SandboxError, WorkerDied
from deepcourse.grader.limits import Limits, MiB
from deepcourse.grader.results import SANDBOX_START_FAILED
from deepcourse.grader.sanitize import clean_message
from deepcourse.grader.testplan import Step, nodes
from deepcourse.grader.verdict import Evaluation, Ungradable

MAX_RESTARTS = 4
FORGED = "the cell wrote forged messages to the grader's channel"


@dataclass(frozen=True)
class PlannedCell:
    """One piece of code the grader sends: a student cell, a locked cell or a test step.

    A test cell is several planned cells, one per step (:mod:`testplan`); an ``assert`` step's
    ``code`` is never sent when grading, only the sandbox leaves of its tree.
    """

    grade_id: str
    code: str
    test: bool = False
    hidden: bool = False
    step: Step | None = None


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
    message: str = ""
    sandbox_fallback: bool = False  # release: an assert whose values cannot cross, run as code


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
    return Outcome(
        status=status if status in ("ok", "error", "timeout") else "tampered",
        error=error,
        stdout=text(reply.get("stdout"), cap),
        stderr=clean_message(text(reply.get("stderr"), cap)),
        result=text(result, cap) if isinstance(result, str) else None,
        dropped=dropped + extra,
        checks=checks[:MAX_CHECKS_PER_CELL],
        message="the cell reached its time limit" if status == "timeout" else "",
    )


class _Forged(Exception):
    """A reply with a stale nonce in the middle of an assert step: the step forged it."""


class _FirstReplyForged(_Forged):
    """A stale nonce on a step's first reply: the cell before wrote the extra frame."""


def run_assertion(
    worker, step: Step, timeout: float, constants: bool, limits: Limits | None = None
) -> Outcome:
    """Decide one assert step: its sandbox leaves are evaluated one request each, the rest here.

    Raises what ``worker.request`` raises (a dead or silent worker), and :class:`_Forged`.
    """
    stdout: list[str] = []
    stderr: list[str] = []
    dropped = 0
    requests = 0

    def ask(src: str, mode: str) -> object:
        return wire.decode(fetch(src, mode))

    def fetch(src: str, mode: str) -> dict:
        nonlocal dropped, requests
        reply = worker.request(
            {"op": "eval", "expr": src, "as": mode, "test": True}, timeout=timeout
        )
        requests += 1
        if not reply.get("nonce_ok"):
            raise _FirstReplyForged() if requests == 1 else _Forged()
        out = _from_reply(reply, limits)
        stdout.append(out.stdout)
        stderr.append(out.stderr)
        dropped += out.dropped
        if out.status != "ok":
            raise _LeafFailed(out)
        value = reply.get("value")
        if isinstance(value, dict) and value.get("t") == "unsupported":
            kind = value.get("type")
            what = f"a {str(kind)[:100]}" if isinstance(kind, str) and kind != "?" else "a value"
            raise Ungradable(src, f"{what}, which the grader cannot compare")
        if not isinstance(value, dict):
            raise wire.WireError("no value")
        return value

    def const(node: dict) -> object:
        if "value" not in node:
            if not constants:
                raise RuntimeError("a constant without its value when grading")  # a bug
            try:
                raw = fetch(node["src"], "value")
            except Ungradable:
                raise _NoPlainData() from None
            value = wire.decode(raw)
            node["value"] = raw
            return value
        return wire.decode(node["value"])

    evaluation = Evaluation(ask, const)

    def finish(status: str, error: dict | None = None, message: str = "") -> Outcome:
        return Outcome(
            status,
            error=error or {},
            stdout="".join(stdout),
            stderr="".join(stderr),
            dropped=dropped,
            message=message,
        )

    try:
        holds = evaluation.holds(step.tree)
        if constants:  # every constant a later submission might need, not just this path's
            for node in nodes(step.tree, "const"):
                const(node)
    except (SandboxError, WorkerDied, TimeoutError, _Forged):
        raise  # the worker's state is unknown: run_plan decides
    except _LeafFailed as failed:
        return finish(failed.outcome.status, failed.outcome.error, failed.outcome.message)
    except _NoPlainData:
        return _in_sandbox(worker, step, timeout)
    except Ungradable as exc:
        if constants:
            return _in_sandbox(worker, step, timeout)
        return finish("error", {"ename": "UngradableValue", "evalue": f"{exc.src} is {exc.why}"})
    except wire.WireError as exc:
        return finish("tampered", message=f"the value sent was not plain data ({exc})")
    except AssertionError as exc:  # nose's and numpy.testing's assertion functions
        return finish("error", {"ename": "AssertionError", "evalue": str(exc)[:2000]})
    except Exception as exc:  # noqa: BLE001 - what Python raises evaluating the assertion
        return finish("error", {"ename": type(exc).__name__, "evalue": str(exc)[:500]})
    if holds:
        return finish("ok")
    message = ""
    if step.message is not None:
        try:
            text = evaluation(step.message)
            message = text if isinstance(text, str) else short(text)
        except Exception:  # noqa: BLE001 - a failing message does not change the verdict
            message = ""
    seen = evaluation.describe()
    detail = step.source.strip().splitlines()[0][:300]
    detail += f" ({seen})" if seen else ""
    detail += f": {message[:500]}" if message else ""
    return finish("error", {"ename": "AssertionError", "evalue": detail})


class _LeafFailed(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.status)
        self.outcome = outcome


class _NoPlainData(Exception):
    """At release: a constant that cannot be stored as plain data."""


def _in_sandbox(worker, step: Step, timeout: float) -> Outcome:
    """At release: an assertion over values that cannot cross as plain data is decided by
    running it as code (release warns: the sandbox decides it)."""
    step.kind, step.tree, step.message, step.sandbox_verdict = "exec", None, None, True
    reply = worker.run(step.source, timeout=timeout, test=True)
    if not reply.get("nonce_ok"):
        raise _Forged()
    outcome = _from_reply(reply)
    outcome.sandbox_fallback = True
    return outcome


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


def run_plan(
    plan: list[PlannedCell], *, pool, limits: Limits, constants: bool = False
) -> tuple[list[Outcome], list[str]]:
    """Execute ``plan`` and return one :class:`Outcome` per cell, and notes on restarts.

    ``pool`` is anything with ``acquire() -> Worker`` (:mod:`deepcourse.grader.pool`).
    ``constants``: evaluate the assert steps' constants in the sandbox and record them in the
    steps (at release, with the instructor's solution); when grading they come from the bundle.
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
                timeout = min(limits.cell_seconds, left)
                reply = None
                try:
                    if cell.step is not None and cell.step.kind == "const" and not constants:
                        outcomes[i] = Outcome("ok")  # lives in the bundle: never sent
                        continue
                    if cell.step is not None and cell.step.kind == "assert":
                        outcomes[i] = run_assertion(worker, cell.step, timeout, constants, limits)
                        previous = i
                        continue
                    reply = worker.run(cell.code, timeout=timeout, test=cell.test)
                except _FirstReplyForged:
                    reply = {"nonce_ok": False}
                except _Forged:
                    fatal[i] = Outcome("tampered", message=FORGED)
                except TimeoutError:
                    fatal[i] = Outcome(
                        "timeout", message="the cell reached its time limit and was stopped"
                    )
                except WorkerDied as exc:
                    fatal[i] = Outcome("died", message=str(exc))
                except SandboxError as exc:
                    fatal[i] = Outcome("tampered", message=f"protocol violation: {exc}")
                if reply is not None:
                    if reply.get("nonce_ok"):
                        outcomes[i] = _from_reply(reply, limits)
                        previous = i
                        continue
                    # A reply to an earlier request: the previous cell wrote an extra, forged
                    # frame that was taken as its reply. Blame it, and replay without it.
                    i = previous if previous is not None else i
                    outcomes.pop(i, None)
                    fatal[i] = Outcome("tampered", message=FORGED)
                killed_at = i
                break
            else:
                # Nothing reads after the last cell: a fresh nonce whose answer must be the very
                # next frame shows that the last reply was the worker's own.
                if previous is not None and not worker.sync(timeout=10.0):
                    outcomes.pop(previous, None)
                    fatal[previous] = Outcome("tampered", message=FORGED)
                    killed_at = previous
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
        culprit = plan[killed_at]
        why = (
            "a hidden test stopped the notebook's process"  # nothing it chose may show
            if culprit.hidden
            else fatal[killed_at].message
        )
        notes.append(f"cell {culprit.grade_id}: {why}; the notebook was re-run without it")
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
    notes.extend(cap_submission_output(final))  # after every reply was cut per cell
    return final, notes
