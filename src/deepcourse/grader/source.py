"""Reading nbgrader-format source notebooks: which cells are solutions, tests, manual or locked.

An instructor's source notebook is plain Jupyter JSON whose cells carry nbgrader's metadata
(schema 3) under ``metadata.nbgrader``: ``grade`` (the cell is graded), ``solution`` (students
write it), ``locked`` (students must not change it), ``grade_id`` (a unique name) and ``points``.
Inside cells, ``### BEGIN SOLUTION``/``### END SOLUTION`` mark the instructor's answer and
``### BEGIN HIDDEN TESTS``/``### END HIDDEN TESTS`` mark tests students never see.

Parsing uses the standard library's :mod:`json` (``import nbformat`` costs about a second here).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from deepcourse.grader.exceptions import AssignmentError

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
CODE_PROMPT = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_PROMPT = "YOUR ANSWER HERE"

_GRADE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class CellKind(StrEnum):
    """What a cell is for, derived from its nbgrader metadata."""

    SOLUTION = "solution"  # autograded answer: students write code here
    TEST = "test"  # autograded test: locked, worth points
    MANUAL = "manual"  # answer graded by a person (free text, a plot): goes to a queue
    LOCKED = "locked"  # instructions, imports, helpers: restored if edited


@dataclass(frozen=True)
class SourceCell:
    """One cell of the source notebook, as the grader sees it."""

    index: int
    grade_id: str
    cell_type: str  # "code" or "markdown"
    kind: CellKind
    source: str  # full instructor text (solutions and hidden tests included)
    points: float = 0.0

    @property
    def public_source(self) -> str:
        """What students see: solutions replaced by a prompt, hidden tests removed."""
        if self.kind is CellKind.TEST:
            return strip_hidden(self.source)[0]
        if self.kind in (CellKind.SOLUTION, CellKind.MANUAL):
            return replace_solution(self.source, self.cell_type)
        return self.source

    @property
    def hidden_source(self) -> str:
        """The hidden-test code of a test cell ('' if none)."""
        return strip_hidden(self.source)[1] if self.kind is CellKind.TEST else ""


@dataclass(frozen=True)
class SourceNotebook:
    """An instructor's assignment: its cells in order, and notebook-level settings."""

    path: str
    cells: tuple[SourceCell, ...]
    metadata: dict
    raw: dict  # the whole notebook JSON (kept to write the student version)

    @property
    def tests(self) -> tuple[SourceCell, ...]:
        return tuple(c for c in self.cells if c.kind is CellKind.TEST)

    @property
    def manual(self) -> tuple[SourceCell, ...]:
        return tuple(c for c in self.cells if c.kind is CellKind.MANUAL)

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.tests)

    def cell(self, grade_id: str) -> SourceCell:
        for c in self.cells:
            if c.grade_id == grade_id:
                return c
        raise KeyError(grade_id)


def _text(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _between(text: str, begin: str, end: str) -> tuple[list[str], list[str], bool]:
    """Split lines into (outside, inside) the ``begin``/``end`` markers."""
    outside: list[str] = []
    inside: list[str] = []
    depth_in = False
    found = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == begin:
            depth_in, found = True, True
            outside.append("\x00" + line[: len(line) - len(line.lstrip())])  # region placeholder
            continue
        if stripped == end:
            depth_in = False
            continue
        (inside if depth_in else outside).append(line)
    return outside, inside, found


def replace_solution(text: str, cell_type: str = "code") -> str:
    """Replace each solution region (or the whole cell, if unmarked) with the student prompt."""
    outside, _, found = _between(text, BEGIN_SOLUTION, END_SOLUTION)
    prompt = CODE_PROMPT if cell_type == "code" else TEXT_PROMPT
    if not found:
        return prompt
    lines: list[str] = []
    for line in outside:
        if line.startswith("\x00"):
            indent = line[1:]
            lines.extend(indent + p for p in prompt.splitlines())
        else:
            lines.append(line)
    return "\n".join(lines)


def strip_hidden(text: str) -> tuple[str, str]:
    """Split a test cell into (public code, hidden code)."""
    outside, inside, _ = _between(text, BEGIN_HIDDEN, END_HIDDEN)
    public = "\n".join(line for line in outside if not line.startswith("\x00"))
    return public.rstrip() + ("\n" if public.strip() else ""), "\n".join(inside)


def _kind(meta: dict, cell_type: str) -> CellKind:
    grade, solution = bool(meta.get("grade")), bool(meta.get("solution"))
    if solution and grade:  # nbgrader's "manually graded answer"
        return CellKind.MANUAL
    if solution:
        return CellKind.SOLUTION
    if grade:
        return CellKind.TEST if cell_type == "code" else CellKind.MANUAL
    if meta.get("task"):
        return CellKind.MANUAL
    return CellKind.LOCKED


def _refuse_markers_that_would_be_published(
    text: str, kind: CellKind, where: str, path: str, index: int
) -> None:
    """Solution or hidden-test markers only take effect in their kind of cell; anywhere else the
    student notebook would carry the text between them as it is."""
    lines = {line.strip() for line in text.splitlines()}
    for marker, kinds, fix in (
        (BEGIN_SOLUTION, (CellKind.SOLUTION, CellKind.MANUAL), "solution: true"),
        (BEGIN_HIDDEN, (CellKind.TEST,), "grade: true and points"),
    ):
        if marker in lines and kind not in kinds:
            raise AssignmentError(
                f"{where}: '{marker}' in a {kind} cell would be published to students as is; "
                f"set {fix} in its metadata.nbgrader, or remove the marker",
                path=path,
                cell=index,
            )


def parse_source(data: dict, path: str = "<source>") -> SourceNotebook:
    """Read an nbgrader-format notebook (already decoded JSON).

    Cells without nbgrader metadata become locked cells named ``cell-<index>``; a cell with both
    ``solution`` and ``grade`` is nbgrader's "manually graded answer" and goes to the manual queue.

    Raises:
        AssignmentError: not a notebook, a duplicate or malformed ``grade_id``, a test without
            points, or a test cell without ``grade_id``.
    """
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise AssignmentError(f"{path}: not a Jupyter notebook (no 'cells' list)", path=path)
    cells: list[SourceCell] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["cells"]):
        cell_type = raw.get("cell_type", "code")
        if cell_type == "raw":
            cell_type = "markdown"
        meta = (raw.get("metadata") or {}).get("nbgrader") or {}
        kind = _kind(meta, cell_type)
        grade_id = meta.get("grade_id") or f"cell-{index}"
        where = f"{path}: cell {index} ({grade_id})"
        if not _GRADE_ID.match(grade_id):
            raise AssignmentError(
                f"{where}: grade_id must be letters, digits, '_', '-', '.', got {grade_id!r}",
                path=path,
                cell=index,
            )
        if grade_id in seen:
            raise AssignmentError(
                f"{where}: duplicate grade_id {grade_id!r}", path=path, cell=index
            )
        seen.add(grade_id)
        points = float(meta.get("points") or 0)
        if kind is CellKind.TEST and points <= 0:
            raise AssignmentError(
                f"{where}: a graded test cell needs positive 'points' in metadata.nbgrader",
                path=path,
                cell=index,
            )
        text = _text(raw.get("source"))
        _refuse_markers_that_would_be_published(text, kind, where, path, index)
        cells.append(SourceCell(index, grade_id, cell_type, kind, text, points))
    return SourceNotebook(path, tuple(cells), data.get("metadata") or {}, data)


def load_source(path: str | Path) -> SourceNotebook:
    """Read and parse a source notebook from disk.

    Raises:
        AssignmentError: the file is missing, not UTF-8 JSON, or not a valid nbgrader source.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssignmentError(f"{p}: no such source notebook", path=str(p)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AssignmentError(f"{p}: not a UTF-8 JSON notebook ({exc})", path=str(p)) from None
    return parse_source(data, str(p))
