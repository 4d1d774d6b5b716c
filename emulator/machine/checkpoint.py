"""Checkpoint and restore the whole machine.

A checkpoint file is the magic line ``RINGVM-CHECKPOINT 1\\n`` followed by a
zlib-compressed pickle of::

    {"version": 1,
     "config": dataclasses.asdict(MachineConfig),
     "engine_kind": "python" | "native",      # informative: either engine restores it
     "engine": engine.snapshot(),              # the format of Engine.snapshot
     "ram_chunks": {offset: zlib-compressed bytes},  # RAM in 64 KiB chunks; chunks
                                               # absent from the dict are all zero
     "devices": {name: device.snapshot()},     # disk: path, COW overlay, registers
     "console": console.snapshot(),            # how much host input was delivered
     "steps": int,                             # Machine.steps so far
     "image": {"entry", "ring", "symbols"} | None}

Restoring and continuing gives exactly the run that never stopped: same console
output, counters and final state (the engine snapshot includes the scheduler position
and scheduled events). A disk in write-through mode is not copied: its image file is
its state. Only load checkpoints you trust (pickle).
"""
from __future__ import annotations

import dataclasses
import os
import pickle
import zlib

from ringvm.errors import UserError

from ..devices import DISK_NAMES
from ..engine import MachineConfig
from .loader import LoadedImage

MAGIC = b"RINGVM-CHECKPOINT 1\n"
CHUNK = 64 * 1024
_ZERO = bytes(CHUNK)


def _pack_ram(ram: bytearray) -> dict[int, bytes]:
    """Non-zero 64 KiB chunks of RAM, each zlib-compressed, by byte offset."""
    mv = memoryview(ram)
    out = {}
    for off in range(0, len(ram), CHUNK):
        chunk = mv[off:off + CHUNK]
        if chunk != _ZERO[:len(chunk)]:
            out[off] = zlib.compress(chunk, 6)
    return out


def _unpack_ram(chunks: dict[int, bytes], ram: bytearray) -> None:
    """Fill ``ram`` (in place: the engine shares it; it must be all zero, as a new
    Machine's is) from :func:`_pack_ram` output."""
    for off, blob in chunks.items():
        data = zlib.decompress(blob)
        if off < 0 or off + len(data) > len(ram):
            raise UserError("checkpoint RAM does not fit its configuration")
        ram[off:off + len(data)] = data


def save(machine, path: str | os.PathLike) -> None:
    """Write ``machine``'s whole state to ``path``. Raises :class:`UserError` if the
    file cannot be written."""
    cfg = dataclasses.asdict(machine.config)
    img = machine.image
    data = {
        "version": 1,
        "config": cfg,
        "engine_kind": machine.engine_kind,
        "engine": machine.engine.snapshot(),
        "ram_chunks": _pack_ram(machine.ram),
        "devices": {d.name: d.snapshot() for d in machine.devices},
        "console": machine.console.snapshot(),
        "steps": machine.steps,
        "started": machine._started,
        "image": None if img is None else {"entry": img.entry, "ring": img.ring,
                                           "symbols": dict(img.symbols)},
    }
    blob = MAGIC + zlib.compress(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), 1)
    tmp = f"{os.fspath(path)}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(blob)
        os.replace(tmp, path)
    except OSError as e:
        raise UserError(f"cannot write checkpoint {os.fspath(path)!r}: {e.strerror}") from None


def read(path: str | os.PathLike) -> dict:
    """The decoded checkpoint dict. Raises :class:`UserError` for a missing file or a
    file that is not a ringvm checkpoint."""
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError as e:
        raise UserError(f"cannot read checkpoint {os.fspath(path)!r}: {e.strerror}") from None
    if not blob.startswith(MAGIC):
        raise UserError(f"{os.fspath(path)!r} is not a ringvm checkpoint")
    try:
        data = pickle.loads(zlib.decompress(blob[len(MAGIC):]))
    except Exception as e:  # noqa: BLE001 - any corruption is the user's file
        raise UserError(f"checkpoint {os.fspath(path)!r} is corrupt: {e}") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise UserError(f"checkpoint {os.fspath(path)!r} has an unsupported version")
    return data


def config_of(data: dict):
    """The :class:`MachineConfig` recorded in a checkpoint dict (from :func:`read`)."""
    cfg = dict(data["config"])
    cfg["python_device_pages"] = ()
    return MachineConfig(**cfg)


def disks_of(data: dict) -> tuple[list[str], bool]:
    """``(image paths, snapshot mode)`` of the disks recorded in a checkpoint dict."""
    snaps = [data["devices"][n] for n in DISK_NAMES if n in data["devices"]]
    return [d["path"] for d in snaps], any(d["snapshot_mode"] for d in snaps)


def restore(m, data: dict) -> None:
    """Put a freshly built Machine ``m`` (made from :func:`config_of` and
    :func:`disk_of`) into the state of checkpoint ``data``. Raises :class:`UserError`."""
    _unpack_ram(data["ram_chunks"], m.ram)
    m.engine.restore(data["engine"])
    for d in m.devices:
        if d.name in data["devices"]:
            d.restore(data["devices"][d.name])
    m.console.restore(data["console"])
    m.steps = data["steps"]
    img = data.get("image")
    if img:
        m.image = LoadedImage(entry=img["entry"], ring=img["ring"], symbols=img["symbols"])
