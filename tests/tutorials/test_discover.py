"""Finding tutorials and mapping them to syllabus units (no kernels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepcourse.course import load_course
from deepcourse.tutorials import (
    TutorialNameError,
    TutorialNotFound,
    discover_tutorials,
    select_tutorials,
)

CELL = "# %%\nx = 1\n"


def test_tutorials_are_found_by_unit_number_with_the_units_title(scratch_course: Path) -> None:
    for name in ("03-efficient-differentiation.py", "02-optimization.py", "_helpers.py"):
        (scratch_course / "tutorials" / name).write_text(CELL)
    found = discover_tutorials(load_course(scratch_course))
    assert [(t.unit, t.slug, t.title) for t in found] == [
        (2, "optimization", "Optimization"),
        (3, "efficient-differentiation", "Efficient Differentiation"),
    ]


def test_a_file_with_the_wrong_slug_is_an_error_that_names_the_right_one(
    scratch_course: Path,
) -> None:
    (scratch_course / "tutorials" / "02-optimisation.py").write_text(CELL)
    with pytest.raises(TutorialNameError, match="rename the file to 02-optimization.py"):
        discover_tutorials(load_course(scratch_course))


def test_a_file_for_a_unit_that_does_not_exist_is_an_error(scratch_course: Path) -> None:
    (scratch_course / "tutorials" / "42-answers.py").write_text(CELL)
    with pytest.raises(TutorialNameError, match="there is no unit 42 in the syllabus"):
        discover_tutorials(load_course(scratch_course))


def test_a_file_not_named_nn_slug_is_an_error(scratch_course: Path) -> None:
    (scratch_course / "tutorials" / "optimization.py").write_text(CELL)
    with pytest.raises(TutorialNameError, match="named NN-<unit slug>.py"):
        discover_tutorials(load_course(scratch_course))


def test_selecting_a_unit_without_a_tutorial_lists_those_that_exist(scratch_course: Path) -> None:
    (scratch_course / "tutorials" / "02-optimization.py").write_text(CELL)
    found = discover_tutorials(load_course(scratch_course))
    with pytest.raises(
        TutorialNotFound, match=r"no tutorial for unit 7 \(tutorials exist for units: 2\)"
    ):
        select_tutorials(found, [7])


def test_the_repositorys_tutorials_include_units_2_and_3(course_dir: Path) -> None:
    units = {t.unit for t in discover_tutorials(load_course(course_dir))}
    assert {2, 3} <= units
