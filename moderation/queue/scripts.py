"""The review queue's Lua scripts, each headed by its KEYS, ARGV and return values.

Scripts are registered once per client (`Scripts(client)`); redis-py sends EVALSHA and loads
the script again after a server restart (NOSCRIPT). A script runs atomically: another client
sees the queue before or after it, never halfway.
"""

from __future__ import annotations

from typing import Any

import redis

# Enter one comment into the queue: create its review item, or join the existing one.
#
# KEYS[1] item hash      <prefix>:{queue}:item:<item_id>
# KEYS[2] pending zset   <prefix>:{queue}:pending   (score: keys.pending_score)
# KEYS[3] decided zset   <prefix>:{queue}:decided
# ARGV[1] item_id        ARGV[2] comment_id         ARGV[3] kind (flag|report|audit|appeal)
# ARGV[4] priority, integer 0..1000 (higher is served first)
# ARGV[5] now in ms since the epoch; "" = the server's TIME
# ARGV[6] once: "1" = when the item already has this kind, change nothing ("unchanged")
# ARGV[7] reopen: "1" = joining a decided item puts it back in pending
# ARGV[8] author guard: when not "", an item whose author_id is another one is left alone
# ARGV[9] scoring JSON (the automated decision), replaces the one on record; "" = keep
# ARGV[10] entry JSON object for this kind (e.g. the appeal), stored in field `entry:<kind>`
#          with `"at":` now and `"original":` the scoring on record before this call (or,
#          on creation, ARGV[9]) spliced in; "" = none
# ARGV[11] n: the first n of the field/value pairs that follow replace what is on record
#          (text); the rest only fill a field the item lacks (author_id, context). An empty
#          value is skipped.
#
# Creating sets item_id, comment_id, kind, kinds, state=pending, priority, created_at and adds
# the item to pending. Joining adds the kind to `kinds`, raises `priority` to the larger of
# the two (`kind` is the kind that set it), re-sorts a pending item, reopens a decided one
# when asked, and leaves a claimed one with its moderator (its priority applies when it
# returns to pending). Both count `entries` and `count:<kind>` and set `updated_at`.
#
# Returns {status, HGETALL of the item}. Status "created" or "joined"; or, with nothing
# written: "unchanged" (a `once` kind the item already has), "author_mismatch" (the guard
# failed), "conflict" (the item id belongs to another comment; the item comes back empty).
CREATE_OR_JOIN = """
local item_key, pending_key, decided_key = KEYS[1], KEYS[2], KEYS[3]
local item_id, comment_id, kind = ARGV[1], ARGV[2], ARGV[3]
local priority = tonumber(ARGV[4])
local now = tonumber(ARGV[5])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local now_ms = string.format('%.0f', now)
local MAX_PRIORITY, AGE_SPAN = 1000, 4398046511104
local function score(p, created)
  return string.format('%.0f', (MAX_PRIORITY - p) * AGE_SPAN + created)
end

local status = 'joined'
local owner = redis.call('HGET', item_key, 'comment_id')
if owner then
  if owner ~= comment_id then
    return {'conflict', {}}
  end
  local author = redis.call('HGET', item_key, 'author_id')
  if ARGV[8] ~= '' and author and author ~= ARGV[8] then
    return {'author_mismatch', redis.call('HGETALL', item_key)}
  end
  local kinds = redis.call('HGET', item_key, 'kinds')
  local has_kind = string.find(',' .. kinds .. ',', ',' .. kind .. ',', 1, true)
  if has_kind and ARGV[6] == '1' then
    return {'unchanged', redis.call('HGETALL', item_key)}
  end
  if not has_kind then
    redis.call('HSET', item_key, 'kinds', kinds .. ',' .. kind)
  end
  local old = tonumber(redis.call('HGET', item_key, 'priority'))
  if priority >= old then
    redis.call('HSET', item_key, 'priority', priority, 'kind', kind)
  else
    priority = old
  end
else
  status = 'created'
  redis.call('HSET', item_key, 'item_id', item_id, 'comment_id', comment_id, 'kind', kind,
    'kinds', kind, 'state', 'pending', 'priority', priority, 'created_at', now_ms)
end

if ARGV[10] ~= '' then
  local original = redis.call('HGET', item_key, 'scoring') or ARGV[9]
  if original == '' then original = 'null' end
  local entry = string.sub(ARGV[10], 1, -2)
  if entry ~= '{' then entry = entry .. ',' end
  entry = entry .. '"at":' .. now_ms .. ',"original":' .. original .. '}'
  redis.call('HSET', item_key, 'entry:' .. kind, entry)
end
if ARGV[9] ~= '' then
  redis.call('HSET', item_key, 'scoring', ARGV[9])
end
local replace_until = 11 + 2 * tonumber(ARGV[11])
for i = 12, #ARGV - 1, 2 do
  if ARGV[i + 1] ~= '' then
    if i < replace_until then
      redis.call('HSET', item_key, ARGV[i], ARGV[i + 1])
    else
      redis.call('HSETNX', item_key, ARGV[i], ARGV[i + 1])
    end
  end
end
redis.call('HINCRBY', item_key, 'entries', 1)
redis.call('HINCRBY', item_key, 'count:' .. kind, 1)
redis.call('HSET', item_key, 'updated_at', now_ms)

local state = redis.call('HGET', item_key, 'state')
if state == 'decided' and ARGV[7] == '1' then
  state = 'pending'
  redis.call('HSET', item_key, 'state', state, 'reopened_at', now_ms)
  redis.call('ZREM', decided_key, item_id)
end
if state == 'pending' then
  local created = tonumber(redis.call('HGET', item_key, 'created_at'))
  redis.call('ZADD', pending_key, score(priority, created), item_id)
end
return {status, redis.call('HGETALL', item_key)}
"""


class Scripts:
    """The queue's scripts registered on one client."""

    def __init__(self, client: redis.Redis) -> None:
        self.create_or_join: Any = client.register_script(CREATE_OR_JOIN)
