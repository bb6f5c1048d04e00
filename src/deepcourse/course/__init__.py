"""The course domain: the course as data and its rules, framework-free (no web, no ORM).

Public API::

    load_course(root=None) -> Course
    Course.offering / .syllabus / .assessment
"""

from deepcourse.course.exceptions import CourseDataError, CourseDirNotFound, CourseError
from deepcourse.course.loader import Course, default_course, find_course_dir, load_course

__all__ = [
    "Course",
    "CourseDataError",
    "CourseDirNotFound",
    "CourseError",
    "default_course",
    "find_course_dir",
    "load_course",
]
