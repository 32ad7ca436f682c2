"""The relaxed JSON Google's API front end accepts: unquoted object keys and single-quoted
strings. Perspective's own examples send it (the cURL sample posts
`{comment: {text: "..."}, requestedAttributes: {TOXICITY:{}} }`, the Node.js one
`{'TOXICITY': {}}`), so a request copied from its documentation has to parse here too.

`to_strict` rewrites such text into strict JSON in one left-to-right pass over its tokens
(linear time: a string that does not close ends the pass), for orjson to parse; anything else
non-standard (comments, trailing commas, NaN) stays invalid.
"""

from __future__ import annotations

import re

_DOUBLE = re.compile(r'"(?:[^"\\]|\\.)*+"', re.DOTALL)
_SINGLE = re.compile(r"'((?:[^'\\]|\\.)*+)'", re.DOTALL)
_NAME = re.compile(r"[A-Za-z_$][\w$]*+")
_COLON_NEXT = re.compile(r"\s*+:")
_OTHER = re.compile(r"""[^"'A-Za-z_$]++""")
# Inside a single-quoted string: `\'` loses its backslash, a bare `"` gains one.
_SINGLE_ESCAPES = re.compile(r'\\(.)|"', re.DOTALL)


def _requote(match: re.Match[str]) -> str:
    if match.group(0) == '"':
        return '\\"'
    return "'" if match.group(1) == "'" else match.group(0)


def to_strict(text: str) -> str | None:
    """`text` as strict JSON, or None when a string in it never closes."""
    out: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        char = text[pos]
        if char == '"':
            match = _DOUBLE.match(text, pos)
            if match is None:
                return None
            out.append(match.group())
        elif char == "'":
            match = _SINGLE.match(text, pos)
            if match is None:
                return None
            out.append('"' + _SINGLE_ESCAPES.sub(_requote, match.group(1)) + '"')
        elif (match := _NAME.match(text, pos)) is not None:
            name = match.group()
            # An object key when a colon follows; else a literal (true, null) left as it is.
            out.append(f'"{name}"' if _COLON_NEXT.match(text, match.end()) else name)
        else:
            match = _OTHER.match(text, pos)
            assert match is not None  # every other character starts an _OTHER run
            out.append(match.group())
        pos = match.end()
    return "".join(out)
