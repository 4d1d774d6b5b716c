"""Benchmark: assemble a generated 10,000-line source and report lines/second.

Usage: python benchmarks/bench_assembler.py [LINES] [--quick]
The target is under 2 seconds for 10,000 lines (parser built once, included); the exit
status is 1 if a run of 10,000 lines or more misses it. --quick: 1,000 lines.
"""
from __future__ import annotations

import argparse
import random
import sys
import time


def generate(n_lines: int, seed: int = 1) -> str:
    """A source of ``n_lines`` lines: mixed instructions, labels, pseudos and data."""
    rnd = random.Random(seed)
    regs = ["zero", "ra", "sp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3",
            "a4", "a5", "s2", "s3", "t3", "t4"]
    out = ["    .text", "    .global _start", "_start:"]
    n = 0
    while len(out) < n_lines - 13:
        r = rnd.random()
        a, b, c = rnd.choice(regs), rnd.choice(regs), rnd.choice(regs)
        if r < 0.05:
            out.append(f"L{n}:")
            n += 1
        elif r < 0.25:
            op = rnd.choice(["add", "sub", "and", "or", "xor", "slt", "mul", "sll"])
            out.append(f"    {op} {a}, {b}, {c}      # {op}")
        elif r < 0.45:
            out.append(f"    addi {a}, {b}, {rnd.randint(-2000, 2000)}")
        elif r < 0.55:
            out.append(f"    lw {a}, {rnd.randrange(0, 256, 4)}({b})")
        elif r < 0.62:
            out.append(f"    sw {a}, {rnd.randrange(0, 256, 4)}({b})")
        elif r < 0.70:
            out.append(f"    li {a}, {rnd.randint(0, 1 << 31):#x}")
        elif r < 0.76:
            out.append(f"    la {a}, table{rnd.randrange(10)}")
        elif r < 0.86 and n:
            out.append(f"    bne {a}, {b}, L{rnd.randrange(n)}")
        elif r < 0.90:
            out.append(f"1:  beqz {a}, 1f")
        elif r < 0.94:
            out.append("    .align 4")
        elif r < 0.97:
            out.append(f"    csrr {a}, status")
        else:
            out.append("    nop")
    out.append("1:  ret")
    out.append("    .data")
    for i in range(10):
        out.append(f"table{i}: .word {i}, {i * 2}, L0, _start + {4 * i}")
    return "\n".join(out) + "\n"


def main() -> int:
    from ringvm.assembler import assemble_source
    from ringvm.assembler.parse import get_parser

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lines", nargs="?", type=int, default=10_000)
    ap.add_argument("--quick", action="store_true", help="1,000 lines (a smoke run)")
    args = ap.parse_args()
    n = 1_000 if args.quick else args.lines
    src = generate(n)
    t0 = time.perf_counter()
    get_parser()
    t1 = time.perf_counter()
    elf = assemble_source(src, "bench.s")
    t2 = time.perf_counter()
    lines = src.count("\n")
    print(f"parser build: {t1 - t0:.3f} s")
    print(f"assembled {lines} lines ({len(elf)} bytes of ELF) in {t2 - t0:.3f} s "
          f"= {lines / (t2 - t0):,.0f} lines/second")
    return 0 if t2 - t0 < 2.0 or n < 10_000 else 1


if __name__ == "__main__":
    sys.exit(main())
