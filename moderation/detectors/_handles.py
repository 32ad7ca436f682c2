"""Messenger handles a comment gives out: "snap: kayla.xo99", "Add me on Kik: sweet_marina_91",
"telegram @fx_anna".

A reader has no reason to post a Kik or Snapchat username under a news article; spam posts
one so the conversation moves where no moderator reads it. Only a handle that is labelled
with its messenger and looks like a username (a digit, an underscore or an inner dot) counts,
so "a WhatsApp group for parents" or "on Telegram yesterday" never does, nor a link after the
label ("telegram: t.me/x": the link rules score it). Public social
profiles (Instagram, TikTok, X) are left to the promotion rules: readers cite them.
"""

from __future__ import annotations

import re

__all__ = ["find_messenger_handles"]

# Messengers whose names are not also everyday words ("line", "signal", "session" are left
# out: "line at walmart.com", "signal at st.johns").
_HANDLE = re.compile(
    r"\b(?:snap(?:chat)?|kik|telegram|tg|whats\s?app|wechat|viber|discord|wickr)"
    r"(?:\s+(?:id|me|handle|name|username|user))?\s*(?::|-|@|\bis\b|\bat\b)\s*@?"
    r"(?=[a-z0-9._]*(?:\d|_|[a-z]\.[a-z]))([a-z][a-z0-9._]{2,30}[a-z0-9])(?![\w.@/])",
    re.IGNORECASE,
)


def find_messenger_handles(text: str) -> list[tuple[int, int]]:
    """(start, end) of each labelled messenger username in `text` (the username only)."""
    return [m.span(1) for m in _HANDLE.finditer(text)]
