"""The sandbox's seccomp filter: a classic-BPF program that bubblewrap installs (``--seccomp FD``).

Namespaces, the uid and the cgroup decide what student code may *reach*; this filter narrows what
it may *ask the kernel* at all, which shrinks the kernel's attack surface and closes what the other
layers leave open (see docs/grader-threat-model.md):

* ``socket()`` for any family but ``AF_UNIX``: the sandbox's own loopback still works without a
  network, and its socket buffers are not charged to the cgroup (1.1 GB of host memory was held
  that way). Refused with ``EAFNOSUPPORT``, as a kernel without that family would.
* new namespaces (``unshare``, ``setns``, ``clone`` with any ``CLONE_NEW*`` flag): a nested user
  namespace would give student code root-like capabilities over its own mounts and a fresh attack
  surface. ``clone3`` (whose flags live in memory, out of the filter's reach) fails with
  ``ENOSYS``, so glibc falls back to ``clone``.
* keyrings (``add_key``, ``request_key``, ``keyctl``): uid 65534's user keyring is the host's and
  survives across grader runs. POSIX message queues (``mq_*``) survive from one submission to the
  next in a reused sandbox.
* the usual dangerous calls: ``ptrace``, ``process_vm_*``, ``bpf``, ``perf_event_open``,
  ``userfaultfd``, ``io_uring_*``, mounts, kernel modules, ``kexec``, ``personality``, clocks, ...

Every refusal is an errno (``EPERM`` unless said otherwise), never a kill: a library that probes
a call gets an error it can handle, and the grader's messages stay about the student's code.

The program is checked against the architecture in each call (a 32-bit or x32 call on x86_64
would see other numbers): calls of another ABI fail with ``ENOSYS``. Only x86_64 and aarch64 are
tabulated; elsewhere :func:`program` returns ``None`` and ``capabilities().missing()`` says so.
"""

from __future__ import annotations

import errno
import platform
import struct

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];
_NR, _ARCH, _ARG0_LOW = 0, 4, 16  # both supported architectures are little-endian

# BPF opcodes (linux/filter.h, linux/bpf_common.h)
_LD_W_ABS = 0x00 | 0x00 | 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x05 | 0x10 | 0x00  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x05 | 0x30 | 0x00  # BPF_JMP | BPF_JGE | BPF_K
_JSET_K = 0x05 | 0x40 | 0x00  # BPF_JMP | BPF_JSET | BPF_K
_RET_K = 0x06 | 0x00  # BPF_RET | BPF_K

RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000

AF_UNIX = 1
#: CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
#: | CLONE_NEWPID | CLONE_NEWNET
CLONE_NEW_MASK = 0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
CLONE_NEW_MASK |= 0x20000000 | 0x40000000
_X32_BIT = 0x40000000

#: AUDIT_ARCH_* for each supported machine (linux/audit.h).
ARCHES = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_MACHINE_ALIASES = {"amd64": "x86_64", "arm64": "aarch64"}

#: Syscall numbers as (x86_64, aarch64); None where the architecture has no such call.
SYSCALLS: dict[str, tuple[int | None, int | None]] = {
    "socket": (41, 198),
    "clone": (56, 220),
    "clone3": (435, 435),
    "unshare": (272, 97),
    "setns": (308, 268),
    "keyctl": (250, 219),
    "add_key": (248, 217),
    "request_key": (249, 218),
    "mq_open": (240, 180),
    "mq_unlink": (241, 181),
    "mq_timedsend": (242, 182),
    "mq_timedreceive": (243, 183),
    "mq_notify": (244, 184),
    "mq_getsetattr": (245, 185),
    "ptrace": (101, 117),
    "process_vm_readv": (310, 270),
    "process_vm_writev": (311, 271),
    "pidfd_getfd": (438, 438),
    "kcmp": (312, 272),
    "bpf": (321, 280),
    "perf_event_open": (298, 241),
    "userfaultfd": (323, 282),
    "io_uring_setup": (425, 425),
    "io_uring_enter": (426, 426),
    "io_uring_register": (427, 427),
    "mount": (165, 40),
    "umount2": (166, 39),
    "pivot_root": (155, 41),
    "chroot": (161, 51),
    "fsopen": (430, 430),
    "fsconfig": (431, 431),
    "fsmount": (432, 432),
    "fspick": (433, 433),
    "move_mount": (429, 429),
    "open_tree": (428, 428),
    "mount_setattr": (442, 442),
    "kexec_load": (246, 104),
    "kexec_file_load": (320, 294),
    "init_module": (175, 105),
    "finit_module": (313, 273),
    "delete_module": (176, 106),
    "personality": (135, 92),
    "swapon": (167, 224),
    "swapoff": (168, 225),
    "reboot": (169, 142),
    "acct": (163, 89),
    "quotactl": (179, 60),
    "quotactl_fd": (443, 443),
    "settimeofday": (164, 170),
    "clock_settime": (227, 112),
    "clock_adjtime": (305, 266),
    "adjtimex": (159, 171),
    "syslog": (103, 116),
    "lookup_dcookie": (212, 18),
    "open_by_handle_at": (304, 265),
    "name_to_handle_at": (303, 264),
    "fanotify_init": (300, 262),
    "vhangup": (153, 58),
    "nfsservctl": (180, 42),
    "iopl": (172, None),
    "ioperm": (173, None),
    "uselib": (134, None),
    "ustat": (136, None),
    "sysfs": (139, None),
    "_sysctl": (156, None),
    "create_module": (174, None),
    "get_kernel_syms": (177, None),
    "query_module": (178, None),
}

#: Calls refused outright, with the errno each one gets.
DENIED: dict[str, int] = {name: errno.EPERM for name in SYSCALLS} | {"clone3": errno.ENOSYS}
#: Calls decided on their first argument (``socket``'s family, ``clone``'s flags).
_BY_ARGUMENT = ("socket", "clone")


def machine() -> str:
    m = platform.machine().lower()
    return _MACHINE_ALIASES.get(m, m)


def supported(arch: str | None = None) -> bool:
    """Whether a filter is tabulated for ``arch`` (default: this machine)."""
    return (arch or machine()) in ARCHES


def _insn(code: int, jt: int, jf: int, k: int) -> tuple[int, int, int, int]:
    return (code, jt, jf, k & 0xFFFFFFFF)


def instructions(arch: str | None = None) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) tuples, for ``arch`` (default: this machine)."""
    arch = arch or machine()
    if arch not in ARCHES:
        raise ValueError(f"no seccomp filter for {arch}")
    col = list(ARCHES).index(arch)
    deny = lambda e: _insn(_RET_K, 0, 0, _RET_ERRNO | e)  # noqa: E731
    allow = _insn(_RET_K, 0, 0, RET_ALLOW)
    prog = [
        _insn(_LD_W_ABS, 0, 0, _ARCH),
        _insn(_JEQ_K, 1, 0, ARCHES[arch]),
        deny(errno.ENOSYS),  # another ABI (i386, x32 numbering differs)
        _insn(_LD_W_ABS, 0, 0, _NR),
    ]
    if arch == "x86_64":  # x32 calls share the arch value but set this bit
        prog += [_insn(_JGE_K, 0, 1, _X32_BIT), deny(errno.ENOSYS)]
    plain = [
        (nr, DENIED[name])
        for name, nrs in SYSCALLS.items()
        if (nr := nrs[col]) is not None and name not in _BY_ARGUMENT
    ]
    for nr, err in plain:
        prog += [_insn(_JEQ_K, 0, 1, nr), deny(err)]
    socket_nr, clone_nr = SYSCALLS["socket"][col], SYSCALLS["clone"][col]
    # socket(): only AF_UNIX.
    prog += [
        _insn(_JEQ_K, 0, 4, socket_nr),
        _insn(_LD_W_ABS, 0, 0, _ARG0_LOW),
        _insn(_JEQ_K, 0, 1, AF_UNIX),
        allow,
        deny(errno.EAFNOSUPPORT),
    ]
    # clone(): no CLONE_NEW* flag (the flags are the first argument on both architectures).
    prog += [
        _insn(_JEQ_K, 0, 4, clone_nr),
        _insn(_LD_W_ABS, 0, 0, _ARG0_LOW),
        _insn(_JSET_K, 0, 1, CLONE_NEW_MASK),
        deny(errno.EPERM),
        allow,
    ]
    prog.append(allow)
    return prog


def program(arch: str | None = None) -> bytes | None:
    """The filter as ``struct sock_filter[]`` bytes for bubblewrap, or None if not tabulated."""
    if not supported(arch):
        return None
    return b"".join(struct.pack("=HBBI", *insn) for insn in instructions(arch))
