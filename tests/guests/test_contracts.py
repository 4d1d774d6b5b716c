"""Every component in guests/lib keeps the contract its header states (Concept,
Provides, Needs, Parameters), the guests that use them assemble, and nothing outside a
component uses a symbol it does not provide — the OSKit discipline, checked."""
from __future__ import annotations

from pathlib import Path

import pytest

from ringvm.emulator.images import build_guest, guests_dir, lib_dir, list_guests
from ringvm.emulator.images.contracts import (components, known_constants, outputs,
                                              read_component, unresolved)

KNOWN = known_constants()
COMPONENTS = components()
LIB_MACROS = {m: c.path.name for c in COMPONENTS for m in c.macros}


@pytest.mark.parametrize("c", COMPONENTS, ids=lambda c: f"{c.path.parent.name}/{c.path.name}")
def test_the_header_states_the_contract_the_source_keeps(c):
    assert c.has_concept, "no '# Concept:' paragraph"
    assert c.needs is not None, "no '# Needs:' line (write 'nothing' if it needs nothing)"
    needs = {n for n in c.needs if not n.endswith((".inc", ".s"))}
    used = unresolved(c, KNOWN) - set(c.parameters)
    assert needs == used, (f"Needs lists {sorted(needs - used)} it does not use; "
                           f"uses {sorted(used - needs)} it does not list")
    includes = {n for n in c.needs if n.endswith(".inc")}
    via = {LIB_MACROS[w] for w in c.invoked if w in LIB_MACROS and w not in c.macros}
    assert includes == via, f"macros of {sorted(via)} used; Needs lists {sorted(includes)}"
    assert set(c.provides) <= c.defined | c.macros, \
        f"Provides {sorted(set(c.provides) - c.defined - c.macros)}, which it does not define"
    for p in c.parameters:
        assert p in c.used | c.defined, f"parameter {p} is never used"


def _guest_sources() -> list[Path]:
    return [p for p in guests_dir().rglob("*") if p.suffix in (".s", ".inc")
            and lib_dir() not in p.parents]


def test_nothing_uses_a_symbol_a_component_does_not_provide():
    users = [read_component(p) for p in _guest_sources()] + COMPONENTS
    bad = []
    for c in COMPONENTS:
        private = (c.defined | c.macros) - set(c.provides)
        for u in users:
            if u.path == c.path:
                continue
            leaked = (u.used | u.invoked) & private - u.defined - u.macros
            if leaked:
                bad.append(f"{u.path.relative_to(guests_dir())} uses {sorted(leaked)} "
                           f"of {c.path.relative_to(lib_dir())}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("g", list_guests(), ids=lambda g: g.name)
def test_every_guest_assembles_from_its_components(g):
    assert build_guest(g)[:4] == b"\x7fELF"


def test_the_component_index_is_fresh():
    for path, text in outputs().items():
        assert path.read_text() == text, "run `ringvm generate`"


def test_the_checker_catches_a_wrong_header(tmp_path):
    """A component whose header lies fails each check (the checks are not vacuous)."""
    src = (lib_dir() / "dev" / "disk.s").read_text()
    bad = tmp_path / "disk.s"
    bad.write_text(src.replace("env_v2p (DMA addresses); kframe.inc", "kframe.inc"))
    c = read_component(bad)
    with pytest.raises(AssertionError, match=r"uses \['env_v2p'\] it does not list"):
        test_the_header_states_the_contract_the_source_keeps(c)
    bad.write_text(src.replace("env_v2p (DMA addresses); kframe.inc", "env_v2p"))
    with pytest.raises(AssertionError, match="macros of .*kframe.inc"):
        test_the_header_states_the_contract_the_source_keeps(read_component(bad))
    bad.write_text(src.replace("# Provides: disk_init", "# Provides: disk_flush, disk_init"))
    with pytest.raises(AssertionError, match="disk_flush"):
        test_the_header_states_the_contract_the_source_keeps(read_component(bad))
