"""Site term lists: deny terms that force a category, allow terms that never trigger alone."""

from moderation.terms.matcher import NO_MATCHES, CompiledLists, DenyHit, TermMatches
from moderation.terms.model import Term, TermList, TermListBody
from moderation.terms.store import ListStore

__all__ = [
    "NO_MATCHES",
    "CompiledLists",
    "DenyHit",
    "ListStore",
    "Term",
    "TermList",
    "TermListBody",
    "TermMatches",
]
