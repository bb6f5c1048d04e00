"""Students: roster import (preview, then all rows or none)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction

from deepcourse.course.csv_import import StudentChange, students_parse
from deepcourse.portal.coursedb.models import (
    Student,
)
from deepcourse.portal.coursedb.services._base import _as_domain
from deepcourse.portal.coursedb.services.course import STUDENT_GROUP


def students_import(*, text: str, apply: bool) -> list[StudentChange]:
    """Preview (``apply=False``) or apply a roster CSV, all rows or none, in one transaction.

    Raises:
        ImportRejected: any bad row (nothing is applied).
    """
    with transaction.atomic():
        existing = {s.student_id: _as_domain(s) for s in Student.objects.all()}
        changes = students_parse(text, existing=existing)
        if not apply:
            return changes
        User = get_user_model()
        students_group, _ = AuthGroup.objects.get_or_create(name=STUDENT_GROUP)
        adds = [c.student for c in changes if c.action == "add"]
        users = []
        for s in adds:
            first, _, last = s.name.partition(" ")
            user = User(
                username=s.student_id, email=s.email, first_name=first[:150], last_name=last[:150]
            )
            user.set_unusable_password()
            users.append(user)
        taken = set(
            User.objects.filter(username__in=[s.student_id for s in adds]).values_list(
                "username", flat=True
            )
        )
        User.objects.bulk_create([u for u in users if u.username not in taken], batch_size=500)
        by_name = {
            u.username: u for u in User.objects.filter(username__in=[s.student_id for s in adds])
        }
        Student.objects.bulk_create(
            [
                Student(
                    user=by_name[s.student_id],
                    student_id=s.student_id,
                    name=s.name,
                    email=s.email,
                    completed=";".join(sorted(s.completed)),
                )
                for s in adds
            ],
            batch_size=500,
        )
        students_group.user_set.add(*by_name.values())
        for c in changes:
            if c.action == "update":
                Student.objects.filter(student_id=c.student.student_id).update(
                    name=c.student.name,
                    email=c.student.email,
                    completed=";".join(sorted(c.student.completed)),
                )
                User.objects.filter(username=c.student.student_id).update(email=c.student.email)
        return changes
