"""Helpers for the userland tests: the monolithic kernel, root images built from
guests/user, and booting them with scripted console input on either engine."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ringvm.emulator.images import rootdisk, rvfs
from ringvm.emulator.machine.console import Console
from ringvm.emulator.engine import MachineConfig
from ringvm.emulator.images import build_guest, find_guest, guests_dir
from ringvm.emulator.machine import Machine

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RINGVM_UPDATE_GOLDEN") == "1"
USER_DIR = guests_dir() / "user"
ENGINES = ["native", "python"]


@pytest.fixture(scope="session")
def kernel_elf() -> bytes:
    return build_guest(find_guest("monolithic"))


@pytest.fixture(scope="session")
def root_image(tmp_path_factory) -> Path:
    """A pristine root image: every program of guests/user at /NAME plus the rootfs."""
    spec = rootdisk.DiskSpec("test", programs=USER_DIR, files=USER_DIR / "rootfs")
    img = rvfs.build_image(rootdisk.build_tree(spec))
    path = tmp_path_factory.mktemp("root") / "root.img"
    path.write_bytes(img)
    return path


@pytest.fixture
def image(root_image, tmp_path) -> Path:
    """A private, writable copy of the root image."""
    p = tmp_path / "disk.img"
    p.write_bytes(root_image.read_bytes())
    return p


def boot(kernel_elf: bytes, disk: Path, text: str, engine: str = "native",
         snapshot: bool = False, max_steps: int = 3_000_000_000):
    """Boot the kernel on ``disk`` with ``text`` as console input (then EOF); returns
    (console output, RunResult)."""
    con = Console(input=text.encode(), capture=True)
    with Machine(MachineConfig(), engine, disk=str(disk), disk_snapshot=snapshot,
                 console=con) as m:
        m.load_elf(kernel_elf)
        r = m.run(max_steps=max_steps)
    return bytes(con.captured).decode("utf-8", "replace"), r


def normalize_sizes(text: str) -> str:
    """Mask what changes with every edit of the kernel or a program: the sizes of
    programs in `ls` lines and the free-page count in the kernel's banner."""
    progs = {p.stem for p in rootdisk.program_sources(USER_DIR)}
    def sub(m):
        return m.group(0) if m.group(1) not in progs else \
            f"{m.group(1):<14} file {m.group(2):>3} {'<size>':>6}"
    text = re.sub(r"\d+ free pages", "<n> free pages", text)
    return re.sub(r"^(\S+)\s+file\s+(\d+)\s+(\d+)$", sub, text, flags=re.M)


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        if not UPDATE:
            pytest.fail(f"{name} was missing and has been written; check it in")
        return
    assert actual == path.read_text(), f"{name} differs (RINGVM_UPDATE_GOLDEN=1 to update)"
