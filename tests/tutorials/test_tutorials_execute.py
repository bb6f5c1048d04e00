"""Every tutorial in course/tutorials/ executes end to end and its assertions hold.

One test per ``NN-slug.py`` file, discovered at collection time, so a new tutorial is run by CI
as soon as it is added.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deepcourse.course import load_course
from deepcourse.tutorials import discover_tutorials, run_tutorial

COURSE_DIR = Path(__file__).resolve().parents[2] / "course"
TUTORIALS = discover_tutorials(load_course(COURSE_DIR))


@pytest.mark.tutorial
@pytest.mark.slow
@pytest.mark.parametrize("tutorial", TUTORIALS, ids=[t.name for t in TUTORIALS])
def test_tutorial_executes_and_its_assertions_hold(tutorial) -> None:
    result = run_tutorial(tutorial)
    if not result.ok:
        pytest.fail(
            f"{tutorial.name}: {result.failure.summary()}\n{result.failure.traceback}",
            pytrace=False,
        )
