"""Checkpoint and restore the whole machine.

A checkpoint file is the magic line ``RINGVM-CHECKPOINT 1\\n`` followed by a
zlib-compressed pickle of::

    {"version": 1,
     "config": dataclasses.asdict(MachineConfig),
     "engine_kind": "python" | "native",      # informative: either engine restores it
     "engine": engine.snapshot(),              # the format of Engine.snapshot
     "ram": bytes,                             # all of RAM
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

MAGIC = b"RINGVM-CHECKPOINT 1\n"


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
        "ram": bytes(machine.ram),
        "devices": {d.name: d.snapshot() for d in machine.devices},
        "console": machine.console.snapshot(),
        "steps": machine.steps,
        "started": machine._started,
        "image": None if img is None else {"entry": img.entry, "ring": img.ring,
                                           "symbols": dict(img.symbols)},
    }
    blob = MAGIC + zlib.compress(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), 6)
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


def load(path: str | os.PathLike, engine: str | None = "auto", *, console=None,
         disk: str | None = None):
    """A new :class:`Machine` in the state saved at ``path``.

    ``engine``: the engine kind to continue with (any kind restores any snapshot).
    ``console``: the host console for the continued run. ``disk``: image path
    overriding the one recorded. Raises :class:`UserError`.
    """
    from .engine import MachineConfig
    from .loader import LoadedImage
    from .machine import Machine

    data = read(path)
    cfg = dict(data["config"])
    cfg["python_device_pages"] = ()
    config = MachineConfig(**cfg)
    dsnap = data["devices"].get("disk")
    disk_path = disk or (dsnap["path"] if dsnap else None)
    m = Machine(config, engine, disk=disk_path,
                disk_snapshot=bool(dsnap and dsnap["snapshot_mode"]), console=console)
    if len(data["ram"]) != len(m.ram):
        raise UserError("checkpoint RAM size does not match its configuration")
    m.ram[:] = data["ram"]
    m.engine.restore(data["engine"])
    for d in m.devices:
        if d.name in data["devices"]:
            d.restore(data["devices"][d.name])
    m.console.restore(data["console"])
    m.steps = data["steps"]
    img = data.get("image")
    if img:
        m.image = LoadedImage(entry=img["entry"], ring=img["ring"], symbols=img["symbols"])
    return m
