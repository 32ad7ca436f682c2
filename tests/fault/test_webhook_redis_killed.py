"""Redis killed under the webhook deliverer in the middle of a batch: the outcome in flight
is delivered once (its acknowledgement waits in memory), and the rest of the batch, still
leased to the deliverer, goes out as soon as Redis is back, not when the lease runs out."""

from __future__ import annotations

import json
import threading

from moderation.queue.connection import connect
from moderation.queue.webhook import OutboxKeys, WebhookDeliverer
from moderation.settings import Settings
from tests.fault.conftest import PREFIX, WEBHOOK_SECRET
from tests.helpers import wait_for
from tests.servers import PrivateRedis, Receiver, Request

LEASE = 600.0  # seconds: far longer than the test may wait


def test_a_batch_cut_by_a_redis_kill_is_sent_once_redis_is_back(
    fault_settings: Settings, private_redis: PrivateRedis, receiver: Receiver
) -> None:
    private_redis.start()
    stream = OutboxKeys(PREFIX).stream
    with private_redis.client() as raw:
        ids = [
            raw.xadd(
                stream, {"event": "decision", "item_id": f"ri_{n}", "body": json.dumps({"n": n})}
            )
            for n in range(5)
        ]
    killed = threading.Event()

    def answer(_request: Request) -> int:
        if not killed.is_set():  # Redis dies while the first outcome is being delivered
            private_redis.kill()
            killed.set()
        return 200

    receiver.answer = answer
    receiver.start()
    client = connect(fault_settings)
    deliverer = WebhookDeliverer(
        client,
        prefix=PREFIX,
        url=receiver.url,
        secret=WEBHOOK_SECRET,
        timeout=1.0,
        retry_initial=0.05,
        retry_max=0.2,
        poll=0.02,
        lease=LEASE,
    )
    try:
        deliverer.start()
        wait_for(killed.is_set, what="the first delivery")
        private_redis.start()
        wait_for(lambda: len(receiver.delivered()) == 5, what="the whole batch")
        with private_redis.client() as raw:
            wait_for(lambda: raw.xlen(stream) == 0, what="the acknowledgements")
    finally:
        deliverer.stop()
        client.close()
        client.connection_pool.disconnect()  # the pool is connect()'s own
    deliveries = receiver.by_delivery()
    assert sorted(deliveries) == sorted(ids)
    assert all(len(requests) == 1 for requests in deliveries.values())
