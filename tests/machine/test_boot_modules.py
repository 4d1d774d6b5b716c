"""Boot modules, the boot-info page and several disks (ISA.md §11), on both engines:
the loader places modules where the page says, the page describes the machine, a guest
reads it, and a guest copies a sector between two disks."""
from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from ringvm.emulator.images import MachineOptions, machine_for, parse_module_arg, resolve
from ringvm.emulator.machine import Machine, Module
from ringvm.errors import UserError
from ringvm.isa import ISA

BI = ISA.boot_info
GOLDEN = Path(__file__).parents[1] / "guests" / "golden"
ENGINES = ["python", "native"]


def word(m: Machine, paddr: int) -> int:
    return struct.unpack_from("<I", m.read_physical(paddr, 4))[0]


def page(m: Machine) -> dict:
    """The boot-info page decoded from RAM with the layout of the ISA table."""
    base = BI.base
    out = {f.name: word(m, base + f.offset) for f in BI.header}

    def entry(fields, at):
        e = {}
        for f in fields:
            raw = m.read_physical(at + f.offset, f.size)
            e[f.name] = raw.rstrip(b"\0").decode() if f.size > 4 else \
                struct.unpack("<I", raw)[0]
        return e
    out["devices"] = [entry(BI.device_entry, base + out["DEVICES"] + i * BI.device_entry_size)
                      for i in range(out["NDEVICES"])]
    out["modules"] = [entry(BI.module_entry, base + out["MODULES"] + i * BI.module_entry_size)
                      for i in range(out["NMODULES"])]
    return out


def test_the_page_describes_the_machine_its_devices_and_its_modules(tmp_path):
    disk = tmp_path / "d.img"
    disk.write_bytes(bytes(4 * 512))
    hello = resolve("hello")
    image = resolve("bootinfo", modules=[parse_module_arg("blob=" + str(_blob(tmp_path))),
                                         parse_module_arg("k=hello")])
    with machine_for(image, MachineOptions(engine="python", ncpus=2, ram="8M",
                                           disks=[disk, disk], snapshot=True)) as m:
        p = page(m)
        assert (p["MAGIC"], p["VERSION"]) == (BI.magic, BI.version)
        assert (p["NCPUS"], p["RAMSIZE"], p["NDISKS"]) == (2, 8 << 20, 2)
        names = [d["NAME"] for d in p["devices"]]
        assert names == ["sysctl", "console", "timer", "disk", "ipi", "disk1", "events"]
        disk1 = p["devices"][names.index("disk1")]
        assert (disk1["BASE"], disk1["IRQ"]) == (ISA.devices["disk1"].base,
                                                 ISA.interrupts["DISK1"].value)
        assert p["devices"][0]["IRQ"] == 0xFFFFFFFF
        blob, k = p["modules"]
        data = _blob(tmp_path).read_bytes()
        assert blob["NAME"] == "blob" and blob["FLAGS"] == 0 and blob["ENTRY"] == 0
        assert blob["START"] % 4096 == 0 and blob["END"] - blob["START"] == len(data)
        assert blob["START"] >= max(a + n for a, n in m.image.segments)
        assert m.read_physical(blob["START"], len(data)) == data
        assert k["NAME"] == "k" and k["FLAGS"] == BI.module_flags["ELF"]
        assert k["START"] >= blob["END"] and k["START"] % 4096 == 0
        # an ELF module is its physical image: byte i = the ELF's physical address i
        from ringvm.assembler.elf import read_elf
        elf = read_elf(hello.elf)
        assert k["ENTRY"] == elf.entry
        for seg in elf.segments:
            assert m.read_physical(k["START"] + seg.paddr, len(seg.data)) == bytes(seg.data)
        assert p["FREE"] % 4096 == 0 and p["FREE"] >= k["END"]


def _blob(tmp_path: Path) -> Path:
    p = tmp_path / "blob.bin"
    if not p.exists():
        p.write_bytes(bytes(range(256)) * 5 + b"tail")
    return p


@pytest.mark.parametrize("engine", ENGINES)
def test_the_bootinfo_guest_prints_the_page_and_copies_a_sector_between_disks(
        engine, tmp_path):
    a, b = tmp_path / "a.img", tmp_path / "b.img"
    a.write_bytes(os.urandom(512) + bytes(3 * 512))
    b.write_bytes(bytes(4 * 512))
    (tmp_path / "data").write_bytes(b"module data\n")
    image = resolve("bootinfo", modules=[parse_module_arg(f"data={tmp_path / 'data'}")])
    with machine_for(image, MachineOptions(engine=engine, disks=[a, b])) as m:
        r = m.run(max_steps=2_000_000)
        out = m.console.output.decode()
    assert (r.kind, r.exit_code) == ("halt", 0), out
    assert b.read_bytes()[:512] == a.read_bytes()[:512]
    golden = (GOLDEN / "bootinfo.txt")
    if os.environ.get("RINGVM_UPDATE_GOLDEN"):
        golden.write_text(out)
    assert out == golden.read_text()


def test_module_placement_errors(tmp_path):
    elf = resolve("hello").elf
    m = Machine(engine="python")
    with m:
        with pytest.raises(UserError, match="overlaps the kernel image"):
            m.load_elf(elf, [Module("x", b"abc", addr=0x1000)])
        with pytest.raises(UserError, match="overlaps the boot-info page"):
            m.load_elf(elf, [Module("x", b"abc", addr=0)])
        with pytest.raises(UserError, match="does not fit in RAM"):
            m.load_elf(elf, [Module("x", bytes(64 << 20))])
        with pytest.raises(UserError, match="two modules are called"):
            m.load_elf(elf, [Module("x", b"1"), Module("x", b"2")])
        with pytest.raises(UserError, match="at most 16 modules"):
            m.load_elf(elf, [Module(f"m{i}", b"1") for i in range(17)])
        a, b = Module("a", b"1" * 5000, addr=0x100000), Module("b", b"2", addr=0x101000)
        with pytest.raises(UserError, match="module b .* overlaps module a"):
            m.load_elf(elf, [a, b])
        m.load_elf(elf, [Module("fixed", b"here", addr=0x200000)])
        assert m.read_physical(0x200000, 4) == b"here"
    for bad in ("", "a" * 16, "x\0y"):
        with pytest.raises(UserError, match="module name"):
            Module(bad, b"")
    with pytest.raises(UserError, match="page-aligned"):
        Module("x", b"", addr=0x1234)


def test_a_linked_module_lies_at_its_own_addresses_like_the_kernel():
    from ringvm.assembler import assemble_source
    src = "_start: j _start\n.data\nx: .word 0x1234567\n.bss\ny: .space 8192\n"
    other = assemble_source(src, base=0x80300000)
    elf = resolve("hello").elf
    with Machine(engine="python") as m:
        m.load_elf(elf, [Module("cpu1", other, linked=True), Module("after", b"zz")])
        p = page(m)
        cpu1, after = p["modules"]
        assert cpu1["FLAGS"] == BI.module_flags["ELF"] | BI.module_flags["LINKED"]
        assert (cpu1["START"], cpu1["ENTRY"]) == (0x300000, 0x80300000)
        assert m.read_physical(0x301000, 4) == (0x1234567).to_bytes(4, "little")
        assert cpu1["END"] == 0x302000 + 8192            # its bss, zeroed, included
        assert after["START"] >= 0x304000 and p["FREE"] >= after["END"]
    with Machine(engine="python") as m, pytest.raises(UserError, match="overlaps"):
        m.load_elf(elf, [Module("a", other, linked=True), Module("b", other, linked=True)])
    with pytest.raises(UserError, match="linked module"):
        Module("x", b"raw", linked=True)
    with pytest.raises(UserError, match="linked module"):
        Module("x", other, addr=0x100000, linked=True)


def test_a_kernel_on_the_boot_info_page_is_refused():
    from ringvm.assembler import assemble_source
    elf = assemble_source(".org 0x80000000\n_start: j _start\n")
    with Machine(engine="python") as m, pytest.raises(UserError, match="boot-info page"):
        m.load_elf(elf)


def test_module_arguments(tmp_path):
    (tmp_path / "f.bin").write_bytes(b"x")
    src = parse_module_arg(f"f={tmp_path / 'f.bin'}@0x200000")
    assert (src.name, src.file, src.addr) == ("f", tmp_path / "f.bin", 0x200000)
    assert parse_module_arg("k=hello").guest == "hello"
    for bad, msg in (("noequals", "NAME=FILE_OR_GUEST"), ("x=nosuchthing", "neither a file"),
                     (f"x={tmp_path / 'f.bin'}@zz", "expected a number")):
        with pytest.raises(UserError, match=msg):
            parse_module_arg(bad)


def test_a_given_module_replaces_the_guests_module_of_that_name():
    own = resolve("hypervisor")
    assert [m.name for m in own.modules] == ["vm1", "vm2"]
    image = resolve("hypervisor", modules=[parse_module_arg("vm2=hello@0x800000"),
                                           parse_module_arg("extra=hello")])
    assert [m.name for m in image.modules] == ["vm1", "vm2", "extra"]
    assert image.modules[1].data == resolve("hello").elf != own.modules[1].data


def test_at_most_three_disks(tmp_path):
    img = tmp_path / "d.img"
    img.write_bytes(bytes(512))
    with pytest.raises(UserError, match="at most 3 disks"):
        Machine(engine="python", disk=[img] * 4)
