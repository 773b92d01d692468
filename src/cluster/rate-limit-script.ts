/**
 * The cluster rate limit's one Lua script: prune, count, serve the line, grant — atomically, on
 * Redis's clock (TIME), so no node's clock enters into it.
 *
 * Keys: the window (a sorted set of grant instants, members unique per call), the line (nodes that
 * were refused, by the instant they were first refused), what each node in the line still wants (a
 * hash), and when each node last asked (a sorted set, to drop nodes that died in the line).
 *
 * Fairness: a node may take a free slot only after the nodes ahead of it in the line have had what
 * they wanted, so under contention the slots go round the nodes in the order they started waiting
 * instead of to whichever node happens to ask first when one frees. A node served in part goes to
 * the back of the line.
 *
 * ARGV: max, windowMs, wanted (≥ 0: 0 means "leaving the line"), a tag unique to this call, the
 * node's id, how long a silent node keeps its place (ms).
 * Returns {granted, ms to wait before asking again (0 when all were granted)}.
 *
 * Scores are formatted with `%.3f`: Lua's default number formatting keeps 14 digits, which would
 * round a millisecond timestamp to 0.1 ms at best.
 */
// i18n-exempt: Lua source, read by Redis, never shown to a person
export const RATE_LIMIT_SCRIPT = `
local window, line, wants, seen = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local max = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local tag = ARGV[4]
local node = ARGV[5]
local keepMs = tonumber(ARGV[6])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local function ms(x) return string.format('%.3f', x) end

redis.call('ZREMRANGEBYSCORE', window, '-inf', ms(now - windowMs))
for _, n in ipairs(redis.call('ZRANGEBYSCORE', seen, '-inf', ms(now - keepMs))) do
  redis.call('ZREM', line, n)
  redis.call('HDEL', wants, n)
  redis.call('ZREM', seen, n)
end

local mine = redis.call('ZSCORE', line, node)
local ahead
if mine then ahead = redis.call('ZRANGEBYSCORE', line, '-inf', '(' .. mine) else ahead = redis.call('ZRANGE', line, 0, -1) end
local owed = 0
for _, n in ipairs(ahead) do
  if n ~= node then owed = owed + (tonumber(redis.call('HGET', wants, n)) or 0) end
end

local free = max - redis.call('ZCARD', window)
local give = math.max(0, math.min(want, free - owed))
if give > 0 then
  local args = {}
  local score = ms(now)
  for i = 1, give do
    args[#args + 1] = score
    args[#args + 1] = tag .. ':' .. i
  end
  redis.call('ZADD', window, unpack(args))
  redis.call('PEXPIRE', window, windowMs + 1000)
end

local wait = 0
if give < want then
  -- Refused outright, a node keeps its place; served in part, it goes to the back, so that a node
  -- with endless demand cannot stay at the front.
  if give > 0 then redis.call('ZADD', line, ms(now), node) else redis.call('ZADD', line, 'NX', ms(now), node) end
  redis.call('HSET', wants, node, want - give)
  redis.call('ZADD', seen, ms(now), node)
  for _, k in ipairs({line, wants, seen}) do redis.call('PEXPIRE', k, windowMs + keepMs) end
  -- The first instant this node can be served: when the grant that frees its first slot after
  -- what is owed to those ahead leaves the window (free slots, if any, are all owed by now).
  local k = owed - (free - give)
  local g = redis.call('ZRANGE', window, k, k, 'WITHSCORES')
  if g[2] then wait = math.max(1, math.ceil(tonumber(g[2]) + windowMs - now)) else wait = windowMs end
else
  redis.call('ZREM', line, node)
  redis.call('HDEL', wants, node)
  redis.call('ZREM', seen, node)
end
return {give, wait}
`;
