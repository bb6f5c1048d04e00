"""Reading a student's notebook defensively and lining it up with the assignment.

The grader trusts nothing in the file but the text of the cells students are meant to write.
Locked cells and tests come from the bundle; a locked cell that was edited, deleted or re-typed
is restored, and the feedback says so. Cells a student added, and the assignment's ordinary cells
(no nbgrader role: students may edit them, as in nbgrader), run as the student left them, where
they stand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.limits import MiB
from deepcourse.grader.runner import PlannedCell
from deepcourse.grader.source import IDENTIFIED, CellKind, SourceCell
from deepcourse.grader.testplan import Step, compile_test, module_aliases

MAX_SUBMISSION_BYTES = 64 * MiB


@dataclass(frozen=True)
class StudentCell:
    grade_id: str | None
    cell_type: str
    source: str


def read_submission(
    path: str | Path, *, max_bytes: int = MAX_SUBMISSION_BYTES
) -> list[StudentCell]:
    """Parse a submitted ``.ipynb`` (outputs are ignored).

    Raises:
        SubmissionError: missing, too large, not UTF-8, not JSON, or not a Jupyter notebook.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise SubmissionError(f"cannot read the submission: {exc.strerror}", path=str(p)) from None
    if size > max_bytes:
        raise SubmissionError(
            f"the file is {size / MiB:.0f} MiB, over the {max_bytes / MiB:.0f} MiB limit: clear the "
            "outputs (Kernel > Restart & Clear Output) and submit again",
            path=str(p),
        )
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SubmissionError(
            f"the file is not UTF-8 text (byte {exc.start}): submit the .ipynb that Jupyter saved",
            path=str(p),
        ) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # also too deep, or an int over 4300 digits
        why = f"{exc.msg} at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else exc
        raise SubmissionError(
            f"the file is not JSON ({str(why)[:200]}): submit the .ipynb that Jupyter saved, "
            "not an export",
            path=str(p),
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise SubmissionError(
            "the file is JSON but not a Jupyter notebook (no 'cells' list)", path=str(p)
        )
    cells: list[StudentCell] = []
    for raw in data["cells"]:
        if not isinstance(raw, dict):
            continue
        src = raw.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        elif not isinstance(src, str):
            src = ""
        meta = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        nb = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        gid = nb.get("grade_id") if isinstance(nb.get("grade_id"), str) else None
        cell_type = (
            raw.get("cell_type") if raw.get("cell_type") in ("code", "markdown", "raw") else "raw"
        )
        cells.append(StudentCell(gid, cell_type, src))
    return cells


@dataclass
class Plan:
    cells: list[PlannedCell]
    notes: list[str]
    manual: dict[str, str]  # grade_id -> the student's answer


def planned_test(cell: SourceCell, steps: list[Step]) -> list[PlannedCell]:
    """What a test cell runs, at release and when grading alike: its steps, in order, hidden
    ones where they stand (:mod:`testplan`)."""
    return [
        PlannedCell(cell.grade_id, step.source, test=True, hidden=step.hidden, step=step)
        for step in steps
    ]


def test_steps(cells) -> dict[str, list[Step]]:
    """Every test cell's steps (testplan), with the notebook's imports to resolve names."""
    modules, imported = module_aliases([c.source for c in cells if c.cell_type == "code"])
    return {
        c.grade_id: compile_test(c.source, modules=modules, imported=imported)
        for c in cells
        if c.kind is CellKind.TEST
    }


def grading_plan(
    source_cells: list[SourceCell],
    student: list[StudentCell],
    steps: dict[str, list[Step]] | None = None,
) -> Plan:
    """Decide what runs: the student's answers and their own cells, everything else from the
    source.

    Cells with an nbgrader role are matched by ``grade_id``. Every other cell of the submission
    (ordinary cells of the assignment, which students may edit as nbgrader lets them, and cells
    they added) runs as the student left it, where it stands: after the matched cell before it.
    A task's answer, for the manual queue, is the student's cells between the task and the next
    matched cell. Test cells run where they stand, as the steps the bundle holds (``steps``:
    grade_id -> steps), so no expected value and no whole hidden test is ever sent to the sandbox.
    """
    if steps is None:  # the plan's shape only: constants have no values without a release
        steps = test_steps(source_cells)
    known = {c.grade_id: c for c in source_cells if c.kind in IDENTIFIED}
    by_id: dict[str, StudentCell] = {}
    extras: dict[str | None, list[StudentCell]] = {}
    anchor: str | None = None
    notes: list[str] = []
    for cell in student:
        if cell.grade_id == "deepcourse-check":  # the student-side stand-in for check()
            continue
        if cell.grade_id in known:
            if cell.grade_id in by_id:
                notes.append(f"cell {cell.grade_id} appears twice: the first copy was graded")
                continue
            by_id[cell.grade_id] = cell
            anchor = cell.grade_id
        else:
            extras.setdefault(anchor, []).append(cell)

    def own(after: str | None) -> list[PlannedCell]:
        return [
            PlannedCell("added-cell", c.source)
            for c in extras.get(after, [])
            if c.cell_type == "code" and c.source.strip()
        ]

    plan: list[PlannedCell] = own(None)
    manual: dict[str, str] = {}
    for src in source_cells:
        if src.kind not in IDENTIFIED:
            continue  # an ordinary cell: the student's copy runs among their own cells
        mine = by_id.get(src.grade_id)
        if src.kind in (CellKind.SOLUTION, CellKind.MANUAL):
            if mine is None:
                notes.append(f"answer cell {src.grade_id} was deleted: graded as empty")
                text = ""
            elif mine.cell_type != src.cell_type:
                notes.append(
                    f"answer cell {src.grade_id} was changed from {src.cell_type} to "
                    f"{mine.cell_type}: graded as empty"
                )
                text = ""
            else:
                text = mine.source
            if src.kind is CellKind.MANUAL:
                manual[src.grade_id] = text
            if src.cell_type == "code":
                plan.append(PlannedCell(src.grade_id, text))
        else:
            expected = src.public_source
            what = "task" if src.kind is CellKind.TASK else "locked"
            if mine is None:
                notes.append(
                    f"{what} cell {src.grade_id} was deleted: restored from the assignment"
                )
            elif mine.cell_type != src.cell_type:
                notes.append(
                    f"{what} cell {src.grade_id} was re-typed to {mine.cell_type}: restored"
                )
            elif mine.source.strip() != expected.strip():
                notes.append(f"{what} cell {src.grade_id} was edited: restored from the assignment")
            if src.kind is CellKind.TASK:
                answer = [c.source for c in extras.get(src.grade_id, []) if c.source.strip()]
                manual[src.grade_id] = "\n\n".join(answer) if mine is not None else ""
            if src.cell_type == "code":
                if src.kind is CellKind.TEST:
                    plan.extend(planned_test(src, steps.get(src.grade_id, [])))
                else:
                    plan.append(PlannedCell(src.grade_id, expected))
        plan.extend(own(src.grade_id))
    return Plan(plan, notes, manual)
