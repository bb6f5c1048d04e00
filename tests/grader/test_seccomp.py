"""The seccomp filter's program, checked without a sandbox: its syscall tables against the
kernel headers, and its decisions by running it in a small classic-BPF interpreter (so the
aarch64 program is checked on any machine)."""

from __future__ import annotations

import errno
import re
import struct
from pathlib import Path

import pytest

from deepcourse.grader import seccomp
from deepcourse.grader.sandbox import Capabilities

pytestmark = pytest.mark.unit

_HEADERS = {
    "x86_64": Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"),
    "aarch64": Path("/usr/include/asm-generic/unistd.h"),
}


def _run(prog, *, arch: int, nr: int, arg0: int = 0) -> int:
    """Evaluate a classic-BPF seccomp program on one call (only the opcodes the filter uses)."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, arg0, 0, 0, 0, 0, 0)
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = prog[pc]
        pc += 1
        if code == 0x20:
            acc = struct.unpack_from("<I", data, k)[0]
        elif code == 0x15:
            pc += jt if acc == k else jf
        elif code == 0x35:
            pc += jt if acc >= k else jf
        elif code == 0x45:
            pc += jt if acc & k else jf
        elif code == 0x06:
            return k
        else:
            raise AssertionError(f"unexpected opcode {code:#x}")


def _errno(action: int) -> int | None:
    return None if action == seccomp.RET_ALLOW else action & 0xFFFF


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_the_syscall_numbers_match_the_kernel_headers(arch):
    header = _HEADERS[arch]
    if not header.exists():
        pytest.skip(f"{header} not installed")
    table = {}
    for m in re.finditer(r"#define\s+__NR(?:3264)?_(\w+)\s+(\d+)", header.read_text()):
        table.setdefault(m.group(1), int(m.group(2)))
    col = list(seccomp.ARCHES).index(arch)
    for name, numbers in seccomp.SYSCALLS.items():
        assert table.get(name) == numbers[col], name


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_the_filter_refuses_what_it_should_and_allows_the_rest(arch):
    prog = seccomp.instructions(arch)
    audit = seccomp.ARCHES[arch]
    col = list(seccomp.ARCHES).index(arch)
    nr = {name: nums[col] for name, nums in seccomp.SYSCALLS.items()}

    def decide(name_or_nr, arg0=0, arch_value=audit):
        n = nr[name_or_nr] if isinstance(name_or_nr, str) else name_or_nr
        return _errno(_run(prog, arch=arch_value, nr=n, arg0=arg0))

    assert decide("socket", 1) is None  # AF_UNIX
    assert decide("socket", 2) == errno.EAFNOSUPPORT  # AF_INET
    assert decide("socket", 10) == errno.EAFNOSUPPORT  # AF_INET6
    assert decide("socket", 16) == errno.EAFNOSUPPORT  # AF_NETLINK
    assert decide("clone", 0x003D0F00) is None  # a thread (glibc's flags)
    assert decide("clone", 0x01200011) is None  # fork (SIGCHLD | CLONE_CHILD_*)
    for flag in (0x10000000, 0x00020000, 0x20000000, 0x40000000, 0x00000080):
        assert decide("clone", 0x01200011 | flag) == errno.EPERM
    assert decide("clone3") == errno.ENOSYS
    for name in ("unshare", "setns", "add_key", "keyctl", "request_key", "mq_open", "ptrace"):
        assert decide(name) == errno.EPERM
    for name in ("bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "mount", "personality"):
        assert decide(name) == errno.EPERM
    # Calls the filter does not name are allowed: read, write, mmap, getpid.
    allowed = {"x86_64": (0, 1, 9, 39), "aarch64": (63, 64, 222, 172)}[arch]
    for n in allowed:
        assert decide(n) is None
    assert decide(0, arch_value=0x40000003) == errno.ENOSYS  # i386 on x86_64: another ABI
    if arch == "x86_64":
        assert decide(0x40000000 | 41, 2) == errno.ENOSYS  # x32


def test_the_program_is_bytes_bubblewrap_can_load():
    prog = seccomp.program("x86_64")
    assert len(prog) % 8 == 0 and len(prog) // 8 == len(seccomp.instructions("x86_64"))
    assert len(prog) // 8 < 4096  # BPF_MAXINSNS


def test_another_architecture_has_no_filter_and_the_sandbox_reports_it_as_degraded():
    assert seccomp.program("riscv64") is None and not seccomp.supported("riscv64")
    gaps = Capabilities("/usr/bin/bwrap", "v1", True, seccomp=False).missing()
    assert len(gaps) == 1 and "no seccomp filter" in gaps[0]
    assert Capabilities("/usr/bin/bwrap", "v1", True).missing() == []
