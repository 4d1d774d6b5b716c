"""Running the portable workload on one :class:`~.targets.Target` and reading the
machine's counters per phase.

The workload (guests/user/workload.s) prints ``workload: start``, one line per phase
and ``workload: done``. The machine runs with ``stop_on_line`` (it stops right after a
newline reaches the console UART) and its counters are read at each of those lines, so
a phase's counters are exactly what the whole machine did between the line before it
and its own line: the phase's work plus printing its line (one ``write`` of about 40
bytes — and, in a VM, the hypervisor's forwarding of it). The phase's ``cycles`` are
the guest's own measurement (the cycle CSR around the work, without the printing).
Everything is counted in machine steps, never host time, so a measurement is the same
on every run and on both engines.

Guest-only events (IPC messages, hypercalls, upcalls, requests...) come from the
software-event device (ISA.md §9), like every other counter; the host never reads
guest memory.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from ringvm.errors import UserError
from ringvm.isa import ISA

from ..images import MachineOptions, ModuleSource, find_guest, machine_for, resolve
from ..images.boot import BootImage
from ..images.workload import DONE, FAILED, LINE, START
from ..machine import Console
from .targets import Target

#: step budget of one run of the full workload (all CPUs; the slowest structure,
#: the microkernel in a VM, needs about a tenth of it)
MAX_STEPS = 2_000_000_000
#: the same for ``quick`` (the Python engine)
MAX_STEPS_QUICK = 300_000_000
_RINGS = (-1, 0, 1, 2, 3)


@dataclass
class PhaseResult:
    """One phase on one target: ``ops`` operations in ``cycles`` (the guest's count on
    its CPU) and ``counters``, the machine's counters over the phase (flat names, see
    :func:`flatten`)."""
    name: str
    ops: int
    cycles: int
    counters: dict[str, int]

    @property
    def cycles_per_op(self) -> float:
        return self.cycles / self.ops


@dataclass
class Measurement:
    """The workload on one target: its phases in order (a structure may run fewer
    phases than the five, e.g. a single-program library OS), the counters of the whole
    run, ``steps`` (all CPUs), and ``host_seconds`` (wall time; the only figure that is
    not deterministic, never compared). ``error``: why the run did not finish, or
    None."""
    target: Target
    engine: str
    quick: bool
    phases: list[PhaseResult] = field(default_factory=list)
    total: dict[str, int] = field(default_factory=dict)
    steps: int = 0
    host_seconds: float = 0.0
    error: str | None = None

    def phase(self, name: str) -> PhaseResult | None:
        return next((p for p in self.phases if p.name == name), None)


def flatten(counters: dict, steps: int) -> dict[str, int]:
    """The Machine's :meth:`~ringvm.emulator.machine.Machine.counters` as one flat
    ``{name: count}``, summed over CPUs: ``steps``, ``cycles``, ``retired``, ``idle``,
    ``retired.ring<R>``, ``tlb_misses``, ``tlb_writes``, ``tlb_flushes``,
    ``asid_switches``, ``trap.<CAUSE>``, ``irq.<LINE>``, ``exit.<REASON>``, the device
    counters (``disk_reads``, ``ipis_sent``, ...) and ``event.<NAME>`` (software
    events). Names come from the ISA table."""
    out: dict[str, int] = {"steps": steps}
    for cpu in counters["cpus"]:
        for key in ("cycles", "retired", "idle", "tlb_misses", "tlb_writes", "tlb_flushes",
                    "asid_switches"):
            out[key] = out.get(key, 0) + cpu[key]
        for ring, n in zip(_RINGS, cpu["retired_by_ring"]):
            out[f"retired.ring{ring}"] = out.get(f"retired.ring{ring}", 0) + n
        for prefix, values, names in (
                ("trap", cpu["traps_by_cause"], ISA.cause_names),
                ("irq", cpu["interrupts_by_line"], ISA.line_names),
                ("exit", cpu["vmexits_by_reason"], ISA.exit_reason_names)):
            for code, n in enumerate(values):
                if code in names:
                    k = f"{prefix}.{names[code]}"
                    out[k] = out.get(k, 0) + n
    for key, n in counters["devices"].items():
        out["event." + key[6:] if key.startswith("event_") else key] = n
    return out


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    """``after - before`` per counter (a counter missing from ``before`` counts 0)."""
    return {k: v - before.get(k, 0) for k, v in after.items()}


def boot_image(target: Target) -> tuple[BootImage, list[str] | None]:
    """The image to boot for ``target`` and its disks (None: the guest's own, built
    from sources). A hosted target boots the host with the guest's ELF in the host's
    module and the guest's first disk as the host's first. Raises :class:`UserError`
    if a guest is missing or does not build."""
    if target.host is None:
        return resolve(target.guest, options=target.options), None
    host = find_guest(target.host)
    if host is None or host.workload is None or host.workload.module is None:
        raise UserError(f"compare: {target.host!r} is not a bundled hypervisor")
    image = resolve(target.host, modules=[ModuleSource(host.workload.module,
                                                       guest=target.guest)])
    host_disks, _ = image.default_disks(pristine=True)
    own, _ = resolve(target.guest).default_disks(pristine=True)
    return image, (own[:1] + host_disks[1:]) if own else host_disks


def measure(target: Target, *, engine: str = "native", quick: bool = False,
            max_steps: int | None = None, ncpus: int | None = None,
            timeline: dict | None = None) -> Measurement:
    """Boot ``target`` with pristine disks, type its workload command (``quick``: the
    short form, N / 10), and read the counters at each of the workload's lines (see
    the module docstring): :func:`measure_console` with the target's image, disks,
    command and tag. Raises :class:`UserError` for a target that cannot be built."""
    image, disks = boot_image(target)
    spec = find_guest(target.host or target.guest).workload
    if spec is None:
        raise UserError(f"compare: {target.guest!r} has no [workload] in its guest.toml")
    return measure_console(image, f"{spec.command}{' quick' if quick else ''}\n", target,
                           disks=disks, tag=spec.tag, engine=engine, quick=quick,
                           max_steps=max_steps, ncpus=ncpus, timeline=timeline)


def measure_console(image: BootImage, typed: str, target: Target, *,
                    disks: list[str] | None = None, tag: str = "", engine: str = "native",
                    quick: bool = False, max_steps: int | None = None,
                    ncpus: int | None = None, timeline: dict | None = None) -> Measurement:
    """Boot ``image`` (pristine disks, or ``disks`` in snapshot mode) with console input
    ``typed`` (then EOF), which must start the workload, and read the counters at each
    of the workload's lines — those that start with ``tag``, e.g. ``"vm1| "`` for a
    guest whose output a hypervisor prefixes (see the module docstring). ``target``
    names the row the result stands for; ``quick`` only records whether ``typed`` asked
    for the short form. A run that fails, stops or exceeds ``max_steps`` (default
    :data:`MAX_STEPS`, or :data:`MAX_STEPS_QUICK` when quick) returns with ``error``
    set and the phases it finished. ``timeline``: ``{"path", "window",
    "max_events"}`` — write the run's timeline there (the workload's phases marked),
    and add ``"summary"``."""
    budget = max_steps or (MAX_STEPS_QUICK if quick else MAX_STEPS)
    con = Console(input=typed.encode(), capture=True)
    opts = MachineOptions(engine=engine, pristine=True, ncpus=ncpus,
                          disks=disks, snapshot=disks is not None)
    out = Measurement(target, engine, quick)
    with machine_for(image, opts, con) as m:
        tl = None
        if timeline is not None:
            from ..images.abi import syscall_names_for
            from ..machine.timeline import Timeline
            tl = Timeline(m, name=target.name, window=timeline["window"],
                          max_events=timeline["max_events"],
                          syscall_name=syscall_names_for(m.symbols).get)
        t0 = time.perf_counter()
        base, seen, done = None, 0, False
        while not done:
            r = m.run(max_steps=budget - m.steps, stop_on_line=True)
            text = bytes(con.captured).decode("utf-8", "replace")
            end = text.rfind("\n") + 1
            lines, seen = text[seen:end].splitlines(), max(seen, end)
            if lines:
                now = flatten(m.counters(), m.steps)
            for line in lines:
                if tag:
                    if not line.startswith(tag):
                        continue
                    line = line[len(tag):]
                if line == START:
                    base = now
                    if tl is not None:
                        tl.mark("workload: start")
                elif (p := LINE.fullmatch(line)) and base is not None:
                    out.phases.append(PhaseResult(p.group(1), int(p.group(2)),
                                                  int(p.group(3)), delta(now, base)))
                    base = now
                    if tl is not None:
                        tl.mark(f"phase {p.group(1)} done", {"ops": int(p.group(2))})
                elif line.startswith(DONE):
                    done = True
                elif f := FAILED.match(line):
                    out.error = f"the workload failed in phase {f.group(1)}"
                    done = True
            if r.kind != "line" and not done:
                out.error = _why(r, text)
                break
        out.host_seconds = time.perf_counter() - t0
        out.steps = m.steps
        out.total = flatten(m.counters(), m.steps)
        if tl is not None:
            tl.write(timeline["path"])
            timeline["summary"] = tl.summary()
    if not out.phases and out.error is None:
        out.error = "the workload printed no phase line"
    return out


def _why(r, text: str) -> str:
    tail = " / ".join(text.strip().splitlines()[-2:])
    what = {"halt": f"the machine halted (exit code {r.exit_code}) before the workload "
                    f"finished",
            "max_steps": f"the step budget ({r.max_steps:,} steps) ran out"}.get(
        r.kind, r.message() or r.kind)
    return f"{what}; last output: {tail!r}" if tail else what


def phase_names(runs: list[Measurement]) -> list[str]:
    """The phases that occur in ``runs``, in workload order."""
    from ..images.workload import PHASES
    seen = {p.name for r in runs for p in r.phases}
    return [p for p in PHASES if p in seen] + sorted(seen - set(PHASES))


def counter_names(runs: list[Measurement]) -> list[str]:
    """Every counter name in ``runs`` (phases and totals), sorted, zeros left out."""
    names = {k for r in runs for c in [r.total, *(p.counters for p in r.phases)]
             for k, v in c.items() if v}
    return sorted(names)


@dataclass
class ConsoleRun:
    """A boot with scripted console input: the ``text`` it printed, the Machine's
    :class:`~ringvm.emulator.machine.RunResult` and its flat ``counters``."""
    text: str
    result: object
    counters: dict[str, int]


def run_console(image: BootImage, text: str, *, engine: str = "native",
                disks: list[str] | None = None, max_steps: int = MAX_STEPS_QUICK,
                ncpus: int | None = None) -> ConsoleRun:
    """Boot ``image`` (pristine disks, or ``disks`` in snapshot mode) with console input
    ``text`` then EOF, and run it to its stop or ``max_steps``."""
    con = Console(input=text.encode(), capture=True)
    opts = MachineOptions(engine=engine, pristine=True, ncpus=ncpus, disks=disks,
                          snapshot=disks is not None)
    with machine_for(image, opts, con) as m:
        r = m.run(max_steps=max_steps)
        counters = flatten(m.counters(), m.steps)
    return ConsoleRun(bytes(con.captured).decode("utf-8", "replace"), r, counters)


def path_cycles(m, start, done, *, skip: int = 2, limit: int = 2000) -> tuple[int, int]:
    """The cost of one kernel path, traced on the host: run to the kernel's trap vector
    (symbol ``trap_entry``) until ``start(cpu_state)`` holds for the ``skip+1``-th
    time (the first ones run with a cold TLB), then single-step until
    ``done(cpu_state, first_state)``. Returns ``(cycles including the trap step,
    instructions retired in ring 0 on the path)``. Raises :class:`UserError` if the
    path does not occur or does not end within ``limit`` steps."""
    vec = m.symbols["trap_entry"]
    m.set_breakpoints({vec})
    for _ in range(100_000):
        r = m.run(max_steps=50_000_000)
        if r.kind != "breakpoint":
            raise UserError(f"the traced path did not occur before the machine stopped "
                            f"({r.kind})")
        cpu = m.cpu(0)
        if start(cpu):
            if skip == 0:
                break
            skip -= 1
        m.set_breakpoints(set())
        m.step(1)
        m.set_breakpoints({vec})
    m.set_breakpoints(set())
    first, c0, kernel = cpu, cpu.cycle - 1, 0
    for _ in range(limit):
        kernel += m.cpu(0).ring == 0
        m.step(1)
        cpu = m.cpu(0)
        if done(cpu, first):
            return cpu.cycle - c0, kernel
    raise UserError(f"the traced path did not end within {limit} steps")
