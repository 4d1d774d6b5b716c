"""Benchmark ``ringvm debug``'s ``continue`` against a plain run (``ringvm boot``).

Usage: python benchmarks/bench_debugger.py [--engine native|python] [--steps N] [--repeat R]
                                           [--no-monolithic] [--quick]

The guest (assembled inline) runs a loop that calls a function and takes a timer
interrupt every 5000 cycles, for about N steps, then halts. Printed, in steps per
second (best of R runs):

  boot                Machine.run() to the halt, as ``ringvm boot`` runs it
  continue, none      Debugger ``continue`` with nothing armed (target: within 10% of boot)
  continue, 3 bps     three breakpoints armed in the engine on code the loop never
                      reaches, on the loop's own page (target: at least half of boot)
  3 bps, other page   the same on a page the loop never runs (target: within 10%)
  continue, 1 catch   ``catch syscall`` armed (counted per batch, informational)
  continue, 1 watch   a write watchpoint on code nobody writes (in the engine if it has
                      watchpoints, else software: informational)

Each figure is given in wall time and in CPU time (best of R for each).
Then the same (without the watchpoint) for the monolithic kernel running ``usertests
quick`` to power-off, breakpoints armed on data addresses the pc never reaches.
"""
from __future__ import annotations

import argparse
import io
import time

from ringvm.assembler import assemble_source
from ringvm.emulator.machine.console import Console
from ringvm.emulator.debugger import Debugger
from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.machine import Machine
from ringvm.isa import ISA

KSEG = ISA.memory["kseg_base"]


def guest(loops: int) -> bytes:
    timer = ISA.devices["timer"]
    reg = {r.name: timer.base + r.offset + KSEG for r in timer.registers}
    halt = ISA.devices["sysctl"].base + KSEG
    src = f"""
.text
.global _start
_start:
    la   sp, stack_top
    la   t0, handler
    csrw tvec, t0
    li   t0, {reg['INTERVAL']:#x}
    li   t1, 5000
    sw   t1, 0(t0)
    li   t0, {reg['CTRL']:#x}
    li   t1, 1
    sw   t1, 0(t0)
    li   t0, 1
    csrw ienable, t0
    li   t0, 1
    csrs status, t0
    li   s1, {loops}
loop:
    call work
    addi s1, s1, -1
    bnez s1, loop
    li   t0, {halt:#x}
    sw   zero, 0(t0)
1:  j    1b

work:
    addi sp, sp, -16
    sw   ra, 12(sp)
    li   t0, 8
2:  addi t0, t0, -1
    add  t1, t1, t0
    bnez t0, 2b
    lw   ra, 12(sp)
    addi sp, sp, 16
    ret

handler:
    csrw scratch, t0
    li   t0, {reg['ACK']:#x}
    sw   zero, 0(t0)
    csrr t0, scratch
    rfe

never1: nop
never2: nop
never3: nop

    .balign 4096
far1:   nop
far2:   nop
far3:   nop

.bss
    .balign 16
    .space 4096
stack_top:
"""
    return assemble_source(src, "bench.s")


def machine(elf: bytes, engine: str, debug: bool) -> Machine:
    con = Debugger.make_console() if debug else Console(mode="none", capture=True)
    m = Machine(MachineConfig(), engine, console=con)
    m.load_elf(elf)
    return m


def run_boot(elf, engine) -> tuple[float, int]:
    with machine(elf, engine, False) as m:
        t, c = time.perf_counter(), time.process_time()
        r = m.run()
        dt, dc = time.perf_counter() - t, time.process_time() - c
        assert r.kind == "halt", r.kind
        return dt, dc, r.steps


def run_debug(elf, engine, setup: list[str]) -> tuple[float, int]:
    with machine(elf, engine, True) as m:
        dbg = Debugger(m, io.StringIO())
        for cmd in setup:
            dbg.execute(cmd)
        t, c = time.perf_counter(), time.process_time()
        dbg.execute("continue")
        dt, dc = time.perf_counter() - t, time.process_time() - c
        assert dbg.halted(), dbg.out.getvalue()[-500:]
        return dt, dc, dbg.now


def monolithic_rows(engine: str):
    """The monolithic kernel running ``usertests quick`` to power-off: a realistic mix
    of user code, system calls, interrupts, disk I/O and idle cycles."""
    from ringvm.emulator.images import resolve
    image = resolve("monolithic")
    elf = image.elf
    disks, _ = image.default_disks()
    cmd = b"usertests quick\n"
    data = ["ticks", "stat_refills", "probe_active"]

    def boot():
        with Machine(MachineConfig(), engine, console=Console(input=cmd, capture=True),
                     disk=disks, disk_snapshot=True) as m:
            m.load_elf(elf)
            t, c = time.perf_counter(), time.process_time()
            r = m.run()
            return time.perf_counter() - t, time.process_time() - c, r.steps

    def debug(setup):
        dbg = Debugger.open("monolithic", engine, input=cmd)
        try:
            for c in setup:
                dbg.execute(c)
            t, c = time.perf_counter(), time.process_time()
            dbg.execute("continue")
            dt, dc = time.perf_counter() - t, time.process_time() - c
            assert dbg.halted(), dbg.out.getvalue()[-500:]
            return dt, dc, dbg.now
        finally:
            dbg.m.close()
    # breakpoints on data addresses: armed in the engine, never reached by the pc
    bps = [f"break *{name}" for name in data]
    return [("boot", boot), ("continue, none", lambda: debug([])),
            ("continue, 3 bps", lambda: debug(bps)),
            ("continue, 1 catch", lambda: debug(["catch vmexit"]))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="native")
    ap.add_argument("--steps", type=int, default=None,
                    help="about how many steps the guest runs (default 100M native, 2M python)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-monolithic", action="store_true",
                    help="skip the monolithic kernel workload")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: steps / 500 (unless --steps), --repeat 1")
    a = ap.parse_args()
    steps = a.steps or (100_000_000 if a.engine == "native" else 2_000_000)
    if a.quick:
        steps, a.repeat = a.steps or steps // 500, 1
    elf = guest(max(1, steps // 30))
    rows = [("boot", lambda: run_boot(elf, a.engine)),
            ("continue, none", lambda: run_debug(elf, a.engine, [])),
            ("continue, 3 bps", lambda: run_debug(elf, a.engine,
                                                  ["break never1", "break never2",
                                                   "break never3"])),
            ("3 bps, other page", lambda: run_debug(elf, a.engine,
                                                    ["break far1", "break far2",
                                                     "break far3"])),
            ("continue, 1 catch", lambda: run_debug(elf, a.engine, ["catch syscall"])),
            ("continue, 1 watch", lambda: run_debug(elf, a.engine, ["watch never1"]))]
    report(f"engine {a.engine}, loop guest of about {steps} steps", rows, a.repeat)
    if not a.no_monolithic:
        report(f"engine {a.engine}, monolithic kernel running usertests quick",
               monolithic_rows(a.engine), a.repeat)


def report(title, rows, repeat) -> None:
    """Best of ``repeat`` interleaved rounds, in wall time and in CPU time (on a shared
    machine wall time also counts waiting for a core: the CPU-time column is the
    steadier one)."""
    print(f"{title}, best of {repeat} (runs interleaved)")
    print(f"  {'':<18} {'wall M steps/s':>15} {'s':>7} {'of boot':>8}   "
          f"{'cpu M steps/s':>14} {'s':>7} {'of boot':>8}")
    best: dict[str, list] = {}
    for _ in range(repeat):
        for name, fn in rows:
            dt, dc, n = fn()
            b = best.setdefault(name, [dt, dc, n])
            b[0], b[1] = min(b[0], dt), min(b[1], dc)
    base = best[rows[0][0]]
    for name, _ in rows:
        dt, dc, n = best[name]
        print(f"  {name:<18} {n / dt / 1e6:15.2f} {dt:7.3f} {100 * base[0] / dt:7.1f}%   "
              f"{n / dc / 1e6:14.2f} {dc:7.3f} {100 * base[1] / dc:7.1f}%")


if __name__ == "__main__":
    main()
