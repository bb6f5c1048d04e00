from django.contrib import admin
from django.urls import path

from deepcourse.portal import views

admin.site.site_header = "046211 Deep Learning: course administration"
admin.site.site_title = "deepcourse"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
]
