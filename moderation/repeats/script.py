"""The repeat tracker's one Lua script: record a comment and count what came before it.

One call per comment is one round trip and one atomic step: two API processes seeing copies
of the same campaign at once still count each other.
"""

from __future__ import annotations

# Record one comment in the tracker's sorted sets and count its repeats.
#
# KEYS[1]          exact zset   <prefix>:{spam}:exact:<hash>    (used when ARGV[7] = "1")
# KEYS[2]          author zset  <prefix>:{spam}:author:<author> (used when ARGV[8] = "1")
# KEYS[3..2+nb]    band zsets   <prefix>:{spam}:band:<i>:<hash> (nb = ARGV[9])
# KEYS[3+nb..]     domain zsets <prefix>:{spam}:domain:<domain>
# ARGV[1] now, ms since the epoch (the caller's clock: replays and tests pass their own)
# ARGV[2] author hash, 16 hex digits   ARGV[3] comment hash, 16 hex digits
# ARGV[4] repeat window, ms   ARGV[5] velocity window, ms   ARGV[6] link window, ms
# ARGV[7] counted: "1" = record and count exact and near repeats (the comment says enough)
# ARGV[8] has author: "1" = record and count the author's comments (posting velocity)
# ARGV[9] nb, the number of band keys
# ARGV[10] most recent members read per key   ARGV[11] most members kept per key
#
# Only members within a zset's window are read (the author zset also loses older ones, as it
# is counted whole); the comment is then added as `<author hash><comment hash>`
# (`<comment hash>` in the author zset) scored `now`, the zset is cut to the newest ARGV[11]
# members and expires after its window. Adding is idempotent: a retry of the same comment id
# changes nothing but the time, and a comment never counts itself.
#
# Returns {exact_authors, exact_self, near_authors, near_self, velocity, then per domain key
# authors, self}: `*_authors` distinct other authors, `*_self` this author's other comments
# (near-duplicates leave out the exact ones and authors already counted as exact);
# `velocity` the author's comments in its window, this one included (0 without an author).
OBSERVE = """
local now = tonumber(ARGV[1])
local me_author, me_comment = ARGV[2], ARGV[3]
local member = me_author .. me_comment
local repeat_ms, velocity_ms, link_ms = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local counted, has_author = ARGV[7] == '1', ARGV[8] == '1'
local nb, read, cap = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local P = string.len(me_author)

local function trim(key, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%.0f', now - window))
end

local function record(key, window, value)
  redis.call('ZADD', key, now, value)
  redis.call('ZREMRANGEBYRANK', key, 0, -cap - 1)
  redis.call('PEXPIRE', key, window)
end

-- Members of key in its window, newest first, read before this comment is added. Older
-- members are not trimmed here (the rank cap and the key's expiry bound them).
local function visit(key, window)
  local seen = redis.call('ZREVRANGEBYSCORE', key, '+inf',
    string.format('%.0f', now - window), 'LIMIT', 0, read)
  record(key, window, member)
  return seen
end

local function tally(members, skip, authors, counts)
  for _, m in ipairs(members) do
    local comment = string.sub(m, P + 1)
    if comment ~= me_comment and not skip[comment] then
      skip[comment] = true
      local author = string.sub(m, 1, P)
      if author == me_author then
        counts[2] = counts[2] + 1
      elseif not authors[author] then
        authors[author] = true
        counts[1] = counts[1] + 1
      end
    end
  end
end

local out = {0, 0, 0, 0, 0}
if counted then
  local skip, authors = {}, {}
  local exact = {0, 0}
  tally(visit(KEYS[1], repeat_ms), skip, authors, exact)
  local near = {0, 0}
  for i = 1, nb do
    tally(visit(KEYS[2 + i], repeat_ms), skip, authors, near)
  end
  out[1], out[2], out[3], out[4] = exact[1], exact[2], near[1], near[2]
end
if has_author then
  trim(KEYS[2], velocity_ms)
  record(KEYS[2], velocity_ms, me_comment)
  out[5] = redis.call('ZCARD', KEYS[2])
end
for i = 3 + nb, #KEYS do
  local counts = {0, 0}
  tally(visit(KEYS[i], link_ms), {}, {}, counts)
  out[#out + 1] = counts[1]
  out[#out + 1] = counts[2]
end
return out
"""
