"""The HTML feedback page."""

from __future__ import annotations

from deepcourse.grader.report import html_report, notebook_with_outputs
from deepcourse.grader.results import CellOutput, ManualAnswer, Status, SubmissionResult, TestResult


def _result() -> SubmissionResult:
    return SubmissionResult(
        submission="pair-07.ipynb",
        score=2,
        max_score=5,
        tests=[
            TestResult("q1-test", 2, 2, Status.PASSED),
            TestResult(
                "q2-test", 0, 3, Status.FAILED, "check 'z': expected 1.0, got <script>", True
            ),
        ],
        notes=["locked cell q1-test was edited: restored from the assignment"],
        manual=[ManualAnswer("q4-answer", 1, "text")],
        outputs=[CellOutput("q1-answer", "ok", stdout="hello <b>")],
    )


def test_the_report_shows_each_test_its_points_and_message():
    page = html_report(_result())
    assert "Score: 2 / 5" in page
    assert "q2-test" in page and "0 / 3" in page and "check &#x27;z&#x27;" in page
    assert "includes hidden tests" in page


def test_the_report_escapes_everything_the_student_controls():
    page = html_report(_result())
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "hello &lt;b&gt;" in page


def test_the_report_says_which_locked_cells_were_restored_and_what_awaits_staff():
    page = html_report(_result())
    assert "was edited: restored" in page
    assert "q4-answer (1 points): pending" in page


def test_the_notebook_with_outputs_attaches_output_by_grade_id():
    cells = [
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "q1-answer"}}, "source": "x"}
    ]
    nb = notebook_with_outputs(cells, _result())
    assert nb["cells"][0]["outputs"][0]["text"] == "hello <b>"
