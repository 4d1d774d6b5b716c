"""emulator/grader/variants.py: a broken variant is a copy with substitutions, each of
which must match its file exactly once — a variant that no longer matches its kernel
fails loudly rather than grading the unbroken one."""
from __future__ import annotations

import pytest

from ringvm.emulator.grader.variants import make_submission, variant_main


def _guests(tmp_path):
    g = tmp_path / "guests"
    (g / "k").mkdir(parents=True)
    (g / "k" / "a.s").write_text("    li a0, 1\n    ret\n    ret\n")
    return g


def test_a_substitution_is_applied_to_the_copy_only(tmp_path):
    g = _guests(tmp_path)
    make_submission(g, ["k"], [("k/a.s", "li a0, 1", "li a0, 2")], tmp_path / "out",
                    label="v")
    assert (tmp_path / "out" / "k" / "a.s").read_text().startswith("    li a0, 2")
    assert (g / "k" / "a.s").read_text().startswith("    li a0, 1")


@pytest.mark.parametrize("old, count", [("li a0, 9", 0), ("ret", 2)])
def test_a_text_that_does_not_occur_once_is_an_error(tmp_path, old, count):
    g = _guests(tmp_path)
    with pytest.raises(ValueError, match=rf"variant v \(here\): .* occurs {count} times "
                                         r"in guests/k/a\.s"):
        make_submission(g, ["k"], [("k/a.s", old, "x")], tmp_path / "out",
                        label="v (here)")


def test_the_command_line_names_the_variants_on_a_bad_name(tmp_path, capsys):
    made = []
    assert variant_main({"one": {}}, lambda n, d: made.append(n), ["v.py", "two"]) == 2
    assert "usage: v.py {one} [DIR]" in capsys.readouterr().err and not made
    assert variant_main({"one": {}}, lambda n, d: d / n, ["v.py", "one", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "one")
