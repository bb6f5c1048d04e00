"""Red team: a submission that tries to leave something for the next student on a reused zygote.

A zygote sandbox serves one submission after another; between two, everything of the student
uid is killed and wiped, and the reset is verified (the zygote's own listing, then processes
and memory read from the cgroup) before the sandbox is reused; a sandbox that fails the check
is retired (killed and replaced).
"""

from __future__ import annotations

import os

import pytest

from deepcourse.grader import Limits
from deepcourse.grader.limits import MiB

pytestmark = pytest.mark.integration

LIMITS = Limits(
    cell_seconds=20, submission_seconds=60, memory_mib=1024, file_mib=256, scratch_mib=256
)

#: 1,200 nested folders under /tmp (deeper than Python's recursion limit, the full path longer
#: than most tools handle), some made unreadable, a secret at the bottom and one in the home
#: folder, and 200 MiB of tmpfs charged to the sandbox's memory.
_LEAVE = (
    "import os\n"
    "home = os.getcwd()\n"
    "open('answers.txt', 'w').write('SECRET-OF-THE-FIRST-STUDENT')\n"
    "os.chdir('/tmp')\n"
    "for i in range(1200):\n"
    "    os.mkdir('d')\n"
    "    os.chdir('d')\n"
    "open('deep-secret.txt', 'w').write('SECRET-OF-THE-FIRST-STUDENT')\n"
    "os.chdir('/tmp')\n"
    "os.chmod('d/d/d', 0)\n"
    "os.symlink('/tmp', '/tmp/loop')\n"
    "with open('/tmp/ballast', 'wb') as f:\n"
    "    for _ in range(200):\n"
    "        f.write(b'x' * (1 << 20))\n"
    "os.chdir(home)\n"
)

_LOOK = "import os\n(sorted(os.listdir('/tmp')), sorted(os.listdir('.')))"


def _shmem(worker) -> int:
    """Bytes of tmpfs and shared memory charged to the sandbox's cgroup (read here, not asked)."""
    for d in worker.group.dirs:
        if (d / "memory.stat").exists():
            for line in (d / "memory.stat").read_text().splitlines():
                key, value = line.split()
                if key in ("total_shmem", "shmem"):
                    return int(value)
    raise AssertionError("no memory.stat")


def _zygote_pool():
    from deepcourse.grader.pool import ZygotePool

    if os.getuid() != 0:
        pytest.skip("zygotes need the grader to run as root")
    return ZygotePool(size=1, limits=LIMITS, preload=())


def test_a_1200_level_tree_in_tmp_is_wiped_before_the_next_student():
    with _zygote_pool() as pool:
        first = pool.acquire()
        first.wait_ready()
        zygote = first._worker
        idle = _shmem(zygote)
        before = eval(first.run(_LOOK, timeout=20)["result"])
        reply = first.run(_LEAVE, timeout=20)
        assert reply["status"] == "ok", reply.get("error")
        assert _shmem(zygote) >= idle + 150 * MiB
        first.close()
        second = pool.acquire()
        second.wait_ready()
        assert second._worker is zygote  # the reset succeeded: the same sandbox is reused
        assert eval(second.run(_LOOK, timeout=20)["result"]) == before
        assert _shmem(zygote) <= idle + 16 * MiB
        second.close()


def test_a_sandbox_whose_reset_cannot_be_verified_is_retired_and_replaced(monkeypatch):
    from deepcourse.grader import sandbox

    with _zygote_pool() as pool:
        first = pool.acquire()
        first.wait_ready()
        zygote = first._worker
        assert (
            first.run("open('/tmp/x', 'wb').write(b'x' * (8 << 20))", timeout=20)["status"] == "ok"
        )
        # The tmpfs charge is gone after the wipe; pretend any charge is too much.
        monkeypatch.setattr(sandbox, "MEMORY_SLACK", {"shmem": -1})
        first.close()
        assert zygote.retired and "memory still charged" in zygote.retired
        assert zygote.proc.poll() is not None  # killed
        monkeypatch.undo()
        second = pool.acquire()
        second.wait_ready()
        assert second._worker is not zygote
        assert second.run("1 + 1", timeout=20)["result"] == "2"
        second.close()


def test_sysv_ipc_objects_and_processes_do_not_survive_to_the_next_student():
    code = (
        "import ctypes, os, subprocess, sys\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "assert libc.shmget(0x1234, 1 << 20, 0o1666) >= 0\n"
        "assert libc.msgget(0x1235, 0o1666) >= 0\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n"
    )
    look = (
        "import os\n"
        "[len(open(f'/proc/sysvipc/{k}').read().splitlines()) - 1 for k in ('shm', 'msg')],"
        " [p for p in os.listdir('/proc') if p.isdigit() and open(f'/proc/{p}/status').read().count('65534') and int(p) != os.getpid()]"
    )
    with _zygote_pool() as pool:
        first = pool.acquire()
        first.wait_ready()
        assert first.run(code, timeout=20)["status"] == "ok"
        first.close()
        second = pool.acquire()
        second.wait_ready()
        ipc, others = eval(second.run(look, timeout=20)["result"])
        assert ipc == [0, 0] and others == []
        second.close()
