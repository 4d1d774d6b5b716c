"""``ringvm generate [--check]``: regenerate every generated file of the project from
its table — what ``isa/ringvm.toml`` derives (``python -m ringvm.isa``: ISA.md tables,
``native/isa_gen.h``, ``guests/lib/ringvm.inc``) and what ``guests/abi.toml`` derives
(:mod:`ringvm.emulator.images.abi`: ``abi.inc``, the stub library, ``errstr.s``, the
kernel's dispatch table, the README's ABI section), what ``guests/xen/hypercalls.toml``
derives (:mod:`ringvm.emulator.images.hypercalls`: ``hypercall.inc``, the hypercall
stubs, the hypervisor's dispatch table, its README's table), and the component index of
``guests/lib/README.md`` from the components' headers
(:mod:`ringvm.emulator.images.contracts`). ``--check`` writes nothing and exits
1 if any file is stale. Run it after editing either table, and commit the results."""
from __future__ import annotations


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "generate", help="regenerate the files derived from the ISA and ABI tables",
        description="Regenerate every file derived from isa/ringvm.toml and guests/abi.toml.")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a generated file is stale")
    p.set_defaults(func=cmd_generate)


def cmd_generate(args) -> int:
    from ringvm.isa.__main__ import main as isa_main

    from ringvm.isa.gen_common import sync

    from ..images import abi, contracts, hypercalls
    flags = ["--check"] if args.check else []
    return max(isa_main(flags), sync({**abi.outputs(), **hypercalls.outputs(),
                                      **contracts.outputs()}, args.check,
                                     "ringvm generate"))
