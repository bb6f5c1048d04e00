"""Course-database fixtures (see :mod:`coursedb_fixtures`)."""

from coursedb_fixtures import (  # noqa: F401 (fixtures)
    coursedb,
    db_url,
    django_ready,
    postgres,
    postgres_template,
)
