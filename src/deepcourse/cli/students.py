"""``deepcourse students import FILE.csv [--dry-run]``."""

from __future__ import annotations

from pathlib import Path

import typer

from deepcourse.cli._common import out, read_input
from deepcourse.cli._db import rule_errors, services

students_app = typer.Typer(help="Students: import a roster from CSV.")


@students_app.command("import")
def import_(
    file: Path = typer.Argument(..., help="CSV with columns student_id,name,email,completed"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the preview; change nothing."),
) -> None:
    """Import students (completed courses `;`-separated); all rows or none."""
    text = read_input(file)
    svc = services()
    with rule_errors():
        changes = svc.students_import(text=text, apply=not dry_run)
    counts = {a: sum(c.action == a for c in changes) for a in ("add", "update", "unchanged")}
    for c in changes:
        if c.action != "unchanged":
            out.print(f"row {c.row}: {c.action} {c.student.student_id} {c.student.name}")
    verb = "would apply" if dry_run else "applied"
    out.print(
        f"{verb}: {counts['add']} added, {counts['update']} updated, {counts['unchanged']} unchanged"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(students_app, name="students")
