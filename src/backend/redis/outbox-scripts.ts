import { LuaScript } from './lua-script.js';

// Every outbox transition that races (two replicas claiming, a change arriving while its lane is
// being delivered) is one script. Times are ARGV from the injected clock, never Redis's own.

/**
 * KEYS: 1 lane hash, 2 lane queue, 3 ready, 4 once key.
 * ARGV: 1 lane, 2 entry id, 3 entry JSON, 4 now, 5 coalesce key ('' none), 6 replace '1'/'0',
 *       7 once '1'/'0', 8 once ttl ms, 9 lane ttl ms.
 */
export const OUTBOX_ENQUEUE = new LuaScript(
  'slack-outbox-enqueue',
  `
if ARGV[7] == '1' then
  if not redis.call('SET', KEYS[4], ARGV[2], 'NX', 'PX', ARGV[8]) then return 'duplicate' end
end
if ARGV[5] ~= '' then
  local waiting = redis.call('HGET', KEYS[1], 'co:' .. ARGV[5])
  if waiting and redis.call('HEXISTS', KEYS[1], 'e:' .. waiting) == 1 then
    if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'e:' .. waiting, ARGV[3]) end
    return 'coalesced'
  end
  redis.call('HSET', KEYS[1], 'co:' .. ARGV[5], ARGV[2])
end
redis.call('HSET', KEYS[1], 'e:' .. ARGV[2], ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('PEXPIRE', KEYS[2], ARGV[9])
return 'enqueued'
`,
);

/**
 * KEYS: 1 lane hash, 2 lane queue, 3 ready, 4 paused.
 * ARGV: 1 lane, 2 now, 3 lease end, 4 claim token.
 * Returns {id, entry JSON ('' when missing), attempts, progress JSON or ''}; 'paused' when the
 * head may call a paused method (the lane then waits for the pause's end); nil when not due.
 * A claimed entry stops taking coalesced changes: it may already have rendered.
 */
export const OUTBOX_CLAIM = new LuaScript(
  'slack-outbox-claim',
  `
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return false end
local id = redis.call('LINDEX', KEYS[2], 0)
if not id then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('DEL', KEYS[1])
  return false
end
local body = redis.call('HGET', KEYS[1], 'e:' .. id)
local coalesce = nil
if body then
  local ok, entry = pcall(cjson.decode, body)
  if ok and type(entry) == 'table' then
    local held = 0
    if type(entry.methods) == 'table' then
      for _, method in ipairs(entry.methods) do
        local pausedUntil = tonumber(redis.call('HGET', KEYS[4], method) or '0')
        if pausedUntil > held then held = pausedUntil end
      end
    end
    if held > tonumber(ARGV[2]) then
      redis.call('ZADD', KEYS[3], 'XX', held, ARGV[1])
      return 'paused'
    end
    if type(entry.coalesceKey) == 'string' then coalesce = entry.coalesceKey end
  end
end
redis.call('ZADD', KEYS[3], 'XX', ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'claim', ARGV[4])
if coalesce and redis.call('HGET', KEYS[1], 'co:' .. coalesce) == id then redis.call('HDEL', KEYS[1], 'co:' .. coalesce) end
local f = redis.call('HMGET', KEYS[1], 'attempts', 'progress')
return {id, body or '', f[1] or '0', f[2] or ''}
`,
);

/**
 * KEYS: 1 lane hash, 2 ready.
 * ARGV: 1 lane, 2 claim token, 3 progress JSON, 4 lease end.
 */
export const OUTBOX_PROGRESS = new LuaScript(
  'slack-outbox-progress',
  `
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[2] then return 'stale' end
redis.call('HSET', KEYS[1], 'progress', ARGV[3])
redis.call('ZADD', KEYS[2], 'XX', ARGV[4], ARGV[1])
return 'done'
`,
);

/**
 * KEYS: 1 lane hash, 2 lane queue, 3 ready.
 * ARGV: 1 lane, 2 claim token, 3 entry id, 4 now.
 */
export const OUTBOX_COMPLETE = new LuaScript(
  'slack-outbox-complete',
  `
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[2] then return 'stale' end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[3] then return 'stale' end
redis.call('LPOP', KEYS[2])
redis.call('HDEL', KEYS[1], 'claim', 'attempts', 'progress', 'e:' .. ARGV[3])
if redis.call('LLEN', KEYS[2]) > 0 then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
else
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('DEL', KEYS[1], KEYS[2])
end
return 'done'
`,
);

/**
 * KEYS: 1 lane hash, 2 ready, 3 paused.
 * ARGV: 1 lane, 2 claim token, 3 retry epoch ms, 4 attempts, 5 progress JSON,
 *       6 paused method ('' none), 7 pause end epoch ms (only ever moves later),
 *       8 the entry's coalesce key ('' none), 9 entry id.
 * A head given back renders again when retried, so changes may ride on it again (unless a newer
 * entry with its key already waits).
 */
export const OUTBOX_RESCHEDULE = new LuaScript(
  'slack-outbox-reschedule',
  `
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[2] then return 'stale' end
redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[1])
redis.call('HSET', KEYS[1], 'attempts', ARGV[4], 'progress', ARGV[5])
redis.call('HDEL', KEYS[1], 'claim')
if ARGV[6] ~= '' then
  local current = redis.call('HGET', KEYS[3], ARGV[6])
  if not current or tonumber(current) < tonumber(ARGV[7]) then redis.call('HSET', KEYS[3], ARGV[6], ARGV[7]) end
end
if ARGV[8] ~= '' and not redis.call('HGET', KEYS[1], 'co:' .. ARGV[8]) then redis.call('HSET', KEYS[1], 'co:' .. ARGV[8], ARGV[9]) end
return 'done'
`,
);
