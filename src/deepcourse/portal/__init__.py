"""The web portal and the course database (Django), thin over :mod:`deepcourse.course`.

- :mod:`deepcourse.portal.config`: where the database is (``DEEPCOURSE_DATABASE_URL``), the secret
  key, the email backend;
- :mod:`deepcourse.portal.settings`: Django settings built from that;
- :mod:`deepcourse.portal.coursedb`: the Django app (models, migrations, admin) and
  :mod:`deepcourse.portal.coursedb.services`, one transaction per change, calling the rules.

Call :func:`django_setup` before importing models or services.
"""

from deepcourse.portal.config import django_setup

__all__ = ["django_setup"]
