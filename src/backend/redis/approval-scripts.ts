import { LuaScript } from './lua-script.js';

// Every approval transition is one of these scripts: the checks (state, expiry, who) and the
// writes (record, indexes, locks, audit entry) happen in one atomic step, so concurrent clicks
// on any number of replicas serialise in Redis and each sees the state the previous one left.
//
// Conventions:
// - KEYS[1] is always the request hash; every key a script touches is passed in KEYS.
// - Times and JSON come in as ARGV strings and are stored verbatim. Lua numbers are doubles
//   formatted with 14 significant digits when turned back into strings, so values are never
//   round-tripped through tonumber() before being written; tonumber() is only used to compare.
// - Audit entries are XADD with an auto id ('*'): allowed in scripts since Redis 5 made script
//   effects replication the default ("starting with Redis 5, ... scripts effects replication is
//   the default", redis.io EVAL docs), so the replica gets the same id.
// - Replies are {status} or {status, HGETALL of the request}.

const PRELUDE = `
local function audit(stream, kind, id, actor, at, detail)
  redis.call('XADD', stream, '*', 'type', kind, 'approval', id, 'actor', actor, 'at', at, 'detail', detail)
end
-- Frees the lock keys from KEYS[first] on, but only those this request still holds.
local function release(first, id)
  for i = first, #KEYS do
    if redis.call('GET', KEYS[i]) == id then redis.call('DEL', KEYS[i]) end
  end
end
local function reply(status)
  return {status, redis.call('HGETALL', KEYS[1])}
end
-- For run transitions: nil when KEYS[1] is in one of the allowed states and owned by runner,
-- else the refusal reply.
local function run_refusal(runner, allowed)
  if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-found'} end
  local state = redis.call('HGET', KEYS[1], 'state')
  if not allowed[state] then return reply('wrong-state') end
  if redis.call('HGET', KEYS[1], 'runnerId') ~= runner then return reply('not-runner') end
  return nil
end
`;

function script(name: string, body: string): LuaScript {
  return new LuaScript(name, PRELUDE + body);
}

/**
 * KEYS: 1 request, 2 pending, 3 expiry, 4 audit, 5 by-plan index, 6 the request whose locks this
 * one may take over (KEYS[1] again when none), 7.. one lock per resource, then the n drill locks
 * of the same resources (a drill run holding one refuses the request: its holder is a DRL- id).
 * ARGV: 1 id, 2 createdAt, 3 expiresAt, 4 requester, 5 required, 6 plan JSON, 7 resources JSON,
 * 8 title, 9 plan id, 10 id of the request whose locks it takes over ('' = none), 11 n.
 * Replies {'created', hash} | {'existing', id of the request already made for this plan}
 * | {'locked', resource index (0-based), holder id} | {'exists'}.
 * The plan id is the idempotency key: the same create sent twice (a reply lost, the command
 * re-sent on reconnect) answers the first request instead of making a second or failing.
 * Take-over (a resume or DNS revert of an interrupted run): a lock held by ARGV[10] is taken
 * only while that request is interrupted and not released, in this same step, so at no moment
 * are its resources free for a third request, and the interrupted run is marked released
 * (handed over, audited) so it can never free the new holder's locks.
 */
export const CREATE_APPROVAL = script(
  'approval-create',
  `
local existing = redis.call('HGET', KEYS[5], ARGV[9])
if existing then return {'existing', existing} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local n = tonumber(ARGV[11])
for i = 1, n do
  local drill = redis.call('GET', KEYS[6 + n + i])
  if drill then return {'locked', i - 1, drill} end
end
local took = false
for i = 7, 6 + n do
  local holder = redis.call('GET', KEYS[i])
  if holder then
    if holder ~= ARGV[10] then return {'locked', i - 7, holder} end
    local f = redis.call('HMGET', KEYS[6], 'state', 'locksReleasedBy')
    if f[1] ~= 'interrupted' or f[2] then return {'locked', i - 7, holder} end
    took = true
  end
end
for i = 7, 6 + n do redis.call('SET', KEYS[i], ARGV[1]) end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'plan', ARGV[6], 'resources', ARGV[7], 'requester', ARGV[4],
  'required', ARGV[5], 'state', 'pending', 'createdAt', ARGV[2], 'expiresAt', ARGV[3], 'updatedAt', ARGV[2],
  'approvalCount', '0')
redis.call('HSET', KEYS[5], ARGV[9], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
audit(KEYS[4], 'requested', ARGV[1], ARGV[4], ARGV[2], ARGV[8])
if took then
  redis.call('HSET', KEYS[6], 'locksReleasedBy', ARGV[4], 'locksReleasedAt', ARGV[2], 'updatedAt', ARGV[2],
    'locksHandedTo', ARGV[1])
  audit(KEYS[4], 'released', ARGV[10], ARGV[4], ARGV[2], 'locks handed over to ' .. ARGV[1])
end
return reply('created')
`,
);

/**
 * One approve click. Validates state, expiry and approver distinctness, records the approval,
 * and when the count is reached moves to 'approved' and claims the run for ARGV[3]. Only the
 * click that reaches the count sees 'execute'; every later one finds the state 'approved'.
 * KEYS: 1 request, 2 pending, 3 expiry, 4 active, 5 audit.
 * ARGV: 1 approver, 2 at, 3 runner id, 4 lease expires at.
 */
export const APPROVE = script(
  'approval-approve',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-found'} end
local f = redis.call('HMGET', KEYS[1], 'id', 'state', 'requester', 'expiresAt', 'required')
local id, state, requester, expires_at, required = f[1], f[2], f[3], f[4], f[5]
if state ~= 'pending' then return reply('not-pending') end
if tonumber(ARGV[2]) >= tonumber(expires_at) then return reply('expired') end
if ARGV[1] == requester then return reply('own-request') end
if redis.call('HEXISTS', KEYS[1], 'voter:' .. ARGV[1]) == 1 then return reply('already-approved') end
local n = redis.call('HINCRBY', KEYS[1], 'approvalCount', 1)
redis.call('HSET', KEYS[1], 'voter:' .. ARGV[1], n, 'vote:' .. n, ARGV[1], 'voteAt:' .. n, ARGV[2], 'updatedAt', ARGV[2])
audit(KEYS[5], 'approved', id, ARGV[1], ARGV[2], n .. ' of ' .. required)
if n < tonumber(required) then return reply('recorded') end
redis.call('HSET', KEYS[1], 'state', 'approved', 'runnerId', ARGV[3], 'claimedAt', ARGV[2], 'leaseExpiresAt', ARGV[4],
  'stepCount', '0')
redis.call('ZREM', KEYS[2], id)
redis.call('ZREM', KEYS[3], id)
redis.call('ZADD', KEYS[4], ARGV[4], id)
return reply('execute')
`,
);

/**
 * KEYS: 1 request, 2 pending, 3 expiry, 4 audit, 5.. locks. ARGV: 1 user, 2 at, 3 reason ('' = none).
 * Replies {'rejected'|'not-pending'|'expired', hash} | {'not-found'}.
 */
export const REJECT = script(
  'approval-reject',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-found'} end
local f = redis.call('HMGET', KEYS[1], 'id', 'state', 'expiresAt')
local id = f[1]
if f[2] ~= 'pending' then return reply('not-pending') end
if tonumber(ARGV[2]) >= tonumber(f[3]) then return reply('expired') end
redis.call('HSET', KEYS[1], 'state', 'rejected', 'rejectedBy', ARGV[1], 'rejectedAt', ARGV[2], 'updatedAt', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'rejectReason', ARGV[3]) end
redis.call('ZREM', KEYS[2], id)
redis.call('ZREM', KEYS[3], id)
release(5, id)
audit(KEYS[4], 'rejected', id, ARGV[1], ARGV[2], ARGV[3])
return reply('rejected')
`,
);

/**
 * Expires one request if it is still pending and due; two sweepers racing: one 'expired', one 'skip'.
 * KEYS: 1 request, 2 pending, 3 expiry, 4 audit, 5.. locks. ARGV: 1 id, 2 now.
 */
export const EXPIRE = script(
  'approval-expire',
  `
local f = redis.call('HMGET', KEYS[1], 'state', 'expiresAt')
if f[1] ~= 'pending' then
  redis.call('ZREM', KEYS[3], ARGV[1]) -- not pending (or gone): it has no business in the expiry index
  return {'skip'}
end
if tonumber(ARGV[2]) < tonumber(f[2]) then return {'skip'} end
redis.call('HSET', KEYS[1], 'state', 'expired', 'expiredAt', ARGV[2], 'updatedAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
release(5, ARGV[1])
audit(KEYS[4], 'expired', ARGV[1], '', ARGV[2], '')
return reply('expired')
`,
);

/** KEYS: 1 request, 2 active, 3 audit. ARGV: 1 runner, 2 at, 3 lease expires at. approved -> running. */
export const START_RUN = script(
  'approval-start-run',
  `
local refused = run_refusal(ARGV[1], {approved = true})
if refused then return refused end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('HSET', KEYS[1], 'state', 'running', 'startedAt', ARGV[2], 'updatedAt', ARGV[2], 'leaseExpiresAt', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], id)
audit(KEYS[3], 'started', id, ARGV[1], ARGV[2], '')
return reply('ok')
`,
);

/**
 * KEYS: 1 request, 2 active, 3 audit. ARGV: 1 runner, 2 at, 3 lease expires at, 4 step id,
 * 5 step JSON, 6 audit detail. Marks the step in flight; renews the lease.
 */
export const STEP_STARTED = script(
  'approval-step-started',
  `
local refused = run_refusal(ARGV[1], {running = true})
if refused then return refused end
local id = redis.call('HGET', KEYS[1], 'id')
-- A retry of a write that landed (its reply lost in a store blip) renews the lease, records nothing twice.
if redis.call('HGET', KEYS[1], 'currentStepId') == ARGV[4] then
  redis.call('HSET', KEYS[1], 'leaseExpiresAt', ARGV[3])
  redis.call('ZADD', KEYS[2], ARGV[3], id)
  return reply('ok')
end
redis.call('HSET', KEYS[1], 'currentStepId', ARGV[4], 'currentStep', ARGV[5], 'updatedAt', ARGV[2], 'leaseExpiresAt', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], id)
audit(KEYS[3], 'step-started', id, ARGV[1], ARGV[2], ARGV[6])
return reply('ok')
`,
);

/**
 * Same KEYS/ARGV as STEP_STARTED. Appends the finished step, clears the one in flight, renews the
 * lease. Both step scripts are idempotent per step id, so the runner can retry them through a blip.
 */
export const STEP_DONE = script(
  'approval-step-done',
  `
local refused = run_refusal(ARGV[1], {running = true})
if refused then return refused end
local id = redis.call('HGET', KEYS[1], 'id')
-- A retry of a write that landed (its reply lost in a store blip): the last step recorded is this
-- one and none is in flight; renew the lease, record nothing twice. Step ids are unique in a plan.
local count = tonumber(redis.call('HGET', KEYS[1], 'stepCount') or '0')
if count > 0 and not redis.call('HGET', KEYS[1], 'currentStepId') then
  local last = cjson.decode(redis.call('HGET', KEYS[1], 'step:' .. count))
  if last.stepId == ARGV[4] then
    redis.call('HSET', KEYS[1], 'leaseExpiresAt', ARGV[3])
    redis.call('ZADD', KEYS[2], ARGV[3], id)
    return reply('ok')
  end
end
local n = redis.call('HINCRBY', KEYS[1], 'stepCount', 1)
redis.call('HSET', KEYS[1], 'step:' .. n, ARGV[5], 'updatedAt', ARGV[2], 'leaseExpiresAt', ARGV[3])
redis.call('HDEL', KEYS[1], 'currentStepId', 'currentStep')
redis.call('ZADD', KEYS[2], ARGV[3], id)
audit(KEYS[3], 'step-done', id, ARGV[1], ARGV[2], ARGV[6])
return reply('ok')
`,
);

/** KEYS: 1 request, 2 active. ARGV: 1 runner, 2 lease expires at. Replies 1 when renewed, else 0. */
export const RENEW_RUN = script(
  'approval-renew-run',
  `
if run_refusal(ARGV[1], {approved = true, running = true}) then return 0 end
redis.call('HSET', KEYS[1], 'leaseExpiresAt', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[2], redis.call('HGET', KEYS[1], 'id'))
return 1
`,
);

/**
 * KEYS: 1 request, 2 active, 3 audit, 4 last runs, 5.. locks. ARGV: 1 runner, 2 at,
 * 3 'succeeded'|'failed', 4 message, 5 detail JSON ('' = none), 6 last-run field ('' = this run is
 * no runbook's last run), 7 last-run JSON. Ends the run and releases the locks; a succeeded run
 * becomes its runbook's last run unless the one recorded finished later (another replica's run).
 */
export const FINISH_RUN = script(
  'approval-finish-run',
  `
local refused = run_refusal(ARGV[1], {approved = true, running = true})
if refused then return refused end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'finishedAt', ARGV[2], 'updatedAt', ARGV[2], 'message', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'detail', ARGV[5]) end
redis.call('ZREM', KEYS[2], id)
release(5, id)
audit(KEYS[3], ARGV[3], id, ARGV[1], ARGV[2], ARGV[4])
if ARGV[3] == 'succeeded' and ARGV[6] ~= '' then
  local was = redis.call('HGET', KEYS[4], ARGV[6])
  -- pcall: an unreadable pointer is replaced, never allowed to fail the finish written above.
  local ok, last = pcall(cjson.decode, was or '')
  local at = ok and type(last) == 'table' and tonumber(last.finishedAt)
  if not was or not at or tonumber(ARGV[2]) > at then redis.call('HSET', KEYS[4], ARGV[6], ARGV[7]) end
end
return reply('ok')
`,
);

/**
 * Marks one run interrupted if it is still active and its lease lapsed by ARGV[2]; two recovering
 * replicas racing: one 'interrupted', one 'skip'. The detail words match interruptedDetail().
 * The locks stay held: a call in flight (a restore, a promotion) may still be running in AWS,
 * so only a person who checked releases them (RELEASE_LOCKS).
 * KEYS: 1 request, 2 active, 3 audit. ARGV: 1 id, 2 now, 3 recovering instance id.
 */
export const INTERRUPT_RUN = script(
  'approval-interrupt-run',
  `
local f = redis.call('HMGET', KEYS[1], 'state', 'leaseExpiresAt', 'currentStepId', 'stepCount')
local state = f[1]
if state ~= 'approved' and state ~= 'running' then
  redis.call('ZREM', KEYS[2], ARGV[1]) -- ended (or gone): it has no business in the active index
  return {'skip'}
end
if tonumber(ARGV[2]) < tonumber(f[2]) then return {'skip'} end
local detail
if state == 'approved' then
  detail = 'before the run started'
elseif f[3] then
  detail = 'during step ' .. f[3]
else
  detail = 'after ' .. (f[4] or '0') .. ' completed steps'
end
redis.call('HSET', KEYS[1], 'state', 'interrupted', 'finishedAt', ARGV[2], 'updatedAt', ARGV[2], 'interruptedBy', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
audit(KEYS[3], 'interrupted', ARGV[1], ARGV[3], ARGV[2], detail)
return reply('interrupted')
`,
);

/**
 * The runner hands its own active run back at once because its process is stopping: the run is
 * marked interrupted (locks kept, as for a lapsed lease) instead of showing "Running" until the
 * lease lapses. The audit detail is interruptedDetail() plus the reason in parentheses.
 * KEYS: 1 request, 2 active, 3 audit. ARGV: 1 runner, 2 at, 3 reason.
 * Replies {'ok'|'wrong-state'|'not-runner', hash} | {'not-found'}.
 */
export const HAND_BACK_RUN = script(
  'approval-hand-back-run',
  `
local refused = run_refusal(ARGV[1], {approved = true, running = true})
if refused then return refused end
local f = redis.call('HMGET', KEYS[1], 'id', 'state', 'currentStepId', 'stepCount')
local id = f[1]
local detail
if f[2] == 'approved' then
  detail = 'before the run started'
elseif f[3] then
  detail = 'during step ' .. f[3]
else
  detail = 'after ' .. (f[4] or '0') .. ' completed steps'
end
redis.call('HSET', KEYS[1], 'state', 'interrupted', 'finishedAt', ARGV[2], 'updatedAt', ARGV[2], 'interruptedBy', ARGV[1])
redis.call('ZREM', KEYS[2], id)
audit(KEYS[3], 'interrupted', id, ARGV[1], ARGV[2], detail .. ' (' .. ARGV[3] .. ')')
return reply('ok')
`,
);

/**
 * A person frees the locks an interrupted run kept, once; two racing: one 'released', one
 * 'wrong-state'. The state stays 'interrupted'.
 * KEYS: 1 request, 2 audit, 3.. locks. ARGV: 1 user, 2 at, 3 audit detail (the resources).
 * Replies {'released'|'wrong-state', hash} | {'not-found'}.
 */
export const RELEASE_LOCKS = script(
  'approval-release-locks',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-found'} end
local f = redis.call('HMGET', KEYS[1], 'id', 'state', 'locksReleasedBy')
local id = f[1]
if f[2] ~= 'interrupted' or f[3] then return reply('wrong-state') end
redis.call('HSET', KEYS[1], 'locksReleasedBy', ARGV[1], 'locksReleasedAt', ARGV[2], 'updatedAt', ARGV[2])
release(3, id)
audit(KEYS[2], 'released', id, ARGV[1], ARGV[2], ARGV[3])
return reply('released')
`,
);
