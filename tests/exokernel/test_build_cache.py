"""The build cache follows `.include "../elsewhere/x.s"`: a guest or module that
includes files outside its own folder and its include paths (ExOS includes the
monolithic kernel's file layer, the libos the portable workload) is rebuilt when one of
them changes."""
from __future__ import annotations

from ringvm.emulator.images import cache


def test_included_files_follow_relative_includes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.s").write_text('.include "y.inc"\n')
    (tmp_path / "b" / "y.inc").write_text(".equ Y, 1\n")
    src = tmp_path / "a" / "main.s"
    src.write_text('.include "../b/x.s"\n.ifdef NOPE\n.include "missing.s"\n.endif\n')
    assert cache.included_files(src, []) == [(tmp_path / "b" / "x.s").resolve(),
                                             (tmp_path / "b" / "y.inc").resolve()]


def test_a_change_outside_the_trees_changes_the_build(tmp_path, monkeypatch):
    monkeypatch.setenv("RINGVM_CACHE", str(tmp_path / "cache"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    other = tmp_path / "b" / "val.inc"
    other.write_text(".equ VAL, 1\n")
    src = tmp_path / "a" / "main.s"
    src.write_text('.include "../b/val.inc"\n.text\n_start:\n    li a0, VAL\n')
    first = cache.assemble(src, [])
    other.write_text(".equ VAL, 2\n")
    assert cache.assemble(src, []) != first
