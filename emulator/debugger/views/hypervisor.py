"""``info vms``: the type-1a hypervisor's virtual machines (guests/hypervisor) — for each
VM its state, VMID, second stage (hbase/hlimit), exit controls (hctl), guest pc and ring,
pending virtual interrupt lines, whether the interrupt window is armed, and its VM exits
by reason as the hypervisor counted them; ``*`` marks the VM loaded in the CPU, ``>``
the one with the console focus. (``info vm`` shows the CPU's own ring -1 registers.)"""
from __future__ import annotations

from ringvm.isa import ISA

from . import cstr, need, word

STATES = {0: "free", 1: "runnable", 2: "waiting", 3: "stopped"}


def _bits(value: int, name) -> str:
    """The names (``name(bit)``) of the set bits of ``value``, or ``-``."""
    return " ".join(name(i) for i in range(32) if value >> i & 1) or "-"


def info_vms(dbg, arg):
    (table, nvms, cur, shift, vm_vd, vm_name, vm_code, vc_pc, vc_hstatus, vc_hbase,
     vc_hlimit, vc_hctl, vc_vmid, vc_state, vc_exits, nreasons, vc_vpend, vc_window,
     vc_id, vd_pend, focus) = need(
        dbg, "vm_table", "nvms", "cur_vm", "VM_SHIFT", "VM_VD", "VM_NAME", "VM_CODE",
        "VC_PC", "VC_HSTATUS", "VC_HBASE", "VC_HLIMIT", "VC_HCTL", "VC_VMID", "VC_STATE",
        "VC_EXITS", "NEXIT_REASONS", "VC_VPEND", "VC_WINDOW", "VC_ID", "VD_PEND",
        "con_focus")
    n = word(dbg, nvms)
    current = word(dbg, cur)
    focused = word(dbg, focus)
    if n == 0:
        dbg.write("no VMs (yet)")
        return
    dbg.write(f"    {'VM':<4} {'STATE':<9} {'VMID':>4} {'HBASE':>10} {'HLIMIT':>10}  "
              f"{'PC':>10} RING  HCTL")
    for i in range(n):
        vm = table + (i << shift)
        state = word(dbg, vm + vc_state)
        hctl = word(dbg, vm + vc_hctl)
        ring = (word(dbg, vm + vc_hstatus) >> 2) & 7
        mark = ("*" if vm == current else " ") + (">" if i == focused else " ")
        state_s = STATES.get(state, str(state))
        if state == 3:
            state_s += f"({word(dbg, vm + vm_code)})"
        dbg.write(f"{mark}  vm{word(dbg, vm + vc_id):<2} {state_s:<9} "
                  f"{word(dbg, vm + vc_vmid):>4} 0x{word(dbg, vm + vc_hbase):08x} "
                  f"0x{word(dbg, vm + vc_hlimit):08x}  0x{word(dbg, vm + vc_pc):08x} "
                  f"{ring - 8 if ring & 4 else ring:>4}  0x{hctl:x} "
                  f"({_bits(hctl, ISA.exit_control_name)})"
                  f"  module {cstr(dbg, vm + vm_name, 16)}")
        pend = word(dbg, vm + vm_vd + vd_pend)
        exits = [word(dbg, vm + vc_exits + 4 * r) for r in range(nreasons)]
        by = ", ".join(f"{ISA.exit_reason_name(r)} {c}" for r, c in enumerate(exits) if r and c)
        dbg.write(f"         virtual lines pending: {_bits(pend, ISA.line_name)}"
                  f"{'; interrupt window armed' if word(dbg, vm + vc_window) else ''}"
                  f"; {exits[0]} VM exits ({by or 'none'})")


INFO = {"vms": (info_vms, "the hypervisor's VMs: state, VMID, hbase/hlimit, hctl, exits "
                          "(* = loaded in the CPU, > = console focus)")}
