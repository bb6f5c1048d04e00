"""Reading nbgrader-format source notebooks."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepcourse.grader.exceptions import AssignmentError
from deepcourse.grader.source import (
    CellKind,
    load_source,
    parse_source,
    replace_solution,
    strip_hidden,
)


def _nb(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _cell(source, cell_type="code", **nbgrader):
    meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    return {"cell_type": cell_type, "metadata": meta, "source": source}


def test_the_hw0_sample_has_three_tests_worth_seven_points_and_one_manual_answer(hw0_source):
    nb = load_source(hw0_source)
    assert [c.grade_id for c in nb.tests] == ["q1-test", "q2-test", "q3-test"]
    assert nb.max_score == 7
    assert [c.grade_id for c in nb.manual] == ["q4-answer"]


@pytest.mark.parametrize(
    ("marker", "nbgrader"),
    [
        ("### BEGIN SOLUTION", {}),
        ("### BEGIN SOLUTION", {"grade": True, "points": 1, "grade_id": "t"}),
        ("### BEGIN HIDDEN TESTS", {}),
        ("### BEGIN HIDDEN TESTS", {"solution": True, "grade_id": "a"}),
    ],
)
def test_markers_in_a_cell_where_they_would_be_published_as_is_are_refused(marker, nbgrader):
    end = marker.replace("BEGIN", "END")
    with pytest.raises(AssignmentError, match="would be published to students as is"):
        parse_source(_nb(_cell(f"x = 1\n{marker}\nsecret = 42\n{end}", **nbgrader)))


def test_cell_kinds_follow_nbgrader_metadata():
    nb = parse_source(
        _nb(
            _cell("x = 1", solution=True, grade_id="a"),
            _cell("assert x == 1", grade=True, locked=True, points=1, grade_id="t"),
            _cell("Explain.", "markdown", solution=True, grade=True, points=2, grade_id="m"),
            _cell("import numpy", locked=True, grade_id="imports"),
            _cell("Do it.", "markdown", task=True, locked=True, points=2, grade_id="task"),
            _cell("x = 2"),
        )
    )
    assert [c.kind for c in nb.cells] == [
        CellKind.SOLUTION,
        CellKind.TEST,
        CellKind.MANUAL,
        CellKind.LOCKED,
        CellKind.TASK,
        CellKind.PLAIN,
    ]
    assert nb.cells[5].grade_id == "cell-5"  # the grader's own label, never published


def test_a_solution_region_is_replaced_by_the_prompt_keeping_its_indentation():
    text = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
    assert (
        replace_solution(text) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    )


def test_an_unmarked_solution_cell_is_replaced_whole():
    assert replace_solution("x = 42") == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert replace_solution("The answer.", "markdown") == "YOUR ANSWER HERE"


def test_hidden_tests_are_split_from_the_public_part():
    public, hidden = strip_hidden(
        "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(2) == 3\n### END HIDDEN TESTS\n"
    )
    assert public == "assert f(1) == 2\n"
    assert hidden == "assert f(2) == 3"


def test_a_duplicate_grade_id_is_refused_with_its_name():
    with pytest.raises(AssignmentError, match="duplicate grade_id 'a'"):
        parse_source(
            _nb(_cell("1", solution=True, grade_id="a"), _cell("2", solution=True, grade_id="a"))
        )


def test_a_test_cell_without_points_is_refused():
    with pytest.raises(AssignmentError, match="cell 0 \\(t\\): a grade cell needs 'points'"):
        parse_source(_nb(_cell("assert True", grade=True, grade_id="t")))


def test_a_file_that_is_not_a_notebook_is_refused(tmp_path):
    path = tmp_path / "x.ipynb"
    path.write_text("not json")
    with pytest.raises(AssignmentError, match="not a UTF-8 JSON notebook"):
        load_source(path)
    with pytest.raises(AssignmentError, match="no such source notebook"):
        load_source(tmp_path / "missing.ipynb")


# -- nbgrader's own rules, checked on its fixture notebooks (tests/grader/fixtures/nbgrader) ---

FIXTURES = Path(__file__).parent / "fixtures" / "nbgrader"


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("too-new.ipynb", r"cell 0 \(cell-2298c977f4deff2b\): .*schema_version 10, newer"),
        ("blank-grade-id.ipynb", r"cell 0: .*needs a grade_id \(it is empty\)"),
        ("blank-points.ipynb", r"cell 0 \(id1\): a grade cell needs 'points'"),
        ("bad-markdown-cell-1.ipynb", r"cell 0 \(foo\): a markdown grade cell must also be a sol"),
        ("bad-markdown-cell-2.ipynb", r"cell 0: a grade, solution or locked cell needs a grade_id"),
        ("test-v0-invalid.ipynb", r"cell 16: a grade, solution or locked cell needs a grade_id"),
        ("duplicate-grade-ids.ipynb", r"cell 1 \(id1\): duplicate grade_id 'id1'"),
        ("test-no-metadata.ipynb", r"cell 2: 'BEGIN SOLUTION' in a plain cell"),
    ],
)
def test_sources_nbgrader_refuses_are_refused_naming_the_cell(fixture, message):
    with pytest.raises(AssignmentError, match=message):
        load_source(FIXTURES / fixture)


@pytest.mark.parametrize("fixture", ["autotest-simple.ipynb", "autotest-hashed.ipynb"])
def test_autotest_directives_in_test_cells_are_read_for_release_to_instantiate(fixture):
    nb = load_source(FIXTURES / fixture)
    assert "AUTOTEST a" in nb.tests[0].source  # release.py instantiates them (autotest.py)


@pytest.mark.parametrize(
    ("nbgrader", "where"),
    [
        (None, r"cell 0:"),
        ({"solution": True, "grade": False, "grade_id": "answer"}, r"cell 0 \(answer\):"),
        ({"locked": True, "grade_id": "given"}, r"cell 0 \(given\):"),
    ],
)
def test_autotest_directives_outside_test_cells_are_refused_naming_the_cell(nbgrader, where):
    meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    cell = {"cell_type": "code", "metadata": meta, "source": "a = 1\n### AUTOTEST a"}
    with pytest.raises(AssignmentError, match=where + r" '### AUTOTEST' directives are only read"):
        parse_source({"cells": [cell], "metadata": {}})


def test_schema_0_metadata_is_upgraded_as_nbgrader_update_does():
    nb = load_source(FIXTURES / "test-v0.ipynb")
    assert nb.warnings and "nbgrader update" in nb.warnings[0]
    # flags all false: the metadata is dropped, the cell is ordinary
    assert nb.cells[1].kind is CellKind.PLAIN and "nbgrader" not in nb.raw["cells"][1]["metadata"]
    # string points become numbers; every upgraded cell is schema 3 with its flags set
    assert nb.cell("correct_squares").points == 1.0
    upgraded = nb.raw["cells"][5]["metadata"]["nbgrader"]
    assert upgraded == {
        "grade": True,
        "grade_id": "correct_squares",
        "points": 1.0,
        "solution": False,
        "locked": False,
        "schema_version": 3,
    }
    assert nb.cell("sum_of_squares_equation").kind is CellKind.MANUAL


@pytest.mark.parametrize(
    ("nbgrader", "message"),
    [
        ({"schema_version": 0, "grade": True, "grade_id": "t", "points": "lots"}, "points must"),
        ({"grade": True, "grade_id": "t", "points": "2"}, r"points must be a number.*'2'"),
        ({"grade": True, "grade_id": "t", "points": -1}, "points must be a number, 0 or more"),
        ({"grade": True, "grade_id": "t", "points": True}, "points must be a number"),
        ({"grade": "yes", "grade_id": "t", "points": 1}, "'grade' must be true or false"),
        ({"grade": True, "grade_id": "t.1", "points": 1}, "grade_id must be made of"),
        ({"grade": True, "grade_id": "t", "points": 1, "point": 1}, "unknown key.*'point'"),
        ({"task": True, "grade_id": "t", "locked": True}, "a task cell must be markdown"),
        ({"solution": True, "grade_id": "deepcourse-check"}, "used by the grader itself"),
        ({"schema_version": "3", "solution": True, "grade_id": "a"}, "must be an integer"),
    ],
)
def test_metadata_nbgrader_refuses_is_refused_with_the_cell_named(nbgrader, message):
    meta = {"schema_version": 3, **nbgrader}
    cell = {"cell_type": "code", "metadata": {"nbgrader": meta}, "source": "x = 1"}
    with pytest.raises(AssignmentError, match=message) as info:
        parse_source(_nb(cell))
    assert info.value.context["cell"] == 0


def test_a_zero_point_test_cell_is_accepted():
    nb = load_source(FIXTURES / "validation-zero-points.ipynb")
    assert nb.cell("correct_squares").kind is CellKind.TEST
    assert nb.cell("correct_squares").points == 0 and nb.max_score == 0


def test_generated_labels_never_take_an_authors_id():
    nb = parse_source(
        _nb(
            _cell("a = 1"),  # cell-0 is taken by the author below
            _cell("b = 2", locked=True, grade_id="cell-0"),
            _cell("c = 3", grade_id="cell-0-1"),  # an ordinary cell's id counts as taken too
        )
    )
    labels = [c.grade_id for c in nb.cells]
    assert labels == ["cell-0-2", "cell-0", "cell-2"]


def test_raw_cells_stay_raw():
    nb = parse_source(_nb(_cell("raw text", "raw"), _cell("raw", "raw", locked=True, grade_id="r")))
    assert [c.cell_type for c in nb.cells] == ["raw", "raw"]


def test_a_task_keeps_its_text_without_its_marking_scheme():
    nb = load_source(FIXTURES / "test_taskcell.ipynb")
    task = nb.cell("task1")
    assert task.kind is CellKind.TASK and task.points == 2
    assert task.public_source.startswith("Do your best!")
    assert "MARK SCHEME" not in task.public_source and "1 mark" not in task.public_source
    assert task in nb.manual


def test_solution_markers_are_found_anywhere_in_the_line_as_nbgrader_finds_them():
    text = "x = 1\n# BEGIN SOLUTION\nsecret = 1\n# END SOLUTION"
    public = parse_source(_nb(_cell(text, solution=True, grade_id="a"))).cells[0].public_source
    assert "secret" not in public and public.startswith("x = 1\n# YOUR CODE HERE")
    with pytest.raises(AssignmentError, match="would be published"):
        parse_source(_nb(_cell(text, locked=True, grade_id="a")))


def test_markers_that_do_not_pair_up_are_refused():
    for text in ("### BEGIN SOLUTION\nsecret = 1", "# BEGIN SOLUTION\n# BEGIN SOLUTION\n"):
        with pytest.raises(AssignmentError, match="cell 0 \\(a\\): 'BEGIN SOLUTION'"):
            parse_source(_nb(_cell(text, solution=True, grade_id="a")))
