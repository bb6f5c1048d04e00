"""nbgrader's half of the agreement test; runs inside ``benchmarks/.venv-nbgrader``, not ours.

Usage::

    .venv-nbgrader/bin/python nbgrader_side.py release PLAN.json OUT.json
    .venv-nbgrader/bin/python nbgrader_side.py grade   PLAN.json OUT.json

PLAN names a course folder that the harness laid out (``source/<assignment>/``, and for
``grade`` also ``submitted/<student>/<assignment>/``). ``release`` runs ``generate_assignment``
for every assignment, ``grade`` runs ``autograde`` once per assignment for all its students
(one kernel per notebook, nbgrader's only mode), both through nbgrader's own Python API in this
one process, so nbgrader starts once. OUT gets plain JSON: per assignment whether nbgrader
accepted it and why not, and per submission every grade nbgrader recorded in its gradebook.

Imports nothing of deepcourse: this file must run on nbgrader's interpreter alone.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path


def _api(course: Path, timeout: float):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = "agreement"
    config.ExecutePreprocessor.timeout = timeout
    config.Execute.timeout = timeout
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def _why(log: str, error: str = "") -> str:
    """What nbgrader said was wrong: its warnings and errors (first lines), and the exception."""
    lines = (log or error or "").splitlines()
    said = [ln for ln in lines if ln.startswith(("[WARNING]", "[ERROR]", "[CRITICAL]"))]
    said = [ln for ln in said if "Traceback" not in ln and "error processing" not in ln]
    raised = [ln.strip() for ln in lines if re.match(r"\s*\w+(\.\w+)*(Error|Exception): ", ln)]
    return "\n".join(dict.fromkeys(said + raised[-1:]))


def _per_student(log: str) -> dict[str, str]:
    """nbgrader's ``autograde`` log, cut into each student's part."""
    parts: dict[str, str] = {}
    current = None
    for line in log.splitlines():
        m = re.search(r"Creating/updating student with ID '([^']*)'", line)
        if m:
            current = m.group(1)
        if current is not None:
            parts[current] = parts.get(current, "") + line + "\n"
    return parts


def release(plan: dict) -> dict:
    course = Path(plan["course"])
    api = _api(course, plan["timeout"])
    out = {}
    for aid in plan["assignments"]:
        result = api.generate_assignment(aid, force=True, create=True)
        released = sorted((course / "release" / aid).glob("*.ipynb"))
        ok = bool(result.get("success")) and bool(released)
        out[aid] = {
            "accepted": ok,
            "why": "" if ok else _why(result.get("log", ""), result.get("error", "")),
            "released": [str(p) for p in released] if ok else [],
        }
    return out


def grade(plan: dict) -> dict:
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(plan["course"])
    api = _api(course, plan["timeout"])
    out: dict[str, dict] = {}
    db = f"sqlite:///{course / 'gradebook.db'}"
    for aid, students in plan["assignments"].items():
        result = api.autograde(aid, "*", force=True, create=True)
        log = result.get("log", "") or ""
        logs = _per_student(log)
        per = out.setdefault(aid, {})
        with Gradebook(db) as gb:
            for student, notebooks in students.items():
                entry: dict = {"notebooks": {}}
                for nb in notebooks:
                    graded = course / "autograded" / student / aid / f"{nb}.ipynb"
                    try:
                        sub = gb.find_submission_notebook(nb, aid, student)
                    except MissingEntry:
                        sub = None
                    if sub is None or not graded.exists():
                        entry["notebooks"][nb] = {
                            "graded": False,
                            "why": _why(logs.get(student, ""), result.get("error", "")),
                        }
                        continue
                    entry["notebooks"][nb] = {
                        "graded": True,
                        "grades": {
                            g.name: {
                                "auto_score": g.auto_score,
                                "manual_score": g.manual_score,
                                "max_score": g.max_score,
                                "needs_manual_grade": bool(g.needs_manual_grade),
                                "cell_type": g.cell.cell_type,
                            }
                            for g in sub.grades
                        },
                    }
                per[student] = entry
    return out


def main() -> int:
    mode, plan_path, out_path = sys.argv[1:4]
    plan = json.loads(Path(plan_path).read_text())
    os.chdir(plan["course"])  # nbgrader reads autotests.yml and nbgrader_config.py from here
    result = release(plan) if mode == "release" else grade(plan)
    Path(out_path).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
