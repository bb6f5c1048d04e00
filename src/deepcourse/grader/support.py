"""An assignment's supporting files: data and helper modules its notebook opens or imports.

As with nbgrader's ``source/ps1/`` folder, everything beside the source notebook is part of the
assignment: it is released next to the student notebook, and the notebook finds it in its
working folder when the solution runs at release and when each submission is graded. Not taken:
the notebook itself, other notebooks (``.ipynb``), hidden names (``.git``, ``.ipynb_checkpoints``),
caches (``__pycache__``, ``*.pyc``), grading bundles and the release's own output folder.
``metadata.deepcourse.files`` of the source may list more files or folders (paths relative to
the source's folder; hidden or outside ones are taken under their own name).

The bundle carries the files' contents (capped: :data:`MAX_TOTAL_BYTES`, :data:`MAX_FILES`), so
grading needs nothing but the bundle. When grading, they are written to a private folder that
the sandbox binds read-only at ``/assignment``; the worker copies it into its working folder
before any student code runs, fresh for each submission.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from deepcourse.grader.exceptions import AssignmentError
from deepcourse.grader.limits import MiB

MAX_TOTAL_BYTES = 32 * MiB
MAX_FILES = 1000
_SKIP_DIRS = {"__pycache__", "node_modules"}
_SKIP_SUFFIXES = (".ipynb", ".pyc", ".pyo", ".bundle.json", ".manual.json")


def _skipped(name: str, *, listed: bool = False) -> bool:
    if listed:
        return name in _SKIP_DIRS or name.endswith(".bundle.json")
    return name.startswith(".") or name in _SKIP_DIRS or name.endswith(_SKIP_SUFFIXES)


def _walk(root: Path, *, listed: bool, exclude: set[Path]) -> Iterator[Path]:
    """Files under ``root`` (or ``root`` itself), sorted; symlinked folders are not entered."""
    if root.is_file():
        yield root
        return
    for entry in sorted(root.iterdir()):
        if _skipped(entry.name, listed=listed) or entry.resolve() in exclude:
            continue
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry, listed=listed, exclude=exclude)
        elif entry.is_file():
            yield entry


def collect(
    source: str | Path, metadata: dict, *, exclude: tuple[str | Path, ...] = ()
) -> dict[str, bytes]:
    """The supporting files of the source notebook ``source``: released name -> content.

    Args:
        source: the source notebook; its folder is the assignment's folder.
        metadata: the notebook's metadata (``deepcourse.files`` lists extra paths).
        exclude: folders never to take (the release's output folder).

    Raises:
        AssignmentError: a listed path is missing or unsafe, or the files are too many or too
            large (the message says which limit and how to fix it).
    """
    src = Path(source).resolve()
    folder = src.parent
    skip = {src, *(Path(p).resolve() for p in exclude)}
    found: dict[str, Path] = {}
    for path in _walk(folder, listed=False, exclude=skip):
        found[path.relative_to(folder).as_posix()] = path
    listed = ((metadata.get("deepcourse") or {}) if isinstance(metadata, dict) else {}).get(
        "files"
    ) or []
    if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
        raise AssignmentError(
            f"{src}: metadata.deepcourse.files must be a list of paths", path=str(src)
        )
    for item in listed:
        target = (folder / item).resolve()
        if not target.exists():
            raise AssignmentError(
                f"{src}: metadata.deepcourse.files lists {item!r}, which does not exist",
                path=str(src),
            )
        inside = target.is_relative_to(folder) and not any(
            part.startswith(".") for part in target.relative_to(folder).parts
        )
        base = target.relative_to(folder) if inside else Path(target.name)
        for path in _walk(target, listed=True, exclude=skip):
            rel = base if path == target else base / path.relative_to(target)
            found[rel.as_posix()] = path
    if len(found) > MAX_FILES:
        raise AssignmentError(
            f"{folder}: {len(found)} supporting files beside the source notebook, over the "
            f"limit of {MAX_FILES}: give the assignment a folder of its own",
            path=str(src),
        )
    total = sum(p.stat().st_size for p in found.values())
    if total > MAX_TOTAL_BYTES:
        biggest = max(found, key=lambda k: found[k].stat().st_size)
        raise AssignmentError(
            f"{folder}: the supporting files beside the source notebook total "
            f"{total / MiB:.1f} MiB, over the {MAX_TOTAL_BYTES / MiB:.0f} MiB limit (the largest "
            f"is {biggest}): give the assignment a folder of its own, or have the notebook "
            "download large data sets",
            path=str(src),
        )
    return {name: found[name].read_bytes() for name in sorted(found)}


def encode(files: dict[str, bytes]) -> dict[str, str]:
    """For the bundle's JSON: contents in base64."""
    return {name: base64.b64encode(data).decode("ascii") for name, data in files.items()}


def decode(files: dict[str, str]) -> dict[str, bytes]:
    """The inverse of :func:`encode`; names are checked to stay inside the folder.

    Raises:
        ValueError: a name that is absolute or climbs out, or content that is not base64.
    """
    out: dict[str, bytes] = {}
    for name, text in files.items():
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts or "\\" in name:
            raise ValueError(f"unsafe supporting file name {name!r}")
        out[name] = base64.b64decode(text.encode("ascii"), validate=True)
    return out


def write(files: dict[str, bytes], folder: str | Path) -> list[Path]:
    """Write ``files`` under ``folder`` (created), readable by everyone (students get them)."""
    root = Path(folder)
    written = []
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o644)
        written.append(path)
    for d in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        d.chmod(0o755)
    return written


@contextlib.contextmanager
def materialized(files: dict[str, bytes]) -> Iterator[str | None]:
    """A temporary folder holding ``files`` for a sandbox to bind (``None`` if there are none),
    removed afterwards."""
    if not files:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="deepcourse-assignment-")
    try:
        write(files, folder)
        os.chmod(folder, 0o755)  # the sandbox reads it as an unprivileged uid
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
