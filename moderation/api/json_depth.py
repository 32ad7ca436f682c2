"""Whether a JSON body nests arrays and objects deeper than a limit, found without parsing it.

Python's `json.loads` (which FastAPI uses) recurses once per level: 100,000 `[` end in a
RecursionError deep in the parser, and a few hundred levels still build objects no route
wants. `RequestContext` refuses a body nested deeper than `max_json_depth` before anything
parses it, so the check has to cost no more than parsing would, whatever the body:

1. escapes are dropped (`\\\\` pairs, then `\\"`), then every byte but `[ ] { } "` (C-level
   `bytes.replace` and `bytes.translate`), leaving brackets and quotes;
2. with no more opening brackets than the limit left, the body cannot nest deeper (every
   single comment and most requests stop here);
3. numpy walks what is left in slices of a million bytes: brackets between a pair of quotes
   are inside a string and do not count; the running depth is a cumulative sum. The walk stops
   at the first slice past the limit, and its memory stays bounded.

A malformed body gets an answer too (the parser refuses it afterwards).
"""

from __future__ import annotations

import numpy as np

SLICE_BYTES = 1 << 20
_KEEP = b'[]{}"'
_DROP = bytes(b for b in range(256) if b not in _KEEP)
_QUOTE = ord('"')
# +1 for an opening bracket, -1 for a closing one, 0 for a quote.
_STEP = np.zeros(256, np.int32)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1


def too_deep(body: bytes, limit: int, *, slice_bytes: int = SLICE_BYTES) -> bool:
    """True when `body`, read as JSON, nests arrays and objects more than `limit` levels deep
    (a scalar is at level 0, `[]` at 1); brackets inside strings do not count."""
    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = body.translate(None, _DROP)
    if structure.count(b"[") + structure.count(b"{") <= limit:
        return False
    depth, in_string = 0, False
    for offset in range(0, len(structure), slice_bytes):
        count = min(slice_bytes, len(structure) - offset)
        chars = np.frombuffer(structure, np.uint8, count, offset)
        steps = _STEP[chars]
        quotes = chars == _QUOTE
        if in_string or quotes.any():
            # A closing quote reads as outside (its step is 0 either way).
            inside = (np.cumsum(quotes, dtype=np.int32) + in_string) % 2 == 1
            steps[inside] = 0
            in_string = bool(inside[-1])
        levels = np.cumsum(steps, dtype=np.int32)
        if depth + int(levels.max()) > limit:
            return True
        depth += int(levels[-1])
    return False
