"""native/isa_gen.h must be exactly what `python -m ringvm.isa.gen_c_header` produces
from isa/ringvm.toml (regenerate it and commit after editing the TOML)."""
from ringvm.isa import gen_c_header


def test_committed_header_is_fresh():
    path = gen_c_header.header_path()
    assert path.exists(), f"{path} is missing: run python -m ringvm.isa.gen_c_header"
    assert path.read_text() == gen_c_header.generate(), (
        f"{path} is stale: run `python -m ringvm.isa.gen_c_header` and commit it")


def test_header_names_its_source_and_command():
    first = gen_c_header.generate().splitlines()[0]
    assert "GENERATED" in first and "isa/ringvm.toml" in first
    assert "python -m ringvm.isa.gen_c_header" in first


def test_header_covers_every_isa_name():
    from ringvm.isa import ISA
    text = gen_c_header.generate()
    for mn in ISA.instructions:
        assert f"#define MATCH_{mn.upper()} " in text
    for name in ISA.csrs:
        assert f"#define CSR_{name.upper()} " in text
    for n in ISA.causes.values():
        assert f"#define CAUSE_{n.name} {n.value}" in text
    for n in ISA.exit_reasons.values():
        assert f"#define EXIT_{n.name} {n.value}" in text
