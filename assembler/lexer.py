"""A Pygments lexer for ringvm assembly, so the debugger's source pane, listings and the
docs highlight it (rich uses Pygments).

Registered through the ``pygments.lexers`` entry point (pyproject.toml), so
``pygmentize -l ringvm guests/monolithic/main.s`` and any tool that asks Pygments for
``ringvm`` find it. Its word lists are not written here: the mnemonics (instructions and
pseudo-instructions), register names (numbered, ABI and aliases) and control registers
come from the ISA table (:data:`ringvm.isa.ISA`), the directives from the assembler
(:data:`.directives.DIRECTIVES`), so the highlighter cannot drift from the machine.

Tokens: comments (``#`` and ``//`` to the end of the line), labels (``name:``, ``1:``),
directives, mnemonics, registers, CSR names, numbers (decimal, ``0x``, ``0b``, character
literals), strings, local-label references (``1b``/``1f``), macro parameters
(``\\name``), ``%hi``/``%lo`` and other names.
"""
from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation, String,
                            Text, Whitespace)

from ringvm.isa import ISA

from .directives import DIRECTIVES

MNEMONICS = tuple(sorted(set(ISA.instructions) | set(ISA.pseudos)))
REGISTERS = tuple(sorted(ISA.registers))
CSRS = tuple(sorted(ISA.csrs))


class RingvmLexer(RegexLexer):
    """ringvm assembly (``.s`` files of ``guests/``, ``.inc`` headers)."""
    name = "ringvm"
    aliases = ["ringvm", "ringvm-asm"]
    filenames = ["*.rvs"]           # .s and .inc are claimed by other assemblers
    mimetypes = ["text/x-ringvm-asm"]
    flags = re.MULTILINE | re.IGNORECASE

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"(#|//).*?$", Comment.Single),
            (r"([A-Za-z_.$][\w.$]*|\d+|\\[\w@]+)(:)", bygroups(Name.Label, Punctuation)),
            (r"\\[\w@()]+", Name.Variable, "operands"),  # a macro parameter as mnemonic
            (words(DIRECTIVES, suffix=r"\b"), Keyword.Pseudo, "operands"),
            (r"\.[A-Za-z_]\w*", Keyword.Pseudo, "operands"),   # an unknown directive
            (words(MNEMONICS, prefix=r"\b", suffix=r"\b"), Keyword, "operands"),
            (r"[A-Za-z_$][\w.$]*", Name.Function, "operands"),   # a macro invocation
        ],
        "operands": [
            (r"\n", Whitespace, "#pop"),
            (r"[ \t]+", Whitespace),
            (r"(#|//).*?$", Comment.Single),
            (r'"(\\.|[^"\\])*"', String),
            (r"'(\\.|[^'\\])'", String.Char),
            (r"0[xX][0-9a-fA-F_]+", Number.Hex),
            (r"0[bB][01_]+", Number.Bin),
            (r"\d+[bf]\b", Name.Label),                  # 1b, 2f: local labels
            (r"\d[\d_]*", Number.Integer),
            (r"%(hi|lo)\b", Name.Builtin),
            (words(REGISTERS, prefix=r"\b", suffix=r"\b"), Name.Builtin),
            (words(CSRS, prefix=r"\b", suffix=r"\b"), Name.Constant),
            (r"\\[\w@()]+", Name.Variable),               # macro parameters
            (r"[A-Za-z_.$][\w.$]*", Name),
            (r"<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!<>=]", Operator),
            (r"[(),]", Punctuation),
            (r".", Text),
        ],
    }

    @staticmethod
    def analyse_text(text: str) -> float:
        """A guess for Pygments: ``.include "ringvm.inc"`` or a ring-specific mnemonic."""
        if 'include "ringvm.inc"' in text:
            return 0.9
        if re.search(r"^\s*(tlbwi|tlbwr|hcall|rfe|wfi)\b", text, re.MULTILINE):
            return 0.3
        return 0.0


def highlight_line(text: str, styles: dict | None = None):
    """One source line as a :class:`rich.text.Text` with the lexer's tokens styled
    (``styles``: token type -> rich style; a small default palette)."""
    from rich.text import Text as RichText
    palette = styles or {Comment: "dim", Keyword: "bold magenta", Keyword.Pseudo: "cyan",
                         Name.Label: "bold yellow", Name.Builtin: "green",
                         Name.Constant: "green", Number: "blue", String: "yellow",
                         Name.Function: "magenta", Name.Variable: "italic"}
    out = RichText()
    for tok, value in RingvmLexer().get_tokens(text):
        style = ""
        t = tok
        while t is not None:
            if t in palette:
                style = palette[t]
                break
            t = t.parent
        out.append(value.rstrip("\n") if value.endswith("\n") else value, style=style)
    return out
