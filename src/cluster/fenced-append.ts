/**
 * Appends journal records to a run's stream only while the caller still holds the run's job lock:
 * the check and the append are one Lua script, so nothing can take the lock between them. A worker
 * whose lock expired (killed, cut off from Redis, paused past its lock) or was taken over gets
 * `nil` and writes nothing — and since every call is preceded by its durable intent, it sends
 * nothing either (fencing).
 *
 * KEYS[1] the job's lock, KEYS[2] the journal stream; ARGV[1] the lock token, ARGV[2] the
 * notification channel, ARGV[3] the run id, ARGV[4…] the records' JSON. Returns the entries' ids.
 */
// i18n-exempt: a Lua script, read by Redis
export const FENCED_APPEND_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return nil end
local ids = {}
for i = 4, #ARGV do ids[#ids + 1] = redis.call('XADD', KEYS[2], '*', 'r', ARGV[i]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return ids
`;

/**
 * Appends records (a person's control, an edit) for a run no node holds: only while its job has no
 * lock, so they never slip in beside a running worker's records unseen. The node that takes the job
 * next reads them before it starts. Same KEYS and ARGV as FENCED_APPEND_LUA, without the token
 * (ARGV[1] is ignored).
 */
// i18n-exempt: a Lua script, read by Redis
export const UNHELD_APPEND_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local ids = {}
for i = 4, #ARGV do ids[#ids + 1] = redis.call('XADD', KEYS[2], '*', 'r', ARGV[i]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return ids
`;
