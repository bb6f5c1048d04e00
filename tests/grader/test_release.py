"""Releasing an assignment: student notebook, private bundle, manual-grading queue."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deepcourse.grader import SolutionFailsTests, release_assignment

pytestmark = pytest.mark.integration


def test_the_student_notebook_has_no_solutions_and_no_hidden_tests(released):
    text = released.student_notebook.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "standardize(random)" not in text and "x.std()" not in text
    assert "raise NotImplementedError()" in text


def test_graded_cells_are_locked_in_the_student_notebook(released):
    cells = json.loads(released.student_notebook.read_text())["cells"]
    tests = [c for c in cells if c["metadata"]["nbgrader"].get("grade")]
    assert tests and all(
        c["metadata"]["nbgrader"]["locked"] or c["metadata"]["nbgrader"]["solution"] for c in tests
    )
    assert all(
        c["metadata"]["editable"] is False for c in cells if c["metadata"]["nbgrader"]["locked"]
    )


def test_the_student_notebook_defines_check_so_public_tests_run_locally(released):
    first = json.loads(released.student_notebook.read_text())["cells"][0]
    namespace: dict = {}
    exec("".join(first["source"]), namespace)
    assert callable(namespace["check"])


def test_the_bundle_holds_expected_values_computed_from_the_solution(released):
    expected = released.bundle.expected
    assert [e.name for e in expected["q1-test"]] == ["squares(5)", "squares(12)"]
    assert [e.hidden for e in expected["q1-test"]] == [False, True]
    # The asserts' expected operands are evaluated at release and kept in the bundle.
    steps = released.bundle.steps["q1-test"]
    asserts = [s for s in steps if s.kind == "assert"]
    assert [s.hidden for s in asserts] == [False, True]
    assert [s.tree["items"][1]["value"]["t"] for s in asserts] == ["list", "list"]
    assert len(asserts[0].tree["items"][1]["value"]["v"]) == 3
    assert released.bundle_path.stat().st_mode & 0o077 == 0  # private to its owner


def test_a_bundle_is_created_private_not_made_private_afterwards(bundle, tmp_path, monkeypatch):
    readable = tmp_path / "readable.bundle.json"
    readable.write_text("{}")
    readable.chmod(0o644)
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)  # only how it is created counts
    old = os.umask(0)
    try:
        paths = [bundle.save(tmp_path / "new.bundle.json"), bundle.save(readable)]
    finally:
        os.umask(old)
    for path in paths:
        assert path.stat().st_mode & 0o077 == 0
        assert json.loads(path.read_text())["name"] == bundle.name


def test_manual_cells_go_to_the_manual_queue(released):
    queue = json.loads(released.manual_queue.read_text())
    assert [(q["grade_id"], q["points"]) for q in queue] == [("q4-answer", 1.0)]


def test_a_source_whose_solution_fails_its_own_test_is_refused(hw0_source, tmp_path):
    data = json.loads(hw0_source.read_text())
    for cell in data["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q1-answer":
            cell["source"] = "def squares(n):\n    return []"
    broken = tmp_path / "broken-source.ipynb"
    broken.write_text(json.dumps(data))
    with pytest.raises(SolutionFailsTests, match="q1-test") as info:
        release_assignment(broken, tmp_path / "out")
    assert info.value.grade_id == "q1-test"


def test_a_test_without_checks_is_flagged_as_decided_in_the_sandbox(hw0_source, tmp_path):
    data = json.loads(hw0_source.read_text())
    for cell in data["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q3-test":
            cell["source"] = (
                "try:\n    word_counts(None)\nexcept AttributeError:\n    pass\n"
                "else:\n    raise AssertionError('None should be refused')"
            )
    weak = tmp_path / "weak-source.ipynb"
    weak.write_text(json.dumps(data))
    release = release_assignment(weak, tmp_path / "out")
    assert len(release.warnings) == 1 and "q3-test" in release.warnings[0]


def test_an_isinstance_assert_is_decided_by_the_grader_not_flagged(hw0_source, tmp_path):
    data = json.loads(hw0_source.read_text())
    for cell in data["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q3-test":
            cell["source"] = "assert isinstance(word_counts('a'), dict)"
    source = tmp_path / "typed-source.ipynb"
    source.write_text(json.dumps(data))
    release = release_assignment(source, tmp_path / "out")
    assert release.warnings == ()
    (step,) = release.bundle.steps["q3-test"]
    assert step.kind == "assert" and step.tree["k"] == "call"
