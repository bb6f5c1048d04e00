"""What grading produces: one :class:`TestResult` per test cell, one :class:`SubmissionResult`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from deepcourse.grader.sanitize import clean_message

#: Notes kept in a report or a results file; the rest are counted (a notebook can make one per
#: duplicated cell, and the size of what the grader writes must not be the student's choice).
MAX_NOTES = 50


def capped_notes(notes: list[str]) -> list[str]:
    """At most :data:`MAX_NOTES` notes, cleaned of install paths, then how many were left out."""
    shown = [clean_message(n) for n in notes[:MAX_NOTES]]
    if len(notes) > MAX_NOTES:
        shown.append(f"... and {len(notes) - MAX_NOTES} more notes")
    return shown


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    TAMPERED = "tampered"


@dataclass(frozen=True)
class TestResult:
    """The outcome of one graded test cell (all or nothing, as in nbgrader)."""

    grade_id: str
    score: float
    max_score: float
    status: Status
    message: str = ""
    hidden: bool = False  # has hidden tests: feedback shows pass or fail only for them

    __test__ = False  # not a pytest class


@dataclass(frozen=True)
class CellOutput:
    """What one executed cell printed and returned, for the notebook with outputs."""

    grade_id: str
    status: str
    stdout: str = ""
    stderr: str = ""
    result: str | None = None
    error: str = ""
    dropped: int = 0


@dataclass(frozen=True)
class ManualAnswer:
    """A manually graded cell's answer, carried to the manual-grading queue."""

    grade_id: str
    points: float
    answer: str


#: How a note or error starts when the grader, not the submission, failed (see ``grader_failed``).
SANDBOX_START_FAILED = "the sandbox failed to start"
INTERNAL_ERROR = "internal grader error"


@dataclass
class SubmissionResult:
    """The grade of one submission.

    ``error`` is set (and ``tests`` empty, score 0) when the file could not be graded at all;
    ``notes`` lists what the grader repaired (restored locked cells) or noticed.
    """

    submission: str
    score: float
    max_score: float
    tests: list[TestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    manual: list[ManualAnswer] = field(default_factory=list)
    outputs: list[CellOutput] = field(default_factory=list)
    sandbox_warnings: list[str] = field(default_factory=list)

    @property
    def grader_failed(self) -> bool:
        """Whether the grader (its sandbox or its own code) failed, not the submission.

        Such a result is a report, not a grade: a batch does not save it, so a re-run grades
        the submission again once the machine is fixed.
        """
        return self.error.startswith(INTERNAL_ERROR) or any(
            note.startswith(SANDBOX_START_FAILED) for note in self.notes
        )

    def test(self, grade_id: str) -> TestResult:
        """The result of test cell ``grade_id`` (``"q1"`` finds ``"q1-test"`` too).

        Raises:
            KeyError: no such test in this result.
        """
        for t in self.tests:
            if t.grade_id in (grade_id, f"{grade_id}-test"):
                return t
        raise KeyError(f"no test {grade_id!r}; tests: {', '.join(t.grade_id for t in self.tests)}")

    def to_dict(self, *, outputs: bool = False) -> dict:
        """The JSON form the CLI prints (``outputs`` adds the per-cell output).

        Messages and error texts are cleaned of grader frames and install paths, and notes are
        capped (:func:`capped_notes`): authors read this, and students may be shown it.
        """
        data = {
            "submission": self.submission,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "tests": [
                {
                    "grade_id": t.grade_id,
                    "score": t.score,
                    "max_score": t.max_score,
                    "status": str(t.status),
                    "message": clean_message(t.message),
                    "hidden": t.hidden,
                }
                for t in self.tests
            ],
        }
        if self.error:
            data["error"] = clean_message(self.error)
        if self.notes:
            data["notes"] = capped_notes(self.notes)
        if self.manual:
            data["manual"] = [asdict(m) for m in self.manual]
        if self.sandbox_warnings:
            data["sandbox_warnings"] = list(self.sandbox_warnings)
        if outputs:
            data["outputs"] = [
                dict(asdict(o), stderr=clean_message(o.stderr), error=clean_message(o.error))
                for o in self.outputs
            ]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        return cls(
            submission=data["submission"],
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            tests=[
                TestResult(
                    t["grade_id"],
                    t["score"],
                    t["max_score"],
                    Status(t["status"]),
                    t["message"],
                    bool(t.get("hidden", False)),
                )
                for t in data["tests"]
            ],
            notes=list(data.get("notes", [])),
            error=data.get("error", ""),
            manual=[ManualAnswer(**m) for m in data.get("manual", [])],
            outputs=[CellOutput(**o) for o in data.get("outputs", [])],
            sandbox_warnings=list(data.get("sandbox_warnings", [])),
        )
