import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { Config } from '../../../src/config/types.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { createLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { createPager, type CreatePagerDeps } from '../../../src/paging/create-pager.js';
import type { Pager } from '../../../src/paging/pager.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import type { Store } from '../../../src/store/store.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { TEST_PAGERDUTY_EVENTS_URL, TEST_ROUTING_KEY } from '../../doubles/pagerduty-events-nock.js';
import { testBackend } from '../../doubles/test-backend.js';

/** pageAt SEV2, escalation after 15m; `api` (http, SEV1) and `orders-lag` (SEV3 above 60 s, SEV2 above 300 s). */
export const PAGING_YAML = `
pagerduty:
  pageAt: SEV2
  escalateUnackedAfter: 15m
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    every: 15s
    severity: SEV1
    component: public-api
  - id: orders-lag
    type: replication-lag
    region: us-west-2
    metric: ReplicaLag
    dimensions: { DBInstanceIdentifier: orders-replica }
    every: 60s
    thresholds: { SEV3: 60s, SEV2: 300s }
`;

/** A validated config from YAML plus the PagerDuty environment tests use. */
export function pagingConfig(yaml = PAGING_YAML, env: Record<string, string> = {}): Config {
  const result = parseConfig(yaml, { PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY, PAGERDUTY_EVENTS_URL: TEST_PAGERDUTY_EVENTS_URL, ...env });
  if (!result.ok) throw new Error(`test config is invalid:\n${result.errors.join('\n')}`);
  return result.config;
}

/** Log lines a harness captured, parsed, plus the raw text (to check for secrets). */
export interface CapturedLogs {
  lines: Array<Record<string, unknown>>;
  raw(): string;
}

function captureLogs(): { logs: CapturedLogs; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logs: CapturedLogs = {
    get lines() {
      return chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    raw: () => chunks.join(''),
  };
  return { logs, stream };
}

export interface PagerHarness {
  clock: ManualClock;
  config: Config;
  store: Store;
  engine: IncidentEngine;
  pager: Pager;
  metrics: Metrics;
  logs: CapturedLogs;
}

export interface HarnessOptions {
  clock?: ManualClock;
  store?: Store;
  redis?: Redis;
  keyPrefix?: string;
  config?: Config;
  slackLinkFor?: CreatePagerDeps['slackLinkFor'];
  onPageEvent?: CreatePagerDeps['onPageEvent'];
}

/**
 * The real wiring in miniature: incident engine -> pager (subscribed as the app does) -> queue ->
 * Events API client, with a manual clock and jitter fixed at the middle of its range.
 */
export function pagerHarness(options: HarnessOptions = {}): PagerHarness {
  const clock = options.clock ?? new ManualClock();
  const config = options.config ?? pagingConfig();
  const store = options.store ?? new MemoryStore({ clock });
  const { logs, stream } = captureLogs();
  const logger = createLogger({ level: 'debug', destination: stream });
  const metrics = new Metrics();
  const engine = new IncidentEngine({
    store,
    clock,
    logger,
    policies: new Map(config.checks.map((c) => [c.id, { failAfter: 1, recoverAfter: 1 }])),
    fencing: { mode: 'unfenced' },
  });
  const pager = createPager({
    config,
    logger,
    metrics,
    queue: testBackend(options.redis ?? null, options.keyPrefix ?? 'lifeboat:', clock).pagingQueue,
    clock,
    random: () => 0.5,
    ...(options.slackLinkFor && { slackLinkFor: options.slackLinkFor }),
    ...(options.onPageEvent && { onPageEvent: options.onPageEvent }),
  });
  engine.subscribe(pager.onIncidentChange);
  return { clock, config, store, engine, pager, metrics, logs };
}
