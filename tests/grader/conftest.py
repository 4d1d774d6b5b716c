"""Fixtures for the grader tests: tiny ring-0 guests written into a temporary
submission directory, and a helper to write suite files next to them."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

GUESTS = {
    # prints its message and halts with code 0
    "hello.s": """
        .include "ringvm.inc"
        .text
        .global _start
        _start:
            la   sp, stack_top
            la   a0, msg
            call kputs
            li   a0, 0
            call khalt
        .include "base/kprint.s"
        .rodata
        msg: .asciz "hello grader\\nsecond line\\nPARTIAL CREDIT 3 OF 4\\n"
        .bss
            .space 256
        stack_top:
        """,
    # halts with code 7
    "exit7.s": """
        .include "ringvm.inc"
        .text
        .global _start
        _start:
            li   t0, SYSCTL_HALT
            li   t1, 7
            sw   t1, 0(t0)
        1:  j    1b
        """,
    # never halts
    "spin.s": """
        .text
        .global _start
        _start:
        1:  j    1b
        """,
    # floods the console
    "flood.s": """
        .include "ringvm.inc"
        .text
        .global _start
        _start:
            li   t0, CONSOLE_DATA
            li   t1, 'x'
        1:  sw   t1, 0(t0)
            j    1b
        """,
    # echoes console input until EOF, then halts 0
    "echo.s": """
        .include "ringvm.inc"
        .text
        .global _start
        _start:
            li   t2, CONSOLE_STATUS
            li   t3, CONSOLE_DATA
        1:  lw   t0, 0(t2)
            andi t1, t0, 1
            bnez t1, 2f
            andi t1, t0, 4
            bnez t1, 3f
            j    1b
        2:  lw   t0, 0(t3)
            sw   t0, 0(t3)
            j    1b
        3:  li   t0, SYSCTL_HALT
            sw   zero, 0(t0)
        4:  j    4b
        """,
    # two identical TLB entries: machine check
    "mcheck.s": """
        .include "ringvm.inc"
        .text
        .global _start
        _start:
            li   t2, 0
        1:  csrw tlbidx, t2
            li   t0, 0x00400000
            csrw tlbhi, t0
            li   t0, 0x00010000 | TLB_V | TLB_R
            csrw tlblo, t0
            tlbwi
            addi t2, t2, 1
            slti t0, t2, 2
            bnez t0, 1b
            li   t0, 0x00400000
            lw   t1, 0(t0)
        2:  j    2b
        """,
    # disk: prints the 8 bytes of sector 1, then writes "BOOTED!\\n" there; halts 0
    "disk.s": """
        .include "ringvm.inc"
        .text
        .global _start
        _start:
            la   sp, stack_top
            li   a0, 1                   # read sector 1
            call dma
            la   t0, buf
            sb   zero, 8(t0)
            la   a0, msg
            call kputs
            la   a0, buf
            call kputs
            li   a0, '\\n'
            call kputc
            la   t0, buf
            la   t1, marker
            lw   t2, 0(t1)
            sw   t2, 0(t0)
            lw   t2, 4(t1)
            sw   t2, 4(t0)
            li   a0, 2                   # write it back
            call dma
            li   a0, 0
            call khalt
        dma:                             # a0 = command (1 read, 2 write) of sector 1
            li   t0, DISK_SECTOR
            li   t1, 1
            sw   t1, 0(t0)
            li   t0, DISK_ADDR
            la   t1, buf
            li   t2, KSEG
            sub  t1, t1, t2
            sw   t1, 0(t0)
            li   t0, DISK_COUNT
            li   t1, 1
            sw   t1, 0(t0)
            li   t0, DISK_CMD
            sw   a0, 0(t0)
            li   t0, DISK_STATUS
        1:  lw   t1, 0(t0)
            li   t2, 1
            beq  t1, t2, 1b
            li   t0, DISK_ACK
            sw   zero, 0(t0)
            ret
        .include "base/kprint.s"
        .rodata
        msg:    .asciz "sector 1: "
            .balign 4
        marker: .ascii "BOOTED!!"
        .bss
            .balign 512
        buf:    .space 512
            .space 256
        stack_top:
        """,
    # an assembly error on line 4
    "broken.s": """
        .text
        .global _start
        _start:
            addi t0, t0, nosuchsymbol
        """,
}


@pytest.fixture
def sub(tmp_path) -> Path:
    """A submission directory holding the tiny guests and a 4-sector disk image."""
    d = tmp_path / "sub"
    d.mkdir()
    for name, text in GUESTS.items():
        (d / name).write_text(textwrap.dedent(text).lstrip())
    img = bytearray(512 * 4)
    img[512:520] = b"original"
    (d / "disk.img").write_bytes(bytes(img))
    return d


@pytest.fixture
def write_suite(sub):
    """write_suite(text) -> path of a suite file in the submission directory."""
    def write(text: str, name: str = "suite.toml") -> Path:
        p = sub / name
        p.write_text(textwrap.dedent(text).lstrip())
        return p
    return write
