import { LuaScript } from './lua-script.js';

// Retention is kept apart from the commit scripts (store-scripts.ts): it only ever shrinks or
// expires what a resolved incident left behind, and checks in the same atomic step that the
// incident is still resolved, so it can never race an evaluation into losing an open incident.

/**
 * Compacts a resolved incident and sets when it expires.
 * KEYS: 1 incident, 2 incident events, 3 compaction record, 4.. other per-incident keys (paging record, ...).
 * ARGV: 1 expire at (epoch ms), 2 events kept from the start, 3 events kept from the end.
 * Events beyond head + tail (a flapping severity's escalated/deescalated pairs, children joining
 * a parent) are dropped from the middle: the opening, the first changes, the last changes and the
 * resolution stay. How many were dropped and the times of the first and last of them go to the
 * compaction record, so the timeline fills that span from the audit log, or says what is gone.
 * Replies the number of events dropped, or -1 when the incident is missing or not resolved.
 */
export const COMPACT_RESOLVED = new LuaScript(
  'retention-compact-resolved',
  `
local raw = redis.call('GET', KEYS[1])
if not raw then return -1 end
if cjson.decode(raw).state ~= 'resolved' then return -1 end
local head, tail = tonumber(ARGV[2]), tonumber(ARGV[3])
local n = redis.call('LLEN', KEYS[2])
local dropped = 0
if n > head + tail then
  local from = cjson.decode(redis.call('LINDEX', KEYS[2], head)).at
  local to = cjson.decode(redis.call('LINDEX', KEYS[2], n - tail - 1)).at
  local last = redis.call('LRANGE', KEYS[2], n - tail, -1)
  redis.call('LTRIM', KEYS[2], 0, head - 1)
  for _, event in ipairs(last) do redis.call('RPUSH', KEYS[2], event) end
  dropped = n - head - tail
  redis.call('HSET', KEYS[3], 'dropped', dropped, 'from', string.format('%.0f', from), 'to', string.format('%.0f', to))
end
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('PEXPIREAT', KEYS[i], ARGV[1]) end
end
return dropped
`,
);

/**
 * Drops one incident past retention from the recent index, with its keys (incidents resolved
 * before retention existed have no expiry; the others may already be gone).
 * KEYS: 1 recent index, 2 open index, 3 incident, 4 incident events, 5 compaction record, 6.. other per-incident keys.
 * ARGV: 1 incident id, 2 cutoff (epoch ms: resolved before it is dropped).
 * Replies 1 when dropped, 0 when kept (still open, or resolved after the cutoff).
 */
export const DROP_EXPIRED = new LuaScript(
  'retention-drop-expired',
  `
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
local raw = redis.call('GET', KEYS[3])
if raw then
  local incident = cjson.decode(raw)
  if incident.state ~= 'resolved' then return 0 end
  if tonumber(incident.resolvedAt or incident.updatedAt or 0) >= tonumber(ARGV[2]) then return 0 end
end
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`,
);
