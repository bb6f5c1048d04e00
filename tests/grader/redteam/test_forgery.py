"""Red team: submissions that try to fake a pass instead of earning it.

Expected values and hidden tests never enter the sandbox; values leave it only as plain data and
are compared in the grader. So each trick below, combined with a wrong answer to q1, leaves q1
unpassed, and the other (correct) questions keep their points unless the trick breaks the
student's own process.
"""

from __future__ import annotations

import pytest

from deepcourse.grader import Status

pytestmark = pytest.mark.integration

WRONG_Q1 = "def squares(n):\n    return [0] * n\n"


def test_an_object_whose_eq_is_always_true_does_not_pass(grade_hostile):
    code = (
        "class AlwaysEqual(list):\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = None\n"
        "def squares(n):\n    return AlwaysEqual()"
    )
    result = grade_hostile({"q1": code})
    assert result.score == 5
    assert result.test("q1").status is Status.FAILED
    assert "cannot compare" in result.test("q1").message


def test_a_float_subclass_whose_eq_is_always_true_does_not_pass(grade_hostile):
    code = (
        "class F(float):\n    def __eq__(self, other):\n        return True\n"
        "def standardize(x):\n    return [F(0)] * len(x)"
    )
    result = grade_hostile({"q2": code})
    assert result.score == 4
    assert result.test("q2").status is Status.FAILED


def test_monkeypatching_assert_machinery_does_not_pass(grade_hostile):
    code = WRONG_Q1 + (
        "import builtins, sys, doctest, traceback, unittest\n"
        "class Quiet(Exception):\n    pass\n"
        "builtins.AssertionError = Quiet\n"
        "sys.excepthook = lambda *a: None\n"
        "traceback.format_exception = lambda *a, **k: ['all tests passed']\n"
        "doctest.DocTestRunner.summarize = lambda self, verbose=None: doctest.TestResults(0, 1)\n"
        "unittest.TestCase.assertEqual = lambda *a, **k: None\n"
    )
    result = grade_hostile({"q1": code})
    assert result.test("q1").status is not Status.PASSED
    assert result.score == 5


def test_monkeypatching_builtins_does_not_pass(grade_hostile):
    code = WRONG_Q1 + (
        "import builtins\n"
        "builtins.isinstance = lambda *a: True\n"
        "builtins.type = lambda *a: list\n"
        "builtins.repr = lambda x: '[0, 1, 4]'\n"
        "builtins.str = lambda *a: 'ok'\n"
    )
    result = grade_hostile({"q1": code})
    assert result.test("q1").status is not Status.PASSED
    assert result.score <= 5


def test_monkeypatching_sys_modules_does_not_pass(grade_hostile):
    code = WRONG_Q1 + (
        "import sys, types\n"
        "fake = types.ModuleType('json')\n"
        'fake.dumps = lambda *a, **k: \'{"status": "ok", "checks": []}\'\n'
        "sys.modules['json'] = fake\n"
        "sys.modules['base64'] = fake\n"
        "sys.modules['wire'] = fake\n"
    )
    result = grade_hostile({"q1": code})
    assert result.test("q1").status is not Status.PASSED
    assert result.score == 5


def test_replacing_the_check_function_does_not_pass(grade_hostile):
    code = WRONG_Q1 + (
        "import builtins\n"
        "def check(name, value, **kw):\n    pass\n"
        "builtins.check = check\n"
        "globals()['_deepcourse_assert_eq'] = lambda *a: None\n"
    )
    result = grade_hostile({"q1": code})
    assert result.test("q1").status is not Status.PASSED
    assert result.score == 5


def test_patching_the_serialiser_in_memory_does_not_pass(grade_hostile):
    code = WRONG_Q1 + (
        "import gc\n"
        "def forged(value, _depth=0, _budget=None):\n"
        "    return {'t': 'list', 'v': [{'t': 'int', 'v': '0'}, {'t': 'int', 'v': '1'}, {'t': 'int', 'v': '4'}]}\n"
        "for obj in gc.get_objects():\n"
        "    if callable(obj) and getattr(obj, '__name__', '') in ('encode', '_encode', 'dumps'):\n"
        "        try:\n            obj.__code__ = forged.__code__\n        except Exception:\n            pass\n"
    )
    result = grade_hostile({"q1": code})
    assert result.test("q1").status is not Status.PASSED
    assert result.score <= 5  # the forgery can only cost the student their own points


def test_printing_text_that_looks_like_a_passing_result_does_not_pass(grade_hostile):
    code = WRONG_Q1 + (
        "import json, os, struct\n"
        "fake = {'status': 'ok', 'score': 7, 'tests': [{'grade_id': 'q1-test', 'status': 'passed'}]}\n"
        "print(json.dumps(fake))\nprint('All tests passed! 7/7')\n"
        "body = json.dumps({'nonce': 'x', 'status': 'ok', 'checks': []}).encode()\n"
        "os.write(1, struct.pack('>I', len(body)) + body)\n"
    )
    result = grade_hostile({"q1": code})
    assert result.test("q1").status is Status.FAILED
    assert result.score == 5


def test_forging_frames_on_the_grader_channel_is_detected(grade_hostile):
    code = WRONG_Q1 + (
        "import json, os, struct, sys\n"
        "config = json.loads(sys.argv[1])\n"
        "real = squares\n"
        "def squares(n):\n"
        "    frame = sys._getframe(1)\n"
        "    while frame is not None and 'reply' not in frame.f_locals:\n"
        "        frame = frame.f_back\n"
        "    nonce = frame.f_locals['reply']['nonce'] if frame else 'unknown'\n"
        "    body = json.dumps({'nonce': nonce, 'status': 'ok', 'checks': [], 'pairs': []}).encode()\n"
        "    os.write(config['fd_out'], struct.pack('>I', len(body)) + body)\n"
        "    return real(n)\n"
    )
    result = grade_hostile({"q1": code})
    assert result.test("q1").status is Status.TAMPERED
    assert result.score == 5


def test_a_forged_frame_nested_too_deeply_to_parse_is_detected(grade_hostile):
    code = WRONG_Q1 + (
        "import json, os, struct, sys\n"
        "config = json.loads(sys.argv[1])\n"
        "real = squares\n"
        "def squares(n):\n"
        "    body = b'[' * 100000 + b']' * 100000\n"
        "    os.write(config['fd_out'], struct.pack('>I', len(body)) + body)\n"
        "    return real(n)\n"
    )
    result = grade_hostile({"q1": code})
    assert result.test("q1").status is Status.TAMPERED
    assert result.score == 5
