"""The webhook outbox in Redis: its keys, the Lua scripts that take entries for delivery and
reschedule failed ones, and its figures. `webhook.WebhookDeliverer` drives them; the layout
and the delivery rules are in `moderation.queue.webhook`'s docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from moderation.queue.keys import QueueKeys

# Take up to `count` entries to deliver: due retries first, then new entries of the stream.
#
# KEYS[1] outbox stream   KEYS[2] schedule zset   KEYS[3] attempts hash   KEYS[4] errors hash
# ARGV[1] group           ARGV[2] consumer        ARGV[3] count           ARGV[4] lease (ms)
#
# Each entry taken is claimed by the consumer (XCLAIM ... FORCE re-creates a pending entry a
# deleted consumer lost) and scheduled at now + lease: the lease token. An id in the schedule
# whose entry left the stream is dropped with its counts.
# Returns {now_ms, next_due_ms or -1, {id, lease, attempts, field, value, ...}, ...}.
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local count = tonumber(ARGV[3])
local lease = now + tonumber(ARGV[4])
local out = {}
local function add(id, fields)
  redis.call('ZADD', KEYS[2], lease, id)
  local row = {id, tostring(lease), redis.call('HGET', KEYS[3], id) or '0'}
  for _, v in ipairs(fields) do row[#row + 1] = v end
  out[#out + 1] = row
end
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, count)
for _, id in ipairs(due) do
  local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'FORCE')
  if #claimed == 0 or not claimed[1][2] then
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[4], id)
  else
    add(id, claimed[1][2])
  end
end
if #out < count then
  local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', count - #out,
                          'STREAMS', KEYS[1], '>')
  if read then
    for _, entry in ipairs(read[1][2]) do
      if entry[2] then add(entry[1], entry[2]) end
    end
  end
end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local result = {now, first[2] and math.floor(tonumber(first[2])) or -1}
for _, row in ipairs(out) do result[#result + 1] = row end
return result
"""

# Put a taken entry back in the schedule, if this deliverer still holds it.
#
# KEYS[1] schedule zset   KEYS[2] attempts hash   KEYS[3] errors hash
# ARGV[1] entry id        ARGV[2] lease token (its score when taken)
# ARGV[3] "1" = a failed attempt: count it, wait first * 2^(attempts-1) capped at max;
#         "0" = not attempted: wait ARGV[6] ms
# ARGV[4] first retry (ms)   ARGV[5] longest wait (ms)   ARGV[6] wait when not attempted (ms)
# ARGV[7] the failure, kept for operators ("" = keep the last one)
# Returns {attempts, wait_ms}, or -1 when the lease was lost (another deliverer has the
# entry, or it was delivered) and nothing was written.
RESCHEDULE = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local attempts = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local wait = tonumber(ARGV[6])
if ARGV[3] == '1' then
  attempts = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  wait = math.min(tonumber(ARGV[5]), tonumber(ARGV[4]) * 2 ^ (attempts - 1))
end
if ARGV[7] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[7]) end
redis.call('ZADD', KEYS[1], now + math.floor(wait), ARGV[1])
return {attempts, math.floor(wait)}
"""


@dataclass(frozen=True)
class OutboxKeys:
    """The outbox's keys for one key prefix."""

    prefix: str = "moderation"

    @property
    def stream(self) -> str:
        return QueueKeys(self.prefix).base + ":outbox"

    @property
    def schedule(self) -> str:
        return self.stream + ":schedule"

    @property
    def attempts(self) -> str:
        return self.stream + ":attempts"

    @property
    def errors(self) -> str:
        return self.stream + ":errors"


@dataclass(frozen=True)
class Entry:
    """One outbox entry taken for delivery."""

    id: str
    lease: str
    attempts: int  # failed attempts before this one
    fields: dict[str, str]

    @property
    def event(self) -> str:
        return self.fields.get("event") or "decision"


def outbox_stats(client: redis.Redis, prefix: str) -> dict[str, Any]:
    """Undelivered outcomes (`undelivered`), those that failed at least once (`retrying`),
    the oldest one's age in seconds (`oldest_age_seconds`, None when empty) and the most
    failed attempts of one entry (`max_attempts`). Raises RedisError."""
    k = OutboxKeys(prefix)
    pipe = client.pipeline(transaction=False)
    pipe.xlen(k.stream)
    pipe.xrange(k.stream, count=1)
    pipe.hvals(k.attempts)
    pipe.time()
    length, first, attempts, (seconds, micros) = pipe.execute()
    oldest = None
    if first:
        entry_id = first[0][0]
        if isinstance(entry_id, bytes):  # a client without decode_responses
            entry_id = entry_id.decode("ascii")
        created_ms = int(str(entry_id).split("-")[0])
        oldest = max(0.0, round(seconds + micros / 1e6 - created_ms / 1000, 3))
    counts = [int(a) for a in attempts]
    return {
        "undelivered": int(length),
        "retrying": len(counts),
        "oldest_age_seconds": oldest,
        "max_attempts": max(counts, default=0),
    }
