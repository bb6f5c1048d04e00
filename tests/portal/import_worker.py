"""Run a roster import that stops mid-transaction and waits to be killed.

Run by ``test_kill_mid_import.py``: ``python import_worker.py ROSTER.csv MARKER`` with
``DEEPCOURSE_DATABASE_URL`` set. After the students' rows are written (inside the import's
transaction, not yet committed) it creates MARKER and sleeps; the test then SIGKILLs it.
"""

import sys
import time
from pathlib import Path

from deepcourse.portal import django_setup

django_setup()

from django.db.models.query import QuerySet  # noqa: E402

from deepcourse.portal.coursedb import services  # noqa: E402

marker = Path(sys.argv[2])
original = QuerySet.bulk_create


def bulk_create_then_hang(self, objs, *args, **kwargs):
    created = original(self, objs, *args, **kwargs)
    if self.model.__name__ == "Student":
        marker.touch()
        time.sleep(600)
    return created


QuerySet.bulk_create = bulk_create_then_hang
services.students_import(text=Path(sys.argv[1]).read_text(), apply=True)
