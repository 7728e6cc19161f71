import nock from 'nock';
import { afterAll, afterEach, expect } from 'vitest';
import type { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { guardNetwork, type SlackCall } from '../../doubles/slack-api-nock.js';
import { startNoiseApp, type NoiseApp } from './noise-app-harness.js';

export const MINUTE = 60_000;
/** An HTTP check that only runs when a test applies a result (its cron never fires in a test). */
export const HTTP = 'type: http, url: "https://api.example.com/health", schedule: "0 0 1 1 *", severity: SEV2';
export const HEAD = `
slack: { channel: C0INCIDENTS, command: /dr, operators: [U0AAA], approvers: [U0BBB] }
pagerduty: { pageAt: SEV2 }
`;

export const threadTexts = (calls: SlackCall[]) => calls.filter((c) => c.body.thread_ts !== undefined).map((c) => String(c.body.text));
export const topLevel = (calls: SlackCall[]) => calls.filter((c) => c.body.thread_ts === undefined);

/**
 * One noise e2e file's set-up: its own Redis prefix per test, every app it starts stopped after
 * each test (a test that stops one itself takes it off `running`), and no request left unmatched.
 */
export function useNoiseApps(name: string) {
  const network = guardNetwork();
  const bed = useRedisPrefix(name, { perTest: true });
  const running: NoiseApp[] = [];
  afterEach(async () => {
    for (const noise of running.splice(0)) await noise.app.stop();
    nock.cleanAll();
    expect(network.unmatched).toEqual([]);
    network.reset();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
  async function start(yaml: string, clock: ManualClock): Promise<NoiseApp> {
    const noise = await startNoiseApp(yaml, bed.newConnection(), bed.prefix, clock);
    running.push(noise);
    return noise;
  }
  return { bed, running, start };
}
