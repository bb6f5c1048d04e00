"""``deepcourse serve``: migrate, load the course, and serve the portal and admin."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from deepcourse.cli._common import COURSE_DIR_OPTION, fail, out
from deepcourse.cli.db import migrate_and_load


def serve(
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Interface to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface, "
        "so other machines can connect by this machine's name or address). The portal answers "
        "to localhost and to this host; other names (a DNS alias, a proxy) go in "
        "DEEPCOURSE_ALLOWED_HOSTS=name1,name2.",
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    course_dir: Path | None = COURSE_DIR_OPTION,
) -> None:
    """Migrate the database, load course/ (idempotent) and start the Django server."""
    check_can_listen(host, port)
    allow_host(host)
    migrate_and_load(course_dir)
    from django.core.management import call_command

    out.print(banner(host, port))
    address, ipv6 = (f"[{host}]", True) if ":" in host else (host, False)
    call_command(
        "runserver", f"{address}:{port}", use_reloader=False, insecure_serving=True, use_ipv6=ipv6
    )


def check_can_listen(host: str, port: int) -> None:
    """Exit 2 saying why (and, for a busy port, which process holds it) before any banner."""
    from deepcourse.cli._port import port_problem

    problem = port_problem(host, port)
    if problem:
        fail(problem)


def allow_host(host: str) -> None:
    """Add the names serving on ``host`` needs to ``DEEPCOURSE_ALLOWED_HOSTS`` (read by the
    settings when Django starts, so this comes first)."""
    from deepcourse.cli._hosts import served_hosts
    from deepcourse.portal.config import ENV_ALLOWED_HOSTS

    given = [h for h in os.environ.get(ENV_ALLOWED_HOSTS, "").split(",") if h.strip()]
    os.environ[ENV_ALLOWED_HOSTS] = ",".join(dict.fromkeys([*given, *served_hosts(host)]))


def banner(host: str, port: int) -> str:
    """Where the portal is, and how to reach it from other machines."""
    from deepcourse.cli._hosts import reachable_url

    shown = f"[{host}]" if ":" in host else host
    text = (
        f"portal on http://{shown}:{port}/ (admin at /admin/; create a login with "
        "`deepcourse db manage createsuperuser`); Ctrl-C stops it"
    )
    elsewhere = reachable_url(host, port)
    if elsewhere:
        text += (
            f"\nfrom other machines: {elsewhere} (other names: "
            "DEEPCOURSE_ALLOWED_HOSTS=name1,name2)"
        )
    return text


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
