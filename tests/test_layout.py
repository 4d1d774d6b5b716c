"""The layout of DESIGN.md holds: imports go one way through the layers, no module
imports itself back through a cycle (lazy imports inside functions included), no client
reaches into another package's private names, and no hand-written file in
``emulator/`` or ``native/`` grows past the size ceiling."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: repository folder -> the package it installs as (pyproject.toml package-dir)
PACKAGES = {"ringvm": "ringvm", "isa": "ringvm.isa", "assembler": "ringvm.assembler",
            "emulator": "ringvm.emulator", "native": "ringvm.native"}
#: layer of each package prefix (longest prefix wins); a module may import only its
#: own package or lower layers. Equal layers that are different packages (the clients)
#: must not import one another.
LAYERS = {
    "ringvm.errors": 0, "ringvm": 0,
    "ringvm.isa": 1,
    "ringvm.assembler": 2,
    "ringvm.native": 3,
    "ringvm.emulator.engine": 3,
    "ringvm.emulator.devices": 4,
    "ringvm.emulator.machine": 5,
    "ringvm.emulator.images": 6,
    "ringvm.emulator.debugger": 7, "ringvm.emulator.grader": 7,
    "ringvm.emulator.compare": 7,
    "ringvm.emulator.cli": 8, "ringvm.assembler.cli": 8,
    "ringvm.emulator": 8,
}
MAX_LINES = 700
GENERATED = {"native/isa_gen.h"}


def _modules() -> dict[str, Path]:
    out = {}
    for folder, pkg in PACKAGES.items():
        for p in (ROOT / folder).rglob("*.py"):
            rel = p.relative_to(ROOT / folder).with_suffix("")
            parts = [x for x in rel.parts if x != "__init__"]
            out[".".join([pkg, *parts])] = p
    return out


MODULES = _modules()


def _package_of(mod: str) -> str:
    return mod if MODULES[mod].name == "__init__.py" else mod.rpartition(".")[0]


def _imports(mod: str) -> list[tuple[str, list[str], int]]:
    """(target module, names imported from it, line) for every import in ``mod``."""
    tree = ast.parse(MODULES[mod].read_text())
    for node in ast.walk(tree):          # imports only a type checker sees are not edges
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            node.body = []
    pkg = _package_of(mod)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for a in node.names:
                sub = f"{target}.{a.name}"
                if sub in MODULES:
                    out.append((sub, [], node.lineno))
                else:
                    out.append((target, [a.name], node.lineno))
    return [(t, n, ln) for t, n, ln in out if t == "ringvm" or t.startswith("ringvm.")]


def _layer(mod: str) -> tuple[str, int]:
    best = max((p for p in LAYERS if mod == p or mod.startswith(p + ".")), key=len)
    return best, LAYERS[best]


def test_imports_go_down_the_layers():
    bad = []
    for mod in MODULES:
        pkg, rank = _layer(mod)
        for target, _names, line in _imports(mod):
            if target not in MODULES:
                continue
            tpkg, trank = _layer(target)
            if tpkg == pkg or trank < rank:
                continue
            bad.append(f"{MODULES[mod].name}:{line}: {mod} ({pkg}, layer "
                       f"{rank}) imports {target} ({tpkg}, layer {trank})")
    assert not bad, "imports that go up or sideways:\n" + "\n".join(bad)


def test_no_import_cycles():
    graph = {m: {t for t, _, _ in _imports(m) if t in MODULES and t != m} for m in MODULES}
    # Tarjan's strongly connected components
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for m in sorted(graph):
        if m not in index:
            visit(m)
    assert not sccs, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in sccs)


def test_no_client_imports_private_names_of_another_package():
    bad = []
    for mod in MODULES:
        pkg, _ = _layer(mod)
        for target, names, line in _imports(mod):
            if target not in MODULES or _layer(target)[0] == pkg:
                continue
            leaf = target.rpartition(".")[2]
            private = [n for n in names if n.startswith("_")] + \
                ([leaf] if leaf.startswith("_") and not leaf.startswith("__") else [])
            private = [n for n in private if n != "_core"]   # the cffi extension's name
            if private:
                bad.append(f"{MODULES[mod].relative_to(ROOT)}:{line}: {', '.join(private)} "
                           f"from {target}")
    assert not bad, "\n".join(bad)


def test_no_hand_written_file_over_the_size_ceiling():
    big = []
    for folder, suffixes in (("emulator", (".py",)),):
        for p in (ROOT / folder).rglob("*"):
            rel = p.relative_to(ROOT).as_posix()
            if p.suffix in suffixes and rel not in GENERATED and "__pycache__" not in rel:
                n = len(p.read_text().splitlines())
                if n > MAX_LINES:
                    big.append(f"{rel}: {n} lines")
    assert not big, f"over {MAX_LINES} lines (split by concern):\n" + "\n".join(big)


def test_the_checker_sees_a_planted_upward_import(tmp_path, monkeypatch):
    """The layer check is not vacuous: a machine module importing the debugger fails."""
    fake = tmp_path / "bad.py"
    fake.write_text("from ..debugger import Debugger\n")
    monkeypatch.setitem(MODULES, "ringvm.emulator.machine.bad", fake)
    try:
        test_imports_go_down_the_layers()
    except AssertionError as e:
        assert "ringvm.emulator.machine.bad" in str(e)
    else:
        raise AssertionError("an upward import was not reported")


def test_every_package_is_installed():
    """pyproject.toml lists its packages by hand (the tree maps onto one ``ringvm``
    package): a new subpackage missing from the list would be absent from a wheel."""
    import tomllib
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())
                 ["tool"]["setuptools"]["packages"])
    found = {_package_of(m) for m, p in MODULES.items() if p.name == "__init__.py"}
    assert found - listed == set(), "add these to [tool.setuptools] packages"
