"""Code that changes under a running engine runs as changed, on every engine: stores to
the next instruction and to code that already ran (the native engine's decoded pages
are invalidated word by word), RAM written by the host between runs (the loader, a
device's DMA during an MMIO stop, the debugger, a checkpoint restore), TLB writes that
remap the running page, more code pages than the native engine keeps decoded, and runs
split into batches that end anywhere."""
from __future__ import annotations

import pytest

from enginekit import boot, expect_halt, reg
from ringvm.emulator.engine import StopReason
from ringvm.isa import ISA

V, R, W, X, G = 1, 2, 4, 8, 32


def word(mn: str, **kw) -> int:
    return ISA.instructions[mn].encode(**kw)


A0 = ISA.registers["a0"]
ADD1, ADD5, ADD100 = (word("addi", rd=A0, rs1=A0, imm=i) for i in (1, 5, 100))


def test_a_store_to_the_next_instruction_changes_what_runs(engine_kind):
    eng = boot(engine_kind, f"""
_start:
    la t0, target
    li t1, {ADD5:#x}
    li a0, 0
    sw t1, 0(t0)
target:
    addi a0, a0, 1
    exit
""")
    expect_halt(eng.run(1000), 5)


@pytest.mark.parametrize("store,value", [("sw", ADD100), ("sh", 100), ("sb", 100)])
def test_rewriting_a_loop_body_that_already_ran_many_times(engine_kind, store, value):
    """The immediate of `addi a0, a0, 1` is its low halfword: sh/sb rewrite it too."""
    eng = boot(engine_kind, f"""
_start:
    li a0, 0
    li s2, 2
pass:
    li s1, 20
loop:
    addi a0, a0, 1
    addi s1, s1, -1
    bne s1, zero, loop
    la t0, loop
    li t1, {value:#x}
    {store} t1, 0(t0)
    addi s2, s2, -1
    bne s2, zero, pass
    exit
""")
    expect_halt(eng.run(10_000), 20 + 20 * 100)


LOOP = """
_start:
    li a0, 0
loop:
    addi a0, a0, 1
    j loop
"""


def _at_loop(eng) -> int:
    """Step until the pc is at `loop`; its address."""
    at = eng.symbols["loop"]
    while eng.get_cpu(0).pc != at:
        eng.run(1)
    return at


def test_code_written_by_the_host_between_runs_is_the_code_that_runs(engine_kind):
    """The loader, the debugger's memory writes and disk DMA all write the engine's RAM
    from outside a run."""
    eng = boot(engine_kind, LOOP)
    eng.run(5000)
    at = _at_loop(eng) - 0x80000000
    before = reg(eng, "a0")
    eng.ram[at:at + 4] = ADD100.to_bytes(4, "little")
    eng.run(2)
    assert reg(eng, "a0") == before + 100
    eng.ram[at:at + 2] = (7).to_bytes(2, "little")   # half a word: the immediate
    eng.run(4)
    assert reg(eng, "a0") == before + 100 + 7 + 7


def test_code_a_device_writes_during_an_mmio_stop_is_the_code_that_runs(engine_kind):
    """A Python device (the disk) performs its DMA while the engine is stopped for its
    register access; the guest then runs what it wrote."""
    eng = boot(engine_kind, """
_start:
    li a0, 0
    li s1, 3
again:
    call target
    li t0, DISK_PAGE
    sw zero, 0(t0)
    addi s1, s1, -1
    bne s1, zero, again
    exit
target:
    addi a0, a0, 1
    ret
""", python_device_pages=[ISA.devices["disk"].base])
    at = eng.symbols["target"] - 0x80000000
    for k in (1, 2):
        stop = eng.run(10_000)
        assert stop.reason == StopReason.MMIO
        eng.ram[at:at + 4] = word("addi", rd=A0, rs1=A0, imm=10 * k).to_bytes(4, "little")
        eng.complete_mmio()
    stop = eng.run(10_000)
    assert stop.reason == StopReason.MMIO
    eng.complete_mmio()
    expect_halt(eng.run(10_000), 1 + 10 + 20)


def test_a_restored_checkpoint_runs_the_code_it_saved(engine_kind):
    src = f"""
_start:
    li a0, 0
    li s2, 2
pass:
    li s1, 20
loop:
    addi a0, a0, 1
    addi s1, s1, -1
    bne s1, zero, loop
    la t0, loop
    li t1, {ADD100:#x}
    sw t1, 0(t0)
    addi s2, s2, -1
    bne s2, zero, pass
    exit
"""
    eng = boot(engine_kind, src)
    eng.run(50)                                     # the loop ran, not yet patched
    snap, ram = eng.snapshot(), bytes(eng.ram)
    first = eng.run(10_000)
    state, counters = eng.get_cpu(0), eng.counters()
    eng.ram[:] = ram                                # the patched word goes back
    eng.restore(snap)
    again = eng.run(10_000)
    assert (again.reason, again.steps, again.exit_code) == \
        (first.reason, first.steps, first.exit_code)
    assert eng.get_cpu(0) == state and eng.counters() == counters


def _remap_program(body: str) -> str:
    """Ring 0 runs `page1` at useg 0x00400000 through TLB entry 0; tlblo is left
    holding the same page mapped to `page2` (a tlbwi remaps it)."""
    return f"""
_start:
    la t0, handler
    csrw tvec, t0
    li t2, 0x7FFFFFFF
    li t0, 0x00400000
    csrw tlbhi, t0
    la t1, page1
    and t1, t1, t2
    ori t1, t1, {V | R | X | G}
    csrw tlblo, t1
    csrw tlbidx, zero
    tlbwi
    la t1, page2
    and t1, t1, t2
    ori t1, t1, {V | R | X | G}
    csrw tlblo, t1
    li t0, 0x00400000
    jr t0
handler:
    trapinfo
{body}
"""


def test_rewriting_the_tlb_entry_of_the_running_page_takes_effect_at_once(engine_kind):
    eng = boot(engine_kind, _remap_program("""
    .align 4096
page1:
    nop
    nop
    tlbwi
    li a0, 1
    exit
    .align 4096
page2:
    nop
    nop
    nop
    li a0, 2
    exit
"""))
    expect_halt(eng.run(100_000), 2)


def test_a_tlb_write_that_duplicates_a_cached_mapping_is_a_machine_check(engine_kind):
    eng = boot(engine_kind, f"""
_start:
    li t0, 0x00400000
    csrw tlbhi, t0
    la t1, data
    li t2, 0x7FFFFFFF
    and t1, t1, t2
    ori t1, t1, {V | R | W | G}
    csrw tlblo, t1
    csrw tlbidx, zero
    tlbwi
    lw a0, 0(t0)
    lw a0, 4(t0)
    li t3, 1
    csrw tlbidx, t3
    tlbwi
    lw a0, 8(t0)
    exit
    .align 4096
data:
    .word 1, 2, 3
""")
    stop = eng.run(1000)
    assert stop.reason == StopReason.MACHINE_CHECK, stop


def test_more_code_pages_than_the_decoded_cache_holds(engine_kind):
    """300 pages, each adding 1 and jumping to the next, run twice (the native engine
    keeps 256 pages decoded: it must empty its cache and decode again)."""
    pages = "\n".join(f"    .align 4096\np{i}:\n    addi a0, a0, 1\n    j p{i + 1}"
                      for i in range(300))
    eng = boot(engine_kind, f"""
_start:
    li a0, 0
    li s1, 2
pass:
    j p0
{pages}
p300:
    addi s1, s1, -1
    beq s1, zero, done
    j pass
done:
    exit
""", ram_size=2 << 20)
    expect_halt(eng.run(10_000), 600)


@pytest.mark.parametrize("batch", [1, 2, 3, 7, 13, 64])
def test_a_run_split_into_batches_ends_where_one_run_ends(engine_kind, batch):
    src = f"""
_start:
    li a0, 0
    li s2, 3
pass:
    li s1, 9
loop:
    addi a0, a0, 1
    andi t0, a0, 0xFF
    slli t0, t0, 2
    la t1, buf
    add t0, t0, t1
    lw t2, 0(t0)
    add t2, t2, a0
    sw t2, 0(t0)
    addi s1, s1, -1
    bne s1, zero, loop
    la t0, loop
    li t1, {ADD5:#x}
    sw t1, 0(t0)
    addi s2, s2, -1
    bne s2, zero, pass
    exit
    .align 4096
buf:
    .space 1024
"""
    whole = boot(engine_kind, src)
    ref = whole.run(100_000)
    split = boot(engine_kind, src)
    steps = 0
    while True:
        stop = split.run(batch)
        steps += stop.steps
        if stop.reason != StopReason.MAX_STEPS:
            break
    assert (stop.reason, stop.exit_code, steps) == (ref.reason, ref.exit_code, ref.steps)
    assert split.get_cpu(0) == whole.get_cpu(0)
    assert split.counters() == whole.counters()
    assert bytes(split.ram) == bytes(whole.ram)
