"""Reading submitted files defensively and lining them up with the assignment."""

from __future__ import annotations

import json

import pytest

from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.release import compile_tests
from deepcourse.grader.source import load_source
from deepcourse.grader.submission import StudentCell, grading_plan, read_submission


def test_a_file_that_is_not_utf8_is_refused_with_a_fix(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_bytes(b'{"cells": ["\xff"]}')
    with pytest.raises(SubmissionError, match="not UTF-8.*submit the .ipynb"):
        read_submission(path)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_text("def f(): pass")
    with pytest.raises(SubmissionError, match="not JSON"):
        read_submission(path)


def test_json_too_deep_or_with_a_huge_number_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SubmissionError, match="not JSON.*recursion"):
        read_submission(path)
    path.write_text('{"cells": [], "n": ' + "9" * 5000 + "}")
    with pytest.raises(SubmissionError, match="not JSON"):
        read_submission(path)


def test_json_that_is_not_a_notebook_is_refused(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_text(json.dumps([1, 2, 3]))
    with pytest.raises(SubmissionError, match="not a Jupyter notebook"):
        read_submission(path)


def test_a_file_over_the_size_limit_is_refused_with_a_fix(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_text(json.dumps({"cells": [], "pad": "x" * 2000}))
    with pytest.raises(SubmissionError, match="clear the outputs"):
        read_submission(path, max_bytes=1000)


def test_hidden_tests_run_where_they_stand(hw0_source):
    bundle = load_source(hw0_source)
    student = [StudentCell(c.grade_id, c.cell_type, c.public_source) for c in bundle.cells]
    student.append(StudentCell(None, "code", "print('added at the end')"))
    plan = grading_plan(list(bundle.cells), student, compile_tests(bundle)).cells
    ids = [c.grade_id for c in plan]
    for i, cell in enumerate(plan):
        if cell.hidden:  # right among its own cell's steps, before the next cell
            assert ids[i - 1] == cell.grade_id
    assert any(c.hidden for c in plan)
    assert plan[-1].code == "print('added at the end')"


def test_locked_cells_come_from_the_assignment_not_the_submission(hw0_source):
    bundle = load_source(hw0_source)
    student = [
        StudentCell(c.grade_id, c.cell_type, "import os; os.system('x')") for c in bundle.cells
    ]
    plan = grading_plan(list(bundle.cells), student, compile_tests(bundle))
    imports = next(c for c in plan.cells if c.grade_id == "imports")
    assert imports.code == "import numpy as np"
    assert any("imports was edited: restored" in n for n in plan.notes)
