"""Grading one submission end to end in the sandbox (the HW0 sample assignment)."""

from __future__ import annotations

import json

import pytest

from deepcourse.grader import Status, grade_submission

pytestmark = pytest.mark.integration


def test_the_reference_solution_earns_full_marks(bundle, submission):
    result = grade_submission(bundle, submission())
    assert result.score == result.max_score == 7
    assert {t.status for t in result.tests} == {Status.PASSED}
    assert not result.error


def test_the_released_notebook_as_is_earns_nothing_with_a_clear_error(bundle, released):
    result = grade_submission(bundle, released.student_notebook)
    assert result.score == 0
    assert all(
        t.status is Status.ERROR and "NotImplementedError" in t.message for t in result.tests
    )


def test_a_wrong_answer_fails_only_its_own_question_and_shows_the_public_values(bundle, submission):
    result = grade_submission(
        bundle, submission({"q1": "def squares(n):\n    return [i for i in range(n)]"})
    )
    assert result.score == 5
    q1 = result.test("q1")
    assert q1.status is Status.FAILED
    assert "[0, 1, 2]" in q1.message  # the public assertion shows the student's value


def test_a_hidden_test_failure_says_failed_without_revealing_values(bundle, submission):
    # Correct on the public example, wrong on the hidden sentence (forgets lower-casing).
    code = "def word_counts(text):\n    out = {}\n    for w in text.split():\n        w = w.lower() if w == 'A' else w\n        out[w] = out.get(w, 0) + 1\n    return out"
    result = grade_submission(bundle, submission({"q3": code}))
    q3 = result.test("q3")
    assert q3.status is Status.FAILED
    assert q3.message == "a hidden test failed"
    assert "cat" not in q3.message


def test_a_library_warning_on_stderr_does_not_fail_a_correct_answer(bundle, submission):
    code = (
        "import warnings\nwarnings.warn('this library is deprecated', DeprecationWarning)\n"
        "import sys\nprint('noise', file=sys.stderr)\n"
        "def squares(n):\n    warnings.warn('slow path', UserWarning)\n    return [i * i for i in range(n)]"
    )
    result = grade_submission(bundle, submission({"q1": code}))
    assert result.score == 7
    assert "noise" in "".join(o.stderr for o in result.outputs)


def test_floats_within_tolerance_pass(bundle, submission):
    code = "def standardize(x):\n    x = np.asarray(x, dtype=float)\n    return (x - x.mean()) / x.std() + 1e-9"
    assert grade_submission(bundle, submission({"q2": code})).test("q2").status is Status.PASSED


def test_an_array_of_the_wrong_shape_fails_with_both_shapes(bundle, submission):
    code = "def standardize(x):\n    return np.zeros((1, 5))"
    q2 = grade_submission(bundle, submission({"q2": code})).test("q2")
    assert q2.status is Status.FAILED
    assert "shape (5,)" in q2.message and "shape (1, 5)" in q2.message


def test_cells_a_student_added_run_in_place(bundle, submission):
    def add_helper(nb):
        i = next(
            i
            for i, c in enumerate(nb["cells"])
            if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1-answer"
        )
        nb["cells"][i]["source"] = "def squares(n):\n    return helper(n)"
        nb["cells"].insert(
            i,
            {
                "cell_type": "code",
                "metadata": {},
                "source": "def helper(n):\n    return [k * k for k in range(n)]",
                "outputs": [],
                "execution_count": None,
            },
        )

    assert grade_submission(bundle, submission(edit=add_helper)).score == 7


def test_the_result_serialises_to_the_documented_json(bundle, submission):
    data = json.loads(json.dumps(grade_submission(bundle, submission()).to_dict()))
    assert set(data) >= {"submission", "score", "max_score", "tests"}
    assert set(data["tests"][0]) >= {"grade_id", "score", "max_score", "status", "message"}
    assert {t["status"] for t in data["tests"]} <= {
        "passed",
        "failed",
        "error",
        "timeout",
        "tampered",
    }


def test_manual_answers_are_carried_to_the_queue(bundle, submission):
    def answer(nb):
        for c in nb["cells"]:
            if c["metadata"].get("nbgrader", {}).get("grade_id") == "q4-answer":
                c["source"] = "Because broadcasting stretches size-1 axes."

    result = grade_submission(bundle, submission(edit=answer))
    assert [(m.grade_id, m.points) for m in result.manual] == [("q4-answer", 1.0)]
    assert "broadcasting" in result.manual[0].answer
    assert result.max_score == 7  # manual points are not autograded


def test_grading_from_the_source_notebook_builds_the_bundle_first(hw0_source, submission):
    assert grade_submission(hw0_source, submission()).score == 7
