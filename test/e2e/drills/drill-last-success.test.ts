import { expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { DrillOutcome } from '../../../src/drills/drill-outcome.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { useGuardedApp } from '../../doubles/guarded-app.js';
import { NO_PROBES } from '../../doubles/no-probes.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { ORDERS_RESTORE, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { testBackend } from '../../doubles/test-backend.js';

/*
 * A restarted process (a deploy, an OOM kill) must still say when each drill last passed: the
 * "drill overdue" alert reads lifeboat_drill_last_success_timestamp_seconds, and a gauge that
 * only the process which ran the drill knows would vanish with it.
 */
const guarded = useGuardedApp();
const redis = useRedisPrefix('drill-last-success', { perTest: true });

const YAML = `
runbooks:
  restore:
    orders: ${yamlFlow(ORDERS_RESTORE)}
drills:
  weekly: { restore: orders }
  never-passed: { restore: orders }
`;

function outcome(result: DrillOutcome['result'], finishedAt: number, runId: string): DrillOutcome {
  return {
    drill: 'weekly',
    runId,
    runbook: 'orders',
    region: 'us-east-1',
    source: 'orders-db',
    result,
    startedAt: finishedAt - 600_000,
    finishedAt,
    cleanup: [],
    summary: `Drill weekly ${result}.`,
  };
}

it('a new process reads the last passed drill from the store into the gauge; a drill that never passed has no series', async () => {
  const parsed = parseConfig(YAML, {});
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const backend = testBackend(redis.redis, redis.prefix);
  // History, newest first after these writes: a failure after the last pass.
  await backend.drills.record(outcome('passed', Date.UTC(2026, 10, 30, 3, 20), 'DRL-1'));
  await backend.drills.record(outcome('failed', Date.UTC(2026, 11, 7, 3, 20), 'DRL-2'));

  const app = guarded.track(buildApp({ config: parsed.config, logger: silentLogger(), backend, probes: NO_PROBES }));
  await app.start(0, '127.0.0.1');

  const lastSuccess = async () => {
    const scrape = await app.server.inject({ method: 'GET', url: '/metrics' });
    return scrape.body.split('\n').filter((line) => line.startsWith('lifeboat_drill_last_success_timestamp_seconds{'));
  };
  const deadline = Date.now() + 5_000;
  while ((await lastSuccess()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await lastSuccess()).toEqual([
    `lifeboat_drill_last_success_timestamp_seconds{drill="weekly"} ${Date.UTC(2026, 10, 30, 3, 20) / 1000}`,
  ]);
});
