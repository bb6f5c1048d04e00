"""Red team (issue 10): nbgrader idioms that got wrong grades.

* ``### AUTOTEST`` directives became comments, so every submission, blank ones included, got
  full marks (they are now instantiated with the course's autotests.yml, or refused).
* Cells without nbgrader metadata were locked as ``cell-N``: a notebook from nbgrader's own
  release ran each of them twice (its own copy and the restored one) with false "was deleted"
  notes, and a correct notebook lost its points.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from deepcourse.grader import grade_submission, release_assignment
from deepcourse.grader.exceptions import AssignmentError

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[1] / "fixtures" / "nbgrader"


def test_autotest_directives_give_blank_answers_no_marks(tmp_path):
    src = tmp_path / "autotest-simple.ipynb"
    shutil.copy(FIXTURES / src.name, src)
    shutil.copy(FIXTURES / "autotests.yml", tmp_path)
    release = release_assignment(src, tmp_path / "out")
    blank = grade_submission(release.bundle, release.student_notebook)
    assert blank.score == 0, blank.tests


def test_autotest_directives_without_autotests_yml_are_refused_naming_the_cell(tmp_path):
    src = tmp_path / "autotest-simple.ipynb"
    shutil.copy(FIXTURES / src.name, src)
    with pytest.raises(AssignmentError, match=r"test_simple has AUTOTEST directives but no"):
        release_assignment(src, tmp_path / "out")


def _code(source, **nbgrader):
    meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    return {"cell_type": "code", "metadata": meta, "source": source, "outputs": []}


def test_cells_without_metadata_run_once_in_a_notebook_from_nbgraders_release(tmp_path):
    source = tmp_path / "count-source.ipynb"
    nb = {
        "cells": [
            _code("count = 0"),
            _code(
                "def step():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
                solution=True,
                grade_id="answer",
                locked=False,
                grade=False,
            ),
            _code("count += step()"),
            _code(
                "assert count == 1",
                grade=True,
                locked=True,
                solution=False,
                points=2,
                grade_id="test",
            ),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    source.write_text(json.dumps(nb))
    release = release_assignment(source, tmp_path / "out")
    # What nbgrader's release gives students: cells without metadata keep none. A correct
    # answer (the source itself) must score 2/2 with no notes.
    result = grade_submission(release.bundle, source)
    assert result.score == 2, (result.tests, result.notes)
    assert result.notes == []
