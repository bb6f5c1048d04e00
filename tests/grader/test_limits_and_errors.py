"""Limits with defaults and overrides; errors that keep their context across processes."""

from __future__ import annotations

import pickle

import pytest

from deepcourse.grader import (
    AssignmentError,
    Limits,
    SolutionFailsTests,
    WorkerDidNotStart,
    WorkerDied,
)


def test_overrides_replace_only_what_is_given():
    limits = Limits().with_overrides({"cell_seconds": 5, "memory_mib": None})
    assert limits.cell_seconds == 5 and limits.memory_mib == Limits().memory_mib


def test_an_unknown_or_non_positive_limit_is_refused_with_the_known_names():
    with pytest.raises(AssignmentError, match="unknown limit 'cpu'.*cell_seconds"):
        Limits().with_overrides({"cpu": 1})
    with pytest.raises(AssignmentError, match="must be positive"):
        Limits().with_overrides({"memory_mib": 0})


def test_errors_survive_pickling_with_their_context():
    for exc in (
        SolutionFailsTests("solution fails q1", grade_id="q1-test", detail="Traceback ..."),
        WorkerDied("the process died", exit_code=-9, oom=True),
        WorkerDidNotStart("the sandbox's Python did not start", exit_code=2, output="bwrap: ..."),
    ):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc) and back.context == exc.context


@pytest.mark.integration
def test_the_package_does_not_import_the_portal_or_django():
    import subprocess
    import sys

    code = "import sys, deepcourse.grader; print(any(m.startswith(('django', 'deepcourse.portal')) for m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
        == "False"
    )
