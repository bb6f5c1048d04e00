"""WSGI entry point: ``deepcourse.portal.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deepcourse.portal.settings")
application = get_wsgi_application()
