"""Parse ringvm assembly, one line at a time, into small immutable tuples.

The grammar is ``grammar.lark`` (LALR, contextual lexer, ``propagate_positions``).
Parsing is per line because ``.macro``/``.include`` work on lines; results are cached
by line text (the tuples hold only columns, never line numbers, so sharing is safe).

Node shapes (``col`` is the 1-based column in the line's text):

Expressions::

    ("num", col, value)          42, 0x2a, 0b101010, 'x'
    ("lref", col, n, "b"|"f")    1b / 1f: numeric local label, backward / forward
    ("sym", col, name)           a symbol, label, register or CSR name
    ("dot", col)                 .  (the current address)
    ("un", col, op, e)           op in "-", "~", "+", "!"
    ("bin", col, op, a, b)       op in "||", "&&", "|", "^", "&", "==", "!=", "<", "<=",
                                 ">", ">=", "<<", ">>", "+", "-", "*", "/", "%"
    ("hi"|"lo", col, e)          %hi(e) / %lo(e)
    ("paren", col, e)            (e): kept so "(reg)" operands can be recognised

Operands: ``("expr", col, e)`` or ``("mem", col, e, regname, regcol)`` for ``e(reg)``.
Directive arguments: an expression, ``("str", col, bytes)`` or ``("secname", col, name)``.

A line: ``ParsedLine(labels, stmt)``; labels are ``(name or int, col)`` pairs (an int
is a numeric local label); stmt is None or one of::

    ("instr", col, mnemonic, operands, args_pos)   args_pos: index in the text just
                                                  after the mnemonic (macro arguments)
    ("dir", col, ".name", args)
    ("assign", col, name, expr)                   NAME = expr  (same as .set)
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from lark import Lark, Transformer
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .limits import MAX_LITERAL_BITS

GRAMMAR_PATH = Path(__file__).with_name("grammar.lark")


class ParsedLine(NamedTuple):
    """One parsed line: ``labels`` ((name or int, col) pairs) and ``stmt`` (or None)."""
    labels: tuple
    stmt: tuple | None


class LineSyntaxError(Exception):
    """A syntax error in one line: 1-based ``col`` and a friendly ``msg``."""

    def __init__(self, col: int, msg: str):
        super().__init__(msg)
        self.col, self.msg = col, msg


_ESCAPES = {"n": 10, "t": 9, "r": 13, "0": 0, "\\": 92, '"': 34, "'": 39, "a": 7,
            "b": 8, "f": 12, "v": 11, "e": 27}


def unescape(body: str, col: int) -> bytes:
    """Decode C escapes in a string/char literal body (without quotes) to bytes (UTF-8).

    Raises :class:`LineSyntaxError` for an unknown escape.
    """
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        i += 1
        e = body[i] if i < n else ""
        if e == "x":
            j = i + 1
            while j < n and j < i + 3 and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 1:
                raise LineSyntaxError(col, "\\x escape needs hex digits")
            out.append(int(body[i + 1:j], 16))
            i = j
        elif e in "01234567":
            j = i
            while j < n and j < i + 3 and body[j] in "01234567":
                j += 1
            v = int(body[i:j], 8)
            if v > 255:
                raise LineSyntaxError(col, f"octal escape \\{body[i:j]} is larger than 255")
            out.append(v)
            i = j
        elif e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 1
        else:
            raise LineSyntaxError(col, f"unknown escape sequence '\\{e}'")
    return bytes(out)


def literal_value(text: str, col: int) -> int:
    """The value of an integer literal token (``42``, ``0x2a``, ``0b101``; decimal stays
    decimal with leading zeros: ``017`` is 17, not octal). Raises
    :class:`LineSyntaxError` when it has more than ``MAX_LITERAL_BITS`` bits — checked
    on the digits before converting, so a literal of any length is refused at once."""
    low = text.lower()
    if low.startswith(("0x", "0b")):
        digits, bits_per = low[2:].lstrip("0"), (4 if low[1] == "x" else 1)
        too_big = len(digits) * bits_per > MAX_LITERAL_BITS + 3
        base = 16 if low[1] == "x" else 2
    else:
        digits, base = text.lstrip("0"), 10
        too_big = len(digits) > 21           # 2^64 has 20 digits
    if not too_big:
        value = int(digits or "0", base)
        if value.bit_length() <= MAX_LITERAL_BITS:
            return value
    shown = text if len(text) <= 24 else text[:10] + "..." + text[-6:]
    raise LineSyntaxError(col, f"integer literal {shown} ({len(text)} characters) is out of "
                               f"range: at most {MAX_LITERAL_BITS} bits")


#: binding strength of the binary operators (C precedence; higher binds tighter)
BINARY_PRECEDENCE = {"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
                     "<": 7, "<=": 7, ">": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9,
                     "*": 10, "/": 10, "%": 10}


class _ToTuples(Transformer):
    """Embedded LALR transformer: builds the tuples described in the module doc."""

    def start(self, ch):
        if ch and isinstance(ch[-1], tuple) and ch[-1][0] in ("instr", "dir", "assign"):
            return ParsedLine(tuple(ch[:-1]), ch[-1])
        return ParsedLine(tuple(ch), None)

    def label(self, ch):
        tok = ch[0]
        if tok.type == "NUMBER":
            if not tok.value.isdigit():
                raise LineSyntaxError(tok.column, f"'{tok.value}' is not a valid label")
            return (literal_value(tok.value, tok.column), tok.column)
        return (tok.value, tok.column)

    def instr(self, ch):
        tok = ch[0]
        ops = tuple(ch[1]) if len(ch) > 1 else ()
        return ("instr", tok.column, tok.value, ops, tok.end_pos)

    def directive(self, ch):
        tok = ch[0]
        args = tuple(ch[1]) if len(ch) > 1 else ()
        return ("dir", tok.column, tok.value, args)

    def assign(self, ch):
        return ("assign", ch[0].column, ch[0].value, ch[2])

    def operands(self, ch):
        return ch

    def dargs(self, ch):
        return ch

    def op_expr(self, ch):
        return ("expr", ch[0][1], ch[0])

    def op_mem(self, ch):
        e, _lp, reg = ch
        return ("mem", e[1], e, reg.value, reg.column)

    def string(self, ch):
        tok = ch[0]
        return ("str", tok.column, unescape(tok.value[1:-1], tok.column))

    def secname(self, ch):
        return ("secname", ch[0].column, ch[0].value)

    def expr(self, ch):
        # ch = [e0, op1, e1, op2, e2, ...]: group by precedence, left-associative
        prec = BINARY_PRECEDENCE
        vals, ops = [ch[0]], []
        for i in range(1, len(ch), 2):
            op = ch[i].value
            p = prec[op]
            while ops and prec[ops[-1]] >= p:
                b, a = vals.pop(), vals.pop()
                vals.append(("bin", a[1], ops.pop(), a, b))
            ops.append(op)
            vals.append(ch[i + 1])
        while ops:
            b, a = vals.pop(), vals.pop()
            vals.append(("bin", a[1], ops.pop(), a, b))
        return vals[0]

    def unop(self, ch):
        op, e = ch
        return ("un", op.column, op.value, e)

    def num(self, ch):
        tok = ch[0]
        t = tok.value
        # "1b"/"1f" (and "0b", which no binary number matches) are local label refs
        if t[-1] in "bf" and (t[:2].lower() not in ("0x", "0b") or t == "0b"):
            return ("lref", tok.column, literal_value(t[:-1], tok.column), t[-1])
        return ("num", tok.column, literal_value(t, tok.column))

    def char(self, ch):
        tok = ch[0]
        b = unescape(tok.value[1:-1], tok.column)
        if len(b) != 1:
            raise LineSyntaxError(tok.column, f"character literal {tok.value} is not one byte")
        return ("num", tok.column, b[0])

    def sym(self, ch):
        return ("sym", ch[0].column, ch[0].value)

    def dot(self, ch):
        return ("dot", ch[0].column)

    def hilo(self, ch):
        return (ch[0].value[1:], ch[0].column, ch[2])

    def paren(self, ch):
        return ("paren", ch[0].column, ch[1])


_parser: Lark | None = None
_cache: dict[str, ParsedLine] = {}
_CACHE_LIMIT = 200_000

# friendly names of terminals for "expected ..." messages
_TERMINAL_WORDS = {
    "NAME": "a name", "NUMBER": "a number", "CHAR": "a character literal",
    "STRING": "a string", "DIRECTIVE": "a directive", "COLON": "':'", "EQUALS": "'='",
    "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "DOT": "'.'", "MINUS": "'-'",
    "PLUS": "'+'", "TILDE": "'~'", "BANG": "'!'", "HI": "%hi", "LO": "%lo",
    "$END": "end of line",
}
_OPERATORS = {"BAR", "CARET", "AMP", "SHL", "SHR", "PLUS", "MINUS", "STAR", "SLASH",
              "PERCENT", "OROR", "ANDAND", "EQEQ", "NOTEQ", "LT", "LE", "GT", "GE"}
_EXPR_START = {"NAME", "NUMBER", "CHAR", "DOT", "MINUS", "PLUS", "TILDE", "BANG", "HI", "LO",
               "LPAR"}


def get_parser() -> Lark:
    """The shared LALR parser (built on first use, ~50 ms)."""
    global _parser
    if _parser is None:
        _parser = Lark(GRAMMAR_PATH.read_text(), parser="lalr", lexer="contextual",
                       propagate_positions=True, transformer=_ToTuples(),
                       maybe_placeholders=False)
    return _parser


def _describe_expected(expected: set[str]) -> str:
    exp = set(expected)
    if exp and exp <= {"NAME"}:
        return "expected a name or register"
    words = []
    if len(exp & _EXPR_START) >= 5:
        words.append("an expression")
        exp -= _EXPR_START
    if len(exp & _OPERATORS) >= 3:
        words.append("an operator")
        exp -= _OPERATORS
    words += sorted(_TERMINAL_WORDS.get(t, repr(t).lower()) for t in exp)
    if not words:
        return "syntax error"
    if len(words) == 1:
        return f"expected {words[0]}"
    return "expected " + ", ".join(words[:-1]) + " or " + words[-1]


def _friendly(err: UnexpectedInput, text: str) -> LineSyntaxError:
    col = getattr(err, "column", None) or 1
    if col < 1:
        col = len(text) + 1
    if isinstance(err, UnexpectedCharacters):
        ch = text[err.pos_in_stream] if 0 <= err.pos_in_stream < len(text) else "?"
        if ch == '"':
            return LineSyntaxError(col, "unterminated string")
        if ch == "'":
            return LineSyntaxError(col, "bad character literal")
        if ch == "\\":
            return LineSyntaxError(col, "'\\' outside a macro body")
        return LineSyntaxError(col, f"unexpected character {ch!r}")
    if isinstance(err, UnexpectedToken):
        tok = err.token
        if tok.type == "$END":
            col = len(text.rstrip()) + 1
            what = "end of line"
        else:
            what = repr(tok.value)
        expected = set(err.expected)
        upto = text[:max(err.pos_in_stream, 0)] if tok.type != "$END" else text
        if upto.count("(") <= upto.count(")") and len(expected) > 1:
            expected.discard("RPAR")     # no '(' is open: ')' cannot really come next
        if expected == {"NAME"} and upto.rstrip().endswith("("):
            return LineSyntaxError(col, f"unexpected {what}; expected a register")
        return LineSyntaxError(col, f"unexpected {what}; {_describe_expected(expected)}")
    return LineSyntaxError(col, "syntax error")


def parse_line(text: str) -> ParsedLine:
    """Parse one source line (no newline). Raises :class:`LineSyntaxError`."""
    hit = _cache.get(text)
    if hit is not None:
        return hit
    stripped = text.strip()
    if not stripped or stripped[0] == "#" or stripped.startswith("//"):
        result = ParsedLine((), None)
    else:
        try:
            result = get_parser().parse(text)
        except LineSyntaxError:
            raise
        except UnexpectedInput as e:
            raise _friendly(e, text) from None
        except LarkError as e:  # a transformer problem wrapped by lark
            inner = getattr(e, "orig_exc", None)
            if isinstance(inner, LineSyntaxError):
                raise inner from None
            raise LineSyntaxError(1, "syntax error") from None
    if len(_cache) > _CACHE_LIMIT:
        _cache.clear()
    _cache[text] = result
    return result
