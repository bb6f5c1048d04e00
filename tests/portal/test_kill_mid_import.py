"""An import killed mid-transaction (SIGKILL) leaves the database unchanged."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from coursedb_fixtures import count_rows, run_cli, subprocess_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WORKER = Path(__file__).with_name("import_worker.py")


def test_an_import_killed_mid_transaction_leaves_the_database_unchanged(db_url, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("student_id,name,email,completed\n000000001,Ada,ada@t.ac.il,046195\n")
    run_cli(db_url, tmp_path, "students", "import", str(first))
    before = {t: count_rows(db_url, t) for t in ("coursedb_student", "auth_user")}

    big = tmp_path / "big.csv"
    big.write_text(
        "student_id,name,email,completed\n"
        + "".join(f"{i:09d},S {i},s{i}@t.ac.il,046195\n" for i in range(2, 2002))
    )
    marker = tmp_path / "mid-transaction"
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), str(big), str(marker)],
        env=subprocess_env(db_url, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(12000):  # up to ~120 s for the worker to reach the middle of its transaction
            if marker.exists() or proc.poll() is not None:
                break
            time.sleep(0.01)
        assert marker.exists(), f"the import never reached mid-transaction: {proc.communicate()[1]}"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    after = {t: count_rows(db_url, t) for t in ("coursedb_student", "auth_user")}
    assert after == before
    # and the database still works: the same import now applies in full
    run_cli(db_url, tmp_path, "students", "import", str(big))
    assert count_rows(db_url, "coursedb_student") == 2001
