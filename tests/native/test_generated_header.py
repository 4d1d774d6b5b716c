"""native/isa_gen.h must be exactly what `python -m ringvm.isa` produces from
isa/ringvm.toml (regenerate it and commit after editing the TOML), and must name every
fact the C engine needs."""
import copy

import pytest

from ringvm.isa import ISA, gen_c_header, gen_common, load


def test_committed_header_is_fresh():
    path = gen_c_header.header_path()
    assert path.exists(), f"{path} is missing: run {gen_common.COMMAND}"
    assert path.read_text() == gen_c_header.generate(), (
        f"{path} is stale: run `{gen_common.COMMAND}` and commit it")


def test_header_names_its_source_and_command():
    first = gen_c_header.generate().splitlines()[0]
    assert "GENERATED" in first and "isa/ringvm.toml" in first
    assert "`python -m ringvm.isa`" in first


def test_header_covers_every_isa_name():
    text = gen_c_header.generate()
    for mn in ISA.instructions:
        assert f"#define MATCH_{mn.upper()} " in text
    for name in ISA.csrs:
        assert f"#define CSR_{name.upper()} " in text
    for n in ISA.causes.values():
        assert f"#define CAUSE_{n.name} {n.value}" in text
    for n in ISA.exit_reasons.values():
        assert f"#define EXIT_{n.name} {n.value}" in text


def test_header_has_a_writable_mask_per_csr_copy_taken_from_the_table():
    text = gen_c_header.generate()
    for c in ISA.csrs.values():
        if c.guest_alias:
            continue
        n = c.name.upper()
        if c.banked:
            assert f"#define CSR_{n}_WMASK_HOST 0x{c.writable_host:X}u" in text
            assert f"#define CSR_{n}_WMASK_GUEST 0x{c.writable:X}u" in text
        else:
            assert f"#define CSR_{n}_WMASK 0x{c.writable:X}u" in text
    assert "#define CSR_IPEND_WMASK_HOST 0x0u" in text          # host ipend ignores writes


def test_header_has_the_tlb_entry_exit_reasons_of_controls_and_device_bits():
    text = gen_c_header.generate()
    for f in ISA.tlb.flags:
        assert f"#define TLBF_{f.name} (1u << {f.value})" in text
    assert f"#define TLBF_ALL 0x{ISA.tlb.flags_mask:X}u" in text
    assert "#define TLBP_NOT_FOUND CSR_TLBIDX_NOT_FOUND_MASK" in text
    assert f"#define CSR_TLBIDX_NOT_FOUND_MASK 0x{ISA.tlb.not_found:X}u" in text
    for c in ISA.exit_controls.values():
        if c.reason:
            assert f"    X({c.name}, {c.value}, {c.reason}) \\" in text
    assert "#define DEV_CONSOLE_STATUS_RXREADY (1u << 0)" in text
    assert "#define DEV_DISK_STATUS_DONE 0x2u" in text
    assert "#define DEV_TIMER_CTRL_ENABLE (1u << 0)" in text


def test_a_name_generated_twice_fails_the_generation():
    data = copy.deepcopy(ISA.raw)
    disk = next(d for d in data["device"] if d["name"] == "disk")
    disk["values"]["STATUS"]["ACCESS_R"] = {"value": 7, "meaning": "clashes"}
    with pytest.raises(ValueError, match="defined twice"):
        gen_c_header.generate(load(data))
