"""Reading nbgrader-format source notebooks."""

from __future__ import annotations

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
            _cell("import numpy"),
        )
    )
    assert [c.kind for c in nb.cells] == [
        CellKind.SOLUTION,
        CellKind.TEST,
        CellKind.MANUAL,
        CellKind.LOCKED,
    ]
    assert nb.cells[3].grade_id == "cell-3"


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
    with pytest.raises(AssignmentError, match="needs positive 'points'"):
        parse_source(_nb(_cell("assert True", grade=True, grade_id="t")))


def test_a_file_that_is_not_a_notebook_is_refused(tmp_path):
    path = tmp_path / "x.ipynb"
    path.write_text("not json")
    with pytest.raises(AssignmentError, match="not a UTF-8 JSON notebook"):
        load_source(path)
    with pytest.raises(AssignmentError, match="no such source notebook"):
        load_source(tmp_path / "missing.ipynb")
