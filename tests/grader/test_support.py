"""Supporting files (data, helper modules) and NBGRADER_EXECUTION, as nbgrader provides them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from deepcourse.grader import grade_batch, grade_submission, release_assignment, support
from deepcourse.grader.exceptions import AssignmentError, SolutionFailsTests

FIXTURES = Path(__file__).parent / "fixtures" / "nbgrader"


def _folder(tmp_path: Path) -> Path:
    """An assignment folder: the source, a data file, a helper module, and things not to take."""
    root = tmp_path / "ps1"
    shutil.copytree(FIXTURES / "open_relative_file", root)
    (root / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    (root / "data").mkdir()
    (root / "data" / "table.csv").write_text("a,b\n1,2\n")
    (root / "other-source.ipynb").write_text("{}")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("secret")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "helpers.cpython-311.pyc").write_bytes(b"\0")
    (root / "old.bundle.json").write_text("{}")
    return root


@pytest.mark.unit
def test_everything_beside_the_source_is_taken_but_notebooks_hidden_files_and_caches(tmp_path):
    root = _folder(tmp_path)
    (root / "release").mkdir()
    (root / "release" / "x.txt").write_text("an earlier release")
    files = support.collect(root / "open_relative_file.ipynb", {}, exclude=(root / "release",))
    assert sorted(files) == ["data.txt", "data/table.csv", "helpers.py"]
    assert files["data.txt"].startswith(b"line 1")


@pytest.mark.unit
def test_files_listed_in_the_metadata_are_taken_too(tmp_path):
    root = _folder(tmp_path)
    (tmp_path / "shared.txt").write_text("shared")
    (root / ".config.json").write_text("{}")
    meta = {"deepcourse": {"files": ["../shared.txt", ".config.json"]}}
    files = support.collect(root / "open_relative_file.ipynb", meta)
    assert files["shared.txt"] == b"shared" and files[".config.json"] == b"{}"
    with pytest.raises(AssignmentError, match="lists 'missing.csv', which does not exist"):
        support.collect(
            root / "open_relative_file.ipynb", {"deepcourse": {"files": ["missing.csv"]}}
        )


@pytest.mark.unit
def test_too_many_bytes_of_supporting_files_is_refused_with_a_fix(tmp_path, monkeypatch):
    root = _folder(tmp_path)
    monkeypatch.setattr(support, "MAX_TOTAL_BYTES", 10)
    with pytest.raises(AssignmentError, match="over the .* limit .*folder of its own"):
        support.collect(root / "open_relative_file.ipynb", {})


@pytest.mark.unit
@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../b"])
def test_a_bundle_cannot_name_a_file_outside_the_folder(name):
    with pytest.raises(ValueError, match="unsafe"):
        support.decode({name: ""})


@pytest.mark.integration
def test_supporting_files_are_released_and_present_at_release_and_when_grading(tmp_path):
    root = _folder(tmp_path)
    release = release_assignment(root / "open_relative_file.ipynb", tmp_path / "out")
    out = tmp_path / "out"
    assert (out / "data.txt").read_text().startswith("line 1")
    assert (out / "helpers.py").exists() and (out / "data" / "table.csv").exists()
    assert not (out / ".git").exists() and not (out / "other-source.ipynb").exists()
    assert sorted(release.bundle.files) == ["data.txt", "data/table.csv", "helpers.py"]
    # graded from the bundle alone: the files travel in it
    result = grade_submission(release.bundle_path, release.student_notebook)
    assert result.score == 10, result.tests


@pytest.mark.integration
def test_each_submission_gets_fresh_supporting_files(tmp_path):
    root = _folder(tmp_path)
    release = release_assignment(root / "open_relative_file.ipynb", tmp_path / "out")
    data = json.loads(release.student_notebook.read_text())
    clobber = {
        "cell_type": "code",
        "metadata": {},
        "source": "open('data.txt', 'w').write('one line')",
        "outputs": [],
        "execution_count": None,
    }
    data["cells"].insert(0, clobber)
    hostile = tmp_path / "a-hostile.ipynb"
    hostile.write_text(json.dumps(data))
    first, second = grade_batch(release.bundle, [hostile, release.student_notebook], jobs=1)
    assert first.score == 0  # its own copy was changed
    assert second.score == 10  # the next student's copy was not


@pytest.mark.integration
def test_nbgrader_execution_is_validate_at_release(tmp_path):
    # nbgrader's fixture fails whenever NBGRADER_EXECUTION is set: its release must fail here too
    src = tmp_path / "validating-environment-variable.ipynb"
    shutil.copy(FIXTURES / src.name, src)
    with pytest.raises(SolutionFailsTests, match="cell-bfbdf1784663b6b6"):
        release_assignment(src, tmp_path / "out")


@pytest.mark.integration
def test_nbgrader_execution_is_autograde_when_grading(tmp_path):
    def cell(source, **nbgrader):
        meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
        return {"cell_type": "code", "metadata": meta, "source": source, "outputs": []}

    source = tmp_path / "mode.ipynb"
    source.write_text(
        json.dumps(
            {
                "cells": [
                    cell("import os\nmode = os.environ['NBGRADER_EXECUTION']\nprint(mode)"),
                    cell(
                        "assert mode in ('validate', 'autograde')",
                        grade=True,
                        locked=True,
                        points=1,
                        grade_id="t",
                    ),
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    release = release_assignment(source, tmp_path / "out")
    result = grade_submission(release.bundle, release.student_notebook)
    assert [o.stdout for o in result.outputs if o.grade_id == "added-cell"] == ["autograde\n"]
