"""nbgrader 0.9.6 in its own venv, for the benchmark and the agreement test: made in one place.

Usage (from the repository root; ``make nbgrader-venv`` runs it)::

    .venv/bin/python benchmarks/nbgrader_env.py

It creates ``benchmarks/.venv-nbgrader`` (git-ignored) with nbgrader from PyPI, and beside it
nbgrader's documentation example course, taken from nbgrader's sdist (the wheel does not ship
the docs; its test fixtures are in the wheel, under ``site-packages/nbgrader/tests``). A
``.pth`` file lets nbgrader's kernel import this project's numpy and torch, after nbgrader's own
packages, so both graders run the same libraries. A ``.ready`` stamp holding the pinned version
marks a finished venv; a venv with another stamp is made anew.

When the venv cannot be made (no network, PyPI down), it writes the reason to
``UNAVAILABLE`` in the venv's folder and exits 0, so that ``make test`` goes on and the
agreement test skips with that reason; under ``CI=true`` it exits 1 instead: CI must compare.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NB_VENV = HERE / ".venv-nbgrader"
VERSION = "0.9.6"
NBGRADER = f"nbgrader=={VERSION}"
READY = NB_VENV / ".ready"
UNAVAILABLE = NB_VENV / "UNAVAILABLE"
#: nbgrader's documentation course (``source/ps1``, ``submitted/<student>/ps1``, autotests.yml).
DOCS = NB_VENV / "docs-user-guide"
PTH = "zz-deepcourse-libs.pth"
_DOCS_PREFIX = f"nbgrader-{VERSION}/nbgrader/docs/source/user_guide/"
_DOCS_PARTS = ("source/", "submitted/", "autotests.yml")


def python() -> Path:
    return NB_VENV / "bin" / "python"


def bin_dir() -> Path:
    return NB_VENV / "bin"


def is_ready() -> bool:
    return READY.is_file() and READY.read_text().strip() == VERSION and python().exists()


def site_packages() -> Path:
    """The nbgrader venv's ``site-packages`` (the fixtures live in ``nbgrader/tests`` there)."""
    out = subprocess.run(
        [str(python()), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip())


def link_libraries(ours: str | None = None) -> None:
    """Point the venv's ``.pth`` at this interpreter's ``site-packages`` (numpy, torch).

    Cheap, so callers run it every time: the project venv a test runs under may not be the one
    the nbgrader venv was made from (a worktree, a moved checkout).
    """
    ours = ours or sysconfig.get_paths()["purelib"]
    pth = site_packages() / PTH
    if not pth.exists() or pth.read_text().strip() != ours:
        pth.write_text(ours + "\n")


def _run(cmd: list[str], **kw) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed (exit {done.returncode}):\n{tail}")


def _fetch_docs() -> None:
    """Extract the docs' example course from nbgrader's sdist (only nbgrader is built from source:
    ``--no-binary nbgrader``; ``:all:`` would build its build tools from source too, minutes)."""
    with tempfile.TemporaryDirectory() as tmp:
        _run(
            [
                str(python()),
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                "nbgrader",
                NBGRADER,
                "-d",
                tmp,
            ]
        )
        (sdist,) = Path(tmp).glob("nbgrader-*.tar.gz")
        shutil.rmtree(DOCS, ignore_errors=True)
        with tarfile.open(sdist) as tar:
            members = [
                m
                for m in tar.getmembers()
                if m.name.startswith(_DOCS_PREFIX)
                and m.name[len(_DOCS_PREFIX) :].startswith(_DOCS_PARTS)
                and (m.isfile() or m.isdir())
            ]
            for m in members:
                m.name = m.name[len(_DOCS_PREFIX) :]
            DOCS.mkdir(parents=True)
            tar.extractall(DOCS, members=members, filter="data")
    if not (DOCS / "source" / "ps1" / "problem1.ipynb").is_file():
        raise RuntimeError(f"nbgrader's sdist has no docs course at {_DOCS_PREFIX}source/ps1")


def ensure(ours: str | None = None) -> Path:
    """Make the venv if it is missing or of another version; return its ``bin`` folder.

    Raises:
        RuntimeError: pip failed (the message ends with pip's last lines).
    """
    if not is_ready():
        print(f"creating {NB_VENV} with {NBGRADER} (once, about a minute) ...", flush=True)
        shutil.rmtree(NB_VENV, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(NB_VENV)])
        _run([str(python()), "-m", "pip", "install", "-q", NBGRADER])
        _fetch_docs()
        READY.write_text(VERSION + "\n")
    link_libraries(ours)
    return bin_dir()


def main() -> int:
    try:
        ensure()
    except (RuntimeError, OSError, ValueError) as exc:
        reason = f"the nbgrader venv could not be made: {exc}"
        if os.environ.get("CI") == "true":
            print(reason, file=sys.stderr)
            return 1
        NB_VENV.mkdir(parents=True, exist_ok=True)
        UNAVAILABLE.write_text(reason + "\n")
        print(f"warning: {reason}\n(the nbgrader agreement test will be skipped)", file=sys.stderr)
        return 0
    UNAVAILABLE.unlink(missing_ok=True)
    print(f"{NB_VENV.relative_to(HERE.parent)}: nbgrader {VERSION} ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
