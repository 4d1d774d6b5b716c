"""A Python stand-in for the monolithic kernel, for testing user programs on their own.

It runs ONE user program (no fork/exec/wait/pipe) on the Python engine: the ELF's
segments are placed in RAM and mapped with TLB entries, the trap vector is a breakpoint,
and each trap is handled here — system calls of guests/monolithic/README.md against an
in-memory file tree (dict name -> bytes | dict), TLB misses inside the program's memory
(fresh pages), anything else kills the program with the README's message. It lets the
library and the single-process programs (echo, cat, wc, ls, printf, malloc, ...) be
tested without the real kernel; the real tests boot the kernel.

    out, status, fs = run_program(elf_bytes, ["echo", "hi"], stdin=b"", fs={...})
"""
from __future__ import annotations

import struct

from ringvm.emulator.engine import CpuState, MachineConfig, TlbEntry
from ringvm.emulator.images.abi import table
from ringvm.emulator.machine import Machine

PAGE = 4096
TVEC = 0x80000100
STATUS, TVEC_CSR, EPC, CAUSE, BADV, ASID = 0x100, 0x101, 0x102, 0x103, 0x104, 0x108
ABI = table()
ENOENT, EBADF, ENOMEM, EFAULT, EEXIST, EISDIR, EINVAL, ECHILD, ENOTDIR = (
    ABI.err(n) for n in ("ENOENT", "EBADF", "ENOMEM", "EFAULT", "EEXIST", "EISDIR", "EINVAL",
                         "ECHILD", "ENOTDIR"))
SYS = {name: c.number for name, c in ABI.syscalls.items()}
CAUSE_NAMES = {4: "illegal instruction", 5: "privileged instruction",
               6: "misaligned access", 7: "misaligned access", 8: "misaligned access",
               9: "bus error", 10: "TLB miss", 11: "TLB miss", 12: "TLB miss",
               13: "TLB protection fault", 14: "TLB protection fault",
               15: "TLB protection fault"}


class _Exit(Exception):
    def __init__(self, status):
        self.status = status


class FakeKernel:
    def __init__(self, elf: bytes, argv: list[str], stdin: bytes = b"", fs=None,
                 engine="python"):
        from ringvm.assembler.elf import read_elf
        self.m = Machine(MachineConfig(ram_size=16 * 1024 * 1024), engine)
        self.img = read_elf(elf)
        self.pages: dict[int, int] = {}        # vpn -> pfn
        self.next_pfn = 0x100
        self.out = bytearray()
        self.stdin = bytearray(stdin)
        self.fs = fs if fs is not None else {}
        self.fds: dict[int, dict] = {0: {"kind": "con"}, 1: {"kind": "con"},
                                     2: {"kind": "con"}}
        top = 0
        for seg in self.img.segments:
            for va in range(seg.vaddr & ~0xFFF, seg.vaddr + seg.memsz, PAGE):
                self.map(va >> 12, seg.flags)
            self.write(seg.vaddr, seg.data)
            top = max(top, seg.vaddr + seg.memsz)
        top = (top + PAGE - 1) & ~0xFFF
        self.stack_page = (top >> 12) + 1      # guard page, then the stack
        self.map(self.stack_page, 6)
        self.brk = (self.stack_page + 1) << 12
        # argv at the top of the stack page
        sp = (self.stack_page + 1) << 12
        ptrs = []
        for a in argv:
            b = a.encode() + b"\0"
            sp -= len(b)
            self.write(sp, b)
            ptrs.append(sp)
        sp &= ~3
        sp -= 4 * (len(ptrs) + 1)
        self.write(sp, struct.pack(f"<{len(ptrs) + 1}I", *ptrs, 0))
        argvp = sp
        sp &= ~15
        st = self.m.cpu(0)
        st.pc = self.img.entry
        st.ring = 3
        st.regs[2] = sp
        st.regs[10] = len(argv)
        st.regs[11] = argvp
        st.csr[TVEC_CSR] = TVEC
        st.csr[ASID] = 1
        st.tlb = self.tlb_entries(len(st.tlb))
        self.m.set_cpu(0, st)
        self.m.set_breakpoints({TVEC})

    # -- memory
    def map(self, vpn: int, flags: int) -> None:
        if vpn not in self.pages:
            self.pages[vpn] = self.next_pfn
            self.next_pfn += 1

    def tlb_entries(self, n):
        ents = [TlbEntry(vpn=v, asid=1, pfn=p, flags=0b11111)
                for v, p in sorted(self.pages.items())]
        if len(ents) > n:
            raise RuntimeError("fake kernel: too many pages for the TLB")
        return ents + [TlbEntry() for _ in range(n - len(ents))]

    def phys(self, va: int) -> int | None:
        p = self.pages.get(va >> 12)
        return None if p is None or va >= 0x80000000 else (p << 12) | (va & 0xFFF)

    def write(self, va: int, data: bytes) -> None:
        for i, b in enumerate(data):
            self.m.ram[self.phys(va + i)] = b

    def read(self, va: int, n: int) -> bytes | None:
        out = bytearray()
        for i in range(n):
            p = self.phys(va + i)
            if p is None:
                return None
            out.append(self.m.ram[p])
        return bytes(out)

    def cstr(self, va: int) -> str | None:
        out = bytearray()
        while len(out) < 4096:
            p = self.phys(va + len(out))
            if p is None:
                return None
            if self.m.ram[p] == 0:
                return out.decode("utf-8", "replace")
            out.append(self.m.ram[p])
        return None

    # -- files
    def resolve(self, path: str, create=False):
        parts = [x for x in path.split("/") if x and x != "."]
        d = self.fs
        for x in parts[:-1]:
            d = d.get(x)
            if not isinstance(d, dict):
                return None, None
        return d, (parts[-1] if parts else None)

    def dirbytes(self, d: dict) -> bytes:
        out = b"".join(struct.pack("<H14s", 1, n.encode()) for n in [".", ".."])
        for i, n in enumerate(sorted(d)):
            out += struct.pack("<H14s", i + 2, n.encode()[:14])
        return out

    # -- running
    def run(self, max_steps=20_000_000):
        steps = 0
        while steps < max_steps:
            r = self.m.run(max_steps=max_steps - steps)
            steps += r.steps
            if r.kind != "breakpoint":
                raise RuntimeError(f"fake kernel: machine stopped: {r.kind}")
            st = self.m.cpu(0)
            cause, epc = st.csr[CAUSE], st.csr[EPC]
            try:
                if cause == 1:
                    st.regs[10] = self.syscall(st) & 0xFFFFFFFF
                    st.pc = epc + 4
                elif cause in (10, 11, 12) and st.csr[BADV] < self.brk and \
                        (st.csr[BADV] >> 12) in self.pages:
                    st.pc = epc
                else:
                    name = CAUSE_NAMES.get(cause, f"cause {cause}")
                    self.out += (f"pid 1 (prog): killed: {name} at "
                                 f"0x{st.csr[BADV]:08x} (cause {cause})\n").encode()
                    raise _Exit(-1)
            except _Exit as e:
                return e.status, steps
            st.ring = 3
            st.tlb = self.tlb_entries(len(st.tlb))
            self.m.set_cpu(0, st)
        raise RuntimeError("fake kernel: step limit reached")

    def syscall(self, st: CpuState) -> int:
        a = st.regs[10:16]
        n = st.regs[17]
        sa0 = a[0] - (1 << 32) if a[0] & 0x80000000 else a[0]
        if n == SYS["exit"]:
            raise _Exit(sa0)
        if n == SYS["getpid"]:
            return 1
        if n == SYS["uptime"]:
            return st.cycle // 10000
        if n in (SYS["sleep"], SYS["yield"]):
            return 0
        if n == SYS["sbrk"]:
            old = self.brk
            new = old + sa0
            if new < ((self.stack_page + 1) << 12) or new > 0x800000:
                return -ENOMEM
            for v in range((old + PAGE - 1) >> 12, (new + PAGE - 1) >> 12):
                self.map(v, 6)
            for v in range((new + PAGE - 1) >> 12, (old + PAGE - 1) >> 12):
                self.pages.pop(v, None)
            self.brk = new
            return old
        if n == SYS["write"] or n == SYS["read"]:
            f = self.fds.get(a[0])
            if f is None:
                return -EBADF
            if n == SYS["write"]:
                data = self.read(a[1], a[2])
                if data is None:
                    return -EFAULT
                if f["kind"] == "con":
                    self.out += data
                else:
                    d, name = f["dir"], f["name"]
                    cur = bytearray(d[name])
                    cur[f["off"]:f["off"] + len(data)] = data
                    d[name] = bytes(cur)
                    f["off"] += len(data)
                return len(data)
            if self.read(a[1], a[2]) is None:
                return -EFAULT
            if f["kind"] == "con":
                data = bytes(self.stdin[:a[2]])
                nl = data.find(b"\n")
                if nl >= 0:
                    data = data[:nl + 1]
                del self.stdin[:len(data)]
            else:
                content = f["data"]() if callable(f["data"]) else f["data"]
                data = content[f["off"]:f["off"] + a[2]]
                f["off"] += len(data)
            self.write(a[1], data)
            return len(data)
        if n == SYS["open"]:
            path = self.cstr(a[0])
            if path is None:
                return -EFAULT
            d, name = self.resolve(path)
            if d is None:
                return -ENOENT
            node = self.fs if name is None else d.get(name)
            if node is None:
                if not a[1] & 0x200:
                    return -ENOENT
                d[name] = node = b""
            fd = min(set(range(16)) - set(self.fds))
            if isinstance(node, dict):
                if a[1] & 3:
                    return -EISDIR
                self.fds[fd] = {"kind": "dir", "data": self.dirbytes(node), "off": 0,
                                "node": node}
            else:
                if a[1] & 0x400:
                    d[name] = node = b""
                self.fds[fd] = {"kind": "file", "dir": d, "name": name, "off": 0,
                                "data": (lambda d=d, name=name: d[name])}
            return fd
        if n == SYS["close"]:
            return 0 if self.fds.pop(a[0], None) is not None else -EBADF
        if n == SYS["dup"]:
            if a[0] not in self.fds:
                return -EBADF
            fd = min(set(range(16)) - set(self.fds))
            self.fds[fd] = self.fds[a[0]]
            return fd
        if n == SYS["fstat"]:
            f = self.fds.get(a[0])
            if f is None:
                return -EBADF
            if f["kind"] == "con":
                t, size = 3, 0
            elif f["kind"] == "dir":
                t, size = 1, len(f["data"])
            else:
                t, size = 2, len(f["data"]())
            self.write(a[1], struct.pack("<HHIII", t, 1, 7, size, 0))
            return 0
        if n in (SYS["unlink"], SYS["mkdir"]):
            path = self.cstr(a[0])
            d, name = self.resolve(path)
            if d is None or name is None:
                return -ENOENT
            if n == SYS["mkdir"]:
                if name in d:
                    return -EEXIST
                d[name] = {}
                return 0
            if name not in d:
                return -ENOENT
            del d[name]
            return 0
        if n == SYS["procinfo"]:
            if a[0] >= 32:
                return -EINVAL
            if a[0] != 0:
                return -3
            self.write(a[1], struct.pack("<IIII16s", 1, 0, 4, len(self.pages) * PAGE,
                                         b"prog"))
            return 0
        if n == SYS["wait"]:
            return -ECHILD
        if n == SYS["halt"]:
            raise _Exit(sa0)
        return -ENOMEM                              # fork, pipe, exec, kill, chdir


def run_program(elf: bytes, argv, stdin=b"", fs=None, max_steps=20_000_000):
    """Run one program; returns (console output as str, exit status, fs)."""
    k = FakeKernel(elf, list(argv), stdin, fs)
    status, _ = k.run(max_steps)
    return k.out.decode("utf-8", "replace"), status, k.fs
