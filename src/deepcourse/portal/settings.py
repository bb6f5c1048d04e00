"""Django settings for the deepcourse portal, from the environment (see :mod:`.config`)."""

from __future__ import annotations

import os

from deepcourse.portal import config

SECRET_KEY = config.secret_key()
DEBUG = os.environ.get("DEEPCOURSE_DEBUG") == "1"
ALLOWED_HOSTS = config.allowed_hosts()  # DEEPCOURSE_ALLOWED_HOSTS; serve adds its --host
CSRF_TRUSTED_ORIGINS = config.csrf_trusted_origins()  # DEEPCOURSE_CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "deepcourse.portal.coursedb",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "deepcourse.portal.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The portal package is not an app: its templates/portal/*.html are found through DIRS.
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": config.database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

globals().update(config.email_settings())
DEFAULT_FROM_EMAIL = os.environ.get("DEEPCOURSE_FROM_EMAIL", "deepcourse@localhost")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Jerusalem"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
