"""``deepcourse db migrate`` in a fresh process, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from coursedb_fixtures import run_cli

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


@pytest.mark.slow
def test_serve_migrates_loads_the_course_and_serves_the_home_page(tmp_path):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from coursedb_fixtures import subprocess_env

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = subprocess_env(f"sqlite:///{tmp_path / 'serve.sqlite3'}", tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "deepcourse", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = b""
        for _ in range(600):  # up to ~60 s to migrate and start
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read()
                break
            except OSError:
                time.sleep(0.1)
        assert b"046211 Deep Learning" in body, (
            proc.stdout.read() if proc.poll() is not None else ""
        )
        assert b"0 of 40 taken" in body
    finally:
        proc.terminate()
        proc.wait(timeout=30)
