"""Loaders for news-site, forum and chat comment corpora: toxic_spans, socc_ctc, impermium_insults,
ruddit, stormfront_hate and convabuse.

Each `load_<name>(data_dir)` reads `raw/<name>/...` and returns the standard label frame (see
`training.sources.common`). `toxic_span_terms` lists the strings raters marked in TOXICSPANS.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from training.sources.common import flag, known_where, make_frame, raw_dir
from training.sources.lexicon import VULGAR_KINDS, lexicon_kinds
from training.sources.social import shared_lexicon

SPAN_CATEGORIES = {
    "Threat": "violence",
    "Identity based Attack": "racism",
    "Profane/Obscene": "profanity",
    "Insult": "discourtesy",
}
MIN_SPAN_RATERS = 2


def _span_type(value: object) -> str:
    """Repair the few malformed span types (`Insu`, `Identity based `); unknown -> ''."""
    text = value.strip() if isinstance(value, str) else ""
    for canonical in (*SPAN_CATEGORIES, "Other Toxicity"):
        if text == canonical or (len(text) >= 4 and canonical.startswith(text)):
            return canonical
    return ""


def _span_label(raters: np.ndarray) -> np.ndarray:
    """1 when at least MIN_SPAN_RATERS raters marked the type, 0 when none did, and unknown
    (NaN) when a lone rater did: most posts have 3 raters, and one in three is a coin flip
    that would otherwise teach the model that, say, 1,317 lone-rater threats are not threats."""
    return np.where(raters >= MIN_SPAN_RATERS, 1.0, np.where(raters == 0, 0.0, np.nan))


def _toxic_spans_tables(data_dir: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(comments, spans joined to their comment and worker, with a repaired `type`)."""
    root = raw_dir(data_dir) / "toxic_spans"
    comments = pd.read_csv(root / "comments.csv", encoding="utf-8")
    annotations = pd.read_csv(root / "annotations.csv", encoding="utf-8")
    spans = pd.read_csv(root / "spans.csv", encoding="utf-8")
    spans = spans.assign(type=spans["type"].map(_span_type))
    spans = spans.merge(annotations[["annotation", "comment_id", "worker"]], on="annotation")
    return comments, spans


def load_toxic_spans(data_dir: Path | str) -> pd.DataFrame:
    """TOXICSPANS (Civil Comments): a category when at least 2 raters marked a span of its type."""
    comments, spans = _toxic_spans_tables(data_dir)
    raters = (
        spans[spans["type"] != ""]
        .groupby(["comment_id", "type"])["worker"]
        .nunique()
        .unstack(fill_value=0)
        .reindex(index=comments["comment_id"], columns=list(SPAN_CATEGORIES), fill_value=0)
    )
    texts = comments["comment_text"].astype(str)
    labels: dict[str, np.ndarray | float] = {
        category: _span_label(raters[span_type].to_numpy())
        for span_type, category in SPAN_CATEGORIES.items()
    }
    profane = raters["Profane/Obscene"].to_numpy()
    lexicon = shared_lexicon(data_dir)
    vulgar = np.array([bool(lexicon_kinds(t, lexicon) & VULGAR_KINDS) for t in texts])
    labels["vulgarity"] = np.where(
        profane == 0, 0.0, known_where((profane >= MIN_SPAN_RATERS) & vulgar)
    )
    labels["doxing"] = 0.0
    labels["spam"] = 0.0
    return make_frame("toxic_spans", texts, labels, groups=comments["comment_id"])


def toxic_span_terms(data_dir: Path | str) -> pd.DataFrame:
    """Strings raters marked in TOXICSPANS per category: columns text, category, count.

    `text` is the marked span lower-cased with whitespace collapsed; `count` is how many span
    annotations marked it. Sorted by category, then most frequent first.
    """
    comments, spans = _toxic_spans_tables(data_dir)
    spans = spans[spans["type"].isin(list(SPAN_CATEGORIES))]
    spans = spans.merge(comments, on="comment_id")
    marked = [
        " ".join(str(text)[int(start) : int(end)].lower().split())
        for text, start, end in zip(
            spans["comment_text"], spans["start"], spans["end"], strict=True
        )
    ]
    table = pd.DataFrame({"text": marked, "category": spans["type"].map(SPAN_CATEGORIES)})
    table = table[table["text"] != ""]
    counts = table.groupby(["category", "text"]).size().rename("count").reset_index()
    counts = counts.sort_values(["category", "count", "text"], ascending=[True, False, True])
    return counts[["text", "category", "count"]].reset_index(drop=True)


def load_socc_ctc(data_dir: Path | str) -> pd.DataFrame:
    """SFU Constructiveness and Toxicity Corpus: toxicity 1 clean, 2-4 discourteous."""
    frame = pd.read_csv(
        raw_dir(data_dir) / "socc_ctc/SFU_constructiveness_toxicity.csv", encoding="utf-8"
    )
    toxicity = pd.to_numeric(frame["is_toxic_popular_answer_1"], errors="coerce").to_numpy()
    frame, toxicity = frame[~np.isnan(toxicity)], toxicity[~np.isnan(toxicity)]
    clean = toxicity == 1
    unknown_if_toxic = known_where(clean, 0.0)
    labels = {
        "violence": unknown_if_toxic,
        "racism": unknown_if_toxic,
        "profanity": unknown_if_toxic,
        "vulgarity": unknown_if_toxic,
        "doxing": 0.0,
        "discourtesy": np.where(clean, 0.0, 1.0),
        "spam": 0.0,
    }
    return make_frame("socc_ctc", frame["comment"], labels)


_IMPERMIUM_FILES = ("train.csv", "test_with_solutions.csv", "impermium_verification_labels.csv")
_ESCAPES = re.compile(
    r"(?P<bytes>(?:\\+x[0-9a-fA-F]{2})+)"
    r"|\\+(?P<esc>u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrt'\"])"
    r"|(?P<backslash>\\+)"
)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "'": "'", '"': '"'}


def _decode_escape(match: re.Match[str]) -> str:
    if match.group("bytes"):
        raw = bytes(int(h, 16) for h in re.findall(r"x([0-9a-fA-F]{2})", match.group("bytes")))
        # UTF-8 where the bytes form valid sequences, Latin-1 for the rest (`\\xa0` alone)
        text = raw.decode("utf-8", errors="surrogateescape")
        return re.sub("[\udc80-\udcff]", lambda m: chr(ord(m.group()) - 0xDC00), text)
    escape = match.group("esc")
    if escape:
        return _SIMPLE_ESCAPES.get(escape) or chr(int(escape[1:], 16))
    return "\\"


def decode_impermium(text: str) -> str:
    """Strip the extra pair of quotes and decode the Python-style escapes, however often escaped.

    `\\\\xc2\\\\xa0` (doubled, UTF-8 bytes) and `\\xa0` both become U+00A0, `\\n` and `\\\\n` a
    newline; any other run of backslashes becomes one backslash.
    """
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    decoded = _ESCAPES.sub(_decode_escape, text)
    # `\ud83d\ude00` pairs come out as two surrogates: join them, replace lone ones
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def load_impermium_insults(data_dir: Path | str) -> pd.DataFrame:
    """Impermium 'Detecting Insults in Social Commentary', three files, exact texts deduplicated.

    Texts repeated with conflicting `Insult` labels are dropped.
    """
    root = raw_dir(data_dir) / "impermium_insults"
    frames = [
        pd.read_csv(root / name, dtype=str, keep_default_na=False, encoding="utf-8")
        for name in _IMPERMIUM_FILES
    ]
    frame = pd.concat([f[["Insult", "Comment"]] for f in frames], ignore_index=True)
    frame = frame.assign(
        text=frame["Comment"].map(decode_impermium).str.strip(), insult=flag(frame["Insult"])
    )
    agreed = frame.groupby("text")["insult"].transform("nunique") == 1
    frame = frame[agreed].drop_duplicates("text")
    insult = frame["insult"].to_numpy() > 0
    labels = {
        "violence": known_where(~insult, 0.0),
        "racism": known_where(~insult, 0.0),
        "doxing": 0.0,
        "discourtesy": insult.astype(float),
        "spam": 0.0,
    }
    return make_frame("impermium_insults", frame["text"], labels)


RUDDIT_POSITIVE, RUDDIT_NEGATIVE = 0.5, 0.0


def load_ruddit(data_dir: Path | str) -> pd.DataFrame:
    """Ruddit (rehydrated text): offensiveness >= 0.5 discourteous, <= 0 clean, middle dropped."""
    frame = pd.read_csv(raw_dir(data_dir) / "ruddit/ruddit_with_text.csv", encoding="utf-8")
    score = frame["offensiveness_score"].to_numpy(dtype=float)
    keep = (score >= RUDDIT_POSITIVE) | (score <= RUDDIT_NEGATIVE)
    frame, score = frame[keep], score[keep]
    clean = score <= RUDDIT_NEGATIVE
    labels = {
        "violence": known_where(clean, 0.0),
        "racism": known_where(clean, 0.0),
        "doxing": 0.0,
        "discourtesy": np.where(clean, 0.0, 1.0),
        "spam": 0.0,
    }
    return make_frame("ruddit", frame["comment_body"], labels, groups=frame["post_id"])


def load_stormfront_hate(data_dir: Path | str) -> pd.DataFrame:
    """Stormfront sentences (combined CSV): hate -> racism 1, noHate -> 0, grouped by post."""
    frame = pd.read_csv(
        raw_dir(data_dir) / "stormfront_hate/stormfront_sentences_combined.csv",
        dtype={"file_id": str},
        keep_default_na=False,
        encoding="utf-8",
    )
    frame = frame[frame["label"].isin(["hate", "noHate"])]
    posts = frame["file_id"].str.split("_").str[0]
    labels = {"racism": (frame["label"] == "hate").to_numpy(dtype=float)}
    return make_frame("stormfront_hate", frame["text"], labels, groups=posts)


_CONVABUSE_SPLITS = ("train", "valid", "test")
_ABUSE_LEVELS = ("1", "0", "-1", "-2", "-3")


def _first_vote(column: pd.Series) -> pd.Series:
    """Annotator cells are '1', '0' or repeat annotations like '1, 0': the first value, or NaN."""
    first = column.astype("string").str.split(",").str[0].str.strip()
    return pd.to_numeric(first, errors="coerce")


def load_convabuse(data_dir: Path | str) -> pd.DataFrame:
    """ConvAbuse user turns: abusive when at least half of the row's annotators chose -1/-2/-3."""
    root = raw_dir(data_dir) / "convabuse"
    frame = pd.concat(
        [
            pd.read_csv(root / f"ConvAbuseEMNLP{s}.csv", dtype=str, encoding="utf-8")
            for s in _CONVABUSE_SPLITS
        ],
        ignore_index=True,
    )
    n = len(frame)
    labelled, abuse, sexual, racist = (np.zeros(n) for _ in range(4))
    for k in range(1, 9):
        levels = [f"Annotator{k}_is_abuse.{v}" for v in _ABUSE_LEVELS]
        if levels[0] not in frame.columns:
            continue
        votes = pd.concat([_first_vote(frame[c]) for c in levels], axis=1).to_numpy()
        labelled_k = ~np.isnan(votes).all(axis=1)
        labelled += labelled_k
        abuse += labelled_k & (np.nan_to_num(votes[:, 2:]) > 0).any(axis=1)
        for total, name in ((sexual, "sex_harassment"), (racist, "racist")):
            column = f"Annotator{k}_{name}"
            if column in frame.columns:
                total += labelled_k & (_first_vote(frame[column]).fillna(0).to_numpy() > 0)
    keep = labelled > 0
    frame = frame[keep]
    labelled, abuse, sexual, racist = labelled[keep], abuse[keep], sexual[keep], racist[keep]
    abusive = 2 * abuse >= labelled
    clean = ~abusive
    labels = {
        "violence": known_where(clean, 0.0),
        "racism": np.where(clean, 0.0, known_where(2 * racist >= labelled)),
        "profanity": known_where(clean, 0.0),
        "vulgarity": np.where(clean, 0.0, known_where(2 * sexual >= labelled)),
        "doxing": 0.0,
        "discourtesy": abusive.astype(float),
        "spam": 0.0,
    }
    return make_frame("convabuse", frame["user"], labels)
