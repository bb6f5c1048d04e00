"""Many processes requesting seats at once, against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from coursedb_fixtures import run_cli, subprocess_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WORKER = Path(__file__).with_name("seat_worker.py")
PROCESSES = 6
STUDENTS = 30
CAPACITY = 7


def sid(i: int) -> str:
    return f"{i:09d}"


def test_under_concurrent_requests_the_course_never_holds_more_than_its_capacity_and_no_student_is_listed_twice(
    db_url, tmp_path
):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "student_id,name,email,completed\n"
        + "".join(f"{sid(i)},S {i},s{i}@t.ac.il,046195\n" for i in range(1, STUDENTS + 1))
    )
    run_cli(db_url, tmp_path, "students", "import", str(roster))
    run_cli(db_url, tmp_path, "enroll", "capacity", str(CAPACITY))

    # Each process requests its share of students plus a few ids another process also requests
    # (the same student twice at once); two processes also drop students they requested.
    shares = [[sid(i) for i in range(p + 1, STUDENTS + 1, PROCESSES)] for p in range(PROCESSES)]
    for p in range(PROCESSES):
        shares[p] += shares[(p + 1) % PROCESSES][:2]
    shares[0].append(f"{sid(1)}:drop")
    shares[1].append(f"{sid(2)}:drop")

    start = tmp_path / "start"
    env = subprocess_env(db_url, tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(start), *share],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for share in shares
    ]
    start.touch()
    outputs = [p.communicate(timeout=240) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err

    text = run_cli(db_url, tmp_path, "roster", "--format", "csv").stdout
    lines = list(csv.DictReader(io.StringIO(text)))
    ids = [line["student_id"] for line in lines]
    enrolled = [line for line in lines if line["state"] == "enrolled"]
    waitlisted = [line for line in lines if line["state"] == "waitlisted"]
    assert len(ids) == len(set(ids)), "a student is listed twice"
    assert len(enrolled) == CAPACITY, "the course holds more (or fewer) than its capacity"
    assert [int(line["position"]) for line in waitlisted] == list(range(1, len(waitlisted) + 1))
    # everyone who requested is registered except the two who dropped (if their request came first)
    assert len(ids) in (STUDENTS - 2, STUDENTS - 1, STUDENTS)
