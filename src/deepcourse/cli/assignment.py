"""``deepcourse assignment release``: the student notebook and the private grading bundle."""

from __future__ import annotations

from pathlib import Path

import typer

from deepcourse.cli._common import err, fail, write_stdout


def release(
    source: Path = typer.Argument(..., help="The instructor's nbgrader-format source notebook."),
    out_dir: Path = typer.Option(
        ..., "--out", help="Folder for the student notebook and the bundle."
    ),
) -> None:
    """Release an assignment: student notebook, private grading bundle, manual-grading queue."""
    from deepcourse.grader import GraderError, capabilities, release_assignment

    try:
        released = release_assignment(source, out_dir)
    except GraderError as exc:
        fail(exc.message)
    b = released.bundle
    write_stdout(
        f"student notebook   {released.student_notebook}\n"
        f"grading bundle     {released.bundle_path}  (private: solutions and hidden tests)\n"
        f"manual queue       {released.manual_queue}\n"
        f"{len(b.tests)} autograded tests, {b.max_score:g} points; pre-imported: {', '.join(b.preload)}"
    )
    for warning in released.warnings:
        err.print(f"[bold yellow]warning:[/] {warning}", markup=True)
    for gap in capabilities().missing():
        err.print(f"[bold yellow]warning:[/] sandbox degraded: {gap}", markup=True)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Author and release notebook assignments.", no_args_is_help=True)
    group.command("release")(release)
    app.add_typer(group, name="assignment")
