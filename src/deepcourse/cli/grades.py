"""``deepcourse grades``: compute final grades from a sheet, and what-if questions.

Other gradebook commands (import, export, report over the database) register on
:data:`grades_app` from :mod:`deepcourse.cli.gradebook`.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from deepcourse.cli._common import (
    COURSE_DIR_OPTION,
    course_or_exit,
    csv_text,
    fail,
    out,
    read_input,
    write_stdout,
)
from deepcourse.course.grade_sheet import (
    GradeRow,
    GradeSheetError,
    parse_grade,
    parse_hw0,
    read_grade_sheet,
)
from deepcourse.course.grade_value import decimal_text
from deepcourse.course.gradebook import grade_text
from deepcourse.course.policy import Components, GradeResult, compute_final, lowest_exam_for

grades_app = typer.Typer(
    help="Final grades by the course's exact policy: compute, explain, what-if.",
    no_args_is_help=True,
)

CONTRIBUTION_COLUMNS = ("hw1", "hw2", "hw3", "project", "exam", "bonus")


class Format(StrEnum):
    csv = "csv"
    json = "json"
    table = "table"


def _record(row: GradeRow, result: GradeResult, explain: bool) -> dict[str, object]:
    rec: dict[str, object] = {
        "student_id": row.student_id,
        "final": result.final,
        "status": result.status.value,
    }
    if explain:
        rec["rule"] = result.rule.value
        rec["points"] = {k: grade_text(result.contributions.get(k)) for k in CONTRIBUTION_COLUMNS}
        rec["explanation"] = result.explanation
    return rec


def _render_csv(records: list[dict[str, object]], explain: bool) -> str:
    header = ["student_id", "final", "status"]
    if explain:
        header += ["rule"] + [f"{k}_points" for k in CONTRIBUTION_COLUMNS] + ["explanation"]
    rows = []
    for r in records:
        line = [r["student_id"], "" if r["final"] is None else r["final"], r["status"]]
        if explain:
            points = r["points"]
            line += [r["rule"]] + [points[k] for k in CONTRIBUTION_COLUMNS] + [r["explanation"]]
        rows.append(line)
    return csv_text(header, rows)


@grades_app.command("compute")
def compute(
    file: Path = typer.Argument(
        ..., help="CSV with student_id,hw0,hw1,hw2,hw3,project,exam[,practice]."
    ),
    fmt: Format = typer.Option(Format.csv, "--format", help="csv (default), json, or table."),
    explain: bool = typer.Option(
        False, "--explain", help="Add the rule and each component's points."
    ),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """Compute every student's final grade; output keeps the input's order.

    Bad input exits 2 with the line, column and value, and prints nothing on stdout.
    """
    policy = course_or_exit(course_dir).assessment.policy
    text = read_input(file)
    try:
        rows = read_grade_sheet(text)
    except GradeSheetError as exc:
        fail(f"{file}: {exc}")
    records = [_record(row, compute_final(row.components, policy), explain) for row in rows]
    if fmt is Format.json:
        write_stdout(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt is Format.table:
        table = Table(title=f"Final grades ({len(records)} students)", title_justify="left")
        for col in ("student_id", "final", "status") + (("rule", "explanation") if explain else ()):
            table.add_column(col, justify="right" if col == "final" else "left")
        for r in records:
            cells = [
                str(r["student_id"]),
                "" if r["final"] is None else str(r["final"]),
                str(r["status"]),
            ]
            if explain:
                cells += [str(r["rule"]), str(r["explanation"])]
            table.add_row(*cells)
        out.print(table)
    else:
        write_stdout(_render_csv(records, explain))


def _opt_grade(value: str | None, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return parse_grade(value, line=0, column=name)
    except GradeSheetError as exc:
        fail(f"--{name}: {str(exc).split(': ', 1)[-1]}")


@grades_app.command("what-if")
def what_if(
    target: int = typer.Option(55, "--target", min=0, max=100, help="The final grade wanted."),
    hw0: str = typer.Option("pass", "--hw0", help="pass or fail."),
    hw1: str | None = typer.Option(None, "--hw1"),
    hw2: str | None = typer.Option(None, "--hw2"),
    hw3: str | None = typer.Option(
        None, "--hw3", help="Leave out to opt out of HW3 (Winter 2024)."
    ),
    project: str = typer.Option(..., "--project", help="The project grade (required)."),
    exam: str | None = typer.Option(None, "--exam", help="If known: shows the final it gives."),
    practice: str | None = typer.Option(
        None, "--practice", help="Percent of practice questions done."
    ),
    fmt: Format = typer.Option(Format.table, "--format", help="table (default) or json."),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """The lowest exam grade that reaches a target final, and what opting out of HW3 changes."""
    policy = course_or_exit(course_dir).assessment.policy
    try:
        hw0_value = parse_hw0(hw0, line=0)
    except GradeSheetError:
        fail(f"--hw0: {hw0!r} is not a HW0 result; write pass or fail")
    known = Components(
        hw0=hw0_value,
        hw1=_opt_grade(hw1, "hw1"),
        hw2=_opt_grade(hw2, "hw2"),
        hw3=_opt_grade(hw3, "hw3"),
        project=_opt_grade(project, "project"),
        exam=_opt_grade(exam, "exam"),
        practice=_opt_grade(practice, "practice"),
    )
    scenarios = {"as given": known}
    if known.hw3 is not None:
        scenarios["opting out of HW3"] = replace(known, hw3=None)
    results = []
    for label, comps in scenarios.items():
        need = lowest_exam_for(comps, policy, target)
        final = compute_final(comps, policy) if comps.exam is not None else None
        results.append(
            {
                "scenario": label,
                "hw3_opted_out": comps.hw3 is None,
                "target": target,
                "reachable": need.reachable,
                "lowest_exam": None if need.exam is None else _ceil_2(need.exam),
                "lowest_whole_exam": need.whole,
                "final_with_given_exam": None if final is None else final.final,
                "explanation": None if final is None else final.explanation,
            }
        )
    if fmt is Format.json:
        write_stdout(json.dumps(results, indent=2))
        return
    table = Table(title=f"What exam grade reaches a final of {target}?", title_justify="left")
    for col in ("Scenario", "Lowest exam", "Final with --exam"):
        table.add_column(col)
    for r in results:
        need = (
            f"{r['lowest_exam']} (whole: {r['lowest_whole_exam']})"
            if r["reachable"]
            else "not reachable"
        )
        got = "" if r["final_with_given_exam"] is None else str(r["final_with_given_exam"])
        table.add_row(str(r["scenario"]), need, got)
    out.print(table)


def _ceil_2(value) -> str:
    """An exact threshold shown with at most two decimals, rounded up so it still suffices."""
    cents = math.ceil(value * 100)
    return decimal_text(Decimal(cents) / 100)


def register(app: typer.Typer) -> None:
    app.add_typer(grades_app, name="grades")
