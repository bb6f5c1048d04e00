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
    add_completion=False,
    rich_markup_mode="rich",
)


def package_version() -> str:
    """The installed package's version (its metadata), else the source tree's ``__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("deepcourse")
    except PackageNotFoundError:
        from deepcourse import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"deepcourse {package_version()}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print `deepcourse X.Y.Z` and exit.",
    ),
) -> None:
    # With no command, the help is the answer (exit 0), not a usage error (Click's exit 2).
    if ctx.invoked_subcommand is None:
        text = ctx.get_help()  # rich help prints itself and returns ""
        if text:
            typer.echo(text)
        raise typer.Exit(0)


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


__all__ = ["app", "main", "package_version"]
