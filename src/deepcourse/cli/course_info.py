"""``deepcourse info`` and ``deepcourse syllabus``: the offering at a glance."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.panel import Panel
from rich.table import Table

from deepcourse.cli._common import COURSE_DIR_OPTION, course_or_exit, out, write_stdout
from deepcourse.course import Course


class Lang(StrEnum):
    en = "en"
    he = "he"


class Format(StrEnum):
    table = "table"
    json = "json"


def _grade_structure(course: Course) -> Table:
    plan = course.assessment
    p = plan.policy
    table = Table(title="Grade structure", title_justify="left", show_lines=False)
    table.add_column("Component")
    table.add_column("Weight", justify="right")
    table.add_column("HW3 opt-out", justify="right")
    table.add_column("Notes")
    for hw in plan.homework:
        if hw.grading == "binary":
            table.add_row(hw.title, "binary", "binary", "must pass")
        else:
            opt = p.hw3_opt_out.get(hw.id)
            note = "dry + wet, pairs only" + (", optional (Winter 2024)" if hw.optional else "")
            table.add_row(
                hw.title, f"{p.weights[hw.id]}%", f"{opt}%" if opt is not None else "—", note
            )
    table.add_row(
        "Project", f"{p.weights['project']}%", f"{p.hw3_opt_out['project']}%", "pairs, must pass"
    )
    table.add_row("Final exam", f"{p.weights['exam']}%", f"{p.hw3_opt_out['exam']}%", "must pass")
    table.add_row(
        "Practice (Moodle)",
        f"+{p.bonus_percent}%",
        f"+{p.bonus_percent}%",
        "bonus, needs a passed exam",
    )
    table.caption = (
        f"Pass mark {p.pass_mark}. Failing the exam or the project: the final grade is the lower "
        "of the two (no HW/project/bonus)."
    )
    table.caption_justify = "left"
    return table


def info(course_dir: Path | None = COURSE_DIR_OPTION) -> None:
    """The offering at a glance: staff, schedule, capacity, prerequisites, grade structure."""
    course = course_or_exit(course_dir)
    o = course.offering
    head = (
        f"[bold]{o.number} {o.name_en}[/] ({o.name_he})\n"
        f"{o.faculty} · {o.semester} · {o.weeks} weeks · taught in {o.language}\n"
        f"Capacity {o.capacity} students" + (" + waiting list" if o.waiting_list else "")
    )
    out.print(Panel(head, expand=False))

    staff = Table(title="Staff", title_justify="left")
    staff.add_column("Name")
    staff.add_column("Role")
    for s in o.staff:
        staff.add_row(s.display_name, s.role.label)
    out.print(staff)

    sched = Table(title="Weekly schedule", title_justify="left")
    for col in ("What", "When", "Where", "Given by"):
        sched.add_column(col)
    for s in o.sessions:
        sched.add_row(s.kind.capitalize(), f"{s.day} {s.start}-{s.end}", s.room, s.given_by)
    out.print(sched)

    out.print(f"[bold]Prerequisites[/] (one of): {o.prerequisites.describe()}")
    out.print(
        f"[bold]Syllabus[/]: {len(course.syllabus.units)} units, {course.syllabus.total_hours} hours "
        f"({course.syllabus.winter_2024_hours} in Winter 2024)"
    )
    out.print(_grade_structure(course))
    out.print(f"Forum: {o.channels.forum} · Materials and recordings: {o.channels.materials}")


def syllabus(
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of titles and topics."),
    fmt: Format = typer.Option(Format.table, "--format", help="table (for people) or json."),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """The 13 units with their hours and topics."""
    course = course_or_exit(course_dir)
    units = course.syllabus.units
    if fmt is Format.json:
        write_stdout(json.dumps([u.as_dict() for u in units], ensure_ascii=False, indent=2))
        return
    he = lang is Lang.he
    table = Table(title="סילבוס" if he else "Syllabus", title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("יחידה" if he else "Unit")
    table.add_column("שעות" if he else "Hours", justify="right")
    table.add_column("נושאים" if he else "Topics")
    for u in units:
        title = u.title(lang.value)
        if not u.in_winter_2024:
            title += " (לא בחומר של חורף 2024)" if he else " (not in Winter 2024; for completeness)"
        style = "dim" if not u.in_winter_2024 else None
        table.add_row(
            str(u.number), title, str(u.hours), "; ".join(u.topics(lang.value)), style=style
        )
    table.caption = f"{course.syllabus.total_hours} hours in all, {course.syllabus.winter_2024_hours} in Winter 2024"
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("info")(info)
    app.command("syllabus")(syllabus)
