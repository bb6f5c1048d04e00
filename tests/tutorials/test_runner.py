"""Executing tutorials in a real kernel, and the CLI over it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deepcourse.cli import app
from deepcourse.course import load_course
from deepcourse.tutorials import discover_tutorials, run_tutorial

pytestmark = pytest.mark.integration

PASSING = """# %% [markdown]
# A tutorial that passes.
# %%
import os
import deepcourse
print(deepcourse.__file__, os.environ["PYTHONHASHSEED"])
"""
FAILING = """# %%
x = 1
# %%
assert x == 2, "the measured rate is off"
# %%
print("never reached")
"""


def test_a_passing_tutorial_runs_in_a_kernel_that_imports_this_checkouts_deepcourse(
    scratch_course: Path,
) -> None:
    (scratch_course / "tutorials" / "02-optimization.py").write_text(PASSING)
    (tutorial,) = discover_tutorials(load_course(scratch_course))
    result = run_tutorial(tutorial)
    assert result.ok and result.failure is None and result.seconds > 0
    printed = result.notebook.cells[1].outputs[0]["text"]
    import deepcourse

    assert printed.split()[0] == deepcourse.__file__
    assert printed.split()[1] == "0"


def test_a_failing_tutorial_reports_the_cell_and_the_error(scratch_course: Path) -> None:
    (scratch_course / "tutorials" / "03-efficient-differentiation.py").write_text(FAILING)
    (tutorial,) = discover_tutorials(load_course(scratch_course))
    result = run_tutorial(tutorial)
    assert not result.ok
    assert result.failure.cell_index == 1
    assert result.failure.ename == "AssertionError"
    assert result.failure.evalue == "the measured rate is off"
    assert "assert x == 2" in result.failure.summary()


def test_cli_run_reports_pass_and_fail_and_exits_nonzero_on_failure(scratch_course: Path) -> None:
    (scratch_course / "tutorials" / "02-optimization.py").write_text(PASSING)
    (scratch_course / "tutorials" / "03-efficient-differentiation.py").write_text(FAILING)
    result = CliRunner().invoke(
        app, ["tutorials", "run", "--all", "--course-dir", str(scratch_course)]
    )
    assert result.exit_code == 1
    assert "PASS 02-optimization" in result.stdout
    assert "FAIL 03-efficient-differentiation" in result.stdout
    assert "1 passed, 1 failed" in result.stdout
    assert "the measured rate is off" in result.stderr


def test_cli_build_writes_an_executed_notebook_and_html(
    scratch_course: Path, tmp_path: Path
) -> None:
    (scratch_course / "tutorials" / "02-optimization.py").write_text(PASSING)
    out_dir = tmp_path / "built"
    result = CliRunner().invoke(
        app, ["tutorials", "build", "2", "--out", str(out_dir), "--course-dir", str(scratch_course)]
    )
    assert result.exit_code == 0, result.output
    notebook = json.loads((out_dir / "02-optimization.ipynb").read_text())
    assert notebook["cells"][1]["outputs"], "the built notebook carries its outputs"
    assert "A tutorial that passes." in (out_dir / "02-optimization.html").read_text()


def test_cli_build_reports_a_failing_tutorial_like_run_and_exits_nonzero(
    scratch_course: Path, tmp_path: Path
) -> None:
    (scratch_course / "tutorials" / "03-efficient-differentiation.py").write_text(FAILING)
    result = CliRunner().invoke(
        app,
        ["tutorials", "build", "3", "--out", str(tmp_path), "--course-dir", str(scratch_course)],
    )
    assert result.exit_code == 1
    assert "FAIL 03-efficient-differentiation" in result.stdout
    assert "0 passed, 1 failed" in result.stdout
    assert "the measured rate is off" in result.stderr
