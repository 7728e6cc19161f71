import { describe, expect, it } from 'vitest';
import { checkReadiness } from '../../../src/server/readiness.js';

const up = (name: string) => ({ name, check: async () => undefined });
const down = (name: string, reason: string, critical?: boolean) => ({
  name,
  ...(critical === undefined ? {} : { critical }),
  check: async () => {
    throw new Error(reason);
  },
});

describe('checkReadiness', () => {
  it('is ready when every probe answers', async () => {
    expect(await checkReadiness([up('store'), up('slack')], 100)).toEqual({
      ready: true,
      checks: { store: { ok: true }, slack: { ok: true } },
    });
  });

  it('is not ready when a critical probe fails, and says why', async () => {
    expect(await checkReadiness([down('store', 'Redis PING failed: ECONNREFUSED'), up('slack')], 100)).toEqual({
      ready: false,
      checks: { store: { ok: false, reason: 'Redis PING failed: ECONNREFUSED' }, slack: { ok: true } },
    });
  });

  it('reports a failing non-critical probe without becoming unready', async () => {
    expect(await checkReadiness([up('store'), down('statuspage', 'Statuspage refused the API key (401)', false)], 100)).toEqual({
      ready: true,
      checks: { store: { ok: true }, statuspage: { ok: false, reason: 'Statuspage refused the API key (401)' } },
    });
  });

  it('counts a probe that does not answer in time as failed', async () => {
    const hung = { name: 'store', check: () => new Promise<void>(() => undefined) };
    const report = await checkReadiness([hung], 50);
    expect(report).toEqual({ ready: false, checks: { store: { ok: false, reason: 'store did not answer within 50ms' } } });
  });
});
