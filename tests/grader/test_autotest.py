"""nbgrader's ``### AUTOTEST`` directives, instantiated at release (autotest.py).

Unit tests: how a directive line is read, where ``autotests.yml`` is found, which templates a
type gets. Integration tests: releases in the sandbox give the test code nbgrader 0.9.6 writes
(its text checked against nbgrader's own output for the same fixture), expected values kept in
the bundle, and what cannot be instantiated refused naming the cell.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from deepcourse.grader import grade_submission, release_assignment
from deepcourse.grader.autotest import (
    Templates,
    find_file,
    is_directive,
    load_templates,
    parse_directive,
    sanitize,
)
from deepcourse.grader.exceptions import AssignmentError, SolutionFailsTests

FIXTURES = Path(__file__).parent / "fixtures" / "nbgrader"
YML = FIXTURES / "autotests.yml"


# --------------------------------------------------------------------------- unit


@pytest.mark.unit
@pytest.mark.parametrize(
    ("line", "hashed", "snippets"),
    [
        ("### AUTOTEST a", False, ["a"]),
        ('### AUTOTEST type(a); str(a); a == "5";', False, ["type(a)", "str(a)", 'a == "5"']),
        ("### AUTOTEST [ch for ch in b]; len(c);", False, ["[ch for ch in b]", "len(c)"]),
        ("### AUTOTEST a                        ", False, ["a"]),
        ("#AUTOTEST a", False, ["a"]),
        ("# # # # HASHED AUTOTEST a", True, ["a"]),
        ("### HASHED AUTOTEST squares(3)", True, ["squares(3)"]),
        (
            "### AUTOTEST sum_of_squares(2); sum_of_squares(10) ",
            False,
            ["sum_of_squares(2)", "sum_of_squares(10)"],
        ),
        ("### AUTOTEST a HASHED", False, ["a HASHED"]),  # HASHED counts only before AUTOTEST
    ],
)
def test_directive_lines_are_split_as_nbgrader_splits_them(line, hashed, snippets):
    assert is_directive(line)
    assert parse_directive(line) == (hashed, snippets)


@pytest.mark.unit
@pytest.mark.parametrize("line", ["x = 1  # AUTOTEST a", "print('AUTOTEST')", "## autotest a"])
def test_only_comment_lines_holding_autotest_are_directives(line):
    assert not is_directive(line)


@pytest.mark.unit
def test_kernel_output_is_sanitized_as_nbgrader_sanitizes_it():
    assert sanitize("'5'") == "5"
    assert sanitize("\"<class 'int'>\"") == "<class 'int'>"
    assert sanitize(None) is None


@pytest.mark.unit
def test_autotests_yml_is_found_beside_the_notebook_or_in_the_course_above(tmp_path):
    course = tmp_path / "course"
    nb = course / "source" / "ps1" / "problem1.ipynb"
    nb.parent.mkdir(parents=True)
    nb.write_text("{}")
    assert find_file(nb) is None
    (course / "autotests.yml").write_text("python3: {}")
    assert find_file(nb) == course / "autotests.yml"  # the course root, two levels up
    (nb.parent / "autotests.yml").write_text("python3: {}")
    assert find_file(nb) == nb.parent / "autotests.yml"  # beside the notebook wins


@pytest.mark.unit
def test_the_search_for_autotests_yml_stops_at_the_course_root(tmp_path):
    (tmp_path / "autotests.yml").write_text("python3: {}")
    course = tmp_path / "course"
    (course / "ps1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    nb = course / "ps1" / "p.ipynb"
    assert find_file(nb) is None


@pytest.mark.unit
def test_templates_of_a_type_else_default_else_none(tmp_path):
    t = load_templates(YML, "python3", "nb")
    assert [test for test, _ in t.for_type("int")] == ["type({{snippet}})", "{{snippet}}"]
    assert t.for_type("numpy.ndarray") == t.for_type("default") == t.for_type(None)
    assert t.hash and t.setup == "from hashlib import sha1"
    bare = Templates(YML, "type({{snippet}})", "str({{snippet}})", "assert x", {"int": []})
    assert bare.for_type("float") is None


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("ir:\n  dispatch: x\n", r"no section for the kernel 'python3'"),
        ("python3:\n  dispatch: x\n", r"lacks normalize, check, templates"),
        ("python3: [1\n", r"cannot be read as YAML"),
        (
            "python3:\n  dispatch: d\n  normalize: n\n  check: c\n  templates:\n    int: [{test: x}]\n",
            r"'test' and 'fail'",
        ),
    ],
)
def test_a_bad_autotests_yml_is_refused_with_what_is_wrong(tmp_path, text, match):
    path = tmp_path / "autotests.yml"
    path.write_text(text)
    with pytest.raises(AssignmentError, match=match):
        load_templates(path, "python3", "nb.ipynb")


# --------------------------------------------------------------------------- integration


def _code(source, **nbgrader):
    meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    return {"cell_type": "code", "metadata": meta, "source": source, "outputs": []}


def _answer(source, gid="soln"):
    return _code(source, solution=True, grade=False, locked=False, grade_id=gid)


def _test(source, gid="test", points=1):
    return _code(source, grade=True, solution=False, locked=True, points=points, grade_id=gid)


def _notebook(folder: Path, cells, yml: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "auto.ipynb"
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.write_text(
        json.dumps(
            {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}
        )
    )
    if yml:
        shutil.copy(YML, folder / "autotests.yml")
    return path


def _submission(release, answers: dict[str, str], path: Path) -> Path:
    data = json.loads(release.student_notebook.read_text())
    for cell in data["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
    path.write_text(json.dumps(data))
    return path


def _public(release, gid: str) -> str:
    data = json.loads(release.student_notebook.read_text())
    for cell in data["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid:
            return "".join(cell["source"])
    raise KeyError(gid)


#: What nbgrader 0.9.6's generate_assignment writes for autotest-simple.ipynb's test cell.
NBGRADER_SIMPLE = """from hashlib import sha1
assert str(type(a)) == "<class 'int'>", "type of a is not int. Please make sure it is int and not np.int64, etc. You can cast your value into an int using int()"
assert str(a) == "5", "value of a is not correct"

assert str(type(b)) == "<class 'str'>", "type of b is not str. b should be an str"
assert str(len(b)) == "5", "length of b is not correct"
assert str(b.lower()) == "hello", "value of b is not correct"
assert str(b) == "hello", "correct string value of b but incorrect case of letters"

assert str(type(c)) == "<class 'list'>", "type of c is not list. c should be a list"
assert str(len(c)) == "3", "length of c is not correct"
assert str(sorted(map(str, c))) == "['1', '2', 'test']", "values of c are not correct"
assert str(c) == "[1, 2, 'test']", "order of elements of c is not correct"

print('Success!')"""


@pytest.mark.integration
def test_autotest_cell_is_released_as_nbgrader_writes_it_and_graded_by_value(tmp_path):
    folder = tmp_path / "ps"
    folder.mkdir()
    shutil.copy(FIXTURES / "autotest-simple.ipynb", folder)
    shutil.copy(YML, folder)
    release = release_assignment(folder / "autotest-simple.ipynb", tmp_path / "out")
    assert _public(release, "test_simple").strip() == NBGRADER_SIMPLE
    steps = release.bundle.steps["test_simple"]
    asserts = [s for s in steps if s.kind == "assert"]
    assert len(asserts) == 10
    # the expected values are constants kept in the bundle, not sandbox leaves
    first = asserts[1].tree
    assert first["k"] == "cmp" and first["items"][1]["k"] == "const"
    assert "value" in first["items"][1]
    right = {"soln": 'a = 5\nb = "hello"\nc = [1, 2, "test"]'}
    wrong = {"soln": 'a = 5\nb = "Hello"\nc = [1, 2, "test"]'}
    ok = grade_submission(release.bundle, _submission(release, right, tmp_path / "r.ipynb"))
    bad = grade_submission(release.bundle, _submission(release, wrong, tmp_path / "w.ipynb"))
    blank = grade_submission(release.bundle, release.student_notebook)
    assert (ok.score, bad.score, blank.score) == (1, 0, 0), (ok.tests, bad.tests, blank.tests)
    assert ok.notes == []
    assert "incorrect case of letters" in bad.tests[0].message


@pytest.mark.integration
def test_hashed_autotest_shows_only_the_digest_and_a_forged_sha1_does_not_pass(tmp_path):
    src = _notebook(
        tmp_path / "ps",
        [_answer("### BEGIN SOLUTION\na = 5\n### END SOLUTION"), _test("### HASHED AUTOTEST a")],
    )
    release = release_assignment(src, tmp_path / "out")
    public = _public(release, "test")
    digests = re.findall(r'== "([0-9a-f]{40})"', public)
    assert len(digests) == 2 and "HIDDEN" not in public
    assert '"5"' not in public and "'5'" not in public
    right = grade_submission(
        release.bundle, _submission(release, {"soln": "a = 5"}, tmp_path / "r.ipynb")
    )
    assert right.score == 1, right.tests
    # A student who copies the digests from the notebook into a fake sha1 passes nbgrader's
    # hashed asserts; the value itself, compared from the bundle, still fails.
    forged = (
        "a = 6\nimport hashlib\n"
        f"_digests = iter({digests!r})\n"
        "class _Fake:\n"
        "    def __init__(self, *args):\n        pass\n"
        "    def hexdigest(self):\n        return next(_digests)\n"
        "hashlib.sha1 = _Fake\n"
    )
    result = grade_submission(
        release.bundle, _submission(release, {"soln": forged}, tmp_path / "f.ipynb")
    )
    assert result.score == 0, result.tests


@pytest.mark.integration
def test_hidden_autotests_are_instantiated_where_they_stand_and_not_published(tmp_path):
    src = _notebook(
        tmp_path / "ps",
        [
            _answer("### BEGIN SOLUTION\nxs = [3, 1, 2]\n### END SOLUTION"),
            _test(
                "### BEGIN HIDDEN TESTS\n### AUTOTEST sorted(xs)\n### END HIDDEN TESTS\n"
                "### AUTOTEST len(xs)"
            ),
        ],
    )
    release = release_assignment(src, tmp_path / "out")
    public = _public(release, "test")
    assert "sorted(xs)" not in public and "[1, 2, 3]" not in public
    assert 'assert str(len(xs)) == "3"' in public
    hidden = [s for s in release.bundle.steps["test"] if s.hidden]
    assert any("sorted(xs)" in s.source for s in hidden)
    same_length = _submission(release, {"soln": "xs = [0, 0, 0]"}, tmp_path / "w.ipynb")
    assert grade_submission(release.bundle, same_length).score == 0
    right = _submission(release, {"soln": "xs = [2, 3, 1]"}, tmp_path / "r.ipynb")
    assert grade_submission(release.bundle, right).score == 1


@pytest.mark.integration
def test_autotest_values_are_taken_where_the_directive_stands(tmp_path):
    # nbgrader's docs example: the value is asked between the cell's own statements
    src = _notebook(
        tmp_path / "ps",
        [
            _answer(
                "### BEGIN SOLUTION\ndef f():\n    return g()\ndef g():\n    return 1\n### END SOLUTION"
            ),
            _test(
                "orig = g\ndel g\n"
                "def throws(fn):\n    try:\n        fn()\n    except NameError:\n        return True\n    return False\n"
                "### AUTOTEST throws(f)\ng = orig"
            ),
        ],
    )
    release = release_assignment(src, tmp_path / "out")
    assert 'assert str(throws(f)) == "True"' in _public(release, "test")
    inlined = _submission(
        release, {"soln": "def f():\n    return 1\ndef g():\n    return 1"}, tmp_path / "i.ipynb"
    )
    assert grade_submission(release.bundle, inlined).score == 0


@pytest.mark.integration
@pytest.mark.parametrize(
    ("cells", "yml", "error", "match"),
    [
        (
            [_answer("### BEGIN SOLUTION\na = 1\n### END SOLUTION"), _test("### AUTOTEST a")],
            False,
            AssignmentError,
            r"cell test has AUTOTEST directives but no autotests.yml",
        ),
        (
            [_answer("a = 1\n### AUTOTEST a")],
            True,
            AssignmentError,
            r"cell 0 \(soln\).*only read in autograded test cells",
        ),
        (
            [_code("a = 1\n### AUTOTEST a")],
            True,
            AssignmentError,
            r"cell 0.*only read in autograded test cells",
        ),
        (
            [_answer("### BEGIN SOLUTION\na = 1\n### END SOLUTION"), _test("### AUTOTEST a / 0")],
            True,
            SolutionFailsTests,
            r"cell test.*a / 0.*ZeroDivisionError",
        ),
    ],
)
def test_what_cannot_be_instantiated_is_refused_naming_the_cell(tmp_path, cells, yml, error, match):
    src = _notebook(tmp_path / "ps", cells, yml=yml)
    with pytest.raises(error, match=match):
        release_assignment(src, tmp_path / "out")


@pytest.mark.integration
def test_a_type_without_templates_and_no_default_is_refused_naming_the_cell(tmp_path):
    src = _notebook(
        tmp_path / "ps",
        [_answer("### BEGIN SOLUTION\na = 1.5\n### END SOLUTION"), _test("### AUTOTEST a")],
        yml=False,
    )
    (src.parent / "autotests.yml").write_text(
        "python3:\n  dispatch: 'type({{snippet}})'\n  normalize: 'str({{snippet}})'\n"
        '  check: \'assert {{snippet}} == "{{value}}", "{{message}}"\'\n'
        "  templates:\n    int:\n      - test: '{{snippet}}'\n        fail: wrong\n"
    )
    with pytest.raises(
        AssignmentError, match=r"cell test: AUTOTEST a: .*no templates for its type \(float\)"
    ):
        release_assignment(src, tmp_path / "out")


@pytest.mark.integration
def test_a_template_that_does_not_render_is_refused_naming_the_cell(tmp_path):
    src = _notebook(
        tmp_path / "ps",
        [_answer("### BEGIN SOLUTION\na = 1\n### END SOLUTION"), _test("### AUTOTEST a")],
        yml=False,
    )
    (src.parent / "autotests.yml").write_text(
        "python3:\n  dispatch: 'type({{snippet}})'\n  normalize: 'str({{snippet}'\n"
        "  check: 'assert {{snippet}}'\n"
        "  templates:\n    default:\n      - test: '{{snippet}}'\n        fail: wrong\n"
    )
    with pytest.raises(AssignmentError, match=r"cell test: a template of .*does not render"):
        release_assignment(src, tmp_path / "out")
