"""``deepcourse assignment release`` and ``deepcourse grade`` from the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from deepcourse.cli import app

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def test_release_then_grade_prints_json_for_each_submission(hw0_source, submission, tmp_path):
    runner = CliRunner()
    rel = runner.invoke(
        app, ["assignment", "release", str(hw0_source), "--out", str(tmp_path / "rel")]
    )
    assert rel.exit_code == 0, rel.output
    assert "hw0.bundle.json" in rel.output
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{")
    args = [
        "grade",
        str(tmp_path / "rel" / "hw0.bundle.json"),
        str(submission()),
        str(bad),
        "--jobs",
        "2",
        "--cell-timeout",
        "20",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["score"] for d in data] == [7, 0]
    assert {"grade_id", "score", "max_score", "status", "message"} <= set(data[0]["tests"][0])
    assert "not JSON" in data[1]["error"]


def test_grade_writes_csv_and_feedback_and_resumes_from_the_source(
    hw0_source, submission, tmp_path, monkeypatch
):
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["grade", str(hw0_source), str(submission()), "--format", "csv", "--out", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    rows = list(csv.DictReader(io.StringIO(first.stdout)))
    assert rows[0]["score"] == "7" and rows[0]["q2-test"] == "3"
    assert list((out / "feedback").glob("*.html"))

    def regrade(*args, **kwargs):
        raise AssertionError("a resumed run graded a saved submission again")

    monkeypatch.setattr("deepcourse.grader.batch.grade_submission", regrade)
    monkeypatch.setattr("deepcourse.grader.build_bundle", regrade)
    assert runner.invoke(app, args).stdout == first.stdout


def test_a_malformed_source_exits_with_a_clear_error(tmp_path, submission):
    src = tmp_path / "x-source.ipynb"
    src.write_text("[]")
    result = CliRunner().invoke(app, ["grade", str(src), str(submission())])
    assert result.exit_code == 2
    assert "not a Jupyter notebook" in result.output


def test_without_bubblewrap_or_cgroups_grading_still_works_and_says_loudly_what_is_missing(
    hw0_source, submission, tmp_path
):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEEPCOURSE_NO_BWRAP": "1", "DEEPCOURSE_NO_CGROUP": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "deepcourse", "grade", str(hw0_source), str(submission())],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "NO filesystem, network or process isolation" in done.stderr
    assert "NO memory limit" in done.stderr
    result = json.loads(done.stdout)[0]
    assert result["score"] == 7
    assert len(result["sandbox_warnings"]) >= 2
