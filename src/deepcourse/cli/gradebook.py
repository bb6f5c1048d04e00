"""``deepcourse grades import|export|report|set|audit``: the audited gradebook.

The ``grades`` group itself (with ``compute`` and ``what-if``) is defined in
:mod:`deepcourse.cli.grades`; :func:`register_gradebook` adds these commands to it.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from deepcourse.cli._common import TableOrCsv, out, print_listing, read_input, write_stdout
from deepcourse.cli._db import BY_OPTION, actor, rule_errors, services
from deepcourse.course.gradebook import COMPONENTS, Source, grade_text


def import_(
    file: Path = typer.Argument(
        ..., help="CSV: student_id plus columns among hw0..hw3,project,exam,practice"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the preview; change nothing."),
    reason: str = typer.Option("CSV import", "--reason", help="Recorded in the audit log."),
    by: str | None = BY_OPTION,
) -> None:
    """Import grade columns: every change previewed; all or nothing; each audited."""
    text = read_input(file)
    svc = services()
    with rule_errors():
        changes = svc.grades_import(text=text, apply=not dry_run, actor=actor(by), reason=reason)
    for c in changes:
        out.print(
            f"row {c.row}: {c.student_id} {c.component}: "
            f"{grade_text(c.old) or '-'} -> {grade_text(c.new) or '-'}"
        )
    out.print(f"{'would change' if dry_run else 'changed'} {len(changes)} grade(s)")


def export(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here (default stdout)."),
) -> None:
    """Grades as Moodle grade-import CSV (`ID number`, one column per grade item)."""
    svc = services()
    with rule_errors():
        text = svc.grades_export_moodle()
    if output is None:
        write_stdout(text)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {output}")


def report(
    format_: TableOrCsv = typer.Option(TableOrCsv.table, "--format", help="table or csv"),
) -> None:
    """Each enrolled student's components and final grade (from the policy engine)."""
    svc = services()
    with rule_errors():
        rows = svc.gradebook_rows()
    header = ["student_id", *COMPONENTS, "final", "status", "rule"]
    cells = [
        [
            r.student_id,
            *(grade_text(r.components[c]) for c in COMPONENTS),
            "" if r.final is None else str(r.final),
            r.status,
            r.rule,
        ]
        for r in rows
    ]
    print_listing(format_, header, cells)


def set_(
    student_id: str = typer.Argument(...),
    component: str = typer.Argument(..., help="hw0..hw3, project, exam or practice"),
    value: str = typer.Argument(..., help="0-100 (hw0: pass or fail); '' clears"),
    reason: str = typer.Option("", "--reason", help="Why (required for staff changes)."),
    by: str | None = BY_OPTION,
) -> None:
    """Staff: set one grade, with a reason (audited)."""
    svc = services()
    with rule_errors():
        old = svc.grade_set(
            student_id=student_id,
            component=component,
            value=value,
            source=Source.STAFF,
            actor=actor(by),
            reason=reason,
        )
    out.print(f"{student_id} {component}: {grade_text(old) or '-'} -> {value or '-'}")


def audit(student_id: str | None = typer.Argument(None, help="only this student")) -> None:
    """The append-only audit log (who, when, old, new, reason)."""
    svc = services()
    with rule_errors():
        entries = svc.audit_list(student_id=student_id)
    table = Table("when", "who", "action", "student", "subject", "old", "new", "source", "reason")
    for e in entries:
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            e.actor,
            e.action,
            e.student_id,
            e.subject,
            e.old_value,
            e.new_value,
            e.source,
            e.reason,
        )
    out.print(table)


def register_gradebook(grades_app: typer.Typer) -> None:
    """Add ``import``, ``export``, ``report``, ``set`` and ``audit`` to the ``grades`` group."""
    grades_app.command("import")(import_)
    grades_app.command("export")(export)
    grades_app.command("report")(report)
    grades_app.command("set")(set_)
    grades_app.command("audit")(audit)


__all__ = ["register_gradebook"]
