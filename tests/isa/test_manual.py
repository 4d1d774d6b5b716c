"""The manual's tables are generated from isa/ringvm.toml and must never be stale."""
from ringvm.isa import ISA, gen_docs


def test_the_committed_manual_matches_a_fresh_generation():
    current = gen_docs.MANUAL.read_text()
    assert gen_docs.render(current) == current, "run `python -m ringvm.isa.gen_docs`"


def test_every_instruction_csr_cause_and_device_register_appears_in_the_manual():
    text = gen_docs.MANUAL.read_text()
    for mn in ISA.instructions:
        assert f"`{mn}" in text
    for name in ISA.csrs:
        assert f"`{name}`" in text
    for name in list(ISA.causes) + list(ISA.exit_reasons):
        assert f"| {name} |" in text
    for dev in ISA.devices.values():
        for reg in dev.registers:
            assert f"| {reg.name} |" in text


def test_a_stale_manual_is_detected(tmp_path, monkeypatch):
    stale = tmp_path / "ISA.md"
    stale.write_text(gen_docs.MANUAL.read_text().replace("| `add rd, rs1, rs2` |", "| `add` |"))
    monkeypatch.setattr(gen_docs, "MANUAL", stale)
    assert gen_docs.main(["--check"]) == 1


def test_the_committed_guest_include_file_matches_a_fresh_generation():
    from ringvm.isa import gen_asm_inc
    assert gen_asm_inc.OUTPUT.read_text() == gen_asm_inc.render(), \
        "run `python -m ringvm.isa.gen_asm_inc`"
