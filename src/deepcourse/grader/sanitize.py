"""Taking the grader's own frames and install paths out of text that students and authors see.

A traceback from the sandbox names files by their path on the grading machine: the venv, the
Python installation, the grader's source tree (``/srv/course/.venv/lib/python3.11/site-packages/
numpy/...``). The worker already drops its own frames (``worker._format_error``), but what the
sandbox sends is untrusted and reports are also built from saved results, so the grader cleans
every message itself, where replies are read (:mod:`runner`) and where feedback is written
(:mod:`report`, :mod:`results`):

- a frame of the grader's ``worker.py`` or ``wire.py`` is removed with its source lines;
- a path into a Python library folder keeps only the part a reader knows
  (``.../site-packages/numpy/core/x.py`` becomes ``numpy/core/x.py``,
  ``.../lib/python3.11/json/decoder.py`` becomes ``json/decoder.py``);
- any other path under the interpreter's prefixes or the grader's source tree loses that prefix.

Student output (stdout, a cell's value) is theirs and is left alone; stderr is cleaned because
Python's warnings print library paths there. Everything here runs in time linear in the text, so
a hostile megabyte of slashes costs no more than any other megabyte.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path

_LIBRARY_MARKERS = ("/site-packages/", "/dist-packages/")
_STDLIB = re.compile(r"/lib(?:64)?/python3(?:\.\d+)?/")
#: A run of characters that may form a path: quotes, brackets and spaces end it. (One character
#: class, so matching is linear; runs without a slash are returned as they are.)
_TOKEN = re.compile(r"[^\s\"'<>()\[\]{},;=]+")
_FRAME = re.compile(r'( *)File "([^"\n]*)", line \d+')
_GRADER_FILES = ("worker.py", "wire.py")
#: Prefixes too common to strip from arbitrary text (a student's own "/usr/share/dict/words").
_TOO_COMMON = {"", "/", "/usr", "/usr/local", "/opt", "/home", "/root", "/tmp", "/srv", "/work"}


@functools.cache
def _grader_dir() -> str:
    return str(Path(__file__).resolve().parent)


@functools.cache
def _prefixes() -> tuple[str, ...]:
    """Install and source prefixes of this machine, longest first (the sandbox binds the same)."""
    src = Path(__file__).resolve().parents[2]  # .../src (the folder holding deepcourse/)
    roots = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        os.path.dirname(os.path.dirname(sys.executable or "")),
        str(src),
        str(src.parent),
    }
    roots |= {os.path.realpath(r) for r in roots if r}
    keep = {r.rstrip("/") for r in roots if r and r.rstrip("/") not in _TOO_COMMON}
    return tuple(sorted(keep, key=len, reverse=True))


def _is_grader_frame(path: str) -> bool:
    head, name = os.path.split(path)
    if name not in _GRADER_FILES:
        return False
    return head.endswith("deepcourse/grader") or head == _grader_dir() or not head


def _drop_grader_frames(text: str) -> str:
    if "File " not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    skip_indent: int | None = None
    for line in lines:
        if skip_indent is not None:
            stripped = len(line) - len(line.lstrip(" "))
            if line.strip() and stripped > skip_indent and not _FRAME.match(line):
                continue  # the dropped frame's source line and caret
            skip_indent = None
        frame = _FRAME.match(line)
        if frame and _is_grader_frame(frame.group(2)):
            skip_indent = len(frame.group(1))
            continue
        out.append(line)
    # A "Traceback" header whose frames were all the grader's says nothing: drop it too.
    cleaned = [
        line
        for i, line in enumerate(out)
        if not (
            line.startswith("Traceback (most recent call last):")
            and (i + 1 >= len(out) or not _FRAME.match(out[i + 1]))
        )
    ]
    return "\n".join(cleaned)


def _shorten_path(match: re.Match) -> str:
    token = match.group(0)
    if "/" not in token:
        return token
    end = -1
    for marker in _LIBRARY_MARKERS:
        at = token.rfind(marker)
        if at >= 0:
            end = max(end, at + len(marker))
    if end < 0:
        ends = [m.end() for m in _STDLIB.finditer(token)]
        if ends:
            end = ends[-1]
    if end >= 0:
        start = token.find("/")
        return token[:start] + token[end:]
    for prefix in _prefixes():
        at = token.find(prefix + "/")
        if at >= 0:
            return token[:at] + token[at + len(prefix) + 1 :]
    return token


def clean_message(text: str) -> str:
    """``text`` without grader frames and install paths (see the module docstring)."""
    if not text or "/" not in text and "File " not in text:
        return text
    return _TOKEN.sub(_shorten_path, _drop_grader_frames(text))
