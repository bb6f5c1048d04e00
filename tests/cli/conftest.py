"""CLI tests render rich tables on a wide, fixed-size console so assertions don't depend on wrapping."""

from __future__ import annotations

import pytest
from coursedb_fixtures import (  # noqa: F401 (course-database fixtures)
    coursedb,
    db_url,
    django_ready,
    postgres,
    postgres_template,
)

from deepcourse.cli import _common


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setattr(_common.out, "_width", 250)
    monkeypatch.setattr(_common.out, "_height", 100)
