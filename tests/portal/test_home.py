"""The minimal home page and the admin site."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_the_home_page_shows_the_offering_and_the_seats(coursedb):
    from django.test import Client

    response = Client().get("/")
    assert response.status_code == 200
    assert b"046211 Deep Learning" in response.content
    assert b"0 of 40 taken" in response.content


def test_the_admin_asks_staff_to_log_in(coursedb):
    from django.test import Client

    response = Client().get("/admin/", follow=True)
    assert response.status_code == 200 and b"log in" in response.content.lower()


def test_staff_see_every_course_table_in_the_admin(coursedb):
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    call_command("check", fail_level="WARNING")
    User.objects.create_superuser("admin", "admin@t.ac.il", "pw")
    client = Client()
    client.login(username="admin", password="pw")
    for model in (
        "offering",
        "student",
        "staffmember",
        "registration",
        "homeworkgroup",
        "graderecord",
        "auditentry",
    ):
        assert client.get(f"/admin/coursedb/{model}/").status_code == 200, model
