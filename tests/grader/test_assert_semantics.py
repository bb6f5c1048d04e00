"""``assert`` in a test cell means Python's ``assert``, decided by the grader (issue 10).

Each case is an nbgrader test written as instructors write them, released with its solution and
graded against answers that nbgrader would grade one way and the old rewrite graded the other.
"""

from __future__ import annotations

import pytest
from grader_notebooks import answered, autograded, locked, solution, write

from deepcourse.grader import Status, grade_submission, release_assignment

pytestmark = pytest.mark.integration

IMPORTS = locked("imports", "import math\nimport numpy as np")


def _release(tmp_path, answer: str, tests: list[str]):
    cells = [IMPORTS, solution("answer", answer)]
    cells += [autograded(f"t{i}", code) for i, code in enumerate(tests)]
    source = write(tmp_path / "semantics-source.ipynb", cells)
    return release_assignment(source, tmp_path / "release")


def _grade(tmp_path, release, code: str, name: str = "student.ipynb", extra=()):
    path = answered(release.student_notebook, {"answer": code}, tmp_path / name, extra)
    return grade_submission(release.bundle, path)


def test_a_constant_on_the_left_is_compared_with_the_answer_not_with_itself(tmp_path):
    release = _release(
        tmp_path,
        "def squares(n):\n    return [(i + 1) ** 2 for i in range(n)]",
        ["assert [1, 4, 9] == squares(3)"],
    )
    wrong = _grade(tmp_path, release, "def squares(n):\n    return [0] * n")
    assert wrong.score == 0 and wrong.tests[0].status is Status.FAILED
    assert "squares(3) is [0, 0, 0]" in wrong.tests[0].message
    right = _grade(
        tmp_path, release, "def squares(n):\n    return [i * i for i in range(1, n + 1)]"
    )
    assert right.score == 1


def test_an_assert_between_two_student_values_accepts_every_valid_answer(tmp_path):
    release = _release(
        tmp_path,
        "def ordered(xs):\n    return sorted(xs)",
        ["xs = ordered([3, 1, 2])\nassert sorted(xs) == xs\nassert len(xs) == 3"],
    )
    other_valid = "def ordered(xs):\n    out = list(xs)\n    out.sort()\n    return out"
    assert _grade(tmp_path, release, other_valid).score == 1
    assert _grade(tmp_path, release, "def ordered(xs):\n    return [3, 1, 2]").score == 0


def test_a_tuple_or_an_array_does_not_pass_a_test_written_against_a_list(tmp_path):
    release = _release(
        tmp_path,
        "def squares(n):\n    return [i * i for i in range(n)]",
        ["assert squares(3) == [0, 1, 4]"],
    )
    as_tuple = _grade(
        tmp_path, release, "def squares(n):\n    return tuple(i * i for i in range(n))"
    )
    assert as_tuple.score == 0 and as_tuple.tests[0].status is Status.FAILED
    as_array = _grade(tmp_path, release, "def squares(n):\n    return np.arange(n) ** 2")
    # ndarray == list is elementwise: `assert` on it is ambiguous, as in nbgrader (an error).
    assert as_array.score == 0 and as_array.tests[0].status is Status.ERROR
    assert "ambiguous" in as_array.tests[0].message


def test_the_other_comparisons_and_predicates(tmp_path):
    tests = [
        "assert f(2) != 5",
        "assert 0 < f(2) <= 4",
        "assert 4 in [f(2), 7]",
        "assert f(None) is None",
        "assert isinstance(f(2), int)",
        "assert type(f(2)) == int",
        "assert math.isclose(f(2) + 0.001, 4, rel_tol=1e-3)",
        "assert np.allclose(np.array([f(1), f(2)]), [1, 4])",
        "assert not f(0)",
        "assert f(2) not in (1, 2, 3)",
    ]
    release = _release(tmp_path, "def f(x):\n    return None if x is None else x * x", tests)
    assert release.warnings == ()
    good = _grade(tmp_path, release, "def f(x):\n    return None if x is None else x ** 2")
    assert good.score == len(tests), [t.message for t in good.tests]
    # A float where an int is expected fails only the type tests; a bool ... and so on.
    floats = _grade(tmp_path, release, "def f(x):\n    return None if x is None else float(x * x)")
    failed = {t.grade_id for t in floats.tests if t.score == 0}
    assert failed == {"t4", "t5"}


def test_an_object_that_cannot_cross_as_data_fails_the_grader_decided_assert(tmp_path):
    release = _release(tmp_path, "def f():\n    return 4", ["assert f() == 4"])
    code = "class Four(int):\n    def __eq__(self, other):\n        return True\ndef f():\n    return Four(5)"
    result = _grade(tmp_path, release, code)
    assert result.score == 0 and "cannot compare" in result.tests[0].message


def test_hidden_tests_run_where_they_stand_so_a_reused_name_is_fine(tmp_path):
    # The old plan ran hidden tests after every cell: `x` had changed by then and the
    # instructor's own solution was refused.
    cells = [
        IMPORTS,
        solution("answer", "def f(x):\n    return 2 * x"),
        locked("setup1", "x = 1"),
        autograded(
            "t1",
            "assert f(x) == 2\n### BEGIN HIDDEN TESTS\nassert f(x) + 1 == 3\n### END HIDDEN TESTS",
        ),
        locked("setup2", "x = 10"),
        autograded("t2", "assert f(x) == 20"),
    ]
    source = write(tmp_path / "inplace-source.ipynb", cells)
    release = release_assignment(source, tmp_path / "release")
    result = _grade(tmp_path, release, "def f(x):\n    return x + x")
    assert result.score == 2


def test_a_numpy_testing_assertion_call_is_decided_outside(tmp_path):
    release = _release(
        tmp_path,
        "def f(x):\n    return [x]",
        ["from numpy.testing import assert_array_equal\nassert_array_equal(f(2), [2])"],
    )
    assert release.bundle.steps["t0"][1].kind == "assert"
    assert _grade(tmp_path, release, "def f(x):\n    return [x]").score == 1
    assert _grade(tmp_path, release, "def f(x):\n    return [x + 1]").score == 0
