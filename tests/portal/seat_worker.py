"""A process that requests seats (and drops some) as soon as a start file appears.

Run by ``test_concurrency.py``: ``python seat_worker.py START_FILE ID[:drop] ...`` with
``DEEPCOURSE_DATABASE_URL`` set. Prints one JSON line per request with its outcome.
"""

import json
import sys
import time
from pathlib import Path

from deepcourse.portal import django_setup

django_setup()

from deepcourse.course.exceptions import RegistrationError  # noqa: E402
from deepcourse.portal.coursedb import services  # noqa: E402

start = Path(sys.argv[1])
while not start.exists():  # every worker starts at once
    time.sleep(0.005)
for item in sys.argv[2:]:
    sid, _, action = item.partition(":")
    try:
        if action == "drop":
            result = services.enrollment_drop(student_id=sid)
            print(json.dumps({"drop": sid, "promoted": result.promoted}))
        else:
            result = services.enrollment_request(student_id=sid)
            print(json.dumps({"request": sid, "placement": result.placement.value}))
    except RegistrationError as exc:
        print(json.dumps({"refused": sid, "rule": exc.rule}))
