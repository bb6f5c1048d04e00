"""``deepcourse db migrate`` and ``deepcourse db manage``: the course database's schema."""

from __future__ import annotations

from pathlib import Path

import typer

from deepcourse.cli._common import COURSE_DIR_OPTION, course_or_exit, fail, out
from deepcourse.cli._db import rule_errors, services

db_app = typer.Typer(help="The course database (DEEPCOURSE_DATABASE_URL; default SQLite).")


def migrate_and_load(course_dir: Path | None, *, quiet: bool = False) -> None:
    course = course_or_exit(course_dir)
    svc = services()
    from django.core.management import call_command
    from django.db import connection

    with rule_errors():
        call_command("migrate", interactive=False, verbosity=0)
        offering = svc.course_load(course=course)
    if not quiet:
        where = connection.settings_dict["NAME"]
        out.print(
            f"database {connection.vendor}:{where} is up to date; course {offering.number} "
            f"{offering.name} loaded (capacity {offering.capacity}, {len(course.offering.staff)} staff)"
        )


@db_app.command("migrate")
def migrate(course_dir: Path | None = COURSE_DIR_OPTION) -> None:
    """Apply the migrations and load the course from course/ (idempotent)."""
    migrate_and_load(course_dir)


@db_app.command("path")
def path() -> None:
    """Print where the course database is (the SQLite file, or the PostgreSQL URL without its
    password): DEEPCOURSE_DATABASE_URL, else deepcourse.sqlite3 in the data folder
    (DEEPCOURSE_DATA_DIR, else ~/.local/share/deepcourse), shared by every clone."""
    from deepcourse.course import CourseError
    from deepcourse.portal.config import database_location

    try:
        where = database_location()
    except CourseError as exc:
        fail(str(exc))
    out.print(where, markup=False, soft_wrap=True)


@db_app.command(
    "manage",
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "help_option_names": [],  # --help goes to Django's command
    },
)
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `deepcourse db manage createsuperuser`."""
    services()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["deepcourse db manage", *ctx.args])


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
