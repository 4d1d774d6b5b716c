"""The ISATable accessors that every consumer reads instead of keeping its own copy:
name lookups, the exit reason of each exit control, CSR fields and writable masks,
the TLB entry, device register bits and values."""
from __future__ import annotations

import pytest

from ringvm.isa import ISA


def test_name_maps_cover_every_cause_line_reason_and_control():
    assert ISA.cause_names == {n.value: n.name for n in ISA.causes.values()}
    assert ISA.line_names[ISA.interrupts["TIMER"].value] == "TIMER"
    assert ISA.exit_reason_names[ISA.exit_reasons["SENSITIVE"].value] == "SENSITIVE"
    assert ISA.exit_control_names[ISA.exit_controls["DEVPASS"].value] == "DEVPASS"
    assert len(ISA.line_names) == len(ISA.interrupts)


def test_single_name_lookups_fall_back_to_the_number():
    assert ISA.line_name(ISA.interrupts["DISK"].value) == "DISK"
    assert ISA.line_name(31) == "31"
    assert ISA.exit_reason_name(ISA.exit_reasons["MMIO"].value) == "MMIO"
    assert ISA.exit_reason_name(99) == "99"
    assert ISA.exit_control_name(ISA.exit_controls["WFI"].value) == "WFI"
    assert ISA.exit_control_name(30) == "30"


def test_cause_name_reads_a_cause_word():
    line = ISA.interrupts["VIRQ"].value
    assert ISA.cause_interrupt == 1 << 31
    assert ISA.cause_name(ISA.cause_interrupt | line) == "INT_VIRQ"
    assert ISA.cause_name(ISA.causes["SYSCALL"].value) == "SYSCALL"
    assert ISA.cause_name(0) == "CAUSE_0"
    assert ISA.cause_name(ISA.cause_interrupt | 30) == "INT_30"


def test_each_exit_control_names_the_reason_of_its_exit():
    reasons = ISA.exit_reason_of_control
    assert reasons["SENS"] == ISA.exit_reasons["SENSITIVE"].value
    assert reasons["EXC"] == ISA.exit_reasons["EXCEPTION"].value
    assert reasons["CSR"] == ISA.exit_reasons["CSR"].value
    assert "DEVPASS" not in reasons and ISA.exit_controls["DEVPASS"].reason == ""
    for ins in ISA.instructions.values():       # every instruction's control is an exit
        if ins.exit:
            assert ins.exit in reasons, ins.mnemonic


def test_csr_fields_masks_and_the_guest_aliases_copy_of_them():
    hi = ISA.csrs["tlbhi"]
    assert hi.fields == {"VPN": (31, 12), "ASID": (7, 0)}
    assert (hi.mask("VPN"), hi.shift("VPN"), hi.width("ASID")) == (0xFFFFF000, 12, 8)
    assert ISA.csrs["ienable"].mask("VIRQ") == 1 << ISA.interrupts["VIRQ"].value
    assert ISA.csrs["hctl"].mask("SENS") == 1 << ISA.exit_controls["SENS"].value
    assert ISA.csrs["status"].fields == ISA.status_fields
    assert ISA.csrs["tlblo"].mask("G") == ISA.tlb.flag("G")
    g = ISA.csrs["gasid"]
    assert g.guest_alias and g.fields == ISA.csrs["asid"].fields
    assert g.writable == g.writable_host == ISA.csrs["asid"].writable
    with pytest.raises(KeyError):
        hi.mask("NOPE")


def test_the_tlb_entry_layout():
    t = ISA.tlb
    assert t.flag_names == "".join(f.name for f in t.flags)
    assert [f.value for f in t.flags] == sorted(f.value for f in t.flags)
    assert t.flag("V") == 1 and t.flags_mask == (1 << len(t.flags)) - 1
    v, r, u = t.flag("V"), t.flag("R"), t.flag("U")
    assert t.flag_string(v | r | u, "-") == "VR--U-"
    assert t.flag_string(v | r | u) == "VRU"
    assert t.flag_string(0) == ""
    assert (t.vpn_shift, t.pfn_shift) == (ISA.page_bits, ISA.page_bits)
    assert t.vpn_mask == t.pfn_mask == (1 << (32 - ISA.page_bits)) - 1
    assert t.asid_mask == t.vmid_mask == 0xFF and t.vmid_bits == 8
    assert t.not_found == ISA.csrs["tlbidx"].mask("NOT_FOUND") == 1 << 31


def test_device_registers_carry_their_bits_and_values():
    con, disk = ISA.devices["console"], ISA.devices["disk"]
    assert con.register("STATUS").bits["RXREADY"].value == 0
    assert con.register("STATUS").mask("EOF") == 4
    assert con.register("CTRL").mask("TXIE") == 2
    assert con.register("DATA").value("NONE") == 0xFFFF_FFFF
    assert ISA.devices["timer"].register("CTRL").mask("ENABLE") == 1
    assert [disk.register("STATUS").value(n) for n in ("IDLE", "BUSY", "DONE", "ERROR")] \
        == [0, 1, 2, 3]
    assert (disk.register("CMD").value("READ"), disk.register("CMD").value("WRITE")) == (1, 2)
    assert disk.register("CTRL").mask("IE") == 1
    assert ISA.devices["disk2"].register("STATUS").values == disk.register("STATUS").values
    with pytest.raises(KeyError):
        disk.register("NOPE")


def test_memory_window_and_hqual_access_kinds():
    assert ISA.memory["device_window"] == 16 * ISA.memory["device_page"]
    assert ISA.exit_access == {"FETCH": 0, "LOAD": 1, "STORE": 2}
