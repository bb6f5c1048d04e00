"""Fixtures for the grader's tests: the HW0 sample assignment, released once, and submissions.

``submission(answers)`` writes a student notebook in which each named answer cell holds the
given code and every other answer cell holds the instructor's correct solution, so a test states
exactly which questions a hostile submission should still earn.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from tests_support import REPO_ROOT

from deepcourse.grader import Bundle, Limits, release_assignment
from deepcourse.grader.release import Release
from deepcourse.grader.source import load_source

HW0_SOURCE = REPO_ROOT / "course" / "homework" / "hw0" / "hw0-source.ipynb"
#: HW0's autograded points per question.
POINTS = {"q1": 2.0, "q2": 3.0, "q3": 2.0}
FULL = sum(POINTS.values())

#: Tight limits so hostile submissions fail fast on a slow shared machine.
REDTEAM_LIMITS = Limits(
    cell_seconds=4, submission_seconds=90, memory_mib=768, pids=64, file_mib=16, scratch_mib=64
)


@pytest.fixture(autouse=True)
def _sandbox_layers(request: pytest.FixtureRequest) -> None:
    """Integration tests need bubblewrap and cgroups: skip without them, except under CI."""
    if request.node.get_closest_marker("integration") is None:
        return
    from deepcourse.grader import capabilities

    missing = capabilities().missing()
    if missing and os.environ.get("CI") == "true":
        pytest.fail("CI=true but the sandbox is degraded: " + "; ".join(missing))
    if missing:
        pytest.skip("sandbox degraded: " + "; ".join(missing))


@pytest.fixture(scope="session")
def hw0_source() -> Path:
    return HW0_SOURCE


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> Release:
    return release_assignment(HW0_SOURCE, tmp_path_factory.mktemp("hw0-release"))


@pytest.fixture(scope="session")
def bundle(released: Release) -> Bundle:
    return released.bundle


@pytest.fixture(scope="session")
def solutions() -> dict[str, str]:
    nb = load_source(HW0_SOURCE)
    return {c.grade_id: c.source for c in nb.cells if c.kind == "solution"}


@pytest.fixture
def submission(tmp_path: Path, released: Release, solutions: dict[str, str]) -> Callable[..., Path]:
    """Build a submission: ``answers`` maps ``q1``..``q3`` (or a grade_id) to code."""

    def make(
        answers: dict[str, str] | None = None, *, name: str = "student.ipynb", edit=None
    ) -> Path:
        data = json.loads(released.student_notebook.read_text())
        chosen = {(k if "-" in k else f"{k}-answer"): v for k, v in (answers or {}).items()}
        for cell in data["cells"]:
            gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if gid in solutions:
                cell["source"] = chosen.get(gid, solutions[gid])
        if edit:
            edit(data)
        path = tmp_path / name
        path.write_text(json.dumps(data))
        return path

    return make


@pytest.fixture
def all_output() -> Callable[[object], str]:
    """Everything a student could see of a result: outputs, messages, notes."""

    def text(result) -> str:
        parts = [o.stdout + o.stderr + (o.result or "") + o.error for o in result.outputs]
        parts += [t.message for t in result.tests] + list(result.notes) + [result.error]
        return "\n".join(parts)

    return text


@pytest.fixture(params=["fresh-sandbox", "zygote"])
def grade_hostile(request, bundle: Bundle, submission) -> Callable[..., object]:
    """Grade a submission built from ``answers`` under the tight red-team limits, both in a
    fresh sandbox and in a child of a pooled zygote (the batch path when running as root)."""
    from deepcourse.grader import grade_submission
    from deepcourse.grader.pool import ZygotePool

    pool = None
    if request.param == "zygote":
        if os.getuid() != 0:
            pytest.skip("zygotes need the grader to run as root")
        pool = ZygotePool(size=1, limits=REDTEAM_LIMITS, preload=bundle.preload)
        request.addfinalizer(pool.close)

    def run(answers: dict[str, str] | None = None, *, limits: Limits = REDTEAM_LIMITS, **kw):
        return grade_submission(bundle, submission(answers, **kw), limits=limits, pool=pool)

    return run
