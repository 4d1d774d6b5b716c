"""``info fuse``: the hybrid kernel's channel to its user-level file-system server
(guests/hybrid/fuse.s) — which process serves, how often it was restarted, and every
request in flight: its state (queued, with the server, answered), operation and inode.
``info procs`` (the monolithic view) shows the server among the processes."""
from __future__ import annotations

from . import need, word

OPS = {1: "getattr", 2: "put", 3: "setattr", 4: "itrunc", 5: "ialloc", 6: "read",
       7: "write", 8: "dirlookup", 9: "dirlink", 10: "namei", 11: "nameiparent"}
STATES = {1: "queued", 2: "with the server", 3: "answered", 4: "being filled"}


def requests(dbg) -> list[dict]:
    """The requests in use (also used by the tests)."""
    freqs, nfreq, size, fr_state, fr_msg = need(dbg, "freqs", "NFREQ", "FR_SIZE",
                                                 "FR_STATE", "FR_MSG")
    out = []
    for i in range(nfreq):
        r = freqs + i * size
        st = word(dbg, r + fr_state)
        if st:
            out.append(dict(slot=i, state=st, op=word(dbg, r + fr_msg),
                            inum=word(dbg, r + fr_msg + 4)))
    return out


def info_fuse(dbg, arg):
    server, restarts, served, p_pid = need(dbg, "fuse_server", "fuse_restarts",
                                           "stat_fuse_requests", "P_PID")
    p = word(dbg, server)
    who = f"pid {word(dbg, p + p_pid)}" if p else "none (dead)"
    dbg.write(f"file-system server: {who}; restarts {word(dbg, restarts)}; "
              f"requests so far {word(dbg, served)}")
    reqs = requests(dbg)
    if not reqs:
        dbg.write("no request in flight")
    for r in reqs:
        dbg.write(f"  request {r['slot']}: {STATES.get(r['state'], r['state'])}, "
                  f"{OPS.get(r['op'], r['op'])} inode {r['inum']}")


INFO = {"fuse": (info_fuse, "the hybrid kernel's file-system channel: server, requests")}
