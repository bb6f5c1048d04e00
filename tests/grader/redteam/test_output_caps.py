"""Red team: output caps applied inside the sandbox can be lifted by the student's code.

The worker's 64 KiB per-cell cap is an object in the student's own process: ``sys.stdout.limit``
is one assignment away. A 7.5 KB notebook made the grader hold gigabytes and write a 1 GB HTML
report and results file. The grader now cuts what it keeps while reading each reply (per cell,
per submission) whatever the sandbox sends.
"""

from __future__ import annotations

import json

import pytest

from deepcourse.grader import grade_batch
from deepcourse.grader.limits import MiB

pytestmark = pytest.mark.integration

#: Each added cell lifts the worker's cap and prints 3 MiB: about 120 MiB for the notebook.
FLOOD_CELLS = 40
FLOOD = (
    "import sys\n"
    "sys.stdout.limit = sys.stderr.limit = 1 << 40\n"
    "print('x' * (2 << 20))\n"
    "print('e' * (1 << 20), file=sys.stderr)\n"
)


def _add_flood_cells(nb: dict) -> None:
    at = next(
        i
        for i, c in enumerate(nb["cells"])
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1-answer"
    )
    for _ in range(FLOOD_CELLS):
        nb["cells"].insert(
            at + 1, {"cell_type": "code", "metadata": {}, "source": FLOOD, "outputs": []}
        )


def test_a_notebook_that_lifts_the_output_cap_gets_a_small_report_and_results_file(
    bundle, submission, tmp_path
):
    flood = submission(edit=_add_flood_cells, name="flood.ipynb")
    assert flood.stat().st_size < 20_000
    out = tmp_path / "out"
    [result] = grade_batch(bundle, [flood], jobs=1, out_dir=out)
    assert result.score == 7  # the answers are still graded
    per_cell = 64 * 1024
    added = [o for o in result.outputs if o.grade_id == "added-cell"]
    assert len(added) == FLOOD_CELLS
    assert all(len(o.stdout) <= per_cell and len(o.stderr) <= per_cell for o in added)
    assert added[0].stdout.startswith("xxx") and added[0].dropped >= (3 << 20) - 2 * per_cell
    kept = sum(len(o.stdout) + len(o.stderr) + len(o.result or "") for o in result.outputs)
    assert kept <= MiB
    assert any("dropped" in n for n in result.notes)
    files = list(out.rglob("*"))
    written = {p.suffix: p.stat().st_size for p in files if p.is_file() and "bundle" not in p.name}
    assert {".html", ".ipynb", ".json"} <= set(written)
    assert max(written.values()) < 3 * MiB, written
    saved = json.loads(next((out / "results").glob("*.json")).read_text())
    assert saved["score"] == 7
