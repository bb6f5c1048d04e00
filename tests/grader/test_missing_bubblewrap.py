"""Without bubblewrap, grading says exactly what is missing and how to install it (issue 15, item 3).

``make run`` installs bubblewrap where it can (root); elsewhere the grader must name the package
and the command, whether the portal or the CLI grades.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from deepcourse.grader import sandbox


@pytest.fixture
def no_bwrap_on_path(monkeypatch, tmp_path):
    """``bwrap`` cannot be found: PATH is an empty folder and the detection is redone."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("DEEPCOURSE_NO_BWRAP", raising=False)
    monkeypatch.setattr(sandbox, "_CAPS", None)
    return empty


def test_issue15_without_bwrap_on_path_the_sandbox_names_the_package_and_the_install_command(
    no_bwrap_on_path,
):
    with pytest.warns(sandbox.SandboxUnavailable) as caught:
        caps = sandbox.capabilities()
    assert caps.bwrap is None
    gap = next(g for g in caps.missing() if g.startswith("bubblewrap is not installed"))
    assert "the `bubblewrap` package" in gap
    assert "`apt-get install bubblewrap`" in gap and "make system-deps" in gap
    assert "NO filesystem, network or process isolation" in gap
    assert any(gap in str(w.message) for w in caught)
    for other in caps.missing():  # e.g. "student code runs as ROOT" as root: say the cure too
        if "bubblewrap" in other:
            assert "apt-get install bubblewrap" in other


@pytest.mark.integration
def test_issue15_grading_without_bwrap_on_path_says_what_to_install(
    hw0_source, submission, tmp_path
):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "DEEPCOURSE_NO_CGROUP": "1"}
    env.pop("DEEPCOURSE_NO_BWRAP", None)
    done = subprocess.run(
        [sys.executable, "-m", "deepcourse", "grade", str(hw0_source), str(submission())],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "apt-get install bubblewrap" in done.stderr.replace("\n", " ")
    warnings = json.loads(done.stdout)[0]["sandbox_warnings"]
    assert sandbox.BUBBLEWRAP_MISSING in warnings
