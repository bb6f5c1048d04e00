"""``deepcourse db migrate`` in a fresh process, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from deepcourse.portal.pytest_plugin import run_cli

pytestmark = pytest.mark.integration


def test_db_migrate_is_idempotent_and_loads_the_course(db_url, tmp_path):
    result = run_cli(db_url, tmp_path, "db", "migrate")  # the template is already migrated
    assert "course 046211 Deep Learning loaded (capacity 40, 3 staff)" in result.stdout.replace(
        "\n", " "
    )
    assert (
        run_cli(db_url, tmp_path, "roster", "--format", "csv").stdout
        == "student_id,state,position\n"
    )


def test_an_unsupported_database_url_exits_2_with_the_expected_forms(tmp_path):
    result = run_cli("mysql://x/y", tmp_path, "roster", check=False)
    assert result.returncode == 2
    assert "expected sqlite:///PATH or postgresql://" in result.stderr
