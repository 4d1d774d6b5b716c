"""Guest images: the registry of bundled guests (:mod:`.registry`), the one build cache
for kernels and disk images (:mod:`.cache`), user programs and root disks (:mod:`.rootdisk`),
the RVFS file-system image format (:mod:`.rvfs`), and the single path from a guest spec
to a running Machine (:mod:`.boot`: :func:`resolve`, :func:`machine_for`).

Imports go down only (machine, devices, engine, assembler, isa); the debugger, the
grader, compare and the CLI build every Machine through this package.
"""
from .boot import BootImage, MachineOptions, machine_for, parse_module_arg, resolve
from .registry import (DiskSource, Guest, ModuleSource, WorkloadSpec, build_guest,
                       default_guest_name, find_guest, guests_dir, lib_dir, list_guests)

__all__ = ["BootImage", "MachineOptions", "machine_for", "resolve", "parse_module_arg",
           "Guest", "DiskSource", "ModuleSource", "WorkloadSpec", "build_guest",
           "default_guest_name", "find_guest", "guests_dir", "lib_dir", "list_guests"]
