"""Errors of the tutorial runner.

TutorialError                 base class
├── TutorialNotFound          no tutorial for the unit asked for
└── TutorialNameError         a file in course/tutorials/ whose name matches no syllabus unit
"""

from __future__ import annotations


class TutorialError(Exception):
    """Base class for tutorial discovery and execution errors."""


class TutorialNotFound(TutorialError):
    """No tutorial exists for the requested unit."""


class TutorialNameError(TutorialError):
    """A tutorial file name does not match ``NN-<unit slug>.py`` for a unit of the syllabus."""
