"""Write the agreement test's own cases: nbgrader idioms whose grades issue 10 found wrong.

nbgrader's fixtures use few assertion idioms; these cases put each one before both tools, with a
correct answer, answers nbgrader fails and answers that only look right. Run it to regenerate
``cases/`` (the notebooks are committed, so both tools read the very same files)::

    .venv/bin/python tests/grader/agreement/make_cases.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "support"))

from grader_notebooks import autograded, locked, solution  # noqa: E402

QUESTIONS = [
    # (grade_id, solution, test); the test is nbgrader's, as instructors write them
    (
        "left",
        "def squares(n):\n    return [(i + 1) ** 2 for i in range(n)]",
        "assert [1, 4, 9] == squares(3)",
    ),
    (
        "sorted",
        "def ordered(xs):\n    return sorted(xs)",
        "xs = ordered([3, 1, 2])\nassert sorted(xs) == xs\nassert len(xs) == 3",
    ),
    ("seq", "def seq(n):\n    return list(range(n))", "assert seq(3) == [0, 1, 2]"),
    (
        "types",
        "def f(x):\n    return x * x",
        "assert isinstance(f(2), int)\nassert type(f(2)) == int\nassert 0 < f(2) <= 4\n"
        "assert f(2) != 5\nassert 4 in [f(2), 7]\nassert f(2) not in (1, 2, 3)",
    ),
    (
        "close",
        "def g():\n    return 0.1 + 0.2",
        "assert math.isclose(g(), 0.3)\nassert np.allclose([g(), g()], [0.3, 0.3])\nassert not g() == 0.3",
    ),
    (
        "none",
        "def maybe(x):\n    return None if x is None else x",
        "assert maybe(None) is None\nassert maybe(1) is not None and maybe(1) == 1",
    ),
]

SUBMISSIONS = {
    # name -> answers that differ from the solution
    "variants": {
        "left": "def squares(n):\n    return [0] * n",
        "sorted": "def ordered(xs):\n    out = list(xs)\n    out.sort()\n    return out",
        "seq": "def seq(n):\n    return tuple(range(n))",
        "types": "def f(x):\n    return float(x * x)",
        "close": "def g():\n    return 0.3",
        "none": "def maybe(x):\n    return 0",
        "hidden": "def h(x):\n    return x + x",
    },
    "arrays": {
        "left": "import numpy as np\ndef squares(n):\n    return np.arange(1, n + 1) ** 2",
        "seq": "import numpy as np\ndef seq(n):\n    return np.arange(n)",
        "types": "import numpy as np\ndef f(x):\n    return np.int64(x * x)",
        "hidden": "def h(x):\n    return 3 * x",
    },
}


def source_cells(answers: dict[str, str] | None = None) -> list[dict]:
    answers = answers or {}
    cells = [locked("imports", "import math\nimport numpy as np")]
    for gid, sol, test in QUESTIONS:
        code = answers.get(gid, f"### BEGIN SOLUTION\n{sol}\n### END SOLUTION")
        cells += [solution(f"{gid}-answer", code), autograded(f"{gid}-test", test)]
    # Hidden tests run where they stand: `x` is 1 for the first test, 10 for the second.
    hidden = answers.get(
        "hidden", "### BEGIN SOLUTION\ndef h(x):\n    return 2 * x\n### END SOLUTION"
    )
    cells += [
        solution("hidden-answer", hidden),
        locked("x-is-1", "x = 1"),
        autograded(
            "hidden-test-1",
            "assert h(x) == 2\n### BEGIN HIDDEN TESTS\nassert h(x) + 1 == 3\n### END HIDDEN TESTS",
        ),
        locked("x-is-10", "x = 10"),
        autograded("hidden-test-2", "assert h(x) == 20"),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
    return cells


def notebook(cells: list[dict]) -> dict:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def main() -> None:
    folder = HERE / "cases" / "idioms"
    (folder / "submitted").mkdir(parents=True, exist_ok=True)
    (folder / "idioms.ipynb").write_text(json.dumps(notebook(source_cells()), indent=1) + "\n")
    for name, answers in SUBMISSIONS.items():
        data = notebook(source_cells(answers))
        (folder / "submitted" / f"{name}.ipynb").write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
