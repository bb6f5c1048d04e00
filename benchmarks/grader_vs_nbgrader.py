"""Throughput of ``deepcourse.grader`` against nbgrader's ``autograde``, same run, same files.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python benchmarks/grader_vs_nbgrader.py [--submissions 20] [--jobs 2]

On first use it creates ``benchmarks/.venv-nbgrader`` with nbgrader 0.9.6 (git-ignored; see
``benchmarks/nbgrader_env.py``); a ``.pth`` file there lets nbgrader's kernel import this
project's numpy and torch, so both graders run the same libraries. Two assignments are graded, each with three autograded questions in
nbgrader's own format (plain ``assert`` tests, one hidden): ``numpy`` and ``torch`` (a locked
cell imports torch, as the course's homework does). nbgrader runs serially (its only mode);
deepcourse runs with ``--jobs`` warm sandboxed workers. Every submission is correct, and both
graders must give every one full marks, or the run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbgrader_env  # beside this file: the one place that makes the nbgrader venv

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"


def _cell(cell_type: str, source: str, **nbgrader) -> dict:
    cell = {
        "cell_type": cell_type,
        "id": nbgrader.get("grade_id", f"c{abs(hash(source)) % 10**8}"),
        "metadata": {},
        "source": source,
    }
    if nbgrader:
        cell["metadata"]["nbgrader"] = {
            "schema_version": 3,
            "solution": False,
            "grade": False,
            "locked": False,
            **nbgrader,
        }
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def assignment(use_torch: bool) -> dict:
    """A three-question nbgrader source notebook (asserts, one hidden block per test)."""
    lib = "import numpy as np\nimport torch" if use_torch else "import numpy as np"
    q2 = (
        "def standardize(x):\n    ### BEGIN SOLUTION\n    x = torch.as_tensor(x, dtype=torch.float64)\n"
        "    return ((x - x.mean()) / x.std(unbiased=False)).numpy()\n    ### END SOLUTION"
        if use_torch
        else "def standardize(x):\n    ### BEGIN SOLUTION\n    x = np.asarray(x, dtype=float)\n"
        "    return (x - x.mean()) / x.std()\n    ### END SOLUTION"
    )
    cells = [
        _cell("markdown", "# Benchmark assignment", grade_id="intro", locked=True),
        _cell("code", lib, grade_id="imports", locked=True),
        _cell(
            "code",
            "def squares(n):\n    ### BEGIN SOLUTION\n    return [i * i for i in range(n)]\n    ### END SOLUTION",
            grade_id="q1",
            solution=True,
        ),
        _cell(
            "code",
            "assert squares(3) == [0, 1, 4]\n### BEGIN HIDDEN TESTS\nassert squares(5) == [0, 1, 4, 9, 16]\n### END HIDDEN TESTS",
            grade_id="t1",
            grade=True,
            locked=True,
            points=2,
        ),
        _cell("code", q2, grade_id="q2", solution=True),
        _cell(
            "code",
            "z = standardize(np.arange(5.0))\nassert np.allclose(z, [-1.41421356, -0.70710678, 0.0, 0.70710678, 1.41421356])\n### BEGIN HIDDEN TESTS\nassert abs(standardize(np.array([1.0, 3.0])).sum()) < 1e-9\n### END HIDDEN TESTS",
            grade_id="t2",
            grade=True,
            locked=True,
            points=3,
        ),
        _cell(
            "code",
            "def word_counts(text):\n    ### BEGIN SOLUTION\n    counts = {}\n    for w in text.lower().split():\n        counts[w] = counts.get(w, 0) + 1\n    return counts\n    ### END SOLUTION",
            grade_id="q3",
            solution=True,
        ),
        _cell(
            "code",
            "assert word_counts('a b A') == {'a': 2, 'b': 1}\n### BEGIN HIDDEN TESTS\nassert word_counts('The the') == {'the': 2}\n### END HIDDEN TESTS",
            grade_id="t3",
            grade=True,
            locked=True,
            points=2,
        ),
    ]
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _fill(student: dict, source: dict, variant: int) -> dict:
    """A correct submission: the source's solutions in the student notebook's answer cells."""
    answers = {
        c["metadata"]["nbgrader"]["grade_id"]: c["source"]
        for c in source["cells"]
        if c["metadata"].get("nbgrader", {}).get("solution")
    }
    for cell in student["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in answers:
            text = answers[gid] if isinstance(answers[gid], str) else "".join(answers[gid])
            cell["source"] = text + f"\n# submission {variant}\n"
    return student


def ensure_nbgrader() -> Path:
    return nbgrader_env.ensure()


def run_nbgrader(bin_dir: Path, root: Path, source: dict, n: int) -> tuple[float, list[float]]:
    shutil.rmtree(root, ignore_errors=True)
    (root / "source" / "hw").mkdir(parents=True)
    (root / "source" / "hw" / "hw.ipynb").write_text(json.dumps(source))
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\nc.ExecutePreprocessor.timeout = 120\n"
    )
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    nbg = [str(bin_dir / "nbgrader")]
    subprocess.run(
        nbg + ["generate_assignment", "hw", "--force"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    student = json.loads((root / "release" / "hw" / "hw.ipynb").read_text())
    for i in range(n):
        d = root / "submitted" / f"s{i:03d}" / "hw"
        d.mkdir(parents=True)
        (d / "hw.ipynb").write_text(json.dumps(_fill(json.loads(json.dumps(student)), source, i)))
    start = time.perf_counter()
    subprocess.run(
        nbg + ["autograde", "hw", "--create", "--force"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - start
    subprocess.run(
        nbg + ["export", "--to", "grades.csv"], cwd=root, env=env, check=True, capture_output=True
    )
    import csv

    scores = [
        float(r["raw_score"])
        for r in csv.DictReader((root / "grades.csv").open())
        if r["assignment"] == "hw"
    ]
    return elapsed, scores


def run_deepcourse(root: Path, source: dict, n: int, jobs: int) -> tuple[float, list[float]]:
    from deepcourse.grader import grade_batch, release_assignment

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "hw-source.ipynb").write_text(json.dumps(source))
    released = release_assignment(root / "hw-source.ipynb", root / "release")
    student = json.loads(released.student_notebook.read_text())
    paths = []
    for i in range(n):
        p = root / f"s{i:03d}.ipynb"
        p.write_text(json.dumps(_fill(json.loads(json.dumps(student)), source, i)))
        paths.append(p)
    start = time.perf_counter()
    results = grade_batch(released.bundle, paths, jobs=jobs)
    elapsed = time.perf_counter() - start
    return elapsed, [r.score for r in results]


_AT_REVISION = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from deepcourse.grader import grade_batch, release_assignment
root, jobs = Path(sys.argv[2]), int(sys.argv[3])
released = release_assignment(root / "hw-source.ipynb", root / "release-at-revision")
paths = sorted(root.glob("s*.ipynb"))
start = time.perf_counter()
results = grade_batch(released.bundle, paths, jobs=jobs)
print(json.dumps({"elapsed": time.perf_counter() - start, "scores": [r.score for r in results]}))
"""


def export_revision(rev: str) -> Path:
    """This repository's ``src/`` at ``rev`` (git archive), to time an earlier grader."""
    out = WORK / f"revision-{rev}"
    if not (out / "src").is_dir():
        out.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", rev, "src"], cwd=HERE.parent, check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out / "src"


def run_deepcourse_at(src: Path, root: Path, jobs: int) -> tuple[float, list[float]]:
    """The same submissions (written by :func:`run_deepcourse`) graded by another revision."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", _AT_REVISION, str(src), str(root), str(jobs)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return data["elapsed"], data["scores"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", choices=["numpy", "torch"], default=None)
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time the grader of this git revision on the same submissions, in the same run "
        "(what a change to the grader costs, e.g. --baseline d44b714)",
    )
    args = parser.parse_args()
    baseline = export_revision(args.baseline) if args.baseline else None
    bin_dir = ensure_nbgrader()
    n = args.submissions
    rows = []
    for name in ("numpy", "torch"):
        if args.only and name != args.only:
            continue
        source = assignment(name == "torch")
        nb_time, nb_scores = run_nbgrader(bin_dir, WORK / f"nbgrader-{name}", source, n)
        dc_serial, dc1_scores = run_deepcourse(WORK / f"deepcourse-{name}-1", source, n, 1)
        dc_time, dc_scores = run_deepcourse(WORK / f"deepcourse-{name}", source, n, args.jobs)
        checks = [("nbgrader", nb_scores), ("deepcourse", dc_scores + dc1_scores)]
        base_time = None
        if baseline is not None:
            base_time, base_scores = run_deepcourse_at(
                baseline, WORK / f"deepcourse-{name}", args.jobs
            )
            checks.append((f"deepcourse at {args.baseline}", base_scores))
        for label, scores in checks:
            if len(scores) < n or any(s != 7 for s in scores):
                raise SystemExit(f"{name}: {label} did not give every submission 7/7: {scores}")
        rows.append((name, nb_time, dc_serial, dc_time, base_time))
    cpu = platform.processor() or platform.machine()
    print(
        f"\n{n} correct submissions per assignment, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"
    )
    extra = f" {args.baseline} --jobs {args.jobs} | its speed-up |" if baseline else ""
    print(
        f"| assignment | nbgrader autograde (serial) | deepcourse --jobs 1 | deepcourse --jobs {args.jobs} | speed-up (jobs {args.jobs}) |{extra}"
    )
    print("|---|---|---|---|---|" + ("---|---|" if baseline else ""))
    for name, nb_time, dc1, dc, base in rows:
        tail = f" {base:.1f} s ({n / base:.2f}/s) | {nb_time / base:.1f}x |" if base else ""
        print(
            f"| {name} | {nb_time:.1f} s ({n / nb_time:.2f}/s) | {dc1:.1f} s ({n / dc1:.2f}/s) "
            f"| {dc:.1f} s ({n / dc:.2f}/s) | {nb_time / dc:.1f}x |{tail}"
        )


if __name__ == "__main__":
    main()
