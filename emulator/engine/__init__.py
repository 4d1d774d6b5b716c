"""Execution engines: the contract every engine obeys (:mod:`.contract`), choosing and
building one (:mod:`.selection`), the native C engine's wrapper (:mod:`.native`) and the
Python reference engine (:mod:`.python`).

This layer imports only ``ringvm.isa``, ``ringvm.errors`` and the native extension; the
Machine (``emulator/machine``) and everything above it build on it.
"""
from .contract import (CPU_ARRAY_COUNTERS, CPU_COUNTERS, DEVICE_COUNTERS, N_CAUSES,
                       N_EXIT_REASONS, N_LINES, RINGS, CpuState, Engine, MachineConfig,
                       MmioRequest, Stop, StopReason, TimelineKind, TlbEntry, WatchHit,
                       Watchpoint, timeline_key, timeline_unkey)
from .selection import (ENGINE_KINDS, NATIVE_MISSING, available_engines, choose_engine,
                        create_engine)

__all__ = ["CPU_ARRAY_COUNTERS", "CPU_COUNTERS", "DEVICE_COUNTERS", "N_CAUSES",
           "N_EXIT_REASONS", "N_LINES", "RINGS", "CpuState", "Engine", "MachineConfig",
           "MmioRequest", "Stop", "StopReason", "TimelineKind", "timeline_key",
           "timeline_unkey", "TlbEntry", "WatchHit", "Watchpoint",
           "ENGINE_KINDS", "NATIVE_MISSING", "available_engines", "choose_engine",
           "create_engine"]
