"""The course's tutorials: discover ``course/tutorials/NN-slug.py``, execute them, build them.

Public API::

    discover_tutorials(course=None, folder=None) -> list[Tutorial]
    select_tutorials(tutorials, units) -> list[Tutorial]
    run_tutorial(tutorial) -> TutorialResult
    build_tutorial(tutorial, out_dir) -> (TutorialResult, [paths])
"""

from deepcourse.tutorials.build import build_tutorial
from deepcourse.tutorials.discover import Tutorial, discover_tutorials, select_tutorials
from deepcourse.tutorials.exceptions import TutorialError, TutorialNameError, TutorialNotFound
from deepcourse.tutorials.runner import CellFailure, TutorialResult, run_tutorial

__all__ = [
    "CellFailure",
    "Tutorial",
    "TutorialError",
    "TutorialNameError",
    "TutorialNotFound",
    "TutorialResult",
    "build_tutorial",
    "discover_tutorials",
    "run_tutorial",
    "select_tutorials",
]
