"""nbgrader's ``### AUTOTEST`` and ``### HASHED AUTOTEST`` directives, instantiated at release.

In nbgrader 0.9.6 a test cell may say ``### AUTOTEST expr; expr`` instead of asserts. At
``generate_assignment`` its ``InstantiateTests`` preprocessor runs the instructor's notebook in a
kernel and, at each directive line, asks the kernel for each snippet's type (the course's
``autotests.yml``: ``dispatch``), picks that type's test templates (or ``default``), and for
each template evaluates the ``normalize``\\ d test (``str(...)``; for ``HASHED``, a salted
``sha1`` of it) to write a plain assert with the value it got (``check``). The released notebook
shows those asserts; ``setup`` code is put before a cell's first test, ``success`` at its end.

deepcourse does the same here, before anything else of the release, with the instructor's
solution in the sandbox (:func:`instantiate`): the code cells run in order, each directive's
values are asked with ``eval`` requests at the point the directive stands, and the test cell's
source is rewritten into the code nbgrader would write, character for character (so an nbgrader
release of the same source is an unchanged submission). The rewritten cell is then an ordinary
test cell: :mod:`testplan` makes each generated ``assert`` an assert step whose expected value is
a constant kept in the bundle, never sent to the sandbox when grading.

``HASHED``: students see the hashed assert, as nbgrader shows it. When grading, that assert is
decided as written (the sandbox computes the digest of the student's value, the grader compares
it with the digest from the bundle), and a hidden assert right after it compares the value
itself with the instructor's, also kept in the bundle only: a student who replaces ``sha1`` to
return the digest the notebook shows does not pass.

What cannot be instantiated is refused at release with a message naming the cell: no
``autotests.yml`` found, a section or template missing, a snippet that fails with the solution,
a directive outside an autograded test cell.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from deepcourse.grader import wire
from deepcourse.grader.exceptions import AssignmentError, SandboxError, SolutionFailsTests
from deepcourse.grader.source import (
    AUTOTEST,
    BEGIN_HIDDEN,
    END_HIDDEN,
    CellKind,
    SourceNotebook,
)

FILENAME = "autotests.yml"
HASHED = "HASHED"
COMMENT = "#"
#: Folders searched for ``autotests.yml``: the notebook's own, then its parents up to a course
#: root (a folder with ``nbgrader_config.py`` or ``.git``), at most this many levels up.
MAX_LEVELS_UP = 2

#: IPython's ``text/plain`` of a value, as nbgrader reads it from the kernel: a class shows as
#: ``int`` or ``numpy.ndarray`` (IPython's ``_type_pprint``), a string as its ``repr``; ``None``
#: shows nothing. Other values as their ``repr`` (IPython wraps long containers; ``normalize``
#: is ``str(...)`` in nbgrader's autotests.yml, so values are strings).
_PRETTY = (
    "(lambda v: None if v is None else ("
    "(v.__qualname__ if getattr(v, '__module__', None) in "
    "(None, '__builtin__', 'builtins', 'exceptions') else v.__module__ + '.' + v.__qualname__)"
    " if isinstance(v, type) and isinstance(getattr(v, '__qualname__', None), str)"
    " and [m for m in type(v).__mro__ if '__repr__' in vars(m)][:1] == [type]"
    " else repr(v)))"
)


def is_directive(line: str) -> bool:
    """A comment line holding ``AUTOTEST`` (as nbgrader finds them: ``#`` first, anywhere after)."""
    return AUTOTEST in line and line.strip().startswith(COMMENT)


def has_directives(text: str) -> bool:
    return any(is_directive(line) for line in text.split("\n"))


def parse_directive(line: str) -> tuple[bool, list[str]]:
    """``(hashed, snippets)`` of a directive line, split as nbgrader splits it."""
    at = line.find(AUTOTEST)
    hashed = HASHED in line[:at]
    snippets = [s.strip() for s in line[at + len(AUTOTEST) :].strip(";").split(";")]
    if "" in snippets:
        snippets.remove("")  # nbgrader removes one empty snippet (a trailing ';')
    return hashed, snippets


def sanitize(text: str | None) -> str | None:
    """nbgrader's sanitizer for python kernels: quotes stripped at both ends."""
    return None if text is None else text.strip('"').strip("'")


@dataclass(frozen=True)
class Templates:
    """One kernel's section of ``autotests.yml``."""

    path: Path
    dispatch: str
    normalize: str
    check: str
    templates: dict
    setup: str | None = None
    hash: str | None = None
    success: str | None = None

    def for_type(self, type_name: str | None) -> list[tuple[str, str]] | None:
        """``[(test, fail), ...]`` for a type (``default`` when it has none), or None."""
        chosen = self.templates.get(type_name) if type_name is not None else None
        if chosen is None:
            chosen = self.templates.get("default")
        if chosen is None:
            return None
        return [(str(t["test"]), str(t["fail"])) for t in chosen]


def find_file(source: str | Path) -> Path | None:
    """``autotests.yml`` beside the source notebook, else in a parent up to the course root."""
    folder = Path(source).resolve().parent
    for level in range(MAX_LEVELS_UP + 1):
        candidate = folder / FILENAME
        if candidate.is_file():
            return candidate
        if level and ((folder / "nbgrader_config.py").exists() or (folder / ".git").exists()):
            break
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


def load_templates(path: Path, kernel: str, where: str) -> Templates:
    """The section of ``autotests.yml`` for the notebook's kernel, checked.

    Raises:
        AssignmentError: unreadable YAML, no section for the kernel, a key missing.
    """
    import yaml  # only courses that use AUTOTEST pay for it

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AssignmentError(
            f"{where}: {path.name} cannot be read as YAML ({str(exc)[:300]})", path=str(path)
        ) from None
    if not isinstance(data, dict):
        raise AssignmentError(f"{where}: {path.name} is not a mapping", path=str(path))
    names = [kernel] if kernel else []
    names += [n for n in ("python3", "python") if n not in names]
    section = next((data[n] for n in names if isinstance(data.get(n), dict)), None)
    if section is None:
        raise AssignmentError(
            f"{where}: {path} has no section for the kernel {kernel or 'python3'!r}; add one "
            "(see nbgrader's autotests.yml)",
            path=str(path),
        )
    missing = [k for k in ("dispatch", "normalize", "check", "templates") if k not in section]
    if missing:
        raise AssignmentError(
            f"{where}: {path} lacks {', '.join(missing)} in its {kernel or 'python'} section",
            path=str(path),
        )
    templates = section["templates"]
    ok = isinstance(templates, dict) and all(
        isinstance(v, list) and all(isinstance(t, dict) and "test" in t and "fail" in t for t in v)
        for v in templates.values()
    )
    if not ok:
        raise AssignmentError(
            f"{where}: {path}: each type under 'templates' must be a list of entries with "
            "'test' and 'fail'",
            path=str(path),
        )
    return Templates(
        path,
        str(section["dispatch"]),
        str(section["normalize"]),
        str(section["check"]),
        templates,
        _optional(section.get("setup")),
        _optional(section.get("hash")),
        _optional(section.get("success")),
    )


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


def _render(template: str, **values: object) -> str:
    import jinja2

    return jinja2.Environment(loader=jinja2.BaseLoader).from_string(template).render(**values)


class _Session:
    """The instructor's notebook in one sandboxed worker, asked what the directives need."""

    def __init__(self, worker, timeout: float, where: str) -> None:
        self.worker = worker
        self.timeout = timeout
        self.where = where

    def _reply(self, message: dict, what: str, grade_id: str, test: bool) -> dict:
        try:
            reply = self.worker.request(message, timeout=self.timeout)
        except TimeoutError:
            reply = {"nonce_ok": True, "status": "timeout"}
        except SandboxError as exc:
            raise AssignmentError(
                f"{self.where}: cell {grade_id}: {what}: {exc.message}", grade_id=grade_id
            ) from None
        if not reply.get("nonce_ok"):
            raise AssignmentError(
                f"{self.where}: cell {grade_id}: {what}: the sandbox's reply was out of order",
                grade_id=grade_id,
            )
        if reply.get("status") != "ok":
            err = reply.get("error") if isinstance(reply.get("error"), dict) else {}
            why = (
                f"{err.get('ename')}: {str(err.get('evalue'))[:500]}"
                if err
                else "it reached its time limit"
            )
            kind = SolutionFailsTests if test else AssignmentError
            raise kind(
                f"{self.where}: the solution fails at cell {grade_id}, {what}: {why}",
                grade_id=grade_id,
                detail=why,
            )
        return reply

    def run(self, code: str, grade_id: str, test: bool) -> None:
        if code.strip():
            message = {"op": "run", "code": code, "test": test, "timeout": self.timeout}
            self._reply(message, "running it", grade_id, test)

    def value(self, expr: str, grade_id: str, shown: str | None = None) -> object:
        """``expr``'s value as plain data (``_UNSUPPORTED`` if it is not); ``shown``: the
        expression a message names instead of ``expr``."""
        message = {"op": "eval", "expr": expr, "as": "value", "test": True}
        what = f"AUTOTEST evaluating {(shown or expr)[:200]}"
        reply = self._reply(message, what, grade_id, True)
        encoded = reply.get("value")
        if isinstance(encoded, dict) and encoded.get("t") == "unsupported":
            return _UNSUPPORTED
        try:
            return wire.decode(encoded)
        except wire.WireError:
            return _UNSUPPORTED

    def text(self, expr: str, grade_id: str) -> str | None:
        """What nbgrader reads back from the kernel for ``expr``: sanitized ``text/plain``."""
        value = self.value(f"{_PRETTY}({expr})", grade_id, shown=expr)
        return sanitize(value) if isinstance(value, str) else None


_UNSUPPORTED = object()


def _quoted_message(template: str, snippet: str) -> tuple[str, str]:
    """The fail message as nbgrader puts it in the check (double quotes escaped), and as is."""
    raw = _render(template, snippet=snippet)
    return raw.replace('"', '\\"'), raw


def _instantiate_cell(text: str, index: int, grade_id: str, t: Templates, session: _Session) -> str:
    """A test cell's source with its directives replaced, as nbgrader's InstantiateTests does."""
    salt_int = int(hashlib.sha256((text + str(index)).encode("utf-8")).hexdigest(), 16) % 10**6
    pending: list[str] = []
    new_lines: list[str] = []
    setup_done = False
    hidden = False
    for line in text.split("\n"):
        if not is_directive(line):
            new_lines.append(line)
            pending.append(line)
            if BEGIN_HIDDEN in line:
                hidden = True
            elif END_HIDDEN in line:
                hidden = False
            continue
        session.run("\n".join(pending), grade_id, True)
        pending = []
        if t.setup is not None and not setup_done:
            new_lines.append(t.setup)
            setup_done = True
            session.run(t.setup, grade_id, True)
        hashed, snippets = parse_directive(line)
        if hashed and t.hash is None:
            raise AssignmentError(
                f"{session.where}: cell {grade_id}: '{HASHED} {AUTOTEST}' needs a 'hash' "
                f"template in {t.path}",
                grade_id=grade_id,
            )
        for snippet in snippets:
            if not snippet:
                raise AssignmentError(
                    f"{session.where}: cell {grade_id}: an empty AUTOTEST snippet in "
                    f"{line.strip()[:120]!r}",
                    grade_id=grade_id,
                )
            salt = None
            if hashed:
                salt_int += 1
                salt = hex(salt_int)[2:]
            type_name = session.text(_render(t.dispatch, snippet=snippet), grade_id)
            tests = t.for_type(type_name)
            if tests is None:
                raise AssignmentError(
                    f"{session.where}: cell {grade_id}: AUTOTEST {snippet}: {t.path.name} has "
                    f"no templates for its type ({type_name}) and no 'default'",
                    grade_id=grade_id,
                )
            for test, fail in tests:
                message, raw_message = _quoted_message(fail, snippet)
                normalized = _render(t.normalize, snippet=test)
                plain = _render(normalized, snippet=snippet)
                shown = plain
                if salt is not None:
                    shown = _render(_render(t.hash, snippet=normalized, salt=salt), snippet=snippet)
                value = session.text(shown, grade_id)
                new_lines.append(_render(t.check, snippet=shown, value=value, message=message))
                if salt is not None:
                    new_lines.extend(
                        _hidden_value_check(plain, raw_message, hidden, session, grade_id)
                    )
            new_lines.append("")
    if t.success is not None:
        new_lines.append(t.success)
        pending.append(t.success)
    session.run("\n".join(pending), grade_id, True)
    return "\n".join(new_lines)


def _hidden_value_check(
    expr: str, message: str, hidden: bool, session: _Session, grade_id: str
) -> list[str]:
    """For a hashed test: the value itself, compared in a hidden assert (bundle only)."""
    value = session.value(expr, grade_id)
    if not isinstance(value, str):
        return []  # a normalize that is not str(): the hashed assert alone decides
    line = f"assert {expr} == {value!r}, {message!r}"
    return [line] if hidden else [f"### {BEGIN_HIDDEN}", line, f"### {END_HIDDEN}"]


def instantiate(
    notebook: SourceNotebook, source: str | Path, pool, timeout: float
) -> SourceNotebook:
    """``notebook`` with every AUTOTEST directive replaced by the tests nbgrader would write.

    ``pool`` gives a sandboxed worker (``acquire()``) in which the instructor's code cells run
    in order, solutions and hidden tests included. A notebook without directives is returned
    as it is, without starting a worker.

    Raises:
        AssignmentError: a directive outside an autograded test cell, no usable
            ``autotests.yml``, a snippet whose type has no templates.
        SolutionFailsTests: a cell or snippet fails with the instructor's solution.
    """
    where = str(source)
    marked = [c for c in notebook.cells if c.cell_type == "code" and has_directives(c.source)]
    if not marked:
        return notebook
    for c in marked:
        if c.kind is not CellKind.TEST:  # source.py refuses these first
            raise AssignmentError(
                f"{where}: cell {c.index} ({c.grade_id}): AUTOTEST directives are only read in "
                "autograded test cells (grade: true, solution: false)",
                grade_id=c.grade_id,
            )
    path = find_file(source)
    if path is None:
        raise AssignmentError(
            f"{where}: cell {marked[0].grade_id} has AUTOTEST directives but no {FILENAME} was "
            "found beside the notebook or in the course folder above it; add nbgrader's "
            f"{FILENAME} there",
            grade_id=marked[0].grade_id,
        )
    kernel = ((notebook.metadata or {}).get("kernelspec") or {}).get("name") or ""
    templates = load_templates(path, kernel, where)
    import jinja2

    rewritten: dict[int, str] = {}
    marked_at = {c.index for c in marked}
    worker = pool.acquire()
    try:
        worker.wait_ready(timeout=120.0)  # as run_plan waits for a worker to start
        session = _Session(worker, timeout, where)
        for c in notebook.cells:
            if c.cell_type != "code":
                continue
            if c.index in marked_at:
                try:
                    rewritten[c.index] = _instantiate_cell(
                        c.source, c.index, c.grade_id, templates, session
                    )
                except jinja2.TemplateError as exc:
                    raise AssignmentError(
                        f"{where}: cell {c.grade_id}: a template of {path} does not render "
                        f"({str(exc)[:300]})",
                        grade_id=c.grade_id,
                    ) from None
            else:
                session.run(c.source, c.grade_id, c.kind is CellKind.TEST)
    except SandboxError as exc:
        raise AssignmentError(f"{where}: instantiating AUTOTEST: {exc.message}") from None
    finally:
        worker.close()
    cells = tuple(
        dataclasses.replace(c, source=rewritten[c.index]) if c.index in rewritten else c
        for c in notebook.cells
    )
    raw = dict(notebook.raw)
    raw["cells"] = [dict(r) for r in notebook.raw["cells"]]
    for i, text in rewritten.items():
        raw["cells"][i]["source"] = text
    return dataclasses.replace(notebook, cells=cells, raw=raw)
