"""Issue 19, item 6 (the class): file-system images are untrusted input. Mutated images
must make `ringvm fsck` / `ringvm ls` (rvfs.check, FsImage) answer or fail with a
UserError — never a traceback or a hang — and must never panic the booted kernel (a
superblock it refuses is a clear "bad RVFS superblock" line, anything else fails one
call with EIO). RINGVM_FUZZ_COUNT=N mutates N images for the host tools instead of 200,
RINGVM_BOOT_FUZZ=N boots N mutated root images instead of 6 (3,000 and 60 pass)."""
from __future__ import annotations

import os
import random
import time

import pytest

from ringvm.emulator.images import rvfs
from ringvm.errors import UserError

from .conftest import boot

COUNT = int(os.environ.get("RINGVM_FUZZ_COUNT", "200"))


def small_tree():
    return {"README": b"hello\n" * 50, "d": {"x": b"x" * 3000, "e": {}},
            "big": bytes(range(256)) * 60}


def mutate(img: bytes, rng: random.Random, metadata_end: int) -> bytes:
    """Overwrite 1-8 words in the metadata and directory blocks with random or edge
    values (0, -1, huge, small block numbers)."""
    b = bytearray(img)
    for _ in range(rng.randrange(1, 9)):
        off = rng.randrange(512, metadata_end) & ~3
        v = rng.choice([0, 1, 2, 0xFFFFFFFF, 0x7FFFFFFF, rng.randrange(1 << 32),
                        rng.randrange(4096), rng.randrange(64)])
        b[off:off + 4] = v.to_bytes(4, "little")
    return bytes(b)


def test_host_tools_survive_mutated_images():
    img = rvfs.build_image(small_tree(), size=200, ninodes=32)
    sb = rvfs.FsImage(img).sb
    end = (sb.datastart + 8) * rvfs.BSIZE             # metadata + the first data blocks
    rng = random.Random(19)
    worst = 0.0
    for _ in range(COUNT):
        bad = mutate(img, rng, end)
        t = time.monotonic()
        for fn in (rvfs.check, lambda x: rvfs.FsImage(x).walk(),
                   lambda x: rvfs.FsImage(x).listdir("/")):
            try:
                fn(bad)
            except UserError:
                pass
        worst = max(worst, time.monotonic() - t)
        assert worst < 10, "a mutated image took too long"
    print(f"\n{COUNT} mutated images: no traceback; slowest {worst:.2f} s")


@pytest.mark.parametrize("seed", range(int(os.environ.get("RINGVM_BOOT_FUZZ", "6"))))
def test_the_kernel_survives_mutated_inodes_and_directories(kernel_elf, image, tmp_path,
                                                             seed):
    """Mutations of the inode blocks and the root directory of a root image: the
    kernel boots, `ls` and `cat` fail at worst, never a panic."""
    pristine = image.read_bytes()
    fs = rvfs.FsImage(pristine)
    sb = fs.sb
    rootblk = fs.inode(1).addrs[0]
    keep = {fs.lookup("/init"), fs.lookup("/sh"), 1}  # the boot path stays intact
    ents = fs.entries(1)
    victims = [i for i in range(2, 24) if i not in keep]
    slots = [k for k, (name, inum) in enumerate(ents) if inum not in keep]
    rng = random.Random(seed)
    b = bytearray(pristine)
    for _ in range(8):
        if rng.random() < 0.5:                       # a field of some inode
            inum = rng.choice(victims)
            off = sb.inodestart * 512 + inum * 64 + rng.randrange(64) & ~3
        else:                                        # a directory entry of /
            off = rootblk * 512 + 16 * rng.choice(slots) + rng.randrange(16) & ~3
        v = rng.choice([0xFFFFFFFF, rng.randrange(1 << 32), 1, 2, 70000, 300])
        b[off:off + 4] = v.to_bytes(4, "little")
    img = tmp_path / "mut.img"
    img.write_bytes(bytes(b))
    out, r = boot(kernel_elf, img, "ls\ncat README\nls /\necho done\n", "native",
                  max_steps=300_000_000)
    assert "panic" not in out, out[-2000:]
    assert r.kind == "halt", (r, out[-2000:])
