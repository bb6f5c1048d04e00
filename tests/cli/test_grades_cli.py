"""``deepcourse grades compute`` and ``deepcourse grades what-if``."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from tests_support import REPO_ROOT
from typer.testing import CliRunner

from deepcourse.cli import app

runner = CliRunner()

SHEET = """student_id,name,hw0,hw1,hw2,hw3,project,exam,practice
300000001,Ada,pass,90,85,80,88,75,50
300000002,Ben,Pass,90,85,,88,54.5,100
300000003,Cy,pass,90,85,,88,,
300000004,Dee,PASS,100,100,100,100,100,100
300000005,Eve,fail,100,100,100,100,100,
"""


def run(*args: str, sheet: str | None = None, tmp_path=None):
    argv = list(args)
    if sheet is not None:
        path = tmp_path / "grades.csv"
        path.write_text(sheet, encoding="utf-8")
        argv.append(str(path))
    return runner.invoke(app, ["grades", *argv])


def test_compute_prints_student_id_final_status_in_input_order(tmp_path):
    result = run("compute", sheet=SHEET, tmp_path=tmp_path)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["student_id", "final", "status"]
    assert rows[1:] == [
        ["300000001", "83", "pass"],
        ["300000002", "54", "fail"],
        ["300000003", "", "incomplete"],
        ["300000004", "100", "pass"],
        ["300000005", "", "incomplete"],
    ]


def test_compute_json_is_a_list_of_objects(tmp_path):
    result = run("compute", "--format", "json", sheet=SHEET, tmp_path=tmp_path)
    data = json.loads(result.stdout)
    assert data[0] == {"student_id": "300000001", "final": 83, "status": "pass"}
    assert data[2]["final"] is None


def test_explain_adds_the_rule_and_each_components_points(tmp_path):
    result = run("compute", "--explain", sheet=SHEET, tmp_path=tmp_path)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:3] == ["student_id", "final", "status"]
    ada = rows[0]
    assert ada["rule"] == "weighted"
    assert (ada["hw1_points"], ada["project_points"], ada["exam_points"], ada["bonus_points"]) == (
        "9",
        "26.4",
        "30",
        "1",
    )
    assert rows[1]["rule"] == "fail_rule" and rows[1]["exam_points"] == "54.5"


def test_practice_column_is_optional(tmp_path):
    sheet = "student_id,hw0,hw1,hw2,hw3,project,exam\n1,pass,80,80,80,80,80\n"
    result = run("compute", sheet=sheet, tmp_path=tmp_path)
    assert result.exit_code == 0 and result.stdout.splitlines()[1] == "1,80,pass"


@pytest.mark.parametrize(
    ("sheet", "fragments"),
    [
        (
            "student_id,hw0,hw1,hw2,hw3,project,exam\n1,pass,101,0,0,60,60\n",
            ["line 2", "'hw1'", "101", "0 to 100"],
        ),
        (
            "student_id,hw0,hw1,hw2,hw3,project,exam\n1,pass,80,80,80,sixty,60\n",
            ["line 2", "'project'", "sixty", "not a number"],
        ),
        ("student_id,hw0,hw1,hw2,hw3,project,exam\n1,pass,80,80,80,-5,60\n", ["'project'", "-5"]),
        (
            "student_id,hw0,hw1,hw2,hw3,project,exam\n1,maybe,80,80,80,60,60\n",
            ["line 2", "'hw0'", "maybe", "pass or fail"],
        ),
        (
            "student_id,hw0,hw1,hw2,hw3,project,exam\n1,pass,80,80,80,60,60\n2,pass,1,1,1,60,60\n1,pass,1,1,1,1,1\n",
            ["line 4", "duplicate student_id 1", "line 2"],
        ),
        ("student_id,hw0,hw1,hw2,project,exam\n1,pass,80,80,60,60\n", ["missing column", "hw3"]),
        (
            "student_id,hw0,hw1,hw2,hw3,project,exam,practice\n1,pass,80,80,80,60,60,150\n",
            ["'practice'", "150"],
        ),
        ("", ["empty"]),
    ],
)
def test_bad_input_exits_2_naming_the_row_column_and_value_and_prints_nothing(
    tmp_path, sheet, fragments
):
    result = run("compute", sheet=sheet, tmp_path=tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr


def test_a_bad_row_after_good_ones_still_prints_nothing(tmp_path):
    sheet = SHEET + "300000009,pass,80,80,80,60,NaN,\n"
    result = run("compute", sheet=sheet, tmp_path=tmp_path)
    assert result.exit_code == 2 and result.stdout == "" and "line 7" in result.stderr


def test_what_if_reports_the_lowest_exam_and_the_hw3_opt_out(tmp_path):
    result = run(
        "what-if",
        "--hw1",
        "90",
        "--hw2",
        "85",
        "--hw3",
        "80",
        "--project",
        "88",
        "--practice",
        "50",
        "--target",
        "85",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    as_given, opted_out = json.loads(result.stdout)
    assert (as_given["lowest_whole_exam"], as_given["hw3_opted_out"]) == (79, False)
    assert (opted_out["lowest_exam"], opted_out["lowest_whole_exam"]) == ("79.2", 80)


def test_what_if_says_not_reachable(tmp_path):
    result = run("what-if", "--project", "55", "--target", "95", "--format", "json")
    (answer,) = json.loads(result.stdout)
    assert answer["reachable"] is False and answer["lowest_exam"] is None


def test_what_if_rejects_a_grade_out_of_range():
    result = run("what-if", "--project", "120")
    assert result.exit_code == 2 and "--project" in result.stderr and "120" in result.stderr


def _readme_block(name: str) -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name} -->\s*```csv\n(.*?)```", text, re.S)
    assert match, f"README.md has no ```csv block after <!-- {name} -->"
    return match.group(1)


def test_the_readme_worked_examples_are_what_the_engine_computes(tmp_path):
    result = run(
        "compute", "--explain", sheet=_readme_block("grade-examples-input"), tmp_path=tmp_path
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == _readme_block("grade-examples-output")
