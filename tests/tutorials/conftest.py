"""A throwaway copy of the course definition with tutorials written by the test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def scratch_course(course_dir: Path, tmp_path: Path) -> Path:
    """``course/`` without its tutorials, copied to a temporary folder; add tutorials to it."""
    root = tmp_path / "course"
    shutil.copytree(
        course_dir, root, ignore=shutil.ignore_patterns("tutorials", "homework", "quizzes")
    )
    (root / "tutorials").mkdir()
    return root
