"""pytest fixtures for the course database (imported by ``tests/portal`` and ``tests/cli`` conftests).

- ``coursedb``: Django set up in this process on a fresh SQLite file per test (a copy of a
  migrated template with the course loaded); yields the services module.
- ``db_url``: a fresh, migrated database URL for subprocesses, parametrised over SQLite and the
  throwaway PostgreSQL (``postgres``), one database per test.
- ``postgres``: a :class:`~throwaway_postgres.ThrowawayPostgres` for the session (one per
  xdist worker). When it cannot start, the tests that need it are skipped with the reason, shown
  in pytest's summary; under ``CI=true`` that is a failure instead.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from throwaway_postgres import PostgresUnavailable, ThrowawayPostgres

SRC = Path(__file__).resolve().parents[2]
_counter = itertools.count()


def subprocess_env(url: str, tmp: Path) -> dict[str, str]:
    """Environment for a ``deepcourse`` subprocess on database ``url``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    env.update(
        DEEPCOURSE_DATABASE_URL=url,
        DEEPCOURSE_SECRET_KEY="tests",
        DEEPCOURSE_DATA_DIR=str(tmp / "data"),
        DEEPCOURSE_EMAIL_BACKEND="file",
        DEEPCOURSE_EMAIL_DIR=str(tmp / "mail"),
        COLUMNS="200",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run_cli(url: str, tmp: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "deepcourse", *args],
        env=subprocess_env(url, tmp),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"deepcourse {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}"
        )
    return proc


def count_rows(url: str, table: str) -> int:
    """Rows in ``table`` through a fresh connection (not Django's)."""
    from deepcourse.portal.config import database_settings

    s = database_settings(url)
    if s["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(s["NAME"]) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    import psycopg

    with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"]) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="session")
def django_ready(tmp_path_factory) -> Path:
    """Configure Django once per process; return a migrated SQLite template with the course."""
    base = tmp_path_factory.mktemp("coursedb")
    template = base / "template.sqlite3"
    os.environ.update(
        DEEPCOURSE_DATABASE_URL=f"sqlite:///{template}",
        DEEPCOURSE_SECRET_KEY="tests",
        DEEPCOURSE_DATA_DIR=str(base / "data"),
        DEEPCOURSE_EMAIL_BACKEND="locmem",
    )
    from deepcourse.portal import django_setup

    django_setup()
    from django.core.management import call_command
    from django.db import connection

    from deepcourse.course import load_course
    from deepcourse.portal.coursedb import services

    connection.close()
    connection.settings_dict["NAME"] = str(template)
    call_command("migrate", interactive=False, verbosity=0)
    services.course_load(course=load_course())
    connection.close()  # the last connection checkpoints the WAL into the file
    return template


@pytest.fixture
def coursedb(django_ready, tmp_path):
    """The services module on a fresh copy of the template database (this test only)."""
    from django.core import mail
    from django.db import connection

    path = tmp_path / "course.sqlite3"
    shutil.copy(django_ready, path)
    connection.close()
    connection.settings_dict["NAME"] = str(path)
    mail.outbox = []
    from deepcourse.portal.coursedb import services

    yield services
    connection.close()


@pytest.fixture(scope="session")
def postgres():
    try:
        server = ThrowawayPostgres.start()
    except PostgresUnavailable as exc:
        message = f"PostgreSQL unavailable, tests against it not run: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: this is a failure, not a skip)", pytrace=False)
        print(f"\n{message}", file=sys.stderr)
        pytest.skip(message)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres, tmp_path_factory) -> str:
    """A migrated PostgreSQL database with the course loaded, used as a template."""
    url = postgres.create_database("deepcourse_template")
    run_cli(url, tmp_path_factory.mktemp("pgtemplate"), "db", "migrate")
    return "deepcourse_template"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, django_ready, tmp_path) -> str:
    """A fresh migrated database (course loaded) for subprocesses: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "course.sqlite3"
        shutil.copy(django_ready, path)
        return f"sqlite:///{path}"
    server = request.getfixturevalue("postgres")
    template = request.getfixturevalue("postgres_template")
    return server.create_database(f"t{os.getpid()}_{next(_counter)}", template=template)


__all__ = [
    "coursedb",
    "count_rows",
    "db_url",
    "django_ready",
    "postgres",
    "postgres_template",
    "run_cli",
    "subprocess_env",
]
