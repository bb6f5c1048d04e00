"""What a submission may be: a regular file of the assignment's notebook, and nothing else.

Each refused file gets its own message naming what it is and what to submit instead.
"""

from __future__ import annotations

import json
import os

import pytest

from deepcourse.grader.exceptions import SubmissionError
from deepcourse.grader.source import load_source
from deepcourse.grader.submission import (
    StudentCell,
    check_same_assignment,
    read_submission,
    read_submission_bytes,
)

pytestmark = pytest.mark.unit

NOTEBOOK = json.dumps({"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}}]})


def test_a_regular_notebook_is_read(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_text(NOTEBOOK)
    assert read_submission(path) == [StudentCell(None, "code", "x = 1")]


def test_a_symlink_is_refused_even_to_a_valid_notebook(tmp_path):
    real = tmp_path / "real.ipynb"
    real.write_text(NOTEBOOK)
    link = tmp_path / "s.ipynb"
    link.symlink_to(real)
    with pytest.raises(SubmissionError, match="symbolic link.*submit a copy of the notebook"):
        read_submission(link)


def test_a_dangling_symlink_is_refused_as_a_link_not_as_missing(tmp_path):
    link = tmp_path / "s.ipynb"
    link.symlink_to(tmp_path / "nowhere.ipynb")
    with pytest.raises(SubmissionError, match="symbolic link"):
        read_submission(link)


def test_a_directory_is_refused_with_a_per_file_message(tmp_path):
    folder = tmp_path / "hw0.ipynb"
    folder.mkdir()
    with pytest.raises(SubmissionError, match="a folder, not a notebook.*file inside it"):
        read_submission(folder)


@pytest.mark.timeout(30)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "s.ipynb"
    os.mkfifo(fifo)
    with pytest.raises(SubmissionError, match="named pipe"):
        read_submission(fifo)


def test_a_device_is_refused_without_reading_it():
    with pytest.raises(SubmissionError, match="a device"):
        read_submission("/dev/null")


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(SubmissionError, match="no such file"):
        read_submission(tmp_path / "gone.ipynb")


def test_the_size_cap_holds_for_the_bytes_read(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(SubmissionError, match="over the .* limit"):
        read_submission_bytes(path, max_bytes=4999)
    assert len(read_submission_bytes(path, max_bytes=5000)) == 5000


@pytest.fixture(scope="module")
def hw0_cells(hw0_source):
    return list(load_source(hw0_source).cells)


def _as_released(cells):
    return [StudentCell(c.grade_id, c.cell_type, c.public_source) for c in cells]


def test_the_assignments_own_notebook_passes_the_check(hw0_cells):
    check_same_assignment(_as_released(hw0_cells), hw0_cells, "hw0")


def test_a_notebook_with_its_answer_cells_deleted_is_still_this_assignment(hw0_cells):
    kept = [c for c in _as_released(hw0_cells) if not c.grade_id.endswith("-answer")]
    check_same_assignment(kept, hw0_cells, "hw0")
    check_same_assignment(_as_released(hw0_cells)[:3], hw0_cells, "hw0")


def test_a_notebook_of_another_assignment_is_refused_naming_the_expected_one(hw0_cells):
    other = [StudentCell(f"ex{i}-{part}", "code", "pass") for i in range(6) for part in ("a", "t")]
    with pytest.raises(SubmissionError, match=r"not from assignment 'hw0'.*none of") as err:
        check_same_assignment(other, hw0_cells, "hw0")
    assert "hw0.ipynb" in err.value.message and "q1-answer" in err.value.message


def test_a_notebook_without_any_grade_ids_is_refused(hw0_cells):
    bare = [StudentCell(None, "code", "def squares(n):\n    return []")]
    with pytest.raises(SubmissionError, match="not from assignment 'hw0'"):
        check_same_assignment(bare, hw0_cells, "hw0")
    with pytest.raises(SubmissionError, match="not from assignment 'hw0'"):
        check_same_assignment([], hw0_cells, "hw0")


def test_a_foreign_notebook_sharing_one_id_by_chance_is_refused(hw0_cells):
    other = [StudentCell("intro", "markdown", "# Another homework")]
    other += [StudentCell(f"p{i}-{part}", "code", "") for i in range(5) for part in ("a", "t")]
    with pytest.raises(SubmissionError, match=r"only 1 of"):
        check_same_assignment(other, hw0_cells, "hw0")


def test_positional_ids_say_nothing_about_the_assignment(hw0_cells):
    positional = [StudentCell(f"cell-{i}", "code", "") for i in range(20)]
    with pytest.raises(SubmissionError, match="not from assignment"):
        check_same_assignment(positional, hw0_cells, "hw0")
