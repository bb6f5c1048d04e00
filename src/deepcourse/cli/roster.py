"""``deepcourse roster [--format table|csv]``: enrolled students, then the waiting list."""

from __future__ import annotations

import typer

from deepcourse.cli._common import TableOrCsv, print_listing
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
    print_listing(format_, header, cells)


def register(app: typer.Typer) -> None:
    app.command("roster")(roster)
