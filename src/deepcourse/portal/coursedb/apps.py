from django.apps import AppConfig


class CourseDbConfig(AppConfig):
    name = "deepcourse.portal.coursedb"
    label = "coursedb"
    verbose_name = "Course database"
    default_auto_field = "django.db.models.BigAutoField"
