"""The files generated from isa/ringvm.toml (the manual's tables, native/isa_gen.h,
guests/lib/ringvm.inc) are never stale, and `python -m ringvm.isa` writes only what
changed and names what is stale."""
import os
import subprocess
import sys

from ringvm.isa import ISA, gen_asm_inc, gen_c_header, gen_common, gen_docs
from ringvm.isa.__main__ import main as isa_main
from ringvm.isa.__main__ import outputs as all_outputs


def test_the_committed_manual_matches_a_fresh_generation():
    current = gen_docs.MANUAL.read_text()
    assert gen_docs.render(current) == current, f"run `{gen_common.COMMAND}`"


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
            for name in [*reg.bits, *reg.values]:
                assert f"| {reg.name} | " in text and f" | {name} | " in text


def test_the_manual_shows_writable_masks_tlb_flags_and_exit_reasons_of_controls():
    text = gen_docs.MANUAL.read_text()
    assert "| 0x107 | `ipend` | 0 | rw | yes | a bit per line | host: none; guest: VIRQ |" in text
    assert "| `asid` | 0 | rw | yes | ASID[7:0] | ASID |" in text
    for f in ISA.tlb.flags:
        assert f"| {f.value} | {f.name} | {f.meaning} |" in text
    for c in ISA.exit_controls.values():
        assert f"| {c.value} | {c.name} | {c.reason or '(not an exit)'} |" in text


def test_a_stale_manual_is_detected(tmp_path, monkeypatch):
    stale = tmp_path / "ISA.md"
    stale.write_text(gen_docs.MANUAL.read_text().replace("| `add rd, rs1, rs2` |", "| `add` |"))
    monkeypatch.setattr(gen_docs, "MANUAL", stale)
    assert gen_docs.main(["--check"]) == 1


def test_the_committed_guest_include_file_matches_a_fresh_generation():
    assert gen_asm_inc.OUTPUT.read_text() == gen_asm_inc.render(), \
        f"run `{gen_common.COMMAND}`"


def test_every_generated_file_names_the_one_command():
    assert gen_c_header.generate().splitlines()[0].count("`python -m ringvm.isa`") == 1
    assert "`python -m ringvm.isa`" in gen_asm_inc.render().splitlines()[0]
    assert "by `python -m ringvm.isa`; do not edit" in gen_docs.MANUAL.read_text()
    for text in all_outputs().values():
        assert "python -m ringvm.isa." not in text      # no generator names itself


def test_python_m_ringvm_isa_check_passes_on_the_committed_files():
    p = subprocess.run([sys.executable, "-m", "ringvm.isa", "--check"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout == p.stderr == ""


def test_sync_writes_only_what_changed_and_check_names_each_stale_file(tmp_path, capsys):
    same, changed, missing = tmp_path / "same.h", tmp_path / "changed.h", tmp_path / "new.h"
    same.write_text("kept\n")
    changed.write_text("old\n")
    os.utime(same, (1, 1))
    outputs = {same: "kept\n", changed: "new\n", missing: "created\n"}

    assert gen_common.sync(outputs, check=True) == 1
    out, err = capsys.readouterr()
    assert out == "" and "same.h" not in err
    for p in (changed, missing):
        assert f"{p} is stale: run `python -m ringvm.isa`" in err
    assert changed.read_text() == "old\n" and not missing.exists()

    assert gen_common.sync(outputs, check=False) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines() == [f"wrote {changed}", f"wrote {missing}"]
    assert os.stat(same).st_mtime == 1 and changed.read_text() == "new\n"
    assert gen_common.sync(outputs, check=True) == 0


def test_the_isa_entry_point_checks_all_three_generators(monkeypatch, capsys):
    for g in (gen_docs, gen_c_header, gen_asm_inc):
        assert set(g.outputs()) <= set(all_outputs())
    assert len(all_outputs()) == 3
    monkeypatch.setattr(gen_asm_inc, "render", lambda isa=ISA: "stale\n")
    assert isa_main(["--check"]) == 1
    assert f"{gen_asm_inc.OUTPUT} is stale" in capsys.readouterr().err
