import { LuaScript } from './lua-script.js';

// Lease values are "holder:token". Holders may contain ':' (host:pid:random), so "own lease"
// means: value starts with "holder:" and the rest is all digits.

/**
 * KEYS: lease, lease-token counter. ARGV: holder, ttl ms. Returns {1, new token}, or {0, PTTL}
 * when another holder has the lease (how long it has left, read in the same atomic step, so a
 * standby can come back right when it lapses instead of polling). This is SET NX PX done in Lua
 * so the token is INCRed only on success, and so a holder that already has the lease (it demoted
 * itself after failed renews that in fact landed) gets a fresh token instead of waiting out its
 * own lease.
 */
export const ACQUIRE_LEASE = new LuaScript(
  'acquire-lease',
  `
local current = redis.call('GET', KEYS[1])
if current then
  local prefix = ARGV[1] .. ':'
  local own = string.sub(current, 1, #prefix) == prefix
    and string.match(string.sub(current, #prefix + 1), '^%d+$') ~= nil
  if not own then return {0, redis.call('PTTL', KEYS[1])} end
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return {1, token}
`,
);

/** KEYS: lease. ARGV: "holder:token", ttl ms. Compare-and-PEXPIRE; returns 1 when extended. */
export const RENEW_LEASE = new LuaScript(
  'renew-lease',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`,
);

/** KEYS: lease. ARGV: "holder:token". Compare-and-DEL, so a late release cannot free a successor's lease. */
export const RELEASE_LEASE = new LuaScript(
  'release-lease',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
);

/**
 * One evaluation, all or nothing. The fence check and the writes are in the same script, so no
 * other leader can take the lease between "still mine?" and the write. The fence is never
 * optional: ARGV[1] is either the lease value or the literal 'unfenced' (which no lease value can
 * equal: those are "holder:digits"); anything else, an empty string included, is refused.
 *
 * KEYS: 1 check state, 2 open set, 3 recent set, 4 incident, 5 incident events, 6 lease,
 *       7 open-severity hash.
 * ARGV: 1 expected lease value, or 'unfenced', 2 check state JSON ('' = leave as is),
 *       3 incident JSON ('' = none), 4 incident id, 5 openedAt score, 6 '1' when the incident is
 *       open, 7 event JSON ('' = none), 8 expected stored incident revision ('' = no check,
 *       0 = must not exist), 9 the incident's severity.
 * Keys 4-6 are named even when unused so every key the script may touch is declared. The
 * open-severity hash is written exactly where the open set is, so it holds the open set's ids
 * (or fewer, for incidents opened before it existed) with each one's latest severity.
 */
export const COMMIT_EVALUATION = new LuaScript(
  'commit-evaluation',
  `
if ARGV[1] ~= 'unfenced' and (ARGV[1] == '' or redis.call('GET', KEYS[6]) ~= ARGV[1]) then
  return 'fenced'
end
if ARGV[8] ~= '' then
  local stored = redis.call('GET', KEYS[4])
  local revision = 0
  if stored then revision = tonumber(cjson.decode(stored).revision) or 0 end
  if revision ~= tonumber(ARGV[8]) then return 'conflict' end
end
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2])
end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[4], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
  if ARGV[6] == '1' then
    redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
    redis.call('HSET', KEYS[7], ARGV[4], ARGV[9])
  else
    redis.call('ZREM', KEYS[2], ARGV[4])
    redis.call('HDEL', KEYS[7], ARGV[4])
  end
end
if ARGV[7] ~= '' then
  redis.call('RPUSH', KEYS[5], ARGV[7])
end
return 'committed'
`,
);

/**
 * A batch of quiet passes (QuietPass, store.ts): the same fence check as COMMIT_EVALUATION, then
 * one HSET of every pass, so a stale leader's batch lands nowhere. It writes only the passes
 * hash, never a check state or an incident, so it cannot open, change or resolve anything.
 *
 * KEYS: 1 lease, 2 passes hash. ARGV: 1 expected lease value, or 'unfenced', then checkId, pass
 * JSON pairs (the caller sends at most QUIET_PASS_CHUNK pairs: Lua's unpack has a stack limit).
 */
export const RECORD_QUIET_PASSES = new LuaScript(
  'record-quiet-passes',
  `
if ARGV[1] ~= 'unfenced' and (ARGV[1] == '' or redis.call('GET', KEYS[1]) ~= ARGV[1]) then
  return 'fenced'
end
if #ARGV > 1 then
  redis.call('HSET', KEYS[2], unpack(ARGV, 2))
end
return 'committed'
`,
);

/** Passes per RECORD_QUIET_PASSES call: 2 arguments each, well under Lua's unpack limit (~8,000). */
export const QUIET_PASS_CHUNK = 1_000;
