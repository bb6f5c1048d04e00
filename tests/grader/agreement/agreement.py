"""nbgrader 0.9.6 and deepcourse, side by side, on nbgrader's own fixtures and docs course.

Usage (from the repository root, after ``make nbgrader-venv``)::

    PYTHONPATH=src .venv/bin/python tests/grader/agreement/agreement.py [--report FILE] [-k TEXT]

What each tool is asked, per fixture (:func:`plan_cases` says which fixture is what):

* every fixture that is not a submission is a **source**: both tools release it (nbgrader's
  ``generate_assignment``, deepcourse's ``release_assignment``), accepting or refusing it;
* where a tool accepts it, two submissions made from **nbgrader's** release are graded: ``blank``
  (the released notebook as is; it should score zero) and ``solution`` (its answer cells filled
  with the source's solutions; full marks). nbgrader's release is the one students of an
  existing nbgrader course hold, which deepcourse promises to grade as it is. A source only
  deepcourse accepts is graded from deepcourse's release, by deepcourse alone;
* nbgrader's **submission fixtures** (``submitted-*``, ``autotest-*-changed`` ...) are graded
  against the source nbgrader's own tests use for them, and the docs' ``submitted/<student>/ps1``
  against ``source/ps1``.

nbgrader runs in ``benchmarks/.venv-nbgrader`` (see ``benchmarks/nbgrader_env.py``), through
``nbgrader_side.py``, on the fixtures split into :data:`SHARDS` courses side by side: per course
one process releases every source, and one more grades every submission, one ``autograde`` per
assignment. deepcourse releases and grades meanwhile, in this process.

Each step's verdict is a short string (``accepted``, ``refused``, ``2/3 [a=1 b=1 c=0]``...).
:func:`compare` sets the two tools' verdicts against ``known_differences.toml``: a difference
must be listed there with its reason, and a listed difference that is no longer seen is stale.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
KNOWN = HERE / "known_differences.toml"
#: Seconds a cell may run, for both tools (nbgrader's default is 30; fixtures loop forever).
CELL_SECONDS = 10
#: nbgrader courses graded side by side (one kernel each, nbgrader's only mode, 2 cores here).
SHARDS = 2
NOT_RUN = "-"
#: Submissions the harness makes from a release, its locked cells as released.
UNTOUCHED = ("blank", "solution")  # the tool refused the source, so it graded nothing


def nbgrader_env():
    """``benchmarks/nbgrader_env.py``, the one place that makes the nbgrader venv."""
    spec = importlib.util.spec_from_file_location(
        "nbgrader_env", REPO / "benchmarks" / "nbgrader_env.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- what to run


@dataclass
class Assignment:
    """One assignment: source notebooks (``stem -> file``), files beside them, submissions."""

    aid: str
    label: str  # how the report names the fixture: apps/test.ipynb, docs/ps1
    notebooks: dict[str, Path]
    files: dict[str, Path] = field(default_factory=dict)
    #: student -> {stem -> submitted file}; ``blank`` and ``solution`` are added from a release.
    submissions: dict[str, dict[str, Path]] = field(default_factory=dict)


def _companions(folder: Path, source: str) -> list[Path]:
    """The submission fixtures nbgrader's tests grade against ``source``."""
    if source == "submitted-changed":
        return sorted(folder.glob("submitted-*.ipynb"))
    if source.startswith("autotest-") and source.count("-") == 1:
        return sorted(folder.glob(f"{source}-*.ipynb"))
    return []


def _is_submission(name: str) -> bool:
    return (name.startswith("submitted-") and name != "submitted-changed") or bool(
        re.fullmatch(r"autotest-[a-z]+-.+", name)
    )


def plan_cases(site: Path, docs: Path) -> list[Assignment]:
    """Every fixture notebook of nbgrader's wheel, and the docs' ps1 course, as assignments."""
    out: list[Assignment] = []
    for group in ("apps", "preprocessors"):
        folder = site / "nbgrader" / "tests" / group / "files"
        for nb in sorted(folder.glob("*.ipynb")):
            if _is_submission(nb.stem):
                continue
            files = {}
            if nb.stem == "open_relative_file":
                files["data.txt"] = folder / "data.txt"
            if nb.stem.startswith("autotest-"):
                files["autotests.yml"] = folder / "autotests.yml"
            if "jupyter.png" in nb.read_text(encoding="utf-8", errors="replace"):
                files["jupyter.png"] = folder / "jupyter.png"
            a = Assignment(
                aid=re.sub(r"[^a-z0-9]+", "_", f"{group[:4]}_{nb.stem}".lower()),
                label=f"{group}/{nb.name}",
                notebooks={nb.stem: nb},
                files=files,
            )
            for sub in _companions(folder, nb.stem):
                if sub != nb:
                    a.submissions[sub.stem] = {nb.stem: sub}
            out.append(a)
    for name, extra in (("ps1", {}), ("ps1_autotest", {"autotests.yml": docs / "autotests.yml"})):
        folder = docs / "source" / name
        a = Assignment(
            aid=f"docs_{name}",
            label=f"docs/{name}",
            notebooks={p.stem: p for p in sorted(folder.glob("*.ipynb"))},
            files={**{p.name: p for p in folder.iterdir() if p.suffix != ".ipynb"}, **extra},
        )
        if name == "ps1":
            for student in sorted((docs / "submitted").iterdir()):
                a.submissions[student.name] = {
                    p.stem: p for p in sorted((student / "ps1").glob("*.ipynb"))
                }
        out.append(a)
    for folder in sorted((Path(__file__).resolve().parent / "cases").iterdir()):
        # This project's own cases (make_cases.py): idioms nbgrader's fixtures do not use.
        if not folder.is_dir():
            continue
        a = Assignment(
            aid=f"case_{folder.name}",
            label=f"cases/{folder.name}",
            notebooks={p.stem: p for p in sorted(folder.glob("*.ipynb"))},
            files={},
        )
        for sub in sorted((folder / "submitted").glob("*.ipynb")):
            a.submissions[sub.stem] = {next(iter(a.notebooks)): sub}
        out.append(a)
    return out


# --------------------------------------------------------------------------- notebooks


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else (source or "")


def _meta(cell: dict) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


_MARKER = re.compile(r"^\s*(#+|<!--)?\s*(BEGIN|END) SOLUTION\s*(-->)?\s*$")


def solutions(source: dict) -> dict[str, str]:
    """``grade_id -> answer``: each solution cell of a source, its solution markers removed."""
    return {
        _meta(c)["grade_id"]: "\n".join(
            line for line in _text(c.get("source")).split("\n") if not _MARKER.match(line)
        )
        for c in source.get("cells", [])
        if _meta(c).get("solution") and _meta(c).get("grade_id")
    }


def filled(released: dict, answers: dict[str, str]) -> dict:
    """A copy of a released notebook with each answer cell holding the source's solution."""
    data = json.loads(json.dumps(released))
    for cell in data.get("cells", []):
        gid = _meta(cell).get("grade_id")
        if _meta(cell).get("solution") and gid in answers:
            cell["source"] = answers[gid]
    return data


def cell_roles(notebook: dict) -> dict[str, str]:
    """``grade_id -> "test" | "manual"`` as nbgrader sees them: a grade cell that is not a
    solution is an autograded test; a graded solution or a task is left to a person."""
    roles = {}
    for c in notebook.get("cells", []):
        m = _meta(c)
        if m.get("grade_id") and (m.get("grade") or m.get("task")):
            manual = m.get("solution") or m.get("task")
            roles[m["grade_id"]] = "manual" if manual else "test"
    return roles


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# --------------------------------------------------------------------------- verdicts


def _num(x: float) -> str:
    return f"{x:g}"


def grade_text(tests: dict[str, float], max_score: float, manual: list[str]) -> str:
    """``"1.5/3 [a=1 b=0.5 c=0]"``, plus `` manual: x y`` when cells await a person."""
    total = sum(tests.values())
    cells = " ".join(f"{k}={_num(v)}" for k, v in sorted(tests.items()))
    text = f"{_num(total)}/{_num(max_score)} [{cells}]"
    return text + (f" manual: {' '.join(sorted(manual))}" if manual else "")


@dataclass
class Step:
    """One thing both tools were asked, with their answers (and details for the report)."""

    case: str
    step: str
    nbgrader: str
    deepcourse: str
    details: dict[str, str] = field(default_factory=dict)

    @property
    def same(self) -> bool:
        return self.nbgrader == self.deepcourse


def _short(text: str, n: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- deepcourse side


def dc_release(source: Path, out: Path):
    """``(verdict, why, Release | None)``: deepcourse's answer to releasing ``source``."""
    from deepcourse.grader import GraderError, Limits, release_assignment

    try:
        rel = release_assignment(source, out, limits=Limits(cell_seconds=CELL_SECONDS))
    except GraderError as exc:
        return "refused", exc.message, None
    except Exception as exc:  # noqa: BLE001 - a crash is a verdict here, not a test error
        return f"crashed: {type(exc).__name__}", str(exc), None
    return "accepted", "", rel


_CHANGED = re.compile(r"(?:locked|answer) cell (\S+) was (deleted|edited|re-typed|changed)")


def dc_grade(rel, submission: Path, untouched: bool) -> tuple[str, str]:
    """deepcourse's verdict on ``submission``; for an ``untouched`` one (nbgrader's release,
    locked cells as released) any cell it says was deleted, edited or re-typed is part of the
    verdict: such a note is false, and nbgrader has none."""
    from deepcourse.grader import Limits, grade_submission

    try:
        r = grade_submission(
            rel.bundle, submission, limits=Limits(cell_seconds=CELL_SECONDS), name=submission.name
        )
    except Exception as exc:  # noqa: BLE001
        return f"crashed: {type(exc).__name__}", str(exc)
    if r.error:
        return "refused", r.error
    tests = {t.grade_id: t.score for t in r.tests}
    verdict = grade_text(tests, r.max_score, [m.grade_id for m in r.manual])
    changed = [f"{m[1]} {m[2]}" for m in map(_CHANGED.match, r.notes) if m]
    if untouched and changed:
        verdict += f" notes: {', '.join(changed)}"
    why = "; ".join(
        f"{t.grade_id}: {t.status} {t.message}" for t in r.tests if t.score < t.max_score
    )
    return verdict, "; ".join(x for x in (why, *r.notes) if x)


# --------------------------------------------------------------------------- nbgrader side


def _nbgrader(python: Path, mode: str, plans: list[dict], work: Path) -> list[subprocess.Popen]:
    """Start one ``nbgrader_side.py`` per course (shard); they run side by side."""
    procs = []
    for i, plan in enumerate(plans):
        plan_path = work / f"{mode}-{i}-plan.json"
        plan_path.write_text(json.dumps(plan))
        cmd = [str(python), str(HERE / "nbgrader_side.py"), mode, str(plan_path)]
        procs.append(
            subprocess.Popen(
                [*cmd, str(work / f"{mode}-{i}.json")],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={
                    "PATH": f"{python.parent}:/usr/bin:/bin",
                    "HOME": str(work),
                    "LANG": "C.UTF-8",
                },
            )
        )
    return procs


def _wait(procs: list[subprocess.Popen], work: Path, mode: str) -> dict:
    merged: dict = {}
    for i, proc in enumerate(procs):
        output, _ = proc.communicate()
        result = work / f"{mode}-{i}.json"
        if proc.returncode != 0 or not result.exists():
            raise RuntimeError(
                f"nbgrader_side.py {mode} failed (exit {proc.returncode}):\n{output[-4000:]}"
            )
        merged.update(json.loads(result.read_text()))
    return merged


def nb_grade_text(entry: dict, roles: dict[str, str]) -> tuple[str, str]:
    if not entry.get("graded"):
        return "refused", entry.get("why", "")
    tests, manual, max_score = {}, [], 0.0
    for gid, g in entry["grades"].items():
        if roles.get(gid, "test") == "test":
            tests[gid] = float(g["auto_score"] or 0.0)
            max_score += float(g["max_score"] or 0.0)
        else:
            manual.append(gid)
    return grade_text(tests, max_score, manual), ""


# --------------------------------------------------------------------------- the run


def run(work: Path, *, only: str = "", log=print) -> list[Step]:
    """Run both tools on every fixture; return one :class:`Step` per question asked."""
    env = nbgrader_env()
    if not env.is_ready():
        raise RuntimeError(f"{env.NB_VENV} is not ready: run `make nbgrader-venv`")
    env.link_libraries()
    python = env.python()
    assignments = [
        a for a in plan_cases(env.site_packages(), env.DOCS) if only in a.label or only in a.aid
    ]
    courses = [work / f"course{i}" for i in range(min(SHARDS, len(assignments)))]
    course_of = {a.aid: courses[i % len(courses)] for i, a in enumerate(assignments)}
    for a in assignments:
        course = course_of[a.aid]
        folder = course / "source" / a.aid
        folder.mkdir(parents=True)
        for stem, nb in a.notebooks.items():
            shutil.copy(nb, folder / f"{stem}.ipynb")
        for name, path in a.files.items():
            shutil.copy(path, folder / name)
    for course in courses:
        (course / "nbgrader_config.py").write_text(
            "c = get_config()\nc.CourseDirectory.course_id = 'agreement'\n"
        )

    t0 = time.perf_counter()
    nb_procs = _nbgrader(
        python,
        "release",
        [
            {
                "course": str(course),
                "timeout": CELL_SECONDS,
                "assignments": [a.aid for a in assignments if course_of[a.aid] == course],
            }
            for course in courses
        ],
        work,
    )
    # deepcourse releases every source notebook meanwhile (each in its nbgrader source folder,
    # so files beside it are there as nbgrader has them).
    dc_rel: dict[tuple[str, str], tuple[str, str, object]] = {}
    for a in assignments:
        for stem in a.notebooks:
            dc_rel[a.aid, stem] = dc_release(
                course_of[a.aid] / "source" / a.aid / f"{stem}.ipynb", work / "dc" / a.aid
            )
    nb_rel = _wait(nb_procs, work, "release")
    log(f"released: {time.perf_counter() - t0:.0f} s")

    steps: list[Step] = []
    nb_plan: dict[str, dict[str, list[str]]] = {}
    # what deepcourse grades: (assignment, stem, student) -> (file, release)
    dc_jobs: list[tuple[Assignment, str, str, Path, object]] = []
    roles: dict[tuple[str, str], dict[str, str]] = {}
    for a in assignments:
        course = course_of[a.aid]
        nb_ok = nb_rel[a.aid]["accepted"]
        for stem in a.notebooks:
            dv, dwhy, drel = dc_rel[a.aid, stem]
            steps.append(
                Step(
                    _case(a, stem),
                    "release",
                    "accepted" if nb_ok else "refused",
                    dv,
                    {"nbgrader": _short(nb_rel[a.aid]["why"]), "deepcourse": _short(dwhy)},
                )
            )
            source = _load(course / "source" / a.aid / f"{stem}.ipynb")
            answers = solutions(source)
            if nb_ok:
                student = _load(course / "release" / a.aid / f"{stem}.ipynb")
            elif drel is not None:
                student = _load(drel.student_notebook)
            else:
                continue
            roles[a.aid, stem] = cell_roles(student) | cell_roles(source)
            subs = {"blank": student}
            if any(_meta(c).get("solution") for c in student.get("cells", [])):
                subs["solution"] = filled(student, answers)
            root = course / "submitted" if nb_ok else work / "dc-only"
            for name, data in subs.items():
                path = root / name / a.aid / f"{stem}.ipynb"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(data, indent=1))
            for student_id, files in a.submissions.items():
                if stem in files:
                    path = root / student_id / a.aid / f"{stem}.ipynb"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(files[stem], path)
                    subs[student_id] = None
            for name in subs:
                path = root / name / a.aid / f"{stem}.ipynb"
                if nb_ok:
                    nb_plan.setdefault(a.aid, {}).setdefault(name, []).append(stem)
                if drel is not None:
                    dc_jobs.append((a, stem, name, path, drel))

    t1 = time.perf_counter()
    nb_procs = _nbgrader(
        python,
        "grade",
        [
            {
                "course": str(course),
                "timeout": CELL_SECONDS,
                "assignments": {k: v for k, v in nb_plan.items() if course_of[k] == course},
            }
            for course in courses
        ],
        work,
    )
    with ThreadPoolExecutor(max_workers=1) as pool:  # one sandbox beside nbgrader's kernel
        dc_out = list(pool.map(lambda j: dc_grade(j[4], j[3], j[2] in UNTOUCHED), dc_jobs))
    log(f"deepcourse graded {len(dc_jobs)} submissions: {time.perf_counter() - t1:.0f} s")
    nb_out = _wait(nb_procs, work, "grade")
    log(f"nbgrader graded: {time.perf_counter() - t1:.0f} s")

    dc_by = {
        (a.aid, stem, name): out for (a, stem, name, _, _), out in zip(dc_jobs, dc_out, strict=True)
    }
    for a in assignments:
        for stem in a.notebooks:
            for name in sorted(
                {n for (aid, st, n) in dc_by if (aid, st) == (a.aid, stem)}
                | {n for n, stems in nb_plan.get(a.aid, {}).items() if stem in stems}
            ):
                step = Step(_case(a, stem), f"grade {name}", NOT_RUN, NOT_RUN)
                steps.append(step)
                if name in nb_plan.get(a.aid, {}):
                    entry = nb_out.get(a.aid, {}).get(name, {}).get("notebooks", {}).get(stem, {})
                    step.nbgrader, step.details["nbgrader"] = nb_grade_text(
                        entry, roles[a.aid, stem]
                    )
                if (a.aid, stem, name) in dc_by:
                    step.deepcourse, step.details["deepcourse"] = dc_by[a.aid, stem, name]
                step.details = {k: _short(v) for k, v in step.details.items()}
    order = {_case(a, stem): i for i, a in enumerate(assignments) for stem in a.notebooks}
    return sorted(steps, key=lambda s: (order[s.case], s.step != "release", s.step))


def _case(a: Assignment, stem: str) -> str:
    return a.label if len(a.notebooks) == 1 else f"{a.label}/{stem}.ipynb"


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Known:
    case: str
    step: str
    nbgrader: str
    deepcourse: str
    reason: str


def load_known(path: Path = KNOWN) -> list[Known]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = [Known(**d) for d in data.get("difference", [])]
    for k in entries:
        if not k.reason.strip():
            raise ValueError(
                f"{path.name}: {k.case} {k.step}: every listed difference needs a reason"
            )
    return entries


def compare(steps: list[Step], known: list[Known]) -> tuple[list[Step], list[Known], dict]:
    """``(unlisted differences, stale entries, step -> entry)``.

    An entry matches a step only with both verdicts as written, so a difference that changed
    shape (deepcourse now refuses where it gave a wrong score) shows as new and its old entry
    as stale: the list stays true.
    """
    index = {(k.case, k.step, k.nbgrader, k.deepcourse): k for k in known}
    matched: dict[tuple[str, str], Known] = {}
    unlisted = []
    for s in steps:
        if s.same or NOT_RUN in (s.nbgrader, s.deepcourse):
            continue
        k = index.get((s.case, s.step, s.nbgrader, s.deepcourse))
        if k is None:
            unlisted.append(s)
        else:
            matched[s.case, s.step] = k
    stale = [
        k for k in known if (k.case, k.step) not in matched or matched[k.case, k.step] is not k
    ]
    return unlisted, stale, matched


def fixture_counts(steps: list[Step]) -> tuple[int, int]:
    """``(sources, submission fixtures)`` that the run asked the tools about."""
    sources = {s.case for s in steps}
    made = ("grade blank", "grade solution", "release")
    submissions = {(s.case, s.step) for s in steps if s.step not in made}
    return len(sources), len(submissions)


def report(steps: list[Step], matched: dict, seconds: float | None = None) -> str:
    """A markdown table of every step: both verdicts, and the listed reason where they differ."""
    compared = [s for s in steps if NOT_RUN not in (s.nbgrader, s.deepcourse)]
    agree = sum(s.same for s in compared)
    sources, submissions = fixture_counts(steps)
    lines = [
        "# deepcourse vs nbgrader 0.9.6 on nbgrader's own fixtures",
        "",
        f"{sources} source notebooks and {submissions} submission fixtures (nbgrader's wheel "
        f"test files and its docs course), {len(compared)} "
        f"steps compared: {agree} agree, {len(compared) - agree} differ"
        + (f"; run time {seconds:.0f} s" if seconds else "")
        + ". Made by `tests/grader/agreement/` (`make test`); "
        "a difference is allowed only when listed, with its reason, in "
        "`tests/grader/agreement/known_differences.toml`.",
        "",
        "Scores are autograded test cells only: `total/max [cell=score ...]`; `manual:` lists "
        "cells left to a person; `-` means the tool refused the source, so it graded nothing.",
        "",
        "| fixture | step | nbgrader | deepcourse | |",
        "|---|---|---|---|---|",
    ]
    reasons: dict[str, int] = {}
    for s in steps:
        if s.same:
            mark = "same"
        elif NOT_RUN in (s.nbgrader, s.deepcourse):
            mark = ""
        elif (s.case, s.step) in matched:
            n = reasons.setdefault(matched[s.case, s.step].reason, len(reasons) + 1)
            mark = f"known [{n}]"
        else:
            mark = "**NEW**"
        cells = (s.case, s.step, s.nbgrader, s.deepcourse, mark)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if reasons:
        lines += ["", "## Why they differ", ""]
        lines += [f"{n}. {reason}" for reason, n in reasons.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", type=Path, help="write the markdown report here")
    parser.add_argument("--json", type=Path, help="write every step, with details, as JSON")
    parser.add_argument("--work", type=Path, help="keep the course folders here (debugging)")
    parser.add_argument("-k", dest="only", default="", help="only fixtures whose name has TEXT")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.work:
        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        steps = run(args.work.resolve(), only=args.only)
    else:
        with tempfile.TemporaryDirectory(prefix="agreement-") as tmp:
            steps = run(Path(tmp), only=args.only)
    seconds = time.perf_counter() - start
    unlisted, stale, matched = compare(steps, load_known())
    text = report(steps, matched, seconds)
    if args.report:
        args.report.write_text(text)
    if args.json:
        args.json.write_text(json.dumps([s.__dict__ for s in steps], indent=1))
    print(text)
    for s in unlisted:
        print(f"NEW  {s.case} | {s.step}: nbgrader {s.nbgrader!r}, deepcourse {s.deepcourse!r}")
    for k in stale:
        print(
            f"STALE {k.case} | {k.step}: listed nbgrader {k.nbgrader!r}, deepcourse {k.deepcourse!r}"
        )
    return 1 if unlisted or (stale and not args.only) else 0


if __name__ == "__main__":
    sys.exit(main())
