"""Metrics (Prometheus, `GET /metrics`) and structured logs (one JSON object a line).

- `metrics`: the service's metric objects and the `/metrics` rendering, one process or the
  sum over `moderation serve --workers N` (prometheus-client's multiprocess mode);
- `collector`: figures read at scrape time (queue depth, outbox, spool) from Redis and disk;
- `multiproc`: the per-run metrics folder `moderation serve` keeps for its workers;
- `logs`: the request-id context variable, the JSON and text formats, uvicorn's log config;
- `decisions`: one place that counts and logs a moderation decision.
"""
