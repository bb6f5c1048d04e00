"""``deepcourse grade``: grade submitted notebooks in the sandbox, as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path

import typer

from deepcourse.cli._common import err, fail, write_stdout


class Format(StrEnum):
    json = "json"
    csv = "csv"


def _bundle(source: Path, out_dir: Path | None):
    """The bundle for ``source``; with ``--out``, built once and kept for resumed runs."""
    from deepcourse.grader import Bundle, build_bundle
    from deepcourse.grader.bundle import source_digest
    from deepcourse.grader.source import load_source

    if source.suffix == ".json":
        return Bundle.load(source)
    if out_dir is None:
        return build_bundle(source)
    cached = out_dir / f"bundle-{source_digest(load_source(source))[:16]}.json"
    if cached.exists():
        return Bundle.load(cached)
    bundle = build_bundle(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    bundle.save(cached)
    return bundle


def _csv(results) -> str:
    ids = [t.grade_id for t in results[0].tests] if results else []
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["submission", "score", "max_score", *ids, "error"])
    for r in results:
        scores = {t.grade_id: t.score for t in r.tests}
        writer.writerow(
            [
                r.submission,
                f"{r.score:g}",
                f"{r.max_score:g}",
                *(f"{scores.get(i, 0):g}" for i in ids),
                r.error,
            ]
        )
    return buf.getvalue()


def grade(
    source: Path = typer.Argument(
        ..., help="Source notebook (.ipynb) or its grading bundle (.bundle.json)."
    ),
    submissions: list[Path] = typer.Argument(..., help="Submitted notebooks."),
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
    app.command("grade")(grade)
