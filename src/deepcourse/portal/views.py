"""The minimal home page: the offering, seats taken and the waiting list's length."""

from django.shortcuts import render

from deepcourse.portal.coursedb import services


def home(request):
    return render(request, "portal/home.html", {"summary": services.offering_summary()})
