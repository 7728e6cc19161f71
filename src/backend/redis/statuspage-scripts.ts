import { LuaScript } from './lua-script.js';

/**
 * One published update, all or nothing, so two replicas publishing for the same incident at
 * once cannot both "create" it, lose an update, or leave components out of step with it.
 *
 * KEYS: 1 incident hash, 2 updates list, 3 incidents sorted set, 4 components hash.
 * ARGV: 1 incident id, 2 title, 3 status, 4 impact ('' = keep), 5 at (epoch ms), 6 update JSON,
 *       then pairs of component name, ComponentRecord JSON.
 * Returns 1 when this update created the incident, else 0.
 */
export const RECORD_PUBLISHED = new LuaScript(
  'statuspage-record-published',
  `
local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  created = 1
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[5])
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
end
redis.call('HSET', KEYS[1], 'title', ARGV[2], 'status', ARGV[3], 'updatedAt', ARGV[5])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'impact', ARGV[4])
end
if ARGV[3] == 'resolved' then
  redis.call('HSET', KEYS[1], 'resolvedAt', ARGV[5])
else
  redis.call('HDEL', KEYS[1], 'resolvedAt')
end
redis.call('RPUSH', KEYS[2], ARGV[6])
for i = 7, #ARGV, 2 do
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
end
return created
`,
);

/** KEYS: lock. ARGV: holder. Compare-and-DEL, so a late release cannot free a successor's lock. */
export const RELEASE_PUBLISH_LOCK = new LuaScript(
  'statuspage-release-publish-lock',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
);
