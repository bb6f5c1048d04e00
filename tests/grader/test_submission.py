"""Reading submitted files defensively and lining them up with the assignment."""

from __future__ import annotations

import json

import pytest

from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.source import load_source
from deepcourse.grader.submission import StudentCell, cell_steps, grading_plan, read_submission


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
    plan = grading_plan(list(bundle.cells), student, cell_steps(bundle.cells)).cells
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
    plan = grading_plan(list(bundle.cells), student, cell_steps(bundle.cells))
    imports = next(c for c in plan.cells if c.grade_id == "imports")
    assert imports.code == "import numpy as np"
    assert any("imports was edited: restored" in n for n in plan.notes)


# -- lining up what nbgrader's idioms release: ordinary cells, tasks, raw cells ---------------


def _nb(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _cell(source, cell_type="code", **nbgrader):
    meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    cell = {"cell_type": cell_type, "metadata": meta, "source": source}
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def _released(source_nb, tmp_path, edit=None):
    """The student notebook of ``source_nb`` as released, optionally edited, read back."""
    from deepcourse.grader.release import student_notebook

    data = student_notebook(source_nb)
    if edit:
        edit(data["cells"])
    path = tmp_path / "student.ipynb"
    path.write_text(json.dumps(data))
    return data, read_submission(path)


NO_METADATA = _nb(
    _cell("import math"),  # an ordinary cell: nbgrader leaves it editable, without an id
    _cell(
        "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION",
        solution=True,
        grade_id="f",
    ),
    _cell("f(1)"),
    _cell("assert f(1) == 2", grade=True, locked=True, points=1, grade_id="t"),
)


def test_ordinary_cells_are_released_unlocked_and_without_an_id(tmp_path):
    from deepcourse.grader.source import parse_source

    data, _ = _released(parse_source(NO_METADATA), tmp_path)
    ordinary = [data["cells"][0], data["cells"][2]]
    for cell in ordinary:
        assert "nbgrader" not in cell["metadata"]
        assert "editable" not in cell["metadata"] and "deletable" not in cell["metadata"]


def test_ordinary_cells_run_once_as_the_student_left_them_with_no_notes(tmp_path):
    from deepcourse.grader.source import parse_source

    source = parse_source(NO_METADATA)

    def edit(cells):
        cells[0]["source"] = "import math\nhelper = 2"  # a student's edit is theirs to make

    _, student = _released(source, tmp_path, edit)
    plan = grading_plan(list(source.cells), student, cell_steps(source.cells))
    codes = [c.code for c in plan.cells]
    assert codes.count("import math\nhelper = 2") == 1 and "import math" not in codes
    assert codes.count("f(1)") == 1
    assert plan.notes == []
    # each ordinary cell runs where it stands: before the answer, and between answer and test
    assert [c.grade_id for c in plan.cells] == ["added-cell", "f", "added-cell", "t"]


def test_a_submission_from_nbgraders_own_release_is_not_reported_as_deleting_cells():
    from deepcourse.grader.source import parse_source

    source = parse_source(NO_METADATA)
    # nbgrader's release: ordinary cells keep no nbgrader metadata at all
    student = [
        StudentCell(None, "code", "import math"),
        StudentCell("f", "code", "def f(x):\n    return x + 1"),
        StudentCell(None, "code", "f(1)"),
        StudentCell("t", "code", "assert f(1) == 2"),
    ]
    plan = grading_plan(list(source.cells), student, cell_steps(source.cells))
    assert plan.notes == []
    assert [c.code for c in plan.cells].count("import math") == 1


def test_a_tasks_answer_is_the_students_cells_after_it_not_the_question(tmp_path):
    from deepcourse.grader.source import parse_source

    source = parse_source(
        _nb(
            _cell(
                "Plot the loss.\n=== BEGIN MARK SCHEME ===\n1 mark\n=== END MARK SCHEME ===",
                "markdown",
                task=True,
                locked=True,
                points=2,
                grade_id="task",
            ),
            _cell("Your answer below.", "markdown"),
            _cell("x = 1", locked=True, grade_id="after"),
        )
    )

    def answer(cells):
        cells[1]["source"] = "The loss falls."
        cells.insert(
            2,
            {
                "cell_type": "code",
                "metadata": {},
                "source": "plot(loss)",
                "outputs": [],
                "execution_count": None,
            },
        )

    data, student = _released(source, tmp_path, answer)
    task = data["cells"][0]
    assert "".join(task["source"]) == "Plot the loss."  # kept, scheme removed
    assert task["metadata"]["editable"] is False and task["metadata"]["nbgrader"]["locked"]
    plan = grading_plan(list(source.cells), student, cell_steps(source.cells))
    assert plan.manual == {"task": "The loss falls.\n\nplot(loss)"}
    assert plan.notes == []


def test_raw_cells_released_as_raw_are_not_reported_as_retyped(tmp_path):
    from deepcourse.grader.source import parse_source

    source = parse_source(
        _nb(_cell("raw note", "raw", locked=True, grade_id="r"), _cell("raw", "raw"))
    )
    data, student = _released(source, tmp_path)
    assert [c["cell_type"] for c in data["cells"]] == ["raw", "raw"]
    assert grading_plan(list(source.cells), student, cell_steps(source.cells)).notes == []
