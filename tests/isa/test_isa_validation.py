"""ringvm.isa.load() rejects inconsistent tables (modified copies of the real one)."""
from __future__ import annotations

import copy

import pytest

from ringvm.isa import ISA, ISAError, load


def table():
    """A deep copy of the raw TOML data, safe to modify."""
    return copy.deepcopy(ISA.raw)


def find(data, mnemonic):
    return next(d for d in data["instruction"] if d["mnemonic"] == mnemonic)


def test_the_bundled_table_loads():
    assert load(table()).instructions.keys() == ISA.instructions.keys()


def test_overlapping_encodings_are_rejected():
    data = table()
    clone = copy.deepcopy(find(data, "addi"))
    clone["mnemonic"] = "addi2"
    data["instruction"].append(clone)
    with pytest.raises(ISAError, match="overlap"):
        load(data)


def test_a_fixed_field_too_wide_for_its_bits_is_rejected():
    data = table()
    find(data, "add")["fixed"]["op"] = 0x40          # op is 6 bits
    with pytest.raises(ISAError, match="does not fit"):
        load(data)


def test_a_duplicate_mnemonic_is_rejected():
    data = table()
    data["instruction"].append(copy.deepcopy(find(data, "sub")))
    with pytest.raises(ISAError, match="duplicate mnemonic"):
        load(data)


def test_a_pseudo_named_like_an_instruction_is_rejected():
    data = table()
    data["pseudo"][0]["mnemonic"] = "add"
    with pytest.raises(ISAError, match="duplicate mnemonic"):
        load(data)


def test_a_duplicate_csr_number_is_rejected():
    data = table()
    data["csr"][1]["number"] = data["csr"][0]["number"]
    with pytest.raises(ISAError, match="duplicate csr number"):
        load(data)


def csr(data, name):
    return next(d for d in data["csr"] if d["name"] == name)


def device(data, name):
    return next(d for d in data["device"] if d["name"] == name)


def test_an_exit_control_with_an_unknown_reason_is_rejected():
    data = table()
    next(d for d in data["exit_control"] if d["name"] == "SENS")["reason"] = "SENSITIV"
    with pytest.raises(ISAError, match="exit control SENS: unknown exit reason 'SENSITIV'"):
        load(data)


def test_a_writable_mask_with_bits_outside_the_csr_is_rejected():
    data = table()
    csr(data, "tvec")["writable"] = 0x1_0000_0000
    with pytest.raises(ISAError, match="csr tvec: writable 0x100000000 has bits outside"):
        load(data)


def test_a_writable_mask_naming_a_field_the_csr_lacks_is_rejected():
    data = table()
    csr(data, "asid")["writable"] = ["ASID", "VMID"]
    with pytest.raises(ISAError, match="csr asid: writable names 'VMID'"):
        load(data)


def test_writable_bits_on_a_read_only_csr_are_rejected():
    data = table()
    csr(data, "cycle")["writable"] = 1
    with pytest.raises(ISAError, match="csr cycle: read-only"):
        load(data)
    data = table()
    csr(data, "cpuid")["writable_host"] = 0xFF       # the host copy is never written
    with pytest.raises(ISAError, match="csr cpuid: read-only"):
        load(data)


def test_writable_host_on_a_csr_without_copies_is_rejected():
    data = table()
    csr(data, "hctl")["writable_host"] = 0
    with pytest.raises(ISAError, match="csr hctl: writable_host is for banked CSRs only"):
        load(data)


def test_csr_fields_must_fit_not_overlap_and_name_a_known_table():
    data = table()
    csr(data, "asid")["fields"] = {"ASID": [32, 0]}
    with pytest.raises(ISAError, match="csr asid: field ASID .* outside the register"):
        load(data)
    data = table()
    csr(data, "tlbhi")["fields"] = {"VPN": [31, 12], "ASID": [12, 0]}
    with pytest.raises(ISAError, match="csr tlbhi: field ASID overlaps"):
        load(data)
    data = table()
    csr(data, "ienable")["fields"] = "interrupts"
    with pytest.raises(ISAError, match="csr ienable: fields names no table 'interrupts'"):
        load(data)


def test_a_device_bit_outside_its_register_is_rejected():
    data = table()
    device(data, "console")["bits"]["STATUS"]["EOF"]["bit"] = 32
    with pytest.raises(ISAError, match=r"console.STATUS: bit EOF = 32 is outside"):
        load(data)


def test_a_device_value_too_wide_or_duplicated_is_rejected():
    data = table()
    device(data, "disk")["values"]["CMD"]["WRITE"]["value"] = 1 << 32
    with pytest.raises(ISAError, match="disk.CMD: value WRITE"):
        load(data)
    data = table()
    device(data, "disk")["values"]["STATUS"]["ERROR"]["value"] = 2
    with pytest.raises(ISAError, match="duplicate disk.STATUS value 2"):
        load(data)


def test_bits_of_a_register_the_device_lacks_are_rejected():
    data = table()
    device(data, "timer")["bits"]["CONTROL"] = device(data, "timer")["bits"].pop("CTRL")
    with pytest.raises(ISAError, match="device timer: bits of CONTROL, which is not a register"):
        load(data)


def test_tlb_fields_that_disagree_are_rejected():
    data = table()
    csr(data, "asid")["fields"] = {"ASID": [9, 0]}
    with pytest.raises(ISAError, match="ASID fields of tlbhi and asid must agree"):
        load(data)
    data = table()
    csr(data, "tlblo")["fields"] = {"PFN": [31, 13]}
    with pytest.raises(ISAError, match="tlblo PFN must be the page number bits"):
        load(data)
    data = table()
    data["tlb"]["flags"][5]["bit"] = 12                 # G on top of the PFN
    with pytest.raises(ISAError, match="csr tlblo: field G overlaps"):
        load(data)
    data = table()
    data["tlb"]["flags"][5]["bit"] = 0
    with pytest.raises(ISAError, match="duplicate TLB flag bit 0"):
        load(data)


def test_the_bundled_table_has_the_new_columns():
    t = load(table())
    assert t.exit_controls["SENS"].reason == "SENSITIVE"
    assert t.csrs["ipend"].writable_host == 0
    assert t.devices["disk"].register("STATUS").value("DONE") == 2
    assert t.tlb.flags_mask == 0x3F
