"""The hybrid kernel's file-system server when its in-memory inode table is full
(issue 19, item 5): iget returns 0 and the server must answer an error (ENFILE), never
pin or walk from inode 0 — before the fix the server died with "TLB miss at
0x00000004" (inode 0's reference count) and its requests failed with EIO. The server is
built with FSD_NINODE = 3 so that a pipeline in a subdirectory fills the table. Both
engines."""
from __future__ import annotations

import pytest
from mkboot import boot
from ringvm.emulator.images.boot import BootImage, build_module
from ringvm.emulator.images.registry import ModuleSource, build_guest, find_guest

SCRIPT = "mkdir d\necho x > d/f\ncd d\ncat f | wc\ncat f | cat | wc\ncat f\necho done\n"


def small_server_image(ninode: int) -> BootImage:
    """The hybrid kernel with its server built with FSD_NINODE = ``ninode``."""
    g = find_guest("hybrid")
    fs = next(m for m in g.modules if m.name == "fs")
    mod = build_module(ModuleSource("fs", source=fs.source, base=fs.base,
                                    defines={"FSD_NINODE": ninode}))
    return BootImage(f"hybrid-fsd{ninode}", build_guest(g), g, [mod])


@pytest.mark.parametrize("engine", ["native", "python"])
def test_a_full_server_inode_table_is_an_error_not_a_server_crash(engine):
    r = boot(SCRIPT, engine, image=small_server_image(3), max_steps=40_000_000)
    assert r.kind == "halt" and r.exit_code == 0, r.text[-800:]
    out = r.text[r.text.index("$ mkdir d"):]
    assert "(fsd): killed" not in out and "server (pid 2) died" not in out, out
    assert "file table full" in out, out           # ENFILE reached the caller
    lines = out.splitlines()
    i = lines.index("$ cat f")
    assert lines[i + 1] == "x", out                  # the same server still serves
    assert "done" in lines
