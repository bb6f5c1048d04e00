"""Batches: parallel, resumable, one bad submission never stopping the rest."""

from __future__ import annotations

import json

import pytest

import deepcourse.grader.batch as batch_module
from deepcourse.grader import grade_batch

pytestmark = pytest.mark.integration


def test_results_come_back_in_input_order_with_feedback_files(bundle, submission, tmp_path):
    good = submission(name="good.ipynb")
    half = submission({"q2": "def standardize(x):\n    return x"}, name="half.ipynb")
    out = tmp_path / "out"
    results = grade_batch(bundle, [good, half], jobs=2, out_dir=out)
    assert [r.score for r in results] == [7, 4]
    pages = sorted(p.name for p in (out / "feedback").glob("*.html"))
    assert len(pages) == 2 and pages[0].startswith("good-")
    html = next((out / "feedback").glob("half-*.html")).read_text()
    assert "q2-test" in html and "failed" in html and "standardize(random)" not in html
    assert len(list((out / "feedback").glob("*.ipynb"))) == 2


def test_an_interrupted_batch_resumes_without_regrading_what_is_done(
    bundle, submission, tmp_path, monkeypatch
):
    paths = [submission(name=f"s{i}.ipynb") for i in range(3)]
    out = tmp_path / "out"
    grade_batch(bundle, paths[:2], jobs=2, out_dir=out)  # "interrupted" after two

    graded = []
    real = batch_module.grade_submission

    def counting(bundle, path, **kw):
        graded.append(path)
        return real(bundle, path, **kw)

    monkeypatch.setattr(batch_module, "grade_submission", counting)
    progress = []
    results = grade_batch(
        bundle, paths, jobs=2, out_dir=out, progress=lambda d, t, r: progress.append(d)
    )
    assert graded == [paths[2]]
    assert [r.score for r in results] == [7, 7, 7]
    assert progress == [1, 2, 3]


def test_a_changed_submission_is_graded_again(bundle, submission, tmp_path):
    path = submission(name="s.ipynb")
    out = tmp_path / "out"
    assert grade_batch(bundle, [path], out_dir=out)[0].score == 7
    data = json.loads(path.read_text())
    for cell in data["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q1-answer":
            cell["source"] = "def squares(n):\n    return []"
    path.write_text(json.dumps(data))
    assert grade_batch(bundle, [path], out_dir=out)[0].score == 5


def test_a_batch_stopped_by_ctrl_c_keeps_what_it_finished_and_resumes(bundle, submission, tmp_path):
    paths = [submission(name=f"s{i}.ipynb") for i in range(4)]
    out = tmp_path / "out"

    def interrupt(done, total, result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        grade_batch(bundle, paths, jobs=2, out_dir=out, progress=interrupt)
    saved = list((out / "results").glob("*.json"))
    assert 1 <= len(saved) < 4
    assert all(json.loads(p.read_text())["score"] == 7 for p in saved)  # no half-grades kept
    results = grade_batch(bundle, paths, jobs=2, out_dir=out)
    assert [r.score for r in results] == [7, 7, 7, 7]


class _PoolThatCannotStart:
    """Workers whose Python cannot start (as on a machine whose sandbox is broken)."""

    def acquire(self):
        from deepcourse.grader import Limits
        from deepcourse.grader.sandbox import Worker

        return Worker(limits=Limits(), preload=())

    def close(self, kill_busy: bool = False) -> None:
        pass


def test_a_grader_failure_is_not_saved_so_a_resumed_batch_grades_again(
    bundle, submission, tmp_path, monkeypatch
):
    from pathlib import Path

    from deepcourse.grader import sandbox

    path = submission(name="s.ipynb")
    out = tmp_path / "out"
    monkeypatch.setattr(sandbox, "WORKER_SCRIPT", Path("/nonexistent/worker.py"))
    monkeypatch.setattr(batch_module, "make_pool", lambda **kw: _PoolThatCannotStart())
    (broken,) = grade_batch(bundle, [path], out_dir=out)
    assert broken.grader_failed and broken.score == 0
    assert list((out / "results").glob("*.json")) == []

    monkeypatch.undo()  # the machine is fixed
    (fixed,) = grade_batch(bundle, [path], out_dir=out)
    assert not fixed.grader_failed and fixed.score == 7
    assert len(list((out / "results").glob("*.json"))) == 1
