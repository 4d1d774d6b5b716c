"""Engine benchmark: MIPS of the Python and native engines on three guests.

    python benchmarks/bench_engines.py [--seconds S] [--repeat N] [--engines python,native]
                                       [--quick]

- ``tight``: a ring-3 loop with user paging on (code and data in useg pages the ring-0
  prologue maps through the TLB), 10 instructions per iteration:
  addi, andi, slli, add, lw, xor, add, sw, mul, bne;
- ``syscall``: ring 3 ``syscall`` -> ring-0 handler -> ``rfe``, in a loop;
- ``tlbmiss``: ring 3 touches 128 pages (more than the 64-entry TLB holds) with a
  ring-0 refill handler (``tlbwr``).

Prints steps per second (MIPS = million steps/s; every step here is an instruction or
a trap entry) for each engine, in wall time and in CPU time (on a shared machine wall
time also counts the wait for a core), best of N interleaved rounds, and the
native/python ratio in CPU time. Never asserts timings.
"""
from __future__ import annotations

import argparse
import sys
import time

from ringvm.assembler import assemble_source
from ringvm.assembler.elf import read_elf
from ringvm.emulator.engine import MachineConfig, StopReason
from ringvm.emulator.engine import available_engines, create_engine
from ringvm.isa import ISA

KSEG = ISA.memory["kseg_base"]
HALT = ISA.devices["sysctl"].base + ISA.devices["sysctl"].registers[0].offset + KSEG
V, R, W, X, U = (1 << i for i in range(5))
PRING_SHIFT = ISA.status_fields["PRING"][1]

SOURCE = f"""
        .equ UCODE_VA, 0x00400000
        .equ UDATA_VA, 0x00500000
        .equ UMISS_VA, 0x00600000
        .equ DATA_PHYS, 0x00100000
        .equ HALT, {HALT:#x}
        .equ C_SYSCALL, {ISA.causes["SYSCALL"].value}
        .equ C_MISS_LOAD, {ISA.causes["TLB_MISS_LOAD"].value}
        .equ C_MISS_STORE, {ISA.causes["TLB_MISS_STORE"].value}
        .text
_start:
        la t0, trap
        csrw tvec, t0
        li t0, 1
        csrw wired, t0              # keep the code entry (index 0) out of tlbwr's way
        # code page: UCODE_VA -> the physical page of `user`, V R X U
        li t0, UCODE_VA
        csrw tlbhi, t0
        la t1, user
        li t2, 0x7FFFFFFF
        and t1, t1, t2
        ori t1, t1, {V | R | X | U}
        csrw tlblo, t1
        csrw tlbidx, zero
        tlbwi
        # data page: UDATA_VA -> DATA_PHYS, V R W U
        li t0, UDATA_VA
        csrw tlbhi, t0
        li t1, DATA_PHYS | {V | R | W | U}
        csrw tlblo, t1
        li t0, 1
        csrw tlbidx, t0
        tlbwi
        # enter ring 3 at UCODE_VA + ENTRY_OFFSET
        li t0, UCODE_VA + ENTRY_OFFSET
        csrw epc, t0
        li t0, {3 << PRING_SHIFT}
        csrw status, t0
        rfe

trap:   csrr t6, cause
        li t5, C_SYSCALL
        beq t6, t5, skip
        li t5, C_MISS_LOAD
        beq t6, t5, refill
        li t5, C_MISS_STORE
        beq t6, t5, refill
        mv a0, t6                   # anything else: halt with the cause
        li t5, HALT
        sw a0, 0(t5)
skip:   csrr t6, epc
        addi t6, t6, 4
        csrw epc, t6
        rfe
refill: li t6, DATA_PHYS | {V | R | W | U}   # tlbhi already holds the faulting VPN/ASID
        csrw tlblo, t6
        tlbwr
        rfe

        .align 4096
user:
tight:  li s0, UDATA_VA
        li s1, 0x7FFFFFFF
1:      addi s1, s1, -1
        andi t0, s1, 0xFF
        slli t0, t0, 2
        add t0, t0, s0
        lw t1, 0(t0)
        xor t1, t1, s1
        add t2, t2, t1
        sw t2, 0(t0)
        mul t3, t2, t1
        bne s1, zero, 1b
        syscall
sys:    addi s1, s1, 1
        syscall
        j sys
miss:   li s0, UMISS_VA
        li s2, 0x7F000
1:      addi s1, s1, 4096
        and t0, s1, s2
        add t0, t0, s0
        lw t1, 0(t0)
        j 1b
"""

GUESTS = {"tight": "tight", "syscall": "sys", "tlbmiss": "miss"}


def build(guest: str):
    """ELF image with the ring-3 entry at the guest's label."""
    probe = read_elf(assemble_source(SOURCE.replace("ENTRY_OFFSET", "0"), "bench.s"))
    offset = probe.symbols[GUESTS[guest]] - probe.symbols["user"]
    return read_elf(assemble_source(SOURCE.replace("ENTRY_OFFSET", str(offset)), "bench.s"))


class Bench:
    """``kind``'s engine on ``guest``, past its ring-0 prologue and warmed up."""

    def __init__(self, kind: str, guest: str):
        image = build(guest)
        cfg = MachineConfig()
        ram = bytearray(cfg.ram_size)
        for seg in image.segments:
            ram[seg.paddr:seg.paddr + len(seg.data)] = seg.data
        self.eng = create_engine(kind, cfg, ram)
        s = self.eng.get_cpu(0)
        s.pc = image.entry
        self.eng.set_cpu(0, s)
        self.eng.run(2000)                       # prologue and warm-up
        self.chunk = 20_000 if kind == "python" else 5_000_000
        self.name = f"{kind}/{guest}"

    def measure(self, seconds: float) -> tuple[float, float]:
        """(steps per wall second, steps per CPU second) over about ``seconds``."""
        steps = 0
        w0, c0 = time.perf_counter(), time.process_time()
        while True:
            r = self.eng.run(self.chunk)
            steps += r.steps
            if r.reason is not StopReason.MAX_STEPS:
                raise SystemExit(f"{self.name}: unexpected stop {r}")
            w = time.perf_counter() - w0
            if w >= seconds:
                break
        c = time.process_time() - c0
        assert self.eng.counters()["cpus"][0]["retired_by_ring"][4] > 0, \
            "the guest never ran in ring 3"
        return steps / w, steps / max(c, 1e-9)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="per engine, guest and round")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (interleaved); the best is kept")
    ap.add_argument("--engines", default=",".join(available_engines()))
    ap.add_argument("--guests", default=",".join(GUESTS))
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: --seconds 0.1 --repeat 1")
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.repeat = 0.1, 1
    kinds = [k for k in args.engines.split(",") if k]
    both = {"python", "native"} <= set(kinds)
    print(f"best of {args.repeat}; MIPS in wall time / in CPU time")
    print(f"{'guest':<9} " + " ".join(f"{k + ' MIPS':>21}" for k in kinds) +
          ("   native/python (cpu)" if both else ""))
    for guest in args.guests.split(","):
        benches = {k: Bench(k, guest) for k in kinds}
        best = {k: (0.0, 0.0) for k in kinds}
        for _ in range(args.repeat):               # interleaved: each takes its turn
            for k, b in benches.items():
                w, c = b.measure(args.seconds)
                best[k] = (max(best[k][0], w), max(best[k][1], c))
        line = f"{guest:<9} " + " ".join(f"{best[k][0] / 1e6:10.2f} /{best[k][1] / 1e6:9.2f}"
                                          for k in kinds)
        if both:
            line += f"   {best['native'][1] / best['python'][1]:12.0f}x"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
