"""``deepcourse tutorials list|run|build``: the course's executable tutorials."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from deepcourse.cli._common import COURSE_DIR_OPTION, course_or_exit, err, fail, out, write_stdout

if TYPE_CHECKING:
    from deepcourse.tutorials import Tutorial, TutorialResult

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


def _report(outcomes: Iterable[tuple[Tutorial, TutorialResult, str]]) -> None:
    """Print PASS/FAIL, time and ``detail`` as each tutorial finishes; exit 1 if any failed."""
    passed = failed = 0
    for tutorial, result, detail in outcomes:
        status = "[green]PASS[/]" if result.ok else "[bold red]FAIL[/]"
        out.print(f"{status} {tutorial.name}  {result.seconds:.1f} s{detail}")
        if result.failure is None:
            passed += 1
            continue
        failed += 1
        err.print(f"  {result.failure.summary()}", markup=False)
        err.print(result.failure.traceback, markup=False)
    out.print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(EXIT_TUTORIAL_FAILED)


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
    _report((tutorial, run_tutorial(tutorial), "") for tutorial in selected)


@app.command("build")
def build(
    units: list[int] = typer.Argument(None, help="Unit numbers to build (default: all)."),
    out_dir: Path = typer.Option(Path("build/tutorials"), "--out", help="Output folder."),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """Execute tutorials and write executed .ipynb and HTML files."""
    from deepcourse.tutorials import build_tutorial

    selected = _tutorials(course_dir, units, every=not units)

    def built(tutorial):
        result, paths = build_tutorial(tutorial, out_dir)
        return tutorial, result, f" -> {', '.join(map(str, paths))}"

    _report(built(tutorial) for tutorial in selected)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="tutorials")
