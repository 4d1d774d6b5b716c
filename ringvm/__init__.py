"""ringvm: a toy 32-bit RISC machine with privilege rings, a software-managed TLB, traps
and a ring -1 hypervisor mode, for studying operating-system structure.

Subpackages: ``ringvm.isa`` (the ISA as data), ``ringvm.assembler``,
``ringvm.emulator`` (Machine, devices, engines, CLI) and ``ringvm.native`` (the C core).
"""
__version__ = "0.1.0"
