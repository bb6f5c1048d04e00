"""Email backends for development."""

import sys

from django.core.mail.backends.console import EmailBackend as _ConsoleBackend


class StderrConsoleBackend(_ConsoleBackend):
    """Django's console backend, on stderr, so CLI output on stdout stays machine-readable."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("stream", sys.stderr)
        super().__init__(*args, **kwargs)
