"""The feedback notebook (``--out``) keeps the output of every cell, the student's added ones too."""

from __future__ import annotations

import json

import pytest

from deepcourse.grader.report import notebook_with_outputs
from deepcourse.grader.results import CellOutput, SubmissionResult, TestResult


def _code(source: str, gid: str | None = None) -> dict:
    meta = {"nbgrader": {"grade_id": gid}} if gid else {}
    return {"cell_type": "code", "metadata": meta, "source": source, "outputs": []}


def _printed(cell: dict) -> str:
    return "".join(o.get("text", "") for o in cell["outputs"])


@pytest.mark.unit
def test_each_added_cell_gets_its_own_output_in_order():
    cells = [
        _code("print('first')"),
        _code("", "deepcourse-check"),
        _code("def f(): ...", "q1-answer"),
        _code("print('a')"),
        _code("print('b')"),
        {"cell_type": "markdown", "metadata": {}, "source": "notes"},
        _code("   "),  # empty: not run, no output
        _code("check", "q1-test"),
        _code("print('c')"),
    ]
    result = SubmissionResult(
        "s.ipynb",
        2,
        2,
        tests=[TestResult("q1-test", 2, 2, "passed")],
        outputs=[
            CellOutput("added-cell", "ok", stdout="first\n"),
            CellOutput("q1-answer", "ok", stdout="answer\n"),
            CellOutput("added-cell", "ok", stdout="a\n"),
            CellOutput("added-cell", "ok", stdout="b\n"),
            CellOutput("q1-test", "ok", stdout="test\n"),
            CellOutput("added-cell", "error", error="Traceback\nNameError: c"),
        ],
    )
    out = notebook_with_outputs(cells, result)["cells"]
    assert [_printed(c) if c["cell_type"] == "code" else None for c in out] == [
        "first\n",
        "",
        "answer\n",
        "a\n",
        "b\n",
        None,
        "",
        "test\n",
        "",
    ]
    assert out[8]["outputs"][0]["output_type"] == "error"
    assert out[8]["outputs"][0]["traceback"] == ["Traceback", "NameError: c"]


@pytest.mark.unit
def test_a_second_copy_of_a_cell_which_was_not_graded_shows_no_output():
    cells = [_code("x", "q1-answer"), _code("x", "q1-answer")]
    result = SubmissionResult("s", 0, 0, outputs=[CellOutput("q1-answer", "ok", stdout="once")])
    out = notebook_with_outputs(cells, result)["cells"]
    assert [_printed(c) for c in out] == ["once", ""]


@pytest.mark.unit
def test_added_cells_follow_their_cell_when_the_student_moved_assignment_cells():
    cells = [_code("b", "q2-answer"), _code("print('after q2')"), _code("a", "q1-answer")]
    cells.append(_code("print('after q1')"))
    result = SubmissionResult(
        "s",
        0,
        0,
        outputs=[  # the grader runs assignment cells in the assignment's order
            CellOutput("q1-answer", "ok"),
            CellOutput("added-cell", "ok", stdout="after q1"),
            CellOutput("q2-answer", "ok"),
            CellOutput("added-cell", "ok", stdout="after q2"),
        ],
    )
    out = notebook_with_outputs(cells, result)["cells"]
    assert _printed(out[1]) == "after q2" and _printed(out[3]) == "after q1"


@pytest.mark.integration
def test_the_saved_feedback_notebook_keeps_the_outputs_of_added_cells(bundle, submission, tmp_path):
    from deepcourse.grader import grade_batch

    def add(nb):
        at = next(
            i
            for i, c in enumerate(nb["cells"])
            if c["metadata"].get("nbgrader", {}).get("grade_id") == "q2-answer"
        )
        nb["cells"][at + 1 : at + 1] = [
            _code("print('added one')"),
            _code("print('added two')\n1 / 0"),
        ]

    out = tmp_path / "out"
    [result] = grade_batch(bundle, [submission(edit=add)], jobs=1, out_dir=out)
    assert result.score == 7
    saved = json.loads(next((out / "feedback").glob("*.ipynb")).read_text())
    by_source = {"".join(c["source"]): c for c in saved["cells"] if c["cell_type"] == "code"}
    assert _printed(by_source["print('added one')"]) == "added one\n"
    two = by_source["print('added two')\n1 / 0"]["outputs"]
    assert two[0]["text"] == "added two\n" and two[-1]["output_type"] == "error"
    assert "ZeroDivisionError" in "\n".join(two[-1]["traceback"])
