"""Load and validate the course definition under ``course/``.

Layout::

    course/
      course.toml          the offering (staff, schedule, capacity, prerequisites, ...)
      assessment.toml      homework, project, exam, practice bonus, grade policy numbers
      syllabus/NN-*.toml   one file per unit

Every mistake raises :class:`~deepcourse.course.exceptions.CourseDataError` naming the file,
the key path and what was expected.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from deepcourse.course._fields import Table
from deepcourse.course.assessment import (
    AssessmentPlan,
    Exam,
    Homework,
    PolicyParams,
    Practice,
    Project,
)
from deepcourse.course.exceptions import CourseDataError, CourseDirNotFound
from deepcourse.course.offering import (
    Channels,
    Offering,
    Outcome,
    PrerequisiteCourse,
    Prerequisites,
    Resource,
    Role,
    Session,
    StaffMember,
)
from deepcourse.course.syllabus import Syllabus, Unit

_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_GRADED = ("hw1", "hw2", "hw3", "project", "exam")


@dataclass(frozen=True)
class Course:
    """The whole course definition, as loaded from a ``course/`` folder."""

    root: Path
    offering: Offering
    syllabus: Syllabus
    assessment: AssessmentPlan


def find_course_dir(start: Path | None = None) -> Path:
    """The course folder: ``$DEEPCOURSE_COURSE_DIR``, else ``course/`` in the repo or cwd.

    Raises:
        CourseDirNotFound: when none of those holds a ``course.toml``.
    """
    candidates = []
    if env := os.environ.get("DEEPCOURSE_COURSE_DIR"):
        candidates.append(Path(env))
    here = Path(__file__).resolve()
    candidates.append(here.parents[3] / "course")  # src/deepcourse/course/loader.py -> repo
    candidates.append((start or Path.cwd()) / "course")
    for c in candidates:
        if (c / "course.toml").is_file():
            return c
    tried = ", ".join(str(c) for c in candidates)
    raise CourseDirNotFound(
        f"no course definition found (looked for course.toml in: {tried}); "
        "run from the repository root or set DEEPCOURSE_COURSE_DIR=/path/to/course"
    )


def _read_toml(path: Path) -> Table:
    if not path.is_file():
        raise CourseDataError(str(path), "<file>", "an existing TOML file", "no such file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CourseDataError(str(path), "<file>", "valid TOML", str(exc)) from None
    except UnicodeDecodeError as exc:
        raise CourseDataError(str(path), "<file>", "UTF-8 text", str(exc)) from None
    return Table(data, str(path))


def load_offering(path: Path) -> Offering:
    doc = _read_toml(path)
    off = doc.table("offering")
    staff = []
    for t in doc.tables("staff"):
        staff.append(
            StaffMember(
                name=t.str("name"),
                role=Role(t.str("role", choices=[r.value for r in Role])),
                title=t.opt_str("title"),
                gives=t.str_list("gives", ()),
                contact_for=t.str_list("contact_for", ()),
            )
        )
    names = {s.name for s in staff}
    sessions = []
    for t in doc.tables("session"):
        start, end = t.time("start"), t.time("end")
        if end <= start:
            raise t.error("end", f"a time after start {start}", end)
        given_by = t.str("given_by")
        if given_by not in names:
            raise t.error("given_by", "the name of a staff member (" + ", ".join(sorted(names)) + ")", given_by)
        sessions.append(
            Session(
                kind=t.str("kind", choices=["lecture", "tutorial"]),
                day=t.str("day", choices=_DAYS),
                start=start,
                end=end,
                room=t.str("room"),
                given_by=given_by,
            )
        )
    pre = doc.table("prerequisites")
    prerequisites = Prerequisites(
        courses=tuple(
            PrerequisiteCourse(t.str("number"), t.str("name_en"), t.str("name_he"))
            for t in pre.tables("course")
        ),
        rule=pre.str("rule", choices=["any", "all"]),
        note_en=pre.str("note_en", ""),
        note_he=pre.str("note_he", ""),
    )
    ch = doc.table("channels")
    return Offering(
        number=off.str("number"),
        name_en=off.str("name_en"),
        name_he=off.str("name_he"),
        faculty=off.str("faculty"),
        semester=off.str("semester"),
        weeks=off.int("weeks", minimum=1),
        language=off.str("language"),
        capacity=off.int("capacity", minimum=1),
        waiting_list=off.bool("waiting_list"),
        leave_notice=off.str("leave_notice"),
        description_en=off.str("description_en"),
        description_he=off.str("description_he"),
        staff=tuple(staff),
        sessions=tuple(sessions),
        prerequisites=prerequisites,
        resources=tuple(
            Resource(t.str("title"), t.str("authors"), t.int("year", minimum=1900), t.opt_str("publisher"))
            for t in doc.tables("resource")
        ),
        channels=Channels(
            **{k: ch.str(k) for k in Channels.__dataclass_fields__}  # every channel is required
        ),
        outcomes=tuple(Outcome(t.str("en"), t.str("he")) for t in doc.tables("outcome")),
    )


def load_unit(path: Path) -> Unit:
    t = _read_toml(path)
    return Unit(
        number=t.int("number", minimum=1),
        slug=t.str("slug"),
        hours=t.int("hours", minimum=0),
        title_en=t.str("title_en"),
        title_he=t.str("title_he"),
        topics_en=t.str_list("topics_en"),
        topics_he=t.str_list("topics_he"),
        in_winter_2024=t.bool("in_winter_2024"),
        page_text_en=t.str("page_text_en"),
        note=t.opt_str("note"),
    )


def load_syllabus(folder: Path) -> Syllabus:
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise CourseDataError(str(folder), "<folder>", "one NN-slug.toml file per unit", "no .toml files")
    units = sorted((load_unit(f) for f in files), key=lambda u: u.number)
    numbers = [u.number for u in units]
    if numbers != list(range(1, len(units) + 1)):
        raise CourseDataError(
            str(folder), "number", f"units numbered 1..{len(units)} once each", numbers
        )
    return Syllabus(tuple(units))


def _weights(policy: Table, key: str, required: tuple[str, ...]) -> dict[str, Decimal]:
    weights = policy.number_map(key)
    unknown = set(weights) - set(_GRADED)
    if unknown:
        raise policy.error(f"{key}.{sorted(unknown)[0]}", "a component among " + ", ".join(_GRADED), weights)
    missing = [c for c in required if c not in weights]
    if missing:
        raise policy.error(f"{key}.{missing[0]}", "a weight in percent", None)
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        raise policy.error(key, "weights adding up to 100 (percent)", f"{total} ({weights})")
    return weights


def load_assessment(path: Path) -> AssessmentPlan:
    doc = _read_toml(path)
    homework = []
    for t in doc.tables("homework"):
        homework.append(
            Homework(
                id=t.str("id"),
                title=t.str("title"),
                grading=t.str("grading", choices=["binary", "points"]),
                weight_percent=t.decimal("weight_percent"),
                parts=t.str_list("parts"),
                group_size=t.int("group_size", minimum=1),
                submission=t.str("submission"),
                must_pass=t.bool("must_pass", False),
                optional=t.bool("optional", False),
                dry_as_pdf_allowed=t.bool("dry_as_pdf_allowed", False),
                handwritten_allowed=t.bool("handwritten_allowed", False),
            )
        )
    pj, ex, pr, po = (doc.table(k) for k in ("project", "exam", "practice", "policy"))
    policy = PolicyParams(
        pass_mark=po.decimal("pass_mark"),
        final_cap=po.decimal("final_cap"),
        rounding=po.str("rounding", choices=["half_up"]),
        fail_rule=po.str("fail_rule", choices=["lower_of_exam_and_project"]),
        weights=_weights(po, "weights", _GRADED),
        hw3_opt_out=_weights(po, "hw3_opt_out", ("hw1", "hw2", "project", "exam")),
        bonus_percent=pr.decimal("bonus_percent"),
    )
    if "hw3" in policy.hw3_opt_out:
        raise po.error("hw3_opt_out.hw3", "no hw3 weight when HW3 is opted out", policy.hw3_opt_out["hw3"])
    plan = AssessmentPlan(
        homework=tuple(homework),
        project=Project(
            weight_percent=pj.decimal("weight_percent"),
            group_size=pj.int("group_size", minimum=1),
            must_pass=pj.bool("must_pass"),
            orientation=pj.str("orientation"),
            proposal_weeks=pj.int_list("proposal_weeks"),
            proposals=pj.str("proposals"),
            presentations=pj.str("presentations"),
            submission=pj.str("submission"),
        ),
        exam=Exam(weight_percent=ex.decimal("weight_percent"), must_pass=ex.bool("must_pass")),
        practice=Practice(
            bonus_percent=policy.bonus_percent,
            platform=pr.str("platform"),
            mandatory=pr.bool("mandatory"),
            requires_exam_pass=pr.bool("requires_exam_pass"),
        ),
        policy=policy,
    )
    for i, hw in enumerate(plan.homework):
        expected = policy.weights.get(hw.id, Decimal(0))
        if hw.weight_percent != expected:
            raise CourseDataError(
                str(path), f"homework[{i}].weight_percent",
                f"{expected} (policy.weights.{hw.id})", hw.weight_percent,
            )
    return plan


def load_course(root: Path | str | None = None) -> Course:
    """Load, validate and cross-check the whole course definition.

    Args:
        root: the ``course/`` folder; found by :func:`find_course_dir` when omitted.

    Raises:
        CourseDataError: naming the file, key path and expectation of the first mistake.
    """
    folder = Path(root) if root is not None else find_course_dir()
    offering = load_offering(folder / "course.toml")
    syllabus = load_syllabus(folder / "syllabus")
    assessment = load_assessment(folder / "assessment.toml")
    for week in assessment.project.proposal_weeks:
        if not 1 <= week <= offering.weeks:
            raise CourseDataError(
                str(folder / "assessment.toml"), "project.proposal_weeks",
                f"weeks within the {offering.weeks}-week semester", list(assessment.project.proposal_weeks),
            )
    return Course(root=folder, offering=offering, syllabus=syllabus, assessment=assessment)


@cache
def default_course() -> Course:
    """The course found by :func:`find_course_dir`, loaded once per process."""
    return load_course()
