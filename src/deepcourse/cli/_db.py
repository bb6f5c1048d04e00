"""CLI helpers for the commands over the course database (Django set up lazily)."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from deepcourse.cli._common import fail
from deepcourse.course.exceptions import CourseError

BY_OPTION = typer.Option(
    None, "--by", envvar="DEEPCOURSE_ACTOR", help="Who makes the change (default: your login)."
)


def actor(by: str | None) -> str:
    return by or os.environ.get("DEEPCOURSE_ACTOR") or getpass.getuser()


def services():
    """Set up Django on ``DEEPCOURSE_DATABASE_URL`` and return the services module."""
    try:
        from deepcourse.portal import django_setup

        django_setup()
    except CourseError as exc:
        fail(str(exc))
    from deepcourse.portal.coursedb import services as svc

    return svc


@contextmanager
def rule_errors() -> Iterator[None]:
    """Turn a refused rule or a missing schema into ``error: ...`` and exit code 2."""
    from django.db import DatabaseError

    try:
        yield
    except CourseError as exc:
        fail(str(exc))
    except DatabaseError as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "no such table" in text or "does not exist" in text:
            fail(f"the database has no course tables ({text}): run `deepcourse db migrate` first")
        fail(f"database error: {text}")
