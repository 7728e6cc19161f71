import { LuaScript } from './lua-script.js';

/*
 * A run hash's `state`: running (its process renews drill-alive), recovering (a leader took it
 * over: drill-recovery holds its owner), finished (its outcome is in the history). Liveness and
 * recovery leases are Redis's own PX expiries, so replicas' clocks never decide who is dead.
 */

/**
 * KEYS: 1 sequence, 2 active set, then n approval locks, then the n drill locks of the same
 * resources. ARGV: 1 lease ms, 2 liveness ms, 3 drill, 4 resources JSON, 5 startedAt, 6 run
 * hash TTL s, 7 run hash key prefix, 8 liveness key prefix (the run id completes both: it is
 * numbered here, only when the claim succeeds).
 * Returns {'ok', runId} | {'locked', resource index (0-based), holder}.
 */
export const DRILL_CLAIM = new LuaScript(
  'drill-claim',
  `
local n = (#KEYS - 2) / 2
for i = 1, n do
  local holder = redis.call('GET', KEYS[2 + i]) or redis.call('GET', KEYS[2 + n + i])
  if holder then return {'locked', i - 1, holder} end
end
local id = 'DRL-' .. redis.call('INCR', KEYS[1])
for i = 1, n do redis.call('SET', KEYS[2 + n + i], id, 'PX', ARGV[1]) end
local run = ARGV[7] .. id
redis.call('HSET', run, 'drill', ARGV[3], 'resources', ARGV[4], 'startedAt', ARGV[5], 'state', 'running')
redis.call('EXPIRE', run, ARGV[6])
redis.call('SET', ARGV[8] .. id, id, 'PX', ARGV[2])
redis.call('SADD', KEYS[2], id)
return {'ok', id}
`,
);

/** KEYS: the drill locks. ARGV: 1 run id. Deletes only the locks the run still holds. */
export const DRILL_RELEASE = new LuaScript(
  'drill-release',
  `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 1
`,
);

/** KEYS: 1 run hash, 2 liveness. ARGV: 1 run id, 2 liveness ms. Renews only a run still its process's. */
export const DRILL_HEARTBEAT = new LuaScript(
  'drill-heartbeat',
  `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
`,
);

/**
 * KEYS: 1 run hash, 2 liveness, 3 recovery lease, 4 active set. ARGV: 1 run id, 2 owner, 3 lease ms.
 * Returns {'taken', drill, resources, startedAt, created} | {'alive'} | {'ended'} | {'held'}.
 */
export const DRILL_TAKE_OVER = new LuaScript(
  'drill-take-over',
  `
local f = redis.call('HMGET', KEYS[1], 'state', 'drill', 'resources', 'startedAt', 'created')
if not f[1] or f[1] == 'finished' then
  redis.call('SREM', KEYS[4], ARGV[1])
  return {'ended'}
end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'alive'} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {'held'} end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
redis.call('HSET', KEYS[1], 'state', 'recovering')
return {'taken', f[2], f[3], f[4], f[5] or ''}
`,
);

/** KEYS: 1 recovery lease. ARGV: 1 owner. Frees the lease only for its owner. */
export const DRILL_HAND_BACK = new LuaScript(
  'drill-hand-back',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`,
);

/**
 * KEYS: 1 run hash, 2 history, 3 liveness, 4 recovery lease, 5 active set. ARGV: 1 run id,
 * 2 outcome JSON, 3 'interrupted' or '', 4 history length. A run without a hash (history kept by
 * hand) is recorded as is. Returns 1 when kept, 0 when the run already ended or is not the caller's.
 */
export const DRILL_RECORD = new LuaScript(
  'drill-record',
  `
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'finished' then return 0 end
if state == 'recovering' and ARGV[3] == '' then return 0 end
if state == 'running' and ARGV[3] ~= '' then return 0 end
if state then redis.call('HSET', KEYS[1], 'state', 'finished') end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('SREM', KEYS[5], ARGV[1])
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
return 1
`,
);
