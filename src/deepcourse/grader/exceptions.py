"""Errors raised by :mod:`deepcourse.grader`.

Hierarchy::

    GraderError                    anything the grader refuses
    ├── AssignmentError            the instructor's source notebook or bundle is malformed
    │   └── SolutionFailsTests     the source's own solution does not pass one of its tests
    ├── SubmissionError            a student's file cannot be graded at all (not JSON, not a
    │                              notebook, not UTF-8, too large)
    └── SandboxError               the sandbox could not be set up or the worker broke protocol
        ├── WorkerDidNotStart      the sandbox's Python exited or hung before saying ``ready``
        └── WorkerDied             the sandboxed process died or was killed

Each error keeps the context it was raised with (file, cell, traceback text) as attributes and
survives pickling, so it can cross process boundaries (a batch's threads, the portal's task queue).
"""

from __future__ import annotations


class GraderError(Exception):
    """Base class of every error the grader raises."""

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.context = context
        for key, value in context.items():
            setattr(self, key, value)

    def __reduce__(self):  # survive pickling with context intact
        return (_rebuild, (type(self), self.message, self.context))


def _rebuild(cls: type[GraderError], message: str, context: dict) -> GraderError:
    return cls(message, **context)


class AssignmentError(GraderError):
    """The source notebook or the grading bundle is malformed (names the file and cell)."""


class SolutionFailsTests(AssignmentError):
    """Running the source with its solutions failed a test: the assignment cannot be released.

    Context: ``grade_id`` (the test cell), ``detail`` (the error or mismatch, with traceback).
    """


class SubmissionError(GraderError):
    """A submitted file cannot be graded at all; the message says why and what to submit."""


class SandboxError(GraderError):
    """The sandbox could not be set up, or the sandboxed worker broke the protocol."""


class WorkerDidNotStart(SandboxError):
    """The sandboxed worker exited or hung before its ``ready`` message: no student code ran.

    A fault of the machine or the installation (bubblewrap, the interpreter, a mount), never of
    a notebook, so it is not retried as a cell's crash. Context: ``exit_code`` (None if it hung)
    and ``output`` (the last lines the worker printed).
    """


class WorkerDied(SandboxError):
    """The sandboxed worker process died (memory limit, ``os._exit``, a signal) or was killed."""
