import { afterAll, expect, it } from 'vitest';
import { openMonitorFeed, type MonitorLine } from '../../../doubles/monitor-feed.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

/* The MONITOR double the command-counting tests rely on reads back exactly what clients sent. */

const db = useRedisPrefix('monitor-feed');
const closers: Array<{ close(): void }> = [];
afterAll(() => {
  for (const c of closers) c.close();
});

it('parses each command with its arguments as sent, quotes, escapes and non-ASCII included, and names scripts as lua', async () => {
  const seen: MonitorLine[] = [];
  closers.push(await openMonitorFeed((line) => seen.push(line)));
  const key = `${db.prefix}k "quoted" \\ back`;
  const value = 'line1\nline2\ttab \u00e9\u6f22 \x01';
  await db.redis.set(key, value);
  await db.redis.eval("return redis.call('GET', KEYS[1])", 1, key);
  await db.redis.exists(`${db.prefix}marker`);
  await expect.poll(() => seen.some((l) => l.args[1] === `${db.prefix}marker`)).toBe(true);

  const mine = seen.filter((l) => l.args.some((a) => a.startsWith(db.prefix)));
  expect(mine.map((l) => l.args)).toEqual([
    ['set', key, value],
    ['eval', "return redis.call('GET', KEYS[1])", '1', key],
    ['GET', key],
    ['exists', `${db.prefix}marker`],
  ]);
  expect(mine[2]?.source).toBe('lua');
  expect(mine[0]?.source).toMatch(/^[\d.:[\]a-f]+:\d+$/);
});
