"""``deepcourse serve``: migrate, load the course, and serve the portal and admin on localhost."""

from __future__ import annotations

from pathlib import Path

import typer

from deepcourse.cli._common import COURSE_DIR_OPTION, out
from deepcourse.cli.db import migrate_and_load


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """Migrate the database, load course/ (idempotent) and start the Django server."""
    migrate_and_load(course_dir)
    from django.core.management import call_command

    out.print(
        f"portal on http://{host}:{port}/ (admin at /admin/; create a login with "
        "`deepcourse db manage createsuperuser`); Ctrl-C stops it"
    )
    call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
