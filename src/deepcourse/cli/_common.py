"""Shared CLI helpers: consoles, loading the course with friendly errors, exit codes."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from deepcourse.course import Course, CourseError, load_course

#: Exit code for bad input (a malformed file, an unknown student, a broken rule).
EXIT_BAD_INPUT = 2

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

COURSE_DIR_OPTION = typer.Option(
    None,
    "--course-dir",
    envvar="DEEPCOURSE_COURSE_DIR",
    help="The course definition folder (default: course/ of this repository).",
    file_okay=False,
    dir_okay=True,
)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (nothing on stdout)."""
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


def course_or_exit(course_dir: Path | None) -> Course:
    try:
        return load_course(course_dir)
    except CourseError as exc:
        fail(str(exc))


class TableOrCsv(StrEnum):
    """``--format`` of a listing: a rich table for people, CSV for scripts."""

    table = "table"
    csv = "csv"


def read_input(file: Path) -> str:
    """The text of an input file (UTF-8, an Excel byte-order mark dropped), or exit 2 saying why."""
    try:
        return file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        fail(f"{file}: no such file")
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text; save the sheet as CSV UTF-8")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")


#: What makes a spreadsheet (Excel, LibreOffice, Google Sheets) read a CSV cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` for a CSV cell that a spreadsheet shows as text, never runs as a formula.

    A submission named ``=HYPERLINK(...).ipynb`` would otherwise be a live formula in the staff's
    gradebook (CSV injection); a leading ``'`` is what spreadsheet tools take as "this is text".
    Only for text cells: numbers are written by us and never start with these.
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """``header`` and ``rows`` as CSV text with ``\\n`` line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def print_listing(fmt: TableOrCsv, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """``rows`` under ``header``: CSV on stdout, verbatim, or a rich table."""
    if fmt is TableOrCsv.csv:
        write_stdout(csv_text(header, rows))
        return
    table = Table(*header)
    for row in rows:
        table.add_row(*row)
    out.print(table)


def write_stdout(text: str) -> None:
    """Write machine-readable output verbatim (no rich markup, no wrapping)."""
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
