import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import { connectBackend, type ConnectOptions } from '../../../src/backend/create-backend.js';
import { systemClock } from '../../../src/core/clock.js';
import { randomKeyPrefix } from '../../doubles/test-redis.js';

/** A real pino logger writing its JSON lines into an array. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** The store connectBackend chose, as buildApp gets it. */
function createStore(options: Omit<ConnectOptions, 'clock' | 'retention'>) {
  return connectBackend({ ...options, clock: systemClock, retention: { incidentsMs: 1, auditMs: 1 } }).store;
}

describe('connectBackend', () => {
  it('without a Redis URL, uses memory and warns it is single-replica and lost on restart', async () => {
    const { logger, lines } = capturingLogger();
    const store = createStore({ logger });
    expect(store.kind).toBe('memory');
    const warning = lines.find((line) => line.level === 40);
    expect(warning?.msg).toMatch(/single replica/);
    expect(warning?.msg).toMatch(/lost on restart/);
    expect(warning?.msg).toMatch(/REDIS_URL/);
    await store.close();
  });

  it('with a Redis URL, uses Redis and never logs its password, even when Redis is unreachable', async () => {
    const { logger, lines } = capturingLogger();
    const store = createStore({ redisUrl: 'redis://ops:hunter2-secret@127.0.0.1:1/2', keyPrefix: randomKeyPrefix('create'), logger });
    try {
      expect(store.kind).toBe('redis');
      await expect(store.ping()).rejects.toThrow();
      const logged = JSON.stringify(lines);
      expect(logged).toContain('127.0.0.1:1');
      expect(logged).not.toContain('hunter2');
    } finally {
      await store.close();
    }
  });

  it('refuses a REDIS_URL that is not a redis:// URL, without echoing it', () => {
    const { logger } = capturingLogger();
    expect(() => createStore({ redisUrl: 'http://u:hunter2@host', logger })).toThrow(/redis:\/\//);
    expect(() => createStore({ redisUrl: 'not a url hunter2', logger })).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('hunter2'),
      }),
    );
  });
});
