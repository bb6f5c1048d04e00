"""Reading a student's notebook defensively and lining it up with the assignment.

The grader trusts nothing in the file but the text of the cells students are meant to write.
Locked cells and tests come from the bundle; a locked cell that was edited, deleted or re-typed
is restored, and the feedback says so. Cells a student added, and the assignment's ordinary cells
(no nbgrader role: students may edit them, as in nbgrader), run as the student left them, where
they stand.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.limits import MiB
from deepcourse.grader.runner import PlannedCell
from deepcourse.grader.source import CHECK_CELL_ID, IDENTIFIED, CellKind, SourceCell
from deepcourse.grader.testplan import Step, compile_test, module_aliases

MAX_SUBMISSION_BYTES = 64 * MiB


@dataclass(frozen=True)
class StudentCell:
    grade_id: str | None
    cell_type: str
    source: str


def _refuse_special(mode: int, path: str) -> None:
    """Refuse anything but a regular file, naming what it is and what to submit instead."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        what = (
            "a symbolic link: the grader reads only the file itself, never what a link points "
            "to; submit a copy of the notebook, not a link"
        )
    elif stat.S_ISDIR(mode):
        what = "a folder, not a notebook: submit the .ipynb file inside it"
    elif stat.S_ISFIFO(mode):
        what = "a named pipe (FIFO), not a file: submit the .ipynb that Jupyter saved"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device, not a file: submit the .ipynb that Jupyter saved"
    elif stat.S_ISSOCK(mode):
        what = "a socket, not a file: submit the .ipynb that Jupyter saved"
    else:
        what = "not a regular file: submit the .ipynb that Jupyter saved"
    raise SubmissionError(f"the submission is {what}", path=path)


def _too_large(size: int, max_bytes: int, path: str) -> SubmissionError:
    return SubmissionError(
        f"the file is {size / MiB:.0f} MiB, over the {max_bytes / MiB:.0f} MiB limit: clear the "
        "outputs (Kernel > Restart & Clear Output) and submit again",
        path=path,
    )


def read_submission_bytes(path: str | Path, *, max_bytes: int = MAX_SUBMISSION_BYTES) -> bytes:
    """The bytes of a submitted file, read only if it is a regular file of at most ``max_bytes``.

    A submission folder is written by students, so a "notebook" may be a symbolic link (to
    ``/dev/zero``, to the grading bundle, to another student's notebook), a FIFO or a device:
    following it would hang the batch, grade someone else's work or leak the solutions. The
    last path component is opened with ``O_NOFOLLOW | O_NONBLOCK`` (a link is refused, a FIFO
    or device never blocks) and ``fstat`` of that very descriptor decides, so the file cannot
    be swapped between the check and the read. Links in the folders above are followed: they
    are chosen by whoever runs the grader, not by a student.

    Raises:
        SubmissionError: missing, unreadable, not a regular file, or over ``max_bytes``.
    """
    p = os.fspath(path)
    try:
        _refuse_special(os.lstat(p).st_mode, p)  # before open: never open a device or FIFO
        fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SubmissionError(
            "no such file: check the name (was it moved or renamed?)", path=p
        ) from None
    except NotADirectoryError:
        raise SubmissionError("no such file: a folder in its path is a file", path=p) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link put there after the lstat
            _refuse_special(stat.S_IFLNK, p)
        raise SubmissionError(
            f"cannot read the submission: {exc.strerror or exc}", path=p
        ) from None
    try:
        info = os.fstat(fd)
        _refuse_special(info.st_mode, p)
        if info.st_size > max_bytes:
            raise _too_large(info.st_size, max_bytes, p)
        chunks: list[bytes] = []
        got = 0
        while got <= max_bytes:  # the file may grow after fstat: never read past the cap
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > max_bytes:
            raise _too_large(got, max_bytes, p)
        return b"".join(chunks)
    except OSError as exc:
        raise SubmissionError(
            f"cannot read the submission: {exc.strerror or exc}", path=p
        ) from None
    finally:
        os.close(fd)


def read_notebook_json(path: str | Path, *, max_bytes: int = MAX_SUBMISSION_BYTES) -> dict:
    """A submitted notebook's JSON, read as :func:`read_submission_bytes` reads files.

    Raises:
        SubmissionError: unreadable (see :func:`read_submission_bytes`), not UTF-8, not JSON,
            or not a Jupyter notebook.
    """
    p = os.fspath(path)
    raw = read_submission_bytes(p, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SubmissionError(
            f"the file is not UTF-8 text (byte {exc.start}): submit the .ipynb that Jupyter saved",
            path=p,
        ) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # also too deep, or an int over 4300 digits
        why = f"{exc.msg} at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else exc
        raise SubmissionError(
            f"the file is not JSON ({str(why)[:200]}): submit the .ipynb that Jupyter saved, "
            "not an export",
            path=p,
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise SubmissionError(
            "the file is JSON but not a Jupyter notebook (no 'cells' list)", path=p
        )
    return data


def read_submission(
    path: str | Path, *, max_bytes: int = MAX_SUBMISSION_BYTES
) -> list[StudentCell]:
    """Parse a submitted ``.ipynb`` (outputs are ignored).

    Only a regular file is read (see :func:`read_submission_bytes`).

    Raises:
        SubmissionError: missing, a link, a folder, a FIFO or device, too large, not UTF-8,
            not JSON, or not a Jupyter notebook.
    """
    data = read_notebook_json(path, max_bytes=max_bytes)
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


#: Ids the release gives cells without nbgrader metadata: the same in every released notebook,
#: so they say nothing about which assignment a notebook belongs to.
_POSITIONAL_ID = re.compile(r"cell-\d+")


def check_same_assignment(
    student: list[StudentCell], source_cells: list[SourceCell], assignment: str
) -> None:
    """Refuse a notebook that was not made from this assignment's released notebook.

    A notebook of another assignment (or one rebuilt from scratch, without the cells' metadata)
    shares none of this assignment's grade ids: graded anyway, every answer cell counts as
    deleted and the feedback is a list of "deleted" notes instead of the one fact that matters.
    It is refused when it carries none of the assignment's author-given ids, or fewer than a
    quarter of them while carrying more ids that this assignment does not have. A notebook of the
    right assignment with cells deleted is still graded (the notes say what was restored).

    Raises:
        SubmissionError: naming the assignment expected.
    """
    ours = {c.grade_id for c in source_cells if not _POSITIONAL_ID.fullmatch(c.grade_id)}
    if not ours:
        return
    theirs = {c.grade_id for c in student if c.grade_id and c.grade_id != CHECK_CELL_ID}
    matched = ours & theirs
    unknown = {
        g for g in theirs - {c.grade_id for c in source_cells} if not _POSITIONAL_ID.fullmatch(g)
    }
    if matched and (len(matched) * 4 >= len(ours) or len(unknown) <= len(matched)):
        return
    graded = [
        c.grade_id for c in source_cells if c.kind is not CellKind.LOCKED and c.grade_id in ours
    ] or sorted(ours)
    examples = ", ".join(graded[:3])
    have = "none" if not matched else f"only {len(matched)} of {len(ours)}"
    raise SubmissionError(
        f"this notebook is not from assignment {assignment!r}: it has {have} of that "
        f"assignment's cells (such as {examples}). Submit the {assignment}.ipynb you were "
        "given, with your answers in its cells",
        assignment=assignment,
    )


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


def cell_steps(cells) -> dict[str, list[Step]]:
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
    steps: dict[str, list[Step]],
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
    known = {c.grade_id: c for c in source_cells if c.kind in IDENTIFIED}
    by_id: dict[str, StudentCell] = {}
    extras: dict[str | None, list[StudentCell]] = {}
    anchor: str | None = None
    notes: list[str] = []
    for cell in student:
        if cell.grade_id == CHECK_CELL_ID:  # the student-side stand-in for check()
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
