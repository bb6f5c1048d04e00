"""Course database services: each change is one transaction that calls the framework-free rules.

Every function here is keyword-only and named ``<entity>_<action>``. A change:

1. opens a transaction and locks the offering row (``SELECT ... FOR UPDATE`` on PostgreSQL; on
   SQLite the transaction itself starts with ``BEGIN IMMEDIATE``, which takes the write lock), so
   concurrent processes changing seats, groups or grades queue instead of racing;
2. loads the state the rule needs into :mod:`deepcourse.course` dataclasses;
3. calls the rule, which returns the new state or raises a
   :class:`~deepcourse.course.exceptions.RuleViolation` naming the student and the rule;
4. writes the difference and the audit entries; emails go out only after the commit.
"""

from __future__ import annotations

from deepcourse.portal.coursedb.services.course import (
    OfferingSummary,
    course_load,
    offering_summary,
)
from deepcourse.portal.coursedb.services.gradebook import (
    audit_list,
    grade_set,
    grade_values,
    gradebook_rows,
    grades_export_moodle,
    grades_import,
    homework_grade_set,
)
from deepcourse.portal.coursedb.services.groups import (
    group_approve_single,
    group_confirm,
    group_leave,
    group_list,
    group_propose,
    group_submit,
)
from deepcourse.portal.coursedb.services.registration import (
    DropResult,
    RequestResult,
    RosterLine,
    enrollment_drop,
    enrollment_request,
    enrollment_request_many,
    offering_capacity_set,
    roster_list,
)
from deepcourse.portal.coursedb.services.students import (
    students_import,
)

__all__ = [
    "DropResult",
    "OfferingSummary",
    "RequestResult",
    "RosterLine",
    "audit_list",
    "course_load",
    "enrollment_drop",
    "enrollment_request",
    "enrollment_request_many",
    "grade_set",
    "grade_values",
    "gradebook_rows",
    "grades_export_moodle",
    "grades_import",
    "group_approve_single",
    "group_confirm",
    "group_leave",
    "group_list",
    "group_propose",
    "group_submit",
    "homework_grade_set",
    "offering_capacity_set",
    "offering_summary",
    "roster_list",
    "students_import",
]
