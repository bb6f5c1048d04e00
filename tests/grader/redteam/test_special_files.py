"""Red team: symlinks and special files as submissions.

A submission folder is written by students. A symlink to ``/dev/zero`` or a FIFO hung the whole
batch (the grader hashed and read through it), a symlink to the grading bundle scored full marks
with the solutions and hidden tests in its feedback, and a symlink to another student's notebook
was graded as theirs. Only regular files are read now, opened without following links.

The tests that hang on the old code run it in a subprocess with a time and memory limit, so that
they fail rather than take the test run (or the machine) down with them.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import deepcourse
from deepcourse.grader import Status, grade_submission, write_feedback

pytestmark = pytest.mark.integration

SRC = str(Path(deepcourse.__file__).resolve().parents[1])


def _python(code: str, *args: str, timeout: float, memory: int | None = None) -> dict:
    """Run ``code`` in a fresh interpreter on this source tree; its stdout is JSON."""

    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONPATH": SRC},
            preexec_fn=limit,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s: the grader hangs on this file")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


_READ = """
import json, sys
from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.submission import read_submission
try:
    read_submission(sys.argv[1])
    print(json.dumps({"error": None}))
except SubmissionError as exc:
    print(json.dumps({"error": exc.message}))
"""


def test_a_symlink_to_dev_zero_is_refused_without_being_read(tmp_path):
    link = tmp_path / "s.ipynb"
    link.symlink_to("/dev/zero")
    out = _python(_READ, str(link), timeout=60, memory=1 << 30)
    assert "symbolic link" in out["error"]


def test_a_fifo_as_a_submission_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "s.ipynb"
    os.mkfifo(fifo)
    out = _python(_READ, str(fifo), timeout=30)
    assert "named pipe" in out["error"]


_BATCH = """
import json, sys
from deepcourse.grader import Bundle, grade_batch
bundle = Bundle.load(sys.argv[1])
results = grade_batch(bundle, sys.argv[2:], jobs=1)
print(json.dumps([r.to_dict() for r in results]))
"""


def test_links_fifos_folders_and_missing_files_each_get_a_message_and_the_batch_goes_on(
    bundle, submission, tmp_path
):
    bundle_json = bundle.save(tmp_path / "hw0.bundle.json")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "zero.ipynb").symlink_to("/dev/zero")
    os.mkfifo(subs / "fifo.ipynb")
    (subs / "folder.ipynb").mkdir()
    good = submission(name="good.ipynb")
    names = ["fifo.ipynb", "zero.ipynb", "folder.ipynb", "missing.ipynb"]
    paths = [str(subs / n) for n in names] + [str(good)]
    results = _python(_BATCH, str(bundle_json), *paths, timeout=240)
    errors = [r.get("error", "") for r in results]
    assert "named pipe" in errors[0]
    assert "symbolic link" in errors[1]
    assert "a folder, not a notebook" in errors[2]
    assert "no such file" in errors[3]
    assert not any("internal grader error" in e for e in errors)
    assert [r["score"] for r in results] == [0, 0, 0, 0, 7]


def test_a_symlink_to_the_bundle_scores_nothing_and_shows_no_solution(
    bundle, released, solutions, tmp_path, all_output
):
    link = tmp_path / "s.ipynb"
    link.symlink_to(released.bundle_path)
    result = grade_submission(bundle, link)
    assert result.score == 0 and "symbolic link" in result.error
    page = write_feedback(result, tmp_path / "feedback", "s", link).read_text()
    shown = all_output(result) + page
    assert "BEGIN HIDDEN TESTS" not in shown and "standardize(random)" not in shown
    assert all(code.strip() not in shown for code in solutions.values())


def test_a_symlink_to_another_students_notebook_is_not_graded_as_theirs(
    bundle, submission, tmp_path
):
    other = submission(name="other-pair.ipynb")  # a full-marks notebook
    link = tmp_path / "me.ipynb"
    link.symlink_to(other)
    result = grade_submission(bundle, link)
    assert result.score == 0 and "symbolic link" in result.error
    assert not result.tests or all(t.status is not Status.PASSED for t in result.tests)
