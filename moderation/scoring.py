"""The Moderator: text in, seven calibrated scores, a policy decision and evidence out.

Steps: `_normalize` (defeat obfuscation) → detect the language → match the site's term lists →
the trained linear model (allow-listed terms silenced) → rule-based PII and spam detectors on
the original text → `combine_detectors` → policy decision (deny-term floors, language rule) →
evidence for every triggered category, with offsets into the text the author typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from moderation.categories import CATEGORIES, Category
from moderation.detectors import Finding, category_scores, detect
from moderation.errors import InvalidInput
from moderation.evidence import WORD_CORE as WORD_CORE  # re-exported: perspective_spans
from moderation.evidence import build_evidence
from moderation.language import detect as detect_language
from moderation.linear import LinearScorer
from moderation.model_policy import served_policy
from moderation.normalize import normalize, normalize_with_offsets
from moderation.policy import Action, Policy
from moderation.registry import active_version, load_bundle, read_card
from moderation.schemas import Evidence, Language, ModerationResult, Triggered
from moderation.settings import Settings, get_settings, site_lists_dir
from moderation.span_tagger import SpanTagger
from moderation.terms import NO_MATCHES, CompiledLists, ListStore, TermMatches

# Doxing has no public comment data: the model only learned from synthetic PII sentences, so
# on its own it may raise doxing to this cap (below any sensible flag threshold); a PII
# detector finding is what makes a comment doxing. See the model card.
DOXING_MODEL_CAP = 0.35


class TextTooLong(InvalidInput):
    code = "text_too_long"


class EmptyText(InvalidInput):
    code = "empty_text"


_NO_LISTS = CompiledLists([])
# Languages a model card that names none was trained on.
DEFAULT_LANGUAGES = ("en",)


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
        lists: ListStore | None = None,
    ) -> None:
        self.scorer = LinearScorer(bundle)
        self.span_tagger = SpanTagger.from_bundle(bundle)  # None in bundles made before it
        self.model_version = version
        self.policy = policy
        self.lists = lists
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
        strict_lists: bool = True,
        lists: ListStore | None = None,
    ) -> Moderator:
        """Load the active (or named) model version, verified against its manifest, with
        `policy` or else the policy that version is served with (`model_policy`).

        `strict_lists=False` leaves a broken site term list out (logged) instead of failing:
        for API workers, which `serve` has already checked and uvicorn may restart. `lists`:
        a store already open (a hot reload keeps the one being watched)."""
        settings = settings or get_settings()
        models_dir = models_dir or settings.models_dir
        version = version or settings.model_version or active_version(models_dir)
        bundle, version = load_bundle(models_dir, version)
        card = read_card(models_dir, version)
        return cls(
            bundle=bundle,
            version=version,
            policy=policy or served_policy(settings, models_dir=models_dir, version=version),
            card=card,
            max_text_chars=settings.max_text_chars,
            max_evidence_spans=settings.max_evidence_spans,
            lists=lists or ListStore(site_lists_dir(settings), strict=strict_lists),
        )

    # -- public ---------------------------------------------------------------------------

    def moderate(
        self,
        text: str,
        *,
        comment_id: str | None = None,
        languages: Sequence[str] | None = None,
        signals: Sequence[Finding] = (),
    ) -> ModerationResult:
        """Score one comment and decide on it.

        `languages` are ISO 639-1 codes the caller declares (e.g. Perspective's request
        field); without them the language is detected. `signals` are findings from outside
        the comment (repeats across comments, `moderation.repeats`), merged with the
        detectors' as evidence of their category.
        """
        normalized = self._normalize(text)
        language = self.language_of(text, languages)
        lists = self._lists()
        matches = lists.match(normalized)
        scores, features = self.scorer.scores_and_features(normalized, matches.allow)
        return self._result(
            text, normalized, scores, comment_id, matches, lists, language, features, signals
        )

    def moderate_many(
        self,
        texts: Sequence[str],
        *,
        ids: Sequence[str | None] | None = None,
        signals: Sequence[Sequence[Finding]] | None = None,
    ) -> list[ModerationResult]:
        """Score many comments with one matrix product; results in input order. `signals`:
        each comment's findings from outside it, as in `moderate`."""
        normalized = []
        for index, text in enumerate(texts):
            try:
                normalized.append(self._normalize(text))
            except InvalidInput as exc:
                exc.message = f"item {index}: {exc.message}"
                exc.details = {**(exc.details or {}), "index": index}
                raise
        ids = ids or [None] * len(texts)
        found = [self.language_of(t) for t in texts]
        lists = self._lists()
        matches = [lists.match(n) for n in normalized]
        matrix = self.scorer.scores_batch(normalized, [m.allow for m in matches])
        outside = signals or [()] * len(texts)
        return [
            self._result(t, n, row, i, m, lists, lang, signals=sig)
            for t, n, row, i, m, lang, sig in zip(
                texts, normalized, matrix, ids, matches, found, outside, strict=True
            )
        ]

    def score_texts(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 7) scores of the model and detectors, without decisions or evidence, for
        evaluation, threshold choice and benchmarks. The site's term lists are left out, so
        figures measure the model and do not depend on a local folder."""
        normalized = [normalize(t) for t in texts]
        matrix = self.scorer.scores_batch(normalized)
        for k, (text, norm) in enumerate(zip(texts, normalized, strict=True)):
            matrix[k], _, _ = self._final_scores(text, norm, matrix[k], NO_MATCHES)
        return matrix

    @property
    def supported_languages(self) -> tuple[str, ...]:
        """ISO 639-1 codes of the languages the model was trained on (its card says)."""
        return tuple(self.card.get("languages") or DEFAULT_LANGUAGES)

    def language_of(self, text: str, declared: Sequence[str] | None = None) -> Language:
        """The comment's language: `declared` by the caller, else detected.

        An undetermined language (too short or mixed to tell) counts as supported: a
        two-word comment is scored, not held for a human.
        """
        supported = self.supported_languages
        if declared:
            codes = [code.strip().lower().split("-")[0] for code in declared]
            return Language(
                code=codes[0], confidence=1.0, supported=all(c in supported for c in codes)
            )
        found = detect_language(text)
        return Language(
            code=found.code,
            confidence=round(found.confidence, 4),
            supported=found.code is None or found.code in supported,
        )

    @property
    def policy_version(self) -> str:
        """The policy version plus the digest of the term lists in force."""
        return self._policy_version(self._lists())

    def _policy_version(self, lists: CompiledLists) -> str:
        return f"{self.policy.version}+lists.{lists.digest}"

    # -- steps ----------------------------------------------------------------------------

    def _normalize(self, text: str) -> str:
        """Validate `text` and return its normalised form, which must have something left."""
        self._check_text(text)
        normalized = normalize(text)
        if not normalized:
            raise EmptyText("text has no visible characters")
        return normalized

    def validate_text(self, text: str) -> None:
        """Raise `EmptyText` or `TextTooLong` for text the service will not score, exactly as
        `moderate` would (zero-width-only text included), without scoring it."""
        self._normalize(text)

    def _check_text(self, text: str) -> None:
        """The checks that need no normalisation: type, emptiness, Unicode, length."""
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

    def _lists(self) -> CompiledLists:
        return self.lists.current() if self.lists is not None else _NO_LISTS

    def match_terms(self, normalized: str) -> TermMatches:
        """The site's deny and allow terms found in normalised text."""
        return self._lists().match(normalized)

    @staticmethod
    def combine_detectors(row: np.ndarray, detected: dict[Category, float]) -> None:
        """Merge detector scores into the model's row of scores, in place."""
        dox = CATEGORIES.index("doxing")
        row[dox] = _noisy_or(min(float(row[dox]), DOXING_MODEL_CAP), detected.get("doxing", 0.0))
        for category in ("spam", "violence"):
            j = CATEGORIES.index(category)
            row[j] = _noisy_or(float(row[j]), detected.get(category, 0.0))

    def _final_scores(
        self,
        text: str,
        normalized: str,
        model_scores: np.ndarray,
        matches: TermMatches,
        signals: Sequence[Finding] = (),
    ) -> tuple[np.ndarray, list[Finding], dict[Category, Action]]:
        """Model scores merged with the detectors and `signals` (findings from outside the
        comment): (scores, findings, deny-term floors).

        Detector findings inside an allow-listed term are dropped. The floors are the action
        each category's deny terms demand; `lifted` applies them to the scores.
        """
        findings = self.findings(text, normalized, matches)
        if signals:
            findings = sorted([*findings, *signals], key=lambda f: (f.start, f.end))
        row = np.array(model_scores, dtype=np.float64)
        self.combine_detectors(row, category_scores(findings))
        floors: dict[Category, Action] = {}
        for hit in matches.deny:
            if floors.get(hit.category) != "reject":
                floors[hit.category] = hit.action
        return row, findings, floors

    @staticmethod
    def findings(text: str, normalized: str, matches: TermMatches) -> list[Finding]:
        """The rule-based detectors' findings, less those inside an allow-listed term."""
        findings = detect(text, normalized)
        if matches.allow and findings:
            to_original = normalize_with_offsets(text).to_original
            allowed = [to_original(a, b) for a, b in matches.allow]
            findings = [
                f for f in findings if not any(a <= f.start and f.end <= b for a, b in allowed)
            ]
        return findings

    def lifted(self, row: np.ndarray, floors: dict[Category, Action]) -> np.ndarray:
        """Scores with each deny-term category raised to its action's threshold, so every
        consumer of the scores (Perspective clients, evaluation) sees what the decision saw."""
        out = row.copy()
        for category, action in floors.items():
            j = CATEGORIES.index(category)
            out[j] = max(out[j], self.policy.threshold(category, action))
        return out

    def _result(
        self,
        text: str,
        normalized: str,
        model_scores: np.ndarray,
        comment_id: str | None,
        matches: TermMatches,
        lists: CompiledLists,
        language: Language,
        features: tuple[np.ndarray, np.ndarray] | None = None,
        signals: Sequence[Finding] = (),
    ) -> ModerationResult:
        row, findings, floors = self._final_scores(text, normalized, model_scores, matches, signals)
        reasons: dict[str, Action] = {}
        unsupported = self.policy.languages.unsupported
        if not language.supported and unsupported != "score":
            reasons["unsupported_language"] = unsupported
        # Decide on the raw scores (as evaluation and threshold choice do) with the deny
        # floors as "at least" actions (lifting first could turn a flag term into a reject
        # where a category's flag and reject thresholds are equal); round for output.
        outcome = self.policy.decide(
            dict(zip(CATEGORIES, row.tolist(), strict=True)), floors, reasons
        )
        scores: dict[Category, float] = {
            c: round(float(s), 4) for c, s in zip(CATEGORIES, self.lifted(row, floors), strict=True)
        }
        triggered: list[Triggered] = []
        if outcome.actions:
            evidence = self._evidence(text, list(outcome.actions), findings, matches, features)
            triggered = [
                Triggered(category=c, score=scores[c], action=a, evidence=evidence[c])
                for c, a in outcome.actions.items()
            ]
        return ModerationResult(
            id=comment_id or f"c_{uuid.uuid4().hex}",
            decision=outcome.decision,
            scores=scores,
            triggered=triggered,
            reasons=outcome.reasons,
            language=language,
            model_version=self.model_version,
            policy_version=self._policy_version(lists),
        )

    def _evidence(
        self,
        text: str,
        categories: list[Category],
        findings: list[Finding],
        matches: TermMatches,
        features: tuple[np.ndarray, np.ndarray] | None,
    ) -> dict[Category, list[Evidence]]:
        """Evidence for each of `categories` (see `moderation.evidence`)."""
        return build_evidence(
            self.scorer,
            text,
            categories,
            findings=findings,
            matches=matches,
            features=features,
            max_spans=self.max_evidence_spans,
            tagger=self.span_tagger,
        )
