"""``deepcourse roster [--format table|csv]``: enrolled students, then the waiting list."""

from __future__ import annotations

import typer
from rich.table import Table

from deepcourse.cli._common import TableOrCsv, csv_text, out, write_stdout
from deepcourse.cli._db import rule_errors, services


def roster(
    format_: TableOrCsv = typer.Option(TableOrCsv.table, "--format", help="table or csv"),
) -> None:
    """The roster: `student_id,state,position` (position 1-based on the waiting list)."""
    svc = services()
    with rule_errors():
        lines = svc.roster_list()
    header = ["student_id", "state", "position"]
    cells = [[line.student_id, line.state.value, str(line.position or "")] for line in lines]
    if format_ is TableOrCsv.csv:
        write_stdout(csv_text(header, cells))
        return
    table = Table(*header)
    for row in cells:
        table.add_row(*row)
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("roster")(roster)
