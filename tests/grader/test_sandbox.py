"""The sandbox's layers, checked from inside a worker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deepcourse.grader import Limits, capabilities
from deepcourse.grader.sandbox import Worker

pytestmark = pytest.mark.integration

LIMITS = Limits(cell_seconds=10, submission_seconds=60, memory_mib=512, file_mib=1, scratch_mib=8)


@pytest.fixture
def worker():
    with Worker(limits=LIMITS, preload=()) as w:
        w.wait_ready()
        yield w


def _value(worker, code: str) -> str:
    reply = worker.run(code, timeout=10)
    assert reply["status"] == "ok", reply.get("error")
    return reply["result"]


def test_this_machine_provides_bubblewrap_and_cgroups_under_ci():
    caps = capabilities()
    if os.environ.get("CI") == "true":
        assert caps.bwrap and caps.cgroup, caps.missing()


def test_the_worker_runs_as_nobody(worker):
    assert (
        _value(worker, "import os; (os.getuid(), os.geteuid(), os.getgid())")
        == "(65534, 65534, 65534)"
    )


def test_the_worker_sees_only_system_python_and_its_scratch(worker):
    top = _value(worker, "import os; sorted(os.listdir('/'))")
    assert "'home'" in top and "'boot'" not in top and "'var'" not in top
    assert _value(worker, "import os; os.getcwd()") == "'/home/student'"
    assert _value(worker, "open('scratch.txt', 'w').write('ok')") == "2"


def test_the_graders_modules_are_not_importable_by_their_bare_names(worker):
    assert _value(worker, "import sys; [p for p in sys.path if p.endswith('grader')]") == "[]"
    assert worker.run("import wire", timeout=10)["error"]["ename"] == "ModuleNotFoundError"


def test_the_system_is_read_only(worker):
    reply = worker.run("open('/usr/evil', 'w')", timeout=10)
    assert reply["error"]["ename"] in ("OSError", "PermissionError")


def test_there_is_no_network(worker):
    reply = worker.run(
        "import socket; socket.create_connection(('127.0.0.1', 22), timeout=1)", timeout=10
    )
    assert reply["status"] == "error"


def test_the_file_size_limit_holds(worker):
    reply = worker.run("open('big', 'wb').write(b'0' * (2 * 1024 * 1024))", timeout=10)
    assert "File too large" in reply["error"]["evalue"]


def test_the_worker_inherits_no_secrets_from_the_environment(worker, monkeypatch):
    assert "SECRET" not in _value(worker, "import os; sorted(os.environ)")


def test_a_cell_timeout_is_reported_and_the_worker_lives_on(worker):
    assert worker.run("import time; time.sleep(60)", timeout=1)["status"] == "timeout"
    assert _value(worker, "1 + 1") == "2"


def _read_only_code_folders_under_tmp() -> list[str]:
    """Where the checkout itself lives under /tmp, its read-only bind's ancestor shows in /tmp."""
    from deepcourse.grader.sandbox import SRC_DIR, _python_roots

    tops = {
        Path(p).parts[2] for p in [*_python_roots(), str(SRC_DIR)] if Path(p).parts[1:2] == ("tmp",)
    }
    return sorted(tops)


def test_a_zygote_child_leaves_nothing_for_the_next_submission():
    from deepcourse.grader.pool import ZygotePool

    with ZygotePool(size=1, limits=LIMITS, preload=()) as pool:
        first = pool.acquire()
        first.wait_ready()
        leave = (
            "import os, subprocess, sys\n"
            "open('/tmp/left-behind', 'w').write('A')\nos.makedirs('nested/deep/deeper')\n"
            "open('nested/deep/answers.txt', 'w').write('A')\nos.chmod('nested/deep', 0)\nos.chmod('nested', 0)\n"
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n"
        )
        assert first.run(leave, timeout=10)["status"] == "ok"
        first.close()
        second = pool.acquire()
        second.wait_ready()
        seen = second.run(
            "import os\n(sorted(os.listdir('/tmp')), sorted(os.listdir('.')),"
            " [p for p in os.listdir('/proc') if p.isdigit()])",
            timeout=10,
        )["result"]
        tmp, scratch, pids = eval(seen)
        assert tmp == _read_only_code_folders_under_tmp() and scratch == []
        assert len(pids) <= 3  # bwrap's init, the zygote and this child: no sleeper
        second.close()


def test_a_zygote_child_cannot_signal_the_zygote():
    from deepcourse.grader.pool import ZygotePool

    with ZygotePool(size=1, limits=LIMITS, preload=()) as pool:
        session = pool.acquire()
        session.wait_ready()
        out = session.run(
            "import os, signal\nfor pid in (os.getppid(), 1):\n"
            "    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError as exc:\n        print(exc.errno)",
            timeout=10,
        )["stdout"]
        assert out.split() == ["1", "1"]  # EPERM twice
        session.close()
        again = pool.acquire()
        again.wait_ready()
        assert again.run("1 + 1", timeout=10)["result"] == "2"
        again.close()


class _CountingPool:
    def __init__(self) -> None:
        self.acquired = 0

    def acquire(self) -> Worker:
        self.acquired += 1
        return Worker(limits=LIMITS, preload=())


def test_a_worker_whose_python_cannot_start_says_so_with_its_exit_status_and_output(monkeypatch):
    from deepcourse.grader import sandbox
    from deepcourse.grader.exceptions import WorkerDidNotStart

    monkeypatch.setattr(sandbox, "WORKER_SCRIPT", Path("/nonexistent/worker.py"))
    with Worker(limits=LIMITS, preload=()) as w:
        with pytest.raises(WorkerDidNotStart) as info:
            w.wait_ready(timeout=30)
    message = str(info.value)
    assert message.startswith("the sandbox's Python did not start: it exited (status 2)")
    assert "its output:" in message and "/nonexistent/worker.py" in message
    assert info.value.exit_code == 2 and "/nonexistent/worker.py" in info.value.output


def test_a_sandbox_that_cannot_start_is_reported_as_such_and_not_replayed(monkeypatch, hw0_source):
    from deepcourse.grader import AssignmentError, sandbox
    from deepcourse.grader.release import build_bundle
    from deepcourse.grader.runner import PlannedCell, run_plan

    monkeypatch.setattr(sandbox, "WORKER_SCRIPT", Path("/nonexistent/worker.py"))
    pool = _CountingPool()
    outcomes, notes = run_plan(
        [PlannedCell("a", "1"), PlannedCell("b", "2", test=True)], pool=pool, limits=LIMITS
    )
    assert pool.acquired == 1 and len(notes) == 1
    assert notes[0].startswith("the sandbox failed to start: the sandbox's Python did not start")
    for outcome in outcomes:
        assert outcome.status == "not-run"
        assert outcome.message.startswith("not run: the sandbox's Python did not start: it exited")
        assert "time limit" not in outcome.message
    with pytest.raises(
        AssignmentError,
        match=r"cell imports: not run: the sandbox's Python did not start: it exited \(status 2\); its output:\n.*/nonexistent/worker\.py",
    ):
        build_bundle(hw0_source)


_PERSIST = (
    "import json, os, struct, sys\n"
    "cfg = json.loads(sys.argv[1])\n"
    "def send(m, tag=None):\n"
    "    b = json.dumps(m).encode()\n"
    "    tag = tag or m.get('nonce') or m.get('session') or ''\n"
    "    os.write(cfg['fd_out'], struct.pack('>I32s', len(b), tag.encode()) + b)\n"
    "def recv():\n"
    "    n = struct.unpack('>I', os.read(cfg['fd_in'], 4))[0]\n"
    "    return json.loads(os.read(cfg['fd_in'], n))\n"
    "send({'op': 'child-exit', 'code': 0}, 'zygote' + '-' * 26)\n"
    "while True:\n"
    "    req = recv()\n"
    "    if req.get('op') == 'sync':\n"
    "        send({'op': 'synced', 'nonce': req['nonce']})\n"
    "    elif req.get('op') == 'fork':\n"
    "        send({'op': 'ready', 'session': req['nonce']})\n"
    "    elif req.get('op') == 'run':\n"
    "        send({'nonce': req['nonce'], 'status': 'ok', 'result': repr(req['code']),"
    " 'checks': [], 'pairs': []})\n"
)


def test_a_zygote_child_that_fakes_its_exit_does_not_serve_the_next_submission():
    from deepcourse.grader import SandboxError
    from deepcourse.grader.pool import ZygotePool

    with ZygotePool(size=1, limits=LIMITS, preload=()) as pool:
        first = pool.acquire()
        first.wait_ready()
        with pytest.raises(SandboxError, match="forged 'child-exit'"):
            first.run(_PERSIST, timeout=10)
        first.close()
        second = pool.acquire()
        second.wait_ready()
        assert second.run("1 + 1", timeout=10)["result"] == "2"
        second.close()


def test_a_sandbox_that_cannot_be_set_up_raises_a_sandbox_error_and_leaks_no_descriptors(
    monkeypatch,
):
    from deepcourse.grader import SandboxError, sandbox
    from deepcourse.grader import cgroup as cg

    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    before = open_fds()
    caps = capabilities()
    monkeypatch.setattr(
        sandbox, "_CAPS", sandbox.Capabilities("/nonexistent/bwrap", caps.cgroup, caps.drop_uid)
    )
    with pytest.raises(SandboxError, match="could not start the sandbox"):
        Worker(limits=LIMITS, preload=())
    assert open_fds() == before

    def refuse(*args, **kwargs):
        raise PermissionError("cgroup.procs: permission denied")

    monkeypatch.setattr(sandbox, "_CAPS", sandbox.Capabilities(caps.bwrap, "v1", caps.drop_uid))
    monkeypatch.setattr(cg.Cgroup, "create", refuse)
    with pytest.raises(SandboxError, match="could not create the sandbox's cgroup"):
        Worker(limits=LIMITS, preload=())
    assert open_fds() == before
