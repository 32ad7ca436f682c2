"""The Moderator: text in, seven calibrated scores, a policy decision and evidence out.

Steps: `_normalize` (defeat obfuscation) → `_score` (the trained linear model) → `_detect`
(rule-based PII and spam detectors on the original text) → `_combine` → policy decision →
evidence for every triggered category, with offsets into the text the author typed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as STOP_WORDS

from moderation.categories import CATEGORIES, Category
from moderation.detectors import Finding, category_scores, detect
from moderation.errors import InvalidInput
from moderation.linear import LinearScorer
from moderation.normalize import normalize, normalize_with_offsets
from moderation.policy import Policy, load_policy
from moderation.registry import active_version, load_bundle, read_card
from moderation.schemas import Evidence, ModerationResult, Triggered
from moderation.settings import Settings, get_settings

# Doxing has no public comment data: the model only learned from synthetic PII sentences, so
# on its own it may raise doxing to this cap (below any sensible flag threshold); a PII
# detector finding is what makes a comment doxing. See the model card.
DOXING_MODEL_CAP = 0.35
# A word is evidence when it carries at least this share of the strongest word's push on the
# category's logit, and at least this much push in absolute terms.
EVIDENCE_MIN_SHARE = 0.25
EVIDENCE_MIN_PUSH = 0.1
# The word inside a whitespace token, without surrounding punctuation.
_WORD_CORE = re.compile(r"[^\W_](?:.*[^\W_])?")
_TOKEN = re.compile(r"\S+")


class TextTooLong(InvalidInput):
    code = "text_too_long"


class EmptyText(InvalidInput):
    code = "empty_text"


def _noisy_or(a: float, b: float) -> float:
    return 1.0 - (1.0 - a) * (1.0 - b)


class Moderator:
    """Scores comments against a policy with a loaded model version."""

    def __init__(
        self,
        *,
        bundle: dict[str, Any],
        version: str,
        policy: Policy,
        card: dict[str, Any] | None = None,
        max_text_chars: int = 10_000,
        max_evidence_spans: int = 5,
    ) -> None:
        self.scorer = LinearScorer(bundle)
        self.model_version = version
        self.policy = policy
        self.card = card or {}
        self.max_text_chars = max_text_chars
        self.max_evidence_spans = max_evidence_spans

    @classmethod
    def load(
        cls,
        models_dir: Path | None = None,
        *,
        version: str | None = None,
        policy: Policy | None = None,
        settings: Settings | None = None,
    ) -> Moderator:
        """Load the active (or named) model version, verified against its manifest."""
        settings = settings or get_settings()
        models_dir = models_dir or settings.models_dir
        version = version or settings.model_version or active_version(models_dir)
        bundle, version = load_bundle(models_dir, version)
        card = read_card(models_dir, version)
        return cls(
            bundle=bundle,
            version=version,
            policy=policy or load_policy(settings.policy_path),
            card=card,
            max_text_chars=settings.max_text_chars,
            max_evidence_spans=settings.max_evidence_spans,
        )

    # -- public ---------------------------------------------------------------------------

    def moderate(self, text: str, *, comment_id: str | None = None) -> ModerationResult:
        """Score one comment and decide on it."""
        normalized = self._normalize(text)
        scores, features = self.scorer.scores_and_features(normalized)
        return self._result(text, normalized, scores, comment_id, features)

    def moderate_many(
        self, texts: Sequence[str], *, ids: Sequence[str | None] | None = None
    ) -> list[ModerationResult]:
        """Score many comments with one matrix product; results in input order."""
        normalized = []
        for index, text in enumerate(texts):
            try:
                normalized.append(self._normalize(text))
            except InvalidInput as exc:
                exc.message = f"item {index}: {exc.message}"
                exc.details = {**(exc.details or {}), "index": index}
                raise
        ids = ids or [None] * len(texts)
        matrix = self.scorer.scores_batch(normalized)
        return [
            self._result(t, n, row, i)
            for t, n, row, i in zip(texts, normalized, matrix, ids, strict=True)
        ]

    def score_texts(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 7) final scores without decisions or evidence (evaluation, benchmarks)."""
        normalized = [normalize(t) for t in texts]
        matrix = self.scorer.scores_batch(normalized)
        for row, text, norm in zip(matrix, texts, normalized, strict=True):
            self._combine(row, category_scores(detect(text, norm)))
        return matrix

    # -- steps ----------------------------------------------------------------------------

    def _normalize(self, text: str) -> str:
        """Validate `text` and return its normalised form, which must have something left."""
        self.validate_text(text)
        normalized = normalize(text)
        if not normalized:
            raise EmptyText("text has no visible characters")
        return normalized

    def validate_text(self, text: str) -> None:
        """Raise `EmptyText` or `TextTooLong` for text the service will not score."""
        if not isinstance(text, str) or not text.strip():
            raise EmptyText("text is empty or only whitespace")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidInput(
                "text is not valid Unicode (it contains a lone surrogate code point)",
                details={"position": exc.start},
            ) from exc
        if len(text) > self.max_text_chars:
            raise TextTooLong(
                f"text has {len(text)} characters; the limit is {self.max_text_chars}",
                details={"length": len(text), "limit": self.max_text_chars},
            )

    @staticmethod
    def _combine(row: np.ndarray, detected: dict[Category, float]) -> None:
        """Merge detector scores into the model's row of scores, in place."""
        dox = CATEGORIES.index("doxing")
        row[dox] = _noisy_or(min(float(row[dox]), DOXING_MODEL_CAP), detected.get("doxing", 0.0))
        for category in ("spam", "violence"):
            j = CATEGORIES.index(category)
            row[j] = _noisy_or(float(row[j]), detected.get(category, 0.0))

    def _result(
        self,
        text: str,
        normalized: str,
        model_scores: np.ndarray,
        comment_id: str | None,
        features: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> ModerationResult:
        findings = detect(text, normalized)
        row = np.array(model_scores, dtype=np.float64)
        self._combine(row, category_scores(findings))
        # Decide on the raw scores (as evaluation and threshold choice do); round for output.
        outcome = self.policy.decide(dict(zip(CATEGORIES, row.tolist(), strict=True)))
        scores: dict[Category, float] = {
            c: round(float(s), 4) for c, s in zip(CATEGORIES, row, strict=True)
        }
        triggered: list[Triggered] = []
        if outcome.actions:
            evidence = self._evidence(text, list(outcome.actions), findings, features)
            triggered = [
                Triggered(category=c, score=scores[c], action=a, evidence=evidence[c])
                for c, a in outcome.actions.items()
            ]
        return ModerationResult(
            id=comment_id or f"c_{uuid.uuid4().hex}",
            decision=outcome.decision,
            scores=scores,
            triggered=triggered,
            model_version=self.model_version,
            policy_version=self.policy.version,
        )

    def _evidence(
        self,
        text: str,
        categories: list[Category],
        findings: list[Finding],
        features: tuple[np.ndarray, np.ndarray] | None,
    ) -> dict[Category, list[Evidence]]:
        """Detector findings first, then the words that pushed the model's score most.

        Model evidence is trimmed to the word (no trailing comma), skips function words and
        anything inside a detector's span, and is left out for doxing when a PII detector
        found something (the model alone cannot make a comment doxing).
        """
        out: dict[Category, list[Evidence]] = {c: [] for c in categories}
        for f in findings:
            if f.category in out and len(out[f.category]) < self.max_evidence_spans:
                out[f.category].append(
                    Evidence(start=f.start, end=f.end, text=f.text, source=f.source)
                )
        wanted = [c for c in categories if not (c == "doxing" and out[c])]
        if not wanted:
            return out
        normalized = normalize_with_offsets(text)
        words: list[tuple[tuple[int, int], np.ndarray]] = []
        function_words: list[tuple[tuple[int, int], np.ndarray]] = []
        columns = [CATEGORIES.index(c) for c in wanted]
        for start, end, push in self.scorer.token_contributions(normalized.text, features, columns):
            word = _WORD_CORE.search(normalized.text, start, end) or _TOKEN.search(
                normalized.text, start, end
            )
            if word is None:
                continue
            span = normalized.to_original(word.start(), word.end())
            is_function_word = word.group().casefold() in STOP_WORDS
            (function_words if is_function_word else words).append((span, push))
        for category in wanted:
            j = CATEGORIES.index(category)
            taken = [(e.start, e.end) for e in out[category]]
            ranked = sorted(
                ((float(push[j]), span) for span, push in words if push[j] > EVIDENCE_MIN_PUSH),
                reverse=True,
            )
            if not ranked and not taken:  # a triggered category always shows its strongest word
                ranked = sorted(
                    ((float(push[j]), span) for span, push in words + function_words),
                    reverse=True,
                )[:1]
            if not ranked:
                continue
            floor = ranked[0][0] * EVIDENCE_MIN_SHARE
            for push_j, (o_start, o_end) in ranked:
                if push_j < floor or len(out[category]) >= self.max_evidence_spans:
                    break
                if any(o_start < end and start < o_end for start, end in taken):
                    continue
                taken.append((o_start, o_end))
                out[category].append(
                    Evidence(start=o_start, end=o_end, text=text[o_start:o_end], source="model")
                )
        return out
