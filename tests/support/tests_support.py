"""Shared test helpers (importable as ``tests_support``; tests/support is on sys.path)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
COURSE_DIR = REPO_ROOT / "course"
