"""Where the course database is: ``deepcourse db path`` and ``make clean`` (issue 15, item 4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deepcourse.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_db_env(monkeypatch):
    monkeypatch.delenv("DEEPCOURSE_DATABASE_URL", raising=False)
    monkeypatch.delenv("DEEPCOURSE_DATA_DIR", raising=False)


def test_issue15_db_path_is_in_the_user_data_folder_by_default(no_db_env, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    result = runner.invoke(app, ["db", "path"])
    assert result.exit_code == 0, result.output
    expected = tmp_path / ".local" / "share" / "deepcourse" / "deepcourse.sqlite3"
    assert result.stdout == f"{expected}\n"
    assert not expected.parent.exists()  # printing the path creates nothing


def test_issue15_db_path_follows_the_data_dir_variable(no_db_env, monkeypatch, tmp_path):
    monkeypatch.setenv("DEEPCOURSE_DATA_DIR", str(tmp_path / "data"))
    result = runner.invoke(app, ["db", "path"])
    assert result.stdout == f"{tmp_path / 'data' / 'deepcourse.sqlite3'}\n"


def test_issue15_db_path_follows_the_database_url_and_hides_the_password(no_db_env, monkeypatch):
    monkeypatch.setenv("DEEPCOURSE_DATABASE_URL", "postgresql://ta:secret@db.example:6543/course")
    result = runner.invoke(app, ["db", "path"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "postgresql://ta@db.example:6543/course\n"
    monkeypatch.setenv("DEEPCOURSE_DATABASE_URL", "sqlite:////srv/course/db.sqlite3")
    assert runner.invoke(app, ["db", "path"]).stdout == "/srv/course/db.sqlite3\n"


def test_db_path_with_a_bad_url_exits_2_naming_the_expected_forms(no_db_env, monkeypatch):
    monkeypatch.setenv("DEEPCOURSE_DATABASE_URL", "mysql://x/y")
    result = runner.invoke(app, ["db", "path"])
    assert result.exit_code == 2
    assert "expected sqlite:///PATH" in result.stderr and result.stdout == ""


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_issue15_make_clean_leaves_the_database_alone_and_names_it(tmp_path):
    work = tmp_path / "clone"
    (work / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(REPO / "Makefile", work / "Makefile")
    cli = work / ".venv" / "bin" / "deepcourse"
    cli.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m deepcourse "$@"\n')
    cli.chmod(0o755)
    data = tmp_path / "data"
    data.mkdir()
    (data / "deepcourse.sqlite3").write_bytes(b"the course")
    env = {**os.environ, "DEEPCOURSE_DATA_DIR": str(data)}
    env.pop("DEEPCOURSE_DATABASE_URL", None)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        ["make", "clean"], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert f"the course database is left alone: {data / 'deepcourse.sqlite3'}\n" in result.stdout
    assert (data / "deepcourse.sqlite3").read_bytes() == b"the course"
    assert not (work / ".venv").exists()
