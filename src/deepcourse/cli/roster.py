"""``deepcourse roster [--format table|csv]``: enrolled students, then the waiting list."""

from __future__ import annotations

import csv
import io
from enum import StrEnum

import typer
from rich.table import Table

from deepcourse.cli._common import out, write_stdout
from deepcourse.cli._db import rule_errors, services


class RosterFormat(StrEnum):
    table = "table"
    csv = "csv"


def roster(
    format_: RosterFormat = typer.Option(RosterFormat.table, "--format", help="table or csv"),
) -> None:
    """The roster: `student_id,state,position` (position 1-based on the waiting list)."""
    svc = services()
    with rule_errors():
        lines = svc.roster_list()
    if format_ is RosterFormat.csv:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["student_id", "state", "position"])
        for line in lines:
            writer.writerow([line.student_id, line.state.value, line.position or ""])
        write_stdout(buf.getvalue())
        return
    table = Table("student_id", "state", "position")
    for line in lines:
        table.add_row(line.student_id, line.state.value, str(line.position or ""))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("roster")(roster)
