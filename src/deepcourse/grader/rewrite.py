"""Rewriting test code before it enters the sandbox: ``assert a == b`` is compared by the grader.

nbgrader-style tests decide in the sandbox: a cell passes if it raises nothing. That lets an
object whose ``__eq__`` always returns True pass ``assert f(x) == y``. Every ``assert L == R``
(one ``==``, no chain) in a test cell is therefore rewritten to
``_deepcourse_assert_eq(L, R, "L == R")``, which records ``L`` as a check named
``assert L == R``: the grader compares it, exactly, with the value ``L`` had when the
instructor's solution ran at release (and checks there that the solution's ``L`` equals ``R``). Other asserts (``assert ok``,
``assert np.allclose(...)``) still decide in the sandbox: prefer ``check(name, value)``.
"""

from __future__ import annotations

import ast

ASSERT_EQ = "_deepcourse_assert_eq"


class _AssertEq(ast.NodeTransformer):
    def visit_Assert(self, node: ast.Assert) -> ast.AST:
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
            call = ast.Call(
                func=ast.Name(ASSERT_EQ, ast.Load()),
                args=[test.left, test.comparators[0], ast.Constant(ast.unparse(test))],
                keywords=[],
            )
            return ast.copy_location(ast.Expr(call), node)
        return node


def rewrite_test(code: str) -> str:
    """Return ``code`` with each ``assert L == R`` turned into a graded comparison.

    Code that does not parse is returned unchanged (the sandbox reports the SyntaxError).
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    tree = ast.fix_missing_locations(_AssertEq().visit(tree))
    return ast.unparse(tree)
