"""Plain aligned text tables for the terminal (the CLI prints with click; `rich` is not a
dependency): text columns left-aligned, numbers right-aligned."""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUMBER = re.compile(r"[-+−]?[\d,.]+( ?(MB|kB|%))?|–")


def cell(value: float | None, digits: int = 4, *, signed: bool = False) -> str:
    """A figure for a table: `–` when missing, else fixed decimals (with a sign if asked)."""
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def aligned(header: Sequence[str], rows: Sequence[Sequence[str]], *, gap: str = "  ") -> str:
    """`header` and `rows` as lines of padded columns; a column of numbers is right-aligned."""
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [
        bool(rows) and all(_NUMBER.fullmatch(r[i]) for r in rows) for i in range(len(header))
    ]
    lines = []
    for row in [header, *rows]:
        cells = [
            c.rjust(w) if numeric[i] else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append(gap.join(cells).rstrip())
    return "\n".join(lines)
