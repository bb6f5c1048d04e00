"""Feedback a student can act on: an HTML report and the notebook with its outputs.

Public tests show their message (the failing values); tests with hidden parts say only passed
or failed. Output of hidden test code is never shown.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from deepcourse.grader.results import Status, SubmissionResult

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
        message = t.message or ("" if t.status is Status.PASSED else str(t.status))
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
        parts.append(f"<p class='note'><strong>Not graded:</strong> {_e(result.error)}</p>")
    for note in result.notes:
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
            body = o.stdout + o.stderr + (o.result or "") + (("\n" + o.error) if o.error else "")
            if o.dropped:
                body += f"\n[... {o.dropped} more characters of output dropped]"
            if body.strip():
                parts.append(f"<h3>{_e(o.grade_id)}</h3><pre>{_e(body)}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def notebook_with_outputs(student_cells: list[dict], result: SubmissionResult) -> dict:
    """The submitted notebook's cells with the grader's outputs attached by ``grade_id``."""
    by_id: dict[str, list] = {}
    for o in result.outputs:
        outputs = []
        if o.stdout:
            outputs.append({"output_type": "stream", "name": "stdout", "text": o.stdout})
        if o.stderr:
            outputs.append({"output_type": "stream", "name": "stderr", "text": o.stderr})
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
                    "traceback": o.error.splitlines(),
                }
            )
        by_id.setdefault(o.grade_id, outputs)
    cells = []
    for raw in student_cells:
        cell = dict(raw)
        gid = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if cell.get("cell_type") == "code":
            cell["outputs"] = by_id.get(gid, [])
            cell["execution_count"] = None
        cells.append(cell)
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
        try:
            data = json.loads(Path(submission).read_text(encoding="utf-8"))
            cells = [c for c in data.get("cells", []) if isinstance(c, dict)]
            (out / f"{stem}.ipynb").write_text(
                json.dumps(notebook_with_outputs(cells, result), indent=1), encoding="utf-8"
            )
        except (OSError, ValueError):
            pass
    return page
