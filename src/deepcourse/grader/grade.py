"""Grading one submission: plan, run in the sandbox, compare in the grader, score.

A test cell scores its points when every step it ran (:mod:`testplan`) passed: each assert step
holds, as the grader evaluates it (:mod:`verdict`), each exec step raised nothing, and every
``check`` it made matches the expected value in the bundle. Statuses: ``passed``, ``failed`` (a
wrong value or a failed assertion), ``error`` (another exception, or the cell never ran because
the process died), ``timeout``, ``tampered`` (forged messages or values that are not plain data).

Feedback on a hidden test is its status and a fixed sentence written here: nothing the student's
code chose (an exception's name or text, a type's name, an exit status) reaches it.
"""

from __future__ import annotations

from pathlib import Path

from deepcourse.grader import support, wire
from deepcourse.grader.bundle import Bundle, Expected
from deepcourse.grader.compare import DEFAULT_ATOL, DEFAULT_RTOL, compare
from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.limits import Limits
from deepcourse.grader.pool import OneShot
from deepcourse.grader.results import CellOutput, ManualAnswer, Status, SubmissionResult, TestResult
from deepcourse.grader.runner import Outcome, PlannedCell, run_plan
from deepcourse.grader.sandbox import capabilities
from deepcourse.grader.submission import check_same_assignment, grading_plan, read_submission


class _Fail(Exception):
    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


#: The only sentences feedback on a hidden test can say.
HIDDEN = {
    Status.FAILED: "a hidden test failed",
    Status.ERROR: "a hidden test raised an error",
    Status.TIMEOUT: "a hidden test reached its time limit",
    Status.TAMPERED: "a hidden test was interfered with",
}


def _fail(status: Status, hidden: bool, message: str) -> _Fail:
    return _Fail(status, HIDDEN[status] if hidden else message[:2000])


def _check_outcome(outcome: Outcome, hidden: bool) -> None:
    if outcome.status == "ok":
        return
    if outcome.status == "timeout":
        raise _fail(Status.TIMEOUT, hidden, outcome.message or "the test reached its time limit")
    if outcome.status == "tampered":
        raise _fail(Status.TAMPERED, hidden, outcome.message)
    if outcome.status in ("died", "not-run"):
        raise _fail(Status.ERROR, hidden, outcome.message or "the test did not run")
    ename = outcome.error.get("ename", "Error")
    if ename in ("AssertionError", "UngradableValue"):
        detail = outcome.error.get("evalue") or _last_line(outcome.error.get("traceback", ""))
        raise _fail(Status.FAILED, hidden, "the test failed" + (f": {detail}" if detail else ""))
    evalue = outcome.error.get("evalue", "")
    raise _fail(Status.ERROR, hidden, (f"{ename}: {evalue}" if evalue else ename)[:500])


def _decode(value: object, hidden: bool, what: str):
    if isinstance(value, dict) and value.get("t") == "unsupported":
        raise _fail(Status.FAILED, hidden, f"{what}: {value.get('why', 'unsupported value')}"[:500])
    try:
        return wire.decode(value)
    except wire.WireError as exc:
        raise _fail(
            Status.TAMPERED, hidden, f"{what}: the value sent was not plain data ({exc})"
        ) from None


def _score_test(
    grade_id: str, points: float, items: list[tuple[PlannedCell, Outcome]], expected: list[Expected]
) -> TestResult:
    has_hidden = any(cell.hidden for cell, _ in items) or any(e.hidden for e in expected)
    try:
        if not items:
            raise _Fail(Status.ERROR, "the test did not run")
        actual: dict[tuple[str, int], object] = {}
        counts: dict[str, int] = {}  # numbered across the whole cell, as at release
        for cell, outcome in items:
            _check_outcome(outcome, cell.hidden)
            for entry in outcome.checks:  # capped per cell when read (runner)
                if not (isinstance(entry, list) and len(entry) >= 2 and isinstance(entry[0], str)):
                    raise _fail(Status.TAMPERED, cell.hidden, "a malformed check record was sent")
                n = counts[entry[0]] = counts.get(entry[0], 0) + 1
                actual.setdefault((entry[0], n), entry[1])
        seen: dict[str, int] = {}
        for exp in expected:
            n = seen[exp.name] = seen.get(exp.name, 0) + 1
            label = f"check {exp.name!r}"
            if (exp.name, n) not in actual:
                raise _fail(Status.FAILED, exp.hidden, f"{label} was never reached")
            value = _decode(actual[(exp.name, n)], exp.hidden, label)
            verdict = compare(
                wire.decode(exp.value),
                value,
                rtol=DEFAULT_RTOL if exp.rtol is None else exp.rtol,
                atol=DEFAULT_ATOL if exp.atol is None else exp.atol,
            )
            if not verdict.ok:
                raise _fail(Status.FAILED, exp.hidden, f"{label}: {verdict.message}")
    except _Fail as fail:
        return TestResult(grade_id, 0.0, points, fail.status, fail.message, has_hidden)
    return TestResult(grade_id, points, points, Status.PASSED, "", has_hidden)


def _outputs(plan: list[PlannedCell], outcomes: list[Outcome]) -> list[CellOutput]:
    """One output per executed cell; a test cell's public steps are joined into one."""
    shown: list[CellOutput] = []
    for cell, outcome in zip(plan, outcomes, strict=True):
        if cell.hidden:
            continue  # hidden tests print nothing a student sees
        error = ""
        if outcome.error:
            error = (
                outcome.error.get("traceback")
                or f"{outcome.error.get('ename')}: {outcome.error.get('evalue')}"
            )
        elif outcome.status != "ok":
            error = outcome.message
        out = CellOutput(
            cell.grade_id,
            outcome.status,
            outcome.stdout,
            outcome.stderr,
            outcome.result,
            error,
            outcome.dropped,
        )
        last = shown[-1] if shown else None
        if cell.test and last is not None and last.grade_id == cell.grade_id:
            first_bad = last.status if last.status != "ok" else out.status
            out = CellOutput(
                cell.grade_id,
                first_bad,
                last.stdout + out.stdout,
                last.stderr + out.stderr,
                out.result if out.result is not None else last.result,
                last.error or out.error,
                last.dropped + out.dropped,
            )
            shown[-1] = out
        else:
            shown.append(out)
    return shown


def score_outcomes(
    bundle: Bundle, plan: list[PlannedCell], outcomes: list[Outcome]
) -> list[TestResult]:
    """Turn executed cells into one :class:`TestResult` per test cell of the bundle."""
    per_test: dict[str, list[tuple[PlannedCell, Outcome]]] = {}
    for cell, outcome in zip(plan, outcomes, strict=True):
        if cell.test:
            per_test.setdefault(cell.grade_id, []).append((cell, outcome))
    return [
        _score_test(
            t.grade_id, t.points, per_test.get(t.grade_id, []), bundle.expected.get(t.grade_id, [])
        )
        for t in bundle.tests
    ]


def grade_submission(
    bundle: Bundle | str | Path,
    submission: str | Path,
    *,
    limits: Limits | dict | None = None,
    pool=None,
    name: str | None = None,
) -> SubmissionResult:
    """Grade one submitted notebook in a sandbox; never raises for a bad submission.

    Args:
        bundle: a :class:`Bundle`, a ``.bundle.json`` path, or a source ``.ipynb`` (its
            expected values are then computed first, in a sandbox).
        submission: the student's ``.ipynb``.
        limits: overrides of the assignment's limits (a :class:`Limits` or a dict of fields).
        pool: a :class:`~deepcourse.grader.pool.WorkerPool` of warm workers (batch grading),
            made with the bundle's supporting files (``assignment_dir``).
        name: how the submission is named in the result (default: the path).

    Returns:
        A :class:`SubmissionResult`; a file that cannot be graded gets score 0 and ``error``.
    """
    if not isinstance(bundle, Bundle):
        bundle = load_bundle(bundle, limits=limits)
    effective = bundle.effective_limits(limits)
    label = name or str(submission)
    warnings_ = capabilities().missing()
    try:
        student = read_submission(submission)
        check_same_assignment(student, bundle.cells, bundle.name)
    except SubmissionError as exc:
        return SubmissionResult(
            label, 0.0, bundle.max_score, error=exc.message, sandbox_warnings=warnings_
        )
    plan = grading_plan(bundle.cells, student, bundle.steps)
    with support.materialized(bundle.files if pool is None else {}) as folder:
        runner_pool = pool or OneShot(
            limits=effective, preload=bundle.preload, assignment_dir=folder
        )
        outcomes, run_notes = run_plan(plan.cells, pool=runner_pool, limits=effective)
    tests = score_outcomes(bundle, plan.cells, outcomes)
    by_id = {c.grade_id: c for c in bundle.cells}
    return SubmissionResult(
        submission=label,
        score=sum(t.score for t in tests),
        max_score=bundle.max_score,
        tests=tests,
        notes=plan.notes + run_notes,
        manual=[ManualAnswer(gid, by_id[gid].points, text) for gid, text in plan.manual.items()],
        outputs=_outputs(plan.cells, outcomes),
        sandbox_warnings=warnings_,
    )


def load_bundle(source: str | Path, *, limits: Limits | dict | None = None) -> Bundle:
    """A bundle from a ``.bundle.json`` file, or built from a source ``.ipynb``."""
    from deepcourse.grader.release import build_bundle

    path = Path(source)
    if path.suffix == ".json":
        return Bundle.load(path)
    return build_bundle(path, limits=limits)
