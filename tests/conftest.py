"""Test-suite wide configuration.

Markers (see pyproject.toml): a test without ``integration``, ``e2e`` or ``tutorial`` is a
``unit`` test, so ``make test-fast`` (``-m unit``) runs exactly the pure, fast ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests_support import COURSE_DIR

_NOT_UNIT = {"integration", "e2e", "tutorial"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not _NOT_UNIT & {m.name for m in item.iter_markers()}:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def course_dir() -> Path:
    return COURSE_DIR
