"""ringvm's native engine side by side with Unicorn (QEMU's RISC-V JIT) and with ringvm's
Python engine, on the same loops, in the same run.

    pip install -e '.[bench]'          # Unicorn (optional: skipped with a message if absent)
    python benchmarks/bench_peers.py [--repeat N] [--seconds S] [--no-python] [--quick]

- ``tight``: the 10-instruction loop of bench_engines.py (addi, andi, slli, add, lw, xor,
  add, sw, mul, bne). ringvm runs it in ring 3 with paging on (code and data in useg pages
  mapped through the TLB); Unicorn runs the same instructions as RV32IM machine code
  (RISC-V M-mode, no paging: it has no software TLB to maintain). The code is encoded by
  the small RV32 encoder below, not stored as an opaque binary.
- ``syscall``: a loop around a system call. ringvm: ``syscall`` in ring 3, a ring-0
  handler (8 instructions), ``rfe`` (bench_engines.py's guest). Unicorn cannot enter a
  guest trap handler: an ``ecall`` leaves the JIT for a host hook (here a Python
  callback that lets it continue), so this row compares whole round trips per second,
  which is the figure printed; its MIPS column counts each side's own steps.

Each contender runs for about ``--seconds``, the contenders take turns (interleaved) and
the best of ``--repeat`` rounds is kept; both wall-clock and CPU-time rates are printed.
The machine these run on may be shared: wall time is noisy, CPU time less so, and the
ratios are the figures to quote (measured in one run). Never asserts timings.
"""
from __future__ import annotations

import argparse
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_engines  # noqa: E402  (the ringvm guests)
from ringvm.emulator.engine import MachineConfig, StopReason, create_engine  # noqa: E402

try:
    import unicorn
    from unicorn import riscv_const as uc_riscv
except ImportError:   # the optional `bench` extra
    unicorn = None

# ------------------------------------------------------------------ a small RV32 encoder

#: ABI register names used below
X = {"zero": 0, "ra": 1, "t0": 5, "t1": 6, "t2": 7, "s0": 8, "s1": 9, "t3": 28}


def _r(funct7: int, rs2: int, rs1: int, funct3: int, rd: int, opcode: int = 0x33) -> int:
    return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode


def _i(imm: int, rs1: int, funct3: int, rd: int, opcode: int) -> int:
    assert -2048 <= imm < 2048
    return (imm & 0xFFF) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode


def _s(imm: int, rs2: int, rs1: int, funct3: int) -> int:
    assert -2048 <= imm < 2048
    imm &= 0xFFF
    return (imm >> 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (imm & 0x1F) << 7 | 0x23


def _b(imm: int, rs2: int, rs1: int, funct3: int) -> int:
    assert -4096 <= imm < 4096 and imm % 2 == 0
    imm &= 0x1FFF
    return ((imm >> 12) << 31 | ((imm >> 5) & 0x3F) << 25 | rs2 << 20 | rs1 << 15 |
            funct3 << 12 | ((imm >> 1) & 0xF) << 8 | ((imm >> 11) & 1) << 7 | 0x63)


def rv32(asm: list[tuple]) -> bytes:
    """Encode (mnemonic, operands...) tuples; branch targets are byte offsets."""
    ops = {
        "add": lambda d, a, b: _r(0, X[b], X[a], 0, X[d]),
        "xor": lambda d, a, b: _r(0, X[b], X[a], 4, X[d]),
        "mul": lambda d, a, b: _r(1, X[b], X[a], 0, X[d]),
        "addi": lambda d, a, i: _i(i, X[a], 0, X[d], 0x13),
        "andi": lambda d, a, i: _i(i, X[a], 7, X[d], 0x13),
        "slli": lambda d, a, i: _i(i, X[a], 1, X[d], 0x13),
        "lw": lambda d, i, a: _i(i, X[a], 2, X[d], 0x03),
        "sw": lambda s, i, a: _s(i, X[s], X[a], 2),
        "bne": lambda a, b, off: _b(off, X[b], X[a], 1),
        "ecall": lambda: 0x00000073,
    }
    return b"".join(struct.pack("<I", ops[op](*args)) for op, *args in asm)


#: bench_engines.py's tight loop, instruction for instruction
TIGHT = [("addi", "s1", "s1", -1), ("andi", "t0", "s1", 0xFF), ("slli", "t0", "t0", 2),
         ("add", "t0", "t0", "s0"), ("lw", "t1", 0, "t0"), ("xor", "t1", "t1", "s1"),
         ("add", "t2", "t2", "t1"), ("sw", "t2", 0, "t0"), ("mul", "t3", "t2", "t1"),
         ("bne", "s1", "zero", -36)]
SYSCALL = [("addi", "s1", "s1", -1), ("ecall",), ("bne", "s1", "zero", -8)]
CODE, DATA = 0x10000, 0x20000

# ------------------------------------------------------------------ contenders


class Ringvm:
    """A ringvm engine on a bench_engines.py guest; ``steps_per_call`` per measurement
    call. ``per_syscall``: steps of one syscall round trip (for the syscall row)."""

    def __init__(self, kind: str, guest: str):
        image = bench_engines.build(guest)
        cfg = MachineConfig()
        ram = bytearray(cfg.ram_size)
        for seg in image.segments:
            ram[seg.paddr:seg.paddr + len(seg.data)] = seg.data
        self.eng = create_engine(kind, cfg, ram)
        s = self.eng.get_cpu(0)
        s.pc = image.entry
        self.eng.set_cpu(0, s)
        self.eng.run(2000)                   # the ring-0 prologue and a warm-up
        self.chunk = 5_000_000 if kind == "native" else 50_000
        c0 = self.eng.counters()["cpus"][0]["traps_by_cause"]
        n = self.eng.run(20_000).steps
        c1 = self.eng.counters()["cpus"][0]["traps_by_cause"]
        traps = sum(c1) - sum(c0)
        self.per_syscall = n / traps if traps else 0.0

    def run(self) -> int:
        r = self.eng.run(self.chunk)
        if r.reason is not StopReason.MAX_STEPS:
            raise SystemExit(f"ringvm stopped: {r}")
        return r.steps


class Unicorn:
    """Unicorn 2 (RV32, M-mode) on the same loop; one call runs ``iters`` iterations."""

    def __init__(self, guest: str):
        uc = unicorn.Uc(unicorn.UC_ARCH_RISCV, unicorn.UC_MODE_RISCV32)
        uc.mem_map(CODE, 0x1000)
        uc.mem_map(DATA, 0x1000)
        self.body = TIGHT if guest == "tight" else SYSCALL
        code = rv32(self.body)
        uc.mem_write(CODE, code)
        self.end = CODE + len(code)
        self.uc = uc
        self.calls = 0
        if guest == "syscall":
            def on_trap(uc_, intno, data):   # the host's side of the round trip
                self.calls += 1
            uc.hook_add(unicorn.UC_HOOK_INTR, on_trap)
        self.iters = 2_000_000 if guest == "tight" else 20_000
        self.per_syscall = len(self.body)
        self.run()                           # translate and warm up

    def run(self) -> int:
        uc = self.uc
        uc.reg_write(uc_riscv.UC_RISCV_REG_S0, DATA)
        uc.reg_write(uc_riscv.UC_RISCV_REG_S1, self.iters)
        uc.emu_start(CODE, self.end)
        if uc.reg_read(uc_riscv.UC_RISCV_REG_S1) != 0:
            raise SystemExit("unicorn: the loop did not run to its end")
        return self.iters * len(self.body)


def measure(contender, seconds: float) -> tuple[float, float]:
    """(steps per wall second, steps per CPU second) over about ``seconds``."""
    steps = 0
    w0, c0 = time.perf_counter(), time.process_time()
    while True:
        steps += contender.run()
        w, c = time.perf_counter() - w0, time.process_time() - c0
        if w >= seconds:
            return steps / w, steps / max(c, 1e-9)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="rounds; the best is kept")
    ap.add_argument("--seconds", type=float, default=1.0, help="per contender and round")
    ap.add_argument("--guests", default="tight,syscall")
    ap.add_argument("--no-python", action="store_true", help="skip ringvm's Python engine")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: --seconds 0.1 --repeat 1")
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.repeat = 0.1, 1
    if unicorn is None:
        print("Unicorn is not installed (pip install -e '.[bench]'): its columns are skipped")
    else:
        print(f"Unicorn {unicorn.__version__}")
    for guest in args.guests.split(","):
        contenders = {"ringvm native": Ringvm("native", guest)}
        if unicorn is not None:
            contenders["unicorn"] = Unicorn(guest)
        if not args.no_python:
            contenders["ringvm python"] = Ringvm("python", guest)
        best = {name: (0.0, 0.0) for name in contenders}
        for _ in range(args.repeat):           # interleaved: each takes its turn per round
            for name, con in contenders.items():
                w, c = measure(con, args.seconds)
                best[name] = (max(best[name][0], w), max(best[name][1], c))
        print(f"\n{guest}: best of {args.repeat}, MIPS (million steps per second)")
        print(f"  {'':<14} {'wall':>9} {'cpu':>9}" +
              ("   syscalls/s (wall)" if guest == "syscall" else ""))
        for name, (w, c) in best.items():
            line = f"  {name:<14} {w / 1e6:9.1f} {c / 1e6:9.1f}"
            if guest == "syscall":
                line += f"   {w / contenders[name].per_syscall / 1e6:9.3f} M"
            print(line)
        nat = best["ringvm native"]
        for other in ("unicorn", "ringvm python"):
            if other in best:
                o = best[other]
                unit = ""
                if guest == "syscall":   # round trips, not steps, are comparable
                    k = contenders[other].per_syscall / contenders["ringvm native"].per_syscall
                    o = (o[0] / k, o[1] / k)
                    unit = " (syscalls/s)"
                print(f"  native / {other}{unit}: {nat[0] / o[0]:.2f}x wall, "
                      f"{nat[1] / o[1]:.2f}x cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
