"""Writing small nbgrader-format source notebooks and submissions for the grader's tests."""

from __future__ import annotations

import json
from pathlib import Path


def cell(cell_type: str, source: str, **nbgrader) -> dict:
    """A notebook cell; keyword arguments become its ``metadata.nbgrader`` (schema 3)."""
    out = {"cell_type": cell_type, "metadata": {}, "source": source}
    if nbgrader:
        out["metadata"]["nbgrader"] = {
            "schema_version": 3,
            "solution": False,
            "grade": False,
            "locked": False,
            **nbgrader,
        }
    if cell_type == "code":
        out.update(outputs=[], execution_count=None)
    return out


def solution(grade_id: str, code: str) -> dict:
    return cell("code", code, grade_id=grade_id, solution=True)


def autograded(grade_id: str, code: str, points: float = 1) -> dict:
    return cell("code", code, grade_id=grade_id, grade=True, locked=True, points=points)


def locked(grade_id: str, code: str) -> dict:
    return cell("code", code, grade_id=grade_id, locked=True)


def write(path: Path, cells: list[dict]) -> Path:
    nb = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def answered(student_notebook: Path, answers: dict[str, str], out: Path, extra=()) -> Path:
    """A copy of the released notebook with answer cells filled in (``grade_id -> code``) and
    ``extra`` cells (``(after_grade_id, code)``) added after the named cells."""
    nb = json.loads(student_notebook.read_text(encoding="utf-8"))
    cells = []
    for c in nb["cells"]:
        gid = c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            c["source"] = answers[gid]
        cells.append(c)
        for after, code in extra:
            if after == gid:
                cells.append(cell("code", code))
    nb["cells"] = cells
    out.write_text(json.dumps(nb), encoding="utf-8")
    return out
