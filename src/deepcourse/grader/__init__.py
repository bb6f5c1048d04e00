"""Notebook assignments: author once, release the student version, grade in a sandbox.

The public API, for the CLI and the portal::

    release_assignment(source, out_dir)          -> Release   (student notebook, bundle, queue)
    build_bundle(source)                         -> Bundle    (expected values, computed once)
    grade_submission(bundle, submission, ...)    -> SubmissionResult
    grade_batch(bundle, submissions, jobs=...)   -> list[SubmissionResult]
    make_pool(size=, limits=, preload=)          -> a pool of warm sandboxes to pass as ``pool=``

Heavy work happens inside sandboxed worker processes (:mod:`deepcourse.grader.sandbox`); this
package imports neither the portal nor any web framework. The threat model is in
``docs/grader-threat-model.md``.
"""

from __future__ import annotations

from deepcourse.grader.batch import grade_batch
from deepcourse.grader.bundle import Bundle
from deepcourse.grader.exceptions import (
    AssignmentError,
    GraderError,
    SandboxError,
    SolutionFailsTests,
    SubmissionError,
    WorkerDidNotStart,
    WorkerDied,
)
from deepcourse.grader.grade import grade_submission, load_bundle
from deepcourse.grader.limits import Limits
from deepcourse.grader.pool import make_pool
from deepcourse.grader.release import Release, build_bundle, release_assignment
from deepcourse.grader.report import html_report, write_feedback
from deepcourse.grader.results import ManualAnswer, Status, SubmissionResult, TestResult
from deepcourse.grader.sandbox import capabilities

__all__ = [
    "AssignmentError",
    "Bundle",
    "GraderError",
    "Limits",
    "ManualAnswer",
    "Release",
    "SandboxError",
    "SolutionFailsTests",
    "Status",
    "SubmissionError",
    "SubmissionResult",
    "TestResult",
    "WorkerDidNotStart",
    "WorkerDied",
    "build_bundle",
    "capabilities",
    "grade_batch",
    "grade_submission",
    "html_report",
    "load_bundle",
    "make_pool",
    "release_assignment",
    "write_feedback",
]
