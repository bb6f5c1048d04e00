"""Releasing an assignment: the student notebook, the private bundle, the manual-grading queue."""

from __future__ import annotations

import copy
import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from deepcourse.grader import autotest, support
from deepcourse.grader.bundle import Bundle, Expected, assignment_settings, source_digest
from deepcourse.grader.exceptions import AssignmentError, SolutionFailsTests
from deepcourse.grader.limits import Limits
from deepcourse.grader.pool import OneShot
from deepcourse.grader.runner import PlannedCell, run_plan
from deepcourse.grader.source import CHECK_CELL_ID, CellKind, SourceNotebook, load_source
from deepcourse.grader.submission import cell_steps, planned_test
from deepcourse.grader.testplan import Step


@dataclass(frozen=True)
class Release:
    student_notebook: Path
    bundle_path: Path
    manual_queue: Path
    bundle: Bundle
    warnings: tuple[str, ...] = ()


def assignment_name(path: str | Path) -> str:
    stem = Path(path).stem
    return stem[: -len("-source")] if stem.endswith("-source") else stem


def _solution_plan(notebook: SourceNotebook, steps: dict[str, list[Step]]) -> list[PlannedCell]:
    plan: list[PlannedCell] = []
    for c in notebook.cells:
        if c.cell_type != "code":
            continue
        if c.kind is CellKind.TEST:
            plan.extend(planned_test(c, steps[c.grade_id]))
        else:
            plan.append(PlannedCell(c.grade_id, c.source))
    return plan


def _describe(outcome) -> str:
    if outcome.error:
        return (
            outcome.error.get("traceback")
            or f"{outcome.error.get('ename')}: {outcome.error.get('evalue')}"
        )
    return outcome.message or outcome.status


def build_bundle(
    source: str | Path,
    *,
    limits: Limits | dict | None = None,
    exclude: tuple[str | Path, ...] = (),
) -> Bundle:
    """Run the source's solutions and tests in a sandbox and record the expected values.

    The source's supporting files (:mod:`support`; ``exclude``: folders not to take) go into
    the bundle and are in the sandbox's working folder, with ``NBGRADER_EXECUTION=validate``.
    nbgrader's ``### AUTOTEST`` directives are first instantiated into asserts with the course's
    ``autotests.yml`` (:mod:`autotest`, one more run of the solution); the bundle's cells hold
    the instantiated tests.

    Raises:
        AssignmentError: the source is malformed or a non-test cell fails.
        SolutionFailsTests: a test fails against the instructor's own solution.
    """
    notebook = load_source(source)
    settings, preload = assignment_settings(notebook)
    files = support.collect(source, notebook.metadata, exclude=exclude)
    bundle = Bundle(
        assignment_name(source),
        source_digest(notebook, files),
        list(notebook.cells),
        {},
        settings,
        preload,
        files=files,
    )
    effective = bundle.effective_limits(limits)
    with support.materialized(files) as folder:
        pool = OneShot(
            limits=effective, preload=preload, assignment_dir=folder, execution="validate"
        )
        # nbgrader's AUTOTEST directives become ordinary tests first (a run of the solution)
        instantiated = autotest.instantiate(notebook, source, pool, effective.cell_seconds)
        if instantiated is not notebook:
            notebook = instantiated
            bundle.cells = list(notebook.cells)
            bundle.source_sha256 = source_digest(notebook, files)
        bundle.steps = cell_steps(notebook.cells)
        plan = _solution_plan(notebook, bundle.steps)
        outcomes, _ = run_plan(plan, pool=pool, limits=effective, constants=True)
    public_names: dict[str, set[str]] = {}
    for cell, outcome in zip(plan, outcomes, strict=True):
        if outcome.status != "ok":
            err = SolutionFailsTests if cell.test else AssignmentError
            where = f"cell {cell.grade_id}"
            if cell.step is not None:
                where += f", line {cell.step.line} ({cell.step.first_line})"
            raise err(
                f"{source}: the solution fails at {where}: {_describe(outcome)}",
                grade_id=cell.grade_id,
                detail=_describe(outcome),
            )
        if not cell.test:
            continue
        for name, value, tol in outcome.checks:
            if value.get("t") == "unsupported":
                raise AssignmentError(
                    f"{source}: check({name!r}) in {cell.grade_id}: {value.get('why')}",
                    grade_id=cell.grade_id,
                )
            if not cell.hidden:
                public_names.setdefault(cell.grade_id, set()).add(name)
            tol = tol if isinstance(tol, dict) else {}
            bundle.expected.setdefault(cell.grade_id, []).append(
                Expected(name, value, tol.get("rtol"), tol.get("atol"), cell.hidden)
            )
    for gid, names in public_names.items():
        clash = names & {e.name for e in bundle.expected.get(gid, []) if e.hidden}
        if clash:  # numbered apart, they would be compared with each other's values
            raise AssignmentError(
                f"{source}: check({sorted(clash)[0]!r}) in {gid} is used by both a public and a "
                "hidden test: give the hidden one its own name",
                grade_id=gid,
            )
    return bundle


def release_warnings(bundle: Bundle) -> tuple[str, ...]:
    """Where a verdict is decided inside the sandbox, or hidden test text enters it."""
    warnings: list[str] = []
    for t in bundle.tests:
        steps = bundle.steps.get(t.grade_id, [])
        graded = any(s.kind == "assert" for s in steps) or bundle.expected.get(t.grade_id)
        if not graded:
            warnings.append(
                f"test {t.grade_id} has no check() and no assert the grader can evaluate: its "
                "verdict is decided inside the sandbox, where student code can forge it (see "
                "docs/grader-threat-model.md)"
            )
            continue
        for s in steps:
            first = s.first_line
            if s.kind == "exec" and s.sandbox_verdict:
                warnings.append(
                    f"test {t.grade_id}, line {s.line} ({first}): decided inside the sandbox "
                    "(an assert or raise inside a block, or values that cannot cross as plain "
                    "data); write it as a top-level assert or check() to have the grader decide"
                )
            if s.kind == "exec" and s.leaks_constant:
                warnings.append(
                    f"hidden test {t.grade_id}, line {s.line} ({first}): this code runs in the "
                    "sandbox as text, with a constant in it that student code can read"
                )
    return tuple(warnings)


CHECK_CELL = (
    "# Provided by the course: check(name, value) hands a value to the autograder, which compares\n"
    "# it with the reference answer. Here, on your machine, it only shows the value.\n"
    "def check(name, value, **tolerance):\n"
    '    print(f"check {name}: {value!r}")\n'
)


def student_notebook(notebook: SourceNotebook) -> dict:
    """The student version: solutions replaced by prompts, hidden tests removed, locks set.

    As nbgrader's ``generate_assignment`` does: tests, task and locked cells become read-only and
    undeletable, answer cells undeletable; ordinary cells (no nbgrader role) are left as they
    are, editable and without an id. A locked first code cell defines ``check`` so that public
    tests run in the student's own Jupyter; the grader ignores that cell and supplies its own
    ``check``.
    """
    data = copy.deepcopy(notebook.raw)
    for raw, cell in zip(data["cells"], notebook.cells, strict=True):
        text = cell.public_source
        raw["source"] = text.splitlines(keepends=True)
        if raw.get("cell_type") == "code":
            raw["outputs"] = []
            raw["execution_count"] = None
        if cell.kind is CellKind.PLAIN:
            continue
        meta = raw.setdefault("metadata", {})
        nb = meta.setdefault("nbgrader", {"schema_version": 3})
        nb["grade_id"] = cell.grade_id
        nb.setdefault("schema_version", 3)
        locked = cell.kind in (CellKind.TEST, CellKind.LOCKED, CellKind.TASK)
        nb["locked"] = locked
        nb.setdefault("solution", cell.kind in (CellKind.SOLUTION, CellKind.MANUAL))
        nb.setdefault("grade", cell.kind in (CellKind.TEST, CellKind.MANUAL))
        meta["deletable"] = False
        if locked:
            meta["editable"] = False
    data.get("metadata", {}).pop("deepcourse", None)
    if any("check(" in c.public_source for c in notebook.tests):
        data["cells"].insert(
            0,
            {
                "cell_type": "code",
                "id": CHECK_CELL_ID,
                "metadata": {
                    "editable": False,
                    "deletable": False,
                    "nbgrader": {
                        "schema_version": 3,
                        "grade_id": CHECK_CELL_ID,
                        "locked": True,
                        "solution": False,
                        "grade": False,
                    },
                },
                "source": CHECK_CELL.splitlines(keepends=True),
                "outputs": [],
                "execution_count": None,
            },
        )
    return data


def release_assignment(
    source: str | Path, out_dir: str | Path, *, limits: Limits | dict | None = None
) -> Release:
    """Write ``<name>.ipynb`` and the supporting files (students), ``<name>.bundle.json`` and
    ``<name>.manual.json`` (staff).

    Raises:
        AssignmentError, SolutionFailsTests: see :func:`build_bundle`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bundle = build_bundle(source, limits=limits, exclude=(out,))
    # the cells as the bundle holds them (AUTOTEST directives instantiated)
    notebook = dataclasses.replace(load_source(source), cells=tuple(bundle.cells))
    name = bundle.name
    student = out / f"{name}.ipynb"
    clash = {student.name, f"{name}.bundle.json", f"{name}.manual.json"} & set(bundle.files)
    if clash:
        raise AssignmentError(
            f"{source}: the supporting file {sorted(clash)[0]!r} has the name of a released "
            "file; rename it",
            path=str(source),
        )
    support.write(bundle.files, out)
    student.write_text(
        json.dumps(student_notebook(notebook), indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    bundle_path = bundle.save(out / f"{name}.bundle.json")
    manual = out / f"{name}.manual.json"
    manual.write_text(
        json.dumps(
            [
                {
                    "grade_id": c.grade_id,
                    "kind": str(c.kind),
                    "points": c.points,
                    "cell_type": c.cell_type,
                    # a task's answer is in the student's cells after it; this is the question
                    "prompt": c.public_source,
                }
                for c in notebook.manual
            ],
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return Release(
        student, bundle_path, manual, bundle, notebook.warnings + release_warnings(bundle)
    )
