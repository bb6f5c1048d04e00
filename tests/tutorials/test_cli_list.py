"""``deepcourse tutorials list`` and argument errors (no kernels)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from deepcourse.cli import app


def test_list_as_json_names_each_tutorials_unit_and_file(course_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["tutorials", "list", "--json", "--course-dir", str(course_dir)]
    )
    assert result.exit_code == 0, result.output
    rows = {row["unit"]: row for row in json.loads(result.stdout)}
    assert rows[2]["slug"] == "optimization" and rows[2]["path"].endswith("02-optimization.py")
    assert rows[3]["title"] == "Efficient Differentiation"


def test_run_without_units_or_all_asks_for_one(course_dir: Path) -> None:
    result = CliRunner().invoke(app, ["tutorials", "run", "--course-dir", str(course_dir)])
    assert result.exit_code == 2
    assert "name the units to run" in result.stderr


def test_run_of_a_unit_without_a_tutorial_is_bad_input(scratch_course: Path) -> None:
    result = CliRunner().invoke(app, ["tutorials", "run", "9", "--course-dir", str(scratch_course)])
    assert result.exit_code == 2
    assert "no tutorial for unit 9" in result.stderr
