"""Compiling a test cell into steps, so that no expected value ever enters the sandbox.

nbgrader decides a test inside the kernel: the cell passes if it raises nothing. That lets the
student's code decide (an object whose ``__eq__`` is always True) and learn (a function that walks
the stack to the test's text and evaluates its expected value). Here a test cell is split, at
release and in the grader's own process, into top-level **steps**, each sent on its own:

* ``assert <test>[, msg]`` becomes an *assert step*: an expression tree whose inner nodes
  (comparisons, ``and``/``or``/``not``, arithmetic, a few pure functions such as ``len``,
  ``isinstance``, ``math.isclose``, ``np.allclose``) are evaluated by the grader
  (:mod:`deepcourse.grader.verdict`), over leaves of two kinds:

  - a **constant** (``[1, 4, 9]``, ``np.arange(3) ** 2``, a name the test assigned from a
    constant): evaluated once at release with the instructor's solution and stored in the bundle;
    when grading its value comes from the bundle and its text is never sent;
  - a **sandbox leaf** (``squares(3)``, ``sorted(xs)``): the smallest expression that must run
    the student's code, sent alone to the sandbox, whose value comes back as typed plain data.

  So ``assert [1, 4, 9] == squares(3)`` means Python's ``==`` as written, evaluated outside.
* ``assert_equal(a, b)`` (nose, numpy.testing) and ``numpy.testing.assert_allclose`` /
  ``assert_array_equal`` calls become assert steps as well.
* Anything else (``check(...)``, assignments the sandbox needs, loops, ``try``) is an *exec step*:
  its text runs in the sandbox and an exception fails the test. Release warns when such a step
  decides a verdict (an ``assert`` or ``raise`` inside it) or, in a hidden test, holds a constant.

Steps keep their order in the cell, hidden ones included (hidden tests run where they stand).
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field

from deepcourse.grader.source import BEGIN_HIDDEN, END_HIDDEN

#: Functions that decide a verdict: evaluated by the grader even when no constant is involved.
VERDICT_FUNCTIONS = frozenset(
    {
        "isinstance",
        "all",
        "any",
        "math.isclose",
        "numpy.allclose",
        "numpy.isclose",
        "numpy.array_equal",
        "numpy.all",
        "numpy.any",
        "torch.allclose",
        "torch.equal",
    }
)

#: Builtins the grader applies itself to plain data (verdict.py calls them by these names).
OUTSIDE_BUILTINS = frozenset(
    {
        "len", "abs", "sum", "min", "max", "sorted", "round", "bool", "int", "float", "complex",
        "list", "tuple", "set", "frozenset",
    }
)  # fmt: skip

#: Every function the grader evaluates itself over plain data (canonical dotted names).
OUTSIDE_FUNCTIONS = (
    VERDICT_FUNCTIONS
    | OUTSIDE_BUILTINS
    | {
        "numpy.abs",
        "numpy.sum",
        "numpy.max",
        "numpy.min",
        "numpy.mean",
        "numpy.asarray",
        "numpy.array",
        "numpy.shape",
        "numpy.linalg.norm",
        "torch.isclose",
    }
)

#: Calls that are assertions in their own right (statement form), with their meaning.
ASSERT_CALLS = {
    "nose.tools.assert_equal": "assert_equal",
    "nose.tools.assert_equals": "assert_equal",
    "nose.tools.assert_true": "assert_true",
    "nose.tools.assert_false": "assert_false",
    "nose.tools.assert_not_equal": "assert_not_equal",
    "numpy.testing.assert_equal": "np_assert_equal",
    "numpy.testing.assert_array_equal": "np_assert_array_equal",
    "numpy.testing.assert_allclose": "np_assert_allclose",
    "numpy.testing.assert_almost_equal": "np_assert_almost_equal",
    "numpy.testing.assert_array_almost_equal": "np_assert_array_almost_equal",
}

#: Builtins that are not pure (or not data): an expression calling one is never a constant.
_IMPURE_BUILTINS = frozenset(
    {
        "print",
        "input",
        "open",
        "exec",
        "eval",
        "compile",
        "globals",
        "locals",
        "vars",
        "next",
        "iter",
        "id",
        "hash",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "__import__",
        "breakpoint",
        "memoryview",
        "help",
        "dir",
        "callable",
        "super",
        "object",
        "type",
        "check",
    }
)
_BUILTIN_NAMES = frozenset(dir(builtins)) - _IMPURE_BUILTINS
_MODULES_WITH_PURE_FUNCTIONS = ("numpy", "math", "torch", "cmath", "fractions", "decimal")
_STATEFUL = re.compile(
    r"(^|\.)(random|rand\w*|manual_seed|seed|default_rng|Generator|empty\w*)(\.|$)"
)

_CMP = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_BIN = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
}
_UNARY = {ast.Not: "not", ast.USub: "-", ast.UAdd: "+"}


@dataclass
class Step:
    """One top-level statement of a test cell, as the grader runs it."""

    kind: str  # "exec" or "assert"
    source: str  # the statement as written
    hidden: bool
    line: int  # first line in the cell (1-based)
    tree: dict | None = None  # assert steps: the expression tree
    message: dict | None = None  # assert steps: the message node (a constant or a leaf)
    sandbox_verdict: bool = False  # exec steps that decide a verdict inside the sandbox
    leaks_constant: bool = False  # hidden exec steps whose text holds a constant

    @property
    def first_line(self) -> str:
        """The statement's first line, cut for messages."""
        return self.source.strip().splitlines()[0][:80] if self.source.strip() else ""

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, False)}

    @classmethod
    def from_json(cls, data: dict) -> Step:
        return cls(
            kind=data["kind"],
            source=data["source"],
            hidden=bool(data.get("hidden")),
            line=int(data.get("line", 1)),
            tree=data.get("tree"),
            message=data.get("message"),
            sandbox_verdict=bool(data.get("sandbox_verdict")),
            leaks_constant=bool(data.get("leaks_constant")),
        )


@dataclass
class _Scope:
    """What the names of a test cell refer to, as far as the text tells."""

    modules: dict[str, str]  # alias -> module ("np" -> "numpy")
    imported: dict[str, str]  # name -> "module.name" (from X import name)
    constants: set[str] = field(default_factory=set)  # test-local names holding constants

    def dotted(self, node: ast.AST) -> str | None:
        """``np.linalg.norm`` -> ``numpy.linalg.norm``; None if not rooted at a known name."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = node.id
        if root in self.modules:
            base = self.modules[root]
        elif root in self.imported:
            base = self.imported[root]
        elif root in _BUILTIN_NAMES and not parts:
            base = root
        else:
            return None
        return ".".join([base, *reversed(parts)])


def module_aliases(sources: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Top-level imports of the notebook's cells: module aliases and names imported from modules."""
    modules = {"np": "numpy", "numpy": "numpy", "math": "math", "torch": "torch"}
    imported: dict[str, str] = {}
    for text in sources:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        modules[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        modules[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if alias.name != "*":
                        imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return modules, imported


def hidden_lines(text: str) -> set[int]:
    """1-based numbers of the lines between the hidden-test markers (markers included)."""
    hidden: set[int] = set()
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if BEGIN_HIDDEN in line:  # as source.py (and nbgrader) find markers: anywhere in a line
            inside = True
        if inside:
            hidden.add(number)
        if END_HIDDEN in line:
            inside = False
    return hidden


class _Builder:
    def __init__(self, scope: _Scope) -> None:
        self.scope = scope

    # -- classification ---------------------------------------------------------------------
    def is_constant(self, node: ast.AST) -> bool:
        """Whether ``node`` can be evaluated once, at release, without the student's code."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return node.id in self.scope.constants or (
                node.id in _BUILTIN_NAMES and node.id not in ("print",)
            )
        if isinstance(node, ast.Attribute):
            dotted = self.scope.dotted(node)
            return dotted is not None and dotted.split(".")[0] in _MODULES_WITH_PURE_FUNCTIONS
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return all(self.is_constant(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(k is not None and self.is_constant(k) for k in node.keys) and all(
                self.is_constant(v) for v in node.values
            )
        if isinstance(node, ast.UnaryOp):
            return self.is_constant(node.operand)
        if isinstance(node, ast.BinOp):
            return self.is_constant(node.left) and self.is_constant(node.right)
        if isinstance(node, ast.Subscript):
            return self.is_constant(node.value) and self.is_constant(node.slice)
        if isinstance(node, ast.Slice):
            return all(
                p is None or self.is_constant(p) for p in (node.lower, node.upper, node.step)
            )
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            bound = {
                n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)
            }
            saved = set(self.scope.constants)
            self.scope.constants |= bound
            try:
                parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
                return all(
                    self.is_constant(g.iter) and all(self.is_constant(c) for c in g.ifs)
                    for g in node.generators
                ) and all(self.is_constant(p) for p in parts)
            finally:
                self.scope.constants = saved
        if isinstance(node, ast.Call):
            dotted = self.scope.dotted(node.func)
            if dotted is None or _STATEFUL.search(dotted):
                return False
            root = dotted.split(".")[0]
            pure = root in _MODULES_WITH_PURE_FUNCTIONS or (
                dotted in _BUILTIN_NAMES and isinstance(node.func, ast.Name)
            )
            return (
                pure
                and all(self.is_constant(a) for a in node.args)
                and all(self.is_constant(k.value) for k in node.keywords)
            )
        return False

    def has_constant(self, node: ast.AST) -> bool:
        """Whether ``node`` holds a constant worth keeping out of the sandbox (not a bare name
        of a module or builtin, nor a small literal used as an argument)."""
        if isinstance(node, ast.Constant):
            return not isinstance(node.value, (int, bool)) or abs(int(node.value)) > 9
        if isinstance(node, ast.Name):
            return node.id in self.scope.constants
        if isinstance(node, ast.Attribute) and self.is_constant(node):
            return False
        if self.is_constant(node) and not isinstance(node, (ast.Name, ast.Attribute)):
            return True
        return any(self.has_constant(child) for child in ast.iter_child_nodes(node))

    # -- trees ------------------------------------------------------------------------------
    def const(self, node: ast.AST) -> dict:
        return {"k": "const", "src": ast.unparse(node)}

    @staticmethod
    def leaf(node: ast.AST, mode: str = "value") -> dict:
        out = {"k": "leaf", "src": ast.unparse(node)}
        if mode != "value":
            out["as"] = mode
        return out

    def build(self, node: ast.AST) -> dict:
        """The tree of a test expression: the verdict's structure outside, the rest in leaves."""
        if self.is_constant(node):
            return self.const(node)
        if isinstance(node, ast.Compare):
            return {
                "k": "cmp",
                "ops": [_CMP[type(op)] for op in node.ops],
                "items": [self.build(node.left), *(self.build(c) for c in node.comparators)],
            }
        if isinstance(node, ast.BoolOp):
            return {
                "k": "bool",
                "op": "and" if isinstance(node.op, ast.And) else "or",
                "items": [self.build(v) for v in node.values],
            }
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return {"k": "unary", "op": "not", "item": self.build(node.operand)}
        if isinstance(node, ast.Call) and not any(isinstance(a, ast.Starred) for a in node.args):
            dotted = self.scope.dotted(node.func)
            if dotted in VERDICT_FUNCTIONS and all(k.arg for k in node.keywords):
                return self.call(dotted, node)  # never let the sandbox decide these
        if not self.has_constant(node):
            return self.leaf(node)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return {"k": "unary", "op": _UNARY[type(node.op)], "item": self.build(node.operand)}
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            return {
                "k": "bin",
                "op": _BIN[type(node.op)],
                "left": self.build(node.left),
                "right": self.build(node.right),
            }
        if isinstance(node, (ast.List, ast.Tuple)):
            return {
                "k": "list" if isinstance(node, ast.List) else "tuple",
                "items": [self.build(e) for e in node.elts],
            }
        if isinstance(node, ast.Call) and not any(isinstance(a, ast.Starred) for a in node.args):
            dotted = self.scope.dotted(node.func)
            if dotted in OUTSIDE_FUNCTIONS and all(k.arg for k in node.keywords):
                return self.call(dotted, node)
        return self.leaf(node)  # e.g. f(np.array([...])): the constant is an input, it must go in

    def call(self, dotted: str, node: ast.Call) -> dict:
        args = [self.build(a) for a in node.args]
        if dotted == "isinstance" and len(node.args) == 2 and args[0]["k"] == "leaf":
            args[0] = self.leaf(node.args[0], "mro")
        return {
            "k": "call",
            "fn": dotted,
            "args": args,
            "kwargs": {k.arg: self.build(k.value) for k in node.keywords},
        }

    def assertion(self, stmt: ast.stmt) -> tuple[dict, dict | None] | None:
        """The tree (and message node) of an assert statement or assertion call, else None."""
        if isinstance(stmt, ast.Assert):
            message = None
            if stmt.msg is not None:
                message = (
                    self.const(stmt.msg)
                    if self.is_constant(stmt.msg)
                    else self.leaf(stmt.msg, "str")
                )
            return self.build(stmt.test), message
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
            return None
        call = stmt.value
        meaning = ASSERT_CALLS.get(self.scope.dotted(call.func) or "")
        if meaning is None or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        if any(k.arg is None for k in call.keywords):
            return None
        args = [self.build(a) for a in call.args]
        kwargs = {k.arg: self.build(k.value) for k in call.keywords}
        return {"k": "assertcall", "fn": meaning, "args": args, "kwargs": kwargs}, None


def _loaded_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def nodes(tree: dict | None, kind: str) -> list[dict]:
    """The nodes of kind ``kind`` (``"leaf"``, ``"const"``, ...) in an assert step's tree."""
    found: list[dict] = []
    stack = [tree] if tree else []
    while stack:
        node = stack.pop()
        if node.get("k") == kind:
            found.append(node)
        stack.extend(node.get("items", []))
        stack.extend(node.get("args", []))
        stack.extend(node.get("kwargs", {}).values())
        stack.extend(node[key] for key in ("item", "left", "right") if key in node)
    return found


def _decides_verdict(stmt: ast.stmt) -> bool:
    return any(isinstance(n, (ast.Assert, ast.Raise)) for n in ast.walk(stmt))


def compile_test(text: str, *, modules: dict[str, str], imported: dict[str, str]) -> list[Step]:
    """Split a test cell's full source (hidden parts included) into steps, in order.

    Code that does not parse becomes one exec step (the sandbox reports the SyntaxError).
    """
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return [Step("exec", text, bool(hidden_lines(text)), 1)]
    lines = text.splitlines()
    hidden = hidden_lines(text)
    # Names the cell assigns once, at top level, from a constant expression: candidates to
    # keep out of the sandbox. Any that sandbox-bound code reads are demoted, until stable.
    assigned: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            assigned[node.id] = assigned.get(node.id, 0) + 1
    scope = _Scope(modules, imported)
    candidates = {
        stmt.targets[0].id
        for stmt in tree.body
        if isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and assigned.get(stmt.targets[0].id) == 1
    }
    while True:
        scope.constants = set(candidates)
        steps, needed = _steps(tree, lines, hidden, scope)
        demoted = candidates & needed
        if not demoted:
            return steps
        candidates -= demoted


def _steps(tree: ast.Module, lines: list[str], hidden: set[int], scope: _Scope):
    builder = _Builder(scope)
    steps: list[Step] = []
    needed: set[str] = set()  # names that code sent to the sandbox reads
    for stmt in tree.body:
        first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
        source = "\n".join(lines[first - 1 : last])
        is_hidden = any(n in hidden for n in range(first, last + 1))
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id in scope.constants
        ):
            if not builder.is_constant(stmt.value):
                needed.add(stmt.targets[0].id)  # not a constant after all: demote it
                continue
            # A constant the cell names: it lives in the grader (at release it also runs, so the
            # sandbox's later constants may read it; when grading it is never sent).
            steps.append(Step("const", source, is_hidden, first))
            continue
        built = builder.assertion(stmt)
        if built is not None:
            tree_, message = built
            if is_hidden:
                message = None  # never shown, so never evaluated: it may quote expected values
            for leaf in nodes(tree_, "leaf") + nodes(message, "leaf"):
                needed |= _loaded_names(ast.parse(leaf["src"], mode="eval"))
            steps.append(Step("assert", source, is_hidden, first, tree_, message))
            continue
        needed |= _loaded_names(stmt)
        decides = _decides_verdict(stmt)
        steps.append(
            Step(
                "exec",
                source,
                is_hidden,
                first,
                sandbox_verdict=decides,
                # Constants in check() calls or assignments are inputs; in a block that asserts
                # they may be expected values, which the sandbox then holds as text.
                leaks_constant=is_hidden and decides and builder.has_constant(stmt),
            )
        )
    return steps, needed
