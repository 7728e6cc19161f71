// Child process: one Lifeboat replica (the wiring users run, buildApp from dist/) on a shared
// Redis. Its probes answer at once and report each run to the parent over IPC, with the time,
// so the parent sees exactly when each replica probes which check. The parent SIGKILLs it.
import { buildApp } from '../../dist/app.js';
import { parseConfig } from '../../dist/config/parse-config.js';
import { createLogger } from '../../dist/observability/logger.js';
import { connectBackend } from '../../dist/backend/create-backend.js';
import { systemClock } from '../../dist/core/clock.js';

const cfg = JSON.parse(process.argv[2]);

const yaml = [
  `monitor: { leaseTtl: ${cfg.leaseTtlMs}ms }`,
  'checks:',
  ...Array.from(
    { length: cfg.checks },
    (_, i) => `  - { id: c${i}, type: http, url: "http://c${i}.bench/health", every: ${cfg.everyMs}ms, timeout: 500ms }`,
  ),
].join('\n');
const parsed = parseConfig(yaml, {});
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));

// Only the election's own lines go to the parent: when this replica was elected, and demoted.
const logger = createLogger({
  level: 'info',
  destination: {
    write(line) {
      const entry = JSON.parse(line);
      const election = entry.msg === 'elected leader' || entry.msg === 'no longer leader';
      if (election && process.connected) process.send({ type: entry.msg, at: Date.now() });
    },
  },
});

const app = buildApp({
  config: parsed.config,
  logger,
  backend: connectBackend({
    redisUrl: cfg.redisUrl,
    keyPrefix: cfg.keyPrefix,
    logger,
    clock: systemClock,
    retention: parsed.config.retention,
  }),
  holderId: cfg.name,
  probes: {
    http: async (spec) => {
      if (process.connected) process.send({ type: 'probe', check: new URL(spec.url).hostname.split('.')[0], at: Date.now() });
      return { ok: true, severity: null, summary: 'HTTP 200', measurement: { kind: 'http', status: 200, url: spec.url } };
    },
    lagBatch: async () => new Map(),
    backup: async () => {
      throw new Error('no backup checks in this bench');
    },
  },
});
await app.start(0, '127.0.0.1');
if (process.connected) process.send({ type: 'started', at: Date.now() });
// The parent ends us with SIGKILL (the leader) or by disconnecting (the survivor).
process.on('disconnect', () => {
  void app.stop().finally(() => process.exit(0));
});
