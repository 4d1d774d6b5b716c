"""Ring -1: vmenter, exits and exit information, exit controls, guest banks, the
second stage, DEVPASS, VIRQ (ISA.md §8)."""
from __future__ import annotations

import pytest

from enginekit import CAUSE, CSR, EXIT, expect_halt, reg, run_program
from ringvm.emulator.engine import StopReason

HBASE = 0x80000          # guest-physical 0 is host-physical 512 KiB
HLIMIT = 0x40000         # 256 KiB of guest RAM
GBASE = 0x80001000       # guest code: guest kseg -> gpa 0x1000
V, R, W, X, U, G = 1, 2, 4, 8, 16, 32

EXIT_HANDLER = """
hv_exit:
    csrr s0, hcause
    csrr s1, hepc
    csrr s2, hbadvaddr
    csrr s3, hgpa
    csrr s4, hinsn
    csrr s5, hqual
    csrr s6, hstatus
    li a0, 0x66
    exit
"""

#: guest prologue: offset 0 jumps over the guest trap handler at offset 4
GUEST_HANDLER = """
    j gmain
    csrr s8, cause
    csrr s9, epc
    csrr s10, badvaddr
    hcall
gmain:
    li t0, 0x80001004
    csrw tvec, t0
"""


def hv_program(guest: str, setup: str = "", hctl: int = 0, handler: str = EXIT_HANDLER,
               pring: int = 0) -> str:
    """Ring -1 copies ``guest`` to guest-physical 0x1000 and enters it at GBASE."""
    return f"""
    .hypervisor
_start:
    la t0, hv_exit
    csrw hvec, t0
    li t0, 1
    csrw hvmid, t0
    li t0, {HBASE}
    csrw hbase, t0
    li t0, {HLIMIT}
    csrw hlimit, t0
    li t0, {hctl}
    csrw hctl, t0
    la t0, gcode
    la t1, gend
    li t2, {0x80000000 + HBASE + 0x1000}
copy:
    lw t3, 0(t0)
    sw t3, 0(t2)
    addi t0, t0, 4
    addi t2, t2, 4
    bltu t0, t1, copy
    li t0, {GBASE}
    csrw hepc, t0
    li t0, {pring << 2}
    csrw hstatus, t0
{setup}
    vmenter
gcode:
{guest}
gend:
{handler}
"""


def guest_word(eng, index: int) -> int:
    a = HBASE + 0x1000 + 4 * index
    return int.from_bytes(eng.ram[a:a + 4], "little")


def expect_exit(eng, stop, reason, hepc=None, bad=None, gpa=None, insn=None, qual=None):
    expect_halt(stop, 0x66)
    got = reg(eng, "s0")
    assert got == EXIT[reason], f"hcause {got}, expected {reason}"
    for name, want in (("s1", hepc), ("s2", bad), ("s3", gpa), ("s4", insn), ("s5", qual)):
        if want is not None:
            assert reg(eng, name) == want, f"{name} = {reg(eng, name):#x}, expected {want:#x}"
    hs = reg(eng, "s6")
    assert hs & 0x100, "hstatus.PV must be set after a VM exit"


def test_hcall_in_a_guest_exits_with_hypercall_and_the_word(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    nop\n    hcall\n"))
    expect_exit(eng, stop, "HYPERCALL", hepc=GBASE + 4, bad=0, gpa=0,
                insn=guest_word(eng, 1), qual=0)
    assert (reg(eng, "s6") >> 2) & 7 == 0       # PRING = guest ring 0
    c = eng.counters()["cpus"][0]
    assert c["vmexits_by_reason"][EXIT["HYPERCALL"]] == 1
    assert c["retired_by_ring"][0] > 0 and c["retired_by_ring"][1] == 1


def test_the_cpu_boots_in_ring_minus_1_with_the_hypervisor_flag(engine_kind):
    eng, stop = run_program(engine_kind, ".hypervisor\ngetst a0\nexit\n")
    expect_halt(stop)
    assert (stop.exit_code >> 5) & 7 == 7


def test_vmenter_with_vmid_0_traps_illegal_in_ring_minus_1(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    hcall\n", setup="    csrw hvmid, zero"))
    expect_halt(stop, 0x66)
    assert reg(eng, "s0") == CAUSE["ILLEGAL"]
    assert not reg(eng, "s6") & 0x100                     # PV = 0: a ring -1 trap
    assert (reg(eng, "s6") >> 2) & 7 == 7                 # PRING = -1


def test_a_guest_enters_at_the_ring_in_hstatus_pring(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    getst a1\n    hcall\n", pring=0))
    expect_exit(eng, stop, "HYPERCALL")
    assert (reg(eng, "a1") >> 5) & 7 == 0


@pytest.mark.parametrize("hctl,guest,reason,qual", [
    (1 << 0, "csrr a0, status", "CSR", 0x100),
    (1 << 1, "tlbwi", "TLB", 0),
    (1 << 2, "rfe", "PRIV", 0),
    (1 << 3, "getst a0", "SENSITIVE", 0),
    (1 << 6, "wfi", "WFI", 0),
])
def test_exit_controls_turn_guest_ring_0_instructions_into_exits(engine_kind, hctl, guest,
                                                                 reason, qual):
    eng, stop = run_program(engine_kind, hv_program(f"    {guest}\n    hcall\n", hctl=hctl))
    expect_exit(eng, stop, reason, hepc=GBASE, insn=guest_word(eng, 0), qual=qual)


def test_without_exit_controls_the_guest_uses_its_own_csr_bank(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("""
        li t0, 0x1234
        csrw scratch, t0
        csrr a1, status
        getst a2
        hcall
    """, setup="    li t0, 0x99\n    csrw scratch, t0",
        handler=EXIT_HANDLER.replace("li a0, 0x66", "csrr a3, gscratch\n    csrr a4, scratch\n"
                                     "    li a0, 0x66")))
    expect_exit(eng, stop, "HYPERCALL")
    assert reg(eng, "a3") == 0x1234 and reg(eng, "a4") == 0x99
    assert (reg(eng, "a1") >> 5) & 7 == 0 and (reg(eng, "a2") >> 5) & 7 == 0
    st = eng.get_cpu(0)
    assert st.gcsr[CSR["scratch"]] == 0x1234 and st.csr[CSR["scratch"]] == 0x99


def test_ring_minus_1_csrs_and_instructions_always_exit_from_a_guest(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    csrr a0, hstatus\n"))
    expect_exit(eng, stop, "CSR", hepc=GBASE, qual=CSR["hstatus"])
    eng, stop = run_program(engine_kind, hv_program("    vmenter\n"))
    expect_exit(eng, stop, "PRIV", hepc=GBASE, insn=guest_word(eng, 0))


def test_a_privileged_instruction_in_guest_ring_3_is_a_guest_exception(engine_kind):
    # the guest kernel drops to guest ring 3 (kseg is not reachable from ring 3, so it
    # maps its code page for user access first)
    guest = GUEST_HANDLER + f"""
        li t0, 0x00001000
        csrw tlbhi, t0
        li t0, {0x1000 | V | R | X | U}
        csrw tlblo, t0
        tlbwi
        li t0, 0x0c
        csrw status, t0
        li t0, 0x00001000 + 4 * 30
        csrw epc, t0
        rfe
    """
    lines = [ln for ln in guest.strip().splitlines() if ln.strip()]
    pad = "\n".join("    nop" for _ in range(30 - len(lines)))
    eng, stop = run_program(engine_kind, hv_program(guest + pad + "\n    tlbwi\n"))
    expect_exit(eng, stop, "HYPERCALL")
    assert reg(eng, "s8") == CAUSE["PRIVILEGED"]
    assert reg(eng, "s9") == 0x00001000 + 4 * 30


def test_guest_exceptions_go_to_the_guest_kernel_without_exc(engine_kind):
    eng, stop = run_program(engine_kind, hv_program(GUEST_HANDLER + "    syscall\n"))
    expect_exit(eng, stop, "HYPERCALL")
    assert reg(eng, "s8") == CAUSE["SYSCALL"]
    assert eng.counters()["cpus"][0]["traps_by_cause"][CAUSE["SYSCALL"]] == 1


def test_guest_exceptions_exit_with_exception_under_exc(engine_kind):
    eng, stop = run_program(engine_kind, hv_program(GUEST_HANDLER + "    lw a0, 2(zero)\n",
                                                    hctl=1 << 5))
    expect_exit(eng, stop, "EXCEPTION", hepc=GBASE + 4 * 8, bad=2,
                qual=CAUSE["MISALIGNED_LOAD"])
    c = eng.counters()["cpus"][0]
    assert c["traps_by_cause"][CAUSE["MISALIGNED_LOAD"]] == 1
    assert c["vmexits_by_reason"][EXIT["EXCEPTION"]] == 1


def test_a_guest_access_beyond_hlimit_exits_with_gpa_fault(engine_kind):
    eng, stop = run_program(engine_kind, hv_program(f"""
        li t0, {0x80000000 + HLIMIT + 0x10}
        sw t0, 0(t0)
    """))
    expect_exit(eng, stop, "GPA_FAULT", hepc=GBASE + 8, bad=0x80000000 + HLIMIT + 0x10,
                gpa=HLIMIT + 0x10, qual=2)


def test_guest_kseg_goes_through_the_second_stage(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("""
        li t0, 0x80000100
        li t1, 0xabc
        sw t1, 0(t0)
        hcall
    """))
    expect_exit(eng, stop, "HYPERCALL")
    assert int.from_bytes(eng.ram[HBASE + 0x100:HBASE + 0x104], "little") == 0xABC


def test_a_guest_device_access_exits_with_mmio(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    li t0, SYSCTL_RAMSIZE\n    lw a0, 0(t0)\n"))
    expect_exit(eng, stop, "MMIO", hepc=GBASE + 8, bad=0, gpa=0x40000004,
                insn=guest_word(eng, 2), qual=1)


def test_devpass_gives_a_guest_the_real_devices(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("""
        li t0, SYSCTL_RAMSIZE
        lw a0, 0(t0)
        exit
    """, hctl=1 << 7))
    expect_halt(stop, 1 << 20)


def test_virq_injected_through_gipend_interrupts_the_guest(engine_kind):
    eng, stop = run_program(engine_kind, hv_program(GUEST_HANDLER + """
        li t0, IRQB_VIRQ
        csrw ienable, t0
        li t0, 1
        csrw status, t0        # guest IE: the VIRQ is taken now
        nop
        hcall
    """, setup="    li t0, IRQB_VIRQ\n    csrw gipend, t0"))
    expect_exit(eng, stop, "HYPERCALL")
    assert reg(eng, "s8") == 0x80000004
    assert eng.counters()["cpus"][0]["interrupts_by_line"][4] == 1


def test_a_guest_acknowledges_virq_by_clearing_its_ipend_bit(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("""
        csrr a1, ipend
        li t0, IRQB_VIRQ
        csrc ipend, t0
        csrr a2, ipend
        hcall
    """, setup="    li t0, IRQB_VIRQ\n    csrw gipend, t0"))
    expect_exit(eng, stop, "HYPERCALL")
    assert reg(eng, "a1") == 0x10 and reg(eng, "a2") == 0


def test_guest_tlb_entries_carry_the_vmid_and_map_guest_physical_pages(engine_kind):
    eng, stop = run_program(engine_kind, hv_program(f"""
        li t0, 0x00400000
        csrw tlbhi, t0
        li t0, {0x2000 | V | R | W}
        csrw tlblo, t0
        tlbwi
        li t0, 0x00400008
        li t1, 0x5a
        sw t1, 0(t0)
        hcall
    """))
    expect_exit(eng, stop, "HYPERCALL")
    assert eng.get_cpu(0).tlb[0].vmid == 1
    assert eng.ram[HBASE + 0x2008] == 0x5A


def test_a_guest_cannot_read_or_probe_another_vms_tlb_entry(engine_kind):
    setup = f"""
        li t0, 2
        csrw tlbvmid, t0
        li t0, 0x00400000
        csrw tlbhi, t0
        li t0, {0x2000 | V | R | W}
        csrw tlblo, t0
        tlbwi
    """
    eng, stop = run_program(engine_kind, hv_program("""
        li t0, 0x00400000
        csrw tlbhi, t0
        tlbp
        csrr a1, tlbidx
        csrw tlbidx, zero
        tlbr
        csrr a2, tlbhi
        csrr a3, tlblo
        hcall
    """, setup=setup))
    expect_exit(eng, stop, "HYPERCALL")
    assert reg(eng, "a1") == 0x80000000
    assert reg(eng, "a2") == 0 and reg(eng, "a3") == 0
    assert eng.get_cpu(0).tlb[0].vmid == 2


def test_two_matching_entries_in_a_guest_exit_with_machine_check(engine_kind):
    eng, stop = run_program(engine_kind, hv_program(f"""
        li t0, 0x00400000
        csrw tlbhi, t0
        li t0, {0x2000 | V | R}
        csrw tlblo, t0
        tlbwi
        li t1, 1
        csrw tlbidx, t1
        tlbwi
        li t0, 0x00400000
        lw a0, 4(t0)
    """))
    expect_exit(eng, stop, "MACHINE_CHECK", bad=0x00400004, hepc=GBASE + 4 * 11)


def test_a_physical_interrupt_under_hctl_irq_exits_with_irq(engine_kind):
    setup = """
        li t0, IRQB_TIMER
        csrw ienable, t0
        li t0, TIMER_INTERVAL
        li t1, 30
        sw t1, 0(t0)
        li t0, TIMER_CTRL
        li t1, 1
        sw t1, 0(t0)
    """
    eng, stop = run_program(engine_kind, hv_program("spin: j spin\n", setup=setup,
                                                    hctl=1 << 4))
    expect_exit(eng, stop, "IRQ", hepc=GBASE, bad=0, insn=0, qual=0)
    assert eng.counters()["cpus"][0]["interrupts_by_line"][0] == 1


def test_without_hctl_irq_physical_interrupts_go_to_the_guest_kernel(engine_kind):
    setup = """
        li t0, TIMER_INTERVAL
        li t1, 40
        sw t1, 0(t0)
        li t0, TIMER_CTRL
        li t1, 1
        sw t1, 0(t0)
    """
    eng, stop = run_program(engine_kind, hv_program(GUEST_HANDLER + """
        li t0, IRQB_TIMER
        csrw ienable, t0
        li t0, 1
        csrw status, t0
    spin: j spin
    """, setup=setup))
    expect_exit(eng, stop, "HYPERCALL")
    assert reg(eng, "s8") == 0x80000000


def test_a_vm_exit_with_no_hvec_is_a_machine_check(engine_kind):
    eng, stop = run_program(engine_kind, hv_program("    hcall\n",
                                                    setup="    csrw hvec, zero"))
    assert stop.reason == StopReason.MACHINE_CHECK


def test_rfe_from_ring_minus_1_without_pv_stays_in_the_host(engine_kind):
    eng, stop = run_program(engine_kind, """
        .hypervisor
        la t0, target
        csrw hepc, t0
        li t0, 0x0c            # PRING = 3... but no mapping: use ring 0 instead
        li t0, 0x00            # PRING = 0, PV = 0
        csrw hstatus, t0
        rfe
    target:
        getst a0
        exit
    """)
    expect_halt(stop)
    assert (stop.exit_code >> 5) & 7 == 0
    assert eng.get_cpu(0).v == 0
