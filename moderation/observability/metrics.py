"""The service's Prometheus metrics and the `/metrics` page.

The metric objects live at module level, as prometheus-client intends: a process counts into
them from anywhere (a route, the webhook thread, the review ingest). With
`PROMETHEUS_MULTIPROC_DIR` set before this module is first imported (`moderation serve
--workers N` does it, see `multiproc`), each worker writes its figures to files in that folder
and `render` sums them, so a scrape landing on any worker reports the whole service.

Labels stay few and bounded: route templates (never a raw path), methods, statuses, the seven
categories, decisions, actions, states. Never a comment id, an author id or any text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from moderation.observability.multiproc import MULTIPROC_VARIABLE
from moderation.schemas import ModerationResult

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # the classic text format every scraper reads
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # the route label of a request no route answers (404s)
# Scoring takes about a millisecond; a batch of 256 or a slow Redis takes longer.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "moderation_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "moderation_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
DECISIONS = Counter(
    "moderation_decisions",
    "Comments moderated (POST /v1/moderate, /v1/moderate/batch, Coral), by decision.",
    ["decision"],
)
TRIGGERED = Counter(
    "moderation_triggered_categories",
    "Categories that triggered on moderated comments, by category and action (flag, reject).",
    ["category", "action"],
)
REVIEW_ENTRIES = Counter(
    "moderation_review_entries",
    "Moderation results sent to the review queue, by kind (flag, audit) and status (queued, "
    "deferred: in the local spool, not_queued: lost to a full disk).",
    ["kind", "status"],
)
WEBHOOK_DELIVERIES = Counter(
    "moderation_webhook_deliveries",
    "Outcome webhook attempts, by result (delivered, failed: retried later).",
    ["result"],
)
MODEL_LOADED = Gauge(
    "moderation_model_loaded",
    "Processes serving this model and policy version (summed over workers).",
    ["model_version", "policy_version"],
    multiprocess_mode="livesum",
)

MODEL_RELOADS = Counter(
    "moderation_model_reloads",
    "Hot reloads of the model, by result (loaded; failed: the old model still serves; "
    "ignored: MODERATION_MODEL_VERSION pins the version).",
    ["result"],
)


def multiprocess_dir() -> str | None:
    """The folder the workers share their figures in, or None (one process)."""
    return os.environ.get(MULTIPROC_VARIABLE) or None


def method_label(method: str) -> str:
    """The method, or `other` for anything a client invents (bounded label)."""
    return method if method in METHODS else "other"


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    method = method_label(method)
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_LATENCY.labels(method=method, route=route).observe(seconds)


def count_results(results: Sequence[ModerationResult]) -> None:
    """Count each result's decision and each category it triggered."""
    for result in results:
        DECISIONS.labels(decision=result.decision).inc()
        for item in result.triggered:
            TRIGGERED.labels(category=item.category, action=item.action).inc()


def model_loaded(model_version: str, policy_version: str) -> None:
    MODEL_LOADED.labels(model_version=model_version, policy_version=policy_version).inc()


def model_unloaded(model_version: str, policy_version: str) -> None:
    MODEL_LOADED.labels(model_version=model_version, policy_version=policy_version).dec()


def count_reload(result: str) -> None:
    """One hot reload: `loaded`, `failed` or `ignored`."""
    MODEL_RELOADS.labels(result=result).inc()


def process_stopping() -> None:
    """A worker's last word: its live gauges (`moderation_model_loaded`) leave the sum. Only
    counters and histograms of a stopped worker keep counting, as totals should."""
    folder = multiprocess_dir()
    if folder is not None:
        mark_process_dead(os.getpid(), folder)  # type: ignore[no-untyped-call]


class _Union:
    """The figures of several collectors as one, for `generate_latest`."""

    def __init__(self, collectors: Iterable[Collector]) -> None:
        self.collectors = list(collectors)

    def collect(self) -> Iterable[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def render(extra: Collector | None = None) -> bytes:
    """The metrics page: this process's registry (or the sum over the workers' files) plus
    `extra`, figures read at scrape time."""
    folder = multiprocess_dir()
    if folder is not None:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
        source: Collector = registry
    else:
        source = REGISTRY
    return generate_latest(_Union([source] if extra is None else [source, extra]))
