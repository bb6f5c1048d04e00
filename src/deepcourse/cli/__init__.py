"""The ``deepcourse`` command: thin entry points over the course, grader and dl packages.

Each command group lives in its own module and registers itself on :data:`app` below; commands
parse input, call one domain function and render the result. Heavy imports (torch, Django,
nbclient) happen inside commands, so ``deepcourse --help`` stays instant.
"""

from __future__ import annotations

import typer

from deepcourse.cli import (
    assignment,
    course_info,
    db,
    enroll,
    grade,
    gradebook,
    grades,
    groups,
    roster,
    serve,
    students,
    tutorials,
)

app = typer.Typer(
    name="deepcourse",
    help="Technion ECE 046211 Deep Learning (Winter 2024): syllabus, homework, grades, portal.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

course_info.register(app)
grades.register(app)
gradebook.register_gradebook(grades.grades_app)  # grades import|export|report|set|audit
db.register(app)
students.register(app)
enroll.register(app)
roster.register(app)
groups.register(app)
serve.register(app)
tutorials.register(app)
assignment.register(app)
grade.register(app)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
