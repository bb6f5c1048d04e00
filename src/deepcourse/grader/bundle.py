"""The private grading bundle: the assignment's cells, its tests and their expected values.

Written by ``deepcourse assignment release`` next to the student notebook and kept by staff:
it holds the solutions and hidden tests in clear. It never enters a sandbox; the grader reads it
and sends each cell's code itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from deepcourse.grader import support
from deepcourse.grader.exceptions import AssignmentError
from deepcourse.grader.limits import Limits
from deepcourse.grader.source import CellKind, SourceCell, SourceNotebook
from deepcourse.grader.testplan import Step

FORMAT = "deepcourse-grading-bundle/2"


@dataclass(frozen=True)
class Expected:
    """An expected ``check`` value (encoded by :mod:`wire`) and its tolerances."""

    name: str
    value: dict
    rtol: float | None = None
    atol: float | None = None
    hidden: bool = False


@dataclass
class Bundle:
    """Everything needed to grade submissions of one assignment."""

    name: str
    source_sha256: str
    cells: list[SourceCell]
    expected: dict[str, list[Expected]] = field(default_factory=dict)
    limits: dict[str, float] = field(default_factory=dict)  # per-assignment overrides
    preload: tuple[str, ...] = ("numpy",)
    #: each test cell's steps (testplan), with the constants' values found at release
    steps: dict[str, list[Step]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # supporting files (support.py)

    @property
    def tests(self) -> list[SourceCell]:
        return [c for c in self.cells if c.kind is CellKind.TEST]

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.tests)

    def effective_limits(self, overrides: Limits | dict | None = None) -> Limits:
        """Defaults, then the assignment's own limits, then the caller's (CLI) overrides."""
        base = Limits().with_overrides(self.limits)
        if isinstance(overrides, Limits):
            return overrides
        return base.with_overrides(overrides)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "name": self.name,
                "source_sha256": self.source_sha256,
                "limits": self.limits,
                "preload": list(self.preload),
                "cells": [
                    {
                        "grade_id": c.grade_id,
                        "cell_type": c.cell_type,
                        "kind": str(c.kind),
                        "points": c.points,
                        "source": c.source,
                    }
                    for c in self.cells
                ],
                "expected": {
                    gid: [e.__dict__ for e in items] for gid, items in self.expected.items()
                },
                "steps": {
                    gid: [step.to_json() for step in steps] for gid, steps in self.steps.items()
                },
                "files": support.encode(self.files),
            },
            indent=1,
        )

    def save(self, path: str | Path) -> Path:
        """Write the bundle, readable by its owner only from the moment the file exists."""
        p = Path(path)
        with os.fdopen(
            os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8"
        ) as f:
            os.fchmod(f.fileno(), 0o600)  # an existing file would keep its old mode
            f.write(self.to_json())
        return p

    @classmethod
    def load(cls, path: str | Path) -> Bundle:
        """Read a bundle written by :meth:`save`.

        Raises:
            AssignmentError: not a bundle, or one from an incompatible version.
        """
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise AssignmentError(
                    f"{p}: not a grading bundle of format {FORMAT} (got {data.get('format')!r}); "
                    "release the assignment again",
                    path=str(p),
                )
            cells = [
                SourceCell(
                    i, c["grade_id"], c["cell_type"], CellKind(c["kind"]), c["source"], c["points"]
                )
                for i, c in enumerate(data["cells"])
            ]
            expected = {
                gid: [Expected(**e) for e in items] for gid, items in data["expected"].items()
            }
            return cls(
                data["name"],
                data["source_sha256"],
                cells,
                expected,
                data.get("limits", {}),
                tuple(data.get("preload", ["numpy"])),
                {
                    gid: [Step.from_json(step) for step in steps]
                    for gid, steps in data["steps"].items()
                },
                support.decode(data.get("files") or {}),
            )
        except (
            OSError,
            UnicodeDecodeError,
            json.JSONDecodeError,
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
        ) as exc:
            raise AssignmentError(
                f"{p}: cannot read the grading bundle ({exc})", path=str(p)
            ) from None


def source_digest(notebook: SourceNotebook, files: dict[str, bytes] | None = None) -> str:
    """The source's digest, and its supporting files' when it has any (a changed data file
    makes a resumed batch grade again, and the CLI's cached bundle be built again)."""
    digest = hashlib.sha256(json.dumps(notebook.raw, sort_keys=True).encode()).hexdigest()
    if not files:
        return digest
    h = hashlib.sha256(digest.encode())
    for name, data in sorted(files.items()):
        h.update(f"\0{name}\0{len(data)}\0".encode() + data)
    return h.hexdigest()


def assignment_settings(notebook: SourceNotebook) -> tuple[dict, tuple[str, ...]]:
    """Per-assignment limits and pre-imports from ``metadata.deepcourse`` of the source.

    ``preload`` defaults to numpy, plus torch when any cell imports it.
    """
    meta = notebook.metadata.get("deepcourse") or {}
    limits = dict(meta.get("limits") or {})
    Limits().with_overrides(limits)  # validate now, with a clear message
    preload = list(meta.get("preload") or ["numpy"])
    if "torch" not in preload and any(
        "import torch" in c.source or "from torch" in c.source for c in notebook.cells
    ):
        preload.append("torch")
    return limits, tuple(preload)
