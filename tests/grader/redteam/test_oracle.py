"""Red team (issue 11): no expected value and no hidden test text is ever in the sandbox, and
nothing the student's code chooses reaches a hidden test's feedback."""

from __future__ import annotations

import pytest
from grader_notebooks import answered, autograded, locked, solution, write

from deepcourse.grader import Status, grade_submission, release_assignment

pytestmark = pytest.mark.integration

SECRET = 987654321

#: The attack that scored 12/12 on the old grader: walk the stack and the heap for the test's
#: text, parse it, evaluate the expected operand, return it; a later cell reports what it saw.
ORACLE = f"""
import ast, gc, sys
SEEN = []
def _texts():
    frame = sys._getframe(1)
    while frame is not None:
        for value in list(frame.f_locals.values()) + list(frame.f_globals.values()):
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict):
                yield from (v for v in value.values() if isinstance(v, str))
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict):
            yield from (v for v in obj.values() if isinstance(v, str))
def answer(n):
    for text in _texts():
        if str({SECRET} // 1000) in text:
            SEEN.append(text[:200])
        try:
            tree = ast.parse(text)
        except Exception:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and len(node.comparators) == 1:
                try:
                    return eval(compile(ast.Expression(node.comparators[0]), "x", "eval"))
                except Exception:
                    pass
    return -1
"""


def _release(tmp_path):
    cells = [
        locked("imports", "import numpy as np"),
        solution("answer", f"def answer(n):\n    return {SECRET} if n == 1 else n"),
        autograded(
            "hidden",
            f"### BEGIN HIDDEN TESTS\nassert answer(1) == {SECRET}\n### END HIDDEN TESTS",
            points=2,
        ),
        locked("after", "pass"),
    ]
    return release_assignment(write(tmp_path / "oracle-source.ipynb", cells), tmp_path / "rel")


def test_a_student_function_finds_no_expected_value_or_hidden_test_text(tmp_path):
    release = _release(tmp_path)
    report = "print('FOUND' if SEEN else 'NOTHING', SEEN)"
    path = answered(
        release.student_notebook, {"answer": ORACLE}, tmp_path / "s.ipynb", [("after", report)]
    )
    result = grade_submission(release.bundle, path)
    assert result.score == 0, "the oracle found the expected value"
    printed = "".join(o.stdout for o in result.outputs)
    assert "NOTHING" in printed and "FOUND" not in printed


def test_a_hidden_test_reveals_no_exception_name_type_name_or_exit_status(tmp_path):
    release = _release(tmp_path)
    leaks = {
        "exception": "class Leaked_answer_1_equals(Exception):\n    pass\n"
        "def answer(n):\n    raise Leaked_answer_1_equals('answer(1) == ...')",
        "type": "class Leaked_type_name:\n    pass\ndef answer(n):\n    return Leaked_type_name()",
        "exit": "import os\ndef answer(n):\n    os._exit(123)",
    }
    for name, code in leaks.items():
        path = answered(release.student_notebook, {"answer": code}, tmp_path / f"{name}.ipynb")
        result = grade_submission(release.bundle, path)
        test = result.test("hidden")
        assert test.score == 0
        assert test.message in {
            "a hidden test failed",
            "a hidden test raised an error",
            "a hidden test reached its time limit",
        }, test.message
        everything = test.message + " ".join(result.notes)
        assert "Leaked" not in everything and "123" not in everything, everything


def test_release_refuses_a_hidden_check_named_like_a_public_one(tmp_path):
    from deepcourse.grader import AssignmentError

    cells = [
        solution("answer", "def f(x):\n    return x"),
        autograded(
            "t",
            'check("f", f(1))\n### BEGIN HIDDEN TESTS\ncheck("f", f(2))\n### END HIDDEN TESTS',
        ),
    ]
    source = write(tmp_path / "names-source.ipynb", cells)
    with pytest.raises(AssignmentError, match="both a public and a hidden"):
        release_assignment(source, tmp_path / "rel")


def test_a_forged_type_name_in_a_public_test_is_cut_and_shown_as_data(tmp_path):
    cells = [
        solution("answer", "def answer(n):\n    return n"),
        autograded("public", "assert answer(1) == 1"),
    ]
    source = write(tmp_path / "public-source.ipynb", cells)
    release = release_assignment(source, tmp_path / "rel")
    code = "class X:\n    pass\nX.__qualname__ = 'Y' * 5000\ndef answer(n):\n    return X()"
    path = answered(release.student_notebook, {"answer": code}, tmp_path / "long.ipynb")
    test = grade_submission(release.bundle, path).test("public")
    assert test.status is Status.FAILED and "cannot compare" in test.message
    assert "Y" * 50 in test.message and len(test.message) < 300  # the name, cut
