"""Hypothesis generator of well-nested conditional structures (.if/.ifdef/.ifndef/
.elseif/.else/.endif) with a reference evaluation of which lines are kept."""
from __future__ import annotations

from hypothesis import strategies as st

from .exprgen import DEFINES, expressions, render, value

# ---------------------------------------------------------------------- conditionals
SET_NAMES = ("S0", "S1", "S2")      # defined by .set only in some branches


@st.composite
def blocks(draw, depth=0, counter=None):
    """A list of items: ("payload", n), ("junk", n), ("set", name, v) or
    ("cond", [(directive, arg), block]..., else_block or None)."""
    counter = counter if counter is not None else [0]
    items = []
    for _ in range(draw(st.integers(0, 4 if depth < 3 else 2))):
        kind = draw(st.sampled_from(["payload", "payload", "junk", "set", "cond", "cond"]
                                    if depth < 4 else ["payload", "junk", "set"]))
        if kind in ("payload", "junk"):
            counter[0] += 1
            items.append((kind, counter[0]))
        elif kind == "set":
            items.append(("set", draw(st.sampled_from(SET_NAMES)), draw(st.integers(0, 5))))
        else:
            first = draw(st.sampled_from([".if", ".if", ".ifdef", ".ifndef"]))
            if first == ".if":
                arg = draw(expressions(max_leaves=4))
            else:
                arg = draw(st.sampled_from(SET_NAMES + DEFINES + ("NEVER",)))
            branches = [((first, arg), draw(blocks(depth + 1, counter)))]
            for _ in range(draw(st.integers(0, 2))):
                branches.append(((".elseif", draw(expressions(max_leaves=4))),
                                 draw(blocks(depth + 1, counter))))
            other = draw(blocks(depth + 1, counter)) if draw(st.booleans()) else None
            items.append(("cond", branches, other))
    return items


def render_blocks(items, out: list[str], indent: int = 0) -> None:
    """Append the source lines of ``items`` to ``out``."""
    pad = " " * indent
    for it in items:
        if it[0] == "payload":
            out.append(f"{pad}.word {it[1]}")
        elif it[0] == "junk":
            out.append(f"{pad}junk {it[1]} @ not assembly")
        elif it[0] == "set":
            out.append(f"{pad}.set {it[1]}, {it[2]}")
        else:
            for (directive, arg), body in it[1]:
                text = arg if isinstance(arg, str) else render(arg)
                out.append(f"{pad}{directive} {text}")
                render_blocks(body, out, indent + 2)
            if it[2] is not None:
                out.append(f"{pad}.else")
                render_blocks(it[2], out, indent + 2)
            out.append(f"{pad}.endif")


def keep(items, env: dict, kept: list) -> None:
    """Reference evaluation: append the kept ("payload"|"junk", n) items to ``kept``;
    ``env`` holds the defined names (defines and .set so far)."""
    for it in items:
        if it[0] in ("payload", "junk"):
            kept.append(it)
        elif it[0] == "set":
            env[it[1]] = it[2]
        else:
            chosen = it[2]
            for (directive, arg), body in it[1]:
                if directive == ".ifdef":
                    true = arg in env
                elif directive == ".ifndef":
                    true = arg not in env
                else:
                    true = value(arg, env) != 0
                if true:
                    chosen = body
                    break
            if chosen is not None:
                keep(chosen, env, kept)
