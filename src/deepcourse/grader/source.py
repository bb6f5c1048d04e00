"""Reading nbgrader-format source notebooks: which cells are solutions, tests, manual or locked.

An instructor's source notebook is plain Jupyter JSON whose cells carry nbgrader's metadata
(schema 3, see :mod:`schema`) under ``metadata.nbgrader``: ``grade`` (the cell is graded),
``solution`` (students write it), ``locked`` (students must not change it), ``task`` (a question
answered in the cells after it, graded by hand), ``grade_id`` (a unique name) and ``points``.
Inside cells, lines holding ``BEGIN SOLUTION``/``END SOLUTION`` mark the instructor's answer,
``BEGIN HIDDEN TESTS``/``END HIDDEN TESTS`` tests students never see and ``BEGIN MARK
SCHEME``/``END MARK SCHEME`` a task's marking scheme (matched as nbgrader 0.9 matches them:
anywhere in the line).

Cells without nbgrader metadata, or with every flag false, are what nbgrader makes of them:
ordinary cells (:attr:`CellKind.PLAIN`) that students may edit, never locked, never given an id.

Parsing uses the standard library's :mod:`json` (``import nbformat`` costs about a second here).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from deepcourse.grader import schema
from deepcourse.grader.exceptions import AssignmentError

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
BEGIN_MARK_SCHEME = "BEGIN MARK SCHEME"
END_MARK_SCHEME = "END MARK SCHEME"
AUTOTEST = "AUTOTEST"
CODE_PROMPT = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_PROMPT = "YOUR ANSWER HERE"
#: ids the grader uses itself (the student-side ``check`` cell); no author may take them.
#: The locked cell release puts first, defining ``check`` for students (the grader skips it).
CHECK_CELL_ID = "deepcourse-check"
RESERVED_IDS = frozenset({CHECK_CELL_ID, "added-cell"})
MAX_GRADE_ID = 100


class CellKind(StrEnum):
    """What a cell is for, derived from its nbgrader metadata."""

    SOLUTION = "solution"  # autograded answer: students write code here
    TEST = "test"  # autograded test: locked, worth points (0 allowed)
    MANUAL = "manual"  # answer graded by a person (free text, a plot): goes to a queue
    TASK = "task"  # a question answered in the cells after it, graded by a person; locked
    LOCKED = "locked"  # instructions, imports, helpers: restored if edited
    PLAIN = "plain"  # no nbgrader role: students may edit it; their copy runs where it stands


#: Kinds whose cells the student notebook carries with a grade_id, matched when grading.
IDENTIFIED = frozenset(
    {CellKind.SOLUTION, CellKind.TEST, CellKind.MANUAL, CellKind.TASK, CellKind.LOCKED}
)


@dataclass(frozen=True)
class SourceCell:
    """One cell of the source notebook, as the grader sees it.

    ``grade_id`` of a :attr:`CellKind.PLAIN` cell is only the grader's own label (for
    messages); it is never written into the student notebook nor looked up in a submission.
    """

    index: int
    grade_id: str
    cell_type: str  # "code", "markdown" or "raw"
    kind: CellKind
    source: str  # full instructor text (solutions and hidden tests included)
    points: float = 0.0

    @property
    def public_source(self) -> str:
        """What students see: solutions replaced by a prompt, hidden tests and marking schemes
        removed."""
        if self.kind is CellKind.TEST:
            return strip_hidden(self.source)[0]
        if self.kind in (CellKind.SOLUTION, CellKind.MANUAL):
            return replace_solution(self.source, self.cell_type)
        if self.kind is CellKind.TASK:
            return strip_mark_scheme(self.source)
        return self.source


@dataclass(frozen=True)
class SourceNotebook:
    """An instructor's assignment: its cells in order, and notebook-level settings."""

    path: str
    cells: tuple[SourceCell, ...]
    metadata: dict
    raw: dict  # the notebook JSON, its nbgrader metadata upgraded to schema 3
    warnings: tuple[str, ...] = ()

    @property
    def tests(self) -> tuple[SourceCell, ...]:
        return tuple(c for c in self.cells if c.kind is CellKind.TEST)

    @property
    def manual(self) -> tuple[SourceCell, ...]:
        return tuple(c for c in self.cells if c.kind in (CellKind.MANUAL, CellKind.TASK))

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.tests)

    def cell(self, grade_id: str) -> SourceCell:
        for c in self.cells:
            if c.grade_id == grade_id:
                return c
        raise KeyError(grade_id)


def _text(source: object) -> str:
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


class MarkerError(ValueError):
    """Region markers that do not pair up (nested, or never closed)."""


def _between(text: str, begin: str, end: str) -> tuple[list[str], list[str], bool]:
    """Split lines into (outside, inside) the ``begin``/``end`` markers, as nbgrader does: a
    line containing ``begin`` opens a region, one containing ``end`` closes it; both marker
    lines are dropped, and the region is left as a placeholder line in ``outside``.

    Raises:
        MarkerError: a region opened inside another, or never closed.
    """
    outside: list[str] = []
    inside: list[str] = []
    in_region = False
    found = False
    for line in text.splitlines():
        if begin in line:
            if in_region:
                raise MarkerError(f"'{begin}' inside an open '{begin}' region")
            in_region, found = True, True
            outside.append("\x00" + line[: len(line) - len(line.lstrip())])  # region placeholder
        elif end in line:
            in_region = False
        else:
            (inside if in_region else outside).append(line)
    if in_region:
        raise MarkerError(f"'{begin}' without a matching '{end}'")
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


def strip_mark_scheme(text: str) -> str:
    """A task cell without its marking scheme (what students see)."""
    outside, _, _ = _between(text, BEGIN_MARK_SCHEME, END_MARK_SCHEME)
    return "\n".join(line for line in outside if not line.startswith("\x00"))


def _kind(meta: dict | None) -> CellKind:
    if not meta:
        return CellKind.PLAIN
    grade, solution = bool(meta.get("grade")), bool(meta.get("solution"))
    if solution and grade:  # nbgrader's "manually graded answer"
        return CellKind.MANUAL
    if solution:
        return CellKind.SOLUTION
    if grade:
        return CellKind.TEST  # a markdown grade cell that is no solution is refused earlier
    if meta.get("task"):
        return CellKind.TASK
    if meta.get("locked"):
        return CellKind.LOCKED
    return CellKind.PLAIN


def _check_markers(text: str, kind: CellKind, cell_type: str) -> None:
    """Markers only take effect in their kind of cell; anywhere else the student notebook would
    carry the text between them as it is (nbgrader refuses these too)."""
    for begin, end, kinds, fix in (
        (BEGIN_SOLUTION, END_SOLUTION, (CellKind.SOLUTION, CellKind.MANUAL), "solution: true"),
        (BEGIN_HIDDEN, END_HIDDEN, (CellKind.TEST,), "grade: true and points"),
        (BEGIN_MARK_SCHEME, END_MARK_SCHEME, (CellKind.TASK,), "task: true"),
    ):
        _, _, found = _between(text, begin, end)  # raises on nested or unclosed regions
        if found and kind not in kinds:
            raise ValueError(
                f"'{begin}' in a {kind} cell would be published to students as is; set {fix} "
                "in its metadata.nbgrader, or remove the marker"
            )
    if (
        cell_type == "code"
        and kind is not CellKind.TEST
        and any(AUTOTEST in line and line.strip().startswith("#") for line in text.splitlines())
    ):
        # nbgrader refuses these too; in a test cell they are instantiated at release (autotest.py)
        raise ValueError(
            "'### AUTOTEST' directives are only read in autograded test cells (they would be "
            "comments here); set grade: true and points in its metadata.nbgrader, or remove them"
        )


def _upgraded_metadata(data: dict, path: str) -> tuple[list[dict | None], list[str]]:
    """Each cell's nbgrader metadata at schema 3 (``None``: an ordinary cell), written back into
    ``data``, and the indexes of the cells that were upgraded."""
    metas: list[dict | None] = []
    upgraded: list[str] = []
    for index, raw in enumerate(data["cells"]):
        if not isinstance(raw, dict):
            raise AssignmentError(f"{path}: cell {index} is not a JSON object", path=path)
        cell_type = raw.get("cell_type")
        if cell_type not in ("code", "markdown", "raw"):
            raise AssignmentError(
                f"{path}: cell {index} has cell_type {cell_type!r} (code, markdown or raw)",
                path=path,
                cell=index,
            )
        meta = raw.get("metadata")
        if not isinstance(meta, dict) or "nbgrader" not in meta:
            metas.append(None)
            continue
        nb = meta["nbgrader"]
        where = f"{path}: cell {index}"
        if not isinstance(nb, dict):
            raise AssignmentError(
                f"{where}: metadata.nbgrader must be an object", path=path, cell=index
            )
        try:
            new, changed = schema.upgrade(nb, cell_type)
            if new is not None:
                schema.validate(new, cell_type)
        except ValueError as exc:
            gid = nb.get("grade_id")
            named = f" ({gid})" if isinstance(gid, str) and gid else ""
            raise AssignmentError(f"{where}{named}: {exc}", path=path, cell=index) from None
        if changed:
            upgraded.append(str(index))
            if new is None:
                del meta["nbgrader"]
            else:
                meta["nbgrader"] = new
        metas.append(new)
    return metas, upgraded


def _generated_id(index: int, taken: set[str]) -> str:
    candidate = f"cell-{index}"
    n = 0
    while candidate in taken:
        n += 1
        candidate = f"cell-{index}-{n}"
    taken.add(candidate)
    return candidate


def parse_source(data: dict, path: str = "<source>") -> SourceNotebook:
    """Read an nbgrader-format notebook (already decoded JSON).

    Metadata of an older schema is upgraded as ``nbgrader update`` does (``warnings`` says so).
    Cells without a role get a label ``cell-<index>`` (``cell-<index>-<n>`` when an author's id
    already is that) that is never published. A cell with both ``solution`` and ``grade`` is
    nbgrader's "manually graded answer"; it and task cells go to the manual queue.

    Raises:
        AssignmentError: not a notebook, metadata nbgrader's validator refuses (schema too new,
            empty or missing ``grade_id``, a grade cell without points, a markdown grade cell
            that is no solution, ...), a duplicate ``grade_id``, markers outside their kind of
            cell, or ``AUTOTEST`` directives outside a test cell. Each message names the cell.
    """
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise AssignmentError(f"{path}: not a Jupyter notebook (no 'cells' list)", path=path)
    data = copy.deepcopy(data)
    metas, upgraded = _upgraded_metadata(data, path)
    taken = {
        m["grade_id"] for m in metas if m and isinstance(m.get("grade_id"), str)
    } | RESERVED_IDS
    cells: list[SourceCell] = []
    seen: set[str] = set()
    for index, (raw, meta) in enumerate(zip(data["cells"], metas, strict=True)):
        cell_type = raw["cell_type"]
        kind = _kind(meta)
        author_id = (meta or {}).get("grade_id") or ""
        where = f"{path}: cell {index}" + (f" ({author_id})" if author_id else "")
        if kind in IDENTIFIED and author_id:
            grade_id = author_id
            if grade_id in RESERVED_IDS or len(grade_id) > MAX_GRADE_ID:
                why = (
                    "is used by the grader itself"
                    if grade_id in RESERVED_IDS
                    else f"is longer than {MAX_GRADE_ID} characters"
                )
                raise AssignmentError(
                    f"{where}: grade_id {grade_id!r} {why}; rename it", path=path, cell=index
                )
            if grade_id in seen:
                raise AssignmentError(
                    f"{where}: duplicate grade_id {grade_id!r}", path=path, cell=index
                )
            seen.add(grade_id)
        else:  # an ordinary cell, or a task that is not locked (nbgrader needs no id there)
            grade_id = _generated_id(index, taken)
        text = _text(raw.get("source"))
        try:
            if kind is CellKind.TEST and cell_type != "code":
                raise ValueError(
                    f"a grade cell in a {cell_type} cell must also be a solution cell (a "
                    "manually graded answer): autograded tests are code"
                )
            _check_markers(text, kind, cell_type)
        except ValueError as exc:
            raise AssignmentError(f"{where}: {exc}", path=path, cell=index) from None
        graded = kind in (CellKind.TEST, CellKind.MANUAL, CellKind.TASK)
        points = float((meta or {}).get("points") or 0) if graded else 0.0
        cells.append(SourceCell(index, grade_id, cell_type, kind, text, points))
    warnings = (
        (
            f"{path}: the nbgrader metadata of cell(s) {', '.join(upgraded)} was of an older "
            "schema and was read as `nbgrader update` would upgrade it; run `nbgrader update` "
            "on the source to make this permanent",
        )
        if upgraded
        else ()
    )
    return SourceNotebook(path, tuple(cells), data.get("metadata") or {}, data, warnings)


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
