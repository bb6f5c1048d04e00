"""Red team: kernel calls the sandbox's seccomp filter refuses (with an errno, never a kill).

Each call below worked inside the sandbox before the filter: loopback TCP/UDP sockets (whose
buffers held 1.1 GB of host memory outside the cgroup), nested user namespaces, uid 65534's
keyring (the host's, surviving across grader runs) and POSIX message queues (surviving from one
submission to the next in a reused sandbox). What grading needs still works: numpy and torch,
threads, fork and subprocesses, Unix sockets.
"""

from __future__ import annotations

import errno

import pytest

from deepcourse.grader import Limits
from deepcourse.grader.sandbox import Worker
from deepcourse.grader.seccomp import SYSCALLS, machine

pytestmark = pytest.mark.integration

LIMITS = Limits(cell_seconds=60, submission_seconds=300, memory_mib=2048, file_mib=16)

#: Calls by number (the grader's machine's table, the sandbox's machine too), so no libc wrapper
#: hides what the kernel answered.
_NUMBERS = {name: nrs[0 if machine() == "x86_64" else 1] for name, nrs in SYSCALLS.items()}
_SYSCALL = (
    "import ctypes, os\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    f"NR = {_NUMBERS!r}\n"
    "def call(name, *args):\n"
    "    ctypes.set_errno(0)\n"
    "    r = libc.syscall(NR[name], *args)\n"
    "    return r, ctypes.get_errno()\n"
)


@pytest.fixture(scope="module")
def worker():
    with Worker(limits=LIMITS, preload=("numpy",)) as w:
        w.wait_ready()
        yield w


def _value(worker, code: str):
    reply = worker.run(code, timeout=30)
    assert reply["status"] == "ok", reply.get("error")
    return eval(reply["result"])


def test_a_tcp_socket_on_loopback_is_refused(worker):
    code = (
        "import socket\n"
        "out = []\n"
        "for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):\n"
        "    for family in (socket.AF_INET, socket.AF_INET6):\n"
        "        try:\n"
        "            s = socket.socket(family, kind)\n"
        "            s.bind(('127.0.0.1' if family == socket.AF_INET else '::1', 0))\n"
        "            out.append('bound')\n"
        "        except OSError as exc:\n"
        "            out.append(exc.errno)\n"
        "out"
    )
    assert _value(worker, code) == [errno.EAFNOSUPPORT] * 4


def test_unix_sockets_still_work(worker):
    code = (
        "import socket\n"
        "a, b = socket.socketpair()\n"
        "a.sendall(b'hi')\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        "s.bind('\\0deepcourse-test')\n"
        "b.recv(2)"
    )
    assert _value(worker, code) == b"hi"


def test_unshare_of_a_user_namespace_is_refused(worker):
    code = _SYSCALL + (
        "[call('unshare', 0x10000000), call('unshare', 0x00020000),"
        " call('clone', 0x10000000 | 17, 0, 0, 0, 0), call('setns', 0, 0)]"
    )
    results = _value(worker, code)
    assert results == [(-1, errno.EPERM)] * 4
    assert (
        _value(worker, "import subprocess\nsubprocess.run(['unshare', '-U', 'true']).returncode")
        != 0
    )


def test_clone3_says_enosys_so_libc_falls_back_to_clone(worker):
    assert _value(worker, _SYSCALL + "call('clone3', 0, 0)") == (-1, errno.ENOSYS)


def test_add_key_and_keyctl_are_refused(worker):
    code = _SYSCALL + (
        "KEY_SPEC_USER_KEYRING = ctypes.c_int(-4)\n"
        "[call('add_key', b'user', b'left-behind', b'secret', 6, KEY_SPEC_USER_KEYRING),"
        " call('keyctl', 0, KEY_SPEC_USER_KEYRING, 0),"
        " call('request_key', b'user', b'left-behind', None, 0)]"
    )
    assert _value(worker, code) == [(-1, errno.EPERM)] * 3


def test_mq_open_is_refused(worker):
    code = _SYSCALL + (
        "[call('mq_open', b'left-behind', os.O_CREAT | os.O_RDWR, 0o600, None),"
        " call('mq_unlink', b'left-behind')]"
    )
    assert _value(worker, code) == [(-1, errno.EPERM)] * 2


def test_the_usual_dangerous_calls_are_refused(worker):
    names = [
        "ptrace",
        "bpf",
        "perf_event_open",
        "userfaultfd",
        "io_uring_setup",
        "mount",
        "umount2",
        "pivot_root",
        "kexec_load",
        "init_module",
        "finit_module",
        "delete_module",
        "personality",
        "process_vm_readv",
    ]
    code = _SYSCALL + f"[call(n, 0, 0, 0, 0, 0) for n in {names!r}]"
    assert _value(worker, code) == [(-1, errno.EPERM)] * len(names)


def test_numpy_torch_threads_fork_and_subprocesses_work_under_the_filter():
    code = (
        "import os, subprocess, sys, threading\n"
        "import numpy as np, torch\n"
        "torch.set_num_threads(2)\n"
        "a = torch.randn(64, 64)\n"
        "m = float((a @ a.T).trace())\n"
        "box = []\n"
        "t = threading.Thread(target=lambda: box.append(float(np.linalg.inv(np.eye(3) * 2)[0, 0])))\n"
        "t.start(); t.join()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os._exit(7)\n"
        "status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])\n"
        "out = subprocess.run([sys.executable, '-c', 'print(6 * 7)'], capture_output=True, text=True).stdout\n"
        "(m > 0, box, status, out.strip())"
    )
    with Worker(limits=LIMITS, preload=("numpy", "torch")) as w:
        w.wait_ready(timeout=120)
        reply = w.run(code, timeout=60)
    assert reply["status"] == "ok", reply.get("error")
    assert eval(reply["result"]) == (True, [0.5], 7, "42")
