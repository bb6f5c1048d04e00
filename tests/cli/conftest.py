"""Course-database fixtures (see :mod:`deepcourse.portal.pytest_plugin`)."""

from deepcourse.portal.pytest_plugin import (  # noqa: F401 (fixtures)
    coursedb,
    db_url,
    django_ready,
    postgres,
    postgres_template,
)
