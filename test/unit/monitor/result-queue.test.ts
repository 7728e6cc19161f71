import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/core/check-result.js';
import { ResultQueue } from '../../../src/monitor/result-queue.js';
import { createLogger } from '../../../src/observability/logger.js';
import { fail, pass } from '../../doubles/results.js';

/** A store that is down until `up()`: apply and ping both fail meanwhile, as over a dead socket. */
function flakyStore(options: { refuse?: (result: CheckResult) => boolean } = {}) {
  const state = { down: false, applied: [] as CheckResult[], lines: [] as Array<{ msg: string; [k: string]: unknown }> };
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void state.lines.push(JSON.parse(line)) } });
  const queue = new ResultQueue<string>({
    apply: async (result) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (state.down) throw new Error('Connection is closed.');
      if (options.refuse?.(result)) throw new Error('ERR script error');
      state.applied.push(result);
    },
    ping: async () => {
      if (state.down) throw new Error('Connection is closed.');
    },
    logger,
    maxHeldPerCheck: 3,
  });
  return { state, queue };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ResultQueue', () => {
  it('applies the results held during an outage in the order they were measured, each once', async () => {
    const { state, queue } = flakyStore();
    state.down = true;
    const results = [fail('SEV2', 'api', 1), fail('SEV2', 'api', 2), pass('api', 3)];
    for (const result of results) queue.push(result, 'term');
    queue.push(fail('SEV1', 'db', 1), 'term');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(state.applied).toEqual([]);
    expect(queue.size).toBe(4);

    state.down = false;
    await until(() => state.applied.length === 4);
    expect(state.applied.filter((r) => r.checkId === 'api').map((r) => r.startedAt)).toEqual([1, 2, 3]);
    expect(queue.size).toBe(0);
    expect(state.lines.some((l) => l.msg.startsWith('the store answers again'))).toBe(true);
  });

  it('keeps at most maxHeldPerCheck per check: the oldest waiting ones go, with a count in the log', async () => {
    const { state, queue } = flakyStore();
    state.down = true;
    for (let at = 1; at <= 6; at++) queue.push(fail('SEV2', 'api', at), 'term');
    await new Promise((resolve) => setTimeout(resolve, 50));
    state.down = false;
    await until(() => queue.size === 0);
    // The first was already in a store call; 2, 3 and 4 made room for the newer ones.
    expect(state.applied.map((r) => r.startedAt)).toEqual([1, 5, 6]);
    expect(state.lines.find((l) => /oldest results were dropped/.test(l.msg))).toMatchObject({ checkId: 'api', dropped: 3 });
  });

  it('drops a result the answering store keeps refusing, loudly, and goes on with the next', async () => {
    const { state, queue } = flakyStore({ refuse: (result) => result.startedAt === 1 });
    queue.push(fail('SEV2', 'api', 1), 'term');
    queue.push(fail('SEV2', 'api', 2), 'term');
    await until(() => state.applied.length === 1);
    expect(state.applied.map((r) => r.startedAt)).toEqual([2]);
    expect(state.lines.some((l) => /refused 3 times while the store answers; dropped/.test(l.msg))).toBe(true);
  });

  it('once closed (leadership ended), writes nothing it held, even when the store comes back', async () => {
    const { state, queue } = flakyStore();
    state.down = true;
    for (let at = 1; at <= 3; at++) queue.push(fail('SEV2', 'api', at), 'term');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.close('no longer leader');
    state.down = false;
    queue.push(fail('SEV2', 'api', 4), 'term');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(state.applied).toEqual([]);
    expect(state.lines.find((l) => /held check results discarded/.test(l.msg))).toMatchObject({ discarded: 2, reason: 'no longer leader' });
  });
});
