"""``deepcourse info`` and ``deepcourse syllabus``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from deepcourse.cli import app

runner = CliRunner()


def test_syllabus_json_lists_13_units_of_27_hours_25_in_winter_2024():
    result = runner.invoke(app, ["syllabus", "--format", "json"])
    assert result.exit_code == 0, result.output
    units = json.loads(result.stdout)
    assert len(units) == 13
    for unit in units:
        assert {"number", "title", "hours", "topics", "in_winter_2024"} <= unit.keys()
    assert sum(u["hours"] for u in units) == 27
    assert sum(u["hours"] for u in units if u["in_winter_2024"]) == 25
    assert [u["number"] for u in units if not u["in_winter_2024"]] == [11]


def test_syllabus_in_hebrew_prints_hebrew_titles():
    result = runner.invoke(app, ["syllabus", "--lang", "he"])
    assert result.exit_code == 0
    assert "אופטימיזציה" in result.stdout and "Optimization" not in result.stdout


def test_syllabus_in_english_marks_unit_11_as_outside_winter_2024():
    result = runner.invoke(app, ["syllabus"])
    assert result.exit_code == 0
    assert "Efficient Differentiation" in result.stdout
    assert "not in Winter 2024" in result.stdout


def test_info_names_the_three_staff_and_both_prerequisites():
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    for text in (
        "Daniel Soudry",
        "Tal Daniel",
        "Noam Kasten",
        "046195",
        "236756",
        "Capacity 40",
        "Tuesday 10:30-12:30",
        "Meyer 352",
    ):
        assert text in result.stdout


def test_info_reports_a_broken_course_folder_with_exit_code_2(tmp_path):
    (tmp_path / "course.toml").write_text("[offering\n", encoding="utf-8")
    result = runner.invoke(app, ["info", "--course-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "course.toml" in result.stderr and "valid TOML" in result.stderr
    assert result.stdout == ""
