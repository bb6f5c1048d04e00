"""No grader-internal frame or install path in what a student or author sees.

Two layers: the worker formats an exception with the notebook's frames only
(``worker._format_error``), and the grader cleans every text it keeps or writes
(:func:`deepcourse.grader.sanitize.clean_message`), since what the sandbox sends is untrusted.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

import deepcourse.grader
from deepcourse.grader.report import html_report
from deepcourse.grader.results import CellOutput, Status, SubmissionResult, TestResult
from deepcourse.grader.runner import Limits, Outcome, _from_reply, cap_submission_output
from deepcourse.grader.sanitize import clean_message

GRADER_DIR = Path(deepcourse.grader.__file__).resolve().parent
SRC_DIR = GRADER_DIR.parents[1]


def _install_paths() -> set[str]:
    return {p for p in (sys.prefix, sys.base_prefix, str(SRC_DIR)) if len(p) > 4}


def _leaks(text: str) -> list[str]:
    found = [p for p in _install_paths() if p in text]
    found += [w for w in ("worker.py", "wire.py", "site-packages") if w in text]
    return found


@pytest.fixture(scope="module")
def worker():
    """The sandbox's worker script, loaded as a module (it edits sys.path: restored after)."""
    saved = list(sys.path)
    spec = importlib.util.spec_from_file_location("_worker_under_test", GRADER_DIR / "worker.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.path[:] = saved
    return module


def _run_cell(worker, code: str, n: int, ns: dict) -> dict:
    try:
        body, last = worker._split_last_expression(code, f"<cell {n}>")
        exec(body, ns)
        if last is not None:
            eval(last, ns)
    except BaseException as exc:  # noqa: BLE001 - as serve() catches
        return worker._format_error(exc, code)
    raise AssertionError("the cell raised nothing")


@pytest.mark.unit
def test_a_syntax_error_shows_the_cells_line_and_caret_and_no_worker_frame(worker):
    error = _run_cell(worker, "x = 1\ndef squares(n:\n    return 1\n", 2, {})
    assert error["ename"] == "SyntaxError"
    tb = error["traceback"]
    assert 'File "<cell 2>", line 2' in tb and "def squares(n:" in tb and "^" in tb
    assert "Traceback" not in tb and "ast.py" not in tb and not _leaks(tb)


@pytest.mark.unit
def test_a_runtime_error_keeps_the_notebooks_frames_with_their_lines(worker):
    ns: dict = {}
    ns_error = _run_cell(worker, "def f(x):\n    return 1 / x\n\nraise_it = f(0)", 3, ns)
    tb = ns_error["traceback"]
    assert tb.startswith("Traceback (most recent call last):")
    assert 'File "<cell 3>", line 4, in <module>' in tb and "raise_it = f(0)" in tb
    assert 'File "<cell 3>", line 2, in f' in tb and "return 1 / x" in tb
    assert tb.rstrip().endswith("ZeroDivisionError: division by zero")
    assert not _leaks(tb)


@pytest.mark.unit
def test_library_frames_are_kept_and_a_failing_str_does_not_break_formatting(worker):
    tb = _run_cell(worker, "import json\njson.loads('{')", 4, {})["traceback"]
    assert "json/decoder.py" in tb and "JSONDecodeError" in tb and "worker.py" not in tb
    code = "class E(Exception):\n    def __str__(self):\n        raise SystemExit(3)\nraise E()"
    error = _run_cell(worker, code, 5, {})
    assert error["ename"] == "E" and "failed" in error["evalue"]


@pytest.mark.unit
def test_the_sanitizer_drops_worker_frames_and_install_prefixes():
    worker_path = GRADER_DIR / "worker.py"
    site = Path(sys.prefix) / "lib" / "python3.11" / "site-packages" / "numpy" / "core" / "x.py"
    stdlib = Path(sys.base_prefix) / "lib" / "python3.11" / "ast.py"
    text = (
        "Traceback (most recent call last):\n"
        f'  File "{worker_path}", line 120, in _split_last_expression\n'
        '    tree = ast.parse(code, filename, "exec")\n'
        "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        f'  File "{stdlib}", line 50, in parse\n'
        '  File "<cell 2>", line 1, in <module>\n'
        f"{site}:49: RuntimeWarning: mean of empty slice\n"
        f"interpreter: {sys.executable}\n"
    )
    clean = clean_message(text)
    assert not _leaks(clean), clean
    assert "_split_last_expression" not in clean and "tree = ast.parse" not in clean
    assert 'File "ast.py", line 50' in clean and 'File "<cell 2>"' in clean
    assert "numpy/core/x.py:49: RuntimeWarning" in clean
    assert clean_message("plain text, no paths") == "plain text, no paths"


@pytest.mark.unit
def test_the_sanitizer_is_linear_on_hostile_text():
    import time

    start = time.perf_counter()
    for text in ("/a" * 500_000, "a" * 1_000_000, "File " * 200_000, "x/" * 500_000):
        clean_message(text)
    assert time.perf_counter() - start < 5


@pytest.mark.unit
def test_replies_are_cleaned_where_they_are_read():
    site = f"{sys.prefix}/lib/python3.11/site-packages/numpy/_core/fromnumeric.py"
    reply = {
        "status": "error",
        "stderr": f"{site}:3504: RuntimeWarning: Mean of empty slice.\n",
        "error": {
            "ename": "ValueError",
            "evalue": "bad",
            "traceback": f'  File "{GRADER_DIR}/worker.py", line 3, in serve\n    exec(x)\n'
            f'  File "{site}", line 9, in mean\nValueError: bad',
        },
    }
    outcome = _from_reply(reply, Limits())
    assert "numpy/_core/fromnumeric.py:3504" in outcome.stderr and not _leaks(outcome.stderr)
    assert not _leaks(outcome.error["traceback"]) and "in serve" not in outcome.error["traceback"]


@pytest.mark.unit
def test_reports_and_results_files_are_cleaned_too():
    leak = f'  File "{GRADER_DIR}/worker.py", line 1, in serve\n{sys.prefix}/bin/python: boom'
    result = SubmissionResult(
        "s.ipynb",
        0,
        2,
        tests=[TestResult("q1-test", 0, 2, Status.ERROR, leak)],
        notes=[leak],
        outputs=[CellOutput("q1-answer", "error", stderr=leak, error=leak)],
    )
    page = html_report(result)
    data = str(result.to_dict(outputs=True))
    assert not _leaks(page) and not _leaks(data)
    assert "bin/python: boom" in page


@pytest.mark.unit
def test_each_reply_is_cut_to_the_cell_limit_and_counted():
    limits = Limits(output_kib=1)
    reply = {
        "status": "ok",
        "stdout": "o" * 5000,
        "stderr": "e" * 3000,
        "result": "r" * 2000,
        "dropped": 7,
        "checks": [["c", {"t": "none"}, {}]] * 20_000,
        "error": {"ename": "E" * 1000, "evalue": "v" * 9000, "traceback": "t" * 9000 + "END"},
    }
    outcome = _from_reply(reply, limits)
    assert (len(outcome.stdout), len(outcome.stderr), len(outcome.result)) == (1024, 1024, 1024)
    assert outcome.error["traceback"].endswith("END") and len(outcome.error["traceback"]) == 1024
    assert len(outcome.error["ename"]) <= 200 and len(outcome.error["evalue"]) <= 1024
    assert outcome.dropped >= 7 + (5000 - 1024) + (3000 - 1024) + (2000 - 1024)
    assert len(outcome.checks) == 10_000


@pytest.mark.unit
def test_a_forged_reply_with_odd_types_keeps_nothing_odd():
    outcome = _from_reply(
        {"status": "ok", "stdout": ["x"] * 10, "dropped": -5, "result": 3, "error": "x"}, Limits()
    )
    assert (outcome.stdout, outcome.dropped, outcome.result, outcome.error) == ("", 0, None, {})


@pytest.mark.unit
def test_the_submission_budget_keeps_the_first_cells_and_notes_the_rest():
    outcomes = [Outcome("ok", stdout="a" * 600, stderr="b" * 300) for _ in range(4)]
    notes = cap_submission_output(outcomes, budget=2000)
    kept = [len(o.stdout) + len(o.stderr) for o in outcomes]
    assert kept == [900, 900, 200, 0] and sum(o.dropped for o in outcomes) == 3600 - 2000
    assert len(notes) == 1 and "1600 more characters were dropped" in notes[0]
    assert cap_submission_output([Outcome("ok", stdout="short")]) == []


@pytest.mark.integration
def test_a_syntax_error_in_the_feedback_shows_no_grader_frame_or_path(bundle, submission, tmp_path):
    from deepcourse.grader import grade_submission, write_feedback

    answers = {
        "q1": "def squares(n:\n    return 1\n",
        "q2": "import json\njson.loads('{')\n",
        "q3": "import numpy as np\nnp.mean([])\ndef word_counts(t):\n    return {}\n",
    }
    result = grade_submission(bundle, submission(answers))
    page = write_feedback(result, tmp_path, "fb", None).read_text()
    q1 = next(o for o in result.outputs if o.grade_id == "q1-answer")
    assert "def squares(n:" in q1.error and "SyntaxError" in q1.error
    q3 = next(o for o in result.outputs if o.grade_id == "q3-answer")
    assert "RuntimeWarning" in q3.stderr
    for text in (page, str(result.to_dict(outputs=True))):
        assert not _leaks(text), _leaks(text)
    assert "json/decoder.py" in page


@pytest.mark.integration
def test_a_notebook_from_another_assignment_gets_one_clear_message(bundle, tmp_path):
    from deepcourse.grader import grade_batch

    other = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"nbgrader": {"grade_id": f"ex{i}-answer", "solution": True}},
                "source": "def f(x):\n    return x",
                "outputs": [],
            }
            for i in range(5)
        ]
    }
    path = tmp_path / "hw3-by-mistake.ipynb"
    path.write_text(json.dumps(other))
    folder = tmp_path / "a-folder.ipynb"
    folder.mkdir()
    results = grade_batch(bundle, [path, folder], jobs=1)
    wrong, directory = results
    assert wrong.score == 0 and "not from assignment 'hw0'" in wrong.error
    assert "hw0.ipynb" in wrong.error and not wrong.notes and not wrong.tests
    assert "a folder, not a notebook" in directory.error
    assert not any("internal grader error" in r.error for r in results)
