"""Compiling test cells into steps, and deciding assert trees in the grader (no sandbox)."""

from __future__ import annotations

import numpy as np
import pytest

from deepcourse.grader import wire
from deepcourse.grader.testplan import compile_test, nodes
from deepcourse.grader.verdict import Evaluation, ValueTooLarge

pytestmark = pytest.mark.unit

MODULES = {"np": "numpy", "math": "math"}


def steps(text: str):
    return compile_test(text, modules=MODULES, imported={})


def srcs(tree, kind):
    return sorted(node["src"] for node in nodes(tree, kind))


def test_expected_operands_are_constants_and_student_calls_are_leaves():
    (step,) = steps(
        "assert squares(10) == [i * i for i in range(10)] or squares(10) == np.arange(10)"
    )
    assert step.kind == "assert"
    assert srcs(step.tree, "leaf") == ["squares(10)", "squares(10)"]
    assert srcs(step.tree, "const") == ["[i * i for i in range(10)]", "np.arange(10)"]


def test_a_test_local_constant_never_goes_in_unless_the_sandbox_reads_it():
    kept, used = (
        steps("expected = [0, 1, 4]\nassert f(3) == expected"),
        steps("x = np.ones(3)\nassert np.allclose(f(x), 2 * x)"),
    )
    assert [s.kind for s in kept] == ["const", "assert"]
    assert srcs(kept[1].tree, "const") == ["expected"]
    assert [s.kind for s in used] == ["exec", "assert"]  # f(x) needs x in the sandbox
    assert srcs(used[1].tree, "leaf") == ["2 * x", "f(x)"]


def test_random_numbers_are_never_constants():
    (step,) = steps("assert f(3) == np.random.rand(3)")
    assert srcs(step.tree, "const") == []


def test_hidden_steps_keep_their_place_and_blocks_that_assert_are_flagged():
    text = (
        "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nfor i in range(3):\n    assert f(i) == i * 77\n"
        "### END HIDDEN TESTS\nassert f(2) == 2"
    )
    a, loop, b = steps(text)
    assert (a.hidden, loop.hidden, b.hidden) == (False, True, False)
    assert loop.kind == "exec" and loop.sandbox_verdict and loop.leaks_constant


def _evaluate(text: str, leaves: dict[str, object], consts: dict[str, object]):
    (step,) = [s for s in steps(text) if s.kind == "assert"]
    evaluation = Evaluation(lambda src, mode: leaves[src], lambda node: consts[node["src"]])
    return evaluation.holds(step.tree)


def test_pythons_semantics_over_decoded_values():
    assert _evaluate("assert sorted(xs) == xs", {"sorted(xs)": [1, 2], "xs": [1, 2]}, {})
    assert not _evaluate("assert f() == [1, 2]", {"f()": (1, 2)}, {"[1, 2]": [1, 2]})
    with pytest.raises(ValueError, match="ambiguous"):
        _evaluate("assert f() == [1, 2]", {"f()": np.array([1, 2])}, {"[1, 2]": [1, 2]})
    assert _evaluate("assert 0 < f() <= 4", {"f()": 4}, {"0": 0, "4": 4})


def test_operations_on_student_data_that_would_exhaust_the_grader_are_refused():
    big = np.zeros((100_000, 1))
    with pytest.raises(ValueTooLarge):
        _evaluate("assert f() == g()", {"f()": big, "g()": big.T}, {})
    with pytest.raises(ValueTooLarge):
        _evaluate("assert f() * 10 ** 9 == [1]", {"f()": [1]}, {"10 ** 9": 10**9, "[1]": [1]})


def test_types_cross_by_name_and_sets_keep_their_kind():
    assert wire.decode(wire.encode(int)).name == "int"
    assert wire.decode(wire.encode(np.ndarray)).name == "numpy.ndarray"
    assert wire.decode(wire.encode(frozenset({1}))) == frozenset({1})
    assert type(wire.decode(wire.encode({1, 2}))) is set
    assert "numbers.Integral" in wire.decode(wire.encode_type(3)).names


def test_a_hidden_asserts_message_is_dropped_and_keeps_its_constants_out():
    text = (
        "expected = [0, 1, 4]\n### BEGIN HIDDEN TESTS\n"
        "assert f(3) == expected, f'wanted {expected}'\n### END HIDDEN TESTS"
    )
    const, check = steps(text)
    assert const.kind == "const" and check.kind == "assert" and check.message is None
    (public,) = [s for s in steps("assert f(3) == 1, f'got {f(3)}'") if s.kind == "assert"]
    assert public.message["k"] == "leaf" and public.message["as"] == "str"
    assert "{f(3)}" in public.message["src"]
