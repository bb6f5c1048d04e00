"""``deepcourse tutorials list|run|build``: the course's executable tutorials."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from deepcourse.cli._common import COURSE_DIR_OPTION, course_or_exit, err, fail, out, write_stdout

app = typer.Typer(help="The course's tutorials: list, execute, build.", no_args_is_help=True)

#: Exit code when a tutorial fails (bad input exits with 2, see ``_common``).
EXIT_TUTORIAL_FAILED = 1


def _tutorials(course_dir: Path | None, units: list[int] | None = None, every: bool = False):
    from deepcourse.tutorials import TutorialError, discover_tutorials, select_tutorials

    course = course_or_exit(course_dir)
    try:
        found = discover_tutorials(course)
        if every:
            return found
        if not units:
            fail("name the units to run (e.g. `2 3`) or pass --all")
        return select_tutorials(found, units)
    except TutorialError as exc:
        fail(str(exc))


@app.command("list")
def list_tutorials(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """The tutorials, one per syllabus unit that has one."""
    found = _tutorials(course_dir, every=True)
    if as_json:
        rows = [
            {"unit": t.unit, "slug": t.slug, "title": t.title, "path": str(t.path)} for t in found
        ]
        write_stdout(json.dumps(rows, indent=2))
        return
    table = Table(title="Tutorials", title_justify="left")
    table.add_column("Unit", justify="right")
    table.add_column("Title")
    table.add_column("File")
    for t in found:
        table.add_row(str(t.unit), t.title, t.path.name)
    out.print(table)


@app.command("run")
def run(
    units: list[int] = typer.Argument(None, help="Unit numbers whose tutorials to run."),
    every: bool = typer.Option(False, "--all", help="Run every tutorial."),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """Execute tutorials in a fresh Jupyter kernel; report pass or fail and time for each."""
    from deepcourse.tutorials import run_tutorial

    selected = _tutorials(course_dir, units, every)
    failed = 0
    for tutorial in selected:
        result = run_tutorial(tutorial)
        status = "[green]PASS[/]" if result.ok else "[bold red]FAIL[/]"
        out.print(f"{status} {tutorial.name}  {result.seconds:.1f} s")
        if result.failure is not None:
            failed += 1
            err.print(f"  {result.failure.summary()}", markup=False)
            err.print(result.failure.traceback, markup=False)
    out.print(f"{len(selected) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(EXIT_TUTORIAL_FAILED)


@app.command("build")
def build(
    units: list[int] = typer.Argument(None, help="Unit numbers to build (default: all)."),
    out_dir: Path = typer.Option(Path("build/tutorials"), "--out", help="Output folder."),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """Execute tutorials and write executed .ipynb and HTML files."""
    from deepcourse.tutorials import build_tutorial

    selected = _tutorials(course_dir, units, every=not units)
    failed = 0
    for tutorial in selected:
        result, paths = build_tutorial(tutorial, out_dir)
        status = "[green]PASS[/]" if result.ok else "[bold red]FAIL[/]"
        out.print(
            f"{status} {tutorial.name}  {result.seconds:.1f} s -> {', '.join(map(str, paths))}"
        )
        if result.failure is not None:
            failed += 1
            err.print(f"  {result.failure.summary()}", markup=False)
    if failed:
        raise typer.Exit(EXIT_TUTORIAL_FAILED)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="tutorials")
