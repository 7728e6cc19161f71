import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { buildServer } from '../../../src/server/build-server.js';

let server: FastifyInstance | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function serverWithChecks(count: number): FastifyInstance {
  const metrics = new Metrics();
  for (let i = 0; i < count; i++) {
    metrics.recordResult({
      checkId: `check-${i}`,
      startedAt: 0,
      durationMs: 7,
      ok: true,
      severity: null,
      summary: 'ok',
      measurement: { kind: 'http', status: 200, url: 'https://example.com/' },
    });
  }
  server = buildServer({ logger: silentLogger(), metrics, readiness: [] });
  return server;
}

describe('GET /metrics', () => {
  it('is gzipped when Prometheus asks for it and the scrape is large, and reads back the same', async () => {
    const app = serverWithChecks(2_000);
    const plain = await app.inject({ method: 'GET', url: '/metrics' });
    const zipped = await app.inject({ method: 'GET', url: '/metrics', headers: { 'accept-encoding': 'gzip' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toBe(plain.headers['content-type']);
    const unzipped = gunzipSync(zipped.rawPayload).toString('utf8');
    // Process metrics move between two scrapes; the per-check series do not.
    const perCheck = (text: string) => text.split('\n').filter((l) => l.includes('check="'));
    expect(perCheck(unzipped)).toEqual(perCheck(plain.payload));
    expect(perCheck(unzipped)).toHaveLength(4_000);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5);
  });

  it('is sent as is when small, or when the client cannot take gzip', async () => {
    const small = await serverWithChecks(1).inject({ method: 'GET', url: '/metrics', headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.payload).toContain('lifeboat_check_up{check="check-0"} 1');
    await server?.close();
    const large = await serverWithChecks(2_000).inject({ method: 'GET', url: '/metrics', headers: { 'accept-encoding': 'br' } });
    expect(large.headers['content-encoding']).toBeUndefined();
    expect(large.payload).toContain('lifeboat_check_up{check="check-1999"} 1');
  });
});
