"""``deepcourse grade``: grade submitted notebooks in the sandbox, as JSON or CSV.

Submission folders are named by students, and a shell glob hands every name to the command as
it is: a file called ``-x.ipynb`` or ``--out.ipynb`` would be taken for an option. An argument
that names an existing ``.ipynb`` or ``.json`` file is therefore always a file (and ``--`` ends
the options, as usual). In the CSV output every text cell is made spreadsheet-safe.
"""

from __future__ import annotations

import csv
import io
import json
import os
from enum import StrEnum
from pathlib import Path

import typer
from typer.core import TyperCommand

from deepcourse.cli._common import err, fail, spreadsheet_safe, write_stdout

_FILE_SUFFIXES = (".ipynb", ".json")


class FilesAreNotOptions(TyperCommand):
    """A command whose existing ``.ipynb``/``.json`` arguments are files even if they start with
    ``-`` (written as ``./-x.ipynb`` for the parser; :class:`~pathlib.Path` drops the ``./``)."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        fixed = []
        for i, arg in enumerate(args):
            if arg == "--":
                fixed.extend(args[i:])
                break
            if arg.startswith("-") and arg.endswith(_FILE_SUFFIXES) and os.path.lexists(arg):
                arg = "./" + arg
            fixed.append(arg)
        return super().parse_args(ctx, fixed)


class Format(StrEnum):
    json = "json"
    csv = "csv"


def _bundle(source: Path, out_dir: Path | None):
    """The bundle for ``source``; with ``--out``, built once and kept for resumed runs."""
    from deepcourse.grader import Bundle, build_bundle, support
    from deepcourse.grader.bundle import source_digest
    from deepcourse.grader.source import load_source

    if source.suffix == ".json":
        return Bundle.load(source)
    if out_dir is None:
        return build_bundle(source)
    # The digest covers the supporting files (autotests.yml, data) as the bundle's does, and
    # neither looks into --out, which may lie beside the source.
    notebook = load_source(source)
    files = support.collect(source, notebook.metadata, exclude=(out_dir,))
    cached = out_dir / f"bundle-{source_digest(notebook, files)[:16]}.json"
    if cached.exists():
        return Bundle.load(cached)
    bundle = build_bundle(source, exclude=(out_dir,))
    out_dir.mkdir(parents=True, exist_ok=True)
    bundle.save(cached)
    return bundle


def _csv(results) -> str:
    ids = [t.grade_id for t in results[0].tests] if results else []
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["submission", "score", "max_score", *map(spreadsheet_safe, ids), "error"])
    for r in results:
        scores = {t.grade_id: t.score for t in r.tests}
        writer.writerow(
            [
                spreadsheet_safe(r.submission),
                f"{r.score:g}",
                f"{r.max_score:g}",
                *(f"{scores.get(i, 0):g}" for i in ids),
                spreadsheet_safe(r.to_dict().get("error", "")),
            ]
        )
    return buf.getvalue()


def grade(
    source: Path = typer.Argument(
        ..., help="Source notebook (.ipynb) or its grading bundle (.bundle.json)."
    ),
    submissions: list[Path] = typer.Argument(
        ...,
        help="Submitted notebooks. A name starting with '-' is a file when it exists and ends "
        "in .ipynb; anything after '--' is a file too.",
    ),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Submissions graded in parallel."),
    fmt: Format = typer.Option(Format.json, "--format", help="Output on stdout."),
    out_dir: Path | None = typer.Option(
        None, "--out", help="Save results and HTML feedback here; re-running resumes."
    ),
    cell_timeout: float | None = typer.Option(None, "--cell-timeout", help="Seconds per cell."),
    timeout: float | None = typer.Option(None, "--timeout", help="Seconds per submission."),
    memory: int | None = typer.Option(None, "--memory", help="Memory limit in MiB."),
) -> None:
    """Grade submissions in the sandbox and print one record per submission."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from deepcourse.grader import GraderError, capabilities, grade_batch

    for gap in capabilities().missing():
        err.print(f"[bold yellow]warning:[/] sandbox degraded: {gap}", markup=True)
    overrides = {"cell_seconds": cell_timeout, "submission_seconds": timeout, "memory_mib": memory}
    try:
        bundle = _bundle(source, out_dir)
        limits = bundle.effective_limits(overrides)
    except GraderError as exc:
        fail(exc.message)
    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=len(submissions) < 2) as bar:
        task = bar.add_task("grading", total=len(submissions))
        results = grade_batch(
            bundle,
            submissions,
            jobs=jobs,
            limits=limits,
            out_dir=out_dir,
            progress=lambda done, total, result: bar.update(task, completed=done),
        )
    if fmt is Format.csv:
        write_stdout(_csv(results))
    else:
        write_stdout(json.dumps([r.to_dict() for r in results], indent=2))


def register(app: typer.Typer) -> None:
    app.command("grade", cls=FilesAreNotOptions)(grade)
