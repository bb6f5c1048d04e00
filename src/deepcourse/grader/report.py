"""Feedback a student can act on: an HTML report and the notebook with its outputs.

Public tests show their message (the failing values); tests with hidden parts say only passed
or failed. Output of hidden test code is never shown. Every message and error text passes
through :func:`~deepcourse.grader.sanitize.clean_message` (no grader frame or install path), and
the number of notes shown is capped, so a report's size stays bounded by the output caps
applied when the sandbox's replies were read (:mod:`runner`).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.results import Status, SubmissionResult, capped_notes
from deepcourse.grader.sanitize import clean_message
from deepcourse.grader.source import CHECK_CELL_ID
from deepcourse.grader.submission import read_notebook_json

#: How the grader names the cells a student added (``grade.py``); its own check() cell.
_ADDED = "added-cell"

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
.passed{color:#1a7f37}.failed,.error,.timeout,.tampered{color:#cf222e}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap}
.note{background:#fff8c5;padding:.5rem}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def html_report(result: SubmissionResult, *, title: str = "Autograder feedback") -> str:
    """The feedback page for one submission (self-contained HTML, everything escaped)."""
    rows = []
    for t in result.tests:
        message = clean_message(t.message) or ("" if t.status is Status.PASSED else str(t.status))
        rows.append(
            f"<tr><td>{_e(t.grade_id)}</td><td class='{_e(t.status)}'>{_e(t.status)}</td>"
            f"<td>{t.score:g} / {t.max_score:g}</td><td>{_e(message)}"
            f"{' <em>(includes hidden tests)</em>' if t.hidden else ''}</td></tr>"
        )
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1><p>Submission: <code>{_e(result.submission)}</code></p>",
        f"<h2>Score: {result.score:g} / {result.max_score:g}</h2>",
    ]
    if result.error:
        parts.append(
            f"<p class='note'><strong>Not graded:</strong> {_e(clean_message(result.error))}</p>"
        )
    for note in capped_notes(result.notes):
        parts.append(f"<p class='note'>{_e(note)}</p>")
    if rows:
        parts.append("<table><tr><th>Test</th><th>Status</th><th>Points</th><th>Message</th></tr>")
        parts.extend(rows)
        parts.append("</table>")
    if result.manual:
        parts.append("<h2>Graded by the course staff</h2><ul>")
        parts.extend(
            f"<li>{_e(m.grade_id)} ({m.points:g} points): pending</li>" for m in result.manual
        )
        parts.append("</ul>")
    if result.outputs:
        parts.append("<h2>Output of your notebook</h2>")
        for o in result.outputs:
            error = clean_message(o.error)
            body = o.stdout + clean_message(o.stderr) + (o.result or "")
            body += ("\n" + error) if error else ""
            if o.dropped:
                body += f"\n[... {o.dropped} more characters of output dropped]"
            if body.strip():
                parts.append(f"<h3>{_e(o.grade_id)}</h3><pre>{_e(body)}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _cell_outputs(o) -> list[dict]:
    outputs: list[dict] = []
    if o.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": o.stdout})
    if o.stderr:
        outputs.append({"output_type": "stream", "name": "stderr", "text": clean_message(o.stderr)})
    if o.result is not None:
        outputs.append(
            {
                "output_type": "execute_result",
                "execution_count": None,
                "metadata": {},
                "data": {"text/plain": o.result},
            }
        )
    if o.error:
        outputs.append(
            {
                "output_type": "error",
                "ename": o.status,
                "evalue": "",
                "traceback": clean_message(o.error).splitlines(),
            }
        )
    return outputs


def _grade_id(cell: dict) -> str | None:
    meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    nb = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
    gid = nb.get("grade_id")
    return gid if isinstance(gid, str) else None


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        return "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def notebook_with_outputs(student_cells: list[dict], result: SubmissionResult) -> dict:
    """The submitted notebook's cells with the outputs the grader got for each.

    A cell of the assignment gets the output of its ``grade_id`` (a second copy of a cell, which
    was not graded, gets none). Cells the student added carry no id, and the grader ran each
    right after the assignment cell it follows (``grading_plan``): an added cell's output is the
    next unused "added" output that follows the same assignment code cell, so every added cell
    keeps its own output even when several follow one cell; any left over (the student moved
    assignment cells around) are given out in order.
    """
    by_id: dict[str, list[dict]] = {}
    added: dict[str | None, list[list[dict]]] = {}  # preceding assignment cell -> outputs
    anchor: str | None = None
    for o in result.outputs:
        if o.grade_id == _ADDED:
            added.setdefault(anchor, []).append(_cell_outputs(o))
        elif o.grade_id not in by_id:
            by_id[o.grade_id] = _cell_outputs(o)
            anchor = o.grade_id
    graded = set(by_id) | {t.grade_id for t in result.tests} | {m.grade_id for m in result.manual}
    graded.add(CHECK_CELL_ID)
    seen: set[str] = set()
    cells = []
    unmatched: list[int] = []
    anchor = None
    for raw in student_cells:
        cell = dict(raw)
        gid = _grade_id(cell)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            if gid in by_id and gid not in seen:
                cell["outputs"] = by_id[gid]
                anchor = gid
            elif (gid is None or gid not in graded and gid not in seen) and _source(cell).strip():
                queue = added.get(anchor)
                if queue:
                    cell["outputs"] = queue.pop(0)
                else:
                    unmatched.append(len(cells))
        if gid is not None:
            seen.add(gid)
        cells.append(cell)
    leftovers = [outputs for queue in added.values() for outputs in queue]
    for index, outputs in zip(unmatched, leftovers, strict=False):
        cells[index]["outputs"] = outputs
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write_feedback(
    result: SubmissionResult, out_dir: str | Path, stem: str, submission: str | Path | None = None
) -> Path:
    """Write ``<stem>.html`` (and ``<stem>.ipynb`` with outputs, when the file was a notebook)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    page = out / f"{stem}.html"
    page.write_text(html_report(result), encoding="utf-8")
    if submission is not None and not result.error:
        try:  # read as the grader read it: a regular file only, never through a link
            data = read_notebook_json(submission)
            cells = [c for c in data["cells"] if isinstance(c, dict)]
            (out / f"{stem}.ipynb").write_text(
                json.dumps(notebook_with_outputs(cells, result), indent=1), encoding="utf-8"
            )
        except (OSError, SubmissionError):
            pass
    return page
