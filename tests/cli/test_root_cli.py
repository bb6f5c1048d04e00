"""``deepcourse`` alone and ``deepcourse --version`` (issue 15, item 1)."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from deepcourse.cli import app, package_version

runner = CliRunner()


def test_issue15_deepcourse_with_no_arguments_shows_the_help_and_exits_0():
    result = runner.invoke(app, [])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    for command in ("serve", "grades", "db", "tutorials"):
        assert command in result.output


def test_issue15_version_prints_the_package_metadata_version_and_exits_0():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"deepcourse {importlib.metadata.version('deepcourse')}\n"
    assert re.fullmatch(r"deepcourse \d+\.\d+\.\d+\S*\n", result.stdout)


def test_issue15_version_falls_back_to_the_source_tree_when_not_installed(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    from deepcourse import __version__

    assert package_version() == __version__


def test_an_unknown_command_is_still_a_usage_error():
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2


@pytest.mark.integration
def test_issue15_the_real_command_with_no_arguments_exits_0_with_the_help_on_stdout():
    result = subprocess.run(
        [sys.executable, "-m", "deepcourse"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and result.stderr == ""
