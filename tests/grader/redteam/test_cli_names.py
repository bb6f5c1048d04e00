"""``deepcourse grade`` with the file names students choose: dashes, formulas, odd characters."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from deepcourse.cli import app
from deepcourse.cli._common import spreadsheet_safe


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-x.ipynb", "'-x.ipynb"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("pair-07.ipynb", "pair-07.ipynb"),
        ("", ""),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_made_text(text, safe):
    assert spreadsheet_safe(text) == safe


@pytest.mark.integration
def test_file_names_starting_with_dashes_are_graded_as_files(
    released, submission, tmp_path, monkeypatch
):
    good = submission()
    for name in ("-x.ipynb", "--out.ipynb", "-j3.ipynb", "-y.ipynb"):
        shutil.copy(good, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    bundle = str(released.bundle_path)
    runner = CliRunner()
    # As a shell glob passes them: no "--" needed for existing .ipynb files.
    result = runner.invoke(app, ["grade", bundle, "-x.ipynb", "--out.ipynb", "-j3.ipynb"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["submission"], d["score"]) for d in data] == [
        ("-x.ipynb", 7),
        ("--out.ipynb", 7),
        ("-j3.ipynb", 7),
    ]
    assert not (tmp_path / "out.ipynb").exists()
    # And "--" ends the options as usual.
    result = runner.invoke(app, ["grade", bundle, "--format", "csv", "--", "-y.ipynb"])
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout)))[1][:2] == ["'-y.ipynb", "7"]


@pytest.mark.integration
def test_csv_cells_that_look_like_formulas_are_quoted_as_text(
    released, submission, tmp_path, monkeypatch
):
    good = submission()
    formula = tmp_path / "=HYPERLINK(evil).ipynb"
    shutil.copy(good, formula)
    bad = tmp_path / "@bad.ipynb"
    bad.write_text("{")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["grade", str(released.bundle_path), formula.name, bad.name, "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][0] == "'=HYPERLINK(evil).ipynb" and rows[1][1] == "7"
    assert rows[2][0] == "'@bad.ipynb" and "not JSON" in rows[2][-1]
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
