"""The sandboxed worker: a warm Python process that executes one notebook's cells, like a kernel.

Started by :mod:`deepcourse.grader.sandbox` inside bubblewrap as a script (not as part of the
package, so nothing of the grader but this file and :mod:`wire` is loaded in the sandbox). It
drops to an unprivileged uid if it starts as root, pre-imports the assignment's heavy modules
(numpy, torch), says ``ready`` and then serves requests from the grader over two pipes, one cell
at a time, as length-prefixed JSON frames::

    grader -> worker   {"op": "run", "nonce": str, "code": str, "test": bool, "timeout": float}
                       {"op": "eval", "nonce": str, "expr": str, "as": "value"|"mro"|"str", ...}
    worker -> grader   {"nonce": str, "status": "ok"|"error"|"timeout", "error": {...},
                        "stdout": str, "stderr": str, "dropped": int, "result": str|None,
                        "checks": [[name, value, tolerances]], "value": encoded (eval only)}

An ``eval`` request carries one expression of a test (a sandbox leaf, see testplan.py): the
expected values and the rest of the test never enter the sandbox.

Values of ``check(name, value)`` are encoded with :func:`wire.encode` when ``check`` is called;
they are compared by the grader, never here. Everything this file keeps is captured before any
student code runs, but the student's code shares this process and could reach it: the grader
treats every frame as untrusted input (see docs/grader-threat-model.md).
"""

import ast
import builtins
import io
import json
import os
import signal
import struct
import sys
import traceback
import types

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
import wire as _wire  # noqa: E402

# Python put this folder first on sys.path too (a script's own): drop both, so the notebook's
# ``import grade`` or ``import source`` does not find the grader's modules.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
del sys.modules["wire"]

_encode = _wire.encode
_WireError = _wire.WireError
_dumps = json.dumps
_loads = json.loads
_write = os.write
_read = os.read
_pack = struct.pack
_unpack = struct.unpack
_setitimer = signal.setitimer
_TracebackException = traceback.TracebackException
_StackSummary = traceback.StackSummary
_FrameSummary = traceback.FrameSummary
_NOBODY = 65534
_MAX_FRAME = _wire.MAX_FRAME
_FRAME_HEADER = _wire.FRAME_HEADER
_ZYGOTE_TAG = _wire.ZYGOTE_TAG


class CellTimeout(BaseException):
    """Raised in the cell when its time is up (a BaseException: ``except Exception`` misses it)."""


class _Capture(io.TextIOBase):
    """A capped text sink: keeps the first ``limit`` characters, counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


def _send(fd: int, message: dict, tag: str | None = None) -> None:
    """Write one frame: body length and ``tag`` (default: the message's ``nonce``, or for a
    child's ``ready`` its ``session``) in the header, then the JSON body. The grader checks the
    tag before it parses the body. A body over the grader's frame cap is replaced by an error
    reply that says so (its values and output were too large to send)."""
    if tag is None:
        tag = message.get("nonce", message.get("session"))
    data = _dumps(message, ensure_ascii=False).encode("utf-8", "replace")
    if len(data) > _MAX_FRAME:
        error = {
            "ename": "ReplyTooLarge",
            "evalue": f"the cell's values and output add up to over {_MAX_FRAME >> 20} MiB; "
            "check() smaller values",
            "traceback": "",
        }
        data = _dumps({"nonce": message.get("nonce"), "status": "error", "error": error}).encode()
    frame = _pack(_FRAME_HEADER, len(data), str(tag or "").encode("ascii", "replace")) + data
    view = memoryview(frame)
    while view:
        n = _write(fd, view)
        view = view[n:]


def _recv(fd: int) -> dict | None:
    def exactly(n: int) -> bytes | None:
        chunks, got = [], 0
        while got < n:
            chunk = _read(fd, n - got)
            if not chunk:
                return None
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    head = exactly(4)
    if head is None:
        return None
    body = exactly(_unpack(">I", head)[0])
    return None if body is None else _loads(body.decode("utf-8"))


def _drop_privileges() -> None:
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(_NOBODY)
        os.setuid(_NOBODY)
    if os.getuid() == 0 or os.geteuid() == 0:  # pragma: no cover - defensive
        raise SystemExit("worker: could not drop root privileges")


def _split_last_expression(code: str, filename: str):
    """Compile a cell; if it ends with an expression, compile that separately to show its value."""
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, filename, "exec")
    return body, (compile(last, filename, "eval") if last is not None else None)


def _encode_as(value, mode: str) -> dict:
    """A sandbox leaf's value for the grader: as plain data, its classes, or its ``str``."""
    if mode == "mro":
        return _wire.encode_type(value)
    if mode == "str":
        value = str(value)[:2000]
    try:
        return _encode(value)
    except _WireError as exc:
        return {"t": "unsupported", "why": str(exc)[:300], "type": _wire._qualname(type(value))}
    except Exception as exc:  # noqa: BLE001 - a value whose conversion raises
        return {"t": "unsupported", "why": f"{type(exc).__name__} while converting", "type": "?"}


def _is_cell(filename: str) -> bool:
    return filename.startswith("<cell ")


def _format_error(exc: BaseException, code: str | None = None) -> dict:
    """What the grader hears of an exception raised by a cell: ``ename``, ``evalue``, ``traceback``.

    The traceback keeps the notebook's own frames (``<cell N>``) and those of the libraries they
    called, and nothing of how the cell was run: the frames of this file and of :mod:`wire`
    before the first cell frame (serving, compiling) and any in between are dropped, so no
    grader-internal frame or path reaches a student. A SyntaxError shows the cell's line and a
    caret, as in Jupyter. ``code``, the current cell's text when it is the student's own (never
    a test's), fills in the line of each of its frames. Never raises: an exception whose
    ``__str__`` fails is still reported.
    """
    cell_file = None
    lines = code.splitlines() if code else []

    def keep(frames):
        nonlocal cell_file
        start = next((i for i, f in enumerate(frames) if _is_cell(f.filename)), len(frames))
        kept = []
        for f in list(frames)[start:]:
            if os.path.dirname(os.path.abspath(f.filename)) == _HERE and not _is_cell(f.filename):
                continue  # this file or wire.py, called back from a cell (check, assert_eq)
            if cell_file is None and _is_cell(f.filename):
                cell_file = f.filename  # the outermost cell frame is the cell being run
            line = None
            if f.filename == cell_file and f.lineno and 0 < f.lineno <= len(lines):
                line = lines[f.lineno - 1]
            kept.append(
                _FrameSummary(
                    f.filename,
                    f.lineno,
                    f.name,
                    lookup_line=False,
                    line=line,
                    end_lineno=getattr(f, "end_lineno", None),
                    colno=getattr(f, "colno", None),
                    end_colno=getattr(f, "end_colno", None),
                )
            )
        return _StackSummary.from_list(kept)

    try:
        te = _TracebackException(
            type(exc), exc, exc.__traceback__, lookup_lines=False, compact=True
        )
        seen = set()
        todo = [te]
        while todo:  # the exception and the ones it was raised from or during
            item = todo.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            item.stack = keep(item.stack)
            todo.extend(x for x in (item.__cause__, item.__context__) if x is not None)
            todo.extend(getattr(item, "exceptions", None) or [])
        text = "".join(te.format())
    except BaseException:  # noqa: BLE001 - a hostile exception must not take the worker down
        text = ""
    try:
        evalue = str(exc)
    except BaseException:  # noqa: BLE001 - SystemExit from a hostile __str__ too
        evalue = "<exception str() failed>"
    name = type(exc).__name__
    return {
        "ename": name if isinstance(name, str) else "Exception",
        "evalue": evalue[:2000],
        "traceback": text[-8000:] or f"{name}: {evalue[:2000]}",
    }


def _on_alarm(signum, frame):
    raise CellTimeout("cell time limit reached")


def _wipe(path: str, keep: frozenset = frozenset()) -> None:
    """Remove everything under ``path`` but the names in ``keep``, as the student uid.

    Needs no recursion, no long paths and two file descriptors, whatever the student built: a
    tree deeper than Python's recursion limit (``os.walk`` and ``shutil.rmtree`` recurse) or
    longer than PATH_MAX, folders made unreadable (mode 000), symlinks anywhere. The tree is
    flattened: a folder that ``rmdir`` refuses is opened (through its parent's descriptor, never
    following a link), its entries are renamed up into ``path`` itself, and it is removed; this
    repeats until ``path`` holds only ``keep``. Runs after every student process was killed, so
    nothing changes the tree meanwhile. The caller checks the result.
    """
    import stat

    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    top = os.open(path, flags)
    moved = 0

    def is_dir(name: str, fd: int) -> bool:
        return stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode)

    try:
        progress = True
        while progress:
            progress = False
            for name in os.listdir(top):
                if name in keep:
                    continue
                try:
                    if not is_dir(name, top):
                        os.unlink(name, dir_fd=top)
                        progress = True
                        continue
                    try:
                        os.rmdir(name, dir_fd=top)
                        progress = True
                        continue
                    except OSError:
                        pass
                    os.chmod(name, 0o700, dir_fd=top)  # a folder (checked without following)
                    sub = os.open(name, flags, dir_fd=top)
                    try:
                        for child in os.listdir(sub):
                            if is_dir(child, sub):  # moving a folder rewrites its ".."
                                os.chmod(child, 0o700, dir_fd=sub)
                            for _ in range(5):
                                moved += 1
                                try:
                                    os.rename(child, f".w{moved}", src_dir_fd=sub, dst_dir_fd=top)
                                    break
                                except OSError:
                                    continue  # that name exists (a folder): try the next one
                    finally:
                        os.close(sub)
                    os.rmdir(name, dir_fd=top)
                    progress = True
                except OSError:
                    continue
    finally:
        os.close(top)


def _remove_sysv_ipc() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for kind, ctl in (("shm", libc.shmctl), ("msg", libc.msgctl), ("sem", libc.semctl)):
        try:
            lines = open(f"/proc/sysvipc/{kind}").read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 1:
                if kind == "sem":
                    ctl(int(fields[1]), 0, 0, None)  # IPC_RMID
                else:
                    ctl(int(fields[1]), 0, None)


def _clean_up_after_child(scratch: dict) -> None:
    """Kill everything the last submission left running and erase its files and IPC objects.

    Runs in a throw-away process that becomes the student uid: ``kill(-1)`` then reaches exactly
    the student's processes in this pid namespace (never the zygote, which is uid 0). ``scratch``
    maps each folder to wipe to the names it held before any submission (bwrap's own folders).
    """
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(_NOBODY)
            os.setuid(_NOBODY)
            for _ in range(5):
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    break
            _remove_sysv_ipc()
            for path, keep in scratch.items():
                try:
                    _wipe(path, keep)
                except BaseException:  # noqa: BLE001 - the zygote's check reports what is left
                    pass
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    while True:  # reap what the kill left as zombies re-parented to us (we are not pid 1)
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break


def _leftovers(scratch: dict) -> list:
    """What a submission left in the sandbox after the clean-up (empty: nothing).

    Read by the zygote and sent in its ``synced`` reply; the grader checks processes and memory
    again from outside, in the cgroup."""
    left = []
    for path, keep in scratch.items():
        try:
            extra = set(os.listdir(path)) - keep
        except OSError as exc:
            left.append(f"{path}: {exc.strerror}")
            continue
        if extra:
            left.append(f"{path}: {len(extra)} entries")
    for kind in ("shm", "msg", "sem"):
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                count = len(f.read().splitlines()[1:])
        except OSError:
            continue
        if count:
            left.append(f"{count} SysV {kind} objects")
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as f:
                    uids = [line.split()[1:] for line in f if line.startswith("Uid:")]
            except OSError:
                continue
            if uids and str(_NOBODY) in uids[0]:
                left.append(f"a process of uid {_NOBODY} (pid {entry})")
    return left


def zygote(config: dict, fd_in: int, fd_out: int) -> None:
    """Fork server: pre-imported once, it forks one unprivileged child per submission.

    The zygote stays uid 0 inside the sandbox with only ``CAP_SETUID``/``CAP_SETGID`` (no file,
    kill or ptrace privileges); each child drops to uid 65534 at once, so it can neither signal
    nor read the zygote. After a child ends, everything of uid 65534 is killed and wiped, the
    zygote checks that nothing is left and says so in its answer to the grader's next ``sync``
    (a fresh nonce, so only the zygote can answer once the grader saw the child gone); the
    grader checks processes and memory from outside too (see sandbox.py).
    """
    home = os.environ.get("HOME", "/home/student")
    scratch = {path: frozenset(os.listdir(path)) for path in ("/tmp", home)}
    left = _leftovers(scratch)
    _send(fd_out, {"op": "ready", "zygote": True, "uid": os.getuid()})
    while True:
        request = _recv(fd_in)
        if request is None or request.get("op") == "exit":
            return
        if request.get("op") == "sync":
            clean = True if not left else left[:20]
            _send(fd_out, {"op": "synced", "nonce": request.get("nonce"), "clean": clean})
            continue
        if request.get("op") != "fork":
            continue
        pid = os.fork()
        if pid == 0:
            try:
                _drop_privileges()
                serve(config, fd_in, fd_out, request.get("nonce"))
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        _clean_up_after_child(scratch)
        left = _leftovers(scratch)
        _send(
            fd_out,
            {"op": "child-exit", "code": os.waitstatus_to_exitcode(status)},
            _ZYGOTE_TAG,
        )


def main(argv: list[str]) -> None:
    config = _loads(argv[1])
    fd_in, fd_out = int(config["fd_in"]), int(config["fd_out"])
    # Pre-import before dropping privileges (no student code has run yet): without bubblewrap,
    # the interpreter may live under a folder only root can enter.
    for name in config.get("preload", []):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - the notebook will report its own import error
            pass
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    if not config.get("zygote") and config.get("drop_uid", True):
        _drop_privileges()
    if config.get("zygote"):
        zygote(config, fd_in, fd_out)
    else:
        serve(config, fd_in, fd_out, None)


def _prepare_assignment(config: dict) -> None:
    """Set ``NBGRADER_EXECUTION`` and copy the assignment's supporting files (data, helper
    modules) into the working folder, fresh for each submission, before any student code."""
    os.environ["NBGRADER_EXECUTION"] = str(config.get("execution") or "autograde")
    folder = config.get("assignment_dir")
    if not folder:
        return
    import shutil
    import tempfile

    if config.get("fresh_cwd"):  # no sandbox: never write into the grader's own folder
        import atexit

        scratch = tempfile.mkdtemp(prefix="deepcourse-student-")
        atexit.register(shutil.rmtree, scratch, True)
        os.chdir(scratch)
    here = os.getcwd()
    for root, _dirs, files in os.walk(folder):  # the student's own, writable copies
        target = os.path.normpath(os.path.join(here, os.path.relpath(root, folder)))
        os.makedirs(target, exist_ok=True)
        for name in files:
            shutil.copyfile(os.path.join(root, name), os.path.join(target, name))


def serve(config: dict, fd_in: int, fd_out: int, session: str | None) -> None:
    """Execute cells sent by the grader in one fresh ``__main__`` namespace, until ``exit``."""
    _prepare_assignment(config)
    output_limit = int(config.get("output_chars", 65536))
    module = types.ModuleType("__main__")
    module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = module
    ns = module.__dict__
    state = {"checks": []}

    def check(name, value, *, rtol=None, atol=None):
        """Record ``value`` under ``name`` for the grader to compare with the expected value.

        Tolerances given here count only when the instructor's solution runs (at release);
        when grading, the grader uses the ones stored in the bundle.
        """
        try:
            encoded = _encode(value)
        except _WireError as exc:
            encoded = {"t": "unsupported", "why": str(exc)}
        except Exception as exc:  # noqa: BLE001 - a value whose conversion raises
            encoded = {"t": "unsupported", "why": f"{type(exc).__name__}: {exc}"}
        state["checks"].append([str(name), encoded, {"rtol": rtol, "atol": atol}])

    ns["check"] = check
    signal.signal(signal.SIGALRM, _on_alarm)
    _send(fd_out, {"op": "ready", "pid": os.getpid(), "uid": os.getuid(), "session": session})
    real_stdout, real_stderr = sys.stdout, sys.stderr
    my_pid = os.getpid()
    counter = 0
    while True:
        request = _recv(fd_in)
        if request is None or request.get("op") == "exit":
            return
        if request.get("op") == "sync":  # nothing of this process may answer before this
            _send(fd_out, {"op": "synced", "nonce": request.get("nonce")})
            continue
        counter += 1
        state["checks"] = []
        op = request.get("op", "run")
        mode = request.get("as") or "value"
        # The student's own cell text fills in its traceback lines; a test's never does.
        own_code = None if (request.get("test") or op == "eval") else request.get("code")
        if request.get("test") or op == "eval":
            ns["check"] = check
        out, err = _Capture(output_limit), _Capture(output_limit)
        reply = {"nonce": request.get("nonce"), "status": "ok", "result": None}
        sys.stdout, sys.stderr = out, err
        try:
            _setitimer(signal.ITIMER_REAL, float(request.get("timeout", 60)))
            try:
                if op == "eval":
                    expr = request["expr"]
                    request = None  # nothing of the grader's request stays reachable
                    value = eval(compile(expr, f"<cell {counter}>", "eval"), ns)
                    reply["value"] = _encode_as(value, mode)
                else:
                    body, last = _split_last_expression(request["code"], f"<cell {counter}>")
                    request = None
                    exec(body, ns)
                    if last is not None:
                        value = eval(last, ns)
                        if value is not None:
                            reply["result"] = repr(value)[:output_limit]
            finally:
                _setitimer(signal.ITIMER_REAL, 0)
        except CellTimeout:
            reply["status"] = "timeout"
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
            reply["status"] = "error"
            reply["error"] = _format_error(exc, own_code if isinstance(own_code, str) else None)
        finally:
            sys.stdout, sys.stderr = real_stdout, real_stderr
        if os.getpid() != my_pid:  # a child forked by the cell: never speak for the worker
            os._exit(0)
        reply.update(
            stdout=out.getvalue(),
            stderr=err.getvalue(),
            dropped=out.dropped + err.dropped,
            checks=list(state["checks"]),
        )
        _send(fd_out, reply)


if __name__ == "__main__":
    main(sys.argv)
