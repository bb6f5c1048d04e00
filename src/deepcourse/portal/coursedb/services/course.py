"""Loading the course into the database: the offering, staff users, permission groups."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.db import transaction

from deepcourse.course import enrollment as rules
from deepcourse.course.offering import Role
from deepcourse.portal.coursedb.models import (
    Offering,
    Registration,
    StaffMember,
)

#: Django permission sets per staff role (codenames in the coursedb app).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.LECTURER: ("view", "add", "change", "delete"),
    Role.HEAD_TA: ("view", "add", "change", "delete"),
    Role.GRADER: ("view",),
}
GRADER_EXTRA = ("change_graderecord", "add_graderecord")
STUDENT_GROUP = "students"


def course_load(*, course) -> Offering:
    """Create or refresh the offering, the staff users and their permission groups (idempotent).

    An existing offering keeps its capacity (staff may have raised it); names and prerequisites are
    refreshed from ``course/``.
    """
    o = course.offering
    prereq = ";".join(f"{c.number}={c.name_en}" for c in o.prerequisites.courses)
    User = get_user_model()
    with transaction.atomic():
        offering, created = Offering.objects.get_or_create(
            number=o.number,
            semester=o.semester,
            defaults={"name": o.name_en, "capacity": o.capacity, "prerequisites": prereq},
        )
        if not created and (offering.name, offering.prerequisites) != (o.name_en, prereq):
            offering.name, offering.prerequisites = o.name_en, prereq
            offering.save(update_fields=["name", "prerequisites"])
        perms = Permission.objects.filter(content_type__app_label="coursedb")
        role_groups: dict[str, AuthGroup] = {}
        for role, verbs in ROLE_PERMISSIONS.items():
            group, _ = AuthGroup.objects.get_or_create(name=role.value)
            role_groups[role.value] = group
            wanted = [p for p in perms if p.codename.split("_", 1)[0] in verbs]
            if role is Role.GRADER:
                wanted += [p for p in perms if p.codename in GRADER_EXTRA]
            # No one gets to change or delete audit entries, whatever the role.
            wanted = [
                p for p in wanted if p.codename not in ("change_auditentry", "delete_auditentry")
            ]
            group.permissions.set(wanted)
        AuthGroup.objects.get_or_create(name=STUDENT_GROUP)
        for member in o.staff:
            username = _username(member.name)
            user, made = User.objects.get_or_create(
                username=username, defaults={"email": "", "is_staff": True}
            )
            if made:  # staff set a password with `deepcourse db manage changepassword NAME`
                user.set_unusable_password()
            first, _, last = member.name.partition(" ")
            user.first_name, user.last_name, user.is_staff = first, last, True
            user.save()
            # only the role course/ gives now: a changed role loses the old one's permissions
            user.groups.remove(*(g for r, g in role_groups.items() if r != member.role.value))
            user.groups.add(role_groups[member.role.value])
            StaffMember.objects.update_or_create(
                user=user, defaults={"name": member.name, "role": member.role.value}
            )
    return offering


def _username(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")


@dataclass(frozen=True)
class OfferingSummary:
    number: str = ""
    name: str = ""
    semester: str = ""
    capacity: int = 0
    enrolled: int = 0
    waitlisted: int = 0


def offering_summary() -> OfferingSummary:
    offering = Offering.objects.order_by("id").first()
    if offering is None:
        return OfferingSummary()
    regs = Registration.objects.filter(offering=offering)
    return OfferingSummary(
        offering.number,
        offering.name,
        offering.semester,
        offering.capacity,
        regs.filter(state=rules.Placement.ENROLLED).count(),
        regs.filter(state=rules.Placement.WAITLISTED).count(),
    )
