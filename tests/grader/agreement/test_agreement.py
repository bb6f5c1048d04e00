"""deepcourse grades nbgrader's own fixtures and docs course as nbgrader 0.9.6 does, or as listed.

The harness is ``agreement.py`` beside this file (its docstring says what each fixture is asked);
nbgrader runs in ``benchmarks/.venv-nbgrader``, made by ``make nbgrader-venv`` (a prerequisite of
``make test``). Every difference between the two tools must be listed, with the reason
deepcourse's answer is better, in ``known_differences.toml``; a listed difference that is no
longer seen fails too, so the list stays true. The report is written to
``build/nbgrader-agreement.md`` (``make agreement`` writes ``docs/nbgrader-agreement.md``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

import pytest
from tests_support import REPO_ROOT

HERE = Path(__file__).resolve().parent


def _harness():
    spec = importlib.util.spec_from_file_location("agreement_harness", HERE / "agreement.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


h = _harness()


# ----------------------------------------------------------------- the comparison's own rules


def _step(nb: str, dc: str, step: str = "release"):
    return h.Step("apps/x.ipynb", step, nb, dc)


def _known(nb: str, dc: str, step: str = "release"):
    return h.Known("apps/x.ipynb", step, nb, dc, "open: example")


@pytest.mark.unit
def test_an_unlisted_difference_is_reported():
    unlisted, stale, _ = h.compare([_step("refused", "accepted")], [])
    assert [s.step for s in unlisted] == ["release"] and stale == []


@pytest.mark.unit
def test_a_listed_difference_passes_and_agreement_needs_no_entry():
    steps = [_step("refused", "accepted"), _step("1/1 [a=1]", "1/1 [a=1]", "grade solution")]
    unlisted, stale, matched = h.compare(steps, [_known("refused", "accepted")])
    assert unlisted == [] and stale == [] and list(matched) == [("apps/x.ipynb", "release")]


@pytest.mark.unit
def test_a_listed_difference_that_disappeared_is_stale():
    unlisted, stale, _ = h.compare([_step("refused", "refused")], [_known("refused", "accepted")])
    assert unlisted == [] and [k.deepcourse for k in stale] == ["accepted"]


@pytest.mark.unit
def test_a_difference_that_changed_shape_is_new_and_its_entry_stale():
    unlisted, stale, _ = h.compare(
        [_step("0/1 [a=0]", "refused", "grade blank")],
        [_known("0/1 [a=0]", "1/1 [a=1]", "grade blank")],
    )
    assert [s.deepcourse for s in unlisted] == ["refused"] and len(stale) == 1


@pytest.mark.unit
def test_a_step_only_one_tool_ran_is_not_compared():
    unlisted, stale, _ = h.compare([_step(h.NOT_RUN, "1/1 [a=1]", "grade blank")], [])
    assert unlisted == [] and stale == []


@pytest.mark.unit
def test_every_listed_difference_has_a_reason_and_is_unique():
    known = h.load_known()
    keys = [(k.case, k.step) for k in known]
    assert len(keys) == len(set(keys)), "a step is listed twice in known_differences.toml"
    assert all(k.reason.startswith(("open:", "better:", "unsupported:")) for k in known), (
        "each reason starts with 'open:' (still to fix or decide), 'better:' (why deepcourse's "
        "answer is the right one) or 'unsupported:' (refused at release with a clear message)"
    )


@pytest.mark.unit
def test_solutions_are_filled_without_their_markers():
    source = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"nbgrader": {"solution": True, "grade_id": "q"}},
                "source": "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
            }
        ]
    }
    released = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"nbgrader": {"solution": True, "grade_id": "q"}},
                "source": "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()",
            }
        ]
    }
    assert h.filled(released, h.solutions(source))["cells"][0]["source"] == "def f():\n    return 1"


# ----------------------------------------------------------------- the real run


def _nbgrader_or_skip():
    env = h.nbgrader_env()
    if env.is_ready():
        return env
    why = (
        env.UNAVAILABLE.read_text().strip()
        if env.UNAVAILABLE.exists()
        else f"{env.NB_VENV} is missing or unfinished: run `make nbgrader-venv`"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, and the nbgrader agreement test cannot run: {why}")
    pytest.skip(why)


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_deepcourse_grades_nbgraders_fixtures_as_nbgrader_or_as_listed(tmp_path):
    _nbgrader_or_skip()
    start = time.perf_counter()
    steps = h.run(tmp_path, log=lambda *_: None)
    seconds = time.perf_counter() - start
    unlisted, stale, matched = h.compare(steps, h.load_known())
    out = REPO_ROOT / "build" / "nbgrader-agreement.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(h.report(steps, matched, seconds), encoding="utf-8")

    # The harness itself: every fixture was asked, and nbgrader's own answers are the expected
    # ones on its docs course (full marks for the solution, none for the blank release).
    sources, submissions = h.fixture_counts(steps)
    assert (sources, submissions) >= (41, 20), "fixtures are missing: is the nbgrader venv whole?"
    verdict = {(s.case, s.step): s.nbgrader for s in steps}
    assert verdict["docs/ps1/problem1.ipynb", "grade solution"].startswith("3/3 ")
    assert verdict["docs/ps1/problem1.ipynb", "grade blank"].startswith("0/3 ")

    problems = [
        f"NEW   {s.case} | {s.step}: nbgrader {s.nbgrader!r}, deepcourse {s.deepcourse!r}"
        f"  ({'; '.join(f'{k}: {v}' for k, v in s.details.items() if v)})"
        for s in unlisted
    ] + [
        f"STALE {k.case} | {k.step}: listed nbgrader {k.nbgrader!r}, deepcourse {k.deepcourse!r}"
        for k in stale
    ]
    assert not problems, (
        "deepcourse and nbgrader differ where known_differences.toml does not say so, or a "
        f"listed difference is gone (report: {out}):\n" + "\n".join(problems)
    )
