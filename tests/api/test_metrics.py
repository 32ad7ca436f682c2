"""`GET /metrics` through the real app: counters move with the right labels after real
requests, queue depth is read from the real Redis, and a dead Redis never fails a scrape."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from moderation.api.app import create_app
from moderation.queue import ReviewQueue
from moderation.settings import Settings
from tests.helpers import free_port

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def names(samples: Samples) -> set[str]:
    return {name for name, _ in samples}


def test_requests_and_decisions_are_counted(client: TestClient) -> None:
    before = scrape(client)
    texts = ["Thanks for the article", "you stupid idiot, shut up", "buy cheap pills now"]
    results: list[dict[str, Any]] = []
    for text in texts[:2]:
        response = client.post("/v1/moderate", json={"id": "c-secret-1", "text": text})
        assert response.status_code == 200
        results.append(response.json())
    batch = client.post("/v1/moderate/batch", json={"items": [{"text": t} for t in texts]})
    results.extend(batch.json()["results"])
    assert client.get("/no/such/page").status_code == 404
    # No Redis in this app: the queue answers 503, counted under the route's template.
    assert client.post("/v1/queue/ri_secret/decision", json={}).status_code == 503
    after = scrape(client)

    count = "moderation_http_requests_total"
    assert moved(before, after, count, method="POST", route="/v1/moderate", status="200") == 2
    assert moved(before, after, count, method="POST", route="/v1/moderate/batch", status="200") == 1
    assert moved(before, after, count, method="GET", route="unmatched", status="404") == 1
    decision_route = "/v1/queue/{item_id}/decision"
    assert moved(before, after, count, method="POST", route=decision_route, status="503") == 1
    latency = "moderation_http_request_duration_seconds"
    assert moved(before, after, latency + "_count", method="POST", route="/v1/moderate") == 2
    assert moved(before, after, latency + "_sum", method="POST", route="/v1/moderate") > 0
    # The scrape before counts itself once it has answered.
    assert value(after, count, method="GET", route="/metrics", status="200") >= 1

    decisions = Counter(r["decision"] for r in results)
    assert decisions["allow"] < len(results)  # some categories triggered
    for decision in ("allow", "flag", "reject"):
        got = moved(before, after, "moderation_decisions_total", decision=decision)
        assert got == decisions[decision], decision
    triggered = Counter((t["category"], t["action"]) for r in results for t in r["triggered"])
    for (category, action), n in triggered.items():
        name = "moderation_triggered_categories_total"
        assert moved(before, after, name, category=category, action=action) == n

    page = client.get("/metrics").text
    assert "c-secret-1" not in page and "ri_secret" not in page and "/no/such" not in page
    assert all(text not in page for text in texts)
    model = results[0]["model_version"], results[0]["policy_version"]
    labels = {"model_version": model[0], "policy_version": model[1]}
    assert value(after, "moderation_model_loaded", **labels) >= 1
    # No Redis configured: no queue figures, not even a "down" one.
    assert "moderation_redis_up" not in names(after)


def test_queue_depth_and_outbox_come_from_redis(
    queue_client: TestClient, queue: ReviewQueue
) -> None:
    scoring = {"decision": "flag", "scores": {}, "triggered": [], "model_version": "m"}
    for n in range(3):
        queue.enter(comment_id=f"c-{n}", kind="flag", priority=100, scoring=scoring, text="t")
    claim = {"moderator": "ana", "limit": 2, "lease_seconds": 60}
    held = queue_client.post("/v1/queue/claim", json=claim).json()["items"]
    decision = {"moderator": "ana", "outcome": "reject", "labels": ["spam"]}
    response = queue_client.post(f"/v1/queue/{held[0]['item_id']}/decision", json=decision)
    assert response.status_code == 200

    samples = scrape(queue_client)
    assert value(samples, "moderation_redis_up") == 1
    depth = "moderation_review_queue_depth"
    assert value(samples, depth, state="pending") == 1
    assert value(samples, depth, state="claimed") == 1
    assert value(samples, depth, state="decided") == 1
    # No webhook URL: the outcome waits in the outbox.
    assert value(samples, "moderation_webhook_outbox_entries") == 1
    assert value(samples, "moderation_webhook_outbox_retrying") == 0
    assert value(samples, "moderation_review_spool_bytes") == 0
    route = "/v1/queue/{item_id}/decision"
    assert value(
        samples, "moderation_http_requests_total", method="POST", route=route, status="200"
    )


def test_review_entries_are_counted_by_kind_and_status(
    queue_settings: Settings, auth_headers: dict[str, str]
) -> None:
    every = queue_settings.model_copy(update={"audit_sample_rate": 1.0})  # all enter the queue
    with TestClient(create_app(every), headers=auth_headers) as client:
        before = scrape(client)
        texts = ["I will find where you live and hurt you", "you stupid idiot", "nice piece"]
        batch = client.post("/v1/moderate/batch", json={"items": [{"text": t} for t in texts]})
        after = scrape(client)
    results = batch.json()["results"]
    assert all(r["review"]["status"] == "queued" for r in results)
    kinds = Counter(r["review"]["kind"] for r in results)
    name = "moderation_review_entries_total"
    for kind in ("flag", "audit"):
        assert moved(before, after, name, kind=kind, status="queued") == kinds[kind]
    assert value(after, "moderation_review_queue_depth", state="pending") == len(texts)


def test_metrics_answer_with_redis_unreachable(settings: Settings) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    dead = settings.model_copy(update={"redis_url": url, "audit_sample_rate": 1.0})
    with TestClient(create_app(dead)) as client:
        first, second = scrape(client), scrape(client)
        # Scoring goes on, its review entry waits in the spool; the page still answers.
        response = client.post("/v1/moderate", json={"text": "I will hurt you, idiot"})
        assert response.json()["review"]["status"] == "deferred"
        third = scrape(client)
    for samples in (first, second, third):
        assert value(samples, "moderation_redis_up") == 0
        assert not any(name.startswith("moderation_review_queue") for name in names(samples))
        assert "moderation_webhook_outbox_entries" not in names(samples)
    assert value(first, "moderation_review_spool_bytes") == 0
    assert value(third, "moderation_review_spool_bytes") > 0
