"""Red team: files that are not what a notebook should be, and notebooks with cells tampered."""

from __future__ import annotations

import json

import pytest

from deepcourse.grader import Status, grade_batch, grade_submission

pytestmark = pytest.mark.integration


def _drop(grade_ids):
    def edit(nb):
        nb["cells"] = [
            c
            for c in nb["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade_id") not in grade_ids
        ]

    return edit


def test_a_notebook_with_its_test_cells_deleted_is_graded_with_the_tests_restored(
    bundle, submission
):
    result = grade_submission(bundle, submission(edit=_drop({"q1-test", "q2-test", "q3-test"})))
    assert result.score == 7
    assert sum("deleted: restored" in n for n in result.notes) == 3


def test_a_notebook_with_its_test_cells_retyped_is_graded_with_the_tests_restored(
    bundle, submission
):
    def retype(nb):
        for c in nb["cells"]:
            if c["metadata"].get("nbgrader", {}).get("grade", False):
                c["cell_type"] = "markdown"
                c.pop("outputs", None)

    result = grade_submission(
        bundle, submission({"q2": "def standardize(x):\n    return x"}, edit=retype)
    )
    assert result.score == 4
    assert result.test("q2").status is Status.FAILED
    assert any("re-typed" in n for n in result.notes)


def test_an_edited_test_cell_is_restored_and_the_feedback_says_so(bundle, submission):
    def weaken(nb):
        for c in nb["cells"]:
            if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1-test":
                c["source"] = "pass  # tests removed"

    result = grade_submission(
        bundle, submission({"q1": "def squares(n):\n    return []"}, edit=weaken)
    )
    assert result.test("q1").status is Status.FAILED
    assert any("q1-test was edited: restored" in n for n in result.notes)


def test_an_answer_cell_changed_to_markdown_is_graded_as_empty(bundle, submission):
    def retype(nb):
        for c in nb["cells"]:
            if c["metadata"].get("nbgrader", {}).get("grade_id") == "q3-answer":
                c["cell_type"] = "markdown"

    result = grade_submission(bundle, submission(edit=retype))
    assert result.score == 5
    assert any("q3-answer was changed from code to markdown" in n for n in result.notes)


def test_a_non_utf8_file_is_reported_and_does_not_stop_the_batch(bundle, submission, tmp_path):
    bad = tmp_path / "latin1.ipynb"
    bad.write_bytes('{"cells": [], "note": "caf\u00e9"}'.encode("latin-1"))
    results = grade_batch(bundle, [bad, submission()], jobs=1)
    assert "not UTF-8" in results[0].error and results[0].score == 0
    assert results[1].score == 7


def test_a_file_that_is_not_json_or_not_a_notebook_is_reported(bundle, tmp_path):
    not_json = tmp_path / "a.ipynb"
    not_json.write_text("print('hello')")
    not_nb = tmp_path / "b.ipynb"
    not_nb.write_text(json.dumps({"hello": "world"}))
    first, second = grade_batch(bundle, [not_json, not_nb], jobs=2)
    assert "not JSON" in first.error
    assert "not a Jupyter notebook" in second.error


@pytest.mark.slow
def test_a_50_mb_notebook_is_graded(bundle, submission):
    def bloat(nb):
        blob = "x" * (1024 * 1024)
        nb["cells"][1]["outputs"] = [
            {"output_type": "stream", "name": "stdout", "text": [blob] * 50}
        ]

    path = submission(edit=bloat)
    assert path.stat().st_size > 50 * 1024 * 1024
    assert grade_submission(bundle, path).score == 7
