"""Benchmark: a MOOC-sized offering (10,000 students) through the course database.

Steps, each timed on SQLite (a temporary file, WAL) and on a throwaway PostgreSQL cluster when
one can be started here (Debian's ``postgresql`` package):

1. import a 10,000-student roster from CSV (one transaction);
2. raise the capacity to 10,000 and enroll everyone (one transaction, the same rules);
3. 100 more single seat requests (each its own locked transaction, on the full roster: waitlisted);
4. import 7 grade columns for all 10,000 students (70,000 audited cells, one transaction);
5. compute the gradebook report (every final grade through the policy engine);
6. export it as Moodle CSV.

The baseline ("policy engine alone") computes the same 10,000 final grades from in-memory
components, with no database: the report's overhead over it is the cost of the database.

Usage::

    python benchmarks/bench_gradebook.py [--students 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

STEPS = (
    ("roster", "import the roster (CSV, one transaction)"),
    ("enroll", "enroll everyone (one transaction)"),
    ("requests", "100 single requests (100 transactions)"),
    ("grades", "import 7 grade columns (audited)"),
    ("report", "gradebook report (policy engine)"),
    ("export", "Moodle CSV export"),
)


def _grade(i: int, k: int) -> str:
    return str(40 + (i * 7 + k * 13) % 60)  # 40..99


def run_one(url: str, students: int) -> dict[str, float]:
    """Time every step against ``url`` (run in a child process: one Django setup per database)."""
    os.environ["DEEPCOURSE_DATABASE_URL"] = url
    os.environ.setdefault("DEEPCOURSE_SECRET_KEY", "bench")
    os.environ["DEEPCOURSE_EMAIL_BACKEND"] = "locmem"
    from deepcourse.portal import django_setup

    django_setup()
    from django.core.management import call_command

    from deepcourse.course import load_course
    from deepcourse.portal.coursedb import services

    call_command("migrate", interactive=False, verbosity=0)
    services.course_load(course=load_course())
    ids = [f"{i:09d}" for i in range(1, students + 101)]
    roster = "student_id,name,email,completed\n" + "".join(
        f"{sid},Student {sid},{sid}@campus.technion.ac.il,046195\n" for sid in ids
    )
    grades = "student_id,hw0,hw1,hw2,hw3,project,exam,practice\n" + "".join(
        f"{sid},pass,{_grade(i, 1)},{_grade(i, 2)},{_grade(i, 3)},{_grade(i, 4)},"
        f"{_grade(i, 5)}.5,{_grade(i, 6)}\n"
        for i, sid in enumerate(ids[:students])
    )
    t: dict[str, float] = {}

    start = time.perf_counter()
    services.students_import(text=roster, apply=True)
    t["roster"] = time.perf_counter() - start

    start = time.perf_counter()
    services.offering_capacity_set(capacity=students)
    services.enrollment_request_many(student_ids=ids[:students])
    t["enroll"] = time.perf_counter() - start

    start = time.perf_counter()
    for sid in ids[students:]:
        services.enrollment_request(student_id=sid)
    t["requests"] = time.perf_counter() - start

    start = time.perf_counter()
    services.grades_import(text=grades, apply=True, actor="bench")
    t["grades"] = time.perf_counter() - start

    start = time.perf_counter()
    rows = services.gradebook_rows()
    t["report"] = time.perf_counter() - start
    assert len(rows) == students and all(r.final is not None for r in rows)

    start = time.perf_counter()
    text = services.grades_export_moodle()
    t["export"] = time.perf_counter() - start
    assert text.count("\n") == students + 1
    return t


def baseline(students: int) -> float:
    """The same final grades from in-memory components, no database."""
    from deepcourse.course import load_course
    from deepcourse.course.policy import Components, compute_final

    policy = load_course().assessment.policy
    comps = [
        Components(
            "pass",
            *(Decimal(_grade(i, k)) for k in (1, 2, 3, 4)),
            Decimal(_grade(i, 5) + ".5"),
            Decimal(_grade(i, 6)),
        )
        for i in range(students)
    ]
    start = time.perf_counter()
    for c in comps:
        compute_final(c, policy)
    return time.perf_counter() - start


def child(url: str, students: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, __file__, "--students", str(students), "--url", url],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark on {url.split(':')[0]} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--url", help=argparse.SUPPRESS)  # internal: run one database
    args = parser.parse_args()
    if args.url:
        print(json.dumps(run_one(args.url, args.students)))
        return

    # the throwaway cluster is test infrastructure, kept under tests/support
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
    from throwaway_postgres import PostgresUnavailable, ThrowawayPostgres

    columns: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="deepcourse-bench-") as tmp:
        columns["SQLite (WAL)"] = child(f"sqlite:///{tmp}/bench.sqlite3", args.students)
    try:
        server = ThrowawayPostgres.start()
    except PostgresUnavailable as exc:
        print(f"PostgreSQL not measured: {exc}", file=sys.stderr)
    else:
        try:
            columns["PostgreSQL"] = child(server.create_database("bench"), args.students)
        finally:
            server.stop()
    base = baseline(args.students)

    names = list(columns)
    print(
        f"\n{args.students:,} students; {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs\n"
    )
    print("| step | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for key, label in STEPS:
        print(f"| {label} | " + " | ".join(f"{columns[n][key]:.2f} s" for n in names) + " |")
    print(
        f"| baseline: policy engine alone, no database | {base:.2f} s |" + " |" * (len(names) - 1)
    )


if __name__ == "__main__":
    main()
