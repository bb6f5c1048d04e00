"""Runtime configuration from the environment: database URL, secret key, email backend.

Environment variables:

``DEEPCOURSE_DATABASE_URL``
    ``sqlite:///ABSOLUTE/PATH.sqlite3`` or ``postgresql://user:pass@host:port/dbname`` (a unix
    socket folder goes in ``?host=/path``). Default: ``deepcourse.sqlite3`` in the user's data
    folder (``platformdirs.user_data_dir("deepcourse")``: ``~/.local/share/deepcourse`` on Linux),
    shared by every clone of the repository; ``deepcourse db path`` prints where it is.
``DEEPCOURSE_SECRET_KEY``
    Django's secret key; default: generated once into ``secret_key`` in the data folder.
``DEEPCOURSE_EMAIL_BACKEND``
    ``console`` (default; on stderr), ``file`` (into ``DEEPCOURSE_EMAIL_DIR``, default ``<data>/mail``),
    ``locmem`` (tests) or a dotted Django backend path.
``DEEPCOURSE_DATA_DIR``
    Overrides the per-user data folder (the default database, the secret key, file email).
``DEEPCOURSE_DEBUG``
    ``1`` to turn Django's DEBUG on (off by default).
``DEEPCOURSE_ALLOWED_HOSTS``
    Comma-separated host names the portal answers to besides localhost, 127.0.0.1 and ``[::1]``
    (Django's ``ALLOWED_HOSTS``: ``.example.org`` allows its subdomains). ``deepcourse serve
    --host H`` adds H (for ``0.0.0.0``: this machine's name and addresses).
``DEEPCOURSE_CSRF_TRUSTED_ORIGINS``
    Comma-separated origins (``https://course.example.org``) trusted for forms posted through a
    proxy that changes the scheme or host (Django's ``CSRF_TRUSTED_ORIGINS``); default none.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from deepcourse.course.exceptions import CourseError

ENV_URL = "DEEPCOURSE_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_S = 60


class DatabaseUrlError(CourseError):
    """``DEEPCOURSE_DATABASE_URL`` cannot be understood."""


def data_dir(*, create: bool = True) -> Path:
    """The per-user data folder: ``DEEPCOURSE_DATA_DIR``, else ``~/.local/share/deepcourse``
    on Linux (``platformdirs.user_data_dir``; ``XDG_DATA_HOME`` moves it). Created on first use
    unless ``create`` is false. Every clone of the repository shares it."""
    from platformdirs import user_data_dir

    path = Path(os.environ.get("DEEPCOURSE_DATA_DIR") or user_data_dir("deepcourse"))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url(*, create: bool = True) -> str:
    return f"sqlite:///{data_dir(create=create) / 'deepcourse.sqlite3'}"


def database_settings(url: str | None = None) -> dict:
    """Django's ``DATABASES["default"]`` for a ``sqlite:///`` or ``postgresql://`` URL.

    SQLite: WAL journal, a 60 s busy timeout and ``BEGIN IMMEDIATE`` transactions, so concurrent
    writers (several processes) queue for the write lock instead of failing half-way. The
    SQLite file's folder is created.

    Raises:
        DatabaseUrlError: another scheme, or no path / database name.
    """
    settings = _parse_database_url(url or os.environ.get(ENV_URL) or default_database_url())
    if settings["ENGINE"].endswith("sqlite3"):
        Path(settings["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return settings


def database_location() -> str:
    """Where the course database is, for people: the SQLite file's path, or the PostgreSQL
    URL without its password. Creates nothing.

    Raises:
        DatabaseUrlError: ``DEEPCOURSE_DATABASE_URL`` cannot be understood.
    """
    settings = _parse_database_url(os.environ.get(ENV_URL) or default_database_url(create=False))
    if settings["ENGINE"].endswith("sqlite3"):
        return settings["NAME"]
    user = f"{settings['USER']}@" if settings["USER"] else ""
    host = settings["HOST"]
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    if host.startswith("/"):  # a unix socket folder
        return f"postgresql://{user}/{settings['NAME']}?host={host}"
    return f"postgresql://{user}{host}{port}/{settings['NAME']}"


def _parse_database_url(url: str) -> dict:
    """``DATABASES["default"]`` for ``url``, with no side effect (see :func:`database_settings`)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if url.startswith("sqlite:////"):
            path = "/" + path.lstrip("/")
        if not path or path == "/":
            raise DatabaseUrlError(
                f"{ENV_URL}={url!r} names no file: expected sqlite:///ABSOLUTE/PATH.sqlite3"
            )
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_BUSY_TIMEOUT_S,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parts.scheme in ("postgresql", "postgres"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise DatabaseUrlError(
                f"{ENV_URL}={url!r} names no database: expected postgresql://USER@HOST:PORT/DBNAME"
            )
        query = parse_qs(parts.query)
        host = query.get("host", [parts.hostname or ""])[0]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": host,
            "PORT": str(parts.port or query.get("port", [""])[0]),
        }
    raise DatabaseUrlError(
        f"{ENV_URL}={url!r}: unsupported scheme {parts.scheme!r}: expected sqlite:///PATH or "
        "postgresql://USER@HOST:PORT/DBNAME"
    )


ENV_ALLOWED_HOSTS = "DEEPCOURSE_ALLOWED_HOSTS"
ENV_CSRF_TRUSTED_ORIGINS = "DEEPCOURSE_CSRF_TRUSTED_ORIGINS"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "testserver")


def _comma_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def allowed_hosts() -> list[str]:
    """Django's ``ALLOWED_HOSTS``: localhost, then ``DEEPCOURSE_ALLOWED_HOSTS``."""
    return list(dict.fromkeys([*LOCAL_HOSTS, *_comma_list(ENV_ALLOWED_HOSTS)]))


def csrf_trusted_origins() -> list[str]:
    """Django's ``CSRF_TRUSTED_ORIGINS`` from ``DEEPCOURSE_CSRF_TRUSTED_ORIGINS``.

    Raises:
        CourseError: an entry without its scheme (Django requires ``http://`` or ``https://``).
    """
    origins = _comma_list(ENV_CSRF_TRUSTED_ORIGINS)
    for origin in origins:
        if not origin.startswith(("http://", "https://")):
            raise CourseError(
                f"{ENV_CSRF_TRUSTED_ORIGINS}: {origin!r} has no scheme: expected e.g. "
                f"https://{origin}"
            )
    return origins


def secret_key() -> str:
    """``DEEPCOURSE_SECRET_KEY``, else the key in ``<data>/secret_key`` (made on first use).

    The file is created readable by its owner only (never briefly world-readable), written in
    full before it appears under its name, and never replaced: when two processes start at
    once, both read the key of the one that linked it first.
    """
    key = os.environ.get("DEEPCOURSE_SECRET_KEY")
    if key:
        return key
    path = data_dir() / "secret_key"
    if not path.exists():
        draft = path.with_name(f".secret_key.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_text().strip()


def email_settings() -> dict:
    choice = os.environ.get("DEEPCOURSE_EMAIL_BACKEND", "console")
    backends = {
        "console": "deepcourse.portal.mail.StderrConsoleBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
    }
    settings = {"EMAIL_BACKEND": backends.get(choice, choice)}
    if choice == "file":
        settings["EMAIL_FILE_PATH"] = os.environ.get("DEEPCOURSE_EMAIL_DIR") or str(
            data_dir() / "mail"
        )
    return settings


def django_setup() -> None:
    """Configure Django with :mod:`deepcourse.portal.settings` (once per process)."""
    import django
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deepcourse.portal.settings")
    django.setup()


__all__ = [
    "DatabaseUrlError",
    "allowed_hosts",
    "csrf_trusted_origins",
    "data_dir",
    "database_location",
    "database_settings",
    "django_setup",
    "secret_key",
]
