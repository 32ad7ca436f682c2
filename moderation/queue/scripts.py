"""The review queue's Lua scripts, each headed by its KEYS, ARGV and return values.

Every state change is one script: entering (create or join), claiming a lease, returning
expired leases, releasing, and deciding (which also appends the audit-log entry and the
outbox message for the webhook deliverer, see `DECIDE` and `keys`).

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
# KEYS[4] reporters set  <prefix>:{queue}:reporters:<item_id>
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
# ARGV[11] reporter id: "" = none; a reporter already in KEYS[4] changes nothing
#          ("unchanged"), a new one is added there
# ARGV[12] reason: "" = none; else {reason, reporter_id?, at} is appended to the item's
#          `reasons` field (a JSON list, the last ARGV[13] kept)
# ARGV[13] how many reasons to keep
# ARGV[14] n: the first n of the field/value pairs that follow replace what is on record
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
# written: "unchanged" (a `once` kind the item already has, or a report from a reporter
# already on the item), "author_mismatch" (the guard
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
  if ARGV[11] ~= '' and redis.call('SISMEMBER', KEYS[4], ARGV[11]) == 1 then
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
if ARGV[11] ~= '' then
  redis.call('SADD', KEYS[4], ARGV[11])
end
if ARGV[12] ~= '' then
  local reasons = cjson.decode(redis.call('HGET', item_key, 'reasons') or '[]')
  local reason = {reason = ARGV[12], at = now}
  if ARGV[11] ~= '' then reason.reporter_id = ARGV[11] end
  table.insert(reasons, reason)
  while #reasons > tonumber(ARGV[13]) do table.remove(reasons, 1) end
  redis.call('HSET', item_key, 'reasons', cjson.encode(reasons))
end
local replace_until = 14 + 2 * tonumber(ARGV[14])
for i = 15, #ARGV - 1, 2 do
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


# Shared by the lease scripts. Scripts that take item ids from a zset build the item keys
# from ARGV's item key prefix (`<prefix>:{queue}:item:`): they carry the same hash tag as
# the declared KEYS, so they live in the same Redis Cluster slot.
COMMON = """
local MAX_PRIORITY, AGE_SPAN = 1000, 4398046511104
local function clock(arg)
  local now = tonumber(arg)
  if not now then
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return now
end
local function fmt(n) return string.format('%.0f', n) end
local function to_pending(item_key, item_id, pending_key, claimed_key, now, counter)
  redis.call('ZREM', claimed_key, item_id)
  redis.call('HSET', item_key, 'state', 'pending', 'updated_at', fmt(now))
  redis.call('HDEL', item_key, 'claimed_by', 'claimed_at', 'lease_expires_at')
  redis.call('HINCRBY', item_key, counter, 1)
  local p, created = unpack(redis.call('HMGET', item_key, 'priority', 'created_at'))
  redis.call('ZADD', pending_key, fmt((MAX_PRIORITY - tonumber(p)) * AGE_SPAN + tonumber(created)),
    item_id)
end
-- Return up to `max` leases that expired by `now` (score <= now) to pending.
local function expire(claimed_key, pending_key, item_prefix, now, max)
  local ids = redis.call('ZRANGEBYSCORE', claimed_key, '-inf', fmt(now), 'LIMIT', 0, max)
  for _, id in ipairs(ids) do
    local key = item_prefix .. id
    if redis.call('HGET', key, 'state') == 'claimed' then
      to_pending(key, id, pending_key, claimed_key, now, 'expired_leases')
    else
      redis.call('ZREM', claimed_key, id)
    end
  end
  return #ids
end
"""

# Return expired leases to pending. Claim runs the same step first; list and stats call it.
#
# KEYS[1] claimed zset   KEYS[2] pending zset
# ARGV[1] now in ms ("" = the server's TIME)   ARGV[2] item key prefix   ARGV[3] most items
# Returns the number of leases returned to pending.
EXPIRE = (
    COMMON
    + """
return expire(KEYS[1], KEYS[2], ARGV[2], clock(ARGV[1]), tonumber(ARGV[3]))
"""
)

# Lease up to N pending items to a moderator: highest priority first, then oldest.
#
# KEYS[1] pending zset   KEYS[2] claimed zset (score: lease expiry in ms)
# KEYS[3] claim record   <prefix>:{queue}:claim:<token>, a list of the ids this claim took
# ARGV[1] now in ms ("" = the server's TIME)   ARGV[2] moderator   ARGV[3] limit
# ARGV[4] lease in ms    ARGV[5] item key prefix   ARGV[6] most expired leases to return first
# ARGV[7] how long the claim record is kept, in ms
# The same token sent again (the client retrying after a lost reply) returns the items that
# claim took and still holds, and claims nothing more.
# Sets state=claimed, claimed_by, claimed_at, lease_expires_at; counts `claims`.
# Returns a list of HGETALL replies, one per item leased (in order).
CLAIM = (
    COMMON
    + """
local now = clock(ARGV[1])
local out = {}
if redis.call('EXISTS', KEYS[3]) == 1 then
  for _, id in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do
    local key = ARGV[5] .. id
    if redis.call('HGET', key, 'claimed_by') == ARGV[2]
        and redis.call('HGET', key, 'state') == 'claimed' then
      table.insert(out, redis.call('HGETALL', key))
    end
  end
  return out
end
expire(KEYS[2], KEYS[1], ARGV[5], now, tonumber(ARGV[6]))
local expires = fmt(now + tonumber(ARGV[4]))
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
for _, id in ipairs(ids) do
  local key = ARGV[5] .. id
  redis.call('ZREM', KEYS[1], id)
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', KEYS[2], expires, id)
    redis.call('HSET', key, 'state', 'claimed', 'claimed_by', ARGV[2], 'claimed_at', fmt(now),
      'lease_expires_at', expires, 'updated_at', fmt(now))
    redis.call('HINCRBY', key, 'claims', 1)
    redis.call('RPUSH', KEYS[3], id)
    table.insert(out, redis.call('HGETALL', key))
  end
end
redis.call('RPUSH', KEYS[3], '')  -- the record exists even when nothing was pending
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[7]))
return out
"""
)

# Give a claimed item back to pending.
#
# KEYS[1] item hash   KEYS[2] claimed zset   KEYS[3] pending zset
# ARGV[1] item_id     ARGV[2] moderator      ARGV[3] now in ms ("" = the server's TIME)
# The item must be claimed by ARGV[2]; a lease of theirs that ran out but that nobody has
# taken since counts (the item goes back to pending either way).
# Returns {status, HGETALL}: "released", "not_held" (nothing written), "not_found".
RELEASE = (
    COMMON
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found', {}} end
local state, holder = unpack(redis.call('HMGET', KEYS[1], 'state', 'claimed_by'))
if state ~= 'claimed' or holder ~= ARGV[2] then
  return {'not_held', redis.call('HGETALL', KEYS[1])}
end
to_pending(KEYS[1], ARGV[1], KEYS[3], KEYS[2], clock(ARGV[3]), 'releases')
return {'released', redis.call('HGETALL', KEYS[1])}
"""
)

# A moderator's decision on an item they hold, with its audit-log entry and its webhook
# message, in one script: the three are written together or not at all.
#
# KEYS[1] item hash      KEYS[2] claimed zset   KEYS[3] pending zset   KEYS[4] decided zset
# KEYS[5] audit stream   KEYS[6] outbox stream  KEYS[7] counts hash
# ARGV[1] item_id   ARGV[2] moderator   ARGV[3] outcome (approve|reject)
# ARGV[4] labels as a JSON list of category names (validated by the caller)
# ARGV[5] note ("" = none)   ARGV[6] note as JSON (a string, or null)
# ARGV[7] now in ms ("" = the server's TIME)
#
# Only the lease holder decides, while the lease runs: a lease that ran out returns the item
# to pending. A decided item is final: the same moderator with the same outcome gets it back
# with nothing written ("unchanged"), anyone or anything else "already_decided".
# Deciding sets state=decided, outcome, labels, note, decided_by, decided_at (ms); moves the
# id from claimed to decided (score: now); counts `outcome:<o>`, `moderator:<m>` and, for an
# item with kind `audit`, `audit:<automated decision>:<o>` in KEYS[7]; then appends
#   KEYS[5] audit:  item_id, comment_id, moderator, outcome, labels (JSON), note, kinds (CSV),
#                   decided_at (ISO 8601), automated_decision
#   KEYS[6] outbox: event="decision", item_id, body = the webhook's JSON document
#     {"event":"decision","item_id","comment_id","outcome","labels","note","moderator",
#      "decided_at" (ISO 8601 UTC),"kinds","automated_decision" (on record, or null),
#      "appeal" (true when the item has kind appeal)}
# Returns {status, HGETALL}: "decided", "unchanged", "not_found" (empty item),
# "already_decided", "not_held", "lease_expired" (the last three write nothing but the
# expired lease's return to pending).
DECIDE = (
    COMMON
    + """
local function iso8601(ms)
  local secs = math.floor(ms / 1000)
  local days = math.floor(secs / 86400)
  local rem = secs - days * 86400
  -- days since 1970-01-01 to a civil date, with March-based years of 400-year eras
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524)
    - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local day = doy - math.floor((153 * mp + 2) / 5) + 1
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400 + (month <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day,
    math.floor(rem / 3600), math.floor(rem % 3600 / 60), rem % 60, ms - secs * 1000)
end

local item_key, item_id, moderator, outcome = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', item_key) == 0 then return {'not_found', {}} end
local now = clock(ARGV[7])
local state, holder, expires, decided_by, decided_outcome, decided_labels, decided_note =
  unpack(redis.call('HMGET', item_key, 'state', 'claimed_by', 'lease_expires_at', 'decided_by',
    'outcome', 'labels', 'note'))
if state == 'decided' then
  -- The same decision sent again (a retry) changes nothing; any other answer is a conflict,
  -- so a client never believes new labels or a new note were saved.
  if decided_by == moderator and decided_outcome == outcome and decided_labels == ARGV[4]
      and (decided_note or '') == ARGV[5] then
    return {'unchanged', redis.call('HGETALL', item_key)}
  end
  return {'already_decided', redis.call('HGETALL', item_key)}
end
if state ~= 'claimed' or holder ~= moderator then
  return {'not_held', redis.call('HGETALL', item_key)}
end
if tonumber(expires) <= now then
  to_pending(item_key, item_id, KEYS[3], KEYS[2], now, 'expired_leases')
  return {'lease_expired', redis.call('HGETALL', item_key)}
end

local comment_id, kinds, scoring = unpack(redis.call('HMGET', item_key, 'comment_id', 'kinds',
  'scoring'))
local automated = nil
if scoring then
  local ok, decoded = pcall(cjson.decode, scoring)
  if ok and type(decoded) == 'table' and type(decoded.decision) == 'string' then
    automated = decoded.decision
  end
end
local kind_list, is_audit, is_appeal = {}, false, false
for kind in string.gmatch(kinds, '[^,]+') do
  table.insert(kind_list, '"' .. kind .. '"')
  if kind == 'audit' then is_audit = true end
  if kind == 'appeal' then is_appeal = true end
end
local now_ms, decided_at = fmt(now), iso8601(now)

redis.call('ZREM', KEYS[2], item_id)
redis.call('ZREM', KEYS[3], item_id)
redis.call('ZADD', KEYS[4], now_ms, item_id)
redis.call('HSET', item_key, 'state', 'decided', 'outcome', outcome, 'labels', ARGV[4],
  'decided_by', moderator, 'decided_at', now_ms, 'updated_at', now_ms)
if ARGV[5] ~= '' then
  redis.call('HSET', item_key, 'note', ARGV[5])
else
  redis.call('HDEL', item_key, 'note')
end
redis.call('HDEL', item_key, 'claimed_by', 'claimed_at', 'lease_expires_at')
redis.call('HINCRBY', KEYS[7], 'outcome:' .. outcome, 1)
redis.call('HINCRBY', KEYS[7], 'moderator:' .. moderator, 1)
if is_audit then
  redis.call('HINCRBY', KEYS[7], 'audit:' .. (automated or 'none') .. ':' .. outcome, 1)
end

redis.call('XADD', KEYS[5], '*', 'item_id', item_id, 'comment_id', comment_id,
  'moderator', moderator, 'outcome', outcome, 'labels', ARGV[4], 'note', ARGV[5],
  'kinds', kinds, 'decided_at', decided_at, 'automated_decision', automated or '')
local body = '{"event":"decision","item_id":' .. cjson.encode(item_id)
  .. ',"comment_id":' .. cjson.encode(comment_id)
  .. ',"outcome":' .. cjson.encode(outcome)
  .. ',"labels":' .. ARGV[4]
  .. ',"note":' .. ARGV[6]
  .. ',"moderator":' .. cjson.encode(moderator)
  .. ',"decided_at":"' .. decided_at .. '"'
  .. ',"kinds":[' .. table.concat(kind_list, ',') .. ']'
  .. ',"automated_decision":' .. (automated and cjson.encode(automated) or 'null')
  .. ',"appeal":' .. (is_appeal and 'true' or 'false') .. '}'
redis.call('XADD', KEYS[6], '*', 'event', 'decision', 'item_id', item_id, 'body', body)
return {'decided', redis.call('HGETALL', item_key)}
"""
)


class Scripts:
    """The queue's scripts registered on one client."""

    def __init__(self, client: redis.Redis) -> None:
        self.create_or_join: Any = client.register_script(CREATE_OR_JOIN)
        self.expire: Any = client.register_script(EXPIRE)
        self.claim: Any = client.register_script(CLAIM)
        self.release: Any = client.register_script(RELEASE)
        self.decide: Any = client.register_script(DECIDE)
