"""The sandbox's layers, checked from inside a worker."""

from __future__ import annotations

import os

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
