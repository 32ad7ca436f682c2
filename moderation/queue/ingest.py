"""What enters the review queue from moderation and reader reports, and how it gets there
when Redis is away.

- Every `flag` enters as kind `flag`, at a priority that grows with its risk (the highest
  triggered score): 100 to 199, below any reader report.
- A fraction `audit_sample_rate` of `allow` and `reject` decisions enters as kind `audit`
  (priority 0), with the rate on the item (`audit_rate`): `moderation policy suggest` weighs
  its outcome by it. The choice is a hash of the comment id, not a coin toss: a comment sent
  again is sampled the same way, so a retry never turns an audit item into two or none.
- A reader report scores the comment when it has no item yet and enters as kind `report`, at
  `report_priority`: 300 plus its risk (up to 99) plus 10 per further reporter, below 900.
- When Redis cannot take a flag or an audit sample, the entry goes to a local spool
  (`spool.Spool`: append-only JSONL, fsynced before the answer) and the answer says
  `review: {item_id, kind, status: "deferred"}`; a background thread moves it into Redis once
  Redis answers again. Entering is keyed by comment id and `flag`/`audit` enter an item once,
  so a replay that runs twice changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from redis.exceptions import RedisError, ResponseError

from moderation.errors import QueueUnavailable
from moderation.observability.metrics import REVIEW_ENTRIES
from moderation.queue.connection import unavailable_as_503
from moderation.queue.items import PRIORITY, CommentIdCollision, EnterResult, ReviewQueue
from moderation.queue.keys import item_id_for
from moderation.queue.spool import Spool
from moderation.schemas import ModerateRequest, ModerationResult, ReviewRef

log = logging.getLogger("moderation.queue")

# A flag's priority: the kind's base plus up to this much for its risk (100..199).
FLAG_RISK_SPAN = 99
# A reported item gains this much priority per further reporter, for at most this many.
REPORT_STEP, REPORT_STEPS = 10, 50
# Largest pipeline sent to Redis in one round trip when entering many comments.
PIPELINE_CHUNK = 256
EntryKind = Literal["flag", "audit"]
Status = Literal["queued", "deferred", "not_queued"]
# The per-request fields of a result; the rest is the automated decision on record.
NOT_SCORING = frozenset({"id", "review", "request_id"})


def audit_sampled(comment_id: str, rate: float) -> bool:
    """Whether an allowed or rejected comment becomes an `audit` item: the first 64 bits of
    SHA-256("audit:" + id) as a fraction of 2**64, below `rate`. Deterministic per id."""
    if rate <= 0.0:
        return False
    if rate >= 1.0:
        return True
    digest = hashlib.sha256(b"audit:" + comment_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") < rate * 2**64


def flag_priority(result: ModerationResult) -> int:
    """A flag's queue priority: riskier comments first (100 + 99 × highest triggered score)."""
    risk = max((t.score for t in result.triggered), default=0.0)
    return PRIORITY["flag"] + round(FLAG_RISK_SPAN * min(max(risk, 0.0), 1.0))


def report_priority(risk: float, reports: int) -> int:
    """A reported item's priority: 300, plus up to 99 for the risk its scores show, plus 10 for
    each further reporter (capped below an appeal's 900), so an item many readers report, or a
    risky one, comes first. Entering only ever raises an item's priority."""
    bump = REPORT_STEP * min(max(reports - 1, 0), REPORT_STEPS)
    return min(PRIORITY["report"] + round(FLAG_RISK_SPAN * risk) + bump, PRIORITY["appeal"] - 1)


def _risk(scores: Mapping[Any, float] | None) -> float:
    """The highest category score on record (0 when there is none), clamped to 0..1."""
    return min(max(max((scores or {}).values(), default=0.0), 0.0), 1.0)


def scoring_of(result: ModerationResult) -> dict[str, Any]:
    """The automated decision a review item keeps: the result less its per-request fields."""
    return result.model_dump(mode="json", exclude=set(NOT_SCORING))


@dataclass(frozen=True)
class Entry:
    """One comment entering the queue from moderation: `ReviewQueue.enter`'s arguments, in a
    form that goes to the spool as JSON and comes back unchanged."""

    comment_id: str
    kind: EntryKind
    priority: int
    scoring: dict[str, Any]
    text: str
    author_id: str | None = None
    context: dict[str, Any] | None = None
    now_ms: int | None = None  # set on replay: the item is dated when it was moderated
    audit_rate: float | None = None  # an audit entry's sampling rate, kept on the item

    @property
    def item_id(self) -> str:
        return item_id_for(self.comment_id)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Entry:
        return cls(**raw)


def entry_for(
    result: ModerationResult, request: ModerateRequest | None, *, audit_sample_rate: float
) -> Entry | None:
    """The queue entry a moderation result makes, or None (allowed or rejected, not sampled)."""
    audit_rate: float | None = None
    if result.decision == "flag":
        kind: EntryKind = "flag"
        priority = flag_priority(result)
    elif audit_sampled(result.id, audit_sample_rate):
        kind, priority = "audit", PRIORITY["audit"]
        audit_rate = audit_sample_rate
    else:
        return None
    context = request.context.model_dump(exclude_none=True) if request and request.context else None
    return Entry(
        comment_id=result.id,
        kind=kind,
        priority=priority,
        scoring=scoring_of(result),
        text=request.text if request else "",
        author_id=request.author_id if request else None,
        context=context or None,
        audit_rate=audit_rate,
    )


def enter_many(queue: ReviewQueue, entries: Sequence[Entry]) -> list[str]:
    """Enter `entries` into the queue in one round trip per `PIPELINE_CHUNK`; returns each
    one's status (`created`, `joined`, `unchanged`). Raises `QueueUnavailable` when Redis
    cannot take them (some may be in: entering again is harmless)."""
    if len(entries) == 1:
        return [_enter(queue, entries[0]).status]
    calls = [queue.enter_call(**_enter_fields(entry)) for entry in entries]
    statuses: list[str] = []
    for start in range(0, len(calls), PIPELINE_CHUNK):
        with unavailable_as_503("enter comments into the review queue"):
            pipe = queue.client.pipeline(transaction=False)
            for keys, args in calls[start : start + PIPELINE_CHUNK]:
                queue.scripts.create_or_join(keys=keys, args=args, client=pipe)
            replies = pipe.execute()
        for (keys, _args), (status, _fields) in zip(
            calls[start : start + PIPELINE_CHUNK], replies, strict=True
        ):
            if status == "conflict":
                raise CommentIdCollision(f"{keys[0]} already belongs to another comment")
            statuses.append(str(status))
    return statuses


def _enter_fields(entry: Entry) -> dict[str, Any]:
    return {
        "comment_id": entry.comment_id,
        "kind": entry.kind,
        "priority": entry.priority,
        "scoring": entry.scoring,
        "text": entry.text,
        "author_id": entry.author_id,
        "context": entry.context,
        "now_ms": entry.now_ms,
        "audit_rate": entry.audit_rate,
    }


def _enter(queue: ReviewQueue, entry: Entry) -> EnterResult:
    return queue.enter(**_enter_fields(entry))


class ReviewIngest:
    """Puts moderation results into the review queue, spooling them while Redis is away.

    With no queue (no Redis configured: a library or test app) nothing is entered and every
    `review` stays null.
    """

    def __init__(
        self,
        queue: ReviewQueue | None,
        spool: Spool | None,
        *,
        audit_sample_rate: float,
        replay_interval: float = 1.0,
    ) -> None:
        self.queue = queue
        self.spool = spool
        self.audit_sample_rate = audit_sample_rate
        self.replay_interval = replay_interval
        self.deferred_total = 0  # entries written to the spool since start
        self.replayed_total = 0  # spooled entries since moved into Redis
        self.not_queued_total = 0  # entries neither Redis nor the spool took
        # Set when Redis failed a write: later entries go straight to the spool (no wait on a
        # dead server per request) until a replay reaches Redis again.
        self._redis_away = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- moderation -----------------------------------------------------------------------

    def admit(
        self, results: Sequence[ModerationResult], requests: Sequence[ModerateRequest | None]
    ) -> None:
        """Enter the results that need a person and set each result's `review`."""
        if self.queue is None:
            return
        picked = [
            (result, entry)
            for result, request in zip(results, requests, strict=True)
            if (entry := entry_for(result, request, audit_sample_rate=self.audit_sample_rate))
        ]
        if not picked:
            return
        entries = [entry for _, entry in picked]
        status = self._write(entries)
        for result, entry in picked:
            REVIEW_ENTRIES.labels(kind=entry.kind, status=status).inc()
            result.review = ReviewRef(item_id=entry.item_id, kind=entry.kind, status=status)

    def _write(self, entries: list[Entry]) -> Status:
        """`queued` (in Redis), `deferred` (in the spool) or, when the spool cannot be
        written either, `not_queued`: the answer says so and the caller sends it again."""
        assert self.queue is not None
        if self.spool is None:  # nowhere to keep them: the caller gets the 503
            enter_many(self.queue, entries)
            return "queued"
        if not self._redis_away.is_set():
            try:
                enter_many(self.queue, entries)
                return "queued"
            except (QueueUnavailable, RedisError) as exc:
                # Any Redis failure: the answer still carries its decision, the entry waits
                # on disk (one Redis refuses for good ends up in the spool's rejected.jsonl).
                self._redis_away.set()
                log.warning(
                    "review queue unreachable (%s); spooling entries to %s",
                    (exc.details or {}).get("reason", exc.message)
                    if isinstance(exc, QueueUnavailable)
                    else repr(exc),
                    self.spool.directory,
                )
        # Dated now: the item keeps the time of moderation, not the time of the replay.
        now_ms = time.time_ns() // 1_000_000
        try:
            self.spool.append([{**e.to_json(), "now_ms": e.now_ms or now_ms} for e in entries])
        except OSError as exc:
            self.not_queued_total += len(entries)
            log.error(
                "review queue unreachable and spool %s unwritable (%s): %d entries not queued (%s)",
                self.spool.directory,
                exc,
                len(entries),
                ", ".join(e.comment_id for e in entries),
            )
            return "not_queued"
        self.deferred_total += len(entries)
        return "deferred"

    # -- reader reports -------------------------------------------------------------------

    def report(
        self,
        *,
        comment_id: str,
        text: str,
        reason: str,
        reporter_id: str | None,
        score: Callable[[], ModerationResult],
    ) -> EnterResult:
        """Enter a reader report: create the comment's item (scored by `score()`) or join it.

        The text and decision on record are never replaced by a report's copy of the text.
        Raises `QueueUnavailable` when Redis is away (the caller resends).
        """
        if self.queue is None:
            raise QueueUnavailable("no Redis is configured for the review queue (set REDIS_URL)")
        known = self.queue.get_by_comment(comment_id)
        scoring = None if known is not None else scoring_of(score())
        risk = _risk(known.scores if known is not None else (scoring or {}).get("scores"))
        reports = (known.reports if known is not None else 0) + 1
        return self.queue.enter(
            comment_id=comment_id,
            kind="report",
            priority=report_priority(risk, reports),
            scoring=scoring,
            keep_record=True,
            text=text,
            reporter_id=reporter_id,
            reason=reason,
        )

    # -- the replay thread ----------------------------------------------------------------

    def replay(self) -> int:
        """Move spooled entries into Redis; returns how many moved. Never raises."""
        if self.queue is None or self.spool is None:
            return 0
        queue = self.queue

        def write(raw: list[dict[str, Any]]) -> None:
            try:
                enter_many(queue, [Entry.from_json(r) for r in raw])
            except ResponseError:
                raise  # Redis refused these entries: the spool sets them aside
            except RedisError as exc:  # Redis could not answer: keep them for the next try
                raise QueueUnavailable(f"Redis failed: {exc!r}") from exc

        try:
            moved = self.spool.drain(write)
        except QueueUnavailable:
            return 0
        except Exception:
            log.exception("replaying the review spool failed")
            return 0
        if self._redis_away.is_set() and (moved or queue.ping().get("reachable")):
            self._redis_away.clear()
            log.info("review queue reachable again")
        if moved:
            self.replayed_total += moved
            log.info("moved %d spooled review entries into Redis", moved)
        return moved

    def start(self) -> None:
        """Start the thread that replays the spool every `replay_interval` seconds."""
        if self.queue is None or self.spool is None or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="review-spool", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after one last replay; what Redis did not take stays on disk for
        the next process on this state folder."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        if self.spool is not None:
            if self.queue is not None:
                self.replay()
            self.spool.close()

    def _run(self) -> None:
        self.replay()  # entries a previous process left behind
        while not self._stop.wait(self.replay_interval):
            self.replay()
