import { LuaScript } from './lua-script.js';

// Every queue transition that races (two replicas, a click while the monitor resolves) is one
// script. Times are ARGV from the injected clock. Status strings are read with cjson, which
// Redis ships with its Lua.

/**
 * KEYS: 1 incident hash, 2 outbox, 3 ready, 4 escalations.
 * ARGV: 1 incident id, 2 event JSON, 3 now, 4 queued state JSON.
 * Refused once resolved ('closed'): a late trigger would open a new PagerDuty alert nobody resolves.
 */
export const ENQUEUE_TRIGGER = new LuaScript(
  'paging-enqueue-trigger',
  `
if redis.call('HGET', KEYS[1], 'closed') == '1' then return 'closed' end
redis.call('HSET', KEYS[1], 'paged', '1')
redis.call('HDEL', KEYS[1], 'escalation', 'escalation-state')
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[1])
local current = redis.call('HGET', KEYS[1], 'state')
local status = current and cjson.decode(current).status
if status ~= 'triggered' and status ~= 'acknowledged' then
  redis.call('HSET', KEYS[1], 'state', ARGV[4])
end
return 'enqueued'
`,
);

/**
 * KEYS: 1 incident hash, 2 outbox, 3 ready, 4 escalations.
 * ARGV: 1 incident id, 2 event JSON, 3 now, 4 action ('acknowledge' | 'resolve').
 */
export const ENQUEUE_FOLLOW_UP = new LuaScript(
  'paging-enqueue-follow-up',
  `
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[1], 'escalation', 'escalation-state')
local flags = redis.call('HMGET', KEYS[1], 'paged', 'closed')
if ARGV[4] == 'resolve' then
  redis.call('HSET', KEYS[1], 'closed', '1')
else
  redis.call('HSET', KEYS[1], 'acked', '1')
end
if flags[1] ~= '1' or flags[2] == '1' then
  -- Never paged: an escalation that was pending is simply off, nothing to show.
  local current = redis.call('HGET', KEYS[1], 'state')
  if current and cjson.decode(current).status == 'scheduled' then redis.call('HDEL', KEYS[1], 'state') end
  return 'skipped'
end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[1])
return 'enqueued'
`,
);

/**
 * KEYS: 1 incident hash, 2 escalations. ARGV: 1 incident id.
 * Takes back an armed timer and its 'scheduled' state; a paged incident has none, so nothing else changes.
 */
export const CANCEL_ESCALATION = new LuaScript(
  'paging-cancel-escalation',
  `
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 'none' end
redis.call('HDEL', KEYS[1], 'escalation', 'escalation-state')
local current = redis.call('HGET', KEYS[1], 'state')
if current and cjson.decode(current).status == 'scheduled' then redis.call('HDEL', KEYS[1], 'state') end
return 'cancelled'
`,
);

/**
 * KEYS: 1 incident hash, 2 escalations.
 * ARGV: 1 incident id, 2 due epoch ms, 3 event JSON, 4 scheduled state JSON, 5 fired state JSON.
 * ZADD NX keeps the first due time, so a restart or a repeated change never postpones or doubles it.
 */
export const SCHEDULE_ESCALATION = new LuaScript(
  'paging-schedule-escalation',
  `
local flags = redis.call('HMGET', KEYS[1], 'paged', 'acked', 'closed')
if flags[1] == '1' or flags[2] == '1' or flags[3] == '1' then return 'skipped' end
local added = redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], 'escalation', ARGV[3], 'escalation-state', ARGV[5])
if added == 1 then
  redis.call('HSET', KEYS[1], 'state', ARGV[4])
  return 'scheduled'
end
return 'refreshed'
`,
);

/**
 * KEYS: 1 incident hash, 2 outbox, 3 ready, 4 escalations.
 * ARGV: 1 incident id, 2 now.
 * Check-and-remove in one step: of two replicas sweeping at once, exactly one sees it due.
 */
export const PROMOTE_ESCALATION = new LuaScript(
  'paging-promote-escalation',
  `
local due = redis.call('ZSCORE', KEYS[4], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then return 'not-due' end
redis.call('ZREM', KEYS[4], ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'paged', 'acked', 'closed', 'escalation', 'escalation-state')
redis.call('HDEL', KEYS[1], 'escalation', 'escalation-state')
if f[1] == '1' or f[2] == '1' or f[3] == '1' or not f[4] then return 'skipped' end
redis.call('HSET', KEYS[1], 'paged', '1')
redis.call('RPUSH', KEYS[2], f[4])
redis.call('ZADD', KEYS[3], 'NX', ARGV[2], ARGV[1])
if f[5] then redis.call('HSET', KEYS[1], 'state', f[5]) end
return 'promoted'
`,
);

/**
 * KEYS: 1 incident hash, 2 outbox, 3 ready, 4 paused-until.
 * ARGV: 1 incident id, 2 now, 3 lease end epoch ms, 4 claim token.
 * Returns {head JSON, attempts, state JSON or ''}, or nil when not due, taken, or paused.
 */
export const CLAIM_HEAD = new LuaScript(
  'paging-claim-head',
  `
local paused = redis.call('GET', KEYS[4])
if paused and tonumber(paused) > tonumber(ARGV[2]) then return false end
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return false end
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return false
end
redis.call('ZADD', KEYS[3], 'XX', ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'claim', ARGV[4])
local f = redis.call('HMGET', KEYS[1], 'attempts', 'state')
return {head, f[1] or '0', f[2] or ''}
`,
);

/**
 * KEYS: 1 incident hash, 2 outbox, 3 ready.
 * ARGV: 1 incident id, 2 claim token, 3 head JSON as claimed, 4 now, 5 state JSON ('' keeps it).
 */
export const COMPLETE_HEAD = new LuaScript(
  'paging-complete-head',
  `
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[2] then return 'stale' end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[3] then return 'stale' end
redis.call('LPOP', KEYS[2])
redis.call('HDEL', KEYS[1], 'claim', 'attempts')
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'state', ARGV[5]) end
if redis.call('LLEN', KEYS[2]) > 0 then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
else
  redis.call('ZREM', KEYS[3], ARGV[1])
end
return 'done'
`,
);

/**
 * KEYS: 1 incident hash, 2 ready, 3 paused-until.
 * ARGV: 1 incident id, 2 claim token, 3 retry epoch ms, 4 attempts, 5 state JSON ('' keeps it),
 *       6 pause-all-until epoch ms ('' for none; only ever moves later).
 */
export const RESCHEDULE_HEAD = new LuaScript(
  'paging-reschedule-head',
  `
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[2] then return 'stale' end
redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'attempts', ARGV[4])
redis.call('HDEL', KEYS[1], 'claim')
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'state', ARGV[5]) end
if ARGV[6] ~= '' then
  local current = redis.call('GET', KEYS[3])
  if not current or tonumber(current) < tonumber(ARGV[6]) then redis.call('SET', KEYS[3], ARGV[6]) end
end
return 'done'
`,
);
